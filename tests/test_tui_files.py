"""Opening files: the picker, the recent list, and plans that cannot be read."""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.
# ruff: noqa: F811

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from textual.widgets import OptionList
from tui_fixtures import (
    BLABY,
    DATA_TUI,
    ROOT,
    cap_data_dir,  # noqa: F401  (autouse fixture)
    editor,
    pilot_test,
    screen_text,
    settle,
    widget_text,
)

from cap_tui.tui.app import make_app
from cap_tui.tui.screens.dialogs import ProblemScreen
from cap_tui.tui.screens.editor import EditorScreen
from cap_tui.tui.screens.picker import PickerScreen


def problem_text(app) -> str:
    return widget_text(app.screen.query_one("#problem-text"))


class TestUnreadableFile:
    """A file that is not TOML (or not UTF-8) gets a plain message: file, line, problem."""

    @pilot_test
    async def test_a_toml_syntax_error(self, tmp_path: Path) -> None:
        # GIVEN a plan with an unclosed string on line 16
        bad = tmp_path / "broken.toml"
        shutil.copyfile(DATA_TUI / "broken.toml", bad)
        app = make_app(str(bad))
        async with app.run_test() as pilot:
            await settle(pilot)
            # THEN cap names the file, the line and column, and the problem
            assert isinstance(app.screen, ProblemScreen)
            text = problem_text(app)
            assert text.startswith("This plan cannot be opened\n")
            assert f"File:    {bad}\n" in text
            assert "Where:   line 16, column 29\n" in text
            assert "Problem: not valid TOML: illegal character" in text
            assert "Traceback" not in screen_text(app)
            # WHEN escape: opened from the command line, there is nothing to go back to
            await pilot.press("escape")
            await settle(pilot, 2)
            assert not app.is_running
        assert bad.read_bytes() == (DATA_TUI / "broken.toml").read_bytes()

    @pilot_test
    async def test_a_file_that_is_not_utf8(self, tmp_path: Path) -> None:
        bad = tmp_path / "latin1.toml"
        bad.write_bytes(b'[plan]\ncouncil = "Caf\xe9 District Council"\n')
        app = make_app(str(bad))
        async with app.run_test() as pilot:
            await settle(pilot)
            text = problem_text(app)
            assert f"File:    {bad}\n" in text
            assert "Where:   line 2, column 15\n" in text
            assert "not UTF-8" in text
            await pilot.press("q")
            await settle(pilot)
            assert not app.is_running

    @pilot_test
    async def test_from_the_picker_escape_goes_back_to_a_usable_picker(
            self, tmp_path: Path) -> None:
        # GIVEN a folder with a broken plan and a good one
        shutil.copyfile(DATA_TUI / "broken.toml", tmp_path / "a-broken.toml")
        shutil.copyfile(BLABY, tmp_path / "b-blaby.toml")
        app = make_app(str(tmp_path))
        async with app.run_test() as pilot:
            await settle(pilot)
            # THEN the picker already says which one cannot be read, and where
            assert isinstance(app.screen, PickerScreen)
            text = screen_text(app)
            assert "cannot be read: line 16: not valid TOML" in text
            assert "Blaby District Council · 44 actions" in text
            # WHEN enter on the broken one
            await pilot.press("enter")
            await settle(pilot, 2)
            assert isinstance(app.screen, ProblemScreen)
            assert "Where:   line 16, column 29" in problem_text(app)
            # WHEN escape
            await pilot.press("escape")
            await settle(pilot, 2)
            # THEN the picker is back, with the keyboard in its list
            assert isinstance(app.screen, PickerScreen)
            assert isinstance(app.focused, OptionList)
            # AND it still opens the good plan
            await pilot.press("down", "enter")
            await settle(pilot, 2)
            assert isinstance(app.screen, EditorScreen)
            assert editor(app).plan.council == "Blaby District Council"


class TestPicker:
    """`cap` with no file lists the plans in ./plans, and the ones opened recently."""

    @pilot_test
    async def test_lists_the_three_plans_and_opens_one(
            self, monkeypatch: pytest.MonkeyPatch, cap_data_dir: Path) -> None:
        monkeypatch.chdir(ROOT)
        # cap does not remember plans in the system's temporary folder; CI's checkout may be
        # in it, so the system's temporary folder is another one here
        monkeypatch.setattr(tempfile, "tempdir", str(cap_data_dir / "system-temp"))
        app = make_app()
        async with app.run_test() as pilot:
            await settle(pilot)
            text = screen_text(app)
            assert "cap · plans in plans" in text
            for name in ("plans/blaby-2023-24-closure.toml", "plans/blaby-2024-25.toml",
                         "plans/example-borough-2025-26.toml"):
                assert name in text
            assert "Blaby District Council · 44 actions · 14 finished" in text
            assert "(recent)" not in text
            # WHEN down, enter: the second plan opens in the editor
            await pilot.press("down", "enter")
            await settle(pilot, 2)
            assert isinstance(app.screen, EditorScreen)
            assert editor(app).plan.title == "Corporate Action Plan 2024-25"
        # AND it is remembered in cap's own data folder (CAP_DATA_DIR), nowhere else
        recent = json.loads((cap_data_dir / "recent.json").read_text(encoding="utf-8"))
        assert recent == [str(BLABY)]

    @pilot_test
    async def test_plans_are_listed_and_usable_while_they_are_still_being_read(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        # GIVEN reading a plan is slow (a large plan, a network share): here it waits for a go
        from cap_tui.tui.screens import picker

        go = threading.Event()
        real_describe = picker.describe

        def slow_describe(path: str) -> picker.PlanEntry:
            go.wait(10)
            return real_describe(path)

        monkeypatch.setattr(picker, "describe", slow_describe)
        monkeypatch.chdir(ROOT)
        app = make_app()
        async with app.run_test() as pilot:
            await pilot.pause()
            # THEN the plans are listed by file name at once, each "reading…"
            text = screen_text(app)
            assert "blaby-2024-25.toml" in text and "reading…" in text
            assert "44 actions" not in text
            # AND when reading is done, each gets its title and status line
            go.set()
            await settle(pilot)
            text = screen_text(app)
            assert "reading…" not in text
            assert "Blaby District Council · 44 actions · 14 finished" in text

    @pilot_test
    async def test_recently_opened_plans_from_elsewhere_are_listed(
            self, tmp_path: Path, cap_data_dir: Path) -> None:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        other = elsewhere / "markup.toml"
        shutil.copyfile(DATA_TUI / "markup.toml", other)
        (cap_data_dir / "recent.json").write_text(json.dumps([str(other)]), encoding="utf-8")
        folder = tmp_path / "plans"
        folder.mkdir()
        shutil.copyfile(BLABY, folder / "blaby.toml")
        app = make_app(str(folder))
        async with app.run_test() as pilot:
            await settle(pilot)
            picker = app.screen
            assert isinstance(picker, PickerScreen)
            assert [e.path for e in picker.entries] == [str(folder / "blaby.toml"), str(other)]
            options = picker.query_one(OptionList)
            last = options.get_option_at_index(options.option_count - 1).prompt
            assert str(getattr(last, "plain", last)).endswith(f"{other}  (recent)")
            assert "(recent)" in screen_text(app)
