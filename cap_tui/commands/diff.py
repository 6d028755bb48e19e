"""`cap diff`: what changed between two versions of a plan, action by action.

    cap diff OLD NEW            two files
    cap diff PATH               the last commit (HEAD) against the working file
    cap diff REV PATH           a revision against the working file
    cap diff REV1 REV2 PATH     two revisions
    cap diff --textconv FILE    one plan as git's diff driver shows it (see `cap git install`)

Exit status as diff's: 0 the same, 1 different, 2 trouble (a side that cannot be read).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..exit import Exit
from ..render.terminal import Out, err, safe, write_bytes
from .common import add_format

USAGE = ("cap diff [--format F | --json] OLD NEW | PATH | REV PATH | REV1 REV2 PATH\n"
         "       cap diff --textconv FILE")


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.usage = USAGE
    parser.epilog = (
        "With one PATH, the last commit is compared with the working file; with REV (any git "
        "revision: HEAD~1, main, a tag), that revision. Exit status: 0 when the plans are the "
        "same, 1 when they differ, 2 when a side cannot be read."
    )
    parser.add_argument("args", nargs="+", metavar="ARG",
                        help="two files, or [REV [REV]] PATH of a plan in a git repository")
    add_format(parser, "markdown", help="text (the default; coloured on a terminal), markdown "
               "for a merge request, json for tools")
    parser.add_argument("--textconv", action="store_true",
                        help="print ONE plan as one line per fact (git's diff driver uses this)")


class _Side:
    def __init__(self, which: str, label: str, raw: bytes) -> None:
        self.which, self.label, self.raw = which, label, raw


def _sides(args: list[str]) -> tuple[_Side, _Side]:
    from ..core.gitio import locate, show

    if len(args) == 2 and (Path(args[0]).is_file() or args[0].endswith(".toml")):
        return _file("old", args[0]), _file("new", args[1])
    if len(args) == 1:
        path, revs = args[0], ["HEAD"]
    elif len(args) == 2:
        path, revs = args[1], [args[0]]
    elif len(args) == 3:
        path, revs = args[2], args[:2]
    else:
        raise _Trouble(f"too many arguments\nusage: {USAGE}")
    if len(revs) == 1 and not Path(path).is_file():
        # the working file is the new side; two revisions need no working file
        raise _Trouble(f"{path}: no such file (to compare two revisions: "
                       f"cap diff REV1 REV2 {path})")
    root, rel = locate(path)
    old = _Side("old", f"{revs[0]}:{rel}", show(root, revs[0], rel))
    if len(revs) == 2:
        return old, _Side("new", f"{revs[1]}:{rel}", show(root, revs[1], rel))
    return old, _file("new", path, f"{path} (working file)")


def _file(which: str, path: str, label: str = "") -> _Side:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise _Trouble(f"{path}: cannot read the {which} file: {exc.strerror or exc}") from None
    return _Side(which, label or path, raw)


class _Trouble(Exception):
    pass


def run(args: argparse.Namespace) -> Exit:
    if args.textconv:
        return _textconv(args.args)
    from ..core.diff import diff_plans
    from ..core.gitio import GitError
    from ..core.model import Plan
    from ..core.problems import PlanError
    from ..core.source import decode, parse_toml
    from ..render.diff import render_json, render_markdown, render_text

    try:
        old, new = _sides(args.args)
    except (_Trouble, GitError) as exc:
        err(safe(str(exc), one_line=False))
        return Exit.FAILURE
    plans = []
    for side in (old, new):
        name = side.label.removesuffix(" (working file)")
        try:
            source = decode(name, side.raw)
            plans.append(Plan(name, parse_toml(source), source))
        except PlanError as exc:
            err(f"the {side.which} plan cannot be read: {exc.problem.format()}")
            return Exit.FAILURE
    d = diff_plans(plans[0], plans[1], old.label, new.label)
    if args.format == "json":
        sys.stdout.write(render_json(d))
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(d))
    else:
        render_text(d, Out())
    return Exit.OK if d.same else Exit.PROBLEMS


def _textconv(paths: list[str]) -> Exit:
    """git runs this on each side of a diff: it must print something for any file it is given.

    A file that is not a readable plan (not UTF-8, not TOML, no [plan] table) is printed as it
    is, so `git diff` still works on it.
    """
    from ..core.model import Plan
    from ..core.problems import PlanError
    from ..core.source import decode, parse_toml
    from ..render.diff import textconv

    if len(paths) != 1:
        err("--textconv takes exactly one file")
        return Exit.FAILURE
    path = paths[0]
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        err(f"{safe(path)}: cannot read the file: {exc.strerror or exc}")
        return Exit.FAILURE
    try:
        source = decode(path, raw)
        data = parse_toml(source)
    except PlanError:
        data = None
    if data is None or not isinstance(data.get("plan"), dict):
        body = raw
    else:
        body = textconv(Plan(path, data, source)).encode("utf-8")
    write_bytes(body)
    return Exit.OK
