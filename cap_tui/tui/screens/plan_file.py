"""The file an editor screen has open: its crash journal, its edit lock, saving it (asking first
when it changed on disk), reloading it with the officer's edits kept, saving a copy elsewhere,
and checking a plan that was opened quickly.

Nothing the officer typed is lost: every edit goes to a journal (core/journal.py), written to disk
within half a second of being made and at once on SIGHUP or SIGTERM; opening the plan again offers
to restore it. A reload replays the officer's edits on the new version of the file, and asks
about each field changed on both sides.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ...core.document import Document, EditError
from ...core.edit.ops import SetField
from ...core.fileio import file_identity
from ...core.lock import EditLock, Locked, write_lock
from ...core.planfile import not_a_plan
from ...core.problems import PlanError
from ...core.replay import Replayed, clash_values, decode_ops, describe, replay, squash
from ...core.words import plural
from ...render.terminal import safe
from ..widgets.header import PlanHeader

if TYPE_CHECKING:
    from ...core.journal import Journal, Recorded
    from .editor import EditorScreen

FLUSH_EVERY = 0.5  # seconds: the journal is on disk within this of an edit
POLL_EVERY = 2.0  # seconds between looks at the file's identity (a stat)
SAVE_AS_HINT = "ctrl+p file: save as writes your version elsewhere"


class PlanFile:
    """Saves and reloads the plan of one editor screen, and keeps its journal and lock. Talks
    to the officer through that screen: its notifications and dialogs."""

    def __init__(self, screen: EditorScreen) -> None:
        self.screen = screen
        self.journal: Journal | None = None
        self.lock: EditLock | None = None  # kept for the editor's life: filelock lets go on GC
        self.read_only: str | None = None  # why this editor does not write the plan
        self._identity: tuple[int, int, int, int] | None = None
        self._warned: tuple[int, int, int, int] | None = None
        self.started = False
        self.closed = False
        # a large plan's check (verify_later) not yet finished: a save waits for it
        self.checking = False
        self._after_check: Callable[[], object] | None = None

    @property
    def doc(self) -> Document:
        return self.screen.doc

    # -- opening -----------------------------------------------------------------------------
    def start(self) -> None:
        """Once the screen is mounted: is this a plan, is it ours to write, was work left?"""
        if self.started:
            return
        self.started = True
        doc = self.doc
        name = Path(doc.path).name
        self._identity = file_identity(doc.path)
        self.screen.set_interval(POLL_EVERY, self.poll)
        reason = not_a_plan(name, doc.plan.data)
        if reason is None:
            lock = EditLock(doc.path)
            try:
                holder = lock.acquire()
            except OSError as exc:  # no state folder to write to: say so, edit anyway
                holder = None
                self.screen.notify(f"cap cannot keep its lock or crash journal: {exc}",
                                   severity="warning", markup=False)
                lock = None  # type: ignore[assignment]
            if holder is not None:
                reason = (f"{name} is open in another cap: {holder.describe()}; "
                          "opened read-only")
            else:
                self.lock = lock
        if reason is not None:
            self.set_read_only(reason)
            return
        recorded = self._recorded()
        with contextlib.suppress(OSError):
            self.attach(doc)
        self.screen.set_interval(FLUSH_EVERY, self.flush)
        if recorded is not None:
            self.screen.call_after_refresh(self.offer_recovery, recorded)

    def set_read_only(self, reason: str) -> None:
        self.read_only = reason
        self.doc.unsafe = reason
        self.screen.notify(reason, title="Read-only", severity="warning", timeout=15,
                           markup=False)
        header = self.screen.query_one(PlanHeader)
        header.read_only = True
        header.show(self.screen.plan, self.doc.modified)

    def _recorded(self) -> Recorded | None:
        if self.lock is None:
            return None
        from ...core import journal  # (hashlib, json): not before the first paint

        try:
            return journal.find(self.doc.path)
        except OSError:
            return None

    # -- the crash journal -------------------------------------------------------------------
    def attach(self, doc: Document) -> None:
        """Journal every edit of `doc`, against the bytes it was read from."""
        if self.lock is None:
            return
        if self.journal is None:
            from ...core.journal import Journal

            self.journal = Journal(doc.path, doc.source.raw)
        else:
            self.journal.rebase(doc.source.raw)
        journal = self.journal
        for op in doc.history:  # edits made before the journal was started (keys typed as the
            journal.append(op.to_json())  # editor opened), so that none is only in memory
        doc.on_applied = lambda op: journal.append(op.to_json())

    def flush(self) -> None:
        """Write the journal's pending edits (every half second, and on SIGHUP or SIGTERM)."""
        journal = self.journal
        if journal is not None and journal.dirty:
            try:
                journal.flush()
            except OSError as exc:
                self.screen.notify(f"cap cannot write its crash journal: {exc}",
                                   severity="error", markup=False)

    def close(self, discard: bool = False) -> None:
        """The editor is closing: keep the journal while there is unsaved work (unless the
        officer discarded it), and let go of the lock."""
        if self.closed:
            return
        self.closed = True
        journal = self.journal
        if journal is not None:
            try:
                if discard or not self.doc.modified:
                    journal.discard()
                else:
                    journal.close()
            except OSError:
                pass
        if self.lock is not None:
            self.lock.release()

    # -- restoring after a crash -------------------------------------------------------------
    def offer_recovery(self, recorded: Recorded) -> None:
        n = len(recorded.ops)
        question = Text(f"{plural(n, 'unsaved edit')} from "
                        f"{recorded.header.started} were found for this plan "
                        f"({Path(self.doc.path).name}).\n"
                        "Restore them, see what they change, discard them, or decide later "
                        "(the plan then opens read-only and they are kept).")

        def done(answer: str | None) -> None:
            if answer == "restore":
                self.restore(recorded)
            elif answer == "show":
                self.show_recovery(recorded)
            elif answer == "discard":
                self._drop(recorded)
                self.screen.notify("The unsaved edits were discarded", markup=False)
            else:  # later, or escape
                self.journal = None
                self.doc.on_applied = None
                self.set_read_only(f"{Path(self.doc.path).name}: unsaved edits from "
                                   f"{recorded.header.started} are kept for later; reopen the "
                                   "plan to restore or discard them. Opened read-only")

        from .dialogs import ChoiceScreen
        self.screen.app.push_screen(ChoiceScreen(question, [
            ("restore", "Restore", "r"), ("show", "Changes", "s"),
            ("discard", "Discard", "d"), ("later", "Later", "l")]), done)

    @staticmethod
    def _drop(recorded: Recorded) -> None:
        with contextlib.suppress(OSError):
            recorded.file.unlink()

    def show_recovery(self, recorded: Recorded) -> None:
        """The file against the file with the edits restored, as `cap diff` says it; then ask
        again."""
        from .review import ReportScreen, restored_changes

        doc = self.doc
        self.screen.app.push_screen(
            ReportScreen("Unsaved edits found: what restoring them changes (escape closes)",
                         lambda w: restored_changes(doc, recorded.ops, w)),
            lambda _: self.offer_recovery(recorded))

    def restore(self, recorded: Recorded) -> None:
        doc = self.doc
        ops, bad = decode_ops(recorded.ops)
        result = replay(doc, squash(ops))
        kept = ""
        if result.failed or bad:  # the journal is about to be replaced: keep a copy
            copy = recorded.file.with_name(
                f"{recorded.file.stem}.kept-{time.strftime('%Y%m%d-%H%M%S')}.json")
            try:
                shutil.copyfile(recorded.file, copy)
                kept = f"\nThe journal is kept as {copy}."
            except OSError:
                pass
        elif self.journal is not None and not result.applied:
            self._drop(recorded)
        self.flush()
        self.screen.restructured(self.screen.current)
        self.screen.notify(f"Restored {plural(result.applied, 'edit')}"
                           + (f"; {len(result.failed) + len(bad)} did not apply"
                              if result.failed or bad else ""), markup=False)
        self.ask_clashes(result, extra=bad, kept=kept)

    # -- clashes: the officer picks -----------------------------------------------------------
    def ask_clashes(self, result: Replayed, extra: list[str] | None = None,
                    kept: str = "") -> None:
        """For each field changed both in the file and by the officer: keep which? Then list
        whatever else did not apply."""
        clashes = [r for r in result.failed if clash_values(r) is not None]
        others = [describe(r) for r in result.failed if clash_values(r) is None]
        others += list(extra or [])

        def finish() -> None:
            if others:
                body = Text("\n".join(f"• {safe(line)}" for line in others) + kept)
                from .dialogs import TextScreen
                self.screen.app.push_screen(TextScreen(
                    "These edits did not apply (the plan changed under them)", body))

        def ask(i: int) -> None:
            if i >= len(clashes):
                finish()
                return
            r = clashes[i]
            op = r.op
            assert isinstance(op, SetField)
            values = clash_values(r)
            assert values is not None
            theirs, mine = values
            question = Text()
            question.append(f"{op.ref}: {op.key} was changed in the file and by you "
                            f"({i + 1} of {len(clashes)}).\n\n", style="bold")
            question.append("In the file:  ")
            question.append(_shown(theirs) + "\n")
            question.append("Yours:        ")
            question.append(_shown(mine))

            def chosen(answer: str | None) -> None:
                if answer == "mine":
                    self._take_mine(op, theirs)
                ask(i + 1)

            from .dialogs import ChoiceScreen
            self.screen.app.push_screen(ChoiceScreen(question, [
                ("mine", "Keep mine", "m"), ("theirs", "Keep the file's", "t")]), chosen)

        ask(0)

    def _take_mine(self, op: SetField, theirs: Any) -> None:
        r = self.doc.apply(SetField(op.ref, op.key, op.value, theirs))
        if r.ok and r.node is not None:
            self.screen.after_edit(r.node, op.key)
            if r.node is self.screen.current:
                self.screen.current = r.node
        elif not r.ok:
            self.screen.notify(f"Not set: {r.reason}", severity="error", markup=False)

    # -- saving ------------------------------------------------------------------------------
    def save(self, then: Callable[[], object] | None = None) -> None:
        """Save; `then` runs once the file is saved (quitting after "Save" does that). With no
        change to save, writes nothing and says so (read-only: says why it would not)."""
        if not self.doc.modified and self.read_only is None:
            self._nothing_to_save()
            if then is not None:
                then()
            return
        if self.checking:  # the file may not read as cap read it: save once that is known
            self._after_check = lambda: self.save(then)
            self.screen.notify("Saving once the file's check has finished (a second or so)",
                               markup=False)
            return
        if self.read_only is None and self.doc.changed_on_disk():
            question = Text(f"{self.doc.path} has changed on disk since you opened it.\n"
                            "Overwrite it with your version, or reload it keeping your edits "
                            "(you choose where both changed the same field)?")

            def done(answer: str | None) -> None:
                if answer == "overwrite":
                    if self.save_now() and then is not None:
                        then()
                elif answer == "reload":
                    self.screen.call_later(self.reload)

            from .dialogs import ChoiceScreen
            self.screen.app.push_screen(ChoiceScreen(question, [
                ("cancel", "Cancel", "c"), ("overwrite", "Overwrite", "o"),
                ("reload", "Reload", "r")]), done)
            return
        if self.save_now() and then is not None:
            then()

    def _nothing_to_save(self) -> None:
        name = Path(self.doc.path).name
        if self.doc.changed_on_disk():
            self.screen.notify(f"Nothing to save: you have changed nothing, but {name} has "
                               "changed on disk (r reloads it)", markup=False)
        else:
            self.screen.notify(f"Nothing to save: {name} is as on disk", markup=False)

    def save_now(self) -> bool:
        screen, doc = self.screen, self.doc
        try:
            # the same write lock as cap set's read-modify-write: never rename over one mid-save
            with write_lock(doc.path, wait=10):
                doc.save()
        except Locked as exc:
            screen.notify(f"Not saved: {exc}\n{SAVE_AS_HINT}", severity="error", timeout=15,
                          markup=False)
            return False
        except EditError as exc:
            screen.notify(f"Not saved: {exc}\n{SAVE_AS_HINT}", severity="error", timeout=15,
                          markup=False)
            return False
        except OSError as exc:
            screen.notify(f"Cannot save {doc.path}: {exc.strerror or exc}\n{SAVE_AS_HINT}",
                          severity="error", timeout=15, markup=False)
            return False
        self._identity = file_identity(doc.path)
        if self.journal is not None:
            with contextlib.suppress(OSError):
                self.journal.rebase(doc.to_bytes())
        errors, _ = screen.live.counts()
        note = f" ({errors} errors remain: p lists them)" if errors else ""
        screen.notify(f"Saved {Path(doc.path).name}{note}", markup=False)
        screen.query_one(PlanHeader).show(screen.plan, doc.modified)
        return True

    def save_as(self) -> None:
        """Ask for a path and write the plan as edited there; the plan open stays as it is."""
        doc = self.doc
        start = str(Path(doc.path).with_name(Path(doc.path).stem + "-copy.toml"))

        def done(values: dict[str, str] | None) -> None:
            if not values or not values.get("path"):
                return
            target = Path(values["path"]).expanduser()
            if target.resolve() == Path(doc.path).resolve():
                self.save()
                return
            if target.exists():
                self.screen.notify(f"{target} exists already: not overwritten; choose another "
                                   "name", severity="error", markup=False)
                return
            unsafe = doc.unsafe
            if unsafe == self.read_only:  # read-only here (locked, not a plan): a copy is fine
                doc.unsafe = None
            try:
                doc.save(target)
            except (EditError, OSError) as exc:
                self.screen.notify(f"Not saved as {target}: {exc}", severity="error",
                                   markup=False)
                return
            finally:
                doc.unsafe = unsafe
            self.screen.notify(f"Saved your version as {target}; {Path(doc.path).name} is "
                               "unchanged", markup=False)

        from .dialogs import PromptScreen
        self.screen.app.push_screen(PromptScreen("Save your version of the plan as:",
                                                 [("path", "Path", start)], "Save"), done)

    # -- the file changing on disk -----------------------------------------------------------
    def poll(self) -> None:
        """A stat every two seconds; when the file changed, say so (once per change)."""
        ident = file_identity(self.doc.path)
        if ident == self._identity or ident == self._warned:
            return
        self._warned = ident
        if not self.doc.changed_on_disk():
            self._identity = ident
            return
        self.screen.notify(f"{Path(self.doc.path).name} changed on disk — r reloads keeping "
                           "your edits", severity="warning", timeout=20, markup=False)

    async def reload(self) -> None:
        """The plan as it now is on disk, with the officer's unsaved edits replayed on it; where
        both changed one field the officer picks."""
        old = self.doc
        try:
            doc = Document.load(old.path)
        except PlanError as exc:  # their version stays underneath, unsaved, until they quit
            from .dialogs import ProblemScreen
            self.screen.app.push_screen(ProblemScreen(exc.problem))
            return
        mine = squash(list(old.history))
        self.attach(doc)
        if self.read_only is not None:
            doc.unsafe = self.read_only
        result = replay(doc, mine)
        old.on_applied = None
        del old  # nothing keeps the replaced plan: collected before the new one is frozen
        self._identity = self._warned = file_identity(doc.path)
        self.flush()
        await self.screen.reopen(doc)
        kept = f", keeping {result.applied} of your edits" if mine else ""
        self.screen.notify(f"Reloaded {Path(doc.path).name} from disk{kept}", markup=False)
        self.ask_clashes(result)

    # -- large plans -------------------------------------------------------------------------
    def verify_later(self) -> None:
        """Check a quickly-read large plan with tomllib, once the screen is up, in a process of
        its own (core/verify.py): in a thread it held Python's lock for a second or more, and
        each key typed meanwhile waited for it. Where no process can be started, in a thread.
        A save asked for meanwhile waits for the verdict (`save`)."""
        self.checking = True
        self.screen.call_after_refresh(lambda: self.screen.run_worker(
            self._verify(), exclusive=True, group="verify"))

    async def _verify(self) -> None:
        doc = self.doc
        try:
            problem = await _verified_elsewhere(doc)
        except OSError:
            problem = await asyncio.to_thread(doc.verify)
        if problem is not None and doc is self.doc:  # (not a plan reloaded meanwhile)
            self._unsafe(doc, problem)
        self.checking = False
        waiting, self._after_check = self._after_check, None
        if waiting is not None:
            waiting()

    def _unsafe(self, doc: Document, problem: str) -> None:
        doc.unsafe = f"not saved: {problem}"
        self.screen.notify(f"{problem}\nSaving is off until the file is fixed and reopened.",
                           title="This file does not read as cap read it", severity="error",
                           timeout=30, markup=False)


async def _verified_elsewhere(doc: Document) -> str | None:
    """`doc.verify()`, run by `python -m cap_tui.core.verify` on the bytes the editor read.
    OSError when it could not be run or could not check."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cap_tui.core.verify", doc.path,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await proc.communicate(doc.source.raw)
    except asyncio.CancelledError:  # the editor closed first
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        raise
    if proc.returncode != 0:
        raise OSError(f"the check could not run: {err.decode(errors='replace')[-300:]}")
    return out.decode(errors="replace") or None


def _shown(value: Any) -> str:
    from ...core.edit.ops import ABSENT

    if value is ABSENT:
        return "(no value)"
    text = safe(str(value))
    return text if len(text) <= 400 else text[:399] + "…"
