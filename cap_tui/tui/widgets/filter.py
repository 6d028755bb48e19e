"""The filter bar: words that narrow the tree (`/`), applied after a pause in typing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from ...core.filters import parse_query
from ...core.model import Node, Plan
from ..bindings import Scope, bindings

Keep = Callable[[Node], bool]


class FilterBar(Input):
    """The filter's words, in the core's query language (core/filters.py): free words,
    status:KEY, lead:TEXT, overdue, due:DAYS.

    Shown (`-open`) while there is a filter or the officer is typing one. After a pause in typing
    it posts `Filtered` with what the tree should keep; enter and escape post `Closed` (escape
    clears the filter first)."""

    BINDINGS = bindings(Scope.FILTER)
    PAUSE = 0.15  # seconds without a key before the tree follows

    @dataclass
    class Filtered(Message):
        """The tree should show only what `keep` keeps (everything, when it is None)."""

        keep: Keep | None

    class Closed(Message):
        """The officer is done with the bar: the tree takes the keys again."""

    def __init__(self, plan: Plan, **kwargs: object) -> None:
        super().__init__(placeholder="filter: words, status:KEY, lead:TEXT, overdue, "
                         "due:DAYS  (escape clears)", compact=True, **kwargs)  # type: ignore[arg-type]
        self.plan = plan
        self.keep: Keep | None = None  # as last applied
        self._timer: Timer | None = None

    def open(self) -> None:
        self.add_class("-open")
        self.focus()

    def toggle_word(self, word: str) -> None:
        """Add a word to the filter, or take it away if it is there (`o`: overdue)."""
        words = self.value.split()
        words = [w for w in words if w != word] if word in words else [*words, word]
        self.value = " ".join(words)
        self.set_class(bool(words), "-open")

    def only_status(self, key: str) -> None:
        words = [w for w in self.value.split() if not w.startswith("status:")]
        self.value = " ".join([*words, f"status:{key}"])
        self.add_class("-open")

    def drop(self) -> None:
        """Clear the filter at once (not after the pause for typing), and hide the bar. Whoever
        clears it redraws the tree."""
        self._stop()
        with self.prevent(Input.Changed):
            self.value = ""
        self.keep = None
        self.remove_class("-open")

    def apply(self) -> None:
        self._timer = None
        self.keep = parse_query(self.plan, self.value)
        self.post_message(self.Filtered(self.keep))

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._stop()
        self._timer = self.set_timer(self.PAUSE, self.apply)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Closed())

    def action_clear(self) -> None:
        self.drop()
        self.apply()
        self.post_message(self.Closed())
