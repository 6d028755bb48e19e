"""`cap request PATH`: one return sheet per lead, asking for their progress updates.

    cap request plans/blaby-2024-25.toml --output-dir requests/     one workbook per lead
    cap request PLAN --lead "Finance Team" --format csv              one lead, as csv
    cap request PLAN --stale --since v2024-q2                        only the stale actions
    cap request PLAN --all                       finished actions too (by default left out)

Each file is named after its lead (`housing-services-team.xlsx`); the actions with no lead go to
`no-lead.xlsx` and are listed, so the officer can find their leads. An existing file is never
overwritten unless --force. `cap import` reads the returned sheets back into the plan.
Exit status: 0 written (or nothing to ask); 1 the file is not a plan; 2 trouble (a plan, a
revision or a lead that cannot be found, a file in the way, a file not written).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..exit import Exit
from ..render.problems import report
from ..render.terminal import Out, err, plural, safe

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..core.model import Plan
    from ..core.request import LeadSheet, Request

FORMATS = ("xlsx", "csv")


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("path", metavar="PATH", help="the plan file")
    parser.add_argument("--lead", metavar="TEXT",
                        help="only this lead's sheet (matched in any case, as the plan writes it)")
    parser.add_argument("--output-dir", metavar="DIR", default=".",
                        help="the folder to write the sheets in (default: the current folder; "
                        "made if missing)")
    parser.add_argument("--format", choices=FORMATS, default="xlsx",
                        help="xlsx (the default: locked current values, a status drop-down, "
                        "instructions) or csv (the table alone)")
    parser.add_argument("--stale", action="store_true",
                        help="only the actions whose progress update has not changed since the "
                        "last reporting point")
    parser.add_argument("--since", metavar="REV",
                        help="with --stale: the reporting point to compare with (a tag, a "
                        "commit; default: found from the plan's git history)")
    parser.add_argument("--all", action="store_true",
                        help="the finished actions too (completed, cancelled...): by default "
                        "they are left out, as a lead has nothing to update on them")
    parser.add_argument("--force", action="store_true", help="overwrite files already there")


def run(args: argparse.Namespace, out: Out | None = None) -> Exit:
    """`out`: where the lines go (stdout); tests pass their own."""
    from ..core.request import UnknownLead, build_request, plan_leads

    if args.since is not None and not args.stale:
        err("--since goes with --stale: the reporting point the stale actions are judged from")
        return Exit.FAILURE
    plan = _plan(args.path)
    if isinstance(plan, Exit):
        return plan
    only = _stale_ids(args.path, args.since) if args.stale else None
    if isinstance(only, Exit):
        return only
    try:
        request = build_request(plan, args.lead, only, finished=args.all)
    except UnknownLead as exc:
        leads = "; ".join(f'"{safe(lead)}"' for lead in plan_leads(plan)) or "none"
        err(f'{safe(args.path)}: no action has the lead "{safe(exc.wanted)}"; its leads are: '
            f"{leads}")
        return Exit.FAILURE
    out = out or Out()
    if not request.sheets:
        what = "stale actions" if args.stale else "actions"
        what = f"unfinished {what}" if request.left_out else what
        out.line(f"nothing to ask: {safe(args.path)} has no {what}"
                 + (f' for "{safe(args.lead)}"' if args.lead else ""))
        _say_left_out(out, request)
        return Exit.OK
    code = _write_all(request, args, out)
    if code is Exit.OK:
        _say_left_out(out, request)
    return code


def _say_left_out(out: Out, request: Request) -> None:
    """How many finished actions are on no sheet, and how to ask about them too."""
    if request.left_out:
        out.line(f"{plural(request.left_out, 'finished action')} left out: a lead has nothing "
                 "to update on them (--all includes them)")


def _plan(path: str) -> Plan | Exit:
    """The plan read with tomllib, or the exit code saying why not (the problem reported)."""
    from ..core.model import load_plan
    from ..core.problems import PlanError
    from .common import not_a_plan

    try:
        plan = load_plan(path)
    except PlanError as exc:
        report(exc.problem)
        return Exit.FAILURE
    bad = not_a_plan(plan)
    if bad is not None:
        report(bad)
        return Exit.PROBLEMS
    return plan


def _stale_ids(path: str, since: str | None) -> set[str] | Exit:
    """The ids of the actions not updated since the last reporting point (or `since`)."""
    from ..core.stale import StaleError, find_stale

    try:
        stale = find_stale(path, since)
    except StaleError as exc:
        err(safe(str(exc)))
        return Exit.FAILURE
    return {a.id for a in stale.actions}


def _write_all(request: Request, args: argparse.Namespace, out: Out) -> Exit:
    """Every sheet into the output folder, none if one of them would overwrite a file."""
    from ..core.fileio import SaveError, write_atomic

    folder = Path(args.output_dir)
    targets = [(sheet, folder / f"{sheet.stem}.{args.format}") for sheet in request.sheets]
    clashes = [str(p) for _, p in targets if p.exists() or p.is_symlink()]
    if clashes and not args.force:
        err(f"not written: {', '.join(safe(c) for c in clashes)} already "
            f"{'exists' if len(clashes) == 1 else 'exist'}; give --force to overwrite, or "
            "another --output-dir")
        return Exit.FAILURE
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        err(f"{safe(str(folder))}: cannot make the folder: {exc.strerror or exc}")
        return Exit.FAILURE
    render = _renderer(args.format)
    for sheet, target in targets:
        try:
            write_atomic(target, render(request, sheet))
        except SaveError as exc:
            err(safe(str(exc)))
            return Exit.FAILURE
        out.line((_who(sheet), "bold"), f": {plural(len(sheet.rows), 'action')} -> "
                 f"{safe(str(target))}")
    if request.no_lead is not None:
        _list_no_lead(out, request.no_lead)
    return Exit.OK


def _renderer(fmt: str) -> Callable[[Request, LeadSheet], bytes]:
    if fmt == "csv":
        from ..render.request_csv import render_request_csv

        return lambda request, sheet: render_request_csv(request, sheet).encode("utf-8")
    from ..render.request_xlsx import render_request_xlsx

    return render_request_xlsx


def _who(sheet: LeadSheet) -> str:
    return safe(sheet.lead) if sheet.lead else "(no lead)"


def _list_no_lead(out: Out, sheet: LeadSheet) -> None:
    """The actions with no lead, by id and title, for the officer to chase."""
    out.line((f"{plural(len(sheet.rows), 'action')} with no lead in the plan: find a lead "
              "for each", "yellow"))
    width = max(len(safe(row.id)) for row in sheet.rows)
    for row in sheet.rows:
        lead = f'  (lead "{safe(row.lead)}")' if row.lead else ""
        out.line(f"  {safe(row.id).ljust(width)}  {safe(row.title)}{lead}")
