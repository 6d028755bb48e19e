"""Modal questions: confirm, choose, pick, move to a programme; and the message shown for a bad
file."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from ...core.model import Node, Plan
from ...core.problems import Problem
from ...core.shape import SHAPE, Level
from ...render.terminal import safe
from ..bindings import Scope, bindings
from ..widgets.footer import KeysFooter


class ChoiceScreen(ModalScreen[str]):
    """A question with a few answers, each a button with its own key; escape cancels."""

    BINDINGS = bindings(Scope.CHOICE)

    def __init__(self, question: Text | str, choices: list[tuple[str, str, str]]) -> None:
        """`choices`: (value, button text, key) in the order shown."""
        super().__init__(classes="dialog-screen")
        self.question = Text(question) if isinstance(question, str) else question
        self.choices = choices
        self.by_key = {key: value for value, _, key in choices}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                for i, (value, text, key) in enumerate(self.choices):
                    yield Button(f"{text} ({key})", id=f"choice-{value}",
                                 variant="primary" if i == 0 else "default")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id:
            self.dismiss(event.button.id.removeprefix("choice-"))

    def on_key(self, event: events.Key) -> None:
        """Each answer's own key (d for Delete, ...): they differ from question to question."""
        value = self.by_key.get(event.key)
        if value is not None:
            event.stop()
            self.dismiss(value)

    def action_choose(self, value: str) -> None:
        self.dismiss(value)


class PickScreen(ModalScreen[int | None]):
    """Pick one of a list (for example the programme to move an action to)."""

    BINDINGS = bindings(Scope.PICK)

    def __init__(self, title: str, items: list[Text]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.items = title, items

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-tall"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-question")
            yield OptionList(*[Option(t) for t in self.items], id="pick-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MoveScreen(ModalScreen[Node | None]):
    """Where to move an action (grouped under theme headings, its programmes) or a programme
    (the themes). Typing filters the list (any part of a title, of its theme's title or of an
    id, in any case); up and down choose; enter moves to the one highlighted (the only one left,
    once the words single it out); escape cancels. Where the node is now is shown, not chosen.
    Dismissed with the node to move to, or None."""

    BINDINGS = bindings(Scope.PICK)
    KEYS_HINT = "↑↓ choose   Enter move here   Esc cancel"
    DEFAULT_CSS = """
    MoveScreen #move-filter { margin-bottom: 1; background: $boost; }
    MoveScreen #pick-list {
        border: none; padding: 0; text-wrap: nowrap; text-overflow: ellipsis;
    }
    MoveScreen #move-keys { height: 1; color: $text-muted; margin-top: 1; }
    """

    def __init__(self, node: Node, plan: Plan) -> None:
        super().__init__(classes="dialog-screen")
        self.node = node
        self.plan = plan
        self.targets: list[Node] = []  # what each option's id (its index here) moves to

    def compose(self) -> ComposeResult:
        what = SHAPE[self.node.kind].parent
        question = Text("Move ")
        question.append(safe(self.node.id), style="bold")
        question.append(f" to which {SHAPE[what].word if what else ''}?")
        with Vertical(classes="dialog dialog-tall"):
            yield Static(question, classes="dialog-question")
            yield Input(placeholder="Type to filter: a title, a theme or an id", compact=True,
                        id="move-filter")
            lst = OptionList(id="pick-list")
            lst.can_focus = False  # the keyboard stays in the filter: up and down reach it
            yield lst
            yield Static(Text(self.KEYS_HINT), id="move-keys")

    def on_mount(self) -> None:
        self.show("")
        self.query_one(Input).focus()

    def groups(self) -> list[tuple[Node | None, list[Node]]]:
        """(heading, the places under it): programmes by theme, or the themes under none."""
        if self.node.kind is Level.ACTION:
            return [(theme, list(theme.children)) for theme in self.plan.themes]
        return [(None, list(self.plan.themes))]

    def show(self, words: str) -> None:
        """List the places whose title, theme title or id holds `words` (any case)."""
        wanted = words.strip().casefold()

        def hit(node: Node | None) -> bool:
            return node is not None and any(wanted in t.casefold() for t in (node.title, node.id))

        lst = self.query_one(OptionList)
        lst.clear_options()
        self.targets = []
        options: list[Option] = []
        for heading, places in self.groups():
            shown = [p for p in places if not wanted or hit(heading) or hit(p)]
            if heading is not None and shown:
                options.append(Option(Text(safe(heading.title), style="bold underline"),
                                      disabled=True))
            for place in shown:
                options.append(self._option(place))
        if not self.targets:
            options.append(Option(Text(f"Nothing matches “{safe(words.strip())}”"),
                                  disabled=True))
        lst.add_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        lst.highlighted = first

    def _option(self, place: Node) -> Option:
        """One place: its title, then its id (dim), on one line."""
        here = place is self.node.parent
        label = Text("  " + safe(place.title))
        if here:
            label.append("  (here now)", style="italic")
        label.append("  " + safe(place.id), style="dim")
        if here:
            return Option(label, disabled=True)
        self.targets.append(place)
        return Option(label, id=str(len(self.targets) - 1))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        lst = self.query_one(OptionList)
        if lst.highlighted is not None:
            self._choose(lst.get_option_at_index(lst.highlighted))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option)

    def _choose(self, option: Option) -> None:
        if option.id is not None and not option.disabled:
            self.dismiss(self.targets[int(option.id)])

    async def on_key(self, event: events.Key) -> None:
        """Up and down (and the page keys) move in the list while the filter has the keys."""
        moves = {"up": "cursor_up", "down": "cursor_down", "pageup": "page_up",
                 "pagedown": "page_down"}
        move = moves.get(event.key)
        if move is not None:
            event.stop()
            await self.query_one(OptionList).run_action(move)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ProblemScreen(Screen[None]):
    """A file that cannot be opened: which file, where, and what is wrong. Never a traceback."""

    BINDINGS = bindings(Scope.PROBLEM)

    def __init__(self, problem: Problem) -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        p = self.problem
        text = Text()
        text.append("This plan cannot be opened\n\n", style="bold")
        text.append("File:    ")
        text.append(p.path + "\n", style="bold")
        if p.line:
            text.append(f"Where:   line {p.line}, column {p.col}\n")
        text.append("Problem: ")
        text.append(p.message + "\n\n")
        text.append("Fix the file in a text editor (or `git checkout` it), then open it again.",
                    style="dim")
        with Vertical(classes="problem-box"):
            yield Static(text, id="problem-text")
        yield KeysFooter()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:  # over the picker, or over the editor on a reload
            self.app.pop_screen()
        else:
            self.app.exit()


