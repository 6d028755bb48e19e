"""The editor's layout at every size: the form has the room, the tree and the header fit, the
cursor stays in sight, the focused field is marked without colour, and the plan itself is the
tree's first line.

Each test opens a copy of a real plan (Blaby 2024-25, or the example borough's) and checks what
the officer sees: widths of the panes, the text on screen, where the cursor is, and the bytes of
the file when something is saved. SVG snapshots at 80x24, 120x40 and 200x50 at the end.
"""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.
# ruff: noqa: F811

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from textual import events
from textual._compositor import Compositor
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea
from tui_fixtures import (
    BLABY,
    ROOT,
    blaby,  # noqa: F401  (fixture)
    cap_data_dir,  # noqa: F401  (autouse fixture)
    changed_lines,
    cursor_id,
    editing,
    editor,
    field,
    field_text,
    find,
    go_to,
    notifications,
    pilot_test,
    screen_text,
    settle,
    stop_blinking,
    synthetic_plan,
    tree,
    widget_text,
)

from cap_tui.core.shape import Level
from cap_tui.tui.app import make_app
from cap_tui.tui.widgets.form import NodeForm
from cap_tui.tui.widgets.labels import MIN_TITLE
from cap_tui.tui.widgets.panes import SidePane

EXAMPLE = BLABY.parent / "example-borough-2025-26.toml"
WIDTHS = [80, 100, 120, 160, 200, 250]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example borough's plan (long status labels, custom fields)."""
    target = tmp_path / EXAMPLE.name
    shutil.copyfile(EXAMPLE, target)
    return target


def form(pilot: Pilot) -> NodeForm:
    return pilot.app.screen.query_one(NodeForm)


def header(pilot: Pilot) -> str:
    return widget_text(pilot.app.screen.query_one("#plan-header"))


def in_sight(pilot: Pilot, region: Region) -> bool:
    """Whether a region of the screen is inside the form's visible part."""
    return form(pilot).scrollable_content_region.contains_region(region)


# -- 1. the form has the room ----------------------------------------------------------------------
@pytest.mark.parametrize("width", WIDTHS)
@pilot_test
async def test_the_form_is_the_widest_pane_at_every_width(blaby: Path, width: int) -> None:
    async with editing(blaby, (width, 40)) as pilot:
        screen = pilot.app.screen
        tree_width = screen.query_one("#tree").outer_size.width
        form_width = screen.query_one("#form").outer_size.width
        side = screen.query_one(SidePane)
        side_width = side.outer_size.width if side.display else 0
        # THEN the form is wider than the tree and the summary, and has half the screen or more
        # once the screen has room for all three
        assert form_width > tree_width and form_width > side_width
        assert form_width >= (width * 45) // 100
        # AND the tree and the summary keep a usable share; the tree grows with the screen
        assert 28 <= tree_width <= 70
        assert side_width == 0 or 30 <= side_width <= 44
        if width >= 200:
            assert tree_width >= (width * 29) // 100 or tree_width == 70
        # AND the progress update wraps at a readable width (the issue: 24 characters at 120)
        area = field(pilot.app, "progress")
        assert area.content_region.width >= 40


# -- 5. what matters at 80 columns, whole ----------------------------------------------------------
@pilot_test
async def test_tree_lines_fit_the_tree_and_keep_the_title(example: Path) -> None:
    async with editing(example, (80, 24)) as pilot:
        t = tree(pilot.app)
        width = t.scrollable_content_region.width
        lines = screen_text(pilot.app).splitlines()
        x = t.region.x
        plan = editor(pilot.app).plan
        for action in plan.actions():
            line = t.tree_node(action)
            assert line is not None
            drawn = lines[t.region.y + line.line][x : x + width].rstrip()
            # THEN each action's line has its id and at least MIN_TITLE cells of its title, cut
            # with an ellipsis when cut
            assert action.id in drawn
            shown = drawn[drawn.index(action.id) + len(action.id):].replace("OVERDUE", "")
            shown = shown.split("] ", 1)[-1].strip()
            assert shown.rstrip("…") == action.title[: len(shown.rstrip("…"))]
            # (an overdue action's OVERDUE, which matters more, may take some of them)
            least = 8 if plan.is_overdue(action) else MIN_TITLE
            assert len(shown) >= min(least, len(action.title))
            assert shown == action.title or shown.endswith("…")
        # AND the overdue action says so in words
        overdue = next(a for a in plan.actions() if plan.is_overdue(a))
        node = t.tree_node(overdue)
        assert node is not None and "OVERDUE" in lines[t.region.y + node.line]
        # AND the tree never scrolls sideways: no stray scrollbar below it
        assert t.virtual_size.width <= t.size.width
        assert not t.show_horizontal_scrollbar


