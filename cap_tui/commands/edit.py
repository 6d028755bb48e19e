"""`cap edit [PATH]` (and plain `cap PATH`): the terminal editor."""

from __future__ import annotations

import argparse
import gc
from pathlib import Path

from ..exit import Exit


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("path", nargs="?", metavar="PATH",
                        help="a plan file, or a folder of plans (default: plans/ if it exists)")


def run(args: argparse.Namespace) -> Exit:
    from ..render.terminal import err, safe

    target = args.path
    if target is None:
        target = "plans" if Path("plans").is_dir() else "."
    elif not Path(target).exists():
        if not getattr(args, "explicit", True) and "/" not in target \
                and not target.endswith(".toml"):
            # `cap bogus`: most likely a mistyped command rather than a missing plan
            err(f"{safe(target)}: not a cap command, nor a file or folder; the commands are "
                "listed by `cap --help`")
        else:
            err(f"{safe(target)}: no such file or folder")
        return Exit.FAILURE
    # a plan file is read and parsed in a child process while the editor is imported
    from ..core.readahead import forget, read_ahead

    read_ahead(target)
    # no garbage collections while the editor is imported and its first screen is built (10 to
    # 30 ms of a start): the editor turns them on again after its first frame (tui/heap.py)
    gc.disable()
    # the one import of the editor from commands/ (allowed in pyproject's import-linter
    # contracts): lazy, so that no other command pays for Textual
    from ..tui.app import make_app

    app = make_app(target)
    try:
        app.run()
    except Exception as exc:  # one Textual did not catch (the terminal could not be set up)
        err(f"the editor stopped: {type(exc).__name__}: {safe(str(exc))}")
        return _crashed()
    finally:
        forget()  # a reading the editor did not take (an empty file, a start screen)
        gc.enable()  # (the editor did; not if it failed to start)
    # Textual catches an exception in the app, prints its traceback when the screen is
    # restored, and sets return_code to 1: that is a crash, never a success
    code = app.return_code
    if code:
        return _crashed()
    return Exit.OK


def _crashed() -> Exit:
    from ..render.terminal import err

    err("the editor stopped after an error (above). Edits not yet saved are kept in cap's "
        "journal: `cap recover` lists them and can restore them.")
    return Exit.FAILURE
