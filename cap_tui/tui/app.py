"""The editor app: one factory (`make_app`) for the command line, the tests and the snapshots."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import App, SystemCommand
from textual.dom import DOMNode
from textual.geometry import Region
from textual.markup import escape
from textual.notifications import SeverityLevel
from textual.screen import Screen

from ..core.document import Document
from ..core.lock import state_dir
from ..core.planfile import is_blank
from ..core.problems import PlanError
from ..core.recent import remember
from ..render.terminal import safe
from . import heap
from .bindings import Scope, bindings, palette
from .internals import KeptStylesheet
from .messages import OpenPlan
from .screens.editor import EditorScreen
from .widgets.filter import FilterLine
from .widgets.tree import PlanTree

if TYPE_CHECKING:
    from .screens.picker import PickerScreen

KEYS_WAIT_AT_MOST = 1.0  # seconds keys typed at start-up wait for the editor's fields
NOTICE_ROWS = 3  # the lines a notice takes at most, where cap.tcss puts it (under the header)
NOTICE_SHARE = 0.7  # of the screen's width, at most (Toast's max-width in cap.tcss)


class CapApp(App[None]):
    """cap's terminal editor."""

    CSS_PATH = "cap.tcss"
    TITLE = "cap"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = bindings(Scope.APP)

    def __init__(self, target: str | None = None, folder: str = "plans") -> None:
        super().__init__()
        # the CSS parsed at the last start, kept in cap's state folder (internals.py)
        self.stylesheet = KeptStylesheet(
            state_dir() / "textual-css.pickle",
            variables=self.get_css_variables())
        self.target = target
        self.folder = folder
        self.signalled: int | None = None  # SIGHUP or SIGTERM, when one ended the editor
        # keys typed before the first frame, given to it once drawn (`on_event`); then None
        self._early: list[events.Key | events.Paste] | None = []
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # no smooth scrolling: a Tab to a field below the fold scrolled the form over a
            # dozen frames, each a repaint sent down the SSH link; it now jumps, in one
            self.animation_level = "none"

    def on_load(self) -> None:
        heap.hold()  # no garbage collections while the first screen is built (tui/heap.py)

    # -- keys typed before the first screen is up ------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        """Keys (and pastes) that come before the first screen is drawn are kept, and given to
        it once it is, in the order typed: `cap plan.toml`, Enter and a Down at once moved
        nothing (the keys reached a screen with nothing focused yet, and were dropped)."""
        early = self._early
        if early is not None and isinstance(event, events.Key | events.Paste) \
                and not event.is_forwarded:
            early.append(event)
            return
        await super().on_event(event)

    async def _let_keys_in(self) -> None:
        """Once the first screen is drawn and settled (the editor's fields mounted), give it
        the keys kept meanwhile. Run as a worker, not in the app's own turn: keys that arrive
        while it waits are kept behind the others, never handled before them."""
        screen = self.screen
        if isinstance(screen, EditorScreen):
            # never holds the keys for good: a screen replaced meanwhile, or a mount that
            # does not come, lets them in all the same (at once, or after a second)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(screen.settled(), KEYS_WAIT_AT_MOST)
        early, self._early = self._early, None
        for event in early or ():
            again = events.Paste(event.text) if isinstance(event, events.Paste) \
                else events.Key(event.key, event.character)
            self.post_message(again)

    def on_unmount(self) -> None:
        heap.end()  # whatever screen the app ended on, collections as before it started
        if isinstance(self.stylesheet, KeptStylesheet):  # (Textual's own when it reloads CSS)
            self.stylesheet.keep()

    def on_mount(self) -> None:
        """SIGHUP (the terminal or SSH session went away) and SIGTERM: write every open plan's
        crash journal, then leave. Textual's driver handles neither (only SIGTSTP, SIGCONT and
        SIGWINCH), so these handlers are the only ones."""
        with contextlib.suppress(RuntimeError, NotImplementedError, ValueError):
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self.on_signal, sig)
        # the first screen is drawn: collections again (the editor settles again once its
        # form is filled: tui/heap.py), and the keys typed before it are let in
        self.call_after_refresh(heap.settle)
        self.call_after_refresh(lambda: self.run_worker(self._let_keys_in(), group="keys"))

    def editors(self) -> list[EditorScreen]:
        return [s for s in self.screen_stack if isinstance(s, EditorScreen)]

    def flush_journals(self) -> None:
        for editor in self.editors():
            editor.file.flush()

    def on_signal(self, sig: int) -> None:
        self.flush_journals()
        self.signalled = sig
        if sig == signal.SIGHUP:
            # the terminal is gone: nothing to restore on it, and writing to it may block.
            # The journals are on disk; the lock goes with the process, which ends by the
            # signal itself (its shell sees 129)
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
            return
        for editor in self.editors():
            editor.file.close()
        self.exit(return_code=128 + sig)

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run the editor; when SIGTERM ended it, end the process as the signal says (143)."""
        try:
            result = super().run(*args, **kwargs)
        finally:
            for editor in self.editors():  # kept when there is unsaved work
                editor.file.close()
        if self.signalled is not None:
            raise SystemExit(128 + self.signalled)
        return result

    def get_default_screen(self) -> Screen[None]:
        """The first screen is the bottom of the stack, not pushed over Textual's blank one: so
        it is laid out once at start-up, not again when the terminal's first size arrives."""
        if self.target and not Path(self.target).is_dir():
            return self.plan_screen(self.target)
        from .screens.picker import PickerScreen  # (only when it is shown)

        return PickerScreen(self.target or self.folder)

    # -- notices -----------------------------------------------------------------------------
    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """A notice at the top right, under the header: never over the filter line, the summary
        strip or the keys at the bottom. When the field being typed in is there (a form
        scrolled to it), the notice goes to the foot of the body instead, above those lines."""
        if self.screen_stack:
            self._place_notices(len(title) + len(message))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _place_notices(self, length: int) -> None:
        screen, (width, height) = self.screen, self.size
        cells = min(length + 4, int(width * NOTICE_SHARE))  # its text, border and padding
        focused = screen.focused
        low = focused is not None and not isinstance(focused, PlanTree) and \
            focused.region.overlaps(Region(width - cells, 1, cells, NOTICE_ROWS))
        body = next(iter(screen.query("#body")), None)
        below = height - body.region.bottom if body is not None and body.region else 1
        for rack in screen.query("ToastRack"):  # by its name, as cap.tcss styles it
            rack.set_class(low, "-low")
            rack.styles.margin = (0, 0, below, 0) if low else (1, 0, 0, 0)

    # -- opening -----------------------------------------------------------------------------
    def plan_screen(self, path: str) -> Screen[None]:
        """The editor on a plan, or the screen that says why it cannot be opened; for an empty
        file (or none), the screen that offers to start a plan there."""
        if is_blank(path):
            # (screens the editor's first paint does not show are imported when first shown)
            from .screens.start import StartPlanScreen

            return StartPlanScreen(path)
        try:
            doc, verified = Document.open_fast(path)
        except PlanError as exc:
            from .screens.dialogs import ProblemScreen

            return ProblemScreen(exc.problem)
        # on the recent plans list once the editor is drawn (it reads and writes a file)
        self.call_after_refresh(remember, path)
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
    def picker_under(self, screen: Screen[Any]) -> PickerScreen | None:
        """The picker a screen was opened from, if it was."""
        from .screens.picker import PickerScreen

        stack = self.screen_stack
        below = stack[:stack.index(screen)] if screen in stack else []
        return next((s for s in reversed(below) if isinstance(s, PickerScreen)), None)

    async def action_quit(self) -> None:
        """ctrl+q: close the plan shown, asking first when it has unsaved changes; back to the
        picker when the plan was opened from it, else out of cap."""
        editor = next((s for s in reversed(self.screen_stack) if isinstance(s, EditorScreen)),
                      None)
        picker = self.picker_under(editor) if editor is not None else None

        def leave(discard: bool = False) -> None:
            closing = self.editors() if picker is None else [
                e for e in self.editors() if self.picker_under(e) is picker]
            for e in closing:
                e.file.close(discard=discard)
            if picker is None:
                self.exit()
            else:
                picker.pop_until_active()

        if editor is None or not editor.doc.modified:
            leave()
            return

        def done(answer: str | None) -> None:
            if answer == "save":
                editor.action_save(then=leave)
            elif answer == "discard":
                leave(discard=True)

        from .screens.dialogs import ChoiceScreen

        name = Path(editor.doc.path).name
        going = "quitting" if picker is None else "closing it"
        self.push_screen(ChoiceScreen(f"Save your changes to {name} before {going}?", [
            ("save", "Save", "s"), ("discard", "Discard", "d"), ("cancel", "Cancel", "c")]),
            done)

    def action_help(self) -> None:
        """The keys of the screen shown: the picker's over the picker, else the editor's."""
        from .screens.help import HelpScreen
        from .screens.picker import PickerScreen

        if not isinstance(self.screen, HelpScreen):
            where = Scope.PICKER if isinstance(self.screen, PickerScreen) else Scope.EDITOR
            self.push_screen(HelpScreen(where))

    # -- the command palette: every command as "area: verb" ----------------------------------
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The commands of tui/bindings.py that run here, then the plan's own: a status to
        filter by, and "go:" to each action. Only cap's: none of Textual's own (screenshot,
        maximise, its key panel), whose words are not an officer's."""
        targets: dict[Scope, DOMNode] = {Scope.APP: self}
        if isinstance(screen, EditorScreen):
            targets[Scope.EDITOR] = screen
            targets[Scope.TREE] = screen.query_one(PlanTree)
        for entry in palette(set(targets)):
            yield SystemCommand(entry.title, escape(entry.help),
                                partial(self.run_action, entry.action, targets[entry.runs_on]))
        if not isinstance(screen, EditorScreen):
            return
        e = screen
        yield SystemCommand("plan: edit plan details",
                            "Council, title, as-of date, reporting point",
                            lambda: e.jump(e.plan.root, "council"))
        for key, st in e.plan.statuses.items():
            yield SystemCommand(f"filter: status {escape(safe(st.label))}",
                                f"Only actions with status {escape(safe(key))}",
                                lambda k=key: e.query_one(FilterLine).bar().only_status(k))
        for action in e.plan.actions():
            # the palette reads titles as markup: plan text is escaped so it shows as typed
            title = escape(safe(f"{action.id} {action.title}"))
            yield SystemCommand(f"go: {title}", "Jump to this action",
                                lambda a=action: e.jump(a, "progress"), discover=False)


def make_app(target: str | None = None, folder: str = "plans") -> CapApp:
    """Build the app: a plan file opens the editor; a folder (or none) opens the picker."""
    return CapApp(target, folder)
