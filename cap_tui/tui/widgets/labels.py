"""How plan data is drawn: always as Text (never markup), statuses always in words."""

from __future__ import annotations

from rich.text import Text

from ...core.model import Node, Plan
from ...core.shape import Level
from ...core.vocab import Status
from ...render.terminal import RAG_STYLE, safe

LABEL_FIELDS = frozenset({"id", "title", "status", "due", "kind"})  # what a tree line shows


def status_text(status: Status | None, raw: str = "", width: int = 0) -> Text:
    """A status as its label, coloured by its colour; an unknown status says so in words."""
    if status is None:
        label = f"?{raw}" if raw else "no status"
        style = "bold red"
    else:
        label, style = status.label, RAG_STYLE.get(status.colour, "")
    if width and " (" in label:
        label = label[: label.index(" (")]  # "In progress (no RAG reported)" -> "In progress"
    if width and len(label) > width:
        label = label[: width - 1] + "…"
    return Text(safe(label), style=style)


def node_label(plan: Plan, node: Node, statuses: dict[str, Status]) -> Text:
    """A tree line: id and title; for an action, its status in words and an overdue marker."""
    title = safe(node.title) or "(untitled)"
    if node.kind is not Level.ACTION:
        label = Text(title, style="bold" if node.kind is Level.THEME else "")
        if node.data.get("kind") == "projects":
            label.append(" (projects)", style="dim")
        return label
    raw = node.text("status")
    status = statuses.get(raw)
    label = Text(safe(node.id), style="bold")
    label.append(" ")
    label.append("[")
    label.append_text(status_text(status, raw, 12))
    label.append("]")
    if plan.is_overdue(node):
        label.append(" OVERDUE", style="bold red")
    label.append(" ")
    label.append(title)
    return label
