"""How plan data is drawn: always as Text (never markup), statuses always in words.

What must stand out (overdue, errors, a status the plan does not have) is drawn in colour, or,
when the terminal has none (NO_COLOR: Textual draws every colour as a grey), by text style alone:
bold and reversed, which reads in any greys (`alarm`). Statuses are then plain words."""

from __future__ import annotations

from rich.text import Text

from ...core.model import Node, Plan
from ...core.shape import SHAPE, Level
from ...core.vocab import Status
from ...render.terminal import RAG_STYLE, safe

LABEL_FIELDS = frozenset({"id", "title", "status", "due", "kind"})  # what a tree line shows
STATUS_WIDTH = 12  # a status in a tree line, at most ("In progress", "Completed")
MIN_TITLE = 18  # the title a tree line keeps before its status is shortened, then left out
_SHORTEST_STATUS = 4  # "[In…]" and less says nothing: the status is left out instead

# A status's colour as the editor draws it: the terminal's own colours, but blue (dark blue on
# a dark background in most terminals) a lighter one
_RAG = {**RAG_STYLE, "blue": "#5f87ff"}


def alarm(no_color: bool = False) -> str:
    """The style of what needs attention: red, or without colour bold and reversed."""
    return "bold reverse" if no_color else "bold red"


def rag_style(colour: str, no_color: bool = False) -> str:
    """A status colour's style (none without colour: the label says it in words)."""
    return "" if no_color else _RAG.get(colour, "")


def status_text(status: Status | None, raw: str = "", width: int = 0,
                no_color: bool = False) -> Text:
    """A status as its label, coloured by its colour; an unknown status says so in words."""
    if status is None:
        label = f"?{raw}" if raw else "no status"
        style = alarm(no_color)
    else:
        label, style = status.label, rag_style(status.colour, no_color)
    if width and " (" in label:
        label = label[: label.index(" (")]  # "In progress (no RAG reported)" -> "In progress"
    if width and len(label) > width:
        label = label[: width - 1] + "…"
    return Text(safe(label), style=style)


def node_label(plan: Plan, node: Node, statuses: dict[str, Status], width: int = 0,
               no_color: bool = False) -> Text:
    """A tree line: id and title; for an action, its status in words and an overdue marker.

    `width` (0: no limit): the cells the line has. What matters is kept whole: the id, the
    overdue marker and MIN_TITLE cells of title; the status is shortened to make room for them,
    or left out when even a short one does not fit (the form beside shows it); the title is
    cut with an ellipsis."""
    title = safe(node.title) or "(untitled)"
    if node.kind is not Level.ACTION:
        if node.kind is Level.PLAN:
            label = Text(SHAPE[Level.PLAN].title + ": ", style="bold")
            label.append(title, style="bold")
        else:
            label = Text(title, style="bold" if node.kind is Level.THEME else "")
        if node.data.get("kind") == "projects":
            label.append(" (projects)", style="dim")
        return _fit(label, width)
    raw = node.text("status")
    label = Text(safe(node.id), style="bold")
    label.append(" ")
    overdue = plan.is_overdue(node)
    room = width - label.cell_len - MIN_TITLE - (len(" OVERDUE") if overdue else 0) - 3
    status_width = STATUS_WIDTH if not width else min(STATUS_WIDTH, room)
    if status_width >= _SHORTEST_STATUS:
        label.append("[")
        label.append_text(status_text(statuses.get(raw), raw, status_width, no_color))
        label.append("] ")
    if overdue:
        label.append("OVERDUE", style=alarm(no_color))
        label.append(" ")
    label.append(title)
    return _fit(label, width)


def _fit(label: Text, width: int) -> Text:
    """The label cut to `width` cells with an ellipsis (0: as it is)."""
    if width > 0 and label.cell_len > width:
        label.truncate(width, overflow="ellipsis")
    return label
