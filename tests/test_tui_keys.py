"""Every key is declared once (cap_tui/tui/bindings.py) and shows up everywhere it should: bound
on its widget, listed by `?`, offered by ctrl+p; a palette command does what its key does."""

# Fixtures are imported from tui_fixtures (conftest.py belongs to the core's tests), so a
# test's parameter has the name of an import: that is how pytest finds them.
# ruff: noqa: F811

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from tui_fixtures import (
    BLABY,
    blaby,  # noqa: F401  (fixture)
    cap_data_dir,  # noqa: F401  (autouse fixture)
    cursor_id,
    editing,
    go_to,
    notifications,
    pilot_test,
    screen_text,
    settle,
    tree,
)

from cap_tui.tui.app import CapApp
from cap_tui.tui.bindings import COMMANDS, Scope, bindings, help_rows, key_names
from cap_tui.tui.screens.dialogs import ChoiceScreen, PickScreen, ProblemScreen
from cap_tui.tui.screens.editor import EditorScreen
from cap_tui.tui.screens.help import HelpScreen
from cap_tui.tui.screens.picker import PickerScreen
from cap_tui.tui.screens.review import ReportScreen
from cap_tui.tui.widgets.filter import FilterBar
from cap_tui.tui.widgets.form import FieldText
from cap_tui.tui.widgets.tree import PlanTree

HOLDERS = {Scope.APP: CapApp, Scope.EDITOR: EditorScreen, Scope.TREE: PlanTree,
           Scope.TEXT: FieldText, Scope.FILTER: FilterBar, Scope.PICKER: PickerScreen,
           Scope.HELP: HelpScreen, Scope.CHOICE: ChoiceScreen, Scope.PICK: PickScreen,
           Scope.PROBLEM: ProblemScreen, Scope.REPORT: ReportScreen}


def _keys(declared: list) -> list[tuple[str, str, str, bool, bool]]:  # type: ignore[type-arg]
    return [(b.key, b.action, b.description, b.show, b.priority)
            for b in Binding.make_bindings(declared)]


def test_each_widget_binds_exactly_its_keys_from_the_table() -> None:
    for scope, holder in HOLDERS.items():
        assert _keys(bindings(scope)) == _keys(holder.BINDINGS), scope
    assert set(HOLDERS) == set(Scope) - {Scope.TEXTUAL}  # no scope left without a holder


def test_every_command_with_a_key_is_in_the_help_and_ids_are_unique() -> None:
    assert len({c.id for c in COMMANDS}) == len(COMMANDS)
    listed = {(keys, what) for _, rows in help_rows() for keys, what in rows}
    for command in COMMANDS:
        if command.group:
            assert any(command.help in what and all(k in keys for k in key_names(command))
                       for keys, what in listed), command.id
    for command in COMMANDS:
        for key in command.keys:
            if key.scope is not Scope.TEXTUAL:
                binding = next(b for b in bindings(key.scope)
                               if isinstance(b, Binding) and b.key == key.keys)
                assert binding.tooltip == command.help


@pilot_test
async def test_the_help_screen_lists_the_tables_keys() -> None:
    async with editing(BLABY) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(pilot.app)
        for group, rows in help_rows():
            assert group in text
            keys, what = rows[0]
            assert keys in text and what[:30] in text


@pilot_test
async def test_the_palette_offers_the_tables_commands_and_runs_them(blaby: Path) -> None:
    async with editing(blaby) as pilot:
        app = pilot.app
        screen = app.screen
        titles = [c.title for c in app.get_system_commands(screen)]
        for command in COMMANDS:
            if command.palette:
                assert command.palette in titles, command.id
        # WHEN ctrl+p, "node: add programme", enter, on COM-02
        await go_to(pilot, "COM-02")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"node: add programme")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, 2)
        # THEN a programme is added after COM-02's, as the tree's `add('programme')` does
        assert notifications(app)[-1].startswith("Added programme ")
        new = cursor_id(app)
        assert new is not None
        theme = tree(app).plan.find("communities")
        assert theme is not None
        ids = [p.id for p in theme.children]
        assert ids.index(new) == ids.index("homelessness-prevention") + 1
