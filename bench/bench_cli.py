"""Time cap's command-line commands as whole processes against reading the same file with tomllib.

    python bench/bench_cli.py [--sizes 50,500,5000] [--repeat 15] [--target 1.5] [--out DIR]

Run it with the project's interpreter (.venv/bin/python): that interpreter runs the baseline,
and cap is the console script next to it, invoked as a user invokes it. For each size it writes
a plan with bench/make_plan.py, then runs, `--repeat` times and interleaved so that machine
noise hits every command alike:

    baseline   python -c "import tomllib; tomllib.load(open(F, 'rb'))"
    status     cap status F
    list       cap list F
    validate   cap validate F
    set        cap set F ID status amber   (and back to its first status on the next run)

each with stdout and stderr to a pipe. It prints the median wall time of each, its ratio to the
baseline's median at that size and PASS or FAIL against the target ratio (and the same for CPU
time, user + system, which a busy machine disturbs less); then, from one
in-process run of each command, whether Textual, tomlkit or Rich got imported. It exits 1 when a
command misses the target.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shlex
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
ENV = dict(os.environ)  # what the timed processes run with; main() sets up the bytecode cache
COMMANDS = ("baseline", "status", "list", "validate", "set")
SET_VALUE = "amber"

# Run in a fresh interpreter: which heavy modules does a command import? (argv: command, file.)
IMPORT_CHECK = """\
import io, sys
from contextlib import redirect_stderr, redirect_stdout
from cap_tui.cli import main
argv = sys.argv[1:]
with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
    rc = main(argv)
print(rc, *("textual" in sys.modules, "tomlkit" in sys.modules, "rich" in sys.modules),
      len(sys.modules))
"""


def sizes_arg(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of numbers") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be whole numbers of at least 1")
    return sizes


def set_target(path: Path) -> tuple[str, str]:
    """An on-track action near the middle of the file: (its id, its status)."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    actions = [a for t in data["theme"] for p in t["programme"] for a in p["action"]]
    middle = len(actions) // 2
    ordered = actions[middle:] + actions[:middle]
    for a in ordered:
        if a["status"] == "green":
            return a["id"], a["status"]
    for a in ordered:
        if a["status"] != SET_VALUE:
            return a["id"], a["status"]
    raise SystemExit(f"{path}: no action whose status is not {SET_VALUE!r}")


