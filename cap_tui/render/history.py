"""`cap history` output, also shown by the editor's history view: one action commit by commit,
every action's statuses over time, or JSON.

Plan text (titles, authors, subjects, values) is made safe (terminal.safe), never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from .diff import Piece, change_pieces, clip_words, due_note, wrap
from .terminal import Out, plural, safe, write_json

if TYPE_CHECKING:
    from ..core.history import HistoryEntry, Timeline


# -- one action --------------------------------------------------------------------------------
def write_action_history(out: Out, action_id: str, path: str,
                         entries: Sequence[HistoryEntry]) -> None:
    """Each commit that changed the action: what changed, then its year in two lines."""
    w = max(out.width, 40)
    last = next((e.after or e.before for e in reversed(entries) if e.after or e.before), None)
    title = last.title if last else ""
    for line in wrap([(safe(action_id), "bold"), (" ", ""), (safe(title), "bold")], w,
                     hang="  "):
        out.line(*line)
    changes = [e for e in entries if e.change != "unreadable"]
    out.line((f"{safe(path)}: {plural(len(changes), 'commit')} changed it", "dim"))
    for e in entries:
        out.line("")
        _commit(out, e, w)
    _summary(out, entries, w)


def _commit(out: Out, e: HistoryEntry, w: int) -> None:
    head: list[Piece] = [(e.day, "cyan"), ("  ", ""), (e.short, "yellow"), ("  ", ""),
                         (safe(e.author), ""), ("  ", ""), (safe(e.subject), "dim")]
    if e.merge:
        head.append(("  (merge)", "dim"))
    for line in wrap(head, w, hang="    "):
        out.line(*line)
    if e.change == "unreadable":
        out.line("  ", (f"the plan does not parse here ({safe(e.error)})", "red"))
        return
    rows: list[tuple[str, list[Piece]]] = []
    if e.change == "added" and e.after is not None:
        where = f"added to programme {safe(e.after.programme)}"
        if e.after.theme:
            where += f" (theme {safe(e.after.theme)})"
        rows.append(("", [(where, "green")]))
    elif e.change == "removed" and e.before is not None:
        rows.append(("", [(f"removed from programme {safe(e.before.programme)}", "red")]))
    elif e.moved and e.before is not None and e.after is not None:
        rows.append(("moved", [(f"programme {safe(e.before.programme)} -> "
                                f"{safe(e.after.programme)}", "")]))
    state = e.after or e.before
    for key, label in (("status", "status_label"), ("due", "due"), ("lead", "lead")):
        f = e.field(key)
        if f is not None and e.change == "changed":
            rows.append((key, change_pieces(f, words=clip_words(out))))
        elif e.change != "removed":
            value = getattr(state, label) or "(not set)"
            rows.append((key, [(safe(value), "" if e.change == "added" else "dim")]))
    for f in e.fields:
        if f.key not in ("status", "due", "lead"):
            rows.append((f.key, change_pieces(f, words=clip_words(out))))
    key_w = min(max((len(k) for k, _ in rows), default=0), 12)
    for key, pieces in rows:
        first = f"  {safe(key):<{key_w}}  " if key else "  "
        hang = " " * (key_w + 4) if key else "  "
        for line in wrap(pieces, w, first=first, hang=hang):
            out.line(*line)


def _summary(out: Out, entries: Sequence[HistoryEntry], w: int) -> None:
    """The action's year in two lines: its statuses, and its expected completion dates."""
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
def write_history_all(out: Out, lines: Sequence[Timeline]) -> None:
    """One line per action: how often it changed and slipped, and its statuses over time."""
    id_w = max(max(len(safe(t.id)) for t in lines), 2)
    out.line((f"{'ID':<{id_w}}  Changes  Slipped  Status over time", "bold"))
    for t in lines:
        path_text = " -> ".join(safe(s) for s in t.statuses) or "-"
        out.line(f"{safe(t.id):<{id_w}}  {t.changes:>7}  ",
                 (f"{t.slipped:>7}", "red" if t.slipped else ""), f"  {path_text}")
    removed = sum(not t.present for t in lines)
    slipped = sum(t.slipped > 0 for t in lines)
    out.line("")
    out.line((f"{plural(len(lines), 'action')}; {slipped} slipped at least once"
              + (f"; {removed} no longer in the plan" if removed else ""), "dim"))


# -- JSON --------------------------------------------------------------------------------------
def write_action_history_json(stream: IO[str], action_id: str, path: str,
                              entries: Sequence[HistoryEntry]) -> None:
    _write(stream, {"id": action_id, "path": path, "entries": [e.as_json() for e in entries]})


def write_history_all_json(stream: IO[str], path: str, lines: Sequence[Timeline]) -> None:
    _write(stream, {"path": path, "actions": [t.as_json() for t in lines]})


def _write(stream: IO[str], doc: dict[str, Any]) -> None:
    write_json(stream, doc)
