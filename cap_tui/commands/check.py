"""`cap validate PATH...`: one line per problem, like a compiler; exit 0, 1 or 2."""

from __future__ import annotations

import argparse
import sys

from ..core.problems import Severity
from ..render.terminal import Out, count, safe, write_json
from .common import date_arg, default_paths, plan_paths


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders of plans")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--today", type=date_arg, metavar="DATE",
                        help="judge overdue against this date, not the plan's as_of")
    parser.add_argument("--quiet", "-q", action="store_true", help="errors only, no warnings")


def run(args: argparse.Namespace, out: Out | None = None) -> int:
    """`out`: where lines go (stdout, coloured on a terminal); tests pass their own."""
    from ..core.check import validate_path

    paths = plan_paths(args.paths or default_paths())
    if not paths:
        sys.stderr.write("cap: no plan files found\n")
        return 2
    unreadable = errors = warnings = 0
    report: list[dict[str, object]] = []
    out = out or Out()
    for path in paths:
        plan, problems = validate_path(path, args.today)
        if plan is None:
            unreadable += 1
        for p in problems:
            if p.severity is Severity.ERROR:
                errors += 1
            else:
                warnings += 1
                if args.quiet:
                    continue
            if args.format == "json":
                report.append(p.as_json())
            else:
                style = "bold red" if p.severity is Severity.ERROR else "yellow"
                head = f"{safe(p.path)}:{p.line}:{p.col}: "
                tail = f" [{safe(p.where)}]" if p.where else ""
                out.line(head, (p.severity.value, style), f": {safe(p.message)}{tail}")
    if args.format == "json":
        write_json(out.stream, {"problems": report, "files": len(paths), "errors": errors,
                                "warnings": warnings})
    elif sys.stderr.isatty() or errors or (warnings and not args.quiet):
        sys.stderr.write(f"{count(len(paths), 'file')} checked: {count(errors, 'error')}, "
                         f"{count(warnings, 'warning')}\n")
    if unreadable:
        return 2
    return 1 if errors else 0
