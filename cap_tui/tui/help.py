"""The help screen: every key, grouped as in the command palette."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Move around", [
        ("up / down", "move in the tree"),
        ("left / right", "fold / unfold a theme or programme"),
        ("enter, tab", "edit the selected node (tab moves through its fields)"),
        ("escape", "back to the tree"),
        ("/  or  ctrl+f", "filter: words, status:KEY, lead:TEXT, overdue, due:DAYS"),
        ("o", "show only overdue actions (again to show all)"),
        ("p", "problems list: enter jumps to the node and field"),
        ("s", "summary (on a narrow terminal)"),
    ]),
    ("Review", [
        ("g", "changes since the last commit, action by action (as cap diff)"),
        ("h", "the selected action's history through git (as cap history)"),
    ]),
    ("Edit", [
        ("a", "add: an action (a programme on a theme, a theme on the plan)"),
        ("c", "duplicate the selected action or programme"),
        ("delete  or  x", "delete the selected node (asks first)"),
        ("[  and  ]", "move the selected node up / down"),
        ("m", "move the action to another programme"),
        ("ctrl+z / ctrl+y", "undo / redo, across fields"),
    ]),
    ("File", [
        ("ctrl+s  or  F2", "save (F2 where the terminal takes ctrl+s)"),
        ("ctrl+q", "quit (asks when there are unsaved changes)"),
        ("ctrl+p", "command palette: every command, as area: verb"),
        ("?  or  F1", "this help"),
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
            table.add_row("", "")
        with VerticalScroll(classes="help-box"):
            yield Static(Text("cap: keys", style="bold"), id="help-title")
            yield Static(table, id="help-keys")
        yield Footer()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
