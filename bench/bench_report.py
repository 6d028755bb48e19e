"""Time `cap report` in each format against a bare `tomllib.loads` of the same plan.

    python bench/bench_report.py [--sizes 44,5000] [--repeat 5] [--out DIR]

Run it with the project's interpreter (.venv/bin/python, with the report extra installed). A
size of 44 is the real plans/blaby-2024-25.toml; any other size is a synthetic plan written by
bench/make_plan.py. For each size it runs, `--repeat` times and interleaved so that machine
noise hits every format alike, in this one process after a warm-up run of each (imports, the
compiled template and python-docx's template are paid once, as in the editor; a fresh `cap
report` process adds its start-up on top):

    baseline   tomllib.loads(text)                            the text read beforehand
    html, md, csv, docx
               write_report(PLAN, FORMAT, DIR)                read, summarise, render, write

It prints the median wall time of each and its ratio to the baseline's median at that size,
with PASS or FAIL against the targets (html and md at most 3x, docx at most 10x; csv is shown
without a target), and exits 1 when a format misses its target.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from make_plan import make_plan  # noqa: E402

from cap_tui.render.report_output import write_report  # noqa: E402

REAL = ROOT / "plans" / "blaby-2024-25.toml"
FORMATS = ("html", "md", "csv", "docx")
TARGETS = {"html": 3.0, "md": 3.0, "docx": 10.0}


def sizes_arg(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of numbers") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be whole numbers of at least 1")
    return sizes


def plan_for(size: int, out: Path) -> Path:
    """The real 44-action plan, or a synthetic plan of `size` actions."""
    if size == 44 and REAL.is_file():
        return REAL
    path = out / f"plan-{size}.toml"
    if not path.is_file():
        path.write_text(make_plan(size), encoding="utf-8", newline="\n")
    return path


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench(size: int, repeat: int, out: Path) -> tuple[dict[str, float], bool]:
    path = plan_for(size, out)
    text = path.read_text(encoding="utf-8")
    dest = out / f"reports-{size}"
    dest.mkdir(exist_ok=True)
    jobs: dict[str, Callable[[], object]] = {"baseline": lambda: tomllib.loads(text)}
    for fmt in FORMATS:
        jobs[fmt] = lambda fmt=fmt: write_report(path, fmt, dest)
    for job in jobs.values():  # warm-up: imports, templates
        job()
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            times[name].append(timed(job))
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    base = medians["baseline"]
    ok = True
    print(f"\n{size} actions ({path.name}, {path.stat().st_size / 1024:,.0f} KiB), "
          f"median of {repeat}")
    print(f"  {'':<9} {'median':>10} {'ratio':>7}  target")
    for name, m in medians.items():
        ratio = m / base
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            passed = ratio <= target
            ok &= passed
            verdict = f"<= {target:g}x  {'PASS' if passed else 'FAIL'}"
        print(f"  {name:<9} {m * 1000:>8.1f}ms {ratio:>6.2f}x  {verdict}")
    return medians, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes_arg, default=[44, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, help="where plans and reports go (default: a "
                        "temporary folder)")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.platform()}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="cap-bench-report-") as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            ok &= bench(size, args.repeat, out)[1]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
