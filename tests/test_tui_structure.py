"""Changing the plan's shape from the tree: add, duplicate, delete, move up/down, move elsewhere.

Each story checks the tree the officer sees and the bytes cap writes: a structural edit moves or
inserts whole tables and touches nothing else in the file.
"""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.
# ruff: noqa: F811

from __future__ import annotations

from pathlib import Path

from tui_fixtures import (
    BLABY,
    action_ids_of,
    blaby,  # noqa: F401  (fixture)
    cap_data_dir,  # noqa: F401  (autouse fixture)
    cursor_id,
    dialog_text,
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
    tree,
    tree_ids,
    tree_labels,
    widget_text,
)

ORIGINAL = BLABY.read_text(encoding="utf-8")


def block(action_id: str) -> str:
    """An action's table as the file has it: from its header to the blank line after it."""
    start = ORIGINAL.index(f'[[theme.programme.action]]\nid = "{action_id}"\n')
    end = ORIGINAL.index("\n\n", start) + 2
    return ORIGINAL[start:end]


def before_header(programme_id: str) -> str:
    """The text at the start of a programme's header, to insert before."""
    return f'[[theme.programme]]\nid = "{programme_id}"\n'


class TestAdd:
    """`a` adds an action after the selected one, with the plan's next id."""

    @pilot_test
    async def test_add_an_action_after_com02(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            # GIVEN the cursor on COM-02, the last action of Homelessness Prevention
            await go_to(pilot, "COM-02")
            # WHEN a
            await pilot.press("a")
            await settle(pilot, 2)
            # THEN a new action COM-06 follows COM-02, and its title is ready to type
            assert notifications(app)[-1] == "Added action COM-06: give it a title"
            assert action_ids_of(app, "homelessness-prevention") == ["COM-01", "COM-02", "COM-06"]
            assert cursor_id(app) == "COM-06"
            assert app.focused is field(app, "title")
            assert field_text(app, "status") == "not-started"
            # WHEN the officer types its title
            await pilot.press(*"Hostel")
            await settle(pilot)
            assert "COM-06 [Not started] Hostel" in tree_labels(app)
            # AND the summary counts it
            await pilot.pause(0.3)
            assert widget_text(app.screen.query_one("#strip")).startswith("45 actions")
            await pilot.press("ctrl+s")
            await settle(pilot)
        # THEN the file gains exactly the new table, after COM-02's and before the next programme
        new = ('[[theme.programme.action]]\nid = "COM-06"\ntitle = "Hostel"\nlead = ""\n'
               'due = ""\nstatus = "not-started"\n\n')
        anchor = before_header("equalities-diversity-inclusion-in-service-design-access")
        assert blaby.read_text(encoding="utf-8") == ORIGINAL.replace(anchor, new + anchor, 1)

    @pilot_test
    async def test_add_on_a_theme_adds_a_programme_and_then_an_action_in_it(
            self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "communities")
            await pilot.press("a")
            await settle(pilot, 2)
            assert notifications(app)[-1] == "Added programme new-programme: give it a title"
            assert [p.id for p in find(app, "communities").children][-1] == "new-programme"
            await pilot.press(*"Rough")
            await pilot.press("escape")
            await settle(pilot, 2)
            assert cursor_id(app) == "new-programme"
            await pilot.press("a")
            await settle(pilot, 2)
            # an action in a new programme takes its id from the theme's actions
            assert action_ids_of(app, "new-programme") == ["COM-06"]
            assert cursor_id(app) == "COM-06"


class TestDuplicate:
    """`c` copies the selected node right after it, with new ids."""

    @pilot_test
    async def test_duplicate_com02(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            await pilot.press("c")
            await settle(pilot, 2)
            assert notifications(app)[-1] == "Duplicated COM-02 as COM-06"
            assert action_ids_of(app, "homelessness-prevention") == ["COM-01", "COM-02", "COM-06"]
            assert cursor_id(app) == "COM-06"
            assert field_text(app, "title") == "Temporary Accommodation Units"
            await pilot.press("ctrl+s")
            await settle(pilot)
        copy = block("COM-02").replace('id = "COM-02"', 'id = "COM-06"')
        anchor = before_header("equalities-diversity-inclusion-in-service-design-access")
        assert blaby.read_text(encoding="utf-8") == ORIGINAL.replace(anchor, copy + anchor, 1)


class TestDelete:
    """`x` (or delete) asks first; the table and its comments leave the file."""

    @pilot_test
    async def test_delete_com02_asks_then_removes_its_table(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            # WHEN x
            await pilot.press("x")
            await settle(pilot)
            # THEN cap asks, naming the action
            assert dialog_text(app) == ("Delete action COM-02 “Temporary Accommodation Units”?\n"
                                        "Undo (ctrl+z) brings it back until you quit.")
            assert "Delete (d)" in screen_text(app)
            # WHEN c (cancel): nothing happens
            await pilot.press("c")
            await settle(pilot, 2)
            assert "COM-02" in tree_ids(app)
            assert not editor(app).doc.modified
            # WHEN delete, then d
            await pilot.press("delete")
            await settle(pilot, 2)
            await pilot.press("d")
            await settle(pilot, 2)
            # THEN COM-02 is gone and the cursor is on its neighbour
            assert notifications(app)[-1] == "Deleted COM-02"
            assert "COM-02" not in tree_ids(app)
            assert cursor_id(app) == "COM-01"
            assert widget_text(app.screen.query_one("#form-title")) == "Action COM-01"
            await pilot.press("ctrl+s")
            await settle(pilot)
        # THEN the file is the original without COM-02's table, byte for byte
        assert blaby.read_text(encoding="utf-8") == ORIGINAL.replace(block("COM-02"), "", 1)

    @pilot_test
    async def test_deleting_a_programme_counts_its_actions_and_undo_restores_it(
            self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "homelessness-prevention")
            await pilot.press("x")
            await settle(pilot)
            assert dialog_text(app).startswith(
                "Delete programme homelessness-prevention “Homelessness Prevention” and "
                "the 2 actions under it?")
            await pilot.press("d")
            await settle(pilot, 2)
            assert "COM-01" not in tree_ids(app)
            assert "COM-02" not in tree_ids(app)
            # WHEN ctrl+z: the programme and its actions are back where they were
            await pilot.press("ctrl+z")
            await settle(pilot, 2)
            assert tree_ids(app)[:3] == ["", "communities", "homelessness-prevention"]
            assert action_ids_of(app, "homelessness-prevention") == ["COM-01", "COM-02"]
            assert not editor(app).doc.modified
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert blaby.read_bytes() == BLABY.read_bytes()

    @pilot_test
    async def test_undo_of_a_programme_delete_shows_its_actions_again(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "homelessness-prevention")
            await pilot.press("x", "d")
            await settle(pilot, 2)
            await pilot.press("ctrl+z")
            await settle(pilot, 2)
            # THEN the tree is as it was before the delete: the programme open, its actions shown
            assert tree_ids(app)[:5] == ["", "communities", "homelessness-prevention",
                                         "COM-01", "COM-02"]  # "": the plan's own line


class TestMove:
    """`[` and `]` move a node among its siblings; `m` moves an action to another programme."""

    @pilot_test
    async def test_move_down_and_up(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            # GIVEN the cursor on COM-01
            await go_to(pilot, "COM-01")
            # WHEN ]
            await pilot.press("right_square_bracket")
            await settle(pilot, 2)
            # THEN COM-01 is below COM-02 and the cursor went with it
            assert tree_ids(app)[3:5] == ["COM-02", "COM-01"]
            assert cursor_id(app) == "COM-01"
            # WHEN ] again: it is already last, nothing changes
            await pilot.press("right_square_bracket")
            await settle(pilot, 2)
            assert action_ids_of(app, "homelessness-prevention") == ["COM-02", "COM-01"]
            await pilot.press("ctrl+s")
            await settle(pilot)
            moved = blaby.read_text(encoding="utf-8")
            # WHEN [ : back up
            await pilot.press("left_square_bracket")
            await settle(pilot, 2)
            assert tree_ids(app)[3:5] == ["COM-01", "COM-02"]
            assert cursor_id(app) == "COM-01"
        # THEN the saved file had the two tables swapped, and nothing else changed
        swapped = ORIGINAL.replace(block("COM-01") + block("COM-02"),
                                   block("COM-02") + block("COM-01"), 1)
        assert moved == swapped

    @pilot_test
    async def test_move_com02_to_another_programme(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await go_to(pilot, "COM-02")
            # WHEN m
            await pilot.press("m")
            await settle(pilot)
            # THEN cap lists the other programmes, with their themes
            text = screen_text(app)
            assert "Move COM-02 to which programme?" in text
            assert "Community Health & Well-Being Plan  community-health-" in text
            assert "Homelessness Prevention  (here now)" in text
            # WHEN escape: nothing moves
            await pilot.press("escape")
            await settle(pilot, 2)
            assert not editor(app).doc.modified
            # WHEN m, down, enter: the second programme listed
            await pilot.press("m")
            await settle(pilot)
            await pilot.press("down", "enter")
            await settle(pilot, 2)
            # THEN COM-02 is the last action of Community Health & Well-Being Plan
            assert notifications(app)[-1] == (
                "Moved COM-02 to Community Health & Well-Being Plan")
            assert action_ids_of(app, "homelessness-prevention") == ["COM-01"]
            assert action_ids_of(app, "community-health-well-being-plan") == ["COM-04", "COM-02"]
            ids = tree_ids(app)
            assert ids[ids.index("community-health-well-being-plan") + 1:][:2] == [
                "COM-04", "COM-02"]
            assert cursor_id(app) == "COM-02"
            await pilot.press("ctrl+s")
            await settle(pilot)
            moved = blaby.read_text(encoding="utf-8")
            # WHEN ctrl+z: it is back in Homelessness Prevention
            await pilot.press("ctrl+z")
            await settle(pilot, 2)
            assert action_ids_of(app, "homelessness-prevention") == ["COM-01", "COM-02"]
            assert tree(app).tree_node(find(app, "COM-02")) is not None
        # THEN the file moved COM-02's table, unchanged, to after COM-04's
        expected = ORIGINAL.replace(block("COM-02"), "", 1)
        expected = expected.replace(block("COM-04"), block("COM-04") + block("COM-02"), 1)
        assert moved == expected
