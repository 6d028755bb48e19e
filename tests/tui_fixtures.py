"""Shared fixtures and helpers for the editor's Pilot tests and snapshots.

Import what a test module needs (`from tui_fixtures import ...`); the fixtures are registered in
the importing module. Every editor test runs with CAP_DATA_DIR pointing at a fresh folder, so the
recent-files list, crash journals and locks of the machine running the tests are never read or
written (CAP_STATE_DIR is set too).
"""

from __future__ import annotations

import asyncio
import difflib
import functools
import io
import shutil
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Select, TextArea

from cap_tui.core.model import Node
from cap_tui.tui.app import make_app
from cap_tui.tui.internals import notifications as shown_notifications
from cap_tui.tui.internals import screen_render
from cap_tui.tui.screens.editor import EditorScreen
from cap_tui.tui.widgets.form import BoundEditor
from cap_tui.tui.widgets.tree import PlanTree

ROOT = Path(__file__).resolve().parent.parent
BLABY = ROOT / "plans" / "blaby-2024-25.toml"
DATA_TUI = Path(__file__).resolve().parent / "data_tui"

NARROW = (80, 24)
WIDE = (160, 45)


# -- running async tests without an asyncio plugin -----------------------------------------------
def pilot_test(fn: Callable[..., Coroutine[object, object, None]]) -> Callable[..., None]:
    """Run an `async def` test (it drives the app with a Pilot) in its own event loop."""

    @functools.wraps(fn)
    def run(*args: object, **kwargs: object) -> None:
        asyncio.run(fn(*args, **kwargs))

    return run


# -- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def cap_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """cap's own data (the recent-files list) and state (crash journals, edit locks) go to
    fresh folders, never the user's: CAP_DATA_DIR, and CAP_STATE_DIR beside it."""
    folder = tmp_path_factory.mktemp("cap-data")
    monkeypatch.setenv("CAP_DATA_DIR", str(folder))
    monkeypatch.setenv("CAP_STATE_DIR", str(folder / "state"))
    return folder


def synthetic_plan(folder: Path, actions: int, name: str = "big.toml") -> Path:
    """A plan of `actions` actions written by bench/make_plan.py (800 make over a million
    characters: a large plan, read by rtoml and checked in the background)."""
    import subprocess
    import sys

    target = folder / name
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_plan.py"), str(actions),
                    str(target)], check=True)
    return target


@pytest.fixture
def blaby(tmp_path: Path) -> Path:
    """A copy of the real Blaby 2024-25 plan that a test may save over."""
    target = tmp_path / BLABY.name
    shutil.copyfile(BLABY, target)
    return target


@pytest.fixture
def sample(tmp_path: Path):
    """Copy one of tests/data_tui/ into tmp_path: `sample("markup.toml")`."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(DATA_TUI / name, target)
        return target

    return copy


# -- driving the app -----------------------------------------------------------------------------
@asynccontextmanager
async def editing(path: Path | str, size: tuple[int, int] = NARROW) -> AsyncIterator[Pilot]:
    """Open `cap PATH` in a headless terminal and wait for the first node to be shown."""
    app = make_app(str(path))
    async with app.run_test(size=size) as pilot:
        await settle(pilot, 2)
        yield pilot


async def settle(pilot: Pilot, times: int = 1) -> None:
    """Let the app finish what a key started. After a change to the tree's shape (add, delete,
    move, undo of those, filter, reload) pass `times=2`: a rebuild puts the cursor back on its
    node only after a refresh."""
    for _ in range(times):
        await pilot.app.workers.wait_for_complete()  # e.g. the picker reading its plans
        await pilot.pause()


def editor(app: App) -> EditorScreen:
    screen = app.screen
    assert isinstance(screen, EditorScreen), f"expected the editor, got {screen!r}"
    return screen


def tree(app: App) -> PlanTree:
    return app.screen.query_one(PlanTree)


def fields_shown(app: App) -> dict[str, Widget]:
    """The form's editors of the node shown, by field key (`status`, `budget £`, `a.b`, ...).

    Found by the key each editor carries (`field_key`), never by a selector made of the key:
    a field's key is the plan's data, and may be anything TOML allows."""
    shown = app.screen.query("FieldSet.-current > *").results()
    return {w.field_key: w for w in shown if isinstance(w, BoundEditor)}  # type: ignore[misc]


def field(app: App, key: str) -> Widget:
    """The form's editor widget for a field of the node shown."""
    found = fields_shown(app).get(key)
    if found is None:
        raise LookupError(f"the form shows no field {key!r}")
    return found


def field_text(app: App, key: str) -> str:
    w = field(app, key)
    if isinstance(w, TextArea):
        return w.text
    if isinstance(w, Input):
        return w.value
    if isinstance(w, Select):
        return "" if w.value is Select.NULL else str(w.value)
    raise TypeError(w)


