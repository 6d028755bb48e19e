"""`cap rollover PATH --quarter --as-of DATE --reporting-point TEXT`: the plan to its next
reporting point; `cap rollover PATH --year --to NEW_PATH --period P`: next year's plan.

Both hold the plan's write lock from reading it to writing it and write it only if it still holds
the bytes read (as `cap set` does); every change is an edit operation (core/rollover.py).
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from ..exit import Exit
from ..render.problems import report
from ..render.terminal import Out, err, plural, safe

if TYPE_CHECKING:
    from contextlib import ExitStack
    from datetime import date

    from ..core.document import Document
    from ..core.rollover import YearRollover


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("path", metavar="PATH", help="the plan file")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--quarter", action="store_true",
                       help="move the plan to its next reporting point (--as-of and "
                       "--reporting-point)")
    which.add_argument("--year", action="store_true",
                       help="write next year's plan (--to and --period) with every unfinished "
                       "action carried forward")
    parser.add_argument("--as-of", metavar="DATE", help="the new as-of date, YYYY-MM-DD, after "
                        "the plan's (--year: by default the first day of the new period)")
    parser.add_argument("--reporting-point", metavar="TEXT",
                        help='the new reporting point, e.g. "Q3 Progress Update" (--year: by '
                        "default this year's is kept)")
    parser.add_argument("--to", metavar="NEW_PATH", help="--year: the new plan's file (must "
                        "not exist)")
    parser.add_argument("--period", metavar="PERIOD", help="--year: the new plan's period, "
                        "e.g. 2025-26")


def run(args: argparse.Namespace) -> Exit:
    needed = (("as_of", "--as-of"), ("reporting_point", "--reporting-point")) if args.quarter \
        else (("to", "--to"), ("period", "--period"))
    missing = [flag for key, flag in needed if not (getattr(args, key) or "").strip()]
    if missing:
        what = "--quarter" if args.quarter else "--year"
        err(f"{safe(args.path)}: {what} needs {' and '.join(missing)}; nothing was changed")
        return Exit.FAILURE
    if args.year and not args.quarter:
        return _year(args)
    return _quarter(args)


# -- reading, locking, saving -----------------------------------------------------------------
def _lock(*paths: str) -> ExitStack[bool | None] | Exit:
    """The write locks of the plans, or the exit code saying why they cannot be had."""
    from contextlib import ExitStack

    from ..core.lock import Locked, queued_write_lock

    held = ExitStack()
    for path in paths:
        try:
            held.enter_context(queued_write_lock(path))
        except Locked as exc:
            held.close()
            err(safe(str(exc)))
            return Exit.FAILURE
        except OSError as exc:
            held.close()
            err(f"{safe(path)}: cannot take the plan's write lock ({exc.strerror or exc}); "
                "nothing was changed. Set CAP_STATE_DIR to a writable folder.")
            return Exit.FAILURE
    return held


def _open(path: str, copies: int = 1) -> list[Document] | Exit:
    """The plan, read once, as `copies` Documents (each changed on its own); `doc.source.raw`
    is what the file must still hold for a save."""
    from ..core.document import Document
    from ..core.problems import PlanError
    from ..core.source import parse_toml, read_source

    try:
        source = read_source(path)
        return [Document(source, parse_toml(source)) for _ in range(copies)]
    except PlanError as exc:
        report(exc.problem)
        return Exit.FAILURE


def _save(doc: Document, path: str, expect: bytes | None, new_file: bool = False) -> bool:
    """Write the document to `path` (atomically; `new_file`: never over a file there); False,
    said on stderr, when it cannot be."""
    from ..core.document import SaveFailed

    try:
        doc.save(path, expect=expect, new_file=new_file)
    except SaveFailed as exc:
        err(safe(str(exc)))
        return False
    return True


def _point(doc: Document, args: argparse.Namespace) -> tuple[date | None, str | None] | None:
    """--as-of and --reporting-point as the plan's values (None for one not given); None, said,
    when one cannot be."""
    from ..core.values import parse_value

    root = doc.plan.root
    try:
        as_of = parse_value(doc.plan, root, "as_of", args.as_of) if args.as_of else None
        point = parse_value(doc.plan, root, "reporting_point", args.reporting_point.strip()) \
            if args.reporting_point else None
    except ValueError as exc:
        err(f"{safe(args.path)}: {safe(str(exc))}; nothing was changed")
        return None
    return as_of, point


# -- the next reporting point ------------------------------------------------------------------
def _quarter(args: argparse.Namespace) -> Exit:
    from ..core.edit.ops import EditError
    from ..core.rollover import RolloverError, next_point

    held = _lock(args.path)
    if isinstance(held, Exit):
        return held
    with held:
        opened = _open(args.path)
        if isinstance(opened, Exit):
            return opened
        (doc,) = opened
        old = (doc.plan.root.text("as_of"), doc.plan.root.text("reporting_point"))
        values = _point(doc, args)
        if values is None:
            return Exit.FAILURE
        as_of, point = values
        assert as_of is not None and point is not None  # run() asked for both
        try:
            changed = next_point(doc, as_of, point)
        except (RolloverError, EditError) as exc:
            err(f"{safe(args.path)}: {safe(str(exc))}; nothing was changed")
            return Exit.FAILURE
        if changed and not _save(doc, args.path, doc.source.raw):
            return Exit.FAILURE
    new = (doc.plan.root.text("as_of"), doc.plan.root.text("reporting_point"))
    out = Out()
    if not changed:
        out.line(f"{safe(args.path)}: already as of {new[0]}, at \"{safe(new[1])}\"; "
                 "nothing to change")
    else:
        out.line(f"{safe(args.path)}: as of {old[0] or '(none)'} -> {new[0]}, reporting point "
                 f"\"{safe(old[1])}\" -> \"{safe(new[1])}\"")
    return Exit.OK


# -- next year's plan --------------------------------------------------------------------------
def _year(args: argparse.Namespace) -> Exit:
    target = args.to
    if os.path.realpath(target) == os.path.realpath(args.path):
        err(f"{safe(args.path)}: --to names the plan itself; give the new plan's own file")
        return Exit.FAILURE
    if _exists(target):
        return Exit.FAILURE
    held = _lock(args.path, target)
    if isinstance(held, Exit):
        return held
    with held:
        opened = _open(args.path, copies=2)
        if isinstance(opened, Exit):
            return opened
        new, old = opened
        old_point = (new.plan.root.text("as_of"), new.plan.root.text("reporting_point"))
        built = _build(new, old, args)
        if isinstance(built, Exit):
            return built
        done, status, marked = built
        # the new plan first: if it cannot be written, this year's plan stays as it was
        if not _save(new, target, None, new_file=True):
            return Exit.FAILURE
        saved = not marked or _save(old, args.path, old.source.raw)
    out = Out()
    _year_summary(out, args, done, old_point, new)
    if not saved:
        err(f"{safe(args.path)}: next year's plan was written to {safe(target)}, but this plan "
            f"was not changed: set its carried actions' status to \"{safe(str(status))}\" by "
            "hand (cap set PATH ID status ...)")
        return Exit.FAILURE
    if marked:
        out.line(f"{safe(args.path)}: {plural(len(marked), 'carried action')} set to status "
                 f"\"{safe(str(status))}\"")
    else:
        why = "its vocabulary has no carried forward status" if status is None else \
            "no action was carried"
        out.line(f"{safe(args.path)}: unchanged ({why})")
    return Exit.OK


def _build(new: Document, old: Document,
           args: argparse.Namespace) -> tuple[YearRollover, str | None, list[str]] | Exit:
    """Next year's plan made in `new` (with --as-of and --reporting-point, when given), and
    this year's carried actions marked in `old`: what was done, the "carried forward" status
    (None when the vocabulary has none) and the actions marked with it."""
    from ..core.edit.ops import EditError
    from ..core.rollover import RolloverError, carried_status, mark_carried, next_year

    values = _point(new, args)
    if values is None:
        return Exit.FAILURE
    try:
        done = next_year(new, args.period.strip(), *values)
        status = carried_status(old.plan.statuses)
        marked = mark_carried(old, status) if status is not None else []
    except (RolloverError, EditError) as exc:
        err(f"{safe(args.path)}: {safe(str(exc))}; nothing was changed")
        return Exit.FAILURE
    return done, status, marked


def _exists(target: str) -> bool:
    """Whether a file (or anything) is already at the new plan's path: said, and refused."""
    if os.path.lexists(target):
        err(f"{safe(target)} already exists: cap rollover never overwrites a file; choose "
            "another --to, or move that file away first. Nothing was changed.")
        return True
    return False


