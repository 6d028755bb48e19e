"""The editor's manners at 80x24 (issue 11): a footer whose labels are whole, a move dialog that
filters as you type, a picker with its own help that plans come back to, a palette of cap's own
commands, and a help that says where the plan's own details are edited."""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.
# ruff: noqa: F811

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, OptionList
from tui_fixtures import (
    BLABY,
    DATA_TUI,
    WIDE,
    blaby,  # noqa: F401  (fixture)
    cap_data_dir,  # noqa: F401  (autouse fixture)
    dialog_text,
    editing,
    editor,
    find,
    go_to,
    notifications,
    pilot_test,
    sample,  # noqa: F401  (fixture)
    screen_text,
    settle,
)

from cap_tui.core.model import Node, Plan
from cap_tui.core.recent import recent, remember
from cap_tui.tui.app import make_app
from cap_tui.tui.screens.dialogs import ChoiceScreen, MoveScreen
from cap_tui.tui.screens.editor import EditorScreen
from cap_tui.tui.screens.help import HelpScreen
from cap_tui.tui.screens.picker import PickerScreen
from cap_tui.tui.widgets.footer import fit


def footer_line(app: App) -> str:
    return screen_text(app).splitlines()[-1]


# -- the footer ------------------------------------------------------------------------------------
class TestFooter:
    """At 80 columns every key shown has its whole label; Delete gives way (x still works)."""

    @pilot_test
    async def test_at_80_columns_the_tree_s_keys_are_whole(self) -> None:
        async with editing(BLABY) as pilot:
            line = footer_line(pilot.app)
            assert line.startswith(" a Add  / Filter  p Problems  ? Help  ^s Save  ^z Undo  "
                                   "^q Quit ")
            assert line.rstrip().endswith("▏^p Commands")
            assert "Delete" not in line and len(line.rstrip()) <= 80

    @pilot_test
    async def test_wide_the_footer_shows_delete_too(self) -> None:
        async with editing(BLABY, WIDE) as pilot:
            assert footer_line(pilot.app).startswith(
                " a Add  x Delete  / Filter  p Problems  ? Help  ^s Save  ^z Undo  ^q Quit ")

    def test_narrower_still_keys_give_way_whole_in_the_declared_order(self) -> None:
        keys = [("a", "a", "Add", True, 4), ("x", "x", "Delete", True, 0),
                ("p", "p", "Problems", True, 1), ("ctrl+s", "^s", "Save", True, 7),
                ("ctrl+q", "^q", "Quit", True, 6)]
        # " a Add " is 7 columns, " ^s Save " and " ^q Quit " 9 each
        assert [k[2] for k in fit(keys, 25)] == ["Add", "Save", "Quit"]
        assert [k[2] for k in fit(keys, 24)] == ["Save", "Quit"]
        assert [k[2] for k in fit(keys, 8)] == []


# -- moving an action ------------------------------------------------------------------------------
def options(app: App) -> list[tuple[str, bool]]:
    """The move dialog's lines: (text, can be chosen)."""
    lst = app.screen.query_one(OptionList)
    out = []
    for i in range(lst.option_count):
        option = lst.get_option_at_index(i)
        out.append((str(getattr(option.prompt, "plain", option.prompt)), not option.disabled))
    return out


def highlighted(app: App) -> str:
    lst = app.screen.query_one(OptionList)
    assert lst.highlighted is not None
    prompt = lst.get_option_at_index(lst.highlighted).prompt
    return str(getattr(prompt, "plain", prompt))


def plan_of(app: App) -> Plan:
    """The plan of the editor under the dialog."""
    return next(s for s in app.screen_stack if isinstance(s, EditorScreen)).plan


async def open_move(pilot, node_id: str) -> list[Node | None]:  # type: ignore[no-untyped-def]
    """The move dialog for a node, over the editor; the list gets what it is dismissed with."""
    answers: list[Node | None] = []
    app = pilot.app
    app.push_screen(MoveScreen(find(app, node_id), plan_of(app)), answers.append)
    await settle(pilot)
    return answers


