"""The editor under faults and bad input: its crash journal, one editor per plan, files that are
not plans, a file changed on disk while open, and saving elsewhere. (A real process killed in a
terminal: test_crash_recovery.py.)"""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_fixtures import (
    ROOT,
    blaby,  # noqa: F401  (fixture)
    cap_data_dir,  # noqa: F401  (autouse fixture)
    dialog_text,
    editing,
    editor,
    field,
    find,
    go_to,
    notifications,
    pilot_test,
    screen_text,
    settle,
    synthetic_plan,
    type_at_end,
)

from cap_tui.core import journal as journals
from cap_tui.core.document import Document
from cap_tui.tui.app import make_app
from cap_tui.tui.heap import REFREEZE
from cap_tui.tui.screens.dialogs import ChoiceScreen, PromptScreen, TextScreen
from cap_tui.tui.screens.editor import EditorScreen


def colleague_sets(path: Path, node_id: str, key: str, value: object) -> None:
    """What `cap set` does: load, set one field, save."""
    doc = Document.load(path)
    node = next(n for n in doc.plan.nodes() if n.id == node_id)
    doc.set_field(node, key, value)
    doc.save()


async def until(pilot: Pilot, check, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.1)):
        if check():
            return
        await asyncio.sleep(0.1)
        await pilot.pause()
    assert check()


# -- 1. the crash journal --------------------------------------------------------------------
class TestJournal:
    @pilot_test
    async def test_edits_reach_the_journal_within_a_second_not_per_key(
            self, blaby: Path) -> None:  # noqa: F811
        async with editing(blaby) as pilot:
            screen = editor(pilot.app)
            journal = screen.file.journal
            assert journal is not None
            writes = []
            real_flush = journal.flush

            def counted() -> None:
                writes.append(journal.dirty)
                real_flush()

            journal.flush = counted  # type: ignore[method-assign]
            await type_at_end(pilot, "progress", " JOURNALLED")
            # typed: written in batches (every half second), never once per key
            await until(pilot, lambda: not journal.dirty, 1.5)
            assert 1 <= len(writes) < len(" JOURNALLED")
            recorded = journals.find(blaby)
            assert recorded is not None and len(recorded.ops) == len(" JOURNALLED")
            assert recorded.header.base == journals.digest(blaby.read_bytes())
            # a save starts the journal afresh: nothing unsaved, nothing to offer
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert journals.find(blaby) is None

    @pilot_test
    async def test_quit_discarding_removes_the_journal(self, blaby: Path) -> None:  # noqa: F811
        async with editing(blaby) as pilot:
            await type_at_end(pilot, "progress", " GONE")
            editor(pilot.app).file.flush()
            assert journals.find(blaby) is not None
            await pilot.press("ctrl+q")
            await settle(pilot)
            await pilot.press("d")
            await settle(pilot)
        assert journals.find(blaby) is None

    @pilot_test
    async def test_quit_unsaved_otherwise_keeps_it_and_later_keeps_it_read_only(
            self, blaby: Path) -> None:  # noqa: F811
        before = blaby.read_bytes()
        async with editing(blaby) as pilot:
            await type_at_end(pilot, "progress", " KEPT")
        assert journals.find(blaby) is not None  # the app ended without the officer's word
        async with editing(blaby) as pilot:
            await settle(pilot, 2)
            assert "1 unsaved edit" not in dialog_text(pilot.app)  # one per key: 5 edits
            assert "5 unsaved edits from" in dialog_text(pilot.app)
            await pilot.press("l")  # later
            await settle(pilot, 2)
            assert "read-only" in screen_text(pilot.app)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "file: save as" in notifications(pilot.app)[-1]
        assert blaby.read_bytes() == before
        assert journals.find(blaby) is not None  # still there for later

    @pilot_test
    async def test_show_changes_then_discard(self, blaby: Path) -> None:  # noqa: F811
        async with editing(blaby) as pilot:
            await type_at_end(pilot, "progress", " SHOWN")
        async with editing(blaby) as pilot:
            app = pilot.app
            await settle(pilot, 2)
            await pilot.press("s")
            await settle(pilot, 2)
            await until(pilot, lambda: "SHOWN" in screen_text(app))
            assert "COM-01" in screen_text(app)
            await pilot.press("escape")
            await settle(pilot, 2)
            assert isinstance(app.screen, ChoiceScreen)  # asked again
            await pilot.press("d")
            await settle(pilot)
            assert not editor(app).doc.modified
        assert journals.find(blaby) is None

    @pilot_test
    async def test_restore_over_a_changed_file_asks_and_loses_nothing(
            self, blaby: Path) -> None:  # noqa: F811
        async with editing(blaby) as pilot:
            await type_at_end(pilot, "progress", " MINE")
            await go_to(pilot, "COM-02")
            await type_at_end(pilot, "progress", " ALSO MINE")
        # meanwhile a colleague changed COM-01's progress in the file
        colleague_sets(blaby, "COM-01", "progress", "Theirs.")
        async with editing(blaby) as pilot:
            app = pilot.app
            await settle(pilot, 2)
            await pilot.press("r")
            await settle(pilot, 2)
            # COM-02 applied cleanly; COM-01 clashed: both values shown, the officer picks
            assert isinstance(app.screen, ChoiceScreen)
            question = dialog_text(app)
            assert "COM-01: progress was changed in the file and by you" in question
            assert "Theirs." in question and "MINE" in question
            await pilot.press("m")
            await settle(pilot, 2)
            assert find(app, "COM-01").data["progress"].endswith(" MINE")
            assert find(app, "COM-02").data["progress"].endswith(" ALSO MINE")
            await pilot.press("ctrl+s")
            await settle(pilot)
        text = blaby.read_text(encoding="utf-8")
        assert " MINE" in text and " ALSO MINE" in text and "Theirs." not in text


