"""An empty file (or none yet) opened as a plan: offer to start one there, never silently."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from ...core.fileio import SaveError, write_atomic
from ...core.planfile import is_blank, new_plan_text
from ..bindings import Scope, bindings
from ..widgets.footer import KeysFooter
from .dialogs import PromptScreen


class StartPlanScreen(Screen[None]):
    """Asks for a new plan's council, title and period; writes the plan only on confirm."""

    BINDINGS = bindings(Scope.PROBLEM)

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        what = "is empty" if Path(self.path).exists() else "does not exist yet"
        with Vertical(classes="problem-box"):
            yield Static(Text(f"{self.path} {what}.\nNothing is written unless you start a "
                              "plan here."), id="start-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(self.ask)

    def ask(self) -> None:
        self.app.push_screen(PromptScreen(
            f"{Path(self.path).name} has no plan yet. Start one here?",
            [("council", "Council", ""), ("title", "Title", ""),
             ("period", "Period (e.g. 2025-26)", "")], "Start the plan"), self.answered)

    def answered(self, values: dict[str, str] | None) -> None:
        if values is None:
            self.notify(f"Nothing was written to {self.path}", markup=False)
            self.action_back()
            return
        if not is_blank(self.path):  # someone wrote it meanwhile: never over their text
            self.notify(f"{self.path} is no longer empty: not overwritten", severity="error",
                        markup=False)
            self.action_back()
            return
        text = new_plan_text(values["council"], values["title"], values["period"])
        try:
            write_atomic(self.path, text.encode("utf-8"))
        except (SaveError, OSError) as exc:
            self.notify(f"Cannot write {self.path}: {exc}", severity="error", markup=False)
            return
        from ..app import CapApp

        app = self.app
        assert isinstance(app, CapApp)
        # over this screen (it may be the first: it cannot be switched out of the stack)
        self.call_after_refresh(lambda: app.push_screen(app.plan_screen(self.path)))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()
