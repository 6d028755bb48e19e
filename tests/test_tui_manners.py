"""The editor's manners at 80x24 (issue 11): a footer whose labels are whole, a move dialog that
filters as you type, a picker with its own help that plans come back to, a palette of cap's own
commands, and a help that says where the plan's own details are edited. Then what a new user
found in a quarterly update: warnings that vanish without colour, notices over the work, a
status list drawn a column off, forms opened part-way down, a programme that would not move, a
help without `stale`, a save of nothing, a filter with no label."""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.
# ruff: noqa: F811

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from rich.color import Color
from rich.console import Console
from rich.style import Style
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from tui_fixtures import (
    BLABY,
    DATA_TUI,
    NARROW,
    WIDE,
    blaby,  # noqa: F401  (fixture)
    cap_data_dir,  # noqa: F401  (autouse fixture)
    cursor_id,
    dialog_text,
    editing,
    editor,
    field,
    find,
    go_to,
    notifications,
    pilot_test,
    sample,  # noqa: F401  (fixture)
    screen_text,
    settle,
    tree,
    type_at_end,
    widget_text,
)

from cap_tui.core.model import Node, Plan
from cap_tui.core.recent import recent, remember
from cap_tui.tui.app import make_app
from cap_tui.tui.internals import screen_render
from cap_tui.tui.screens.dialogs import ChoiceScreen, MoveScreen
from cap_tui.tui.screens.editor import EditorScreen
from cap_tui.tui.screens.help import HelpScreen
from cap_tui.tui.screens.picker import PickerScreen
from cap_tui.tui.widgets.footer import KeysFooter, fit


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

    @pilot_test
    async def test_a_new_theme_draws_the_keys_in_its_colours(self) -> None:
        async with editing(BLABY) as pilot:
            footer = pilot.app.screen.query_one(KeysFooter)
            before = footer.render_line(0)
            pilot.app.theme = "textual-light" if pilot.app.current_theme.dark \
                else "textual-dark"
            await pilot.pause()
            after = footer.render_line(0)
            assert after.text == before.text  # the same keys, in the new theme's colours
            assert after.text.startswith(" a Add ")
            assert [s.style for s in after] != [s.style for s in before]
            assert footer_line(pilot.app).startswith(" a Add ")

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


# -- issue 11, second pass: what a new user found in a quarterly update ---------------------------
def drawn(app: App, words: str) -> list[Style]:
    """The styles the screen draws `words` in: each run of text holding them, as the terminal
    gets it (after Textual's NO_COLOR filter, when it is on)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", legacy_windows=False)
    return [s.style for s in console.render(screen_render(app), console.options)
            if words in s.text and s.style is not None]


def contrast(style: Style) -> float:
    """The WCAG contrast of a style's text against its background (1 to 21; 4.5 reads well)."""

    def luminance(colour: Color | None) -> float:
        assert colour is not None, f"no colour in {style}"
        r, g, b = (v / 255 for v in colour.get_truecolor())
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(style.color), luminance(style.bgcolor)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def stands_out(style: Style) -> bool:
    """Marked by its text style (bold and reversed or underlined), and legible."""
    return bool(style.bold and (style.reverse or style.underline)) and contrast(style) >= 4.5


@asynccontextmanager
async def noticing(path: Path, size: tuple[int, int] = NARROW) -> AsyncIterator[Pilot]:
    """The editor on `path` with its notices drawn (the tests' default is not to draw them)."""
    async with make_app(str(path)).run_test(size=size, notifications=True) as pilot:
        await settle(pilot, 2)
        yield pilot


def toast_regions(app: App) -> list[Region]:
    return [t.region for t in app.screen.query("Toast") if t.region]


def bottom_rows(app: App) -> Region:
    """The filter line (when open), the summary strip and the keys: the screen's last lines
    below the body."""
    body = app.screen.query_one("#body").region
    return Region(0, body.bottom, app.size.width, app.size.height - body.bottom)


