"""`cap import`: returned sheets back into a plan, or a new plan from a council's spreadsheet.

    cap import FILE... --into PATH [--dry-run [--json]] [--yes] [--add]
    cap import FILE... --new PATH --council TEXT --title TEXT --period TEXT [--as-of DATE]

`--into` shows the change as `cap diff` would, then writes it (asking first on a terminal,
unless --yes); nothing is written when any row is wrong. `--new` writes a new plan file.
Exit status: 0 done (or nothing to change), 1 problems in the sheets (or not written), 2 a file
that cannot be read or written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from ..exit import Exit
from ..render.problems import report
from ..render.terminal import err, plural, safe
from .common import add_format, date_arg

if TYPE_CHECKING:
    from ..core.diff import PlanDiff
    from ..core.document import Document
    from ..core.importing import ImportResult
    from ..core.sheets import Table


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.usage = ("cap import FILE... --into PATH [--dry-run [--json]] [--yes] [--add]\n"
                    "       cap import FILE... --new PATH --council TEXT --title TEXT "
                    "--period TEXT [--as-of DATE]")
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="returned sheets or a council's spreadsheet: xlsx, csv (xls, ods)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--into", metavar="PATH", help="the plan to update, action by action")
    target.add_argument("--new", metavar="PATH", help="write a new plan from the spreadsheet")
    parser.add_argument("--dry-run", action="store_true",
                        help="show what would change, and write nothing")
    parser.add_argument("--yes", "-y", action="store_true", help="write without asking")
    parser.add_argument("--add", action="store_true",
                        help="add rows whose id is not in the plan as new actions (--into)")
    parser.add_argument("--council", help="the new plan's council (--new)")
    parser.add_argument("--title", help="the new plan's title (--new)")
    parser.add_argument("--period", help='the new plan\'s period, like "2025-26" (--new)')
    parser.add_argument("--as-of", type=date_arg, metavar="DATE",
                        help="the new plan's as-of date, YYYY-MM-DD (--new; default today)")
    add_format(parser, help="with --into and --dry-run: text (the default) or json for tools: "
               "the changes, the sheets' problems and notes, and the diff (as cap diff --json)")


def run(args: argparse.Namespace) -> Exit:
    if args.format == "json" and not (args.into and args.dry_run):
        err("--json goes with --into PATH --dry-run: what would change, for tools")
        return Exit.FAILURE
    return _new(args) if args.new else _into(args)


def _sheets(files: list[str]) -> list[Table] | Exit:
    from ..core.importing import SheetError, read_sheets

    try:
        return read_sheets(files)
    except SheetError as exc:
        err(safe(str(exc)))
        return Exit.FAILURE


def _refused(result: ImportResult, path: str) -> Exit | None:
    """Say the notes and problems; the exit code when there are problems."""
    from ..render.importing import write_notes, write_problems

    write_notes(result.notes)
    if not result.problems:
        return None
    write_problems(result.problems)
    err(f"{plural(len(result.problems), 'problem')} in the sheets: nothing was written to "
        f"{safe(path)}")
    return Exit.PROBLEMS


# -- into a plan -----------------------------------------------------------------------------------
def _into(args: argparse.Namespace) -> Exit:
    given = [f"--{k.replace('_', '-')}" for k in ("council", "title", "period", "as_of")
             if getattr(args, k) is not None]
    if given:
        err(f"{', '.join(given)}: only with --new (to change a plan's own fields, use cap set)")
        return Exit.FAILURE
    tables = _sheets(args.files)
    if isinstance(tables, Exit):
        return tables
    if args.dry_run:
        return _update(args, tables)
    from ..core.lock import Locked, queued_write_lock

    try:
        held = queued_write_lock(args.into)
    except Locked as exc:
        err(safe(str(exc)))
        return Exit.FAILURE
    except OSError as exc:
        err(f"{safe(args.into)}: cannot take the plan's write lock ({exc.strerror or exc}); "
            "nothing was changed. Set CAP_STATE_DIR to a writable folder.")
        return Exit.FAILURE
    with held:
        return _update(args, tables)


def _update(args: argparse.Namespace, tables: list[Table]) -> Exit:
    """Read the plan, apply the sheets, show the change and write it (under the write lock
    unless --dry-run)."""
    from ..core.document import Document
    from ..core.importing import update_plan
    from ..core.problems import PlanError

    path = args.into
    try:
        doc = Document.load(path)
    except PlanError as exc:
        report(exc.problem)
        return Exit.FAILURE
    before = _snapshot(doc.plan.data)
    result = update_plan(doc, tables, add=args.add)
    if args.format == "json":
        return _dry_run_json(before, doc, result, args.files)
    refused = _refused(result, path)
    if refused is not None:
        return refused
    if not result.changes:
        print(f"{safe(path)}: nothing to change: the plan already says what the sheets say "
              f"({plural(result.rows, 'row')})")
        return Exit.OK
    _show(before, doc, result, args.files)
    if args.dry_run:
        print("Dry run: nothing was written.")
        return Exit.OK
    answer = _confirm(args, result.changes, path)
    if answer is not None:
        return answer
    return _save(doc, path, result.changes)


def _snapshot(value: Any) -> Any:
    """The plan's data as read, for the diff: its tables copied (an edit replaces a value in
    a table, never changes the value itself)."""
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snapshot(v) for v in value]
    return value


def _diff(before: dict[str, Any], doc: Document, result: ImportResult,
          files: list[str]) -> PlanDiff:
    """What the import changed, as `cap diff` sees it (of the nodes it changed only)."""
    from ..core.diff import diff_plans
    from ..core.importing import only_nodes
    from ..core.model import Plan

    ids = [*result.changed, *result.added]
    old = Plan(doc.path, only_nodes(before, ids))
    new = Plan(doc.path, only_nodes(doc.plan.data, ids))
    return diff_plans(old, new, doc.path, f"{doc.path} (with {', '.join(files)})")


def _show(before: dict[str, Any], doc: Document, result: ImportResult,
          files: list[str]) -> None:
    """The change as `cap diff` shows it (of the nodes the import changed), and a summary."""
    from ..render.diff import render_text
    from ..render.importing import changes_line
    from ..render.terminal import Out

    out = Out()
    render_text(_diff(before, doc, result, files), out)
    out.line("")
    out.line(changes_line(result))


def _dry_run_json(before: dict[str, Any], doc: Document, result: ImportResult,
                  files: list[str]) -> Exit:
    """`--dry-run --json`: what the import would change, or why it would not, for tools. Exit
    status as the text's: 1 when the sheets have problems (then there is no diff)."""
    from ..render.terminal import write_json

    write_json(sys.stdout, {
        "path": doc.path, "files": files, "written": False, "rows": result.rows,
        "changes": result.changes, "changed": result.changed, "added": result.added,
        "unchanged": result.unchanged, "notes": result.notes,
        "problems": [{"where": p.where, "message": p.message} for p in result.problems],
        "diff": None if result.problems or not result.changes
        else _diff(before, doc, result, files).as_json(),
    })
    return Exit.PROBLEMS if result.problems else Exit.OK


