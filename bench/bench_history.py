"""Time `cap history` on a long history of a big plan, against `git log --follow` on the same file.

    python bench/bench_history.py [--actions 5000] [--commits 200] [--runs 5] [--keep DIR]

Run it with the project's interpreter (.venv/bin/python); cap is the console script next to it.
It builds a repository in a temporary folder: a plan of --actions actions written by
bench/make_plan.py, then --commits commits, each changing a few actions (a status, an expected
completion that slips, a sentence added to a progress update) and, every tenth commit, the action
the benchmark follows. The history is written with one `git fast-import`, so building it is quick.
Then it runs, --runs times and interleaved so that machine noise hits every command alike:

    baseline     git log --follow --format=%H -- plans/plan.toml
    read all     the same log piped into `git cat-file --batch`: every version's bytes, which
                 any history of the file's contents has to read (a floor for cap, for reference)
    history ID   cap history ID plans/plan.toml
    history all  cap history --all plans/plan.toml

with stdout to a pipe, and prints each one's median wall time and CPU time (user + system, the
process and its children, git included), and its ratio to the baseline, as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CAP = str(Path(sys.executable).parent / "cap")
PLAN = "plans/plan.toml"
STATUSES = ["not-started", "green", "amber", "red", "completed"]


def make_plan(n: int, out: Path) -> None:
    """bench/make_plan.py's plan of n actions (a plain one of our own if it is not there)."""
    maker = HERE / "make_plan.py"
    if maker.exists():
        subprocess.run([sys.executable, str(maker), str(n), str(out)], check=True)
        return
    lines = ['[plan]', 'council = "Bench"', 'title = "Bench plan"', "as_of = 2024-11-30"]
    for t in range(5):
        lines += ["", "[[theme]]", f'id = "T{t}"', f'title = "Theme {t}"']
        for p in range(n // 50):
            lines += ["", "[[theme.programme]]", f'id = "T{t}-P{p}"', f'title = "Programme {p}"']
            for a in range(10):
                lines += ["", "[[theme.programme.action]]", f'id = "T{t}-{p * 10 + a:03d}"',
                          'title = "An action"', 'lead = "A lead"', 'due = "2025-03"',
                          'status = "green"', 'progress = """\nSome progress."""']
    out.write_text("\n".join(lines) + "\n")


def _block(text: str, aid: str) -> tuple[int, int]:
    start = text.index(f'\nid = "{aid}"\n')
    end = text.find("\n[[", start)
    return start, len(text) if end < 0 else end


def _change(text: str, aid: str, rng: random.Random, step: int) -> str:
    """One action changed the way a progress update changes it."""
    start, end = _block(text, aid)
    block = text[start:end]
    block = re.sub(r'\nstatus = "[^"]*"', f'\nstatus = "{rng.choice(STATUSES)}"', block, count=1)
    m = re.search(r'\ndue = "(\d{4})-(\d{2})"', block)
    if m:
        year, month = int(m.group(1)), int(m.group(2)) + rng.choice([1, 2, 3])
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        block = block[: m.start()] + f'\ndue = "{year}-{month:02d}"' + block[m.end():]
    opening = block.find('\nprogress = """\n')
    if opening >= 0:
        close = block.index('"""', opening + len('\nprogress = """\n'))
        block = block[:close] + f" Update {step}: the work moved on." + block[close:]
    return text[:start] + block + text[end:]


def build(root: Path, actions: int, commits: int, seed: int = 1) -> str:
    """The repository; returns the id of the action every tenth commit changes."""
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q", str(root)], check=True)
    (root / "plans").mkdir()
    plan = root / PLAN
    make_plan(actions, plan)
    text = plan.read_text(encoding="utf-8")
    ids = re.findall(r'(?m)^\[\[theme\.programme\.action\]\]\nid = "([^"]+)"', text)
    target = ids[len(ids) * 3 // 4]  # well into the file
    rng = random.Random(seed)
    stream = bytearray()
    when = 1711962000  # 2024-04-01
    for i in range(commits + 1):
        if i:
            for aid in rng.sample(ids, 3) + ([target] if i % 10 == 0 else []):
                text = _change(text, aid, rng, i)
        data = text.encode("utf-8")
        message = (b"Start of year plan" if i == 0 else b"Progress update %d" % i)
        who = b"Alice Smith <alice@example.org>" if i % 2 else b"Bob Jones <bob@example.org>"
        stamp = b"%d +0100" % (when + i * 86400)
        stream += b"blob\nmark :%d\ndata %d\n" % (2 * i + 1, len(data)) + data + b"\n"
        stream += b"commit refs/heads/main\nmark :%d\n" % (2 * i + 2)
        stream += b"author " + who + b" " + stamp + b"\ncommitter " + who + b" " + stamp + b"\n"
        stream += b"data %d\n" % len(message) + message + b"\n"
        if i:
            stream += b"from :%d\n" % (2 * i)
        stream += b"M 100644 :%d %s\n\n" % (2 * i + 1, PLAN.encode())
    subprocess.run(["git", "fast-import", "--quiet"], input=bytes(stream), cwd=root, check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    subprocess.run(["git", "gc", "-q"], cwd=root, check=True)
    return target


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the process and everything it ran)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n"
                         + proc.stderr.decode()[-2000:])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="build the repository here and keep it")
    args = parser.parse_args()
    tmp = None
    if args.keep:
        root = Path(args.keep)
        if root.exists():
            raise SystemExit(f"{root} exists: give a new folder")
    else:
        tmp = tempfile.TemporaryDirectory(prefix="cap-bench-history-")
        root = Path(tmp.name) / "repo"
    t0 = time.perf_counter()
    target = build(root, args.actions, args.commits)
    built = time.perf_counter() - t0
    size = (root / PLAN).stat().st_size
    commands = {
        "baseline": ["git", "log", "--follow", "--format=%H", "--", PLAN],
        "read all": ["sh", "-c", f"git log --follow --format=%H:{PLAN} -- {PLAN} "
                     "| git cat-file --batch > /dev/null"],
        "history ID": [CAP, "history", target, PLAN],
        "history --all": [CAP, "history", "--all", PLAN],
    }
    # one run first: the output is checked, and caches (bytecode, the OS's) are warm for all
    out = subprocess.run(commands["history ID"], cwd=root, capture_output=True, text=True)
    changes = out.stdout.count("\n  status")
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            times[name].append(timed(argv, root))
    git_version = subprocess.run(["git", "--version"], capture_output=True,
                                 text=True).stdout.split()[-1]
    print(f"{args.commits} commits of a {args.actions}-action plan ({size / 1e6:.1f} MB), "
          f"built in {built:.1f} s; `cap history {target}` lists {changes} commits; "
          f"median of {args.runs} runs; Python {platform.python_version()}, git {git_version}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print()
    print("| command | wall (s) | CPU (s) | wall / baseline |")
    print("|---|---:|---:|---:|")
    base = statistics.median(w for w, _ in times["baseline"])
    for name, argv in commands.items():
        wall = statistics.median(w for w, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        shown = (argv[-1] if argv[0] == "sh" else " ".join(argv)).replace(CAP, "cap")
        print(f"| `{shown}` | {wall:.3f} | {cpu:.3f} | {wall / base:.0f}x |")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
