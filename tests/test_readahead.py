"""`cap edit PLAN` reads the plan in a child process while the editor loads (core/readahead.py).

Each test runs in a fresh interpreter: a fork belongs at the start of a process with no thread
running, as `cap edit` does it, never inside pytest's."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).parents[1]
BLABY = ROOT / "plans" / "blaby-2024-25.toml"


def _run(code: str) -> str:
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_editor_opens_what_the_child_read_and_saves_the_same_bytes(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes(BLABY.read_bytes())
    out = _run(f"""
        import tomllib
        from cap_tui.core import readahead
        from cap_tui.core.document import Document
        path = {str(plan)!r}
        assert readahead.read_ahead(path)
        taken = []
        take = readahead.take
        readahead.take = lambda p: taken.append(take(p)) or taken[-1]
        doc, verified = Document.open_fast(path)
        assert taken[0] is not None and verified  # the child's reading, used
        raw = open(path, "rb").read()
        assert doc.source.raw == raw and doc.plan.data == tomllib.loads(raw.decode())
        doc.save()
        assert open(path, "rb").read() == raw  # a save with no edits: the same bytes
        print("ok", readahead._pending)
    """)
    assert out.startswith("ok {}")


def test_a_plan_the_child_cannot_read_is_read_again_and_reported_as_ever(tmp_path: Path) -> None:
    plan = tmp_path / "bad.toml"
    plan.write_text('[plan]\ntitle = "A\n', encoding="utf-8")
    out = _run(f"""
        from cap_tui.core import readahead
        from cap_tui.core.document import Document
        from cap_tui.core.problems import PlanError
        path = {str(plan)!r}
        assert readahead.read_ahead(path)
        assert readahead.take(path) is None  # the child could not parse it
        readahead.read_ahead(path)
        try:
            Document.open_fast(path)
        except PlanError as exc:
            print(exc.problem.format())
    """)
    assert f"{plan}:2:" in out and "not valid TOML" in out


def test_nothing_is_read_ahead_with_a_thread_running_or_of_a_folder(tmp_path: Path) -> None:
    out = _run(f"""
        import threading, time
        from cap_tui.core import readahead
        print(readahead.read_ahead({str(tmp_path)!r}))
        t = threading.Thread(target=time.sleep, args=(0.5,)); t.start()
        print(readahead.read_ahead({str(BLABY)!r}))
    """)
    assert out.split() == ["False", "False"]


def test_a_reading_nobody_took_is_let_go(tmp_path: Path) -> None:
    out = _run(f"""
        import os
        from cap_tui.core import readahead
        assert readahead.read_ahead({str(BLABY)!r})
        (pid, _r), = readahead._pending.values()
        readahead.forget()
        try:
            os.kill(pid, 0)
            print("still there")
        except ProcessLookupError:
            print("gone")
    """)
    assert out.strip() == "gone"
