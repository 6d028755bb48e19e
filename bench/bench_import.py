"""Time `cap import` of a 5,000-row return sheet into a 5,000-action plan against reading the
same plan with tomllib.

    python bench/bench_import.py [--size 5000] [--repeat 5] [--target 3] [--out DIR] [--profile]

Run it with the project's interpreter (.venv/bin/python). It writes a plan with
bench/make_plan.py and a return sheet (xlsx, by XlsxWriter, in the columns `cap request` writes)
with one row per action, a quarter of them giving a new status and a new progress update. Then,
`--repeat` times and interleaved so that machine noise hits both alike, it runs as whole
processes, stdout and stderr to a pipe:

    baseline   python -c "import tomllib; tomllib.load(open(F, 'rb'))"
    import     cap import SHEET --into COPY --yes      (COPY: a fresh copy of the plan each time)

after one untimed round that fills a bytecode cache in the folder (as an installed cap has
one), and prints each one's median wall and CPU time, the ratio of import to baseline, and PASS or
FAIL against the target ratio (exit 1 on FAIL). It checks that each import wrote the expected
number of changes. `--profile` also prints where one in-process import spends its time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_plan import make_plan

CAP = str(Path(sys.executable).parent / "cap")
ENV = dict(os.environ)  # what the timed processes run with: main() adds a bytecode cache
HEADERS = ["ID", "Theme", "Programme", "Title", "Lead", "Current expected completion",
           "Current status", "Current progress update", "New status",
           "New expected completion", "New progress update", "Next steps"]


def write_sheet(plan_path: Path, sheet: Path) -> int:
    """The return sheet for every action of the plan; returns how many changes it asks for."""
    import xlsxwriter

    with plan_path.open("rb") as f:
        data = tomllib.load(f)
    labels = {"not-started": "Not started", "green": "On track", "amber": "At risk",
              "red": "Off track", "completed": "Completed", "carried-forward": "Carried forward",
              "cancelled": "Cancelled"}
    book = xlsxwriter.Workbook(str(sheet), {"strings_to_formulas": False,
                                            "strings_to_urls": False,
                                            "strings_to_numbers": False})
    ws = book.add_worksheet("Updates")
    for c, h in enumerate(HEADERS):
        ws.write_string(0, c, h)
    row, changes = 1, 0
    for theme in data["theme"]:
        for programme in theme["programme"]:
            for a in programme["action"]:
                cells = [a["id"], theme["title"], programme["title"], a["title"],
                         a.get("lead", ""), str(a.get("due", "")), labels[a["status"]],
                         a.get("progress", "")]
                for c, v in enumerate(cells):
                    ws.write_string(row, c, v)
                if row % 4 == 0:  # a quarter of the rows: a new status and progress update
                    ws.write_string(row, 8, "Off track" if a["status"] == "amber" else "At risk")
                    ws.write_string(row, 10, f"Row {row}: progress rewritten at this update.")
                    changes += 2
                row += 1
    ws.write_string(0, 0, "ID")
    book.close()
    return changes


def run_baseline(plan: Path) -> tuple[float, float]:
    code = f"import tomllib; tomllib.load(open({str(plan)!r}, 'rb'))"
    return timed([sys.executable, "-c", code])


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def profile(sheet: Path, copy: Path) -> None:
    import cProfile
    import io
    import pstats
    from contextlib import redirect_stdout

    from cap_tui.cli import main

    prof = cProfile.Profile()
    with redirect_stdout(io.StringIO()):
        prof.runcall(main, ["import", str(sheet), "--into", str(copy), "--yes"])
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--target", type=float, default=3.0)
    ap.add_argument("--out", type=Path, default=None, help="keep the files here")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="cap-bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    ENV.setdefault("CAP_STATE_DIR", str(folder / "state"))
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    os.environ["CAP_STATE_DIR"] = ENV["CAP_STATE_DIR"]
    plan = folder / f"plan-{args.size}.toml"
    plan.write_text(make_plan(args.size), encoding="utf-8")
    sheet = folder / f"returns-{args.size}.xlsx"
    changes = write_sheet(plan, sheet)
    copy = folder / "copy.toml"
    print(f"plan: {args.size} actions, {plan.stat().st_size:,} bytes; sheet: {changes} changes; "
          f"load average {os.getloadavg()[0]:.2f}")
    times: dict[str, list[tuple[float, float]]] = {"baseline": [], "import": []}
    for n in range(args.repeat + 1):  # round 0 warms the bytecode cache: not counted
        base = run_baseline(plan)
        shutil.copyfile(plan, copy)
        run = timed([CAP, "import", str(sheet), "--into", str(copy), "--yes"])
        if copy.read_bytes() == plan.read_bytes():
            raise SystemExit("the import changed nothing")
        if n:
            times["baseline"].append(base)
            times["import"].append(run)
    wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    ratio, cpu_ratio = wall["import"] / wall["baseline"], cpu["import"] / cpu["baseline"]
    print(f"baseline  wall {wall['baseline']:.3f}s  cpu {cpu['baseline']:.3f}s")
    print(f"import    wall {wall['import']:.3f}s  cpu {cpu['import']:.3f}s  "
          f"ratio {ratio:.2f} (cpu {cpu_ratio:.2f})  target {args.target:.1f}  "
          f"{'PASS' if ratio <= args.target else 'FAIL'}")
    if args.profile:
        shutil.copyfile(plan, copy)
        profile(sheet, copy)
    if args.out is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ratio <= args.target else 1


if __name__ == "__main__":
    raise SystemExit(main())
