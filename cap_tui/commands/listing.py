"""`cap list PATH...`: one line per action, for grep and for a manager on a small terminal."""

from __future__ import annotations

import argparse

from ..core.filters import ActionFilter
from ..core.model import Plan
from ..exit import Exit
from ..render.listing import Row, write_listing, write_listing_json
from ..render.problems import report
from ..render.terminal import Out, err, safe
from .common import date_arg, days_arg, default_paths, not_a_plan, plan_paths


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders of plans")
    parser.add_argument("--status", metavar="S", action="append",
                        help="only this status (its key or label; repeat for several)")
    parser.add_argument("--lead", metavar="TEXT", help="only leads containing TEXT (any case)")
    parser.add_argument("--overdue", action="store_true",
                        help="only overdue actions (the list marks them with !)")
    parser.add_argument("--due-within", type=days_arg, metavar="DAYS",
                        help="only unfinished actions due within DAYS of today")
    parser.add_argument("--today", type=date_arg, metavar="DATE",
                        help="judge overdue against this date, not the plan's as_of")
    parser.add_argument("--json", action="store_true", help="print JSON for tools")


def run(args: argparse.Namespace, out: Out | None = None) -> Exit:
    """`out`: where lines go (stdout, coloured on a terminal); tests pass their own."""
    from ..core.model import load_plan
    from ..core.problems import PlanError

    out = out or Out()
    paths = plan_paths(args.paths or default_paths())
    if not paths:
        err("no plan files found")
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
        unknown = [s for s in args.status or () if not _known(plan, s)]
        if unknown and len(paths) == 1:
            err(f'{safe(path)}: no status "{safe(unknown[0])}"; this plan\'s statuses are: '
                + ", ".join(safe(k) for k in plan.statuses))
            return Exit.FAILURE
        keep = ActionFilter(plan, args.status or (), [args.lead] if args.lead else (),
                            args.overdue, args.due_within, today=args.today)
        rows.extend((plan, a) for a in plan.actions() if keep(a))
    if args.json:
        write_listing_json(out.stream, rows, args.today)
    else:
        write_listing(out, rows, len(paths) > 1, args.today)
    return code


def _known(plan: Plan, s: str) -> bool:
    """Whether `s` names one of the plan's statuses, by key or label, in any case."""
    s = s.lower()
    return any(k.lower() == s or st.label.lower() == s for k, st in plan.statuses.items())
