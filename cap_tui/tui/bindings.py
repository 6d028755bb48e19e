"""cap's keys, declared once: the bindings, the help screen and the command palette read them here.

Each `Command` is one thing the officer can do: its id, the action it runs and on what (the app,
the editor screen, the tree, ...), the word the footer shows, a line of help (also the binding's
tooltip and the palette's help), the keys that run it and where each key works, and its place
in the help screen and the palette. A key added here is bound (`bindings`), listed by `?`
(`help_rows`) and offered by ctrl+p (`palette`) with nothing else to edit.

The order of the table is the order of each widget's bindings, which is the order of the keys in
the footer (a Add, x Delete, / Filter, p Problems, ? Help; ^s Save, ^z Undo), less those that
give way on a narrow line (`FOOTER_GIVES_WAY`); the editor's help lists its groups in `GROUPS`
order, the picker's its own (`picker_group`), each command in table order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from textual.binding import Binding, BindingType
from textual.keys import format_key


class Scope(StrEnum):
    """Where a key works, and what a command runs on."""

    APP = "app"  # everywhere
    EDITOR = "editor"  # the editor screen, whatever has the focus in it
    TREE = "tree"  # the plan's tree, when it has the focus
    TEXT = "text"  # a multi-line field of the form
    FILTER = "filter"  # the filter bar
    PICKER = "picker"  # the list of plans
    HELP = "help"  # this help
    CHOICE = "choice"  # a question with a few answers
    PICK = "pick"  # a list to pick from
    PROBLEM = "problem"  # the screen naming a file that cannot be read
    REPORT = "report"  # a review report (changes since the last commit, an action's history)
    TEXTUAL = "textual"  # a key Textual's own widget binds: listed in the help, not bound here


@dataclass(frozen=True)
class Key:
    """Keys (comma separated, as Textual writes them) that run a command in one scope."""

    scope: Scope
    keys: str
    show: bool = True  # in the footer
    action: str = ""  # a variant of the command's action (`text_end(True)`), if not the same
    listed: bool = True  # in the keys the help screen and the palette name
    shown: str = ""  # how the help screen writes the keys, if not as they are


@dataclass(frozen=True)
class Command:
    """One thing the officer can do, and every key that does it."""

    id: str
    action: str  # in the namespace of `runs_on`
    runs_on: Scope
    description: str  # the footer's word
    help: str  # a line of the help screen; the binding's tooltip; the palette's help
    keys: tuple[Key, ...] = ()
    group: str = ""  # the help screen's group ("": not in the help screen)
    row: str = ""  # commands with the same row are one line of the help screen
    palette: str = ""  # "area: verb" in the command palette ("": not offered)
    priority: bool = False  # before the focused widget's own keys (undo in a text box)
    picker_group: str = ""  # its group in the picker's help (`group` is the editor's)


MOVE, EDIT, REVIEW, FILE = "Move around", "Edit", "Review", "File"
GROUPS = (MOVE, EDIT, REVIEW, FILE)
PLANS = "The list of plans"
HELP_GROUPS = {Scope.EDITOR: GROUPS, Scope.PICKER: (PLANS,)}  # the help's groups, by screen

COMMANDS: tuple[Command, ...] = (
    Command("file.save", "save", Scope.EDITOR, "Save",
            "save (F2 where the terminal takes ctrl+s)",
            (Key(Scope.EDITOR, "ctrl+s,f2"),), FILE, palette="file: save"),
    Command("file.save_as", "save_as", Scope.EDITOR, "Save as",
            "save your version of the plan to another file", palette="file: save as"),
    Command("report.export", "report_export", Scope.EDITOR, "Report",
            "write the committee report (html and Word) beside the plan, as cap report does",
            palette="report: export"),
    Command("file.reload", "reload", Scope.EDITOR, "Reload",
            "reload the file from disk, keeping your unsaved edits (asks where both changed)",
            (Key(Scope.TREE, "r", show=False),), FILE, palette="file: reload"),
    # -- editing --------------------------------------------------------------------------------
    Command("node.add", "add", Scope.TREE, "Add",
            "add an action (on a theme: a programme; on the plan's line: a theme)",
            (Key(Scope.TREE, "a"),), EDIT, palette="node: add action"),
    Command("node.add_programme", "add('programme')", Scope.TREE, "Add programme",
            "add a programme to the selected theme", palette="node: add programme"),
    Command("node.add_theme", "add('theme')", Scope.TREE, "Add theme", "add a theme to the plan",
            palette="node: add theme"),
    Command("node.duplicate", "duplicate", Scope.TREE, "Copy", "duplicate",
            (Key(Scope.TREE, "c", show=False),), EDIT, "copy", "node: duplicate"),
    Command("node.delete", "delete", Scope.TREE, "Delete", "delete (asks first)",
            (Key(Scope.TREE, "x,delete"),), EDIT, "copy", "node: delete"),
    Command("node.move_up", "move(-1)", Scope.TREE, "Up", "move up",
            (Key(Scope.TREE, "left_square_bracket", show=False),), EDIT, "move",
            "node: move up"),
    Command("node.move_down", "move(1)", Scope.TREE, "Down", "move down",
            (Key(Scope.TREE, "right_square_bracket", show=False),), EDIT, "move",
            "node: move down"),
    Command("node.move_to", "move_to", Scope.TREE, "Move",
            "move to another programme (a programme: to another theme)",
            (Key(Scope.TREE, "m", show=False),), EDIT, "move", "node: move to programme"),
    Command("edit.undo", "undo", Scope.EDITOR, "Undo", "undo (across fields and structure)",
            (Key(Scope.EDITOR, "ctrl+z"),), EDIT, "undo", "edit: undo", priority=True),
    Command("edit.redo", "redo", Scope.EDITOR, "Redo", "redo",
            (Key(Scope.EDITOR, "ctrl+y", show=False),), EDIT, "undo", "edit: redo",
            priority=True),
    # -- moving around --------------------------------------------------------------------------
    Command("tree.cursor", "", Scope.TEXTUAL, "", "move in the tree",
            (Key(Scope.TEXTUAL, "up,down", shown="up/down"),), MOVE, "arrows"),
    Command("tree.fold", "collapse_node", Scope.TREE, "Collapse", "fold",
            (Key(Scope.TREE, "left", show=False),), MOVE, "arrows"),
    Command("tree.unfold", "expand_node", Scope.TREE, "Expand", "unfold",
            (Key(Scope.TREE, "right", show=False),), MOVE, "arrows"),
    Command("tree.edit", "", Scope.TEXTUAL, "", "edit the node",
            (Key(Scope.TEXTUAL, "enter"),), MOVE, "edit"),
    Command("form.next", "", Scope.TEXTUAL, "", "next field (round the form)",
            (Key(Scope.TEXTUAL, "tab"),), MOVE, "edit"),
    Command("editor.to_tree", "to_tree", Scope.EDITOR, "Tree", "back to the tree",
            (Key(Scope.EDITOR, "escape", show=False, shown="esc"),), MOVE, "edit"),
    Command("text.end", "text_end", Scope.TEXT, "End of text", "in a text: to its end",
            (Key(Scope.TEXT, "ctrl+end", show=False),
             Key(Scope.TEXT, "ctrl+shift+end", show=False, action="text_end(True)",
                 listed=False)), MOVE, "text"),
    Command("text.start", "text_start", Scope.TEXT, "Start of text", "to its start",
            (Key(Scope.TEXT, "ctrl+home", show=False),
             Key(Scope.TEXT, "ctrl+shift+home", show=False, action="text_start(True)",
                 listed=False)), MOVE, "text"),
    Command("view.filter", "filter", Scope.EDITOR, "Filter",
            "filter: words, status:NAME, lead:TEXT, overdue, due:DAYS, stale",
            (Key(Scope.TREE, "slash"), Key(Scope.EDITOR, "ctrl+f", show=False)), MOVE,
            palette="view: filter"),
    Command("view.clear_filter", "clear", Scope.FILTER, "Clear",
            "clear the filter and go back to the tree",
            (Key(Scope.FILTER, "escape", show=False),)),
    Command("view.overdue", "overdue", Scope.EDITOR, "Overdue", "overdue only",
            (Key(Scope.TREE, "o", show=False),), MOVE, "views", "view: overdue only"),
    Command("view.problems", "problems", Scope.EDITOR, "Problems", "problems (enter jumps)",
            (Key(Scope.TREE, "p"),), MOVE, "views", "view: problems"),
    Command("view.summary", "summary", Scope.EDITOR, "Summary", "summary",
            (Key(Scope.TREE, "s", show=False),), MOVE, "views", "view: summary"),
    # -- review ---------------------------------------------------------------------------------
    Command("git.changes", "changes", Scope.EDITOR, "Changes",
            "changes since the last commit (as cap diff)",
            (Key(Scope.TREE, "g", show=False),), REVIEW,
            palette="git: changes since the last commit"),
    Command("git.history", "history", Scope.EDITOR, "History",
            "the selected action's history (as cap history)",
            (Key(Scope.TREE, "h", show=False),), REVIEW, palette="git: history of this action"),
    # -- the picker, dialogs and the help itself ------------------------------------------------
    Command("picker.cursor", "", Scope.TEXTUAL, "", "choose a plan",
            (Key(Scope.TEXTUAL, "up,down", shown="up/down"),), picker_group=PLANS),
    Command("picker.open", "open", Scope.PICKER, "Open", "open the plan",
            (Key(Scope.PICKER, "enter"),), picker_group=PLANS),
    Command("choice.cancel", "choose('cancel')", Scope.CHOICE, "Cancel", "cancel",
            (Key(Scope.CHOICE, "escape"),)),
    Command("pick.cancel", "cancel", Scope.PICK, "Cancel", "cancel",
            (Key(Scope.PICK, "escape"),)),
    Command("problem.back", "back", Scope.PROBLEM, "Back", "back to where the file was opened",
            (Key(Scope.PROBLEM, "escape"),)),
    Command("help.close", "dismiss", Scope.HELP, "Close", "close this help",
            (Key(Scope.HELP, "escape,q,question_mark,f1"),)),
    Command("report.close", "dismiss", Scope.REPORT, "Close", "close the report",
            (Key(Scope.REPORT, "escape,q"),)),
    # -- the app --------------------------------------------------------------------------------
    Command("app.quit", "quit", Scope.APP, "Quit",
            "quit, or back to the list of plans the plan was opened from; asks when there "
            "are unsaved changes",
            (Key(Scope.APP, "ctrl+q"), Key(Scope.PICKER, "q", show=False, listed=False),
             Key(Scope.PROBLEM, "q", listed=False)), FILE, palette="app: quit cap",
            priority=True, picker_group=PLANS),
    Command("app.palette", "command_palette", Scope.APP, "Commands",
            "every command, as area: verb; go: ID jumps",
            (Key(Scope.APP, "ctrl+p", show=False),), FILE, priority=True, picker_group=PLANS),
    Command("app.help", "help", Scope.APP, "Help", "this help; escape closes it",
            (Key(Scope.TREE, "question_mark"), Key(Scope.APP, "f1", show=False),
             Key(Scope.EDITOR, "f1", show=False), Key(Scope.PICKER, "question_mark,f1")), FILE,
            palette="app: help", picker_group=PLANS),
    Command("app.theme", "change_theme", Scope.APP, "Colours",
            "change cap's colours (dark, light and others)",
            palette="app: change colours"),
)

FOOTER_GIVES_WAY = ("node.delete", "view.problems", "app.help", "view.filter", "node.add",
                    "edit.undo", "app.quit", "file.save")
"""The footer's keys that give way, first to last, when the line is too narrow for them all.
At 80 columns the editor's footer leaves out Delete (x still works; the help and the palette
list it)."""


BY_ID: dict[str, Command] = {c.id: c for c in COMMANDS}
_SCREEN_OF = {Scope.TREE: Scope.EDITOR, Scope.TEXT: Scope.EDITOR, Scope.FILTER: Scope.EDITOR}


def _action(command: Command, key: Key) -> str:
    """The binding's action, in the namespace of the widget that holds the key."""
    action = key.action or command.action
    if key.scope is command.runs_on:
        return action
    if command.runs_on is Scope.APP:
        return f"app.{action}"
    if _SCREEN_OF.get(key.scope) is command.runs_on:
        return f"screen.{action}"
    raise ValueError(f"{command.id}: a key in {key.scope} cannot run {command.runs_on}'s action")


