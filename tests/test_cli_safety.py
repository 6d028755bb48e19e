"""`cap set` never loses a change and never writes a typo; bad input is a message, exit 2, and
never a traceback; the editor never exits 0 after a crash."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from cap_tui.core import fileio, lock
from cap_tui.core.model import Plan
from cap_tui.core.source import parse_toml, read_source
from cap_tui.exit import Exit

ROOT = Path(__file__).resolve().parent.parent
BLABY = ROOT / "plans" / "blaby-2024-25.toml"


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("CAP_STATE_DIR", str(folder))
    return folder


def cap(*args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cap_tui.cli", *args], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=120)


def copy(tmp_path: Path, source: Path = BLABY) -> Path:
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes())
    return path


def action_ids(path: Path) -> list[str]:
    source = read_source(path)
    return [a.id for a in Plan(source.path, parse_toml(source), source).actions()]


def progress_of(path: Path) -> dict[str, Any]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {a["id"]: a.get("progress") for t in data["theme"] for p in t.get("programme", [])
            for a in p.get("action", [])}


# -- 1. concurrent writers queue on the write lock ------------------------------------------
def _twenty_at_once(path: Path) -> None:
    every = action_ids(path)
    ids = every[:: max(1, len(every) // 20)][:20]
    assert len(ids) == 20
    # WHEN twenty `cap set`s start at once, each on a different action
    procs = [subprocess.Popen([sys.executable, "-m", "cap_tui.cli", "set", str(path), i,
                               "progress", f"Writer {n} was here."],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
             for n, i in enumerate(ids)]
    outcomes = [(p.wait(timeout=120), p.stderr.read() if p.stderr else b"") for p in procs]
    for p in procs:
        for stream in (p.stdout, p.stderr):
            if stream is not None:
                stream.close()
    # THEN every one succeeds and every change is in the file
    assert [code for code, _ in outcomes] == [0] * 20, outcomes
    got = progress_of(path)
    assert {i: got[i] for i in ids} == {i: f"Writer {n} was here." for n, i in enumerate(ids)}


def test_twenty_concurrent_sets_all_land(tmp_path: Path) -> None:
    _twenty_at_once(copy(tmp_path))


def test_twenty_concurrent_sets_all_land_on_a_plan_of_2000_actions(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_plan.py"), "2000", str(path)],
                   check=True, timeout=120)
    assert len(action_ids(path)) >= 2000
    _twenty_at_once(path)


def test_set_waits_for_a_writer_holding_the_lock(tmp_path: Path) -> None:
    path = copy(tmp_path)
    before = path.read_bytes()
    # GIVEN another writer holding the plan's write lock
    with lock.write_lock(path):
        proc = subprocess.Popen([sys.executable, "-m", "cap_tui.cli", "set", str(path),
                                 "COM-01", "status", "green"], cwd=ROOT,
                                stderr=subprocess.PIPE)
        time.sleep(1.5)
        # THEN `cap set` waits, and has written nothing
        assert proc.poll() is None
        assert path.read_bytes() == before
    # AND once the lock is free it makes its change
    assert proc.wait(timeout=60) == 0
    assert proc.stderr is not None
    proc.stderr.close()
    assert 'status = "green"' in path.read_text(encoding="utf-8")


def test_set_refuses_to_overwrite_a_file_changed_after_it_was_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cap_tui.cli import main

    path = copy(tmp_path)
    theirs = path.read_bytes().replace(b'status = "in-progress"', b'status = "red"', 1)

    def someone_else_saves(step: str) -> None:  # a program that does not take cap's lock
        if step == "before-rename":
            path.write_bytes(theirs)

    monkeypatch.setattr(fileio, "_fault", someone_else_saves)
    # WHEN the file changes between cap reading it and renaming the new file over it
    code = main(["set", str(path), "COM-02", "progress", "Mine."])
    # THEN nothing is overwritten: their change stays, and cap says so
    assert code == Exit.FAILURE
    assert path.read_bytes() == theirs
    assert "changed on disk by another program" in capsys.readouterr().err
    assert not list(tmp_path.glob(".*.tmp"))


# -- 2. a field the node's level does not declare ------------------------------------------
def test_a_misspelt_field_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    path = copy(tmp_path)
    before = path.read_bytes()
    proc = cap("set", str(path), "COM-01", "stauts", "green")
    assert proc.returncode == 1
    assert proc.stderr.decode() == (
        f'cap: {path}: COM-01 has no field "stauts"; did you mean "status"? Nothing was '
        "changed; to add a new field on purpose, use --new-field.\n")
    assert path.read_bytes() == before


def test_new_field_adds_one_on_purpose(tmp_path: Path) -> None:
    path = copy(tmp_path)
    proc = cap("set", str(path), "COM-01", "ward", "Blaby South", "--new-field")
    assert proc.returncode == 0
    assert b"ward" in proc.stderr  # the check still warns that the plan does not declare it
    assert progress_of(path)  # still reads
    assert 'ward = "Blaby South"' in path.read_text(encoding="utf-8")


def test_a_field_the_node_already_has_or_the_plan_declares_needs_no_flag(tmp_path: Path) -> None:
    path = tmp_path / "custom.toml"
    path.write_text('[plan]\ntitle = "P"\nperiod = "2025-26"\n\n[plan.fields.ward]\n'
                    'type = "line"\n\n[[theme]]\nid = "T"\ntitle = "T"\n\n'
                    '[[theme.programme]]\nid = "P1"\ntitle = "P"\n\n'
                    '[[theme.programme.action]]\nid = "A-01"\ntitle = "Do it"\n'
                    'legacy_ref = "X1"\n', encoding="utf-8")
    assert cap("set", str(path), "A-01", "ward", "North").returncode == 0
    assert cap("set", str(path), "A-01", "legacy_ref", "X2").returncode == 0
    text = path.read_text(encoding="utf-8")
    assert 'ward = "North"' in text and 'legacy_ref = "X2"' in text
    # but a programme has no custom fields
    proc = cap("set", str(path), "P1", "ward", "North")
    assert proc.returncode == 1 and b'P1 has no field "ward"' in proc.stderr


def test_an_unknown_id_suggests_the_nearest(tmp_path: Path) -> None:
    path = copy(tmp_path)
    before = path.read_bytes()
    proc = cap("set", str(path), "com-01", "status", "green")
    assert proc.returncode == 1
    assert proc.stderr.decode() == (
        f'cap: {path}: no theme, programme or action has id "com-01"; did you mean COM-01?\n')
    proc = cap("set", str(path), "COM-1", "status", "green")
    assert proc.returncode == 1 and b"did you mean COM-01" in proc.stderr
    assert path.read_bytes() == before


# -- 3. bad input: a message naming the argument, exit 2, no traceback -----------------------
@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["COM-01", "progress", b"\xff\xfe"], b"", b'VALUE "\\xff\\xfe" is not UTF-8 text'),
    (["COM-01", b"prog\xffress", "x"], b"", b'FIELD "prog\\xffress" is not UTF-8 text'),
    ([b"COM-\xff", "progress", "x"], b"", b'ID "COM-\\xff" is not UTF-8 text'),
    (["COM-01", "progress", "-"], b"\xff",
     b"the value read from standard input (VALUE '-') is not UTF-8 text: byte 0xff"),
    (["COM-01", "progress", "-"], b"ok \xed\xa0\x80 surrogate",
     b"the value read from standard input (VALUE '-') is not UTF-8 text"),
    (["COM-01", "", "x"], b"", b"FIELD is empty"),
], ids=["argv-value", "argv-field", "argv-id", "stdin", "stdin-surrogate", "empty-field"])
def test_set_refuses_text_that_is_not_utf8(tmp_path: Path, args: list[str | bytes],
                                           stdin: bytes, message: bytes) -> None:
    path = copy(tmp_path)
    before = path.read_bytes()
    proc = cap("set", str(path), *args, stdin=stdin)
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.startswith(f"cap: {path}: ".encode())
    assert message in proc.stderr and b"nothing was changed" in proc.stderr
    assert path.read_bytes() == before


def test_set_reads_utf8_stdin_whatever_the_locale(tmp_path: Path) -> None:
    path = copy(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "cap_tui.cli", "set", str(path), "COM-01",
                           "progress", "-"], input="Café – done.\n".encode(),
                          capture_output=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0, proc.stderr
    assert progress_of(path)["COM-01"] == "Café – done."


@pytest.mark.parametrize(("argv", "message"), [
    (["-x"], b"cap: unrecognized arguments: -x"),
    (["--bogus"], b"cap: unrecognized arguments: --bogus"),
    (["bogus"], b"cap: bogus: not a cap command, nor a file or folder"),
    (["edit", "nothere.toml"], b"cap: nothere.toml: no such file or folder"),
    (["set"], b"the following arguments are required: PATH, ID, FIELD, VALUE"),
    (["set", "plans/blaby-2024-25.toml", "COM-01"],
     b"the following arguments are required: FIELD, VALUE"),
    (["recover", "--apply"], b"cap: recover: name the plan"),
])
def test_a_wrong_command_line_is_a_message_and_exit_2(argv: list[str], message: bytes) -> None:
    before = BLABY.read_bytes()
    proc = cap(*argv)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert b"Traceback" not in proc.stderr + proc.stdout
    assert BLABY.read_bytes() == before


# -- the editor never exits 0 after a crash --------------------------------------------------
def _edit_args(path: Path) -> argparse.Namespace:
    return argparse.Namespace(path=str(path), command="edit", explicit=True)


def test_the_editor_exits_2_when_the_app_crashed(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from textual.app import App

    from cap_tui.commands import edit
    from cap_tui.tui import app as tui_app

    class Crashing(App[None]):
        def on_mount(self) -> None:
            raise RuntimeError("boom")

        def run(self, **kwargs: Any) -> None:  # type: ignore[override]
            return super().run(headless=True)

    monkeypatch.setattr(tui_app, "make_app", lambda target: Crashing())
    path = copy(tmp_path)
    # WHEN the app dies of an exception Textual caught (it prints it and returns)
    assert edit.run(_edit_args(path)) == Exit.FAILURE
    err = capsys.readouterr().err
    assert "the editor stopped after an error" in err and "cap recover" in err


def test_the_editor_exits_2_when_running_it_raised(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from cap_tui.commands import edit
    from cap_tui.tui import app as tui_app

    class NoTerminal:
        return_code = None

        def run(self) -> None:
            raise OSError(6, "No such device or address")

    monkeypatch.setattr(tui_app, "make_app", lambda target: NoTerminal())
    assert edit.run(_edit_args(copy(tmp_path))) == Exit.FAILURE
    assert "the editor stopped: OSError" in capsys.readouterr().err


def test_the_editor_exits_0_after_a_clean_quit(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from cap_tui.commands import edit
    from cap_tui.tui import app as tui_app

    class Quits:
        return_code = 0

        def run(self) -> None:
            return None

    monkeypatch.setattr(tui_app, "make_app", lambda target: Quits())
    assert edit.run(_edit_args(copy(tmp_path))) == Exit.OK


def test_the_editor_is_imported_and_started_without_garbage_collections(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # (10-30 ms of a start: the editor turns them on after its first frame, tui/heap.py)
    import gc

    from cap_tui.commands import edit
    from cap_tui.tui import app as tui_app

    seen: list[bool] = []

    class Quits:
        return_code = 0

        def run(self) -> None:
            seen.append(gc.isenabled())

    monkeypatch.setattr(tui_app, "make_app", lambda target: seen.append(gc.isenabled())
                        or Quits())
    assert gc.isenabled()
    assert edit.run(_edit_args(copy(tmp_path))) == Exit.OK
    assert seen == [False, False]  # off while the editor was made and ran its first screen
    assert gc.isenabled()  # and on again after it, whatever the editor did


def test_set_gives_up_on_a_lock_that_stays_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from cap_tui.cli import main

    path = copy(tmp_path)
    before = path.read_bytes()
    real = lock.write_lock
    monkeypatch.setattr(lock, "write_lock", lambda p, wait=0.3: real(p, wait))
    # GIVEN a writer that holds the lock and never saves (hung)
    with real(path):
        code = main(["set", str(path), "COM-01", "status", "green"])
    # THEN cap set gives up with a message, and changes nothing
    assert code == Exit.FAILURE
    assert "another cap is still saving this plan" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_get_of_a_misspelt_field_suggests_the_nearest(tmp_path: Path) -> None:
    path = copy(tmp_path)
    proc = cap("get", str(path), "COM-01", "stauts")
    assert proc.returncode == 1
    assert proc.stderr.decode() == (
        f'cap: {path}: COM-01 has no field "stauts"; did you mean "status"?\n')


def test_document_save_with_expect_refuses_a_file_changed_on_disk(tmp_path: Path) -> None:
    from cap_tui.core.document import Document, SaveFailed

    path = copy(tmp_path)
    doc = Document.load(path)
    read = doc.source.raw
    node = doc.plan.find("COM-01")
    assert node is not None
    doc.set_field(node, "status", "green")
    theirs = read.replace(b"Blaby", b"Blabey", 1)
    path.write_bytes(theirs)
    with pytest.raises(SaveFailed, match="changed on disk"):
        doc.save(expect=read)
    assert path.read_bytes() == theirs
    doc.save()  # without expect (the editor's save as before): written
    assert b'status = "green"' in path.read_bytes()


def test_set_without_a_usable_state_folder_is_a_message(tmp_path: Path) -> None:
    path = copy(tmp_path)
    before = path.read_bytes()
    not_a_folder = tmp_path / "state-is-a-file"
    not_a_folder.write_text("")
    proc = subprocess.run([sys.executable, "-m", "cap_tui.cli", "set", str(path), "COM-01",
                           "status", "green"], capture_output=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "CAP_STATE_DIR": str(not_a_folder)})
    assert proc.returncode == 2
    assert b"cannot take the plan's write lock" in proc.stderr
    assert b"Traceback" not in proc.stderr
    assert path.read_bytes() == before
