"""The filter bar: words that narrow the tree (`/`), applied after a pause in typing.

`stale` asks git which actions have not been updated since the last reporting point
(core/stale.py): that is found once, in a thread, the first time the word is used, and the
filter is applied again when it is known. What is wrong with the words (a status the plan does
not have, `stale` where git cannot tell) is said under them, in the filter line, never in a
notice over the tree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import AwaitMount
from textual.widgets import Input, Label, Static

from ...core.filters import FilterError, parse_query
from ...core.model import Node, Plan
from ..bindings import Scope, bindings
from .later import BuiltAfterFirstFrame

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
        super().__init__(placeholder="words, status:NAME, lead:TEXT, overdue, due:DAYS, "
                         "stale  (escape clears)", compact=True, **kwargs)  # type: ignore[arg-type]
        self.plan = plan
        self.keep: Keep | None = None  # as last applied
        self._timer: Timer | None = None
        self._stale: frozenset[str] | None = None  # the stale actions' ids, once found
        self._stale_problem = ""  # why git could not tell which actions are stale
        self._finding = False  # the stale actions are being found

    @property
    def line(self) -> FilterLine | None:
        """The filter line the bar is in, if it is in one."""
        return next((a for a in self.ancestors if isinstance(a, FilterLine)), None)

    def _show(self, shown: bool) -> None:
        """Show the bar (and the line it is in), or hide them."""
        self.set_class(shown, "-open")
        if self.line is not None:
            self.line.set_class(shown, "-open")

    def open(self) -> None:
        self._show(True)
        # now, not a turn later (Widget.focus): letters typed right after "/" are the filter's
        # words, not the tree's commands ("/overdue" ran o, v, e, r, d, u, e on the tree)
        self.screen.set_focus(self, scroll_visible=False)

    def toggle_word(self, word: str) -> None:
        """Add a word to the filter, or take it away if it is there (`o`: overdue)."""
        words = self.value.split()
        words = [w for w in words if w != word] if word in words else [*words, word]
        self.value = " ".join(words)
        self._show(bool(words))

    def only_status(self, key: str) -> None:
        words = [w for w in self.value.split() if not w.startswith("status:")]
        self.value = " ".join([*words, f"status:{key}"])
        self._show(True)

    def drop(self) -> None:
        """Clear the filter at once (not after the pause for typing), and hide the bar. Whoever
        clears it redraws the tree."""
        self._stop()
        with self.prevent(Input.Changed):
            self.value = ""
        self.keep = None
        self._problem("")
        self._show(False)

    def apply(self) -> None:
        self._timer = None
        try:
            query = parse_query(self.plan, self.value, self._stale)
        except FilterError as exc:
            self._problem(str(exc))
            self.keep = _nothing
        else:
            stale = query is not None and query.stale
            self._problem(self._stale_problem if stale else "")
            if stale and self._stale is None:
                self._find_stale()
            self.keep = query
        self.post_message(self.Filtered(self.keep))

    def _problem(self, message: str) -> None:
        """Say what is wrong with the words, under them, or that nothing is."""
        self.set_class(bool(message), "-invalid")
        self.tooltip = message or None
        if self.line is not None:
            self.line.say(message)

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
        self._stale_problem = f"stale: {problem}" if problem else ""
        self._finding = False
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


class FilterLine(Vertical, BuiltAfterFirstFrame):
    """The filter bar after its label ("Filter: "), and under them what is wrong with the
    words, if anything. Shown (`-open`) while the bar is."""

    def __init__(self, plan: Plan, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.plan = plan
        self._said = ""  # the problem shown
        self._bar: FilterBar | None = None

    def build(self) -> tuple[AwaitMount, ...]:
        """Hidden until the officer filters: built after the editor's first frame
        (widgets/later.py)."""
        self._bar = FilterBar(self.plan, id="filter")
        words = Horizontal(id="filter-words")
        line = self.mount(words, Static("", id="filter-problem"))
        # into the line once it is in the screen (a container's own children would come only
        # when it is composed, a turn later)
        return line, words.mount(Label(Text("Filter: "), id="filter-label"), self._bar)

    def bar(self) -> FilterBar:
        """The filter bar, in the screen (built now if it was not yet)."""
        self.ready()
        assert self._bar is not None
        return self._bar

    def say(self, problem: str) -> None:
        """Show what is wrong with the words ("" when nothing is)."""
        if problem == self._said:
            return  # as shown: a pause in typing does not lay the screen out again
        self._said = problem
        shown = self.query_one("#filter-problem", Static)
        shown.update(Text(problem))
        shown.set_class(bool(problem), "-shown")


def _nothing(node: Node) -> bool:
    """What a filter naming a status the plan does not have keeps: nothing."""
    return False
