"""`cap list` output: one line per action, for grep and for a small terminal, or JSON.

On a terminal each action takes one screen line (leads and titles clipped); piped, lines stay
whole, for grep. Plan text is made safe (terminal.safe), never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import IO

from ..core.model import Node, Plan
from .terminal import RAG_STYLE, Out, clip, safe, write_json

Row = tuple[Plan, Node]  # an action and the plan it is in


def write_listing(out: Out, rows: Sequence[Row], with_path: bool, today: date | None) -> None:
    """`ID  status  due  ! lead  title`; `path:ID` when the rows come from several files."""
    if not rows:
        return

    def name(plan: Plan, a: Node) -> str:  # `path:ID` when several files, as grep writes it
        return f"{safe(plan.path)}:{safe(a.id)}" if with_path else safe(a.id)

    id_w = max(len(name(p, a)) for p, a in rows)
    st_w = max(len(safe(a.text("status")) or "-") for _, a in rows)
    lead_w = min(max(len(safe(a.text("lead")) or "-") for _, a in rows), 28)
    # on a terminal each action takes one screen line: the lead gets at most 2/5 of the room
    room = out.width - id_w - st_w - 19
    if out.tty:
        lead_w = min(lead_w, max(room * 2 // 5, 8))
    for plan, a in rows:
        due = plan.due(a)
        due_text = due.label() if due else (safe(a.text("due")) or "-")
        st = plan.status(a)
        mark = "!" if plan.is_overdue(a, today) else " "
        lead = safe(a.text("lead")) or "-"
        title = safe(a.title)
        if out.tty:  # piped, lines stay whole, for grep
            lead, title = clip(lead, lead_w), clip(title, max(room - lead_w, 12))
            due_text = clip(due_text, 10)
        out.line(f"{name(plan, a):<{id_w}}  ",
                 (f"{safe(a.text('status')) or '-':<{st_w}}",
                  RAG_STYLE.get(st.colour, "") if st else "bold red"),
                 f"  {due_text:<10} {mark} {lead:<{lead_w}}  {title}")


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
