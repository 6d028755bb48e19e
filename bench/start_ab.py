"""Interleaved start-ups: the editor's first paint against a minimal Textual app's, and
optionally against another checkout of cap, each a fresh process, round-robin, medians.

    python bench/start_ab.py [--runs 15] [--against DIR] [--size 80x24] TARGET...

TARGET is a plan file; `baseline` (a minimal Textual app) is always run first. With --against,
each TARGET is also started from the checkout DIR (`git worktree add DIR COMMIT`), run with DIR
as its working folder and first on PYTHONPATH, so an older cap can be timed in the same minutes
as this one (the machine is shared and noisy: only a ratio measured in one run is worth
reading). Prints each case's median first paint and its ratio to the baseline's.
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


def first_paint(where: Path, target: str, size: str, env: dict[str, str]) -> float:
    run = subprocess.run([sys.executable, "bench/tui_probe.py", "start", target, size],
                         cwd=where, env=dict(env, PYTHONPATH=str(where)), capture_output=True,
                         text=True, check=True)
    return float(run.stdout.split()[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("targets", nargs="+", metavar="TARGET")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--against", type=Path, help="another checkout of cap, timed beside this one")
    ap.add_argument("--size", default="80x24")
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("CAP_STATE_DIR", tempfile.mkdtemp(prefix="cap-bench-state-"))
    here = HERE.parent
    cases: list[tuple[str, Path, str]] = [("baseline", here, "baseline")]
    for target in args.targets:
        full = str(Path(target).resolve())
        if args.against is not None:
            cases.append((f"{target} (at {args.against})", args.against.resolve(), full))
        cases.append((target, here, full))
    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _ in range(args.runs):
        for name, where, target in cases:
            times[name].append(first_paint(where, target, args.size, env))
    base = statistics.median(times["baseline"])
    print(f"python {sys.version.split()[0]}, {args.size}, {args.runs} interleaved runs, "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, _, _ in cases:
        paint = statistics.median(times[name])
        print(f"{name:60s} first paint {paint * 1000:5.0f} ms  x{paint / base:.2f}")


if __name__ == "__main__":
    main()