# -- 2. one editor at a time -----------------------------------------------------------------
class TestLock:
    @pilot_test
    async def test_a_plan_open_elsewhere_opens_read_only(self, blaby: Path) -> None:  # noqa: F811
        code = ("import sys, time\n"
                "from cap_tui.core.lock import EditLock\n"
                "lock = EditLock(sys.argv[1])\n"
                "assert lock.acquire() is None\n"
                "print('held', flush=True)\n"
                "time.sleep(60)\n")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        holder = subprocess.Popen([sys.executable, "-c", code, str(blaby)], env=env,
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            before = blaby.read_bytes()
            async with editing(blaby) as pilot:
                app = pilot.app
                await settle(pilot, 2)
                note = next(n for n in notifications(app) if "another cap" in n)
                assert note.startswith("blaby-2024-25.toml is open in another cap: ")
                assert f"(process {holder.pid}, since" in note and "opened read-only" in note
                assert "read-only" in screen_text(app).splitlines()[0]
                await type_at_end(pilot, "progress", " NOT WRITTEN")
                await pilot.press("ctrl+s")
                await settle(pilot)
                assert "Not saved" in screen_text(app) or "open in another cap" in \
                    notifications(app)[-1]
                assert editor(app).file.journal is None  # the holder's journal is theirs
            assert blaby.read_bytes() == before
        finally:
            holder.kill()
            holder.wait()
        # the holder gone, the lock is free again at once
        async with editing(blaby) as pilot:
            await settle(pilot)
            assert editor(pilot.app).file.read_only is None

    @pilot_test
    async def test_the_lock_is_released_on_quit(self, blaby: Path) -> None:  # noqa: F811
        from cap_tui.core.lock import EditLock

        async with editing(blaby) as pilot:
            assert editor(pilot.app).file.lock is not None
            assert EditLock(blaby).acquire() is not None  # held by the editor
            await pilot.press("ctrl+q")
            await settle(pilot)
        other = EditLock(blaby)
        assert other.acquire() is None
        other.release()


# -- 3. only plans are written ---------------------------------------------------------------
class TestNotAPlan:
    @pilot_test
    async def test_pyproject_opens_read_only_and_is_never_written(
            self, tmp_path: Path) -> None:
        target = tmp_path / "pyproject.toml"
        target.write_bytes((ROOT / "pyproject.toml").read_bytes())
        before = target.read_bytes()
        async with editing(target) as pilot:
            app = pilot.app
            await settle(pilot, 2)
            assert any(n.startswith("pyproject.toml is not a cap plan: it has no [plan] table "
                                    "(it has [build-system], [project]") for n in
                       notifications(app))
            assert "read-only" in screen_text(app)
            await pilot.press("a")
            await settle(pilot, 2)
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert target.read_bytes() == before

    @pilot_test
    async def test_extra_tables_open_read_only(self, tmp_path: Path) -> None:
        target = tmp_path / "mixed.toml"
        target.write_text('[plan]\ntitle = "x"\n\n[tool]\nname = "y"\n', encoding="utf-8")
        before = target.read_bytes()
        async with editing(target) as pilot:
            await settle(pilot, 2)
            assert any("besides [plan] and its themes it has [tool]" in n
                       for n in notifications(pilot.app))
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert target.read_bytes() == before

    @pilot_test
    async def test_an_empty_file_offers_a_new_plan(self, tmp_path: Path) -> None:
        target = tmp_path / "new.toml"
        target.write_bytes(b"")
        async with editing(target) as pilot:
            app = pilot.app
            await settle(pilot, 2)
            assert isinstance(app.screen, PromptScreen)
            assert target.read_bytes() == b""  # nothing yet
            for key, value in (("council", "Test Council"), ("title", "Our Plan"),
                               ("period", "2025-26")):
                app.screen.query_one(f"#prompt-{key}", Input).value = value
            app.screen.query_one("#prompt-period", Input).focus()
            await pilot.press("enter")
            await settle(pilot, 2)
            assert isinstance(app.screen, EditorScreen)
            assert editor(app).plan.title == "Our Plan"
        text = target.read_text(encoding="utf-8")
        assert text.startswith('[plan]\ncouncil = "Test Council"\ntitle = "Our Plan"\n'
                               'period = "2025-26"\nas_of = ')

    @pilot_test
    async def test_a_missing_file_cancelled_writes_nothing(self, tmp_path: Path) -> None:
        target = tmp_path / "none.toml"
        async with editing(target) as pilot:
            app = pilot.app
            await settle(pilot, 2)
            assert isinstance(app.screen, PromptScreen)
            await pilot.press("escape")
            await settle(pilot)
            assert any(n == f"Nothing was written to {target}" for n in notifications(app))
        assert not target.exists()


# -- 4. changed on disk while working --------------------------------------------------------
class TestChangedOnDisk:
    @pilot_test
    async def test_reload_keeps_both_changes(self, blaby: Path) -> None:  # noqa: F811
        async with editing(blaby) as pilot:
            app = pilot.app
            await type_at_end(pilot, "progress", " OFFICER")
            colleague_sets(blaby, "COM-02", "progress", "Colleague's progress.")
            await until(pilot, lambda: any("changed on disk — r reloads keeping your edits" in n
                                           for n in notifications(app)), 5)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot, 2)
            assert find(app, "COM-01").data["progress"].endswith(" OFFICER")
            assert find(app, "COM-02").data["progress"] == "Colleague's progress."
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not editor(app).doc.modified
        text = blaby.read_text(encoding="utf-8")
        assert " OFFICER" in text and "Colleague's progress." in text

    @pilot_test
    async def test_a_clash_shows_both_values_and_theirs_can_win(
            self, blaby: Path) -> None:  # noqa: F811
        async with editing(blaby) as pilot:
            app = pilot.app
            await type_at_end(pilot, "progress", " OFFICER")
            colleague_sets(blaby, "COM-01", "progress", "Colleague's progress.")
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot, 2)
            question = dialog_text(app)
            assert "In the file:  Colleague's progress." in question
            assert "Yours:" in question and "OFFICER" in question
            await pilot.press("t")
            await settle(pilot, 2)
            assert find(app, "COM-01").data["progress"] == "Colleague's progress."
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert "OFFICER" not in blaby.read_text(encoding="utf-8")

    @pilot_test
    async def test_an_edit_of_a_node_deleted_outside_is_listed(
            self, blaby: Path) -> None:  # noqa: F811
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            await type_at_end(pilot, "progress", " ORPHAN")
            doc = Document.load(blaby)
            doc.delete(next(n for n in doc.plan.nodes() if n.id == "COM-02"))
            doc.save()
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot, 2)
            assert isinstance(app.screen, TextScreen | ChoiceScreen)
            assert "COM-02" in screen_text(app)


