"""`cap get PATH ID FIELD` and `cap set PATH ID FIELD VALUE`: one field, from a script."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from ..exit import Exit
from ..render.problems import report
from ..render.terminal import clip, err, safe, width, write_json
from .common import add_format

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ..core.model import Node, Plan


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("path", metavar="PATH", help="the plan file")
    parser.add_argument("id", metavar="ID", help="a theme, programme or action id; `plan` for "
                        "the [plan] table")
    parser.add_argument("field", metavar="FIELD", help="status, due, lead, progress, ...")
    if name == "set":
        parser.add_argument("value", metavar="VALUE", help="the new value ('-' reads stdin)")
        parser.add_argument("--new-field", action="store_true",
                            help="add FIELD although the node's level does not declare it "
                            "(without this, a field cap does not know is refused as a typo)")
    else:
        add_format(parser, help="text (the default: the value as the plan writes it, control "
                   "characters shown as escapes) or json (the value exactly, for tools)")


def run(args: argparse.Namespace) -> Exit:
    return _set(args) if args.command == "set" else _get(args)


def _load(args: argparse.Namespace) -> tuple[Plan, Node] | Exit:
    """The plan (read with tomllib) and the node named by ID, or the exit code saying why not."""
    from ..core.model import Plan
    from ..core.problems import PlanError
    from ..core.source import parse_toml, read_source
    from ..core.values import find_node

    try:
        source = read_source(args.path)
        plan = Plan(source.path, parse_toml(source), source)
    except PlanError as exc:
        report(exc.problem)
        return Exit.FAILURE
    node = find_node(plan, args.id)
    if node is None:
        ids = [n.id for n in plan.nodes() if n.id]
        err(f'{safe(args.path)}: no theme, programme or action has id "{safe(args.id)}"'
            + _did_you_mean(args.id, ids, quote=False))
        return Exit.PROBLEMS
    return plan, node


def _did_you_mean(word: str, known: Sequence[str], quote: bool = True) -> str:
    """`; did you mean "status"?` naming the known words nearest `word` (case aside), or ""."""
    from difflib import get_close_matches

    by_lower: dict[str, str] = {}
    for k in known:
        by_lower.setdefault(k.lower(), k)
    if word.lower() in by_lower:  # the same but for case: that one
        near = [by_lower[word.lower()]]
    else:
        near = [by_lower[m] for m in get_close_matches(word.lower(), list(by_lower), n=3,
                                                       cutoff=0.6)]
    if not near:
        return ""
    shown = [f'"{safe(k)}"' if quote else safe(k) for k in near]
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    return f"; did you mean {listed}?"


def _known_fields(plan: Plan, node: Node) -> list[str]:
    """The fields a node may be given without --new-field: its level's built-in fields, the
    plan's custom fields (actions), and any field it already has."""
    from ..core.shape import SHAPE
    from ..core.values import fields_of

    known = [spec.key for spec in fields_of(plan, node)]
    child = SHAPE[node.kind].child_key
    known += [k for k in node.data if k not in known and k != child]
    return known


