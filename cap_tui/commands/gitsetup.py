"""`cap git install|uninstall|status`: make git's own diff and log read plans action by action.

What install writes, and how uninstall takes exactly that out again: core/gitdriver.py.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from pathlib import Path

from ..exit import Exit
from ..render.terminal import err


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("action", choices=("install", "uninstall", "status"),
                        help="install or uninstall the diff driver; status shows what is set")
    parser.add_argument("--pattern", action="append", metavar="GLOB",
                        help=".gitattributes pattern of the plan files (repeatable; default: "
                        "one `DIR/*.toml` for each folder holding plans, else plans/*.toml)")
    parser.add_argument("--textconv-command", metavar="CMD",
                        help="the command git runs to show a plan (default: `cap diff "
                        "--textconv`, with cap's full path when cap is not on PATH)")
    parser.add_argument("-C", dest="repo", metavar="DIR", default=".",
                        help="the repository (default: the current folder)")


def run(args: argparse.Namespace) -> Exit:
    from ..core import gitdriver
    from ..core.gitio import GitError, repo_root
    from ..render.gitsetup import write_driver_status, write_installed, write_uninstalled

    try:
        root = repo_root(args.repo)
        if args.action == "install":
            patterns = args.pattern or gitdriver.plan_patterns(root)
            command = args.textconv_command or textconv_command()
            write_installed(sys.stdout, root, gitdriver.install(root, patterns, command))
            return Exit.OK
        if args.action == "uninstall":
            write_uninstalled(sys.stdout, root, gitdriver.uninstall(root))
            return Exit.OK
        status = gitdriver.status(root)
        write_driver_status(sys.stdout, status)
        return Exit.OK if status.installed else Exit.PROBLEMS
    except GitError as exc:
        err(str(exc))
        return Exit.FAILURE
    except OSError as exc:
        err(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".lstrip(": "))
        return Exit.FAILURE


def textconv_command() -> str:
    """`cap diff --textconv`, naming this cap by its full path.

    .git/config belongs to one clone, so a full path is safe there, and it keeps `git diff`
    working in a shell where cap's virtual environment is not activated (with a bare `cap`, git
    would say "cap: not found"). Run `cap git install` again after moving the environment."""
    me = Path(sys.argv[0]).absolute() if sys.argv and sys.argv[0] else None
    if me is not None and me.name == "cap" and me.is_file():
        return f"{shlex.quote(str(me))} diff --textconv"
    if shutil.which("cap"):
        return "cap diff --textconv"
    return f"{shlex.quote(sys.executable)} -m cap_tui.cli diff --textconv"