# -- 5. save as ------------------------------------------------------------------------------
class TestSaveAs:
    @pilot_test
    async def test_save_as_writes_a_copy(self, blaby: Path, tmp_path: Path) -> None:  # noqa: F811
        before = blaby.read_bytes()
        copy = tmp_path / "copy.toml"
        async with editing(blaby) as pilot:
            app = pilot.app
            await type_at_end(pilot, "progress", " COPIED")
            editor(app).action_save_as()
            await settle(pilot)
            assert isinstance(app.screen, PromptScreen)
            app.screen.query_one("#prompt-path", Input).value = str(copy)
            app.screen.query_one("#prompt-path", Input).focus()
            await pilot.press("enter")
            await settle(pilot)
            assert notifications(app)[-1].startswith(f"Saved your version as {copy}")
        assert blaby.read_bytes() == before
        assert " COPIED" in copy.read_text(encoding="utf-8")

    @pilot_test
    async def test_a_failed_save_offers_save_as(self, blaby: Path,  # noqa: F811
                                                monkeypatch: pytest.MonkeyPatch) -> None:
        from cap_tui.core import document
        from cap_tui.core.fileio import SaveError

        def full(target: object, data: bytes, **kwargs: object) -> None:
            raise SaveError(f"cannot write {target}: No space left on device")

        before = blaby.read_bytes()
        monkeypatch.setattr(document, "write_atomic", full)
        async with editing(blaby) as pilot:
            app = pilot.app
            await type_at_end(pilot, "progress", " UNSAVED")
            await pilot.press("ctrl+s")
            await settle(pilot)
            note = notifications(app)[-1]
            assert "No space left on device" in note
            assert note.endswith("ctrl+p file: save as writes your version elsewhere")
            assert editor(app).doc.modified
            assert editor(app).file.journal is not None
        assert blaby.read_bytes() == before
        assert journals.find(blaby) is not None  # the work is kept for the next start

    def test_save_as_is_in_the_palette(self) -> None:
        from cap_tui.tui.bindings import Scope, palette

        titles = [e.title for e in palette({Scope.APP, Scope.EDITOR, Scope.TREE})]
        assert "file: save as" in titles and "file: reload" in titles


