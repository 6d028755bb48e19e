"""Keystrokes typed while a large plan is being checked (the editor checks a plan read by its
quick reader with tomllib once the screen is up: a second or more at 5,000 actions).

    python bench/typing_during_check.py [--runs 5] [--actions 5000]

Each run opens a fresh synthetic plan in a fresh process (bench/tui_probe.py's way of timing),
waits 1.05 s (the check under way), types ten characters into the first action's progress
update and keeps the median time from a key sent to the last frame it drew. Prints each run's
median, then the median of those.
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

PROBE = r'''
import asyncio, sys
sys.path.insert(0, sys.argv[2])
import tui_probe as P
P.record_frames()
from cap_tui.tui.app import make_app
app = make_app(sys.argv[1])
async def run():
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        area = [w for w in app.screen.query("FieldSet.-current > TextArea")
                if getattr(w, "field_key", None) == "progress"][0]
        area.focus()
        await pilot.pause()
        await asyncio.sleep(1.05)
        print(P.median([await P.to_last_frame(app, "x") for _ in range(10)]))
asyncio.run(run())
'''


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--actions", type=int, default=5000)
    args = ap.parse_args()
    plan = Path(tempfile.mkdtemp(prefix="cap-bench-check-")) / "plan.toml"
    subprocess.run([sys.executable, str(HERE / "make_plan.py"), str(args.actions), str(plan)],
                   check=True)
    medians = []
    for _ in range(args.runs):
        env = {**os.environ, "CAP_STATE_DIR": tempfile.mkdtemp(prefix="cap-bench-state-"),
               "CAP_DATA_DIR": str(Path(tempfile.gettempdir()) / "cap-bench-data")}
        out = subprocess.run([sys.executable, "-c", PROBE, str(plan), str(HERE)], env=env,
                             capture_output=True, text=True, check=True)
        medians.append(float(out.stdout.split()[-1]) * 1000)
        print(f"run {len(medians)}: {medians[-1]:.1f} ms from a key to its last frame")
    print(f"median of {args.runs} runs: {statistics.median(medians):.1f} ms")


if __name__ == "__main__":
    main()
