"""What several commands share: finding plan files, reading dates and days from the command line,
the one `--format`/`--json` option of every command that prints data, telling a plan from another
TOML file."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.dates import parse_date

if TYPE_CHECKING:
    from ..core.model import Plan
    from ..core.problems import Problem


def plan_paths(paths: list[str]) -> list[str]:
    """Files as given; folders give the *.toml files directly inside them, sorted."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.glob("*.toml")) if f.is_file())
        else:
            out.append(p)
    return out


def date_arg(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def days_arg(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" is not a whole number of days') from None
    if n < 0:
        raise argparse.ArgumentTypeError("days cannot be negative")
    return n


def add_format(parser: argparse.ArgumentParser, *formats: str, help: str = "") -> None:
    """`--format text|json|...` and `--json`, its short form, on every command that prints data:
    both set `args.format` ("text" unless told)."""
    choices = ("text", *formats) if "json" in formats else ("text", *formats, "json")
    parser.add_argument("--format", choices=choices, default="text",
                        help=help or "text (the default; coloured on a terminal) or json for "
                        "tools")
    parser.add_argument("--json", dest="format", action="store_const", const="json",
                        help="print JSON for tools (short for --format json)")


def default_paths() -> list[str]:
    """`cap status` with no path: plans/ when there is one, else the current folder."""
    return ["plans"] if Path("plans").is_dir() else ["."]


def not_a_plan(plan: Plan) -> Problem | None:
    """The error for a TOML file that is not a plan at all (no [plan], no themes), else None."""
    if isinstance(plan.data.get("plan"), dict) or "theme" in plan.data:
        return None
    from ..core.check import Checker

    return Checker(plan).check_plan()[0]