@pilot_test
async def test_status_words_come_back_when_the_tree_has_room(example: Path) -> None:
    async with editing(example, (250, 40)) as pilot:
        t = tree(pilot.app)
        lines = screen_text(pilot.app).splitlines()
        first = next(editor(pilot.app).plan.actions())
        node = t.tree_node(first)
        assert node is not None
        assert "KA.01.01 [Achieved or…] Deliver 120 New" in lines[t.region.y + node.line]


@pytest.mark.parametrize("width", [80, 120])
@pilot_test
async def test_the_header_keeps_the_council_and_the_modified_mark(blaby: Path, width: int,
                                                                   ) -> None:
    async with editing(blaby, (width, 24)) as pilot:
        assert header(pilot).startswith("Blaby District Council · Corporate Action Plan 2024-25")
        assert "2024-11-30" in header(pilot)
        # WHEN the officer changes a field
        await pilot.press("tab", "tab")  # to the progress update
        await pilot.press(*"x")
        await settle(pilot)
        # THEN the header says modified, and still names the council and the date
        text = header(pilot)
        assert text.startswith("● ")
        assert "Blaby District Council" in text and "2024-11-30" in text
        assert len(text) <= width - 2
        if width >= 110:
            assert text.startswith("● modified ")


@pilot_test
async def test_notices_cover_neither_the_field_typed_in_nor_the_bottom_lines(blaby: Path) -> None:
    async with make_app(str(blaby)).run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, 2)
        await pilot.press("tab")  # an officer at work in the form
        pilot.app.screen.notify("A notice long enough to take a whole toast's width, or more")
        await settle(pilot)
        await pilot.pause(0.1)
        toasts = list(pilot.app.screen.query("Toast"))
        assert toasts
        focused = pilot.app.focused
        assert focused is not None
        body = pilot.app.screen.query_one("#body").region
        for toast in toasts:
            assert toast.region and not toast.region.overlaps(focused.region)
            assert toast.region.y >= 1 and toast.region.bottom <= body.bottom


@pilot_test
async def test_the_summary_s_lines_are_whole_or_cut_never_wrapped(blaby: Path) -> None:
    async with editing(blaby, (120, 40)) as pilot:
        side = pilot.app.screen.query_one(SidePane)
        lines = [line[side.region.x : side.region.right]
                 for line in screen_text(pilot.app).splitlines()]
        summary = pilot.app.screen.query_one("#summary").region
        shown = [lines[y].strip("▏ ") for y in range(summary.y, summary.bottom)]
        # THEN a long status label is cut on its own line, not wrapped onto the next
        assert any(line.startswith("30  68% In progress (no RA") for line in shown)
        assert not any(line.startswith("RAG reported") for line in shown)
        # AND each count is whole, on its own line
        assert "Errors        5" in shown and "Warnings      5" in shown
        # AND the problems' heading wraps onto a second line rather than being cut
        title = pilot.app.screen.query_one("#problems-title").region
        heading = " ".join(lines[y].strip("▏ ") for y in range(title.y, title.bottom))
        assert title.height == 2 and heading == "Problems (5 errors, 5 warnings) · p"


