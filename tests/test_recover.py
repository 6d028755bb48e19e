"""`cap recover`: an editor's unsaved edits, kept in the journal, are listed, shown, restored
or discarded from the command line, and an edit that no longer applies is never lost."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cap_tui.core import journal
from cap_tui.core.document import Document

ROOT = Path(__file__).resolve().parent.parent
BLABY = ROOT / "plans" / "blaby-2024-25.toml"


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("CAP_STATE_DIR", str(folder))
    return folder


def cap(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cap_tui.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def plan_copy(tmp_path: Path) -> Path:
    path = tmp_path / "blaby.toml"
    path.write_bytes(BLABY.read_bytes())
    return path


def unsaved_edits(path: Path) -> bytes:
    """An editor's session that made edits and died before saving: the journal it leaves.
    Returns the bytes the editor had (what a restore must give)."""
    doc = Document.load(path)
    j = journal.Journal(path, doc.to_bytes())
    doc.on_applied = lambda op: j.append(op.to_json())
    com01 = doc.plan.find("COM-01")
    com02 = doc.plan.find("COM-02")
    programme = doc.plan.find("homelessness-prevention")
    assert com01 is not None and com02 is not None and programme is not None
    doc.set_field(com01, "status", "green")
    doc.set_field(com02, "progress", "Report to cabinet in March.")
    doc.add(programme, fields={"title": "A new action typed before the crash"})
    j.flush()
    j.close()
    return doc.to_bytes()


def test_nothing_to_list() -> None:
    proc = cap("recover")
    assert proc.returncode == 0
    assert "No unsaved edits" in proc.stdout


def test_list_names_the_plan_the_edits_and_whether_the_plan_moved_on(tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    unsaved_edits(path)
    proc = cap("recover")
    assert proc.returncode == 0
    assert str(path.resolve()) in proc.stdout
    assert "3 unsaved edits" in proc.stdout
    assert "the plan is as they were made against" in proc.stdout
    # AND once the file changes under them
    path.write_bytes(path.read_bytes().replace(b"Blaby", b"Blabey", 1))
    assert "the plan has changed since: some may clash" in cap("recover").stdout


def test_show_prints_what_restoring_would_change_and_changes_nothing(tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    unsaved_edits(path)
    before = path.read_bytes()
    proc = cap("recover", str(path), "--show")
    assert proc.returncode == 0, proc.stderr
    assert "Actions: 2 changed, 1 added" in proc.stdout
    assert "~ COM-01" in proc.stdout and "-> On track" in proc.stdout  # green, by its label
    assert "~ COM-02" in proc.stdout and "{+Report+}" in proc.stdout
    assert "A new action typed before the crash" in proc.stdout
    assert path.read_bytes() == before
    assert journal.find(path) is not None
    # a plan named without --show is shown too
    assert cap("recover", str(path)).stdout == proc.stdout


def test_apply_restores_the_exact_bytes_and_removes_the_journal(tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    wanted = unsaved_edits(path)
    proc = cap("recover", str(path), "--apply")
    assert proc.returncode == 0, proc.stderr
    assert "restored 3 edits" in proc.stdout
    assert path.read_bytes() == wanted
    assert journal.find(path) is None
    assert not journal.journal_path(path).exists()


def test_apply_on_a_changed_plan_keeps_the_edit_that_clashed(tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    unsaved_edits(path)
    # GIVEN a colleague set COM-01's status after the editor had changed it
    theirs = path.read_bytes().replace(b'status = "in-progress"', b'status = "amber"', 1)
    assert theirs != path.read_bytes()
    path.write_bytes(theirs)
    # WHEN the edits are restored
    proc = cap("recover", str(path), "--apply")
    # THEN the others are applied and saved, and the clash is named with the values
    assert proc.returncode == 1
    assert "COM-01.status not applied: clash: COM-01: status is" in proc.stderr
    assert "status is 'amber' in the file, not 'in-progress', so it was not set to 'green'" \
        in proc.stderr
    assert "1 edit did not apply and is still kept in the journal" in proc.stderr
    text = path.read_text(encoding="utf-8")
    assert 'status = "amber"' in text and "Report to cabinet in March." in text
    assert text.count("A new action typed before the crash") == 1
    # AND the journal now holds just that edit, against the file as saved
    kept = journal.find(path)
    assert kept is not None and [op["key"] for op in kept.ops] == ["status"]
    assert kept.header.base == journal.digest(path.read_bytes())
    # AND applying again applies nothing twice
    saved = path.read_bytes()
    again = cap("recover", str(path), "--apply")
    assert again.returncode == 1 and path.read_bytes() == saved
    # AND discarding drops it
    dropped = cap("recover", str(path), "--discard")
    assert dropped.returncode == 0 and "1 unsaved edit discarded" in dropped.stdout
    assert journal.find(path) is None and path.read_bytes() == saved


def test_show_on_a_changed_plan_names_what_would_not_apply(tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    unsaved_edits(path)
    path.write_bytes(path.read_bytes().replace(b'status = "in-progress"', b'status = "amber"', 1))
    before = path.read_bytes()
    proc = cap("recover", str(path), "--show")
    assert proc.returncode == 1
    assert "COM-01.status would not apply: clash" in proc.stderr
    assert "~ COM-02" in proc.stdout and "~ COM-01" not in proc.stdout
    assert path.read_bytes() == before


def test_discard_removes_the_journal_and_leaves_the_plan(tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    unsaved_edits(path)
    before = path.read_bytes()
    proc = cap("recover", str(path), "--discard")
    assert proc.returncode == 0
    assert "3 unsaved edits discarded" in proc.stdout
    assert journal.find(path) is None and path.read_bytes() == before


def test_a_plan_without_a_journal_is_said(tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    for action in ("--show", "--apply", "--discard"):
        proc = cap("recover", str(path), action)
        assert proc.returncode == 1
        assert "no unsaved edits are kept for this plan" in proc.stderr


def test_a_plan_that_no_longer_reads_keeps_its_journal(tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    unsaved_edits(path)
    path.write_bytes(b"[plan\n")
    proc = cap("recover", str(path), "--apply")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "cannot be replayed" in proc.stderr
    assert path.read_bytes() == b"[plan\n" and journal.find(path) is not None


def test_a_plan_open_in_an_editor_is_left_to_it(tmp_path: Path, state: Path) -> None:
    path = plan_copy(tmp_path)
    unsaved_edits(path)
    before = path.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from cap_tui.core.lock import EditLock
            held = EditLock({str(path)!r})
            assert held.acquire() is None
            print("held", flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "CAP_STATE_DIR": str(state)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for action in ("--apply", "--discard"):
            proc = cap("recover", str(path), action)
            assert proc.returncode == 2
            assert "is open in cap by" in proc.stderr and f"process {holder.pid}" in proc.stderr
        assert path.read_bytes() == before and journal.find(path) is not None
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_an_operation_cap_cannot_read_is_reported_not_a_traceback(tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    j = journal.Journal(path, path.read_bytes())
    j.append({"op": "teleport", "ref": {"level": "action", "id": "COM-01"}})
    j.flush()
    j.close()
    proc = cap("recover", str(path), "--apply")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "teleport COM-01 not applied: not an edit cap can read" in proc.stderr
