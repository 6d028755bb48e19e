"""The `cap` command: one sub-command per job, each imported only when it runs.

`cap status`, `cap list` and `cap validate` must answer at once over SSH, so nothing here imports
Textual or tomlkit; only `cap edit` (the editor) and edits that need tomlkit pay for them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any, Protocol

from .exit import Exit

__all__ = ["COMMANDS", "Exit", "build_parser", "main"]


COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module in cap_tui.commands, one-line help)
    "edit": ("edit", "open the editor on a plan (the default: `cap PATH`)"),
    "status": ("status", "where a plan stands: counts per status, overdue, due soon"),
    "list": ("listing", "one line per action, filtered by status, lead or due date"),
    "validate": ("check", "check plans like a compiler: path:line:col: severity: message"),
    "get": ("fields", "print one field of a node"),
    "set": ("fields", "change one field of a node, keeping the rest of the file as it is"),
    "diff": ("diff", "what changed between two versions of a plan, action by action"),
    "history": ("history", "how an action changed through the plan's git history"),
    "recover": ("recover", "list, show, restore or discard an editor's unsaved edits"),
    "git": ("gitsetup", "install or uninstall cap's git diff driver in this repository"),
    "schema": ("schema", "print the JSON Schema of the plan format (for editors)"),
    "report": ("report", "the committee report on a plan: html, docx, md, csv or pdf"),
    "request": ("request", "one return sheet per lead (xlsx or csv) asking for their updates"),
    "import": ("importing", "take returned sheets back into a plan, or start a plan from one"),
    "rollover": ("rollover", "move a plan to its next reporting point, or into next year"),
}


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, told the width so that it does not import shutil (and with it bz2
    and lzma) on every run just to build a parser."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        if width is None:
            try:
                width = min(os.get_terminal_size(sys.stderr.fileno()).columns, 100) - 2
            except (OSError, ValueError):
                width = 78
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"cap: {message}\n")
        raise SystemExit(Exit.FAILURE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cap",
        description="Corporate action plans kept as TOML in git, edited in the terminal.",
        epilog="`cap PATH` opens the editor; `cap COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"cap {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (_module_name, help_text) in COMMANDS.items():
        # listed only: a command's own options are built when it runs (`cap NAME --help`), so
        # `cap --help` imports none of them
        sub.add_parser(name, help=help_text, description=help_text)
    return parser


class _Command(Protocol):
    """What each module in cap_tui.commands provides."""

    def add_arguments(self, parser: argparse.ArgumentParser, name: str) -> None: ...

    def run(self, args: argparse.Namespace) -> Exit: ...


def _module(name: str) -> _Command:
    module: _Command = import_module(f"cap_tui.commands.{name}")
    return module


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cap-tui")
    except PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> Exit:
    args = list(sys.argv[1:] if argv is None else argv)
    explicit = True  # the command was named (not `cap PATH`, which means `cap edit PATH`)
    if not args or (args[0] not in COMMANDS and not args[0].startswith("-")):
        args.insert(0, "edit")
        explicit = False
    elif args[0] not in COMMANDS:
        # --help, --version, or an option cap does not have: the top parser answers and exits
        build_parser().parse_args(args)
        return Exit.FAILURE  # not reached: every option of the top parser exits
    name = args[0]
    module_name, help_text = COMMANDS[name]
    module = _module(module_name)
    parser = _Parser(prog=f"cap {name}", description=help_text)
    module.add_arguments(parser, name)
    ns = parser.parse_args(args[1:])
    ns.command = name
    ns.explicit = explicit
    try:
        return Exit(module.run(ns))
    except KeyboardInterrupt:
        return Exit.INTERRUPTED
    except BrokenPipeError:
        # `cap list | head`: the reader has gone; say nothing more
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return Exit.OK


if __name__ == "__main__":
    raise SystemExit(main())
