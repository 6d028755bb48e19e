"""The crash journal keeps every flushed edit through a crash; locks keep writers apart."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cap_tui.core import journal, lock


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("CAP_STATE_DIR", str(folder))
    return folder


def test_flushed_operations_are_read_back_in_order(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes(b"[plan]\n")
    j = journal.Journal(plan, plan.read_bytes())
    j.append({"op": "set", "ref": "A-01", "key": "title", "value": "é one"})
    j.append({"op": "set", "ref": "A-01", "key": "title", "value": "é one two"})
    assert journal.find(plan) is None  # nothing on disk until a flush
    j.flush()
    got = journal.find(plan)
    assert got is not None
    assert got.header.path == os.path.realpath(plan)
    assert got.header.base == journal.digest(b"[plan]\n")
    assert [o["value"] for o in got.ops] == ["é one", "é one two"]


def test_a_line_cut_short_by_a_crash_is_ignored_and_the_rest_kept(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes(b"")
    j = journal.Journal(plan, b"")
    j.append({"n": 1})
    j.flush()
    with open(j.file, "ab") as f:
        f.write(b'{"n": 2, "val')  # the process died mid-write
    got = journal.find(plan)
    assert got is not None and got.ops == [{"n": 1}]


def test_a_killed_process_leaves_every_flushed_operation(tmp_path: Path, state: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes(b"x")
    script = textwrap.dedent(f"""
        import os, signal
        from cap_tui.core import journal
        j = journal.Journal({str(plan)!r}, b"x")
        for i in range(50):
            j.append({{"n": i}})
        j.flush()
        j.append({{"n": "never flushed"}})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script],
                          env={**os.environ, "CAP_STATE_DIR": str(state)})
    assert proc.returncode == -9
    got = journal.find(plan)
    assert got is not None and [o["n"] for o in got.ops] == list(range(50))


def test_discard_removes_the_journal_and_rebase_starts_afresh(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes(b"a")
    j = journal.Journal(plan, b"a")
    j.append({"n": 1})
    j.flush()
    j.rebase(b"b")
    assert journal.find(plan) is None
    j.append({"n": 2})
    j.flush()
    got = journal.find(plan)
    assert got is not None and got.header.base == journal.digest(b"b") and got.ops == [{"n": 2}]


def test_a_symlink_and_its_target_share_one_journal_and_one_lock(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes(b"")
    link = tmp_path / "link.toml"
    link.symlink_to(plan)
    assert journal.journal_path(link) == journal.journal_path(plan)
    first = lock.EditLock(plan)
    assert first.acquire() is None
    assert lock.EditLock(link).acquire() is not None
    first.release()


def test_a_second_editor_is_told_who_has_the_plan(tmp_path: Path, state: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes(b"")
    # GIVEN another process holding the plan open
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from cap_tui.core.lock import EditLock
            held = EditLock({str(plan)!r})
            assert held.acquire() is None
            print("held", flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "CAP_STATE_DIR": str(state)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        # THEN this one cannot take it, and learns who has it
        who = lock.EditLock(plan).acquire()
        assert who is not None and who.pid == holder.pid
        assert f"process {holder.pid}" in who.describe()
    finally:
        holder.kill()
        holder.wait()
    # AND once that process is dead, its lock is free: no clean-up needed
    mine = lock.EditLock(plan)
    assert mine.acquire() is None
    assert mine.holder() is not None and mine.holder().pid == os.getpid()  # type: ignore[union-attr]
    mine.release()


def test_writers_queue_on_the_write_lock(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes(b"")
    with (lock.write_lock(plan), pytest.raises(lock.Locked, match="still saving"),
          lock.write_lock(plan, wait=0.05)):
        pass
    with lock.write_lock(plan, wait=0.05):  # free again
        pass
