"""The editor's header line: which plan this is, and whether it has unsaved changes."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...core.model import Plan
from ...render.terminal import safe


class PlanHeader(Static):
    """The plan's title, as-of date, reporting point and council, after "● modified" while
    there are unsaved changes. Redrawn only when what it says changes (`follow`)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.modified = False  # as shown
        self.read_only = False  # this editor does not write the plan (said in words)

    def show(self, plan: Plan, modified: bool) -> None:
        self.modified = modified
        text = Text()
        if self.read_only:
            text.append("read-only ", style="bold reverse")
        if modified:
            text.append("● modified ", style="bold yellow")
        text.append(safe(plan.title) or "(no title)", style="bold")
        text.append(f" · as of {plan.as_of.isoformat()}" if plan.as_of else " · no as-of date")
        point = plan.meta.get("reporting_point")
        if isinstance(point, str) and point:
            text.append(" · " + safe(point))
        text.append(" · ")
        text.append(safe(plan.council) or "(no council)")
        self.update(text)

    def follow(self, plan: Plan, modified: bool) -> None:
        """Show the plan as modified, or not, if it is not shown so already."""
        if modified != self.modified:
            self.show(plan, modified)