def _confirm(args: argparse.Namespace, n: int, path: str) -> Exit | None:
    """None to write; otherwise the exit code for not writing."""
    if args.yes:
        return None
    what = plural(n, "change")
    if sys.stdin is None or not sys.stdin.isatty():
        err(f"not written: add --yes to write {what} to {safe(path)} (no terminal to ask on)")
        return Exit.PROBLEMS
    sys.stderr.write(f"Write {what} to {safe(path)}? [y/N] ")
    sys.stderr.flush()
    reply = sys.stdin.readline().strip().lower()
    if reply in ("y", "yes"):
        return None
    err(f"not written: {safe(path)} is unchanged")
    return Exit.PROBLEMS


def _save(doc: Document, path: str, n: int) -> Exit:
    from ..core.document import SaveFailed
    from ..core.edit.ops import EditError

    try:
        # expect: the bytes read, so that a file changed since by a program that does not take
        # cap's lock is left as it is rather than overwritten
        doc.save(expect=doc.source.raw)
    except (SaveFailed, EditError) as exc:
        err(safe(str(exc)))
        return Exit.FAILURE
    print(f"Wrote {plural(n, 'change')} to {safe(path)}.")
    return Exit.OK


# -- a new plan ------------------------------------------------------------------------------------
def _new(args: argparse.Namespace) -> Exit:
    from pathlib import Path

    from ..core.importing import NewPlanInfo, new_plan

    missing = [f"--{k}" for k in ("council", "title", "period") if not getattr(args, k)]
    if missing:
        err(f"a new plan needs {', '.join(missing)}: cap import FILE --new PATH --council TEXT "
            "--title TEXT --period TEXT")
        return Exit.FAILURE
    if args.add:
        err("--add goes with --into: a new plan adds every row")
        return Exit.FAILURE
    if Path(args.new).exists():
        err(f"{safe(args.new)} already exists: --new writes a new plan and never overwrites one "
            "(to update it, use --into)")
        return Exit.FAILURE
    tables = _sheets(args.files)
    if isinstance(tables, Exit):
        return tables
    as_of = args.as_of or date.today()
    doc, result = new_plan(args.new, tables,
                           NewPlanInfo(args.council, args.title, args.period, as_of))
    refused = _refused(result, args.new)
    if refused is not None or doc is None:
        return refused or Exit.PROBLEMS
    return _write_new(args, doc, result, as_of)


def _write_new(args: argparse.Namespace, doc: Document, result: ImportResult,
               as_of: date) -> Exit:
    from ..core.fileio import SaveError, write_atomic
    from ..core.problems import PlanError
    from ..core.source import decode, parse_toml
    from ..render.importing import new_plan_lines

    for line in new_plan_lines(doc.plan, result):
        print(line)
    if args.as_of is None:
        print(f"as of {as_of.isoformat()} (today; give --as-of to say otherwise)")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return Exit.OK
    data = doc.to_bytes()
    try:
        parse_toml(decode(args.new, data))  # read back: what is written reads as TOML 1.0
        write_atomic(args.new, data, expect=None)
    except (PlanError, SaveError) as exc:
        err(safe(str(exc)))
        return Exit.FAILURE
    print(f"Wrote {safe(args.new)}; run `cap validate {safe(args.new)}` to see what it lacks.")
    return Exit.OK
