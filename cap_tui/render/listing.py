"""`cap list` output: one line per action, for grep and for a small terminal, or JSON.

Statuses are shown by the plan's labels (`On track`), as everywhere else; a marker column says
what colour alone must not: `!` overdue, `?` a status the plan's vocabulary lacks (`MARKS`).
Columns are aligned to their widest value. On a terminal each action takes one screen line
(leads and titles clipped) and a legend of the markers shown ends the list; piped, values stay
whole, for grep. Plan text is made safe (terminal.safe), never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import IO

from ..core.model import Node, Plan
from .terminal import RAG_STYLE, Cell, Out, safe, write_json

Row = tuple[Plan, Node]  # an action and the plan it is in

# the markers of the list, in the order they are written; cap list --help explains them too
MARKS = (("!", "overdue"), ("?", "status not in the plan's vocabulary"))
MARKS_HELP = "Markers: " + "; ".join(f"{m} {what}" for m, what in MARKS) + "."


def write_listing(out: Out, rows: Sequence[Row], with_path: bool, today: date | None) -> None:
    """`ID  status  due  ! lead  title`; `path:ID` when the rows come from several files."""
    if not rows:
        return
    cells = [_cells(plan, a, with_path, today) for plan, a in rows]
    id_w = out.span((c[0] for c in cells), 40)
    st_w = out.span((c[1] for c in cells), 20)
    due_w = out.span((c[2] for c in cells), 10)
    mark_w = out.span((c[3] for c in cells), 2)
    lead_w = out.span((c[4] for c in cells), 28)
    if out.tty:  # one screen line an action: the lead gets at most 2/5 of the room
        room = out.width - id_w - st_w - due_w - mark_w - 8
        lead_w = min(lead_w, max(room * 2 // 5, 8))
    for (plan, a), (name, label, due, mark, lead, title) in zip(rows, cells, strict=True):
        st = plan.status(a)
        style = RAG_STYLE.get(st.colour, "") if st else "bold red"
        out.row(Cell(name, id_w), Cell(label, st_w, style=style), Cell(due, due_w),
                Cell(mark, mark_w, before=" "), Cell(lead, lead_w, before=" "), Cell(title))
    if out.tty:
        shown = {m for c in cells for m in c[3]}
        legend = " · ".join(f"{m} {what}" for m, what in MARKS if m in shown)
        if legend:
            out.line((legend, "dim"))


def _cells(plan: Plan, a: Node, with_path: bool, today: date | None) -> tuple[str, ...]:
    """An action's cells as shown: `path:ID` when several files (as grep writes it), its status
    by label (the key as written when the vocabulary lacks it), due, markers, lead, title."""
    name = f"{safe(plan.path)}:{safe(a.id)}" if with_path else safe(a.id)
    st = plan.status(a)
    label = safe(st.label) if st else safe(a.text("status")) or "-"
    due = plan.due(a)
    due_text = due.label() if due else (safe(a.text("due")) or "-")
    mark = ("!" if plan.is_overdue(a, today) else "") + ("" if st else "?")
    return name, label, due_text, mark, safe(a.text("lead")) or "-", safe(a.title)


def write_listing_json(stream: IO[str], rows: Sequence[Row], today: date | None) -> None:
    """`{"actions": [...]}`: every fact the text shows, plan text exactly as written."""
    write_json(stream, {"actions": [_as_json(p, a, today) for p, a in rows]})


def _as_json(plan: Plan, a: Node, today: date | None) -> dict[str, object]:
    due = plan.due(a)
    st = plan.status(a)
    return {
        "path": plan.path,
        "id": a.id,
        "title": a.title,
        "lead": a.text("lead"),
        "due": due.label() if due else (a.text("due") or None),
        "due_end": due.end.isoformat() if due and due.end else None,
        "status": a.text("status"),
        "status_label": st.label if st else None,
        "finished": bool(st and st.finished),
        "overdue": plan.is_overdue(a, today),
        "theme": a.theme.title if a.theme else "",
        "theme_id": a.theme.id if a.theme else "",
        "programme": a.programme.title if a.programme else "",
        "programme_id": a.programme.id if a.programme else "",
    }
