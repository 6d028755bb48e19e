"""The filter bar: words that narrow the tree (`/`), applied after a pause in typing.

`stale` asks git which actions have not been updated since the last reporting point
(core/stale.py): that is found once, in a thread, the first time the word is used, and the
filter is applied again when it is known. A status the plan does not have turns the bar red and
says which statuses it has."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from ...core.filters import FilterError, parse_query
from ...core.model import Node, Plan
from ..bindings import Scope, bindings

Keep = Callable[[Node], bool]


class FilterBar(Input):
    """The filter's words, in the core's query language (core/filters.py): free words,
    status:NAME, lead:TEXT, overdue, due:DAYS, stale.

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
        super().__init__(placeholder="filter: words, status:NAME, lead:TEXT, overdue, "
                         "due:DAYS, stale  (escape clears)", compact=True, **kwargs)  # type: ignore[arg-type]
        self.plan = plan
        self.keep: Keep | None = None  # as last applied
        self._timer: Timer | None = None
        self._stale: frozenset[str] | None = None  # the stale actions' ids, once found
        self._finding = False  # the stale actions are being found
        self._said = ""  # the last problem told (so a pause in typing does not repeat it)

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
        try:
            query = parse_query(self.plan, self.value, self._stale)
        except FilterError as exc:
            self._problem(str(exc))
            self.keep = _nothing
        else:
            self._problem("")
            if query is not None and query.stale and self._stale is None:
                self._find_stale()
            self.keep = query
        self.post_message(self.Filtered(self.keep))

    def _problem(self, message: str) -> None:
        """Say what is wrong with the words (once), or that nothing is."""
        self.set_class(bool(message), "-invalid")
        self.tooltip = message or None
        if message and message != self._said:
            self.notify(message, title="Filter", severity="warning", markup=False)
        self._said = message

    def _find_stale(self) -> None:
        if not self._finding:
            self._finding = True
            self._stale_worker()

    @work(thread=True, exclusive=True, group="stale")
    def _stale_worker(self) -> None:
        """Ask git, once, which actions are stale; then filter again with them."""
        from ...core.stale import StaleError, find_stale

        try:
            ids = frozenset(a.id for a in find_stale(self.plan.path).actions)
        except StaleError as exc:
            self.app.call_from_thread(self._found_stale, frozenset(), str(exc))
            return
        self.app.call_from_thread(self._found_stale, ids, "")

    def _found_stale(self, ids: frozenset[str], problem: str) -> None:
        self._stale = ids
        self._finding = False
        if problem:
            self.notify(problem, title="Stale", severity="warning", markup=False)
        if "stale" in self.value.lower().split():
            self.apply()

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


def _nothing(node: Node) -> bool:
    """What a filter naming a status the plan does not have keeps: nothing."""
    return False
