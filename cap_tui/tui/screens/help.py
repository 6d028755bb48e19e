"""The help screen: every key, grouped as in the command palette."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..widgets.footer import KeysFooter

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Move around", [
        ("up/down left/right", "move in the tree; fold and unfold"),
        ("enter, tab, esc", "edit the node; next field; back to the tree"),
        ("ctrl+end  ctrl+home", "in a text: to its end; to its start"),
        ("/  ctrl+f", "filter: words, status:KEY, lead:TEXT, overdue, due:DAYS"),
        ("o  p  s", "overdue only; problems (enter jumps); summary"),
    ]),
    ("Edit", [
        ("a", "add an action (on a theme: a programme)"),
        ("c  x", "duplicate; delete (asks first)"),
        ("[  ]  m", "move up; move down; move to another programme"),
        ("ctrl+z  ctrl+y", "undo; redo (across fields and structure)"),
    ]),
    ("Review", [
        ("g", "changes since the last commit (as cap diff)"),
        ("h", "the selected action's history (as cap history)"),
    ]),
    ("File", [
        ("ctrl+s  F2", "save (F2 where the terminal takes ctrl+s)"),
        ("ctrl+q", "quit (asks when there are unsaved changes)"),
        ("ctrl+p", "every command, as area: verb; go: ID jumps"),
        ("?  F1", "this help; escape closes it"),
    ]),
]


class HelpScreen(ModalScreen[None]):
    """Lists the keys. Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2), expand=True)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("what it does")
        for group, rows in KEYS:
            table.add_row(Text(group, style="bold underline"), "")
            for key, what in rows:
                table.add_row(key, what)
        with VerticalScroll(classes="help-box"):
            yield Static(Text("cap: keys", style="bold"), id="help-title")
            yield Static(table, id="help-keys")
        yield KeysFooter()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
