"""The editor's review views: changes since the last commit, and one action's history.

Both are drawn by the same renderers as `cap diff` and `cap history` (render/diff.py,
render/history.py), written into a string with colour and shown here as Text: the editor adds no
logic of its own.
"""

from __future__ import annotations

import io
import tomllib
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...core.document import Document
from ...core.model import Node, Plan
from ...core.problems import PlanError
from ...core.source import decode, parse_toml
from ...core.words import plural
from ...render.terminal import Out
from ..widgets.footer import KeysFooter


def _render(write: Callable[[Out], None], width: int) -> Text:
    buffer = io.StringIO()
    out = Out(stream=buffer, colour=True)
    out.width = width
    write(out)
    return Text.from_ansi(buffer.getvalue())


def changes_since_commit(doc: Document, width: int) -> Text:
    """The plan as edited (saved or not) against the last commit of its file."""
    from ...core.diff import diff_plans
    from ...core.gitio import GitError, locate, show
    from ...render.diff import render_text

    try:
        root, rel = locate(doc.path)
        old_raw = show(root, "HEAD", rel)
    except GitError as exc:
        return Text(f"No commit to compare with: {exc}")
    try:
        old = Plan(f"HEAD:{rel}", parse_toml(decode(f"HEAD:{rel}", old_raw)))
    except PlanError as exc:
        return Text(f"The last commit of this plan cannot be read: {exc.problem.format()}")
    try:
        new = Plan(doc.path, tomllib.loads(doc.text()))
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - the editor keeps TOML valid
        return Text(f"The edited plan cannot be read: {exc}")
    d = diff_plans(old, new, f"HEAD:{rel}", "the editor")
    if d.same:
        return Text("No changes since the last commit.")
    return _render(lambda out: render_text(d, out), width)


def action_history_text(doc: Document, action_id: str, width: int) -> Text:
    """One action's history through the commits of its plan file."""
    from ...core.gitio import GitError, locate
    from ...core.history import action_history
    from ...render.history import write_action_history

    try:
        root, rel = locate(doc.path)
        entries = action_history(root, rel, action_id)
    except GitError as exc:
        return Text(f"No git history to show: {exc}")
    if not entries:
        return Text(f"No commit of {rel} has an action {action_id} yet.")
    return _render(lambda out: write_action_history(out, action_id, rel, entries), width)


class ReportScreen(ModalScreen[None]):
    """A read-only report, worked out off the UI thread (git can take a moment)."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, title: str, make: Callable[[int], Text]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.make = title, make

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-tall report"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-question")
            yield Static(Text("Reading git…", style="dim"), id="report-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.fill(max(self.app.size.width - 12, 40))

    @work(thread=True, exclusive=True)
    def fill(self, width: int) -> None:
        text = self.make(width)
        self.app.call_from_thread(self.query_one("#report-body", Static).update, text)

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)


def changes_screen(doc: Document) -> ReportScreen:
    return ReportScreen("Changes since the last commit (escape closes)",
                        lambda w: changes_since_commit(doc, w))


def history_screen(doc: Document, node: Node) -> ReportScreen:
    return ReportScreen(f"History of {node.id} (escape closes)",
                        lambda w: action_history_text(doc, node.id, w))


def restored_changes(doc: Document, ops: list[dict[str, Any]], width: int) -> Text:
    """What restoring a crash journal's edits would change in the file as it is now."""
    from ...core.diff import diff_plans
    from ...core.replay import decode_ops, replay, squash
    from ...render.diff import render_text

    try:
        scratch = Document.from_bytes(doc.path, doc.source.raw)
    except PlanError as exc:
        return Text(f"The plan cannot be read: {exc.problem.format()}")
    decoded, bad = decode_ops(ops)
    result = replay(scratch, squash(decoded))
    old = Plan(doc.path, tomllib.loads(doc.source.text))
    new = Plan(doc.path, tomllib.loads(scratch.text()))
    d = diff_plans(old, new, "the file", "with the edits restored")
    text = Text("Restoring changes nothing.") if d.same else _render(
        lambda out: render_text(d, out), width)
    failed = len(result.failed) + len(bad)
    if failed:
        text.append(f"\n\n{plural(failed, 'edit')} would not apply "
                    "(the plan changed under them); restoring lists them.")
    return text
