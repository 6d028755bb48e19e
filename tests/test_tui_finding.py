"""Finding things: the filter bar, overdue only, the summary of what is shown, the problems list."""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.
# ruff: noqa: F811

from __future__ import annotations

import re
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input
from tui_fixtures import (
    BLABY,
    WIDE,
    blaby,  # noqa: F401  (fixture)
    cap_data_dir,  # noqa: F401  (autouse fixture)
    cursor_id,
    editing,
    field,
    notifications,
    pilot_test,
    screen_text,
    settle,
    tree,
    tree_ids,
    widget_text,
)

ALL_ACTIONS = 44


def strip(app) -> str:
    return widget_text(app.screen.query_one("#strip"))


def shown_actions(app) -> list[str]:
    return [i for i in tree_ids(app) if i[:3].isupper()]


async def choose_problem(pilot: Pilot, node_id: str, field_key: str) -> None:
    """In the problems list (p), move down to a node's problem and press enter."""
    problems = pilot.app.screen.query_one("#problems")
    entries = problems.entries  # type: ignore[attr-defined]
    target = next(i for i, (node, p) in enumerate(entries)
                  if node is not None and node.id == node_id and p.field == field_key)
    for _ in range(len(entries) + 1):
        if problems.highlighted == target:  # type: ignore[attr-defined]
            break
        await pilot.press("down")
    assert problems.highlighted == target  # type: ignore[attr-defined]
    await pilot.press("enter")
    await settle(pilot, 2)


async def filter_for(pilot: Pilot, words: str, paste: bool = True) -> None:
    """Open the filter bar (/), replace its words, and wait for the tree to follow.

    The words are pasted (one change, as when the officer pastes an id) or typed key by key.
    """
    bar = pilot.app.screen.query_one("#filter", Input)
    if not bar.has_focus:
        await pilot.press("slash")
        await pilot.pause()
    await pilot.press("ctrl+u")
    if paste:
        bar.post_message(events.Paste(words))
    else:
        await pilot.press(*words)
    await pilot.pause(0.2)  # the filter waits for a pause in typing
    await settle(pilot, 2)


