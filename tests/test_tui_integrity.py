"""Every write is one the officer made: moving about the editor at machine speed changes nothing.

A held arrow key sends a key every 10-50 ms; a widget refilled for one node used to announce its
value after the cursor had moved on, and the editor recorded it as an edit of the next node (a
programme took the id, title and lead of the one above it). These tests send keys the way a
terminal does, without waiting for the app to settle, then save and compare the file's bytes.
"""

from __future__ import annotations

import asyncio
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from textual import events
from textual.app import App
from tui_fixtures import (
    BLABY,
    NARROW,
    WIDE,
    cap_data_dir,  # noqa: F401  (autouse fixture)
    dialog_text,
    editing,
    editor,
    go_to,
    pilot_test,
    settle,
)

from cap_tui.core.model import Plan, value_text
from cap_tui.tui.widgets.form import BoundEditor


def send(app: App, keys: list[str]) -> None:
    """Queue keys as a terminal sends them: all at once, with no pause for the app."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


async def held(app: App, key: str, times: int, gap: float) -> None:
    """A held key: `times` presses `gap` seconds apart (0: all queued at once)."""
    if gap == 0:
        send(app, [key] * times)
        return
    for _ in range(times):
        send(app, [key])
        await asyncio.sleep(gap)


def copy_of_blaby(tmp_path: Path) -> Path:
    target = tmp_path / BLABY.name
    shutil.copyfile(BLABY, target)
    return target


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x45"])
@pytest.mark.parametrize("gap", [0, 0.005, 0.02], ids=["no-pause", "5ms", "20ms"])
@pilot_test
async def test_a_held_arrow_key_through_the_whole_tree_changes_nothing(
        tmp_path: Path, size: tuple[int, int], gap: float) -> None:
    # GIVEN the real plan, freshly opened
    plan = copy_of_blaby(tmp_path)
    before = plan.read_bytes()
    async with editing(plan, size) as pilot:
        app = pilot.app
        lines = sum(1 for _ in editor(app).plan.nodes())
        # WHEN the officer holds Down to the end of the tree and Up back to the top
        await held(app, "down", lines, gap)
        await held(app, "up", lines, gap)
        await settle(pilot, 3)
        # THEN nothing is modified, and ctrl+s writes the same bytes
        assert not editor(app).doc.modified
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert plan.read_bytes() == before


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x45"])
@pilot_test
async def test_a_held_arrow_key_after_a_filter_changes_nothing(
        tmp_path: Path, size: tuple[int, int]) -> None:
    plan = copy_of_blaby(tmp_path)
    before = plan.read_bytes()
    async with editing(plan, size) as pilot:
        app = pilot.app
        # GIVEN a filter that leaves programmes and actions of several kinds in the tree
        await pilot.press("slash", *"status:", "enter")
        await settle(pilot, 3)
        await pilot.press("escape")
        await settle(pilot, 2)
        await pilot.press("slash", *"lead:director", "enter")
        await settle(pilot, 3)
        # WHEN Down and Up are held through it, with no pause
        await held(app, "down", 60, 0)
        await held(app, "up", 60, 0.005)
        await settle(pilot, 3)
        assert not editor(app).doc.modified
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert plan.read_bytes() == before


# -- interleaved at random: only the nodes typed into change --------------------------------------
NAV = ["down", "up", "down", "down", "tab", "escape", "ctrl+z", "ctrl+y", "shift+tab"]
TYPED = "¤¶"  # bound to nothing in the tree, so they only reach a field; in no plan


def _texts(data: dict) -> list[dict[str, str]]:
    """Each node's fields as text, in file order: the plan, then its themes, programmes and
    actions."""
    plan = Plan("x", data)
    return [{k: value_text(v) for k, v in n.data.items() if not isinstance(v, list)}
            for n in [plan.root, *plan.nodes()]]


def _difference(old: str, new: str) -> str:
    """Where two long values part, for the failure message."""
    start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
                 min(len(old), len(new)))
    return f"at {start}: {old[start - 20:start + 40]!r} -> {new[start - 20:start + 40]!r}"


steps = st.lists(
    st.one_of(
        st.tuples(st.just("burst"), st.lists(st.sampled_from(NAV), min_size=1, max_size=12)),
        st.tuples(st.just("type"), st.integers(min_value=1, max_value=4)),
    ),
    min_size=3, max_size=12,
)


# no shrinking: each example runs the editor (a second or two), and the failing script is printed
@settings(max_examples=12, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(script=steps)
def test_only_the_nodes_typed_into_change(tmp_path: Path, script: list[tuple]) -> None:
    plan = tmp_path / "plan.toml"
    shutil.copyfile(BLABY, plan)
    original = _texts(tomllib.loads(BLABY.read_text("utf-8")))
    assert not any(c in BLABY.read_text("utf-8") for c in TYPED)  # or stripping them misleads

    async def run() -> set[int]:
        typed_into: set[int] = set()
        async with editing(plan, NARROW) as pilot:
            app = pilot.app
            screen = editor(app)
            order = [screen.plan.root, *screen.plan.nodes()]
            for kind, arg in script:
                if kind == "burst":
                    send(app, arg)  # navigation at machine speed
                    continue
                await settle(pilot)
                focused = app.focused
                if isinstance(focused, BoundEditor) and focused.node is not None:
                    typed_into.add(next(i for i, n in enumerate(order) if n is focused.node))
                    send(app, list(TYPED * arg))
            await settle(pilot, 3)
            await pilot.press("ctrl+s")
            await settle(pilot)
        return typed_into

    typed_into = asyncio.run(run())
    after = _texts(tomllib.loads(plan.read_text("utf-8")))
    assert len(after) == len(original)
    for i, (old, new) in enumerate(zip(original, after, strict=True)):
        if old == new:
            continue
        # only a node the officer typed into changed, and only by what was typed
        assert i in typed_into, f"node {i} changed but nobody typed into it: {old} -> {new}"
        for key in set(old) | set(new):
            if old.get(key) == new.get(key):
                continue  # untouched
            # typing inserts at the cursor, or replaces the whole value (an Input entered with
            # tab has its text selected)
            stripped = new.get(key, "").translate({ord(c): None for c in TYPED})
            assert stripped in (old.get(key, ""), ""), (
                i, key, _difference(old.get(key, ""), stripped))


@pytest.mark.parametrize("key", ["title", "progress"])
@pilot_test
async def test_fast_typing_with_backspaces_keeps_the_order_typed(tmp_path: Path, key: str,
                                                                  ) -> None:
    """Backspace is a binding, a letter is text: Textual ran the one when the Key reached the
    app and the other when it reached the field, so a letter typed after a backspace could land
    before it ("Strategy", End, eight backspaces and "XYZ" saved as "SXY")."""
    plan = copy_of_blaby(tmp_path)
    async with editing(plan) as pilot:
        app = pilot.app
        com01 = editor(app).plan.find("COM-01")
        assert com01 is not None
        old = com01.data[key]
        editor(app).jump(com01, key)  # the cursor in the field, as the officer left it
        await settle(pilot, 2)
        # WHEN the officer types at machine speed: to the end, eight backspaces, three letters
        send(app, ["end" if key == "title" else "ctrl+end", *["backspace"] * 8, "X", "Y", "Z"])
        await settle(pilot, 3)
        await pilot.press("ctrl+s")
        await settle(pilot)
    # THEN the file has exactly that: the last eight characters replaced by XYZ
    assert tomllib.loads(plan.read_text())["theme"][0]["programme"][0]["action"][0][key] == (
        old[:-8] + "XYZ")


@pilot_test
async def test_typing_tab_and_typing_again_at_once_fills_each_field(tmp_path: Path) -> None:
    """Textual forwards a key to the widget focused when the app reads it, and runs Tab's
    binding only once the key has bubbled back up: "Quarter 3", Tab, "2025-01-31" sent at once
    (as tmux send-keys does, or a fast typist on a busy machine) put the date in the reporting
    point. Found in tmux; the keys are queued here with no pause."""
    plan = copy_of_blaby(tmp_path)
    async with editing(plan) as pilot:
        app = pilot.app
        editor(app).jump(editor(app).plan.root, "reporting_point")
        await settle(pilot, 2)
        # WHEN, at machine speed: clear the reporting point, type, Tab, clear the as-of, type
        send(app, ["end", *["backspace"] * 24, *"Quarter 3", "tab", "end", *["backspace"] * 10,
                   *"2025-01-31"])
        await settle(pilot, 3)
        await pilot.press("ctrl+s")
        await settle(pilot)
    data = tomllib.loads(plan.read_text())["plan"]
    assert (data["reporting_point"], str(data["as_of"])) == ("Quarter 3", "2025-01-31")


@pilot_test
async def test_tab_from_the_tree_then_typing_at_once_lands_in_the_form(tmp_path: Path) -> None:
    """Keys sent to the tree before a Tab moved the focus reach the field Tab went to."""
    plan = copy_of_blaby(tmp_path)
    async with editing(plan) as pilot:
        app = pilot.app
        await pilot.press("up", "up", "up")  # the plan's own line
        await settle(pilot)
        send(app, ["tab", "end", *["backspace"] * 24, *"Q3"])  # Tab: the reporting point
        await settle(pilot, 3)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert tomllib.loads(plan.read_text())["plan"]["reporting_point"] == "Q3"


@pilot_test
async def test_a_held_arrow_then_tab_and_escape_in_one_burst_keeps_their_order(
        tmp_path: Path) -> None:
    """Found in tmux: twenty Downs then Tab/Escape five times, sent at once, left the cursor on
    the first action: the Downs waited to run at the App while Tab, run as it reached the tree,
    had already moved the focus into the form. The tree now runs its own keys as they arrive."""
    plan = copy_of_blaby(tmp_path)
    async with editing(plan, (100, 30)) as pilot:
        app = pilot.app
        send(app, ["down"] * 20)
        await settle(pilot, 3)
        alone = editor(app).current
        for _ in range(20):
            await pilot.press("up")
        await settle(pilot, 2)
        send(app, ["down"] * 20 + ["tab", "escape"] * 5)
        await settle(pilot, 3)
        assert editor(app).current is alone and alone is not None
        assert app.focused is editor(app).query_one("#tree")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert plan.read_bytes() == BLABY.read_bytes()


@pilot_test
async def test_tab_past_a_status_then_typing_at_once_lands_in_the_next_field(
        tmp_path: Path) -> None:
    """Tab from the tree lands on the action's status (a list); a second Tab and the words
    after it, sent at once, reached the status (its list searched the letters) and were lost:
    the status now runs its focus keys as they reach it, and passes on keys meant for the
    field the focus moved to."""
    plan = copy_of_blaby(tmp_path)
    async with editing(plan) as pilot:
        app = pilot.app
        node = editor(app).current
        assert node is not None and node.kind == "action"
        before = value_text(node.data.get("progress", ""))
        status = node.data.get("status")
        send(app, ["tab", "tab", "ctrl+end", *" Added."])
        await settle(pilot, 3)
        await pilot.press("ctrl+s")
        await settle(pilot)
    action = next(a for t in tomllib.loads(plan.read_text())["theme"]
                  for p in t["programme"] for a in p.get("action", []) if a["id"] == node.id)
    assert action["progress"] == before + " Added."
    assert action["status"] == status


@pytest.mark.parametrize("key,asks", [("x", "Delete action COM-01"),
                                      ("m", "Move COM-01 to which programme")],
                         ids=["delete", "move"])
@pilot_test
async def test_a_node_command_typed_before_arrows_acts_on_the_node_it_was_typed_on(
        tmp_path: Path, key: str, asks: str) -> None:
    """Found in tmux: `x` and two Downs typed fast asked to delete the programme two lines
    down, not the action the cursor was on when x was typed: the tree's letters ran once
    the key had bubbled up to the app, after the Downs had moved the cursor."""
    plan = copy_of_blaby(tmp_path)
    async with editing(plan) as pilot:
        app = pilot.app
        await go_to(pilot, "COM-01")
        send(app, [key, "down", "down"])
        await settle(pilot, 2)
        assert asks in dialog_text(app)
        await pilot.press("escape")
        await settle(pilot)
    assert plan.read_bytes() == BLABY.read_bytes()


@pilot_test
async def test_a_title_typed_right_after_add_is_the_new_actions_title(tmp_path: Path) -> None:
    """Found in tmux: `a` and a title typed fast gave the title's letters to the tree as its
    commands (`c` copied the new action, `a` added another, ...): the cursor went to the new
    action's title a refresh after the add, and the letters typed meanwhile reached the tree."""
    plan = copy_of_blaby(tmp_path)
    async with editing(plan) as pilot:
        app = pilot.app
        await go_to(pilot, "COM-01")
        send(app, ["a", *"New quick action", "ctrl+s"])
        await settle(pilot, 2)
    saved = tomllib.loads(plan.read_text(encoding="utf-8"))
    actions = [a for t in saved["theme"] for p in t["programme"] for a in p.get("action", [])]
    before = tomllib.loads(BLABY.read_text(encoding="utf-8"))
    assert len(actions) == sum(len(p.get("action", [])) for t in before["theme"]
                               for p in t["programme"]) + 1
    assert [a["title"] for a in actions if a["id"] == "COM-06"] == ["New quick action"]