@pilot_test
async def test_counts_say_one_warning_not_one_warnings(example: Path) -> None:
    async with editing(example, (160, 40)) as pilot:
        text = screen_text(pilot.app)
        assert "1 warning" in text
        assert "1 warnings" not in text and "0 error " not in text
        assert "Problems (0 errors, 1 warning)" in text


# -- 2. long text: the cursor stays in sight -------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
@pilot_test
async def test_ctrl_end_in_a_long_update_keeps_the_cursor_in_sight(blaby: Path,
                                                                   size: tuple[int, int]) -> None:
    async with editing(blaby, size) as pilot:
        await go_to(pilot, "ECO-02")
        area = field(pilot.app, "progress")
        assert isinstance(area, TextArea)
        form(pilot).scroll_home(animate=False, immediate=True)
        area.focus(scroll_visible=False)  # as a click on its first visible line would
        await settle(pilot)
        # WHEN the officer goes to the end of the text
        await pilot.press("ctrl+end")
        await settle(pilot)
        # THEN the cursor is on the screen, inside the form and inside the field
        x, y = area.cursor_screen_offset
        assert area.selection.end == area.document.end
        assert in_sight(pilot, Region(x, y, 1, 1))
        assert area.region.contains(x, y)
        # AND it stays so while typing a new sentence, line after line
        await pilot.press("enter", *"The next sentence is typed here, at the end of the text.")
        await settle(pilot)
        x, y = area.cursor_screen_offset
        assert area.text.endswith("at the end of the text.")
        assert in_sight(pilot, Region(x, y, 1, 1)) and area.region.contains(x, y)


@pilot_test
async def test_a_long_title_shows_its_start_after_the_cursor_leaves(blaby: Path) -> None:
    async with editing(blaby, (80, 24)) as pilot:
        await go_to(pilot, "COM-04")
        title = field(pilot.app, "title")
        assert isinstance(title, Input)
        # WHEN the officer goes into the title, to its end, then on to the next field
        title.focus()
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        assert title.scroll_offset.x > 0  # the end is in view while editing
        await pilot.press("tab")
        await settle(pilot)
        # THEN the title shows its first words again
        assert title.scroll_offset.x == 0
        lines = screen_text(pilot.app).splitlines()
        assert any(" Develop the Blaby District Community Health" in line for line in lines)


@pilot_test
async def test_a_jump_from_the_problems_list_shows_the_fields_label(blaby: Path) -> None:
    async with editing(blaby, (160, 24)) as pilot:
        screen = editor(pilot.app)
        # WHEN the officer jumps to a field low in an action's form (an overdue due date)
        target = find(pilot.app, "ORG-04")
        screen.jump(target, "progress")
        await settle(pilot, 3)
        # THEN the field has the cursor, and its label is in sight above it
        fields = form(pilot)._fields  # the label: not otherwise reachable
        label, editor_widget = fields["progress"].label, fields["progress"].editor
        assert pilot.app.focused is editor_widget
        assert in_sight(pilot, label.region) and label.region.y < editor_widget.region.y



@pilot_test
async def test_tab_to_a_field_below_the_fold_shows_it_with_its_label_in_one_frame(
        blaby: Path) -> None:
    async with editing(blaby, (80, 24)) as pilot:
        await pilot.press("tab")  # from the tree: to the status
        await settle(pilot)
        fields = form(pilot)._fields
        keys = list(fields)
        start = keys.index("status")
        for key in keys[start + 1:]:
            before = form(pilot).scroll_offset.y
            await pilot.press("tab")
            # no settle: what Tab scrolls is done as the focus moves, not a frame later
            label, editor_widget = fields[key].label, fields[key].editor
            assert pilot.app.focused is editor_widget
            assert in_sight(pilot, label.region) and in_sight(pilot, editor_widget.region)
            after = form(pilot).scroll_offset.y
            assert after >= before  # only down
            if after > before:  # and only as far as needed: the field's last line at the foot
                view = form(pilot).scrollable_content_region
                assert fields[key].error.region.bottom == view.bottom