class TestFilter:
    """`/` filters the tree: free words, status:KEY, lead:TEXT, overdue; the summary follows."""

    @pilot_test
    async def test_words_status_and_lead(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            # WHEN / and a word from COM-01's progress update
            await filter_for(pilot, "scrutiny", paste=False)
            # THEN only COM-01 is shown, under its theme and programme
            assert tree_ids(app) == ["", "communities", "homelessness-prevention", "COM-01"]
            assert cursor_id(app) == "COM-01"
            # AND the one-line summary counts the filtered set
            assert strip(app).startswith("1 of 44 ")
            assert "0 finished" in strip(app) and "0 overdue" in strip(app)
            # WHEN status:completed
            await filter_for(pilot, "status:completed")
            done = shown_actions(app)
            assert len(done) == 14
            assert all("[Completed]" in label for label in screen_text(app).splitlines()
                       if any(f" {a} [" in label for a in done))
            assert strip(app).startswith("14 of 44 ")
            assert "14 finished" in strip(app) and "100%" in strip(app)
            # WHEN a status by the start of its label: status:in (In progress)
            await filter_for(pilot, "status:in")
            assert len(shown_actions(app)) == 30
            # WHEN lead:fleet
            await filter_for(pilot, "lead:fleet")
            assert tree_ids(app) == ["", "environment", "council-net-zero-2030", "ENV-03"]
            assert cursor_id(app) == "ENV-03"
            # WHEN lead: and status: together
            await filter_for(pilot, "lead:parks status:in-progress")
            assert shown_actions(app) == ["ENV-06", "ENV-07", "ENV-08"]
            # WHEN enter: back to the tree, the filter stays
            await pilot.press("enter")
            await settle(pilot, 2)
            assert app.focused is tree(app)
            assert shown_actions(app) == ["ENV-06", "ENV-07", "ENV-08"]

    @pilot_test
    async def test_an_action_added_under_a_filter_is_shown(self, blaby: Path) -> None:
        async with editing(blaby) as pilot:
            app = pilot.app
            await filter_for(pilot, "temporary")
            assert shown_actions(app) == ["COM-02"]
            await pilot.press("enter")  # the filter bar gives the tree its focus
            await settle(pilot)
            # WHEN a (add an action after COM-02), which the filter would hide
            await pilot.press("a")
            await settle(pilot, 2)
            # THEN the filter is cleared, and the new action is in the tree, under the cursor
            assert notifications(app)[-2:] == ["Filter cleared to show COM-06",
                                               "Added action COM-06: give it a title"]
            assert not app.screen.query_one("#filter", Input).display
            assert "COM-06" in shown_actions(app)
            assert cursor_id(app) == "COM-06"
            await pilot.pause(0.3)  # the summary is recounted once typing stops
            assert strip(app).startswith("45 actions")

    @pilot_test
    async def test_escape_clears_the_filter(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            before = tree_ids(app)
            await filter_for(pilot, "lead:fleet")
            assert strip(app).startswith("1 of 44 ")
            # WHEN escape in the filter bar
            await pilot.press("escape")
            await pilot.pause(0.2)
            await settle(pilot, 2)
            # THEN the bar is empty and hidden, every action counts again
            bar = app.screen.query_one("#filter", Input)
            assert bar.value == ""
            assert not bar.display
            assert strip(app).startswith("44 actions")
            assert app.focused is tree(app)
            # AND the tree is as it was before filtering, every programme unfolded
            assert tree_ids(app) == before

    @pilot_test
    async def test_o_shows_only_overdue_and_again_shows_all(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            # WHEN o
            await pilot.press("o")
            await pilot.pause(0.2)
            await settle(pilot, 2)
            # THEN only ORG-04 (due 2024-07, in progress at 2024-11-30) is shown, marked OVERDUE
            assert shown_actions(app) == ["ORG-04"]
            assert "ORG-04 OVERDUE Deliver th" in screen_text(app)
            assert app.screen.query_one("#filter", Input).value == "overdue"
            assert strip(app).startswith("1 of 44 ")
            assert "1 overdue" in strip(app)
            # WHEN o again
            await pilot.press("o")
            await pilot.pause(0.2)
            await settle(pilot, 2)
            assert strip(app).startswith("44 actions")
            assert app.screen.query_one("#filter", Input).value == ""

    @pilot_test
    async def test_the_side_summary_shows_the_filtered_set(self) -> None:
        # GIVEN a wide terminal, where the summary is a pane beside the form
        async with editing(BLABY, WIDE) as pilot:
            app = pilot.app
            summary = app.screen.query_one("#summary")
            text = widget_text(summary)
            assert text.startswith("44 actions\n")
            assert re.search(r"^ +30 +68% In progress", text, re.M)
            assert re.search(r"^ +14 +32% Completed", text, re.M)
            # WHEN the officer filters to overdue actions by typing the word
            await filter_for(pilot, "overdue")
            # THEN the pane says how many of how many, and counts only those
            text = widget_text(summary)
            assert text.startswith("Filtered: 1 of 44 actions\n")
            assert re.search(r"^ +1 +100% In progress", text, re.M)
            assert "Completed" not in text
            assert re.search(r"^Finished +0 ", text, re.M)
            assert re.search(r"^Overdue +1$", text, re.M)


class TestProblems:
    """`p` lists every problem; choosing one puts the cursor in the field to fix."""

    @pilot_test
    async def test_jump_from_a_problem_to_its_field(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            # WHEN p
            await pilot.press("p")
            await settle(pilot)
            # THEN the problems list is shown (instead of the form, on 80 columns)
            problems = app.screen.query_one("#problems")
            assert app.focused is problems
            assert not app.screen.query_one("#form").display
            text = screen_text(app)
            assert "Problems (5 errors, 5 warnings)" in text
            assert "E ENV-01.lead action's lead is empty" in text
            assert 'W ECO-04.lead lead "Health, Leisure &"' in text and "cut short?" in text
            # WHEN the officer moves down to ORG-04's problem and presses enter
            await choose_problem(pilot, "ORG-04", "due")
            # THEN the form is back, on ORG-04, with the cursor in Expected completion
            assert app.screen.query_one("#form").display
            assert cursor_id(app) == "ORG-04"
            assert widget_text(app.screen.query_one("#form-title")) == "Action ORG-04"
            assert app.focused is field(app, "due")
            assert "Warning: overdue: expected by 2024-07" in screen_text(app)
            # GIVEN a filter that hides ENV-01 (it has no lead)
            await pilot.press("escape")
            await filter_for(pilot, "lead:fleet")
            await pilot.press("enter", "p")
            await settle(pilot)
            # WHEN the officer chooses ENV-01's problem
            await choose_problem(pilot, "ENV-01", "lead")
            # THEN the filter is cleared so that ENV-01 can be shown, with the cursor in Lead
            assert cursor_id(app) == "ENV-01"
            assert app.focused is field(app, "lead")
            assert app.screen.query_one("#filter", Input).value == ""
            assert strip(app).startswith("44 actions")

    @pilot_test
    async def test_s_shows_the_summary_on_a_narrow_terminal(self) -> None:
        async with editing(BLABY) as pilot:
            app = pilot.app
            # GIVEN 80 columns: the summary is folded into one line, the side pane hidden
            assert not app.screen.query_one("#side").display
            # WHEN s
            await pilot.press("s")
            await settle(pilot)
            assert app.screen.query_one("#side").display
            assert re.search(r"Finished +14 +32%", screen_text(app))
            await pilot.press("s")
            await settle(pilot)
            assert not app.screen.query_one("#side").display
            assert app.focused is tree(app)