def bindings(scope: Scope) -> list[BindingType]:
    """The bindings of one widget or screen, in the table's order."""
    out: list[BindingType] = []
    for command in COMMANDS:
        for index, key in enumerate(command.keys):
            if key.scope is scope:
                out.append(Binding(key.keys, _action(command, key), command.description,
                                   show=key.show, priority=command.priority,
                                   tooltip=command.help,
                                   id=command.id if not index else f"{command.id}/{index}"))
    return out


def at_once_keys(scope: Scope) -> frozenset[str]:
    """The keys of one widget that act on what is under its cursor or open a view: the
    commands `node.*` (add, copy, delete, move: on the node the cursor was on when the key was
    typed, not on one a Down typed after it reached first), `view.*` (filter, problems,
    summary, overdue: `/overdue` typed fast is the filter's words, not seven tree commands) and
    `git.*` (the changes, the history of the action under the cursor). They run as they reach
    the widget (internals.run_own_binding), in the order typed. Not the file's: a reload
    rebuilds the screen, the widget with it, so it runs once its key has bubbled up."""
    return frozenset(k for c in COMMANDS if c.id.split(".")[0] in ("node", "view", "git")
                     for key in c.keys if key.scope is scope for k in key.keys.split(","))


def key_name(key: str) -> str:
    """A key as the help screen writes it: `/`, `ctrl+s`, `F2`, `delete`."""
    char = format_key(key)  # `/` for slash, `[` for left_square_bracket
    if len(char) == 1 and char.isascii() and char.isprintable() and not char.isspace():
        return char
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    return key