@pilot_test
async def test_the_tree_looks_the_same_focused_or_not_but_for_its_cursor(blaby: Path) -> None:
    """A style of the tree that changes with the focus (Textual tints a focused tree) repaints
    it and its scrollbar whole at every Tab and Escape: only the cursor's colours may change."""
    async with editing(blaby, (80, 24)) as pilot:
        tree = pilot.app.screen.query_one("#tree")
        assert pilot.app.focused is tree
        focused = dict(tree.styles.base._rules)
        await pilot.press("tab")
        await settle(pilot)
        assert pilot.app.focused is not tree
        assert dict(tree.styles.base._rules) == focused


@pilot_test
async def test_the_tree_s_cursor_shows_where_the_focus_is_every_time(blaby: Path) -> None:
    """The styles of each focus state are kept (internals.FocusStyles); restoring the tree's
    once left its cursor in the focused colours from the second Escape on: the tree's rules
    are the same in both states, only its cursor's component styles differ."""
    async with editing(blaby, (80, 24)) as pilot:
        tree = pilot.app.screen.query_one("#tree")

        def cursor_style() -> str:
            y = tree.cursor_line - tree.scroll_offset.y + tree.region.y
            line = pilot.app.screen._compositor.render_strips()[y]
            return next(str(seg.style) for seg in line if "COM-01" in seg.text)

        looks = set()
        for _ in range(3):
            await pilot.press("tab")
            await settle(pilot)
            in_form = cursor_style()
            await pilot.press("escape")
            await settle(pilot)
            in_tree = cursor_style()
            assert in_form != in_tree
            looks.add((in_form, in_tree))
        assert len(looks) == 1  # the same two looks each time


@pilot_test
async def test_a_text_field_shows_its_text_wrapped_for_its_width_after_a_resize(
        blaby: Path) -> None:
    """Found in tmux: a terminal made one column wider and back left a progress update drawn
    as wrapped for the wider box (a word under the scrollbar): wrapped again into as many lines,
    it was not drawn again."""
    async with editing(blaby, (80, 24)) as pilot:
        await go_to(pilot, "ENV-08")
        await pilot.press("tab", "tab", "end", *" Q3 note")  # to the progress update
        await settle(pilot)
        area = pilot.app.focused
        assert isinstance(area, TextArea)

        def shown() -> list[str]:
            r = area.region
            lines = screen_text(pilot.app).splitlines()
            return [lines[y][r.x + 1:r.right - 1].rstrip() for y in range(r.y, r.bottom)]

        def wrapped() -> list[str]:
            top = area.scroll_offset.y
            lines = [section.rstrip() for line in area.wrapped_document.lines
                     for section in line]  # each line of the text, as its wrapped sections
            return lines[top:top + area.region.height]

        assert shown() == wrapped()
        await pilot.resize_terminal(81, 24)
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot, 2)
        assert shown() == wrapped()


@pilot_test
async def test_a_move_to_another_kind_of_node_is_drawn_in_one_frame(blaby: Path) -> None:
    """From an action to a programme the form shows another set of fields: the screen is laid
    out again, and the scrollbars of the fields shown, sized by that layout, asked for a frame
    of their own after it (and their text boxes a third, wrapped again at the same width)."""
    async with editing(blaby, (80, 24)) as pilot:
        screen = editor(pilot.app)
        drawn: list[int] = []
        compositor = screen._compositor
        render = compositor.render_partial_update

        def counting():  # type: ignore[no-untyped-def]
            update = render()
            if update is not None:
                drawn.append(1)
            return update

        compositor.render_partial_update = counting  # type: ignore[method-assign]
        for _ in range(8):  # each kind's set of fields built once (its first frames: a mount)
            await pilot.press("down")
        for _ in range(8):
            await pilot.press("up")
        await settle(pilot)
        kinds = []
        for _ in range(8):
            before, sets = screen.current, set(screen.query("FieldSet"))
            drawn.clear()
            await pilot.press("down")
            await settle(pilot)
            after = screen.current
            assert before is not None and after is not None
            if before.kind != after.kind and set(screen.query("FieldSet")) == sets:
                kinds.append((before.kind, after.kind))  # to a set of fields built before
                assert len(drawn) == 1, (before.kind, after.kind, len(drawn))
        assert len(kinds) >= 3  # the walk crossed from one kind of node to another

