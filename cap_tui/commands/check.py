"""`cap validate PATH...`: one line per problem, like a compiler; exit 0, 1 or 2."""

from __future__ import annotations

import argparse

from ..core.problems import Problem, Severity
from ..exit import Exit
from ..render.problems import write_checked, write_problems, write_problems_json
from ..render.terminal import Out, err
from .common import add_format, date_arg, default_paths, plan_paths


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders of plans")
    add_format(parser)
    parser.add_argument("--today", type=date_arg, metavar="DATE",
                        help="judge overdue against this date, not the plan's as_of")
    parser.add_argument("--quiet", "-q", action="store_true", help="errors only, no warnings")


def run(args: argparse.Namespace, out: Out | None = None) -> Exit:
    """`out`: where lines go (stdout, coloured on a terminal); tests pass their own."""
    from ..core.check import validate_path

    paths = plan_paths(args.paths or default_paths())
    if not paths:
        err("no plan files found")
        return Exit.FAILURE
    out = out or Out()
    unreadable = errors = warnings = 0
    shown: list[Problem] = []
    for path in paths:
        plan, problems = validate_path(path, args.today)
        unreadable += plan is None
        n = sum(p.severity is Severity.ERROR for p in problems)
        errors, warnings = errors + n, warnings + len(problems) - n
        if args.quiet:
            problems = [p for p in problems if p.severity is Severity.ERROR]
        if args.format == "json":
            shown += problems
        else:
            write_problems(out, problems)  # file by file, as they are checked
    if args.format == "json":
        write_problems_json(out.stream, shown, len(paths), errors, warnings)
    else:
        write_checked(len(paths), errors, warnings, args.quiet)
    if unreadable:
        return Exit.FAILURE
    return Exit.PROBLEMS if errors else Exit.OK
