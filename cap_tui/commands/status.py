"""`cap status PATH...`: where the plans stand, in 80 columns, or as JSON."""

from __future__ import annotations

import argparse

from ..core.problems import Severity
from ..core.summary import DUE_SOON_DAYS, summarise
from ..exit import Exit
from ..render.problems import report
from ..render.status import PlanStatus, write_status, write_status_json
from ..render.terminal import Out, err
from .common import date_arg, days_arg, default_paths, not_a_plan, plan_paths


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders of plans")
    parser.add_argument("--by", choices=("theme", "lead", "programme"),
                        help="the same counts for each theme, lead or programme")
    parser.add_argument("--today", type=date_arg, metavar="DATE",
                        help="judge overdue against this date, not the plan's as_of")
    parser.add_argument("--due-within", type=days_arg, default=DUE_SOON_DAYS, metavar="DAYS",
                        help=f"what counts as due soon (default {DUE_SOON_DAYS} days)")
    parser.add_argument("--json", action="store_true", help="print JSON for tools")


def run(args: argparse.Namespace, out: Out | None = None) -> Exit:
    """`out`: where lines go (stdout, coloured on a terminal); tests pass their own."""
    from ..core.check import validate_path

    paths = plan_paths(args.paths or default_paths())
    if not paths:
        err("no plan files found")
        return Exit.FAILURE
    out = out or Out()
    code = Exit.OK
    results: list[PlanStatus] = []
    for path in paths:
        # status counts problems; it does not place them, so it skips the positions scan
        plan, problems = validate_path(path, args.today, positions=False)
        if plan is None:
            code = Exit.FAILURE
            report(problems[0])
            continue
        bad = not_a_plan(plan)
        if bad is not None:
            code = code or Exit.PROBLEMS
            report(bad)
            continue
        s = summarise(plan, args.today, args.due_within, args.by or "")
        errors = sum(p.severity is Severity.ERROR for p in problems)
        results.append(PlanStatus(s, errors, len(problems) - errors))
    if args.json:
        write_status_json(out.stream, results, args.due_within)
    else:
        write_status(out, results, args.due_within)
    return code
