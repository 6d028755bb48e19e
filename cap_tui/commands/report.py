"""`cap report PATH...`: the committee report on a plan, in the council's own shape.

    cap report plans/blaby-2024-25.toml                       html, named after the plan
    cap report plans/ --format docx --output reports/         one Word document per plan
    cap report PLAN --exceptions --since v2024-q2 -o -        a one-page exceptions report

The path of each file written is printed on stdout. Exit status: 0 written; 1 a file given is not
a plan; 2 trouble (a plan or revision that cannot be read, no PDF maker, a file not written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.report import FORMATS, ReportError, ReportOptions
from ..core.summary import DUE_SOON_DAYS
from ..exit import Exit
from ..render.terminal import err
from .common import days_arg, default_paths, plan_paths

EPILOG = (
    "Formats: html (one self-contained page, for the screen and A4), docx (Word, with headings "
    "for the navigation pane), md (GitHub-flavoured Markdown), csv (one row per action, for a "
    "spreadsheet), pdf (through WeasyPrint, LibreOffice or Chromium, whichever is installed)."
)


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.epilog = EPILOG
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders of plans")
    parser.add_argument("--format", choices=FORMATS, default="html",
                        help="the kind of file (default html)")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="the file to write, a folder to write it in, or - for stdout "
                        "(html, md, csv); default: a file named after the plan and reporting "
                        "point, in the current folder")
    parser.add_argument("--since", metavar="REV",
                        help="list what changed since this git revision (a tag, a commit): "
                        "status moves, slipped dates, new, removed and moved actions, updates "
                        "not rewritten")
    parser.add_argument("--exceptions", action="store_true",
                        help="only actions off track, at risk, overdue (or slipped since REV)")
    parser.add_argument("--by", choices=("theme", "lead"), default="theme",
                        help="group the summary and the actions by theme (default) or by lead")
    parser.add_argument("--title", metavar="TEXT", help="the report's title (default: the plan's)")
    parser.add_argument("--completed", choices=("full", "short"), default="full",
                        help="short: finished actions folded into a list under each programme")
    parser.add_argument("--due-within", type=days_arg, default=DUE_SOON_DAYS, metavar="DAYS",
                        help=f"what counts as due soon (default {DUE_SOON_DAYS} days, as cap "
                        "status)")


def options_of(args: argparse.Namespace) -> ReportOptions:
    return ReportOptions(exceptions=args.exceptions, since=args.since, by=args.by,
                         title=args.title, completed=args.completed, due_within=args.due_within)


def run(args: argparse.Namespace) -> Exit:
    from ..render.report_output import write_report

    paths = plan_paths(args.paths or default_paths())
    if not paths:
        err("no plan files found")
        return Exit.FAILURE
    output = args.output
    if len(paths) > 1 and output is not None and (
            output == "-" or not (Path(output).is_dir() or output.endswith("/"))):
        err(f"{len(paths)} plans make {len(paths)} reports: give --output a folder")
        return Exit.FAILURE
    options = options_of(args)
    code = Exit.OK
    for path in paths:
        try:
            written = write_report(path, args.format, output, options)
        except ReportError as exc:
            err(str(exc))
            code = max(code, Exit(exc.exit_code))
            continue
        if str(written) != "-":
            sys.stdout.write(f"{written}\n")
    return code