@pilot_test
async def test_tab_past_the_last_field_stays_in_the_form_so_letters_stay_text(
        tmp_path: Path) -> None:
    """Found in tmux: one Tab too many from the last field went on to the tree, and the words
    typed next were the tree's commands (x asked to delete the action, o set a filter). Tab
    now goes round the form's fields; Escape goes back to the tree."""
    plan = copy_of_blaby(tmp_path)
    async with editing(plan) as pilot:
        app = pilot.app
        screen = editor(app)
        form = screen.query_one("#form")
        await pilot.press("tab")  # from the tree into the form
        fields = [w for w in screen.focus_chain if form in w.ancestors]
        assert len(fields) > 3 and app.focused in fields
        screen.set_focus(fields[-1])
        await settle(pilot)
        send(app, ["tab", "end", *"ox"])  # round to the first field, two letters typed in it
        await settle(pilot, 2)
        assert app.focused is fields[0]
        assert str(getattr(fields[0], "value", "")).endswith("ox")
        assert not app.screen.query("ChoiceScreen")  # no question to delete the action
        assert app.screen is screen and not screen.query_one("#filter-line").display
        await pilot.press("shift+tab")
        assert app.focused is fields[-1]  # and back round the other way
        await pilot.press("escape")
        assert app.focused is screen.query_one("#tree")
