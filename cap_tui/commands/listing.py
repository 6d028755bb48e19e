"""`cap list PATH...`: one line per action, for grep and for a manager on a small terminal."""

from __future__ import annotations

import argparse
from collections.abc import Collection

from ..core.filters import ActionFilter, FilterError
from ..core.model import Plan
from ..exit import Exit
from ..render.listing import MARKS_HELP, Row, write_listing, write_listing_json
from ..render.problems import report
from ..render.terminal import Out, err, safe
from .common import add_format, date_arg, days_arg, default_paths, not_a_plan, plan_paths


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.epilog = (f"Columns: id, status (the plan's label), expected completion, markers, "
                     f"lead, title. {MARKS_HELP} On a terminal a legend of the markers shown "
                     "ends the list.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders of plans")
    parser.add_argument("--status", metavar="S", action="append",
                        help="only this status: its key or label, or the start of either, in "
                        "any case (`--status in` for In progress); repeat for several")
    parser.add_argument("--lead", metavar="TEXT", help="only leads containing TEXT (any case)")
    parser.add_argument("--overdue", action="store_true",
                        help="only overdue actions (the list marks them with !)")
    parser.add_argument("--due-within", type=days_arg, metavar="DAYS",
                        help="only unfinished actions due within DAYS of today")
    parser.add_argument("--stale", action="store_true",
                        help="only unfinished actions whose progress update has not changed "
                        "since the last reporting point (found from git)")
    parser.add_argument("--since", metavar="REV",
                        help="with --stale: this revision (a tag or commit) is the last "
                        "reporting point")
    parser.add_argument("--today", type=date_arg, metavar="DATE",
                        help="judge overdue against this date, not the plan's as_of")
    add_format(parser)


def run(args: argparse.Namespace, out: Out | None = None) -> Exit:
    """`out`: where lines go (stdout, coloured on a terminal); tests pass their own."""
    from ..core.model import load_plan
    from ..core.problems import PlanError

    out = out or Out()
    paths = plan_paths(args.paths or default_paths())
    if not paths:
        err("no plan files found")
        return Exit.FAILURE
    if args.since is not None and not args.stale:
        err("--since goes with --stale: cap list --stale --since REV PATH")
        return Exit.FAILURE
    code = Exit.OK
    rows: list[Row] = []
    for path in paths:
        try:
            plan = load_plan(path)
        except PlanError as exc:
            report(exc.problem)
            code = Exit.FAILURE
            continue
        bad = not_a_plan(plan)
        if bad is not None:
            report(bad)
            code = code or Exit.PROBLEMS
            continue
        keep = _filter(plan, args)
        if isinstance(keep, str):  # the plan has no such status, or no git history
            err(safe(keep))
            code = Exit.FAILURE
            continue
        rows.extend((plan, a) for a in plan.actions() if keep(a))
    if args.format == "json":
        write_listing_json(out.stream, rows, args.today)
    else:
        write_listing(out, rows, len(paths) > 1, args.today)
    return code


def _filter(plan: Plan, args: argparse.Namespace) -> ActionFilter | str:
    """The filter the options ask for, or why it cannot be made: a status the plan does not
    have (FilterError), or no reporting point to find stale actions against (StaleError)."""
    stale_ids: Collection[str] | None = None
    if args.stale:
        from ..core.stale import StaleError, find_stale

        try:
            stale_ids = {a.id for a in find_stale(plan.path, args.since).actions}
        except StaleError as exc:
            return str(exc)
    try:
        return ActionFilter(plan, args.status or (), [args.lead] if args.lead else (),
                            args.overdue, args.due_within, today=args.today, stale=args.stale,
                            stale_ids=stale_ids)
    except FilterError as exc:
        return f"{plan.path}: {exc}"