# -- 4. focus without colour -----------------------------------------------------------------------
@pilot_test
async def test_the_focused_field_has_a_bar_with_no_colour(blaby: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with editing(blaby, (80, 24)) as pilot:
        assert pilot.app.no_color
        await pilot.press("tab")  # from the tree: to the status
        await settle(pilot)
        status = field(pilot.app, "status")
        assert pilot.app.focused is not None and status in pilot.app.focused.ancestors_with_self
        f = form(pilot).region
        lines = screen_text(pilot.app).splitlines()
        marked = [y for y in range(f.y, f.bottom) if "▌" in lines[y][f.x : f.right]]
        # THEN exactly one line of the form is marked: the status's
        assert marked == [status.region.y]
        assert "In progress" in lines[status.region.y]
        # AND moving on moves the mark
        await pilot.press("tab")
        await settle(pilot)
        lines = screen_text(pilot.app).splitlines()
        progress = field(pilot.app, "progress")
        marked = [y for y in range(f.y, f.bottom) if "▌" in lines[y][f.x : f.right]]
        assert marked and all(progress.region.y <= y < progress.region.bottom for y in marked)


# -- the first paint --------------------------------------------------------------------------
@pilot_test
async def test_the_plan_is_drawn_first_then_the_fields_and_a_tab_at_once_lands_in_them(
        blaby: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the text of each whole frame Textual makes (headless: made and written nowhere), and
    # whether Python's garbage collections were on while it was made
    frames: list[tuple[str, bool]] = []
    made = Compositor.render_full_update

    def render(compositor: Compositor, *args: object, **kwargs: object) -> object:
        update = made(compositor, *args, **kwargs)  # type: ignore[arg-type]
        text = "\n".join("".join(seg.text for seg in strip) for strip in update.strips)
        frames.append((text, gc.isenabled()))
        return update

    monkeypatch.setattr(Compositor, "render_full_update", render)
    app = make_app(str(blaby))
    async with app.run_test(size=(80, 24)) as pilot:
        # WHEN the officer presses Tab as the editor opens, before anything has settled
        app.post_message(events.Key("tab", None))
        await settle(pilot, 2)
        # THEN the first frame was the plan (the tree, the action's heading), not yet its fields
        first, collecting = frames[0]
        assert "COM-01 To Review" in first and "Action COM-01" in first
        assert "Title *" not in first
        assert not collecting  # and no garbage collection ran while it was built
        # AND the fields came after it, and the Tab landed in the action's status
        assert "Title *" in screen_text(pilot.app)
        assert getattr(pilot.app.focused, "field_key", "") == "status"
        assert gc.isenabled() and gc.get_freeze_count() > 0  # what is loaded is left out
    assert gc.isenabled() and gc.get_freeze_count() == 0  # and as before once it closes


@pilot_test
async def test_keys_typed_before_the_first_frame_are_given_to_it_in_order(
        blaby: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cap_tui.tui.app import CapApp

    # GIVEN an officer who types as soon as Enter is pressed: five Downs and a filter, sent
    # while the app is still loading (before its first screen exists)
    typed = [events.Key("down", None)] * 5 + [events.Key("slash", "/")] + [
        events.Key(c, c) for c in "COM"]
    load = CapApp.on_load

    def early(app: CapApp) -> None:
        load(app)
        for key in typed:
            app.post_message(events.Key(key.key, key.character))

    monkeypatch.setattr(CapApp, "on_load", early)
    app = make_app(str(blaby))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 2)
        # THEN the tree moved five lines (from COM-01, the first action) and the filter has
        # the words, as if typed into the screen once drawn
        assert editor(app).current.id == "COM-04"
        assert "Filter: COM" in screen_text(app)


@pilot_test
async def test_keys_typed_at_start_are_let_in_even_if_the_editor_never_settles(
        blaby: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cap_tui.tui.app import CapApp
    from cap_tui.tui.screens.editor import EditorScreen

    async def broken(screen: EditorScreen) -> None:  # (a screen replaced while it waited)
        raise RuntimeError("gone")

    load = CapApp.on_load

    def early(app: CapApp) -> None:
        load(app)
        for _ in range(3):
            app.post_message(events.Key("down", None))

    monkeypatch.setattr(EditorScreen, "settled", broken)
    monkeypatch.setattr(CapApp, "on_load", early)
    app = make_app(str(blaby))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 2)
        assert editor(app).current.id == "COM-03"  # the keys were not kept for good
        await pilot.press("down")
        assert editor(app).current.id != "COM-03"  # nor are the keys typed after them


@pilot_test
async def test_a_tab_and_text_typed_before_the_first_frame_go_into_a_field_and_the_journal(
        blaby: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cap_tui.core import journal
    from cap_tui.tui.app import CapApp

    # GIVEN keys typed while the editor starts: into the form (its fields are built after the
    # first frame), two fields on, to the end of the text (ctrl+end), three letters
    load = CapApp.on_load

    def early(app: CapApp) -> None:
        load(app)
        for key in ["tab", "tab", "ctrl+end", "x", "y", "z"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))

    monkeypatch.setattr(CapApp, "on_load", early)
    app = make_app(str(blaby))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 2)
        # THEN they reached the field, as typed once it was there (a Tab sent before the field
        # was mounted left the next keys to the tree: End went to the last action and x asked
        # to delete it)
        assert not app.screen.query("ChoiceScreen")
        assert getattr(app.focused, "field_key", "") == "progress"
        assert field_text(app, "progress").endswith("xyz")
        # AND every edit is in the crash journal
        editor(app).file.flush()
        recorded = journal.find(blaby)
        assert recorded is not None and len(recorded.ops) == 3


@pilot_test
async def test_a_large_plan_is_drawn_before_it_is_checked_and_scanned_then_counted_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cap_tui.core.check import validate
    from cap_tui.core.model import load_plan
    from cap_tui.core.problems import Severity

    # GIVEN a plan of 800 actions (over a million characters: read by rtoml)
    target = synthetic_plan(tmp_path, 800)
    before = target.read_bytes()
    frames: list[tuple[str, bool, bool]] = []  # text, checked, scanned
    made = Compositor.render_full_update

    def render(compositor: Compositor, *args: object, **kwargs: object) -> object:
        update = made(compositor, *args, **kwargs)  # type: ignore[arg-type]
        text = "\n".join("".join(seg.text for seg in strip) for strip in update.strips)
        screen = app.screen
        frames.append((text, screen.live.checked, screen.doc._segments is not None))
        return update

    monkeypatch.setattr(Compositor, "render_full_update", render)
    app = make_app(str(target))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 2)
        for _ in range(50):  # the scan, in a thread
            if editor(app).doc._segments is not None:
                break
            await pilot.pause(0.1)
        # THEN the first frame was the plan, drawn before its checks and its scan, and it said
        # that the counts were coming
        first, checked, scanned = frames[0]
        assert "TH1" in first and "800 actions · counting…" in first
        assert not checked and not scanned
        # AND then the strip counts the problems `cap validate` finds
        problems = validate(load_plan(target))
        errors = sum(p.severity is Severity.ERROR for p in problems)
        strip = widget_text(app.screen.query_one("#strip"))
        assert "counting" not in strip
        assert f"{errors} errors · {len(problems) - errors} warnings" in strip
        assert editor(app).doc._segments is not None  # and the scan was made, beside it
    assert target.read_bytes() == before


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
@pilot_test
async def test_the_filter_and_the_problems_take_keys_sent_as_the_editor_opens(
        blaby: Path, size: tuple[int, int]) -> None:
    # (the filter bar, the summary and the problems list are built after the first frame)
    from cap_tui.tui.widgets.filter import FilterBar
    from cap_tui.tui.widgets.panes import ProblemsPane

    app = make_app(str(blaby))
    async with app.run_test(size=size) as pilot:
        # WHEN the officer types "/env" as the editor opens
        for key, char in (("slash", "/"), ("e", "e"), ("n", "n"), ("v", "v")):
            app.post_message(events.Key(key, char))
        await settle(pilot, 2)
        await pilot.pause(0.3)  # the filter follows a pause in typing
        await settle(pilot, 2)
        # THEN the words are in the filter bar and the tree keeps the actions they find
        bar = app.screen.query_one(FilterBar)
        assert bar.value == "env" and app.focused is bar
        shown = [n.data.id for n in _tree_nodes(app)
                 if n.data is not None and n.data.kind is Level.ACTION]
        assert "ENV-01" in shown and "COM-01" not in shown  # (44 actions without a filter)
    app = make_app(str(blaby))
    async with app.run_test(size=size) as pilot:
        # AND "p" as the editor opens goes to the problems list, its first problem highlighted
        app.post_message(events.Key("p", "p"))
        await settle(pilot, 2)
        problems = app.screen.query_one(ProblemsPane)
        assert app.focused is problems and problems.highlighted == 0
        assert "Problems (" in screen_text(app)


