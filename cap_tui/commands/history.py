"""`cap history ID [PATH]`: one action through the plan's git history, commit by commit.

    cap history COM-01 plans/blaby-2024-25.toml    each commit that changed COM-01
    cap history --all plans/blaby-2024-25.toml     one line per action: how its status moved
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..exit import Exit
from ..render.terminal import Out, err, plural, safe
from .common import add_format

USAGE = "cap history [--json] ID [PATH]\n       cap history --all [--json] [PATH]"


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.usage = USAGE
    parser.epilog = ("PATH defaults to the only plan in plans/. Renames of the file are "
                     "followed; merges count only where they changed the action themselves.")
    parser.add_argument("args", nargs="*", metavar="ARG", help="ID [PATH], or [PATH] with --all")
    parser.add_argument("--all", action="store_true",
                        help="every action: its statuses over time and how often it slipped")
    parser.add_argument("--rev", default="HEAD", metavar="REV",
                        help="the history up to this revision (default HEAD)")
    add_format(parser)


def _plan_path(given: list[str]) -> str:
    if given:
        return given[0]
    found = sorted(Path("plans").glob("*.toml")) if Path("plans").is_dir() else []
    if len(found) == 1:
        return str(found[0])
    raise ValueError("name the plan file: cap history ID PATH"
                     + (f" (plans/ has {plural(len(found), 'plan')})" if found else ""))


def run(args: argparse.Namespace) -> Exit:
    from ..core.gitio import GitError

    rest = list(args.args)
    try:
        if args.all:
            if len(rest) > 1:
                raise ValueError(f"too many arguments\nusage: {USAGE}")
            return _all(_plan_path(rest), args)
        if not rest or len(rest) > 2:
            raise ValueError(f"give the id of an action\nusage: {USAGE}")
        return _one(rest[0], _plan_path(rest[1:]), args)
    except (ValueError, GitError) as exc:
        err(safe(str(exc), one_line=False))
        return Exit.FAILURE


# -- one action --------------------------------------------------------------------------------
def _one(action_id: str, path: str, args: argparse.Namespace) -> Exit:
    from ..core.history import action_history
    from ..render.history import write_action_history, write_action_history_json

    entries = action_history(".", path, action_id, args.rev)
    if args.format == "json":
        write_action_history_json(sys.stdout, action_id, path, entries)
        return Exit.OK if entries else Exit.PROBLEMS
    if not entries:
        err(f"no commit of {safe(path)} has an action with id \"{safe(action_id)}\"")
        return Exit.PROBLEMS
    write_action_history(Out(), action_id, path, entries)
    return Exit.OK


# -- every action ------------------------------------------------------------------------------
def _all(path: str, args: argparse.Namespace) -> Exit:
    from ..core.history import history_all
    from ..render.history import write_history_all, write_history_all_json

    lines = history_all(".", path, args.rev)
    if args.format == "json":
        write_history_all_json(sys.stdout, path, lines)
        return Exit.OK
    if not lines:
        err(f"no commit of {safe(path)} has any action")
        return Exit.PROBLEMS
    write_history_all(Out(), lines)
    return Exit.OK