def key_names(command: Command) -> list[str]:
    """Every key that runs a command, once each, as the help screen writes them."""
    out: list[str] = []
    for key in command.keys:
        if not key.listed:
            continue
        for name in [key.shown] if key.shown else [key_name(k) for k in key.keys.split(",")]:
            if name not in out:
                out.append(name)
    return out


def help_rows(where: Scope = Scope.EDITOR) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """The help screen of a screen (the editor, the picker): each group, and in it (keys, what
    they do) rows, commands that share a row joined on one line."""
    for group in HELP_GROUPS[where]:
        rows: dict[str, list[Command]] = {}
        for command in COMMANDS:
            in_group = command.picker_group if where is Scope.PICKER else command.group
            if in_group == group and command.keys:
                rows.setdefault(command.row or command.id, []).append(command)
        yield group, [("  ".join(name for c in row for name in key_names(c)),
                       "; ".join(c.help for c in row)) for row in rows.values()]


@dataclass(frozen=True)
class PaletteEntry:
    """A command as the palette offers it."""

    title: str
    help: str
    action: str
    runs_on: Scope


def footer_rank(binding_id: str | None) -> int:
    """Where a footer key comes in `FOOTER_GIVES_WAY` (a binding's id is its command's, or
    `command/N`): lower gives way first; keys not listed give way after those that are."""
    command = (binding_id or "").split("/")[0]
    return FOOTER_GIVES_WAY.index(command) if command in FOOTER_GIVES_WAY \
        else len(FOOTER_GIVES_WAY)


def palette(scopes: set[Scope]) -> Iterator[PaletteEntry]:
    """The commands the palette offers where these scopes are present: the app's first, then
    the others in the table's order."""
    for command in sorted(COMMANDS, key=lambda c: c.runs_on is not Scope.APP):
        if command.palette and command.runs_on in scopes:
            keys = " or ".join(key_names(command))
            help_text = command.help[:1].upper() + command.help[1:]
            yield PaletteEntry(command.palette, f"{help_text} ({keys})" if keys else help_text,
                               command.action, command.runs_on)
