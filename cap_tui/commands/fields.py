"""`cap get PATH ID FIELD` and `cap set PATH ID FIELD VALUE`: one field, from a script."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from ..exit import Exit
from ..render.problems import report
from ..render.terminal import err, safe, write_json

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..core.model import Node, Plan


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("path", metavar="PATH", help="the plan file")
    parser.add_argument("id", metavar="ID", help="a theme, programme or action id; `plan` for "
                        "the [plan] table")
    parser.add_argument("field", metavar="FIELD", help="status, due, lead, progress, ...")
    if name == "set":
        parser.add_argument("value", metavar="VALUE", help="the new value ('-' reads stdin)")
    else:
        parser.add_argument("--json", action="store_true", help="print the value as JSON")


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
        err(f'{safe(args.path)}: no theme, programme or action has id "{safe(args.id)}"')
        return Exit.PROBLEMS
    return plan, node


def _get(args: argparse.Namespace) -> Exit:
    from ..core.values import field_spec

    loaded = _load(args)
    if isinstance(loaded, Exit):
        return loaded
    plan, node = loaded
    if args.field not in node.data and field_spec(plan, node, args.field) is None:
        err(f'{safe(args.path)}: {safe(args.id)} has no field "{safe(args.field)}"')
        return Exit.PROBLEMS
    value = node.data.get(args.field)  # None: a field the node may have but does not
    if args.json:
        write_json(sys.stdout, value, indent=None,
                   default=lambda v: v.isoformat() if isinstance(v, date) else str(v))
        return Exit.OK
    # control characters (ESC...) are shown, never sent to the terminal; --json has them exactly
    sys.stdout.write(safe(node.text(args.field), one_line=False) + "\n")
    return Exit.OK


def _set(args: argparse.Namespace) -> Exit:
    """Change one field. The file is read whole with tomllib (so bad TOML is refused), but only
    the node's own table is cut out and changed (quickedit), unless it cannot be cut out safely,
    when the whole file is opened as a Document. Either way the change is the operation the
    editor makes (a SetField), and the bytes written are the ones the editor would write."""
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
    # `echo text | cap set ... -`: the newline(s) ending the input are not part of the value
    text = sys.stdin.read().rstrip("\r\n") if args.value == "-" else args.value
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
        if piece is not None:
            write_atomic(source.path, splice(source, piece))
        else:
            doc.save()
    except (SaveError, SaveFailed) as exc:  # the message names the file and what to do
        err(safe(str(exc)))
        return Exit.FAILURE
    if sys.stderr.isatty():
        new = node.text(args.field)
        sys.stderr.write(f"{args.id}.{args.field}: {safe(_short(old))} -> {safe(_short(new))}\n")
    return Exit.OK


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"