def _tree_nodes(app: object) -> list:  # type: ignore[type-arg]
    """The tree's lines, top to bottom."""
    t = tree(app)  # type: ignore[arg-type]
    return [t.get_node_at_line(y) for y in range(t.last_line + 1)]


# -- Tab from the tree, and a required status ------------------------------------------------------
@pilot_test
async def test_tab_from_the_tree_lands_in_the_status_not_the_id(blaby: Path) -> None:
    async with editing(blaby) as pilot:
        old = blaby.read_bytes()
        await pilot.press("tab")
        await settle(pilot)
        assert pilot.app.focused is not None
        assert getattr(pilot.app.focused, "field_key", "") == "status"
        # AND typing there never renames the action
        await pilot.press(*"zz")
        await settle(pilot)
        assert find(pilot.app, "COM-01").id == "COM-01"
        assert not editor(pilot.app).doc.modified and blaby.read_bytes() == old
        # AND the next Tab is the progress update
        await pilot.press("tab")
        assert getattr(pilot.app.focused, "field_key", "") == "progress"


@pilot_test
async def test_a_required_status_offers_no_blank(blaby: Path) -> None:
    async with editing(blaby) as pilot:
        status = field(pilot.app, "status")
        assert isinstance(status, Select)
        values = [v for _, v in status._options]  # what the list offers
        assert Select.NULL not in values and "" not in values
        assert values == list(editor(pilot.app).plan.statuses)


