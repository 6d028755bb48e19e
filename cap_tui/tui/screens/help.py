"""The help screen: every key of the screen it was asked from (the editor's or the picker's),
grouped, as the bindings declare them (tui/bindings.py)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..bindings import Scope, bindings, help_rows
from ..widgets.footer import KeysFooter

TITLES = {Scope.EDITOR: "cap: keys", Scope.PICKER: "cap: keys of the list of plans"}

PLAN_DETAILS = (
    "The plan's own details (council, title, period, as-of date, reporting point) are edited "
    "like any node: select the plan, the tree's first row, and change them in the form "
    "(or ctrl+p, plan: edit plan details). The as-of date is the date the progress updates "
    "speak for: overdue is measured against it.")


class HelpScreen(ModalScreen[None]):
    """Lists the keys of one screen. Escape, q or ? closes it."""

    BINDINGS = bindings(Scope.HELP)

    def __init__(self, where: Scope = Scope.EDITOR) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2), expand=True)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("what it does")
        for group, rows in help_rows(self.where):
            table.add_row(Text(group, style="bold underline"), "")
            for key, what in rows:
                table.add_row(key, what)
        with VerticalScroll(classes="help-box"):
            yield Static(Text(TITLES[self.where], style="bold"), id="help-title")
            yield Static(table, id="help-keys")
            if self.where is Scope.EDITOR:
                yield Static(Text("\n" + PLAN_DETAILS), id="help-plan")
        yield KeysFooter()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