class PromptScreen(ModalScreen[dict[str, str] | None]):
    """A few lines to fill in (a path to save as; a new plan's council, title and period).
    enter in the last line (or the first button) confirms; escape cancels (None)."""

    BINDINGS = bindings(Scope.PICK)

    def __init__(self, question: str, fields: list[tuple[str, str, str]],
                 confirm: str = "OK") -> None:
        """`fields`: (key, label, value to start with), in the order shown."""
        super().__init__(classes="dialog-screen")
        self.question, self.fields, self.confirm = question, fields, confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="dialog-question")
            for key, label, value in self.fields:
                yield Static(Text(label))
                yield Input(value, id=f"prompt-{key}", classes="prompt-input")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm, id="prompt-ok", variant="primary")
                yield Button("Cancel (escape)", id="prompt-cancel")

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#prompt-{key}", Input).value.strip()
                for key, _, _ in self.fields}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        i = inputs.index(event.input) if event.input in inputs else len(inputs) - 1
        if i + 1 < len(inputs):
            inputs[i + 1].focus()
        else:
            self.dismiss(self.values())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.values() if event.button.id == "prompt-ok" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextScreen(ModalScreen[None]):
    """Something to read (edits that did not apply, and why); escape closes."""

    BINDINGS = bindings(Scope.REPORT)

    def __init__(self, title: str, body: Text) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.body = title, body

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-tall report"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-question")
            yield Static(self.body, id="text-body")
        yield KeysFooter()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
