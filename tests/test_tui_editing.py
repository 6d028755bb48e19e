"""The editor, driven as an officer drives it: open a plan, move around, edit, save, undo, quit.

Every test opens a copy of the real Blaby 2024-25 plan (44 actions) in a headless 80x24
terminal and checks what the officer would check: the text on screen, the notifications, and
the bytes of the file on disk.
"""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.
# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input
from tui_fixtures import (
    BLABY,
    blaby,  # noqa: F401  (fixture)
    cap_data_dir,  # noqa: F401  (autouse fixture)
    changed_lines,
    choose_status,
    cursor_id,
    dialog_text,
    editing,
    editor,
    field,
    field_text,
    fields_shown,
    find,
    go_to,
    notifications,
    pilot_test,
    screen_text,
    settle,
    tree,
    tree_ids,
    tree_labels,
    type_at_end,
    widget_text,
)

from cap_tui.tui.widgets.footer import KeysFooter

EXAMPLE = BLABY.parent / "example-borough-2025-26.toml"
COM02_PROGRESS = (
    "All properties are currently occupied and operating well. Nabcel are working well on the "
    "management move process and officers are supporting the individuals placed. We will carry "
    "out a review at 6 months and 12 months to enable us to better understand the full demands "
    "of the new provision."
)


def header(app) -> str:
    return widget_text(app.screen.query_one("#plan-header"))


def form_title(app) -> str:
    return widget_text(app.screen.query_one("#form-title"))