class TestWithoutColour:
    """NO_COLOR: overdue and errors stand out by their style, legible, never by a colour."""

    @pilot_test
    async def test_the_strip_and_the_tree_at_80_columns(
            self, blaby: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        async with editing(blaby) as pilot:
            app = pilot.app
            assert app.no_color
            await go_to(pilot, "ORG-04")  # the overdue action: in sight, then the cursor off it
            await pilot.press("up")
            await settle(pilot)
            for words in ("1 overdue", "5 errors", "OVERDUE"):
                styles = drawn(app, words)
                assert styles, f"{words!r} is not on the screen"
                assert all(stands_out(s) for s in styles), (words, styles)
            # AND what needs no attention is plain
            assert not any(s.reverse for s in drawn(app, " due soon · "))

    @pilot_test
    async def test_the_summary_pane_when_wide(self, blaby: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        async with editing(blaby, WIDE) as pilot:
            text = screen_text(pilot.app)
            assert re.search(r"Overdue +1 ", text) and re.search(r"Errors +5 ", text)
            counts = [s for s in drawn(pilot.app, "1") + drawn(pilot.app, "5") if s.reverse]
            assert len(counts) >= 2 and all(stands_out(s) for s in counts)
            # AND so does a field's error under it in the form
            await go_to(pilot, "ENV-01")
            styles = drawn(pilot.app, "Error: action's lead is empty")
            assert styles and all(stands_out(s) for s in styles)


class TestNotices:
    """Notices sit under the header: never over the filter line, the summary strip, the keys,
    nor the field being typed in; the filter's own problem is said in the filter line."""

    @pilot_test
    async def test_the_filter_s_problem_is_said_under_its_words(self, blaby: Path) -> None:
        async with noticing(blaby) as pilot:
            app = pilot.app
            await pilot.press("slash", *"status:zz")
            await pilot.pause(0.3)
            await settle(pilot)
            lines = screen_text(app).splitlines()
            # THEN the words are there, after the filter's label, whole
            words = next(i for i, line in enumerate(lines) if line.startswith("Filter: "))
            assert lines[words].rstrip() == "Filter: status:zz"
            # AND the problem is said under them, the statuses it could be included
            below = " ".join(line.strip() for line in lines[words + 1 : -1])
            assert below.startswith('no status "zz"; the plan\'s statuses are: Not started')
            assert "Cancelled (cancelled)" in below
            # AND no notice covers anything
            assert notifications(app) == [] and toast_regions(app) == []
            # WHEN the words are fixed, the problem goes
            await pilot.press("backspace", "backspace", *"completed")
            await pilot.pause(0.3)
            await settle(pilot)
            assert "no status" not in screen_text(app)

    @pilot_test
    async def test_the_filter_line_keeps_its_label_while_typing(self) -> None:
        async with editing(BLABY) as pilot:
            await pilot.press("slash", *"ECO-02")
            await pilot.pause(0.3)
            await settle(pilot)
            lines = screen_text(pilot.app).splitlines()
            assert lines[-2].rstrip() == "Filter: ECO-02"

    @pilot_test
    async def test_a_move_s_notice_leaves_the_moved_action_and_the_bottom_lines(
            self, blaby: Path) -> None:
        async with noticing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-03")
            await pilot.press("m", *"financial", "enter")
            await settle(pilot, 2)
            assert notifications(app)[-1].startswith("Moved COM-03 to Financial")
            await pilot.pause(0.1)
            toasts = toast_regions(app)
            assert toasts
            t = tree(app)
            line = t.tree_node(find(app, "COM-03"))
            assert line is not None and cursor_id(app) == "COM-03"
            moved = Region(t.region.x, t.region.y + line.line - t.scroll_offset.y,
                           t.region.width, 1)
            assert moved in t.region
            for toast in toasts:
                assert toast.y >= 1  # under the header
                assert not toast.overlaps(moved) and not toast.overlaps(bottom_rows(app))
                assert toast.height <= 2  # short: the title on the message's line

    @pilot_test
    async def test_a_notice_never_covers_the_field_typed_in(self, blaby: Path) -> None:
        async with noticing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "ECO-02")
            # WHEN the officer types in a description scrolled to the top of the form
            area = field(app, "description")
            area.focus()
            await settle(pilot)
            form = app.screen.query_one("#form")
            form.scroll_to(y=form.scroll_offset.y + area.region.y - form.region.y,
                           animate=False, immediate=True)
            await settle(pilot)
            assert area.region.y == form.region.y
            await pilot.press(*" Done.", "ctrl+s")
            await settle(pilot)
            await pilot.pause(0.1)
            # THEN the notice is shown, but not over the field
            assert notifications(app)[-1].startswith("Saved blaby-2024-25.toml")
            toasts = toast_regions(app)
            assert toasts and app.focused is area
            assert all(not t.overlaps(area.region) for t in toasts)
            assert all(not t.overlaps(bottom_rows(app)) for t in toasts)


class TestStatusList:
    """Enter on a status opens its list in line with the field, whole, above the bottom
    lines, every status legible."""

    @pilot_test
    async def test_the_list_is_aligned_readable_and_above_the_keys(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await pilot.press("tab")  # from the tree: to the status, at the foot of the form
            await settle(pilot)
            select = field(app, "status")
            await pilot.press("enter")
            await settle(pilot)
            overlay = app.focused
            assert overlay is not None and overlay.parent is select
            statuses = list(editor(app).plan.statuses.values())
            # THEN the list covers the field's whole width, the bar's column included
            box = overlay.region
            assert (box.x, box.right) == (select.region.x, select.region.right)
            assert box.height == len(statuses)
            # AND nothing of the form shows beside the options, each in line with the value
            lines = screen_text(app).splitlines()
            value_x = lines[select.region.y].index("In progress")
            for y, status in zip(range(box.y, box.bottom), statuses, strict=True):
                assert lines[y][box.x : value_x] == " " * (value_x - box.x)
                assert lines[y][value_x:].startswith(status.label)
            # AND it is above the summary strip and the keys
            assert box.bottom <= app.screen.query_one("#body").region.bottom
            # AND every status reads well (Completed was dark blue on dark grey)
            for status in statuses:
                styles = drawn(app, status.label)
                assert styles and all(contrast(s) >= 4.5 for s in styles), (status, styles)


class TestFormScroll:
    """Another node's form opens at its top, its heading in sight."""

    @pilot_test
    async def test_a_filter_shows_its_first_action_from_the_top(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            # GIVEN the form scrolled down, to the end of a long update
            await go_to(pilot, "ECO-02")
            await pilot.press("tab", "tab", "ctrl+end")
            await settle(pilot)
            form = app.screen.query_one("#form")
            assert form.scroll_offset.y > 0
            # WHEN the officer filters by lead
            await pilot.press("escape", "slash", *"lead:fleet")
            await pilot.pause(0.3)
            await settle(pilot, 2)
            # THEN ENV-03 is shown from its heading
            assert cursor_id(app) == "ENV-03"
            assert form.scroll_offset.y == 0
            heading = app.screen.query_one("#form-title")
            assert widget_text(heading) == "Action ENV-03"
            assert heading.region.y == form.region.y

    @pilot_test
    async def test_a_filter_that_keeps_nothing_shows_the_plan_from_its_top(
            self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            form = app.screen.query_one("#form")
            await go_to(pilot, "ECO-02")
            await pilot.press("tab", "tab", "ctrl+end", "escape")
            await settle(pilot)
            assert form.scroll_offset.y > 0
            # WHEN stale, which here (a plan outside git) keeps no action
            await pilot.press("slash", *"stale")
            await pilot.pause(0.5)
            await settle(pilot, 2)
            # THEN the plan's own form is shown, from its heading
            assert cursor_id(app) == ""
            assert widget_text(app.screen.query_one("#form-title")).startswith("Plan: ")
            assert form.scroll_offset.y == 0

    @pilot_test
    async def test_the_same_node_stays_where_it_was(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            form = app.screen.query_one("#form")
            await type_at_end(pilot, "progress", " x")
            scrolled = form.scroll_offset.y
            assert scrolled > 0
            await pilot.press("ctrl+z")  # undo shows the node again: the officer stays put
            await settle(pilot)
            assert form.scroll_offset.y == scrolled


class TestMoveProgramme:
    """m on a programme moves it to another theme; where it cannot, a notice says why."""

    @pilot_test
    async def test_m_moves_a_programme_and_the_file_says_so(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "tourism-growth-plan")
            await pilot.press("m")
            await settle(pilot)
            assert isinstance(app.screen, MoveScreen)
            # the themes, the programme's own shown but not offered
            shown = options(app)
            assert [t.split("  ")[1] for t, _ in shown] == [t.title for t in plan_of(app).themes]
            assert [t.endswith("  economy") for t, enabled in shown if not enabled] == [True]
            await pilot.press(*"keeping you safe", "enter")
            await settle(pilot, 2)
            assert notifications(app)[-1] == "Moved tourism-growth-plan to Keeping You Safe & " \
                "Healthy"
            assert cursor_id(app) == "tourism-growth-plan"
            await pilot.press("ctrl+s")
            await settle(pilot)
        text = blaby.read_text(encoding="utf-8")
        theme = text.index('id = "safe-and-healthy"')
        moved = text.index('id = "tourism-growth-plan"')
        assert theme < moved
        assert "\n[[theme]]\n" not in text[theme:moved]

    @pilot_test
    async def test_with_one_theme_m_says_there_is_nowhere_to_go(
            self, sample: Callable[[str], Path]) -> None:
        async with editing(sample("markup.toml")) as pilot:
            app = pilot.app
            await go_to(pilot, "housing")
            await pilot.press("m")
            await settle(pilot)
            assert isinstance(app.screen, EditorScreen)
            assert notifications(app) == ["No other theme to move housing to: add one first"]


class TestHelpAndSave:
    """? names every filter word and what a does on the plan's line, clear of its scrollbar;
    ctrl+s with nothing changed writes nothing and says so."""

    @pilot_test
    async def test_the_help_names_stale_and_adding_a_theme(self) -> None:
        async with editing(BLABY) as pilot:
            await pilot.press("question_mark")
            await settle(pilot)
            text = " ".join(screen_text(pilot.app).split())
            assert "filter: words, status:NAME, lead:TEXT, overdue, due:DAYS, stale" in text
            assert "add an action (on a theme: a programme; on the plan's line: a theme)" in text

    @pilot_test
    async def test_the_help_s_text_stops_short_of_its_scrollbar(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            await pilot.press("question_mark")
            await settle(pilot)
            box = app.screen.query_one(".help-box")
            assert box.max_scroll_y > 0  # it scrolls at 80x24
            bar_x = box.region.right - box.styles.padding.right - \
                box.styles.scrollbar_size_vertical
            for _ in range(2):  # at its top, then at its end
                for line in screen_text(app).splitlines()[box.region.y : box.region.bottom]:
                    assert len(line[:bar_x].rstrip()) < bar_x, line  # a blank column between
                await pilot.press("end")
                await settle(pilot)

    @pilot_test
    async def test_ctrl_s_with_nothing_changed_writes_nothing(self, blaby: Path) -> None:
        before = blaby.stat()
        async with editing(blaby) as pilot:
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert notifications(pilot.app) == [
                "Nothing to save: blaby-2024-25.toml is as on disk"]
        after = blaby.stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