def command_line(name: str, path: Path, set_id: str, set_value: str) -> list[str]:
    f = str(path)
    if name == "baseline":
        return [sys.executable, "-c", f"import tomllib; tomllib.load(open({f!r}, 'rb'))"]
    if name == "set":
        return [CAP, "set", f, set_id, "status", set_value]
    return [CAP, name, f]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) time of one process in ms; output to a pipe.

    A process that fails stops the bench.
    """
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=ENV, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    cpu = (_children_cpu() - cpu) * 1000
    if done.returncode != 0:
        sys.stderr.write(f"bench: {shlex.join(argv)} exited {done.returncode}\n"
                         f"{done.stderr.decode(errors='replace')[-2000:]}")
        raise SystemExit(2)
    return elapsed, cpu


Times = dict[str, list[tuple[float, float]]]  # command: [(wall ms, cpu ms) per run]


def bench_size(n: int, folder: Path, repeat: int) -> Times:
    path = folder / f"plan-{n}.toml"
    path.write_text(make_plan(n), encoding="utf-8", newline="\n")
    original = path.read_bytes()
    check = subprocess.run([CAP, "validate", "--quiet", str(path)], capture_output=True,
                           text=True, env=ENV, check=False)
    if check.returncode != 0:
        raise SystemExit(f"bench: the generated plan is not valid:\n{check.stdout}{check.stderr}")
    set_id, first_status = set_target(path)
    size_kb = len(original) / 1024
    print(f"# {n} actions: {path.name}, {size_kb:,.0f} KiB; set changes {set_id}.status "
          f"{first_status} <-> {SET_VALUE}", file=sys.stderr)
    times: Times = {name: [] for name in COMMANDS}
    values = [SET_VALUE, first_status]
    set_runs = 0
    for rep in range(repeat + 1):  # the first round warms the page and bytecode caches
        for name in COMMANDS:
            value = values[set_runs % 2] if name == "set" else ""
            wall_cpu = run_once(command_line(name, path, set_id, value))
            if name == "set":
                set_runs += 1
            if rep:
                times[name].append(wall_cpu)
        if sys.stderr.isatty():
            print(f"#   round {rep}/{repeat}", file=sys.stderr, end="\r")
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if set_runs % 2:  # leave the file as it was written
        run_once(command_line("set", path, set_id, first_status))
    if path.read_bytes() != original:
        raise SystemExit(f"bench: {path} differs from what make_plan wrote after set and back")
    return times


def import_check(folder: Path, n: int) -> list[tuple[str, list[str]]]:
    """Which heavy modules each command imports, from one run of each in a fresh interpreter."""
    path = folder / f"imports-{n}.toml"
    path.write_text(make_plan(n), encoding="utf-8", newline="\n")
    set_id, _ = set_target(path)
    rows = []
    for name in ("status", "list", "validate", "set"):
        argv = [name, str(path)] + (["--quiet"] if name == "validate" else [])
        if name == "set":
            argv = [name, str(path), set_id, "status", SET_VALUE]
        done = subprocess.run([sys.executable, "-c", IMPORT_CHECK, *argv], capture_output=True,
                              text=True, env=ENV, check=False)
        if done.returncode != 0:
            raise SystemExit(f"bench: import check of {name} failed:\n{done.stderr}")
        rows.append((name, done.stdout.split()))
    path.unlink()
    return rows


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if k == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def tree_state() -> str:
    """The commit cap_tui is at, and whether it has uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "cap_tui"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" with uncommitted changes in cap_tui/" if dirty else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes_arg, default=[50, 500, 5000], metavar="N,N,...",
                        help="plan sizes in actions (default 50,500,5000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each (default 15)")
    parser.add_argument("--target", type=float, default=1.5,
                        help="the largest acceptable ratio to the baseline (default 1.5)")
    parser.add_argument("--out", metavar="DIR", help="keep the plans here (default: a temporary "
                        "folder, removed afterwards)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="run with PYTHONDONTWRITEBYTECODE=1 and no cache of cap's own "
                        "bytecode, so cap compiles its modules on every run (default: a "
                        "bytecode cache in the temporary folder, as an installed cap has)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not Path(CAP).exists():
        parser.error(f"{CAP} does not exist: run this with the interpreter cap is installed in")

    with tempfile.TemporaryDirectory(prefix="cap-bench-") as tmp:
        if args.no_bytecode_cache:
            ENV["PYTHONDONTWRITEBYTECODE"] = "1"
            ENV.pop("PYTHONPYCACHEPREFIX", None)
            bytecode = "none for cap_tui (PYTHONDONTWRITEBYTECODE=1): compiled on every run"
        else:
            # Every process reads and writes bytecode here, so the warm-up round compiles cap_tui
            # (and the standard library) once, and nothing is written beside the sources.
            ENV.pop("PYTHONDONTWRITEBYTECODE", None)
            ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
            bytecode = "cached (PYTHONPYCACHEPREFIX in the temporary folder, warmed by round 0)"
        print(f"python {platform.python_version()} ({sys.executable}), nproc {os.cpu_count()}, "
              f"{platform.platform()}")
        print(f"command: {shlex.join(sys.orig_argv)}")
        print(f"cap_tui: {tree_state()}; bytecode: {bytecode}")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        folder = Path(args.out) if args.out else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = {n: bench_size(n, folder, args.repeat) for n in args.sizes}
        imports = import_check(folder, args.sizes[0])
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    failed = False
    rows = [["actions", "command", "median ms", "min ms", "max ms", "x baseline", "target",
             "result", "cpu ms", "cpu x baseline"]]
    for n, times in results.items():
        base = statistics.median(w for w, _ in times["baseline"])
        base_cpu = statistics.median(c for _, c in times["baseline"])
        for name in COMMANDS:
            walls = [w for w, _ in times[name]]
            med = statistics.median(walls)
            cpu = statistics.median(c for _, c in times[name])
            ratio = med / base
            ok = ratio <= args.target
            failed |= name != "baseline" and not ok
            rows.append([f"{n:,}", name, f"{med:.0f}", f"{min(walls):.0f}", f"{max(walls):.0f}",
                         f"{ratio:.2f}", "" if name == "baseline" else f"{args.target:g}x",
                         "" if name == "baseline" else ("PASS" if ok else "FAIL"),
                         f"{cpu:.0f}", f"{cpu / base_cpu:.2f}"])
    print(f"\nWall time per process, {args.repeat} interleaved runs each; PASS or FAIL is the "
          "median's ratio to\nthe baseline's median; cpu ms is the median user + system time, "
          "for a machine that is busy:\n")
    print(table(rows))

    rows = [["command", "exit", "textual", "tomlkit", "rich", "modules"]]
    for name, (rc, textual, tomlkit, rich, modules) in imports:
        rows.append([name, rc, textual, tomlkit, rich, modules])
    print(f"\nImported by one in-process run of each command ({args.sizes[0]} actions, "
          "output not a terminal):\n")
    print(table(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
