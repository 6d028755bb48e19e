"""The help screen: every key, grouped, as the bindings declare them (tui/bindings.py)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..bindings import Scope, bindings, help_rows
from ..widgets.footer import KeysFooter


class HelpScreen(ModalScreen[None]):
    """Lists the keys. Escape, q or ? closes it."""

    BINDINGS = bindings(Scope.HELP)

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2), expand=True)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("what it does")
        for group, rows in help_rows():
            table.add_row(Text(group, style="bold underline"), "")
            for key, what in rows:
                table.add_row(key, what)
        with VerticalScroll(classes="help-box"):
            yield Static(Text("cap: keys", style="bold"), id="help-title")
            yield Static(table, id="help-keys")
        yield KeysFooter()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
