"""Run by bench_tui.py in a fresh process: open the editor (or a baseline app) headless, and
exit as soon as its first screen is drawn and ready for keys. Optionally time keystrokes, two
ways: Pilot's `press` (the key sent, then Textual's wait until the app is idle: 20 ms slices and
a message to every widget), and the time from the key sent to the last frame it drew (what the
officer waits for), as "PILOT_SECONDS PAINT_SECONDS"."""

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
    # as `cap edit PATH` starts (commands/edit.py): the plan read in a child process while
    # the editor is imported, and no garbage collection until its first frame
    import gc

    from cap_tui.core.readahead import read_ahead

    read_ahead(path)
    gc.disable()
    from cap_tui.tui.app import make_app

    return make_app(path)


FRAMES: list[float] = []  # when each frame was drawn (perf_counter)


def record_frames() -> None:
    from textual.screen import Screen

    drawn = Screen._on_timer_update

    def draw(screen: Screen) -> None:  # type: ignore[type-arg]
        drawn(screen)
        FRAMES.append(time.perf_counter())

    Screen._on_timer_update = draw  # type: ignore[method-assign]


async def to_last_frame(app, key: str) -> float:
    """Seconds from sending `key` (as Pilot does, without its waits) to the last frame drawn
    in the 0.2 s after it; 0 when it drew none. (Work the editor puts off until the officer
    pauses, the summary's recount 0.25 s after the last edit, is not the key's.)"""
    from textual import events

    del FRAMES[:]
    sent = time.perf_counter()
    app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
    await asyncio.sleep(0.2)
    after = [t for t in FRAMES if t > sent]
    return (after[-1] - sent) if after else 0.0


def first_frame() -> list[float]:
    """When the first whole frame is made (headless, Textual makes it and writes it nowhere)."""
    from textual._compositor import Compositor

    made = Compositor.render_full_update
    first: list[float] = []

    def render(compositor: Compositor, *args, **kwargs):  # type: ignore[no-untyped-def]
        update = made(compositor, *args, **kwargs)
        if not first:
            first.append(time.perf_counter())
        return update

    Compositor.render_full_update = render  # type: ignore[method-assign]
    return first


def median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2]


async def keystrokes(app, n: int, size: tuple[int, int]) -> tuple[float, float]:
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
        paints = []
        for i in range(n):
            paints.append(await to_last_frame(app, "x" if i % 2 else "y"))
        return median(times), median(paints)


async def moves(app, n: int, size: tuple[int, int]) -> tuple[float, float]:
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
        await pilot.press("home")
        await pilot.pause()
        paints = [await to_last_frame(app, "down") for _ in range(n)]
        return median(times), median(paints)


async def focus_keys(app, n: int, size: tuple[int, int], key: str) -> tuple[float, float]:
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
            if key == "tab" and len(times) % 3 == 0:
                # back to the tree every third Tab, before the form's last field (a Tab there
                # goes round to the first field, scrolling the form to its top: Escape is the
                # way out, timed on its own): Tab from the tree is timed too
                tree.focus()
                await pilot.pause()
        tree.focus()
        await pilot.pause()
        paints = []
        for i in range(n):
            if key == "escape":
                await pilot.press("tab")
                await pilot.pause()
            paints.append(await to_last_frame(app, key))
            if key == "tab" and i % 3 == 2:
                tree.focus()
                await pilot.pause()
        return median(times), median(paints)


def main() -> None:
    """tui_probe.py start TARGET COLSxROWS  (prints: first paint, settled)
    tui_probe.py keys|moves|tab|escape TARGET COLSxROWS N"""
    mode, what, size_arg = sys.argv[1], sys.argv[2], sys.argv[3]
    cols, rows = (int(n) for n in size_arg.split("x"))
    if mode != "start":
        record_frames()
    app = baseline_app() if what == "baseline" else cap_app(what)
    if mode == "start":
        # two times: the first frame drawn ("first paint": what the officer sees first), and
        # the screen settled: drawn, and its queued work done (for cap, the form's fields,
        # which come in the frame after the first, the lock, the journal, the checks)
        first = first_frame()

        async def run() -> None:
            async with app.run_test(size=(cols, rows)) as pilot:
                await pilot.pause()
                print(f"{first[0] - T0:.4f} {time.perf_counter() - T0:.4f}")

        asyncio.run(run())
    else:
        n = int(sys.argv[4])
        if mode == "moves":
            pilot, paint = asyncio.run(moves(app, n, (cols, rows)))
        elif mode in ("tab", "escape"):
            pilot, paint = asyncio.run(focus_keys(app, n, (cols, rows), mode))
        else:
            pilot, paint = asyncio.run(keystrokes(app, n, (cols, rows)))
        print(f"{pilot:.6f} {paint:.6f}")


if __name__ == "__main__":
    main()