class TestMoveDialog:
    """m: type to filter, programmes grouped under their themes, keys named in the dialog."""

    @pilot_test
    async def test_programmes_are_grouped_under_themes_and_the_current_one_is_not_offered(
            self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            await open_move(pilot, "COM-01")
            shown = options(app)
            plan = plan_of(app)
            # each theme is a heading, not to be chosen, followed by its programmes
            for theme in plan.themes:
                i = shown.index((theme.title, False))
                for offset, programme in enumerate(theme.children, 1):
                    text, enabled = shown[i + offset]
                    assert text.startswith(f"  {programme.title}  ")
                    assert text.endswith(programme.id)
                    assert enabled == (programme.id != "homelessness-prevention")
            assert shown[1] == ("  Homelessness Prevention  (here now)  "
                                "homelessness-prevention", False)
            assert highlighted(app).startswith("  Equalities, Diversity")
            # the keys are named in the dialog, and the filter has the keyboard
            assert "↑↓ choose   Enter move here   Esc cancel" in screen_text(app)
            assert isinstance(app.focused, Input)

    @pilot_test
    async def test_typing_filters_by_title_theme_or_id_and_enter_moves(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            answers = await open_move(pilot, "COM-01")
            # a theme's words keep all its programmes
            await pilot.press(*"NATURAL & BUILT")
            await settle(pilot)
            theme = next(t for t in plan_of(app).themes if t.id == "environment")
            assert [t for t, _ in options(app)] == [theme.title] + [
                f"  {p.title}  {p.id}" for p in theme.children]
            # an id's part (any case) singles one out; down does not leave it
            await pilot.press(*(["backspace"] * 15), *"net-zero-2030")
            await settle(pilot)
            assert [t for t, enabled in options(app) if enabled] == [
                "  Council Net Zero 2030  council-net-zero-2030"]
            await pilot.press("down", "enter")
            await settle(pilot)
            assert [a.id if a else None for a in answers] == ["council-net-zero-2030"]

    @pilot_test
    async def test_up_and_down_choose_and_nothing_matching_says_so(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            answers = await open_move(pilot, "COM-01")
            await pilot.press("down", "down")
            await settle(pilot)
            assert highlighted(app).startswith("  Key Standalone Projects")
            await pilot.press("up")
            assert highlighted(app).startswith("  Community Health")
            await pilot.press(*"zzz")
            await settle(pilot)
            assert options(app) == [("Nothing matches “zzz”", False)]
            await pilot.press("enter")  # nothing to move to: the dialog stays
            await settle(pilot)
            assert isinstance(app.screen, MoveScreen) and answers == []
            await pilot.press("escape")
            await settle(pilot)
            assert answers == [None] and isinstance(app.screen, EditorScreen)

    @pilot_test
    async def test_a_programme_moves_to_another_theme_picked_from_the_themes(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            await open_move(pilot, "homelessness-prevention")
            shown = options(app)
            assert len(shown) == len(plan_of(app).themes)
            assert shown[0] == ("  Enabling Our Communities, Especially Our Vulnerable "
                                "Residents  (here now)  communities", False)

    @pilot_test
    async def test_plan_text_shows_as_typed(self, sample: Callable[[str], Path]) -> None:
        async with editing(sample("markup.toml")) as pilot:
            app = pilot.app
            await open_move(pilot, "MK-01")
            assert options(app) == [
                ("[bold]x[/bold] people [@click=app.quit]y", False),
                ("  [@click=app.quit]y housing  (here now)  housing", False),
                ("  [bold]x[/bold] second [@click=app.quit]y  second", True)]
            assert "[bold]x[/bold] second [@click=app.quit]y" in screen_text(app)

    @pilot_test
    async def test_m_in_the_tree_moves_the_action_and_the_file_says_so(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-01")
            # WHEN m, "financial", enter, ctrl+s
            await pilot.press("m")
            await settle(pilot)
            assert isinstance(app.screen, MoveScreen)
            await pilot.press(*"financial", "enter")
            await settle(pilot, 2)
            assert notifications(app)[-1].startswith("Moved COM-01 to Financial Sustainability")
            await pilot.press("ctrl+s")
            await settle(pilot)
        # THEN in the file COM-01 is the last action of that programme
        text = blaby.read_text(encoding="utf-8")
        programme = text.index('id = "financial-sustainability-for-blaby-district-council"')
        moved = text.index('id = "COM-01"')
        assert moved > programme
        assert "[[theme.programme]]" not in text[programme:moved]


# -- the picker ------------------------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path: Path) -> Path:
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copyfile(BLABY, plans / "a-blaby.toml")
    shutil.copyfile(DATA_TUI / "markup.toml", plans / "b-markup.toml")
    return plans


class TestPicker:
    """`?` names the picker's keys; a plan opened from it comes back to it on ctrl+q."""

    @pilot_test
    async def test_help_in_the_picker_lists_the_picker_s_keys(self, folder: Path) -> None:
        async with make_app(str(folder)).run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            app = pilot.app
            assert isinstance(app.screen, HelpScreen)
            text = screen_text(app)
            assert "cap: keys of the list of plans" in text
            for words in ("choose a plan", "open the plan", "quit, or back", "this help"):
                assert words in text
            assert "add an action" not in text and "filter:" not in text

    @pilot_test
    async def test_ctrl_q_in_a_plan_goes_back_to_the_picker_then_quits(
            self, folder: Path) -> None:
        async with make_app(str(folder)).run_test(size=(80, 24)) as pilot:
            app = pilot.app
            await settle(pilot)
            await pilot.press("down", "enter")  # b-markup.toml
            await settle(pilot, 2)
            assert isinstance(app.screen, EditorScreen)
            await pilot.press("ctrl+q")
            await settle(pilot, 2)
            # THEN the picker, on the plan just closed
            assert app.is_running and isinstance(app.screen, PickerScreen)
            picker = app.screen
            lst = picker.query_one(OptionList)
            assert lst.highlighted is not None
            option_id = lst.get_option_at_index(lst.highlighted).id
            assert option_id is not None
            assert picker.entries[int(option_id)].path == str(folder / "b-markup.toml")
            await pilot.press("ctrl+q")
            await settle(pilot)
            assert not app.is_running

    @pilot_test
    async def test_unsaved_changes_are_asked_about_before_going_back(self, folder: Path) -> None:
        before = (folder / "a-blaby.toml").read_bytes()
        async with make_app(str(folder)).run_test(size=(80, 24)) as pilot:
            app = pilot.app
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot, 2)
            await pilot.press("c")  # duplicate the first action: an unsaved change
            await settle(pilot, 2)
            assert editor(app).doc.modified
            await pilot.press("ctrl+q")
            await settle(pilot)
            assert isinstance(app.screen, ChoiceScreen)
            assert dialog_text(app) == "Save your changes to a-blaby.toml before closing it?"
            await pilot.press("d")
            await settle(pilot, 2)
            assert app.is_running and isinstance(app.screen, PickerScreen)
        assert (folder / "a-blaby.toml").read_bytes() == before

    @pilot_test
    async def test_recent_plans_name_their_folder_and_missing_ones_are_gone(
            self, folder: Path, tmp_path: Path, cap_data_dir: Path) -> None:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        shutil.copyfile(DATA_TUI / "markup.toml", elsewhere / "other.toml")
        (cap_data_dir / "recent.json").write_text(json.dumps(
            [str(elsewhere / "gone.toml"), str(elsewhere / "other.toml")]), encoding="utf-8")
        async with make_app(str(folder)).run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            shown = [t for t, _ in options(pilot.app)]
        assert shown[2] == "Opened recently, in other folders"
        assert shown[3].startswith(f"[bold]x[/bold] plan [@click=app.quit]y[/]  in {elsewhere}\n")
        assert shown[3].endswith("other.toml  (recent)")
        assert len(shown) == 4  # the missing file is not listed


class TestRecent:
    """Temporary files are not remembered; the list drops missing and temporary files."""

    def test_a_plan_in_the_temporary_folder_is_not_remembered(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        temp = tmp_path / "system-temp"
        work = tmp_path / "work"
        temp.mkdir()
        work.mkdir()
        monkeypatch.setattr(tempfile, "tempdir", str(temp))
        scratch = temp / "scratch.toml"
        kept = work / "plan.toml"
        for p in (scratch, kept):
            shutil.copyfile(BLABY, p)
        remember(str(scratch))
        assert recent() == []
        remember(str(kept))
        assert recent() == [str(kept)]

    def test_remembering_drops_temporary_and_missing_files_left_by_an_older_cap(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cap_data_dir: Path) -> None:
        temp = tmp_path / "system-temp"
        work = tmp_path / "work"
        temp.mkdir()
        work.mkdir()
        monkeypatch.setattr(tempfile, "tempdir", str(temp))
        old, new = work / "old.toml", work / "new.toml"
        for p in (temp / "scratch.toml", old, new):
            shutil.copyfile(BLABY, p)
        listed = [str(temp / "scratch.toml"), str(work / "gone.toml"), str(old)]
        (cap_data_dir / "recent.json").write_text(json.dumps(listed), encoding="utf-8")
        remember(str(new))
        saved = json.loads((cap_data_dir / "recent.json").read_text(encoding="utf-8"))
        assert saved == [str(new), str(old)]


# -- the palette -----------------------------------------------------------------------------------
class TestPalette:
    """ctrl+p offers cap's commands in cap's words, none of Textual's own."""

    @pilot_test
    async def test_only_cap_s_commands_in_the_editor_and_the_picker(self, folder: Path) -> None:
        async with make_app(str(folder)).run_test(size=(80, 24)) as pilot:
            app = pilot.app
            await settle(pilot)
            in_picker = list(app.get_system_commands(app.screen))
            await pilot.press("enter")
            await settle(pilot, 2)
            in_editor = list(app.get_system_commands(app.screen))
        for commands in (in_picker, in_editor):
            titles = [c.title for c in commands]
            assert "app: quit cap" in titles and "app: change colours" in titles
            assert all(":" in t for t in titles), titles
            for textual_s in ("Quit", "Theme", "Keys", "Screenshot", "Maximize", "Minimize"):
                assert textual_s not in titles
            assert not any("as soon as possible" in c.help for c in commands)

    @pilot_test
    async def test_the_palette_lists_no_screenshot_when_opened(self) -> None:
        async with editing(BLABY) as pilot:
            await pilot.press("ctrl+p")
            await settle(pilot)
            await pilot.press(*"scre")
            await pilot.pause(0.3)
            await settle(pilot)
            text = screen_text(pilot.app)
            assert "Screenshot" not in text and "screenshot" not in text


# -- the help --------------------------------------------------------------------------------------
@pilot_test
async def test_the_editor_s_help_says_where_the_plan_s_details_are_edited() -> None:
    async with editing(BLABY, WIDE) as pilot:
        await pilot.press("f1")
        await settle(pilot)
        text = " ".join(screen_text(pilot.app).split())
        assert "as-of date, reporting point) are edited like any node: select the plan, " \
               "the tree's first row" in text
