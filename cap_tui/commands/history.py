"""`cap history ID [PATH]`: one action through the plan's git history, commit by commit.

    cap history COM-01 plans/blaby-2024-25.toml    each commit that changed COM-01
    cap history --all plans/blaby-2024-25.toml     one line per action: how its status moved
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..render.terminal import Out, err, safe

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
    parser.add_argument("--json", action="store_true", help="print JSON for tools")


def _plan_path(given: list[str]) -> str:
    if given:
        return given[0]
    found = sorted(Path("plans").glob("*.toml")) if Path("plans").is_dir() else []
    if len(found) == 1:
        return str(found[0])
    raise ValueError("name the plan file: cap history ID PATH"
                     + (f" (plans/ has {len(found)})" if found else ""))


def run(args: argparse.Namespace) -> int:
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
        err(str(exc))
        return 2


def _write_json(doc: dict[str, Any]) -> None:
    import json

    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


# -- one action --------------------------------------------------------------------------------
def _one(action_id: str, path: str, args: argparse.Namespace) -> int:
    from ..core.history import action_history

    entries = action_history(".", path, action_id, args.rev)
    if args.json:
        _write_json({"id": action_id, "path": path, "entries": [e.as_json() for e in entries]})
        return 0 if entries else 1
    if not entries:
        err(f"no commit of {safe(path)} has an action with id \"{safe(action_id)}\"")
        return 1
    _print_one(Out(), action_id, path, entries)
    return 0


def _print_one(out: Out, action_id: str, path: str, entries: list[Any]) -> None:
    from ..render.diff import change_pieces, due_note, wrap

    w = max(out.width, 40)
    last = next((e.after or e.before for e in reversed(entries) if e.after or e.before), None)
    title = last.title if last else ""
    for line in wrap([(safe(action_id), "bold"), (" ", ""), (safe(title), "bold")], w,
                     hang="  "):
        out.line(*line)
    changes = [e for e in entries if e.change != "unreadable"]
    out.line((f"{safe(path)}: {len(changes)} commit{'s' if len(changes) != 1 else ''} "
              "changed it", "dim"))
    for e in entries:
        out.line("")
        head = [(e.day, "cyan"), ("  ", ""), (e.short, "yellow"), ("  ", ""),
                (safe(e.author), ""), ("  ", ""), (safe(e.subject), "dim")]
        if e.merge:
            head.append(("  (merge)", "dim"))
        for line in wrap(head, w, hang="    "):
            out.line(*line)
        if e.change == "unreadable":
            out.line("  ", (f"the plan does not parse here ({safe(e.error)})", "red"))
            continue
        rows: list[tuple[str, list[tuple[str, str]]]] = []
        if e.change == "added":
            where = f"added to programme {safe(e.after.programme)}"
            if e.after.theme:
                where += f" (theme {safe(e.after.theme)})"
            rows.append(("", [(where, "green")]))
        elif e.change == "removed":
            rows.append(("", [(f"removed from programme {safe(e.before.programme)}", "red")]))
        elif e.moved:
            rows.append(("moved", [(f"programme {safe(e.before.programme)} -> "
                                    f"{safe(e.after.programme)}", "")]))
        state = e.after or e.before
        for key, label in (("status", "status_label"), ("due", "due"), ("lead", "lead")):
            f = e.field(key)
            if f is not None and e.change == "changed":
                rows.append((key, change_pieces(f)))
            elif e.change != "removed":
                value = getattr(state, label) or "(not set)"
                rows.append((key, [(safe(value), "" if e.change == "added" else "dim")]))
        for f in e.fields:
            if f.key not in ("status", "due", "lead"):
                rows.append((f.key, change_pieces(f)))
        key_w = min(max((len(k) for k, _ in rows), default=0), 12)
        for key, pieces in rows:
            first = f"  {safe(key):<{key_w}}  " if key else "  "
            hang = " " * (key_w + 4) if key else "  "
            for line in wrap(pieces, w, first=first, hang=hang):
                out.line(*line)
    # the action's year in two lines
    statuses: list[str] = []
    dues: list[str] = []
    slipped = 0
    for e in entries:
        if e.after is not None:
            if not statuses or statuses[-1] != e.after.status_label:
                statuses.append(e.after.status_label)
            if e.after.due and (not dues or dues[-1] != e.after.due):
                dues.append(e.after.due)
        elif e.change == "removed":
            statuses.append("(removed)")
        f = e.field("due")
        if f is not None and due_note(f).startswith("slipped"):
            slipped += 1
    out.line("")
    for line in wrap([("Status: ", "bold"), (" -> ".join(safe(s) for s in statuses), "")], w,
                     hang="  "):
        out.line(*line)
    times = {0: "never slipped", 1: "slipped once", 2: "slipped twice"}.get(
        slipped, f"slipped {slipped} times")
    for line in wrap([("Expected completion: ", "bold"),
                      (" -> ".join(safe(d) for d in dues) or "(none)", ""),
                      (f" ({times})", "red" if slipped else "dim")], w, hang="  "):
        out.line(*line)


# -- every action ------------------------------------------------------------------------------
def _all(path: str, args: argparse.Namespace) -> int:
    from ..core.history import history_all

    lines = history_all(".", path, args.rev)
    if args.json:
        _write_json({"path": path, "actions": [t.as_json() for t in lines]})
        return 0
    out = Out()
    if not lines:
        err(f"no commit of {safe(path)} has any action")
        return 1
    id_w = max(max(len(safe(t.id)) for t in lines), 2)
    out.line((f"{'ID':<{id_w}}  Changes  Slipped  Status over time", "bold"))
    for t in lines:
        path_text = " -> ".join(safe(s) for s in t.statuses) or "-"
        out.line(f"{safe(t.id):<{id_w}}  {t.changes:>7}  ",
                 (f"{t.slipped:>7}", "red" if t.slipped else ""), f"  {path_text}")
    removed = sum(not t.present for t in lines)
    slipped = sum(t.slipped > 0 for t in lines)
    out.line("")
    out.line((f"{len(lines)} actions; {slipped} slipped at least once"
              + (f"; {removed} no longer in the plan" if removed else ""), "dim"))
    return 0