def _not_text(what: str, text: str) -> str | None:
    """Why an argument is not text cap can write (bytes that are not UTF-8 come to Python as
    lone surrogates), or None when it is."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        # bytes that are not UTF-8 reach Python as surrogates \udc80-\udcff: show the bytes
        shown = "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF
                        else f"\\u{ord(c):04x}" if 0xD800 <= ord(c) <= 0xDFFF else c
                        for c in text)
        return (f'{what} "{safe(shown)}" is not UTF-8 text (character {exc.start + 1}); '
                "nothing was changed")
    return None


def _get(args: argparse.Namespace) -> Exit:
    from ..core.values import field_spec

    loaded = _load(args)
    if isinstance(loaded, Exit):
        return loaded
    plan, node = loaded
    if args.field not in node.data and field_spec(plan, node, args.field) is None:
        err(f'{safe(args.path)}: {safe(args.id)} has no field "{safe(args.field)}"'
            + _did_you_mean(args.field, _known_fields(plan, node)))
        return Exit.PROBLEMS
    value = node.data.get(args.field)  # None: a field the node may have but does not
    if args.format == "json":
        write_json(sys.stdout, value, indent=None,
                   default=lambda v: v.isoformat() if isinstance(v, date) else str(v))
        return Exit.OK
    # control characters (ESC...) are shown, never sent to the terminal; --json has them exactly
    sys.stdout.write(safe(node.text(args.field), one_line=False) + "\n")
    return Exit.OK


def _set(args: argparse.Namespace) -> Exit:
    """Change one field, holding the plan's write lock from reading the file to writing it, so
    that twenty `cap set`s on one plan queue instead of losing each other's changes; the write
    is refused (nothing changed) if the file still changed since it was read (another program
    than cap)."""
    from ..core.lock import Locked, queued_write_lock

    for what, text in (("ID", args.id), ("FIELD", args.field), ("VALUE", args.value)):
        why = _not_text(what, text)
        if why is not None:
            err(f"{safe(args.path)}: {why}")
            return Exit.FAILURE
    if not args.field.strip():
        err(f"{safe(args.path)}: FIELD is empty: name the field to set (status, due, lead, "
            "...); nothing was changed")
        return Exit.FAILURE
    if args.value == "-":
        value = _read_stdin(args.path)
        if isinstance(value, Exit):
            return value
    else:
        value = args.value
    try:
        held = queued_write_lock(args.path)
    except Locked as exc:
        err(safe(str(exc)))
        return Exit.FAILURE
    except OSError as exc:  # cap's state folder (for the lock) cannot be made or written
        err(f"{safe(args.path)}: cannot take the plan's write lock ({exc.strerror or exc}: "
            f"{safe(str(exc.filename or ''))}); nothing was changed. Set CAP_STATE_DIR to a "
            "writable folder.")
        return Exit.FAILURE
    with held:
        return _set_locked(args, value)


def _read_stdin(path: str) -> str | Exit:
    """VALUE `-`: the value from stdin, read as UTF-8 bytes (not through the locale), without
    the line end(s) that close it (`echo text | cap set ... -`)."""
    if sys.stdin is None:
        err(f"{safe(path)}: VALUE is '-' but there is no standard input to read it from")
        return Exit.FAILURE
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream with no bytes beneath it (a test's StringIO)
        text = sys.stdin.read()
        why = _not_text("the value read from standard input (VALUE '-')", text)
        if why is not None:
            err(f"{safe(path)}: {why}")
            return Exit.FAILURE
        return text.removeprefix("\ufeff").rstrip("\r\n")
    raw: bytes = stream.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        err(f"{safe(path)}: the value read from standard input (VALUE '-') is not UTF-8 text: "
            f"byte 0x{raw[exc.start]:02x} at byte {exc.start + 1}; nothing was changed")
        return Exit.FAILURE
    return text.removeprefix("\ufeff").rstrip("\r\n")


def _set_locked(args: argparse.Namespace, text: str) -> Exit:
    """Read, change and write, under the write lock. The file is read whole with tomllib (so
    bad TOML is refused), but only the node's own table is cut out and changed (quickedit),
    unless it cannot be cut out safely, when the whole file is opened as a Document. Either way
    the change is the operation the editor makes (a SetField), and the bytes written are the
    ones the editor would write."""
    from ..core.check import Checker
    from ..core.document import Document, SaveFailed
    from ..core.edit.ops import Outcome
    from ..core.fileio import SaveError, write_atomic
    from ..core.problems import Problem, Severity
    from ..core.quickedit import cut, line_of, splice
    from ..core.values import find_node, parse_value

    loaded = _load(args)
    if isinstance(loaded, Exit):
        return loaded
    plan, node = loaded
    source = plan.source
    assert source is not None
    known = _known_fields(plan, node)
    if args.field not in known and not args.new_field:
        err(f'{safe(args.path)}: {safe(args.id)} has no field "{safe(args.field)}"'
            + (_did_you_mean(args.field, known) or ".")
            + " Nothing was changed; to add a new field on purpose, use --new-field.")
        return Exit.PROBLEMS
    piece = cut(source, plan, node)
    locate: Callable[[Node, str], tuple[int, int]]
    if piece is not None:
        doc, target = piece.doc, piece.node

        def locate(n: Node, key: str = "") -> tuple[int, int]:
            return line_of(source, piece, key) if n is node else (0, 0)
    else:  # the whole file as a Document: slower, but handles any layout
        doc = Document(source, plan.data)
        plan = doc.plan
        target = node = find_node(plan, args.id) or node
        locate = doc.locate
    try:
        value = parse_value(plan, node, args.field, text)
    except ValueError as exc:
        line, col = locate(node, args.field)
        report(Problem(args.path, line, col, Severity.ERROR, str(exc), node.id, args.field))
        return Exit.PROBLEMS
    old = node.text(args.field)
    result = doc.apply(doc.field_op(target, args.field, value))
    if result.outcome is Outcome.NO_OP:
        return Exit.OK
    if not result.ok:
        err(f"{safe(args.path)}: {result.reason}")
        return Exit.PROBLEMS
    node.data[args.field] = target.data[args.field]
    checker = Checker(plan, locate)
    problems = [p for p in checker.check_node(node) if p.field == args.field]
    if args.field == "id":
        problems += [p for p in checker.check_ids() if p.node_id == node.id]
    errors = [p for p in problems if p.severity is Severity.ERROR]
    for p in problems:
        report(p)
    if errors:
        err(f"{safe(args.path)}: not saved")
        return Exit.PROBLEMS
    try:
        # expect: the bytes read, so that a file changed since (by a program that does not
        # take cap's lock) is left as it is rather than overwritten
        if piece is not None:
            write_atomic(source.path, splice(source, piece), expect=source.raw,
                         allow_break_hardlink=False)
        else:
            doc.save(expect=source.raw)
    except (SaveError, SaveFailed) as exc:  # the message names the file and what to do
        err(safe(str(exc)))
        return Exit.FAILURE
    if sys.stderr.isatty():  # a person is watching: say what changed, on one screen line
        sys.stderr.write(_changed_line(f"{args.id}.{args.field}", old, node.text(args.field),
                                       width(sys.stderr)) + "\n")
    return Exit.OK


def _changed_line(what: str, old: str, new: str, columns: int) -> str:
    """`COM-01.status: green -> amber` in `columns` (the terminal's width, or COLUMNS): each
    value on one line, the old one given at most half the room, cut with `…` only if it must."""
    head = f"{safe(what)}: "
    old, new = (" ".join(safe(t).split()) for t in (old, new))
    room = max(columns - len(head) - len(" -> "), 20)
    old = clip(old, max(room // 2, room - len(new)))
    return f"{head}{old} -> {clip(new, room - len(old))}"
