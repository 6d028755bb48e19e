"""The editor app: one factory (`make_app`) for the command line, the tests and the snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen

from ..core.document import Document
from ..core.problems import PlanError
from ..core.recent import remember
from ..render.terminal import safe
from .screens.dialogs import ChoiceScreen, ProblemScreen
from .screens.editor import EditorScreen
from .screens.help import HelpScreen
from .screens.picker import PickerScreen


class CapApp(App[None]):
    """cap's terminal editor."""

    CSS_PATH = "cap.tcss"
    TITLE = "cap"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
        Binding("f1", "help", "Help", show=False),
    ]

    def __init__(self, target: str | None = None, folder: str = "plans") -> None:
        super().__init__()
        self.target = target
        self.folder = folder

    def get_default_screen(self) -> Screen:
        """The first screen is the bottom of the stack, not pushed over Textual's blank one: so
        it is laid out once at start-up, not again when the terminal's first size arrives."""
        if self.target and Path(self.target).is_dir():
            return PickerScreen(self.target)
        if self.target:
            return self.plan_screen(self.target)
        return PickerScreen(self.folder)

    # -- opening -----------------------------------------------------------------------------
    def plan_screen(self, path: str) -> Screen:
        """The editor on a plan, or the screen that says why it cannot be opened."""
        try:
            doc, verified = Document.open_fast(path)
        except PlanError as exc:
            return ProblemScreen(exc.problem)
        remember(path)
        return EditorScreen(doc, verified)

    def open_plan(self, path: str) -> None:
        """Open a plan (from the picker) over the screen that asked for it."""
        self.push_screen(self.plan_screen(path))

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
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("app: help", "List every key", self.action_help)
        yield SystemCommand("app: quit", "Quit (asks about unsaved changes)", self.action_quit)
        if not isinstance(screen, EditorScreen):
            yield from super().get_system_commands(screen)
            return
        e = screen
        yield SystemCommand("file: save", "Save the plan (ctrl+s or F2)", e.action_save)
        yield SystemCommand("edit: undo", "Undo the last change (ctrl+z)", e.action_undo)
        yield SystemCommand("edit: redo", "Redo (ctrl+y)", e.action_redo)
        yield SystemCommand("node: add action", "Add an action after the selected one (a)",
                            lambda: e.action_add("action"))
        yield SystemCommand("node: add programme", "Add a programme to the selected theme",
                            lambda: e.action_add("programme"))
        yield SystemCommand("node: add theme", "Add a theme to the plan",
                            lambda: e.action_add("theme"))
        yield SystemCommand("node: duplicate", "Copy the selected node (c)", e.action_duplicate)
        yield SystemCommand("node: delete", "Delete the selected node (x)", e.action_delete)
        yield SystemCommand("node: move up", "Move the selected node up ([)",
                            lambda: e.action_move(-1))
        yield SystemCommand("node: move down", "Move the selected node down (])",
                            lambda: e.action_move(1))
        yield SystemCommand("node: move to programme", "Move the action to another programme (m)",
                            e.action_move_to)
        yield SystemCommand("view: filter", "Filter the tree (/)", e.action_filter)
        yield SystemCommand("view: overdue only", "Show only overdue actions (o)",
                            e.action_overdue)
        yield SystemCommand("view: problems", "List every problem (p)", e.action_problems)
        yield SystemCommand("view: summary", "Show the summary (s)", e.action_summary)
        yield SystemCommand("git: changes since the last commit",
                            "What this plan's diff will show, action by action (g)",
                            e.action_changes)
        yield SystemCommand("git: history of this action",
                            "Each commit that changed the selected action (h)", e.action_history)
        yield SystemCommand("plan: edit plan details", "Council, title, as-of date",
                            lambda: e.jump(e.plan.root, "council"))
        for key, st in e.plan.statuses.items():
            yield SystemCommand(f"filter: status {escape(safe(st.label))}",
                                f"Only actions with status {escape(safe(key))}",
                                lambda k=key: e.filter_status(k))
        for action in e.plan.actions():
            # the palette reads titles as markup: plan text is escaped so it shows as typed
            title = escape(safe(f"{action.id} {action.title}"))
            yield SystemCommand(f"go: {title}", "Jump to this action",
                                lambda a=action: e.jump(a, "progress"), discover=False)
        yield from super().get_system_commands(screen)


def make_app(target: str | None = None, folder: str = "plans") -> CapApp:
    """Build the app: a plan file opens the editor; a folder (or none) opens the picker."""
    return CapApp(target, folder)
