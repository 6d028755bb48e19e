"""`cap edit [PATH]` (and plain `cap PATH`): the terminal editor."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..exit import Exit


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("path", nargs="?", metavar="PATH",
                        help="a plan file, or a folder of plans (default: plans/ if it exists)")


def run(args: argparse.Namespace) -> Exit:
    from ..render.terminal import err

    target = args.path
    if target is None:
        target = "plans" if Path("plans").is_dir() else "."
    elif not Path(target).exists():
        err(f"{target}: no such file or folder")
        return Exit.FAILURE
    # the one import of the editor from commands/ (allowed in pyproject's import-linter
    # contracts): lazy, so that no other command pays for Textual
    from ..tui.app import make_app

    make_app(target).run()
    return Exit.OK