# -- the heap: what is loaded is left out of garbage collections --------------------------------
@pilot_test
async def test_the_open_plan_is_left_out_of_collections_and_a_reloaded_one_is_not(
        blaby: Path) -> None:  # noqa: F811
    import gc

    async with editing(blaby) as pilot:
        await settle(pilot, 2)
        screen = editor(pilot.app)
        node = next(screen.plan.actions())
        assert gc.get_freeze_count() > 0
        assert not any(o is node for o in gc.get_objects())  # frozen: no collection walks it
        colleague_sets(blaby, "ENV-01", "lead", "Someone Else")
        await screen.file.reload()  # as `r` does, once told the file changed on disk
        await settle(pilot, 2)
        assert gc.get_freeze_count() == 0  # the replaced plan can be collected
        assert any(o is node for o in gc.get_objects())
        await pilot.pause(REFREEZE + 0.5)
        assert gc.get_freeze_count() > 0  # and what stays is left out again
        fresh = next(screen.plan.actions())
        assert fresh is not node and not any(o is fresh for o in gc.get_objects())


# -- a large plan's check runs beside the editor -------------------------------------------------
@pilot_test
async def test_a_large_plan_read_quickly_is_checked_in_another_process_and_a_bad_one_not_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a large plan (read by rtoml) with a TOML 1.1 escape (`\e`) in a string, which
    # rtoml reads and TOML 1.0 (tomllib, every other cap command) does not allow
    target = synthetic_plan(tmp_path, 800)
    text = target.read_text(encoding="utf-8").replace('lead = "', 'lead = "\\e', 1)
    target.write_text(text, encoding="utf-8")
    before = target.read_bytes()
    started: list[tuple[object, ...]] = []
    spawn = asyncio.create_subprocess_exec

    async def spy(*args: object, **kwargs: object) -> object:
        started.append(args)
        return await spawn(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(asyncio, "create_subprocess_exec", spy)
    async with editing(target) as pilot:
        # WHEN the editor is up, its check (tomllib, a second or so) runs beside it
        for _ in range(100):
            if any("not valid TOML" in n for n in notifications(pilot.app)):
                break
            await pilot.pause(0.1)
        # THEN it was a process of its own, and it names the problem
        assert any("cap_tui.core.verify" in args for args in started)
        note = next(n for n in notifications(pilot.app) if "not valid TOML" in n)
        assert "Saving is off until the file is fixed and reopened" in note
        # AND a save is refused, saying why
        await type_at_end(pilot, "title", " X")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "not saved" in notifications(pilot.app)[-1]
    assert target.read_bytes() == before


@pytest.mark.parametrize("bad", [True, False], ids=["not-valid-toml", "valid"])
@pilot_test
async def test_a_save_before_a_large_plans_check_has_finished_waits_for_it(
        tmp_path: Path, bad: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from cap_tui.tui.screens import plan_file

    # the check (a second or so at 5,000 actions) held until the test lets it go
    gate = asyncio.Event()
    check = plan_file._verified_elsewhere

    async def held_check(doc: Document) -> str | None:
        await gate.wait()
        return await check(doc)

    monkeypatch.setattr(plan_file, "_verified_elsewhere", held_check)
    # GIVEN a large plan, with a TOML 1.1 escape (read by rtoml, not by tomllib) or without
    target = synthetic_plan(tmp_path, 800)
    if bad:
        text = target.read_text(encoding="utf-8").replace('lead = "', 'lead = "\\e', 1)
        target.write_text(text, encoding="utf-8")
    before = target.read_bytes()
    app = make_app(str(target))
    async with app.run_test() as pilot:
        # WHEN the officer edits and saves as soon as the editor is up
        # (no `settle` here: it waits for the check, held)
        await pilot.pause()
        title = field(app, "title")
        title.focus()
        await pilot.pause()
        await pilot.press("end", "space", "X", "ctrl+s")
        await pilot.pause()
        # THEN nothing is written until the file's check has finished, and the editor says so
        assert target.read_bytes() == before
        assert "Saving once the file's check has finished" in notifications(app)[-1]
        gate.set()
        for _ in range(100):
            if not editor(app).file.checking:
                break
            await pilot.pause(0.1)
        await settle(pilot)
        if bad:  # AND then a file that does not read as cap read it is not saved
            assert "not saved" in notifications(app)[-1]
            assert target.read_bytes() == before
        else:  # AND a good one is saved, with the edit
            assert not editor(app).doc.modified
            assert target.read_bytes() != before and b" X\"" in target.read_bytes()


def test_the_check_run_as_a_process_reads_the_bytes_it_is_given(tmp_path: Path) -> None:
    good = b'[plan]\ntitle = "A"\n'
    bad = b'[plan]\ntitle = "A\x01"\n'
    for raw, verdict in ((good, ""), (bad, "not valid TOML")):
        run = subprocess.run([sys.executable, "-m", "cap_tui.core.verify", "plan.toml"],
                             input=raw, capture_output=True, check=True)
        assert verdict in run.stdout.decode() and (verdict or not run.stdout)
