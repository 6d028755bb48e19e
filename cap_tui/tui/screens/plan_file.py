"""The file an editor screen has open: saving it (asking first when it changed on disk),
reloading it, and checking a plan that was opened quickly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from ...core.document import Document, EditError
from ...core.problems import PlanError
from ..widgets.header import PlanHeader
from .dialogs import ChoiceScreen, ProblemScreen

if TYPE_CHECKING:
    from .editor import EditorScreen


class PlanFile:
    """Saves and reloads the plan of one editor screen. Talks to the officer through that
    screen: its notifications and dialogs."""

    def __init__(self, screen: EditorScreen) -> None:
        self.screen = screen

    @property
    def doc(self) -> Document:
        return self.screen.doc

    def save(self, then: Callable[[], object] | None = None) -> None:
        """Save; `then` runs once the file is saved (quitting after "Save" does that)."""
        if self.doc.changed_on_disk():
            question = Text(f"{self.doc.path} has changed on disk since you opened it.\n"
                            "Overwrite it with your version, or reload it (dropping your "
                            "changes)?")

            def done(answer: str | None) -> None:
                if answer == "overwrite":
                    if self.save_now() and then is not None:
                        then()
                elif answer == "reload":
                    self.screen.call_later(self.reload)

            self.screen.app.push_screen(ChoiceScreen(question, [
                ("cancel", "Cancel", "c"), ("overwrite", "Overwrite", "o"),
                ("reload", "Reload", "r")]), done)
            return
        if self.save_now() and then is not None:
            then()

    def save_now(self) -> bool:
        screen, doc = self.screen, self.doc
        try:
            doc.save()
        except EditError as exc:
            screen.notify(str(exc), title="Not saved", severity="error", markup=False)
            return False
        except OSError as exc:
            screen.notify(f"Cannot save {doc.path}: {exc.strerror or exc}",
                          severity="error", markup=False)
            return False
        errors, _ = screen.live.counts()
        note = f" ({errors} errors remain: p lists them)" if errors else ""
        screen.notify(f"Saved {Path(doc.path).name}{note}", markup=False)
        screen.query_one(PlanHeader).show(screen.plan, doc.modified)
        return True

    async def reload(self) -> None:
        """Show the plan as it now is on disk: the officer chose to drop their changes."""
        try:
            doc = Document.load(self.doc.path)
        except PlanError as exc:  # their version stays underneath, unsaved, until they quit
            self.screen.app.push_screen(ProblemScreen(exc.problem))
            return
        await self.screen.reopen(doc)
        self.screen.notify(f"Reloaded {Path(doc.path).name} from disk", markup=False)

    def verify_later(self) -> None:
        """Check a quickly-read large plan with tomllib, a second from now, off the UI thread."""
        self.screen.set_timer(1.0, lambda: self.screen.run_worker(
            self._verify, thread=True, exclusive=True, group="verify"))

    def _verify(self) -> None:
        doc = self.doc
        problem = doc.verify()
        if problem is not None:
            self.screen.app.call_from_thread(self._unsafe, doc, problem)

    def _unsafe(self, doc: Document, problem: str) -> None:
        doc.unsafe = f"not saved: {problem}"
        self.screen.notify(f"{problem}\nSaving is off until the file is fixed and reopened.",
                           title="This file does not read as cap read it", severity="error",
                           timeout=30, markup=False)