# -- 9. a new last line keeps the closing quotes on it ---------------------------------------------
@pilot_test
async def test_a_new_line_typed_in_an_update_keeps_the_files_closing_quotes(blaby: Path,
                                                                           ) -> None:
    async with editing(blaby) as pilot:
        await go_to(pilot, "ECO-02")
        await pilot.press("tab", "tab", "ctrl+end", "enter", *"More text.", "ctrl+s")
        await settle(pilot, 3)
    old = BLABY.read_bytes().decode()
    start = old.index('build a future-ready workforce."""')
    last = old[old.rindex("\n", 0, start) + 1 : old.index("\n", start) + 1]
    # THEN the closing quotes stay on the text's last line, as in every entry of the file
    assert changed_lines(BLABY.read_bytes(), blaby.read_bytes()) == (
        [last], [last.replace('"""', ""), 'More text."""\n'])


# -- 3. the plan itself, first in the tree ---------------------------------------------------------
@pilot_test
async def test_the_plan_is_the_first_line_and_its_as_of_date_is_edited_there(
        blaby: Path) -> None:
    async with editing(blaby) as pilot:
        t = tree(pilot.app)
        first = t.get_node_at_line(0)
        assert first is not None and first.data is not None
        assert first.data.kind is Level.PLAN
        assert first.label.plain == "Plan: Corporate Action Plan 2024-25"
        # WHEN the officer goes up to it
        await pilot.press("up", "up", "up")
        await settle(pilot)
        assert t.cursor_line == 0
        text = screen_text(pilot.app)
        # THEN the form shows the plan's fields, and its vocabulary to read
        for words in ("Plan: Corporate Action Plan 2024-25", "Council *", "Reporting point"):
            assert words in text
        form(pilot).scroll_end(animate=False, immediate=True)
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "As of *" in text
        assert "Statuses (read only)" in text and "Completed  completed  finished" in text
        # WHEN the officer presses Tab and sets the as-of date after the reporting point
        await pilot.press("tab")
        assert getattr(pilot.app.focused, "field_key", "") == "reporting_point"
        await pilot.press("tab")
        as_of = pilot.app.focused
        assert isinstance(as_of, Input) and as_of.field_key == "as_of"  # type: ignore[attr-defined]
        await pilot.press(*["backspace"] * 10, *"2025-03-31", "ctrl+s")
        await settle(pilot, 3)
        # THEN one line of the file changed
        old = BLABY.read_bytes()
        assert changed_lines(old, blaby.read_bytes()) == (
            ["as_of = 2024-11-30  # the source gives no date; the latest events it reports are "
             "in November 2024\n"],
            ["as_of = 2025-03-31  # the source gives no date; the latest events it reports are "
             "in November 2024\n"])
        # AND the header and the tree follow it: more actions are overdue now
        assert "2025-03-31" in header(pilot)
        plan = editor(pilot.app).plan
        late = [a for a in plan.actions() if plan.is_overdue(a)]
        assert len(late) > 1
        assert all("OVERDUE" in t.tree_node(a).label.plain for a in late)  # type: ignore[union-attr]


