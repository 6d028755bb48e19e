"""`cap edit [PATH]` (and plain `cap PATH`): the terminal editor."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("path", nargs="?", metavar="PATH",
                        help="a plan file, or a folder of plans (default: plans/ if it exists)")


def run(args: argparse.Namespace) -> int:
    from ..render.terminal import err

    target = args.path
    if target is None:
        target = "plans" if Path("plans").is_dir() else "."
    elif not Path(target).exists():
        err(f"{target}: no such file or folder")
        return 2
    from ..tui.app import make_app

    make_app(target).run()
    return 0