def cursor_node(app: App) -> Node | None:
    node = tree(app).cursor_node
    return None if node is None else node.data


def cursor_id(app: App) -> str | None:
    node = cursor_node(app)
    return None if node is None else node.id


def find(app: App, node_id: str) -> Node:
    for node in editor(app).plan.nodes():
        if node.id == node_id:
            return node
    raise KeyError(node_id)


async def go_to(pilot: Pilot, node_id: str) -> None:
    """Move the tree's cursor onto `node_id` with the arrow keys, as an officer would."""
    app = pilot.app
    t = tree(app)
    t.focus()
    await pilot.pause()
    target = t.tree_node(find(app, node_id))
    assert target is not None and target.line >= 0, f"{node_id} is not shown in the tree"
    steps = target.line - t.cursor_line
    if steps:
        await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
        await pilot.pause()
    assert cursor_id(app) == node_id, f"the cursor is on {cursor_id(app)}, not {node_id}"


async def type_at_end(pilot: Pilot, key: str, text: str) -> None:
    """Put the cursor at the end of a field's text (as a click there would) and type `text`."""
    w = field(pilot.app, key)
    w.focus()
    await pilot.pause()
    if isinstance(w, TextArea):
        w.move_cursor(w.document.end)
    elif isinstance(w, Input):
        w.cursor_position = len(w.value)
    await pilot.press(*text)
    await settle(pilot)


def tree_ids(app: App) -> list[str]:
    """The ids of the tree's lines, top to bottom, as the tree shows them now."""
    t = tree(app)
    out = []
    for y in range(t.last_line + 1):
        node = t.get_node_at_line(y)
        if node is not None and node.data is not None:
            out.append(node.data.id)
    return out


def tree_labels(app: App) -> list[str]:
    t = tree(app)
    out = []
    for y in range(t.last_line + 1):
        node = t.get_node_at_line(y)
        if node is not None:
            out.append(node.label.plain)
    return out


def action_ids_of(app: App, programme_id: str) -> list[str]:
    return [a.id for a in find(app, programme_id).children]


def notifications(app: App) -> list[str]:
    return shown_notifications(app)


def screen_text(app: App) -> str:
    """What the terminal shows now, as plain text (the same render as a screenshot)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)
    console.print(screen_render(app))
    return console.export_text(styles=False)


def widget_text(widget: Widget) -> str:
    """The plain text a Static-like widget renders."""
    rendered = widget.render()
    plain = getattr(rendered, "plain", None)
    if plain is not None:
        return plain
    return str(rendered)


def dialog_text(app: App) -> str:
    """The question of the dialog on top (delete? save? overwrite?), without its line wrapping."""
    return widget_text(app.screen.query_one(".dialog-question"))


def changed_lines(old: bytes, new: bytes) -> tuple[list[str], list[str]]:
    """A `git diff` of two versions of a file: (lines removed, lines added), in file order."""
    a = old.decode("utf-8").splitlines(keepends=True)
    b = new.decode("utf-8").splitlines(keepends=True)
    removed: list[str] = []
    added: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed.extend(a[i1:i2])
            added.extend(b[j1:j2])
    return removed, added


async def choose_status(pilot: Pilot, label_start: str) -> None:
    """Open the status Select with enter and pick the option whose label starts so."""
    app = pilot.app
    select = field(app, "status")
    assert isinstance(select, Select)
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    overlay = app.focused
    labels = [str(getattr(o.prompt, "plain", o.prompt)) for o in overlay.options]  # type: ignore[union-attr]
    target = next(i for i, text in enumerate(labels) if text.startswith(label_start))
    current = overlay.highlighted or 0  # type: ignore[union-attr]
    key = "down" if target > current else "up"
    for _ in range(abs(target - current)):
        await pilot.press(key)
    await pilot.press("enter")
    await settle(pilot)


def stop_blinking(app: App) -> None:
    """Cursors drawn steadily, so a screenshot is the same every run."""
    for w in app.query("Input, TextArea"):
        w.cursor_blink = False  # type: ignore[attr-defined]
    for screen in app.screen_stack:
        for w in screen.query("Input, TextArea"):
            w.cursor_blink = False  # type: ignore[attr-defined]


__all__ = [
    "BLABY", "DATA_TUI", "NARROW", "ROOT", "WIDE", "action_ids_of", "blaby", "cap_data_dir",

    "changed_lines", "choose_status", "cursor_id", "cursor_node", "dialog_text", "editing",
    "editor", "field", "field_text", "fields_shown", "find", "go_to", "notifications",
    "pilot_test", "sample", "screen_text", "settle", "stop_blinking", "tree", "tree_ids",
    "tree_labels", "type_at_end", "widget_text",
]
