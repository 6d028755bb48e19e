"""The status summary and the problems list, both drawn from the core's summary and checks."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.model import Node
from ...core.problems import Problem, Severity
from ...core.summary import Summary
from ...render.terminal import RAG_STYLE, safe


def summary_text(s: Summary, problems: tuple[int, int], shown_of: int | None = None) -> Text:
    """The summary pane's text: counts and percentages per status, and what needs attention."""
    t = s.overall
    out = Text()
    if shown_of is not None:
        out.append(f"Filtered: {t.total} of {shown_of} actions\n", style="bold")
    else:
        out.append(f"{t.total} actions\n", style="bold")
    for key, st in s.statuses.items():
        n = t.by_status.get(key, 0)
        if not n:
            continue
        out.append(f"{n:>4} {t.percent(n):3.0f}% ")
        out.append(safe(st.label), style=RAG_STYLE.get(st.colour, ""))
        out.append("\n")
    if t.by_status.get("?"):
        n = t.by_status["?"]
        out.append(f"{n:>4} {t.percent(n):3.0f}% ", style="")
        out.append("no valid status\n", style="bold red")
    out.append(f"\nFinished   {t.finished:>4} {t.percent(t.finished):3.0f}%\n")
    out.append("Overdue    ")
    out.append(f"{len(t.overdue):>4}\n", style="bold red" if t.overdue else "")
    out.append(f"Due soon   {len(t.due_soon):>4}\n")
    errors, warnings = problems
    out.append("Problems   ")
    out.append(f"{errors:>4} errors", style="bold red" if errors else "")
    out.append(f", {warnings} warnings\n")
    if s.today:
        out.append(f"as of {s.today.isoformat()}", style="dim")
    return out


def summary_strip(s: Summary, problems: tuple[int, int], shown_of: int | None = None) -> Text:
    """One line of the same, for a narrow terminal."""
    t = s.overall
    errors, warnings = problems
    head = f"{t.total} of {shown_of}" if shown_of is not None else f"{t.total} actions"
    out = Text(f"{head} · {t.finished} finished {t.percent(t.finished):.0f}% · ")
    out.append(f"{len(t.overdue)} overdue", style="bold red" if t.overdue else "")
    out.append(f" · {len(t.due_soon)} due soon · ")
    out.append(f"{errors} errors", style="bold red" if errors else "")
    out.append(f" · {warnings} warnings")
    return out


class SummaryPane(Static):
    """Counts per status, finished, overdue, due soon and problems; kept current as you edit."""


class ProblemsPane(OptionList):
    """Every problem in the plan; choosing one jumps to its node and field."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entries: list[tuple[Node | None, Problem]] = []

    def show(self, entries: list[tuple[Node | None, Problem]]) -> None:
        if [p for _, p in entries] == [p for _, p in self.entries] and all(
            a is b for (a, _), (b, _) in zip(entries, self.entries, strict=True)
        ):
            return  # unchanged: rebuilding a long list on every pause in typing is wasted work
        self.entries = entries
        highlighted = self.highlighted
        self.clear_options()
        options = []
        for _node, p in entries:
            text = Text()
            word = "E" if p.severity is Severity.ERROR else "W"
            text.append(word + " ", style="bold red" if word == "E" else "yellow")
            where = p.where or "plan"
            text.append(safe(where), style="bold")
            text.append(" " + safe(p.message))
            options.append(Option(text))
        self.add_options(options)
        if highlighted is not None and entries:
            self.highlighted = min(highlighted, len(entries) - 1)
