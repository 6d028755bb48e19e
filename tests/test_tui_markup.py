"""Text from a plan is data, never markup: `[bold]x[/bold]` and `[@click=app.quit]y` show as typed.

tests/data_tui/markup.toml puts markup-looking text in the plan's title, council and reporting
point, a theme, two programmes and an action's title, lead and progress. The officer must see the
brackets, and no click or key anywhere near them may run the action they name (app.quit).
"""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.
# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui_fixtures import (
    WIDE,
    cap_data_dir,  # noqa: F401  (autouse fixture)
    dialog_text,
    editing,
    editor,
    field_text,
    go_to,
    notifications,
    pilot_test,
    sample,  # noqa: F401  (fixture)
    screen_text,
    settle,
    tree_labels,
    widget_text,
)

BOLD = "[bold]x[/bold]"
CLICK = "[@click=app.quit]y"


class TestShownLiterally:
    @pilot_test
    async def test_header_tree_and_form_show_the_brackets(
            self, sample: Callable[[str], Path]) -> None:
        # GIVEN a plan whose titles look like markup, on a screen wide enough for all of them
        async with editing(sample("markup.toml"), WIDE) as pilot:
            app = pilot.app
            # THEN the header shows the plan's council and title as typed
            header = widget_text(app.screen.query_one("#plan-header"))
            assert header == (f"[b]Markup[/b] District Council · {BOLD} plan {CLICK}[/] · "
                              "as of 2025-09-30 · [red]Q2[/red]")
            # AND the tree
            labels = tree_labels(app)
            assert f"{BOLD} people {CLICK}" in labels
            assert f"{CLICK} housing" in labels
            assert f"MK-01 [On track] {BOLD} and {CLICK}" in labels
            # AND the form's fields
            assert field_text(app, "title") == f"{BOLD} and {CLICK}"
            assert field_text(app, "lead") == "[@click=app.quit]lead[/]"
            assert field_text(app, "progress") == f"{BOLD} progress {CLICK}"
            # AND what the terminal shows
            text = screen_text(app)
            assert f"{BOLD} plan {CLICK}" in text
            assert f"MK-01 [On track] {BOLD}" in text
            assert f"{BOLD} and {CLICK}" in text

    @pilot_test
    async def test_dialogs_and_notifications_show_the_brackets(
            self, sample: Callable[[str], Path]) -> None:
        async with editing(sample("markup.toml")) as pilot:
            app = pilot.app
            # WHEN m on MK-01: the other programme is listed as typed
            await pilot.press("m")
            await settle(pilot)
            assert f"{BOLD} second {CLICK}  second" in screen_text(app)
            await pilot.press("enter")
            await settle(pilot, 2)
            assert notifications(app)[-1] == f"Moved MK-01 to {BOLD} second {CLICK}"
            assert app.is_running
            # WHEN x on MK-01: the question quotes its title as typed
            await go_to(pilot, "MK-01")
            await pilot.press("x")
            await settle(pilot)
            assert dialog_text(app).startswith(f"Delete action MK-01 “{BOLD} and {CLICK}”?")
            await pilot.press("escape")
            await settle(pilot, 2)
            assert app.is_running


class TestNeverObeyed:
    @pilot_test
    async def test_clicking_on_the_markup_text_never_quits(
            self, sample: Callable[[str], Path]) -> None:
        async with editing(sample("markup.toml"), WIDE) as pilot:  # room for every title
            app = pilot.app
            # WHEN the officer clicks on every "[@click=app.quit]y" the screen shows: on its
            # first bracket, and on the "y" a link would be drawn on
            spots = []
            for row, line in enumerate(screen_text(app).splitlines()):
                start = line.find("[@click")
                while start >= 0:
                    spots.append((start, row))
                    y = line.find("]y", start)
                    if y > 0:
                        spots.append((y + 1, row))
                    start = line.find("[@click", start + 1)
            assert len(spots) >= 8
            for x, y in spots:
                await pilot.click(offset=(x, y))
                await pilot.pause()
                # THEN cap is still running, in the editor
                assert app.is_running, f"a click at {x},{y} quit cap"
                assert app.screen is editor(app)
            # AND keys around it do nothing unexpected either: select in the tree, edit, leave
            await pilot.press("escape", "enter", "tab", "enter", "escape", "escape")
            await settle(pilot)
            assert app.is_running
            assert app.screen is editor(app)

    @pilot_test
    async def test_the_command_palette_shows_titles_as_typed(
            self, sample: Callable[[str], Path]) -> None:
        async with editing(sample("markup.toml")) as pilot:
            app = pilot.app
            # WHEN ctrl+p and the action's id
            await pilot.press("ctrl+p")
            await settle(pilot)
            await pilot.press(*"MK-01")
            await pilot.pause(0.3)
            await settle(pilot)
            text = screen_text(app)
            row, line = next((r, ln) for r, ln in enumerate(text.splitlines())
                             if "go: MK-01" in ln)
            # THEN the title shows with its brackets
            assert f"go: MK-01 {BOLD} and {CLICK}" in line
            # AND clicking on the end of the line (where the y is) does not quit
            await pilot.click(offset=(line.rstrip().rfind("y"), row))
            await settle(pilot)
            assert app.is_running
