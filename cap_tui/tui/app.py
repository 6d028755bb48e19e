"""The editor app: one factory (`make_app`) for the command line, the tests and the snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual import on
from textual.app import App, SystemCommand
from textual.dom import DOMNode
from textual.markup import escape
from textual.screen import Screen

from ..core.document import Document
from ..core.problems import PlanError
from ..core.recent import remember
from ..render.terminal import safe
from .bindings import Scope, bindings, palette
from .messages import OpenPlan
from .screens.dialogs import ChoiceScreen, ProblemScreen
from .screens.editor import EditorScreen
from .screens.help import HelpScreen
from .screens.picker import PickerScreen
from .widgets.filter import FilterBar
from .widgets.tree import PlanTree


class CapApp(App[None]):
    """cap's terminal editor."""

    CSS_PATH = "cap.tcss"
    TITLE = "cap"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = bindings(Scope.APP)

    def __init__(self, target: str | None = None, folder: str = "plans") -> None:
        super().__init__()
        self.target = target
        self.folder = folder

    def get_default_screen(self) -> Screen[None]:
        """The first screen is the bottom of the stack, not pushed over Textual's blank one: so
        it is laid out once at start-up, not again when the terminal's first size arrives."""
        if self.target and Path(self.target).is_dir():
            return PickerScreen(self.target)
        if self.target:
            return self.plan_screen(self.target)
        return PickerScreen(self.folder)

    # -- opening -----------------------------------------------------------------------------
    def plan_screen(self, path: str) -> Screen[None]:
        """The editor on a plan, or the screen that says why it cannot be opened."""
        try:
            doc, verified = Document.open_fast(path)
        except PlanError as exc:
            return ProblemScreen(exc.problem)
        remember(path)
        return EditorScreen(doc, verified)

    @on(OpenPlan)
    def open_plan(self, message: OpenPlan) -> None:
        """Open a plan (from the picker) over the screen that asked for it."""
        self.push_screen(self.plan_screen(message.path))

    @property
    def editor(self) -> EditorScreen | None:
        screen = self.screen
        return screen if isinstance(screen, EditorScreen) else None

    # -- leaving -----------------------------------------------------------------------------
    async def action_quit(self) -> None:
        editor = next((s for s in reversed(self.screen_stack) if isinstance(s, EditorScreen)),
                      None)
        if editor is None or not editor.doc.modified:
            self.exit()
            return

        def done(answer: str | None) -> None:
            if answer == "save":
                editor.action_save(then=self.exit)
            elif answer == "discard":
                self.exit()

        name = Path(editor.doc.path).name
        self.push_screen(ChoiceScreen(f"Save your changes to {name} before quitting?", [
            ("save", "Save", "s"), ("discard", "Discard", "d"), ("cancel", "Cancel", "c")]),
            done)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- the command palette: every command as "area: verb" ----------------------------------
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The commands of tui/bindings.py that run here, then the plan's own: a status to
        filter by, and "go:" to each action."""
        targets: dict[Scope, DOMNode] = {Scope.APP: self}
        if isinstance(screen, EditorScreen):
            targets[Scope.EDITOR] = screen
            targets[Scope.TREE] = screen.query_one(PlanTree)
        for entry in palette(set(targets)):
            yield SystemCommand(entry.title, escape(entry.help),
                                partial(self.run_action, entry.action, targets[entry.runs_on]))
        if not isinstance(screen, EditorScreen):
            yield from super().get_system_commands(screen)
            return
        e = screen
        yield SystemCommand("plan: edit plan details", "Council, title, as-of date",
                            lambda: e.jump(e.plan.root, "council"))
        for key, st in e.plan.statuses.items():
            yield SystemCommand(f"filter: status {escape(safe(st.label))}",
                                f"Only actions with status {escape(safe(key))}",
                                lambda k=key: e.query_one(FilterBar).only_status(k))
        for action in e.plan.actions():
            # the palette reads titles as markup: plan text is escaped so it shows as typed
            title = escape(safe(f"{action.id} {action.title}"))
            yield SystemCommand(f"go: {title}", "Jump to this action",
                                lambda a=action: e.jump(a, "progress"), discover=False)
        yield from super().get_system_commands(screen)


def make_app(target: str | None = None, folder: str = "plans") -> CapApp:
    """Build the app: a plan file opens the editor; a folder (or none) opens the picker."""
    return CapApp(target, folder)
