"""`cap status PATH...`: where the plans stand, in 80 columns, or as JSON; `--stale`: who is
late with their progress update."""

from __future__ import annotations

import argparse

from ..core.problems import Severity
from ..core.summary import DUE_SOON_DAYS, summarise
from ..exit import Exit
from ..render.problems import report
from ..render.status import PlanStatus, write_status, write_status_json
from ..render.terminal import Out, err
from .common import add_format, date_arg, days_arg, default_paths, not_a_plan, plan_paths


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders of plans")
    parser.add_argument("--by", choices=("theme", "lead", "programme"),
                        help="each theme, lead or programme's count per status, total and overdue")
    parser.add_argument("--today", type=date_arg, metavar="DATE",
                        help="judge overdue against this date, not the plan's as_of")
    parser.add_argument("--due-within", type=days_arg, default=DUE_SOON_DAYS, metavar="DAYS",
                        help=f"what counts as due soon (default {DUE_SOON_DAYS} days)")
    parser.add_argument("--stale", action="store_true",
                        help="instead: the unfinished actions whose progress update has not "
                        "changed since the last reporting point (found from git), by lead")
    parser.add_argument("--since", metavar="REV",
                        help="with --stale: this revision (a tag or commit) is the last "
                        "reporting point")
    add_format(parser)


def run(args: argparse.Namespace, out: Out | None = None) -> Exit:
    """`out`: where lines go (stdout, coloured on a terminal); tests pass their own."""
    from ..core.check import validate_path

    paths = plan_paths(args.paths or default_paths())
    if not paths:
        err("no plan files found")
        return Exit.FAILURE
    out = out or Out()
    if args.since is not None and not args.stale:
        err("--since goes with --stale: cap status --stale --since REV PATH")
        return Exit.FAILURE
    if args.stale:
        return _stale(paths, args.since, args.format == "json", out)
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
    if args.format == "json":
        write_status_json(out.stream, results, args.due_within)
    else:
        write_status(out, results, args.due_within)
    return code


def _stale(paths: list[str], since: str | None, as_json: bool, out: Out) -> Exit:
    """`--stale`: each plan's actions not updated since its last reporting point (git is asked,
    so this is imported only here)."""
    from ..core.stale import StaleError, StaleReport, find_stale
    from ..render.stale import stale_json, write_stale
    from ..render.terminal import safe, write_json

    code = Exit.OK
    found: list[tuple[str, StaleReport]] = []
    for path in paths:
        try:
            found.append((path, find_stale(path, since)))
        except StaleError as exc:
            err(safe(str(exc)))
            code = Exit.FAILURE
    if as_json:
        write_json(out.stream, {"plans": [stale_json(path, r) for path, r in found]})
        return code
    for i, (path, report_) in enumerate(found):
        if i:
            out.line("")
        write_stale(out, path, report_)
    return code
