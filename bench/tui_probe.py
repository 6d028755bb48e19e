"""Run by bench_tui.py in a fresh process: open the editor (or a baseline app) headless, and
exit as soon as its first screen is drawn and ready for keys. Optionally time keystrokes."""

from __future__ import annotations

import asyncio
import sys
import time

T0 = time.perf_counter()


def baseline_app():  # a minimal Textual app: one label
    from textual.app import App, ComposeResult
    from textual.widgets import Label, TextArea

    class Baseline(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("baseline")
            yield TextArea("some progress text", id="progress")

    return Baseline()


def cap_app(path: str):
    from cap_tui.tui.app import make_app

    return make_app(path)


async def keystrokes(app, n: int, size: tuple[int, int]) -> float:
    """Median seconds per key typed into the progress text area of the selected action."""
    from textual.widgets import TextArea

    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        # cap's form: the editor of the shown node's progress field, found by its field key
        # (a key is data, never part of a selector); the baseline's one text area
        shown = [w for w in app.screen.query("FieldSet.-current > TextArea")
                 if getattr(w, "field_key", None) == "progress"]
        area = shown[0] if shown else app.screen.query_one("#progress", TextArea)
        area.focus()
        await pilot.pause()
        times = []
        for i in range(n):
            t = time.perf_counter()
            await pilot.press("x" if i % 2 else "y")
            times.append(time.perf_counter() - t)
        await pilot.pause(0.4)  # let debounced work (summary recount) run once
        times.sort()
        return times[len(times) // 2]


async def moves(app, n: int, size: tuple[int, int]) -> float:
    """Median seconds per down-arrow in the tree (the form follows the cursor)."""
    from textual.widgets import Tree

    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        app.screen.query_one(Tree).focus()
        await pilot.pause()
        times = []
        for _ in range(n):
            t = time.perf_counter()
            await pilot.press("down")
            times.append(time.perf_counter() - t)
        times.sort()
        return times[len(times) // 2]


async def focus_keys(app, n: int, size: tuple[int, int], key: str) -> float:
    """Median seconds per Tab (from the tree into the form, then field to field) or per Escape
    (from a field of the form back to the tree), on the selected action."""
    from textual.widgets import Tree

    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        tree = app.screen.query_one(Tree)
        tree.focus()
        await pilot.pause()
        await pilot.press("down", "down", "down")  # an action, whichever the plan's shape
        await pilot.pause()
        times = []
        for _ in range(n):
            if key == "escape":
                await pilot.press("tab")  # into the form (not timed)
                await pilot.pause()
            t = time.perf_counter()
            await pilot.press(key)
            times.append(time.perf_counter() - t)
            if key == "tab" and len(times) % 4 == 0:
                tree.focus()  # back to the tree now and then: Tab from the tree is timed too
                await pilot.pause()
        times.sort()
        return times[len(times) // 2]


def main() -> None:
    """tui_probe.py start TARGET COLSxROWS
    tui_probe.py keys|moves|tab|escape TARGET COLSxROWS N"""
    mode, what, size_arg = sys.argv[1], sys.argv[2], sys.argv[3]
    cols, rows = (int(n) for n in size_arg.split("x"))
    app = baseline_app() if what == "baseline" else cap_app(what)
    if mode == "start":
        # "interactive": the first screen is mounted, drawn, and its queued work is done
        async def run() -> None:
            async with app.run_test(size=(cols, rows)) as pilot:
                await pilot.pause()
                print(f"{time.perf_counter() - T0:.4f}")

        asyncio.run(run())
    elif mode == "moves":
        print(f"{asyncio.run(moves(app, int(sys.argv[4]), (cols, rows))):.6f}")
    elif mode in ("tab", "escape"):
        print(f"{asyncio.run(focus_keys(app, int(sys.argv[4]), (cols, rows), mode)):.6f}")
    else:
        print(f"{asyncio.run(keystrokes(app, int(sys.argv[4]), (cols, rows))):.6f}")


if __name__ == "__main__":
    main()