def _year_summary(out: Out, args: argparse.Namespace, done: YearRollover,
                  old_point: tuple[str, str], new: Document) -> None:
    """What the year's rollover did to the new plan, for the officer to check."""
    from ..core.shape import SHAPE, Level

    root = new.plan.root
    out.line(f"{safe(args.to)}: next year's plan ({safe(root.text('period'))}), written from "
             f"{safe(args.path)}")
    out.line(f"  {plural(len(done.carried), 'action')} carried forward, each with carried_from "
             f"= \"{safe(done.carried_from)}\", status \"{safe(done.status)}\" and its last "
             "progress update as previous_update")
    out.line(f"  {plural(len(done.left), 'finished action')} left behind")
    for level in (Level.PROGRAMME, Level.THEME):
        ids = [safe(i) for lv, i in done.dropped if lv is level]
        if ids:
            out.line(f"  {plural(len(ids), SHAPE[level].word, SHAPE[level].plural)} left "
                     "empty, dropped: " + ", ".join(ids))
    if done.declared:
        out.line(f"  declared in the plan's fields: {', '.join(done.declared)}")
    elif done.undeclared:
        out.line("  carried_from and previous_update could not be declared in the plan's "
                 f"fields ({safe(done.undeclared)}): add them to [plan.fields] by hand")
    if not done.title:
        out.line(f"  the title does not name {safe(done.carried_from)}, so it is unchanged: "
                 f"\"{safe(root.text('title'))}\"")
    _year_point(out, done, old_point, root.text("as_of"), root.text("reporting_point"))
    if done.due_before:
        out.line(f"  {plural(len(done.due_before), 'carried action')} expected to complete "
                 f"before {safe(root.text('period'))}, each needing a new date: "
                 + ", ".join(safe(i) for i in done.due_before))
    out.line("  comments are kept as written: check those that speak of the old year")


def _year_point(out: Out, done: YearRollover, old: tuple[str, str], as_of: str,
                point: str) -> None:
    """Where the new plan's as-of date and reporting point came from."""
    from ..core.rollover import AsOf

    why = {AsOf.GIVEN: "", AsOf.START: ", the first day of its period (--as-of gives another)",
           AsOf.KEPT: " kept: its period is not a financial year cap can read, so give --as-of"}
    moved = as_of if done.as_of is AsOf.KEPT else f"{old[0] or '(none)'} -> {as_of}"
    out.line(f"  as of {moved}{why[done.as_of]}")
    if done.point_kept:
        out.line(f'  reporting point "{safe(point)}" kept (--reporting-point gives another)')
    else:
        out.line(f'  reporting point "{safe(old[1])}" -> "{safe(point)}"')