@pytest.mark.parametrize(("key", "word"), [("x", "deleted"), ("c", "duplicated"),
                                           ("left_square_bracket", "moved")])
@pilot_test
async def test_structure_keys_on_the_plan_line_change_nothing(blaby: Path, key: str,
                                                              word: str) -> None:
    async with editing(blaby) as pilot:
        await pilot.press("up", "up", "up")
        await settle(pilot)
        assert cursor_id(pilot.app) == ""
        await pilot.press(key)
        await settle(pilot, 2)
        assert pilot.app.screen is editor(pilot.app)  # no question asked
        assert any(f"The plan itself cannot be {word}" in n for n in notifications(pilot.app))
        assert not editor(pilot.app).doc.modified
        assert editor(pilot.app).doc.to_bytes() == BLABY.read_bytes()


# -- snapshots -------------------------------------------------------------------------------------
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40"),
         pytest.param((200, 50), id="200x50")]


async def steady(pilot: Pilot) -> None:
    await settle(pilot)
    stop_blinking(pilot.app)


@pytest.fixture
def _from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths on screen are relative to the repository, whichever folder pytest started in."""
    monkeypatch.chdir(ROOT)


@pytest.mark.usefixtures("_from_the_repository_root")
@pytest.mark.parametrize("size", SIZES)
def test_snapshot_editing_a_progress_update(snap_compare, size: tuple[int, int]) -> None:
    """ECO-02's progress update, the cursor at its end: header, tree, form and side."""

    async def run_before(pilot: Pilot) -> None:
        await steady(pilot)
        await go_to(pilot, "ECO-02")
        await pilot.press("tab", "tab", "ctrl+end")
        await settle(pilot)

    assert snap_compare(make_app(str(BLABY.relative_to(ROOT))), terminal_size=size,
                        run_before=run_before)


@pytest.mark.usefixtures("_from_the_repository_root")
@pytest.mark.parametrize("size", SIZES)
def test_snapshot_the_plan_node(snap_compare, size: tuple[int, int]) -> None:
    """The example plan's own line selected: its fields in the form."""

    async def run_before(pilot: Pilot) -> None:
        await steady(pilot)
        await pilot.press("up", "up", "up")
        await settle(pilot)

    assert snap_compare(make_app(str(EXAMPLE.relative_to(ROOT))), terminal_size=size,
                        run_before=run_before)
