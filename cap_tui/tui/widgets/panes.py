"""The status summary and the problems list, both drawn from the core's summary and checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import AwaitMount
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.live import LiveProblems
from ...core.model import Node, Plan
from ...core.problems import Problem, Severity
from ...core.shape import SHAPE, Level
from ...core.summary import Summary, percent, summarise
from ...render.terminal import plural, safe
from .labels import alarm, rag_style
from .later import BuiltAfterFirstFrame


def summary_text(s: Summary, problems: tuple[int, int], shown_of: int | None = None,
                 no_color: bool = False) -> Text:
    """The summary pane's text: counts and percentages per status, and what needs attention,
    one count a line (cut, never wrapped, where the pane is narrow: see cap.tcss)."""
    t = s.overall
    out = Text()
    if shown_of is not None:
        out.append(f"Filtered: {t.total} of {shown_of} actions\n", style="bold")
    else:
        out.append(f"{t.total} actions\n", style="bold")
    w = len(str(t.total))  # the counts' width: as little room as they need, for the labels
    for key, st in s.statuses.items():
        n = t.by_status.get(key, 0)
        if not n:
            continue
        out.append(f" {n:>{w}} {percent(n, t.total):3d}% ")
        out.append(safe(st.label), style=rag_style(st.colour, no_color))
        out.append("\n")
    if t.by_status.get("?"):
        n = t.by_status["?"]
        out.append(f" {n:>{w}} {percent(n, t.total):3d}% ")
        out.append("no valid status", style=alarm(no_color))
        out.append("\n")
    out.append(f"\nFinished   {t.finished:>4} {percent(t.finished, t.total):3d}%\n")
    errors, warnings = problems
    for word, n, style in (("Overdue", len(t.overdue), alarm(no_color)),
                           ("Due soon", len(t.due_soon), ""), ("Errors", errors, alarm(no_color)),
                           ("Warnings", warnings, "")):
        out.append(f"{word:<10} " + " " * max(0, 4 - len(str(n))))  # the count's own cells
        out.append(str(n), style=style if n else "")  # stand out, not the space before them
        out.append("\n")
    if s.today:
        out.append(f"as of {s.today.isoformat()}", style="dim")
    return out


def summary_strip(s: Summary, problems: tuple[int, int], shown_of: int | None = None,
                  no_color: bool = False) -> Text:
    """One line of the same, for a narrow terminal."""
    t = s.overall
    errors, warnings = problems
    head = f"{t.total} of {shown_of}" if shown_of is not None else f"{t.total} actions"
    out = Text(f"{head} · {t.finished} finished {percent(t.finished, t.total)}% · ")
    out.append(f"{len(t.overdue)} overdue", style=alarm(no_color) if t.overdue else "")
    out.append(f" · {len(t.due_soon)} due soon · ")
    out.append(plural(errors, "error"), style=alarm(no_color) if errors else "")
    out.append(f" · {plural(warnings, 'warning')}")
    return out


class SummaryPane(Static):
    """Counts per status, finished, overdue, due soon and problems; kept current as you edit."""


class ProblemsPane(OptionList):
    """Every problem in the plan; choosing one jumps to its node and field."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entries: Sequence[tuple[Node | None, Problem]] = []

    def show(self, entries: Sequence[tuple[Node | None, Problem]]) -> None:
        """List these problems, each as a line: E or W, where, and what is wrong."""
        if [p for _, p in entries] == [p for _, p in self.entries] and all(
            a is b for (a, _), (b, _) in zip(entries, self.entries, strict=True)
        ):
            return  # unchanged: rebuilding a long list on every pause in typing is wasted work
        self.entries = entries
        highlighted = self.highlighted
        self.clear_options()
        options = []
        no_color = self.app.no_color
        warn = "" if no_color else "yellow"
        for _node, p in entries:
            text = Text()
            word = "E" if p.severity is Severity.ERROR else "W"
            text.append(word, style=alarm(no_color) if word == "E" else warn)
            text.append(" ")
            where = p.where or SHAPE[Level.PLAN].word
            text.append(safe(where), style="bold")
            text.append(" " + safe(p.message))
            options.append(Option(text))
        self.add_options(options)
        if highlighted is not None and entries:
            self.highlighted = min(highlighted, len(entries) - 1)


class SidePane(Vertical, BuiltAfterFirstFrame):
    """The summary and the problems list, beside the form (in place of it, with `s` or `p`, on
    a narrow terminal), and the one-line summary below the body (`strip`) that stands for them
    on a narrow terminal. All three are recounted here, from the plan and its live problems:
    at once (`recount`) or after a pause in typing (`schedule`). The summary counts the actions
    the tree shows (`only`)."""

    PAUSE = 0.25  # seconds without an edit before the counts follow

    @dataclass
    class Chosen(Message):
        """The officer chose a problem: go to its node and field."""

        node: Node | None
        field: str

    def __init__(self, plan: Plan, live: LiveProblems, strip: Static, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.plan, self.live, self.strip = plan, live, strip
        self.only: Callable[[Node], bool] | None = None
        self._timer: Timer | None = None

    def build(self) -> tuple[AwaitMount, ...]:
        """The summary and the problems list (hidden on a narrow terminal, where the strip
        stands for them): after the editor's first frame (widgets/later.py)."""
        mounting = self.mount(SummaryPane(id="summary"),
                              Static(Text("Problems", style="bold"), id="problems-title"),
                              ProblemsPane(id="problems"))
        self.recount()
        return (mounting,)

    def recount(self) -> None:
        self._timer = None
        if not self.live.checked and not self.built:
            # a large plan's first screen: counted and checked just after it is drawn
            # (EditorScreen._check)
            count = sum(1 for _ in self.plan.actions())
            self.strip.update(Text(f"{plural(count, 'action')} · counting…"))
            return
        actions = total = None
        if self.only is not None:
            keep = self.only
            actions = [a for a in self.plan.actions() if keep(a)]
            total = sum(1 for _ in self.plan.actions())
        s = summarise(self.plan, actions=actions)
        no_color = self.app.no_color
        counts = self.live.counts()
        self.strip.update(summary_strip(s, counts, total, no_color))
        if not self.built:
            return
        self.query_one(SummaryPane).update(summary_text(s, counts, total, no_color))
        self.query_one(ProblemsPane).show(self.live.listed())
        title = Text("Problems", style="bold")
        title.append(f" ({plural(counts[0], 'error')}, {plural(counts[1], 'warning')}) · p",
                     style="dim")
        self.query_one("#problems-title", Static).update(title)

    def schedule(self) -> None:
        """Recount once the officer pauses: not on every keystroke."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.PAUSE, self.recount)

    def focus_problems(self) -> None:
        self.ready()
        pane = self.query_one(ProblemsPane)
        # now, not a turn later (Widget.focus): the keys typed after `p` are the list's
        self.screen.set_focus(pane, scroll_visible=False)
        if pane.highlighted is None and pane.option_count:
            pane.highlighted = 0  # so that enter at once goes to the first problem

    @on(OptionList.OptionSelected, "#problems")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entries = self.query_one(ProblemsPane).entries
        if 0 <= event.option_index < len(entries):
            node, problem = entries[event.option_index]
            self.post_message(self.Chosen(node, problem.field))
