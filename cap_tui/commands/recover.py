"""`cap recover`: the edits an editor made but never saved, kept in cap's journal.

    cap recover                  list the journals: plan, when, how many edits, whether the plan
                                 still holds the bytes they were made against
    cap recover PATH [--show]    what restoring them would change, as `cap diff` shows it
    cap recover PATH --apply     replay them on the plan as it is now and save it
    cap recover PATH --discard   throw them away

Replaying is what the editor does when it offers to restore: each operation is applied to the
file as it is now; one whose field no longer holds the value it started from, or whose node is
gone, is a clash and is not applied. `--apply` saves what applied and keeps the ones that did not
in the journal (and says which, and why), so nothing is lost and nothing is applied twice.

Exit status: 0 done (or nothing to list); 1 an edit did not (or would not) apply, or PATH has no
journal; 2 the plan or its journal cannot be read or written, or it is open in an editor.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

from ..exit import Exit
from ..render.terminal import err, plural, safe
from .common import add_format

if TYPE_CHECKING:
    from ..core.document import Document
    from ..core.journal import Recorded


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("path", nargs="?", metavar="PATH",
                        help="the plan whose unsaved edits to show, apply or discard; without "
                        "it, list every plan that has some")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--show", action="store_true",
                      help="print what restoring the edits would change (the default)")
    what.add_argument("--apply", action="store_true",
                      help="replay the edits on the plan as it is now and save it")
    what.add_argument("--discard", action="store_true", help="throw the edits away")
    add_format(parser, help="text (the default) or json for tools: the list of journals, or "
               "what --show would change (as cap diff --json)")


def run(args: argparse.Namespace) -> Exit:
    from ..core import journal

    if args.path is None:
        if args.apply or args.discard or args.show:
            err("recover: name the plan: cap recover PATH --show | --apply | --discard")
            return Exit.FAILURE
        return _list(list(journal.all_journals()), args.format == "json")
    recorded = journal.find(args.path)
    if recorded is None:
        err(f"{safe(args.path)}: no unsaved edits are kept for this plan; nothing to recover "
            "(`cap recover` lists the plans that have some)")
        return Exit.PROBLEMS
    if args.discard:
        return _discard(args.path, recorded)
    if args.apply:
        return _apply(args.path, recorded)
    return _show(args.path, recorded, args.format == "json")


# -- listing ------------------------------------------------------------------------------------
def _state(recorded: Recorded) -> str:
    from pathlib import Path

    from ..core.journal import digest

    try:
        raw = Path(recorded.header.path).read_bytes()
    except FileNotFoundError:
        return "the plan is gone"
    except OSError as exc:
        return f"the plan cannot be read ({exc.strerror or exc})"
    if digest(raw) == recorded.header.base:
        return "the plan is as they were made against"
    return "the plan has changed since: some may clash"


def _list(found: list[Recorded], as_json: bool) -> Exit:
    out = sys.stdout
    if as_json:
        from ..render.terminal import write_json

        write_json(out, {"journals": [
            {"path": r.header.path, "edits": len(r.ops), "started": r.header.started,
             "pid": r.header.pid, "state": _state(r)} for r in found]})
        return Exit.OK
    if not found:
        out.write("No unsaved edits are kept: nothing to recover.\n")
        return Exit.OK
    for r in found:
        out.write(f"{safe(r.header.path)}\n    {plural(len(r.ops), 'unsaved edit')}, from "
                  f"{safe(r.header.started)} (process {r.header.pid}); {_state(r)}\n")
    out.write("\ncap recover PATH --show | --apply | --discard\n")
    return Exit.OK


# -- replaying ----------------------------------------------------------------------------------
class _Replay(NamedTuple):
    doc: Document
    before: bytes  # the plan's bytes the edits were replayed on
    applied: int
    missed: list[tuple[dict[str, Any], str]]  # (the operation's JSON, why it did not apply)


def _replay(path: str, recorded: Recorded) -> _Replay | Exit:
    """The plan as it is on disk, with the journal's operations applied in order, as the
    editor restores them (core/replay: consecutive changes to one field squashed into one)."""
    from ..core.document import Document
    from ..core.edit.ops import Op, op_from_json
    from ..core.problems import PlanError
    from ..core.replay import replay, squash
    from ..render.problems import report

    try:
        doc = Document.load(path)
    except PlanError as exc:
        report(exc.problem)
        err(f"{safe(path)}: the plan cannot be read, so its unsaved edits cannot be replayed "
            "on it; fix it, or `cap recover PATH --discard` them")
        return Exit.FAILURE
    before = doc.source.raw
    ops: list[Op] = []
    missed: list[tuple[dict[str, Any], str]] = []
    for data in recorded.ops:
        try:
            ops.append(op_from_json(data))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # kept in the journal as it is, and said: never dropped
            missed.append((data, f"not an edit cap can read ({exc})"))
    done = replay(doc, squash(ops))
    missed += [(r.op.to_json(), f"{r.outcome.value}: {r.reason}") for r in done.failed]
    return _Replay(doc, before, done.applied, missed)


def _what(data: dict[str, Any]) -> str:
    """An operation in a few words: `COM-01.status`, `add COM-09`."""
    ref = data.get("ref")
    name = ref.get("id") or ref.get("level", "?") if isinstance(ref, dict) else "?"
    if data.get("op") == "set":
        return f"{name}.{data.get('key', '?')}"
    return f"{data.get('op', '?')} {name}"


def _say_missed(path: str, missed: list[tuple[dict[str, Any], str]], verb: str) -> None:
    for data, why in missed:
        err(f"{safe(path)}: {safe(_what(data))} {verb}: {safe(why)}")


def _show(path: str, recorded: Recorded, as_json: bool) -> Exit:
    from ..core.diff import diff_plans
    from ..core.model import Plan
    from ..core.problems import PlanError
    from ..core.source import decode, parse_toml
    from ..render.diff import render_json, render_text
    from ..render.terminal import Out

    replay = _replay(path, recorded)
    if isinstance(replay, Exit):
        return replay
    plans = []
    for raw in (replay.before, replay.doc.to_bytes()):
        try:
            source = decode(path, raw)
            plans.append(Plan(path, parse_toml(source), source))
        except PlanError as exc:  # the replayed text does not read back: say so, never guess
            err(f"{safe(path)}: the plan with the edits replayed does not read back: "
                f"{safe(exc.problem.format())}")
            return Exit.FAILURE
    d = diff_plans(plans[0], plans[1], f"{path} (on disk)", f"{path} (with the unsaved edits)")
    if as_json:
        sys.stdout.write(render_json(d))
    else:
        render_text(d, Out())
    _say_missed(path, replay.missed, "would not apply")
    return Exit.PROBLEMS if replay.missed else Exit.OK


def _editor_holding(path: str) -> Any:
    """Take the plan's edit lock, so no editor opens it while the journal is replayed or
    removed; the EditLock, or None when an editor has the plan open (the message is said)."""
    from ..core.lock import EditLock

    hold = EditLock(path)
    holder = hold.acquire()
    if holder is not None:
        err(f"{safe(path)} is open in cap by {safe(holder.describe())}: its unsaved edits "
            "belong to that editor. Save or quit there first; nothing was changed.")
        return None
    return hold


def _apply(path: str, recorded: Recorded) -> Exit:
    from ..core.document import EditError
    from ..core.journal import Journal
    from ..core.lock import Locked, write_lock

    try:
        hold = _editor_holding(path)
    except OSError as exc:
        err(f"{safe(path)}: cannot take the plan's lock ({exc.strerror or exc}); nothing was "
            "changed")
        return Exit.FAILURE
    if hold is None:
        return Exit.FAILURE
    try:
        with write_lock(path):
            replay = _replay(path, recorded)
            if isinstance(replay, Exit):
                return replay
            after = replay.doc.to_bytes()
            if after != replay.before:
                try:
                    replay.doc.save(expect=replay.before)
                except EditError as exc:  # SaveFailed, or a file cap will not save
                    err(f"{safe(str(exc))} The unsaved edits are still kept.")
                    return Exit.FAILURE
            if not replay.missed:
                recorded.file.unlink(missing_ok=True)
                sys.stdout.write(f"{safe(path)}: restored {plural(replay.applied, 'edit')}; "
                                 "saved, and the journal removed\n")
                return Exit.OK
            # keep only what did not apply, against the bytes now on disk, so that a second
            # --apply never applies an edit twice
            kept = Journal(path, after)
            for data, _why in replay.missed:
                kept.append(data)
            kept.flush()
            kept.close()
    except Locked as exc:
        err(safe(str(exc)))
        return Exit.FAILURE
    finally:
        hold.release()
    _say_missed(path, replay.missed, "not applied")
    n = len(replay.missed)
    err(f"{safe(path)}: restored {plural(replay.applied, 'edit')}"
        f"{' and saved' if after != replay.before else ''}; {plural(n, 'edit')} did not apply "
        f"and {'is' if n == 1 else 'are'} still kept in the journal (`cap recover {safe(path)} "
        "--show` to see them, `--discard` to drop them)")
    return Exit.PROBLEMS


def _discard(path: str, recorded: Recorded) -> Exit:
    try:
        hold = _editor_holding(path)
    except OSError as exc:
        err(f"{safe(path)}: cannot take the plan's lock ({exc.strerror or exc}); nothing was "
            "removed")
        return Exit.FAILURE
    if hold is None:
        return Exit.FAILURE
    try:
        recorded.file.unlink(missing_ok=True)
    except OSError as exc:
        err(f"{safe(str(recorded.file))}: cannot remove the journal ({exc.strerror or exc})")
        return Exit.FAILURE
    finally:
        hold.release()
    sys.stdout.write(f"{safe(path)}: {plural(len(recorded.ops), 'unsaved edit')} discarded\n")
    return Exit.OK
