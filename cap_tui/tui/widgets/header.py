"""The editor's header line: which plan this is, and whether it has unsaved changes."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from ...core.model import Plan
from ...render.terminal import safe

_SEP = " · "


def header_text(plan: Plan, modified: bool, read_only: bool, width: int = 0) -> Text:
    """The header's line in `width` cells (0: all of it).

    Whole, it says: read-only, "● modified", the council, the title, the as-of date and the
    reporting point. Where that does not fit, the reporting point goes first (it is on the
    plan's own line of the tree), then "modified" becomes its dot, then "as of" its date; what
    is left is cut at the end, never the council or the marks before it."""
    council = safe(plan.council) or "(no council)"
    title = safe(plan.title) or "(no title)"
    as_of = plan.as_of.isoformat() if plan.as_of else ""
    point = plan.meta.get("reporting_point")
    point = safe(point) if isinstance(point, str) else ""
    tries = [
        ("● modified", f"as of {as_of}" if as_of else "no as-of date", point),
        ("● modified", f"as of {as_of}" if as_of else "no as-of date", ""),
        ("●", f"as of {as_of}" if as_of else "no as-of date", ""),
        ("●", as_of or "no as-of date", ""),
    ]
    text = Text()
    for mark, date_text, reporting in tries:
        text = Text()
        if read_only:
            text.append("read-only", style="bold reverse")
            text.append(" ")
        if modified:
            text.append(mark + " ", style="bold yellow")
        text.append(council)
        text.append(_SEP)
        text.append(title, style="bold")
        text.append(_SEP + date_text)
        if reporting:
            text.append(_SEP + reporting)
        if not width or text.cell_len <= width:
            return text
    text.truncate(width, overflow="ellipsis")
    return text


class PlanHeader(Widget):
    """The plan's council, title, as-of date and reporting point, after "● modified" while
    there are unsaved changes, fitted to the terminal's width (`header_text`). Redrawn only
    when what it says changes (`follow`) or the terminal's width does."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.modified = False  # as shown
        self.read_only = False  # this editor does not write the plan (said in words)
        self.plan: Plan | None = None

    def show(self, plan: Plan, modified: bool) -> None:
        self.plan, self.modified = plan, modified
        self.refresh()

    def follow(self, plan: Plan, modified: bool) -> None:
        """Show the plan as modified, or not, if it is not shown so already."""
        if modified != self.modified:
            self.show(plan, modified)

    def render(self) -> Text:
        if self.plan is None:
            return Text()
        return header_text(self.plan, self.modified, self.read_only, self.size.width)