class TestOpenAndNavigate:
    """`cap plans/blaby-2024-25.toml` opens the editor on the first action."""

    @pilot_test
    async def test_opening_and_moving_with_the_arrow_keys(self) -> None:
        # GIVEN the real Blaby plan, which is never written by this test
        async with editing(BLABY) as pilot:
            app = pilot.app
            # THEN the header names the council, the plan and its date (its reporting point is
            # on the plan's own line of the tree: 80 columns have no room for it)
            assert header(app) == ("Blaby District Council · Corporate Action Plan 2024-25 · "
                                   "as of 2024-11-30")
            # AND the tree lists the plan, its themes, programmes and actions; on 80 columns an
            # action's line is its id and title (its status is in the form beside)
            text = screen_text(app)
            assert "Plan: Corporate Action Plan 2…" in text
            assert "▼ Enabling Our Communities" in text
            assert "COM-01 To Review and Refr…" in text
            assert "COM-04 Develop the Blaby …" in text
            # AND the cursor is on the first action, shown in the form
            assert cursor_id(app) == "COM-01"
            assert form_title(app) == "Action COM-01"
            assert field_text(app, "title") == (
                "To Review and Refresh the Homelessness & Rough Sleeping Strategy")
            assert field_text(app, "status") == "in-progress"
            # AND an 80-column terminal folds the summary into one line
            strip = widget_text(app.screen.query_one("#strip"))
            assert strip.startswith("44 actions · 14 finished")
            for words in ("1 overdue", "1 due soon", "5 errors", "5 warnings"):
                assert words in strip
            assert app.focused is tree(app)
            # WHEN the officer presses down
            await pilot.press("down")
            await settle(pilot)
            # THEN COM-02 is shown
            assert cursor_id(app) == "COM-02"
            assert form_title(app) == "Action COM-02"
            assert field_text(app, "title") == "Temporary Accommodation Units"
            assert field_text(app, "lead") == "Housing Services Team"
            assert field_text(app, "due") == "2025-07"
            assert field_text(app, "progress") == COM02_PROGRESS
            # WHEN down again: the next programme, with the programme's own fields
            await pilot.press("down")
            await settle(pilot)
            assert form_title(app) == (
                "Programme equalities-diversity-inclusion-in-service-design-access")
            assert field_text(app, "lead") == "Executive Director (s151)"
            assert "status" not in fields_shown(app)
            # WHEN up twice: back on COM-01
            await pilot.press("up", "up")
            await settle(pilot)
            assert form_title(app) == "Action COM-01"
            assert field_text(app, "lead") == "Executive Director (Communities)"
            assert field_text(app, "status") == "in-progress"

    @pilot_test
    async def test_the_form_follows_the_cursor_through_kinds_of_node(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            # ENV-01 has no lead: its form says so under the field
            await go_to(pilot, "ENV-01")
            assert field_text(app, "lead") == ""
            assert shown_errors(app) == ["Error: action's lead is empty"]
            # a programme, then ENV-03 (which has a lead): the action's fields come back with
            # ENV-03's values, and no problem line left over from ENV-01
            await go_to(pilot, "council-net-zero-2030")
            assert form_title(app) == "Programme council-net-zero-2030"
            await go_to(pilot, "ENV-03")
            assert form_title(app) == "Action ENV-03"
            assert field_text(app, "lead") == find(app, "ENV-03").data["lead"] != ""
            assert field_text(app, "progress") == find(app, "ENV-03").data["progress"]
            assert shown_errors(app) == []
            # and back on ENV-01, its problem is shown again
            await go_to(pilot, "ENV-01")
            assert shown_errors(app) == ["Error: action's lead is empty"]

    @pilot_test
    async def test_a_choice_off_the_list_is_shown_as_such_on_every_node(
            self, tmp_path: Path) -> None:
        # GIVEN the example plan, with KA.01.02's portfolio holder not one of the choices
        plan = tmp_path / "example.toml"
        text = EXAMPLE.read_text(encoding="utf-8")
        marker = 'id = "KA.01.02"'
        head, tail = text.split(marker)
        tail = tail.replace('portfolio = "Housing & Communities"', 'portfolio = "Leader"', 1)
        plan.write_text(head + marker + tail, encoding="utf-8")
        async with editing(plan) as pilot:
            app = pilot.app
            await go_to(pilot, "KA.01.01")
            assert field_text(app, "portfolio") == "Housing & Communities"
            # WHEN down to KA.01.02 (the same fields: the form is reused)
            await go_to(pilot, "KA.01.02")
            # THEN its value is kept and said to be off the list, not shown as "(none)"
            assert field_text(app, "portfolio") == "Leader"
            shown = field(app, "portfolio").query_one("SelectCurrent #label")
            assert widget_text(shown) == "Leader (not a choice)"
            await go_to(pilot, "KA.01.01")
            assert field_text(app, "portfolio") == "Housing & Communities"
        assert plan.read_text(encoding="utf-8") == head + marker + tail  # nothing written

    @pilot_test
    async def test_left_right_fold_and_enter_escape_edit(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            # WHEN enter on an action: its status is ready to change; tab goes on to progress
            await pilot.press("enter")
            await settle(pilot, 2)
            assert app.focused is field(app, "status")
            await pilot.press("tab")
            await settle(pilot)
            assert app.focused is field(app, "progress")
            # WHEN escape: back in the tree, on the same action
            await pilot.press("escape")
            await settle(pilot, 2)
            assert app.focused is tree(app)
            assert cursor_id(app) == "COM-02"
            # WHEN left on an action: the cursor goes up to its programme
            await pilot.press("left")
            await settle(pilot)
            assert cursor_id(app) == "homelessness-prevention"
            # WHEN left again: the programme folds away its actions
            await pilot.press("left")
            await settle(pilot)
            assert "COM-01" not in tree_ids(app)
            assert "COM-02" not in tree_ids(app)
            assert "├ ▶ Homelessness Prevention" in screen_text(app)
            # WHEN right: they are back
            await pilot.press("right")
            await settle(pilot)
            assert tree_ids(app)[:5] == ["", "communities", "homelessness-prevention",
                                         "COM-01", "COM-02"]  # "": the plan's own line


class TestFooter:
    """The keys at the bottom: in the same order wherever the cursor is, and clickable."""

    @pilot_test
    async def test_the_keys_keep_their_order_from_field_to_field(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            await pilot.press("enter")  # to the status of the first action
            await settle(pilot)
            on_status = footer_line(app)
            await pilot.press("tab")  # to its progress update
            await settle(pilot)
            assert app.focused is field(app, "progress")
            assert footer_line(app) == on_status
            assert on_status.startswith(" ^s Save  ^z Undo  ^q Quit ")

    @pilot_test
    async def test_clicking_a_key_presses_it(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            x = footer_line(app).index(" p Problems ")
            await pilot.click(KeysFooter, offset=(x + 1, 0))
            await settle(pilot)
            assert app.focused is app.screen.query_one("#problems")


def shown_errors(app) -> list[str]:
    return [widget_text(w) for w in app.screen.query("FieldSet.-current .field-error.-shown")]


def footer_line(app) -> str:
    return screen_text(app).splitlines()[-1]


class TestEditAndSave:
    """Edits go into the file as the officer typed them, and nothing else changes."""

    @pilot_test
    async def test_status_and_progress_change_exactly_their_lines(self, blaby: Path) -> None:
        # GIVEN a copy of the Blaby plan open on COM-02 "Temporary Accommodation Units"
        before = blaby.read_bytes()
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            # WHEN the officer picks "On track" in the Status select
            await choose_status(pilot, "On track")
            # AND adds a sentence to the progress update
            await type_at_end(pilot, "progress", " Review booked.")
            # THEN the tree and the header say so before saving (at 80 columns the tree's line
            # has no room for the status: its label has it)
            assert "COM-02 [On track] Temporary Accommodation Units" in tree_labels(app)
            assert header(app).startswith("● ")
            assert blaby.read_bytes() == before
            # WHEN ctrl+s
            await pilot.press("ctrl+s")
            await settle(pilot)
            # THEN cap says it saved, and that the plan still has problems (it had 5 errors)
            assert notifications(app)[-1] == (
                "Saved blaby-2024-25.toml (5 errors remain: p lists them)")
            assert not header(app).startswith("●")
        # AND a diff of the file shows the status line and the progress paragraph, nothing else
        removed, added = changed_lines(before, blaby.read_bytes())
        assert removed == ['status = "in-progress"\n', COM02_PROGRESS + '"""\n']
        assert added == ['status = "green"\n', COM02_PROGRESS + ' Review booked."""\n']

    @pilot_test
    async def test_a_save_without_edits_then_f2_after_a_title_edit(self, blaby: Path) -> None:
        before = blaby.read_bytes()
        async with editing(blaby) as pilot:
            app = pilot.app
            # WHEN ctrl+s before any edit: the same bytes are written
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert notifications(app)[-1] == "Nothing to save: blaby-2024-25.toml is as on disk"
            assert blaby.read_bytes() == before
            # WHEN the title of COM-02 is edited: the tree follows as the officer types
            await go_to(pilot, "COM-02")
            await type_at_end(pilot, "title", " (2)")
            line = tree(app).tree_node(find(app, "COM-02"))
            assert line is not None
            assert line.label.plain == "COM-02 [In progress] Temporary Accommodation Units (2)"
            # WHEN F2 (for terminals that take ctrl+s): only the title line changes
            await pilot.press("f2")
            await settle(pilot)
        removed, added = changed_lines(before, blaby.read_bytes())
        assert removed == ['title = "Temporary Accommodation Units"\n']
        assert added == ['title = "Temporary Accommodation Units (2)"\n']

    @pilot_test
    async def test_an_empty_lead_is_an_error_under_the_field(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            lead = field(app, "lead")
            assert isinstance(lead, Input)
            lead.focus()
            await pilot.press("ctrl+u")  # delete to the start of the line: the lead is empty
            await settle(pilot)
            assert find(app, "COM-02").data["lead"] == ""
            shown = app.screen.query("FieldSet.-current .field-error.-shown")
            errors = [widget_text(w) for w in shown]
            assert errors == ["Error: action's lead is empty"]

    @pilot_test
    async def test_typing_an_id_used_elsewhere_is_an_error_on_both(self, blaby: Path) -> None:
        twice = 'Error: id "COM-01" is used twice: ids must be unique in a plan'
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            # WHEN the officer changes COM-02's id to COM-01, key by key (backspace, then 1)
            field(app, "id").focus()
            await settle(pilot)
            await pilot.press("end", "backspace", "1")
            await pilot.pause(0.3)  # the counts follow once typing stops
            await settle(pilot)
            assert field_text(app, "id") == "COM-01"
            # THEN its form says so, the one-line summary counts one more error (5 before)
            assert shown_errors(app) == [twice]
            assert "6 errors" in widget_text(app.screen.query_one("#strip"))
            # AND so does the form of the first COM-01
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("up")
            await settle(pilot)
            assert widget_text(app.screen.query_one("#form-title")) == "Action COM-01"
            assert shown_errors(app) == [twice]
            # WHEN the officer undoes the typing: no error anywhere
            await pilot.press("ctrl+z")
            await settle(pilot, 2)
            assert find(app, "COM-02").id == "COM-02"
            assert shown_errors(app) == []
            await pilot.pause(0.3)
            assert "5 errors" in widget_text(app.screen.query_one("#strip"))


def form_lines(app) -> list[str]:
    """The form's column of the screen (without its scrollbar), a line per row, right-trimmed."""
    region = app.screen.query_one("#form").scrollable_content_region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return [row[region.x:region.right].rstrip() for row in rows]


def lines_under(lines: list[str], label: str) -> list[str]:
    """The rows under a field's label, up to the blank row that ends the field (without the bar
    that marks the field with the cursor)."""
    start = next(i for i, line in enumerate(lines) if line.strip() == label) + 1
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    return [line.strip().removeprefix("▌") for line in lines[start:end]]


class TestMultiLineFields:
    """A description or progress update shows wrapped, in a box of a fixed height (4 lines, 6
    on a terminal of 40 lines or more): a longer text scrolls inside it, the cursor in sight,
    and moving to another node never changes the form's layout."""

    @pilot_test
    async def test_the_first_screen_shows_the_description_whole(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            description = find(app, "COM-01").data["description"]
            shown = lines_under(form_lines(app), "Description")
            assert len(shown) > 1  # wrapped at 80 columns
            assert " ".join(shown) == " ".join(description.split())

    @pilot_test
    async def test_the_box_keeps_its_height_and_typing_scrolls_it(self, blaby: Path) -> None:
        async with editing(blaby, size=(160, 45)) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            area = field(app, "progress")
            assert area.region.height == 6  # a tall terminal
            await type_at_end(pilot, "progress", " More." * 10)
            area.post_message(events.Paste(" Much more to say." * 30))  # pasted, at the end
            await settle(pilot)
            assert field_text(app, "progress").endswith("say. Much more to say.")
            assert area.region.height == 6
            shown = lines_under(form_lines(app), "Progress update")
            assert len(shown) == 6 and shown[-1].endswith("Much more to say.")  # its end
            assert area.scroll_offset.y > 0


    @pilot_test
    async def test_ctrl_end_then_typing_adds_to_the_end(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            field(app, "progress").focus()
            await settle(pilot)
            await pilot.press("ctrl+end", *" Booked.", "ctrl+home", *"Q3: ")
            await settle(pilot)
            assert field_text(app, "progress") == "Q3: " + COM02_PROGRESS + " Booked."


class TestExternalChange:
    """A colleague saved the file while it was open: ctrl+s asks before overwriting their work."""

    @staticmethod
    def colleague_edits(path: Path) -> bytes:
        text = path.read_bytes().replace(b'title = "To Review and Refresh',
                                         b'title = "Colleague: To Review and Refresh')
        path.write_bytes(text)
        return text

    @staticmethod
    async def save_after(pilot: Pilot, path: Path, change: Callable[[Path], object]) -> bytes:
        """The officer sets COM-02 to On track; meanwhile `change` rewrites the file on disk;
        then the officer presses ctrl+s. Returns the file as `change` left it."""
        await go_to(pilot, "COM-02")
        await choose_status(pilot, "On track")
        change(path)
        theirs = path.read_bytes()
        await pilot.press("ctrl+s")
        await settle(pilot)
        return theirs

    @pilot_test
    async def test_save_asks_then_cancel_or_overwrite(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            # GIVEN someone else changed the file on disk; WHEN ctrl+s
            theirs = await self.save_after(pilot, blaby, self.colleague_edits)
            # THEN cap asks, naming the file, and writes nothing yet
            question = dialog_text(app)
            assert question.startswith(f"{blaby} has changed on disk since you opened it.")
            text = screen_text(app)
            assert "Cancel (c)" in text and "Overwrite (o)" in text and "Reload (r)" in text
            assert blaby.read_bytes() == theirs
            # WHEN cancel: the editor keeps the officer's change, the file keeps theirs
            await pilot.press("c")
            await settle(pilot, 2)
            assert editor(app).doc.modified
            assert find(app, "COM-02").data["status"] == "green"
            assert blaby.read_bytes() == theirs
            # WHEN ctrl+s again, and o (overwrite)
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("o")
            await settle(pilot, 2)
            # THEN the officer's version is written, over the colleague's
            assert notifications(app)[-1].startswith("Saved blaby-2024-25.toml")
            assert not editor(app).doc.modified
        on_disk = blaby.read_bytes()
        assert b'status = "green"' in on_disk
        assert b"Colleague:" not in on_disk
        removed, added = changed_lines(BLABY.read_bytes(), on_disk)
        assert (removed, added) == (['status = "in-progress"\n'], ['status = "green"\n'])

    @pilot_test
    async def test_reload_shows_the_colleagues_version_with_the_officers_edits(
            self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await self.save_after(pilot, blaby, self.colleague_edits)
            await pilot.press("r")
            await settle(pilot, 2)
            assert notifications(app)[-1] == ("Reloaded blaby-2024-25.toml from disk, keeping 1 "
                                              "of your edits")
            assert find(app, "COM-01").title.startswith("Colleague: ")
            assert find(app, "COM-02").data["status"] == "green"  # the officer's, kept
            assert editor(app).doc.modified
            assert "COM-01 [In progress] Colleague: To Review and Refresh the Homelessness & " \
                "Rough Sleeping Strategy" in tree_labels(app)
            assert len(app.screen_stack) == 1  # the editor replaced, not stacked
            await pilot.press("ctrl+s")
            await settle(pilot)
        on_disk = blaby.read_bytes()
        assert b"Colleague: To Review" in on_disk
        _, added = changed_lines(BLABY.read_bytes(), on_disk)
        assert [a for a in added if a.startswith("status")] == ['status = "green"\n']

    @pilot_test
    async def test_reload_of_a_broken_file_keeps_the_officers_work(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app

            def break_it(path: Path) -> None:  # the colleague's version does not parse
                path.write_bytes(path.read_bytes().replace(b'title = "To Review', b'title = To'))

            await self.save_after(pilot, blaby, break_it)
            # WHEN r (reload)
            await pilot.press("r")
            await settle(pilot, 2)
            # THEN the problem screen names the file and the line
            text = screen_text(app)
            assert "This plan cannot be opened" in text
            assert app.screen.problem.path == str(blaby)  # shown in full (it wraps at 80 columns)
            assert "Where:   line " in text
            # WHEN escape: back in the editor, the officer's change still there, unsaved
            await pilot.press("escape")
            await settle(pilot)
            assert editor(app).doc.modified
            assert find(app, "COM-02").data["status"] == "green"


class TestUndoRedo:
    """ctrl+z and ctrl+y step through every change, across fields and nodes."""

    @pilot_test
    async def test_undo_and_redo_across_fields(self, blaby: Path) -> None:
        before = blaby.read_bytes()
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            # GIVEN the title and then the status of COM-02 changed
            await type_at_end(pilot, "title", " (2)")
            await choose_status(pilot, "On track")
            com02 = find(app, "COM-02")
            # WHEN ctrl+z: the status comes back, the title stays
            await pilot.press("ctrl+z")
            await settle(pilot, 2)
            assert com02.data["status"] == "in-progress"
            assert field_text(app, "status") == "in-progress"
            assert field_text(app, "title") == "Temporary Accommodation Units (2)"
            # WHEN ctrl+z again: the whole typed word goes in one step
            await pilot.press("ctrl+z")
            await settle(pilot, 2)
            assert com02.title == "Temporary Accommodation Units"
            assert field_text(app, "title") == "Temporary Accommodation Units"
            assert not editor(app).doc.modified
            assert not header(app).startswith("●")
            # WHEN ctrl+z with nothing left
            await pilot.press("ctrl+z")
            await settle(pilot, 2)
            assert notifications(app)[-1] == "Nothing to undo"
            # WHEN ctrl+y twice: both changes are back
            await pilot.press("ctrl+y", "ctrl+y")
            await settle(pilot, 2)
            assert field_text(app, "title") == "Temporary Accommodation Units (2)"
            assert field_text(app, "status") == "green"
            await pilot.press("ctrl+y")
            await settle(pilot, 2)
            assert notifications(app)[-1] == "Nothing to redo"
            await pilot.press("ctrl+s")
            await settle(pilot)
        removed, added = changed_lines(before, blaby.read_bytes())
        assert removed == ['title = "Temporary Accommodation Units"\n',
                           'status = "in-progress"\n']
        assert added == ['title = "Temporary Accommodation Units (2)"\n',
                         'status = "green"\n']

    @pilot_test
    async def test_undo_of_typing_in_the_progress_update(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            await type_at_end(pilot, "progress",  " Done.")
            assert app.focused is field(app, "progress")
            # WHEN ctrl+z while typing in the text box: cap's undo, not the text box's
            await pilot.press("ctrl+z")
            await settle(pilot, 2)
            assert field_text(app, "progress") == COM02_PROGRESS
            assert not editor(app).doc.modified
            await pilot.press("ctrl+y")
            await settle(pilot, 2)
            assert field_text(app, "progress") == COM02_PROGRESS +  " Done."

    @pilot_test
    async def test_undo_after_moving_to_another_node(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            await choose_status(pilot, "On track")
            # GIVEN the officer has moved on to the programme above
            await go_to(pilot, "homelessness-prevention")
            # WHEN ctrl+z
            await pilot.press("ctrl+z")
            await settle(pilot, 2)
            # THEN COM-02's status is back, and cap shows COM-02 so the officer sees what changed
            assert find(app, "COM-02").data["status"] == "in-progress"
            assert cursor_id(app) == "COM-02"
            assert form_title(app) == "Action COM-02"
            assert field_text(app, "status") == "in-progress"
        assert blaby.read_bytes() == BLABY.read_bytes()

    @pilot_test
    async def test_undo_of_an_add_leaves_the_form_on_the_cursor(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            await pilot.press("a")
            await settle(pilot, 2)
            await pilot.press("escape")
            await settle(pilot, 2)
            # WHEN the new action is undone
            await pilot.press("ctrl+z")
            await settle(pilot, 2)
            assert "COM-06" not in tree_ids(app)
            # THEN the form shows whatever the tree's cursor is on
            assert cursor_id(app) is not None
            assert form_title(app).endswith(" " + cursor_id(app))


class TestQuit:
    """ctrl+q never loses work without asking."""

    @pilot_test
    async def test_quit_without_changes_just_quits(self) -> None:
        async with editing(BLABY) as pilot:
            await pilot.press("ctrl+q")
            await settle(pilot)
            assert not pilot.app.is_running

    @pilot_test
    async def test_quit_with_changes_asks_and_cancel_keeps_editing(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            await choose_status(pilot, "On track")
            await pilot.press("ctrl+q")
            await settle(pilot)
            assert dialog_text(app) == "Save your changes to blaby-2024-25.toml before quitting?"
            text = screen_text(app)
            assert "Save (s)" in text and "Discard (d)" in text and "Cancel (c)" in text
            await pilot.press("c")
            await settle(pilot, 2)
            assert app.is_running
            assert editor(app).doc.modified
            # escape is cancel too
            await pilot.press("ctrl+q")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot, 2)
            assert app.is_running
            assert find(app, "COM-02").data["status"] == "green"
        assert blaby.read_bytes() == BLABY.read_bytes()

    @pilot_test
    async def test_quit_and_save(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            await go_to(pilot, "COM-02")
            await choose_status(pilot, "On track")
            await pilot.press("ctrl+q")
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            assert not pilot.app.is_running
        removed, added = changed_lines(BLABY.read_bytes(), blaby.read_bytes())
        assert (removed, added) == (['status = "in-progress"\n'], ['status = "green"\n'])

    @pilot_test
    async def test_quit_and_discard(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            await go_to(pilot, "COM-02")
            await choose_status(pilot, "On track")
            await pilot.press("ctrl+q")
            await settle(pilot)
            await pilot.press("d")
            await settle(pilot, 2)
            assert not pilot.app.is_running
        assert blaby.read_bytes() == BLABY.read_bytes()

    @pilot_test
    async def test_quit_save_overwrite_when_changed_on_disk(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            await go_to(pilot, "COM-02")
            await choose_status(pilot, "On track")
            TestExternalChange.colleague_edits(blaby)
            await pilot.press("ctrl+q")
            await settle(pilot)
            await pilot.press("s")  # save ... the file changed on disk: cap asks again
            await settle(pilot)
            assert "has changed on disk" in dialog_text(pilot.app)
            await pilot.press("o")  # overwrite
            await settle(pilot)
            assert b'status = "green"' in blaby.read_bytes()
            # THEN cap quits, as the officer asked it to
            assert not pilot.app.is_running

