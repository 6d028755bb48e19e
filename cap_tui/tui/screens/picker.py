"""The picker: the plans in a folder (and recently opened ones), each with a one-line status.

A plan opened from here comes back here when it is closed (ctrl+q), and the list is read again:
its status line says what was saved. Recently opened plans from other folders follow the
folder's, each naming its folder; files that no longer exist are not listed (core/recent.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...core.model import glance_plan
from ...core.problems import PlanError, Problem
from ...core.recent import recent
from ...core.summary import summarise
from ...render.terminal import safe
from ..bindings import Scope, bindings
from ..messages import OpenPlan
from ..widgets.footer import KeysFooter


@dataclass
class PlanEntry:
    """What the picker shows of one file."""

    path: str
    title: Text
    line: Text
    problem: Problem | None = None


def describe(path: str) -> PlanEntry:
    try:
        plan = glance_plan(path)
    except PlanError as exc:
        p = exc.problem
        where = f"line {p.line}: " if p.line else ""
        return PlanEntry(path, Text(safe(Path(path).name), style="bold"),
                         Text(f"cannot be read: {where}{p.message}", style="red"), p)
    t = summarise(plan).overall
    title = Text(safe(plan.title or Path(path).name), style="bold")
    if plan.period and plan.period not in plan.title:
        title.append(f"  {safe(plan.period)}", style="")
    line = Text(f"{safe(plan.council)} · {t.total} actions · {t.finished} finished "
                f"({t.percent(t.finished):.0f}%) · ")
    line.append(f"{len(t.overdue)} overdue", style="bold red" if t.overdue else "")
    line.append(f" · {len(t.due_soon)} due soon")
    return PlanEntry(path, title, line)


def folder_name(path: str) -> str:
    """A plan's folder as an officer writes it: `~/plans` for one in their home folder."""
    folder = Path(path).parent
    home = Path.home()
    if not folder.is_relative_to(home):
        return str(folder)
    inside = folder.relative_to(home)
    return f"~/{inside}" if inside.parts else "~"


class PickerScreen(Screen[None]):
    """Choose a plan to open."""

    BINDINGS = bindings(Scope.PICKER)

    def __init__(self, folder: str) -> None:
        super().__init__()
        self.folder = folder
        self.entries: list[PlanEntry] = []
        self._first_other = 0  # entries from here on are from the recent list

    def compose(self) -> ComposeResult:
        yield Static(Text(f"cap · plans in {safe(self.folder)}", style="bold"),
                     id="picker-title")
        yield OptionList(id="picker-list")
        yield KeysFooter()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown first, or again when a plan opened from here is closed: read the list again."""
        self.reload()

    def reload(self) -> None:
        """List the plans at once by name; their titles and status lines come in as each is read
        (in a thread: a large plan, or one on a slow network share, does not hold up the rest).
        The plan highlighted before stays highlighted."""
        lst = self.query_one(OptionList)
        was = self._highlighted_path()
        folder = Path(self.folder)
        paths = [str(p) for p in sorted(folder.glob("*.toml")) if p.is_file()]
        here = {os.path.realpath(p) for p in paths}
        others = [p for p in recent() if os.path.realpath(p) not in here]
        self._first_other = len(paths)
        self.entries = [PlanEntry(p, Text(safe(Path(p).name), style="bold"),
                                  Text("reading…", style="dim")) for p in paths + others]
        options: list[Option | None] = []
        for i, e in enumerate(self.entries):
            if i == len(paths):  # the first of the recent ones
                if paths:
                    options.append(None)
                options.append(Option(Text("Opened recently, in other folders", style="bold"),
                                      disabled=True))
            options.append(Option(self._prompt(i, e), id=str(i)))
        lst.clear_options()
        if options:
            lst.add_options(options)
            again = next((i for i, e in enumerate(self.entries) if e.path == was), 0)
            lst.highlighted = lst.get_option_index(str(again))
            self._describe_all([e.path for e in self.entries])
        else:
            lst.add_option(Option(Text(f"No *.toml plans in {safe(self.folder)}"),
                                  disabled=True))
        lst.focus()

    def _highlighted_path(self) -> str | None:
        lst = self.query_one(OptionList)
        if lst.highlighted is None or lst.highlighted >= lst.option_count:
            return None
        option_id = lst.get_option_at_index(lst.highlighted).id
        return self.entries[int(option_id)].path if option_id is not None else None

    def _prompt(self, i: int, e: PlanEntry) -> Text:
        title = e.title.copy()
        if i >= self._first_other:  # from another folder: which one, on the first line
            title.append(f"  in {safe(folder_name(e.path))}", style="italic")
        body = Text.assemble(title, "\n  ", e.line, "\n  ", Text(safe(e.path), style="dim"))
        if i >= self._first_other:
            body.append("  (recent)", style="dim")
        return body

    @work(thread=True, exclusive=True, group="describe")
    def _describe_all(self, paths: list[str]) -> None:
        worker = get_current_worker()
        for i, path in enumerate(paths):
            entry = describe(path)
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._described, i, entry)

    def _described(self, i: int, entry: PlanEntry) -> None:
        if i < len(self.entries) and self.entries[i].path == entry.path:
            self.entries[i] = entry
            self.query_one(OptionList).replace_option_prompt(str(i), self._prompt(i, entry))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.post_message(OpenPlan(self.entries[int(event.option.id)].path))

    def action_open(self) -> None:
        lst = self.query_one(OptionList)
        if lst.highlighted is not None:
            option = lst.get_option_at_index(lst.highlighted)
            if option.id is not None:
                self.post_message(OpenPlan(self.entries[int(option.id)].path))
