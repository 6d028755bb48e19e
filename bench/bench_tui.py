"""Editor benchmarks: time to an interactive screen, and time to handle one keystroke.

Each measurement runs in a fresh process (bench/tui_probe.py), interleaved with a baseline
measured the same way in the same run: a minimal Textual app with one label and a text area.
"Move" is one down-arrow in the tree (the form follows the cursor), "Tab" moves focus from the tree
into the form and from field to field (one Tab in three from the tree), "Esc" from a field back to
the tree. The baseline has no
tree or form, so these are compared with its keystroke: the cost of one key in a bare TextArea
(issue 11's target: at most 1.3x, at every plan size; first paint at most 1.5x the baseline's for
the real plan and 2x for 5,000 actions).
Start-up counts from the probe's first line of Python (interpreter start-up is the same for
both and is left out) to the first frame drawn ("paint": what the officer sees first, the
target) and to the screen settled ("ready": drawn, and the work queued by then done; for cap,
the form's fields, which come in the next frame, the lock, the journal and the checks).
Keystrokes are typed into the progress text area of the first action, through Textual's Pilot,
and the median per key is kept.
Each key is timed twice, in two passes: Pilot's `press` (the key, then Textual's wait until the
app is idle: 20 ms slices, and a message to every widget, so an app of more widgets pays more for
the same work) and the time from the key sent to the last frame it drew (what the officer waits
for; nothing waits on the app, and work put off until the officer pauses is not the key's).

    python bench/bench_tui.py [--repeat 7] [--sizes 500,5000] [--screen 120x40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROBE = HERE / "tui_probe.py"


def probe2(*args: str) -> tuple[float, ...]:
    # opening a plan remembers it: keep the bench's plans out of the user's recent list
    # and each probe has a state folder of its own: no journal or lock of an earlier probe (one
    # that typed and quit unsaved) asks it anything
    env = {**os.environ, "CAP_DATA_DIR": str(Path(tempfile.gettempdir()) / "cap-bench-data"),
           "CAP_STATE_DIR": tempfile.mkdtemp(prefix="cap-bench-state-")}
    out = subprocess.run([sys.executable, str(PROBE), *args], capture_output=True, text=True,
                         cwd=ROOT, check=True, env=env)
    return tuple(float(v) for v in out.stdout.strip().splitlines()[-1].split())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--keys", type=int, default=40, help="keystrokes per measurement")
    ap.add_argument("--sizes", default="500,5000")
    ap.add_argument("--screen", default="120x40", help="terminal size, COLSxROWS")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cap-bench-tui-"))
    targets = {"baseline": "baseline", "real plan (44)": str(ROOT / "plans/blaby-2024-25.toml")}
    for n in (int(s) for s in args.sizes.split(",") if s):
        f = tmp / f"plan-{n}.toml"
        subprocess.run([sys.executable, str(HERE / "make_plan.py"), str(n), str(f)], check=True)
        targets[f"synthetic {n}"] = str(f)
    start: dict[str, list[float]] = {k: [] for k in targets}
    ready: dict[str, list[float]] = {k: [] for k in targets}
    keys: dict[str, list[float]] = {k: [] for k in targets}
    moves: dict[str, list[float]] = {k: [] for k in targets if k != "baseline"}
    tabs: dict[str, list[float]] = {k: [] for k in moves}
    escs: dict[str, list[float]] = {k: [] for k in moves}
    # the same keys, from the key sent to the last frame it drew (no Pilot waits)
    paint: dict[str, dict[str, list[float]]] = {m: {k: [] for k in targets}
                                               for m in ("key", "move", "tab", "esc")}
    for _ in range(args.repeat):
        for name, target in targets.items():  # interleaved, so noise hits all alike
            first, settled = probe2("start", target, args.screen)
            start[name].append(first)
            ready[name].append(settled)
    for _ in range(max(args.repeat // 2, 3)):
        for name, target in targets.items():
            pilot, drawn = probe2("keys", target, args.screen, str(args.keys))
            keys[name].append(pilot)
            paint["key"][name].append(drawn)
            if name in moves:
                for mode, samples, col, n in (("moves", moves, "move", args.keys),
                                              ("tab", tabs, "tab", args.keys // 2),
                                              ("escape", escs, "esc", args.keys // 2)):
                    pilot, drawn = probe2(mode, target, args.screen, str(n))
                    samples[name].append(pilot)
                    paint[col][name].append(drawn)
    base_s = statistics.median(start["baseline"])
    base_r = statistics.median(ready["baseline"])
    base_k = statistics.median(keys["baseline"])
    print(f"python {sys.version.split()[0]}, screen {args.screen}, repeat {args.repeat}, "
          f"{args.keys} keys a run")
    print(f"{'':<18} {'paint ms':>9} {'x base':>7} {'fastest':>8}   {'ready ms':>9} {'x base':>7}"
          f" {'fastest':>8}")
    for name in targets:
        s, r = statistics.median(start[name]), statistics.median(ready[name])
        print(f"{name:<18} {s * 1000:>9.0f} {s / base_s:>7.2f} {min(start[name]) * 1000:>8.0f}"
              f"   {r * 1000:>9.0f} {r / base_r:>7.2f} {min(ready[name]) * 1000:>8.0f}")
    print()
    print(f"{'':<18} {'key ms':>7} {'x key':>6}"
          f"   {'move ms':>7} {'x key':>6}   {'tab ms':>7} {'x key':>6}"
          f"   {'esc ms':>7} {'x key':>6}")

    def cell(samples: dict[str, list[float]], name: str) -> str:
        if name not in samples:
            return " " * 17
        v = statistics.median(samples[name])
        return f"{v * 1000:>7.2f} {v / base_k:>6.2f}"

    for name in targets:
        print(f"{name:<18} {cell(keys, name)}   {cell(moves, name)}   {cell(tabs, name)}"
              f"   {cell(escs, name)}")
    base_p = statistics.median(paint["key"]["baseline"])
    print()
    print("from the key to the last frame it drew (ms; x key: to the baseline's keystroke's)")
    print(f"{'':<18} " + "   ".join(f"{c + ' ms':>7} {'x key':>6}" for c in paint))
    for name in targets:
        cells = []
        for col in paint:
            if paint[col][name]:
                v = statistics.median(paint[col][name])
                cells.append(f"{v * 1000:>7.2f} {v / base_p:>6.2f}")
            else:
                cells.append(" " * 14)
        print(f"{name:<18} " + "   ".join(cells))


if __name__ == "__main__":
    main()
