"""Nothing typed is lost when the editor dies: a real `cap PLAN` in a pseudo-terminal, killed.

Each test starts `python -m cap_tui.cli PLAN` on a pseudo-terminal of 80x24 (as an SSH session
would give it), waits for the editor to be drawn, tabs into the selected action's progress update
and types
distinctive text, then ends the process: SIGKILL more than a second after the last key shows (the
journal is flushed every half second), SIGHUP or SIGTERM as soon as it shows (the editor flushes,
then leaves). The
plan is then reopened in a Pilot: it offers the unsaved edit, Restore puts the text back in the
form, and ctrl+s writes it to the file.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from tui_fixtures import (
    ROOT,
    blaby,  # noqa: F401  (fixture)
    cap_data_dir,  # noqa: F401  (autouse fixture)
    dialog_text,
    editing,
    editor,
    field_text,
    find,
    notifications,
    pilot_test,
    settle,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and ptys")

TYPED = "ZQXJ-typed-before-the-crash"
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


class Terminal:
    """A process on a pseudo-terminal, with everything it writes drained by a thread."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.master = master
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     cwd=cwd, start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the other side closed
                return
            if not chunk:
                return
            with self._lock:
                self.output.extend(chunk)

    def text(self) -> str:
        with self._lock:
            raw = bytes(self.output)
        return ANSI.sub(b"", raw).decode("utf-8", "replace")

    def wait_for(self, words: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if words in self.text():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{words!r} never shown; the terminal showed:\n{self.text()[-2000:]}")

    def type(self, keys: str) -> None:
        for ch in keys:
            os.write(self.master, ch.encode("utf-8"))
            time.sleep(0.01)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        os.close(self.master)


def start_editor(plan: Path, state: Path) -> Terminal:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.update(TERM="xterm-256color", CAP_STATE_DIR=str(state), COLUMNS="80", LINES="24")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    term = Terminal([sys.executable, "-m", "cap_tui.cli", str(plan)], env, plan.parent)
    term.wait_for("Problems")  # the footer: the editor is up
    time.sleep(0.3)
    return term


def type_in_progress(term: Terminal) -> None:
    """From the tree: tab (the form's first stop for an action: Status), tab (Progress update),
    ctrl+end, then the text."""
    for _ in range(2):
        term.type("\t")
        time.sleep(0.15)
    term.type("\x1b[1;5F")  # ctrl+end
    time.sleep(0.1)
    term.type(TYPED)


def journal_files(state: Path) -> list[Path]:
    return sorted((state / "journal").glob("*.jsonl"))


async def restore_and_save(plan: Path, before: bytes) -> None:
    """Reopen the plan in a Pilot: the edit is offered, restored into the form, then saved."""
    async with editing(plan) as pilot:
        app = pilot.app
        await settle(pilot, 2)
        question = dialog_text(app)
        assert "unsaved edit" in question and "were found for this plan" in question
        assert plan.read_bytes() == before  # nothing written before the officer says so
        await pilot.press("r")
        await settle(pilot, 2)
        assert notifications(app)[-1].startswith("Restored ")
        com01 = find(app, "COM-01")
        assert com01.data["progress"].endswith(TYPED)
        editor(app).jump(com01, "progress")
        await settle(pilot)
        assert field_text(app, "progress").endswith(TYPED)
        assert editor(app).doc.modified
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not editor(app).doc.modified
    assert TYPED.encode() in plan.read_bytes()


def run_and_end(plan: Path, state: Path, end: signal.Signals, wait: float) -> int:
    term = start_editor(plan, state)
    try:
        type_in_progress(term)
        # signalled once the terminal shows the last key typed: a key the editor has not yet
        # read from the terminal is not an edit, and no journal can hold it
        term.wait_for(TYPED[-9:])
        time.sleep(wait)
        term.proc.send_signal(end)
        code = term.proc.wait(timeout=15)
    finally:
        term.close()
    return code


class TestCrash:
    @pilot_test
    async def test_sigkill_after_a_second_loses_nothing(self, blaby: Path,  # noqa: F811
                                                        cap_data_dir: Path) -> None:  # noqa: F811
        state = cap_data_dir / "state"
        before = blaby.read_bytes()
        code = run_and_end(blaby, state, signal.SIGKILL, 1.2)
        assert code == -signal.SIGKILL
        assert blaby.read_bytes() == before  # the file itself is untouched
        assert journal_files(state), "no journal on disk a second after typing"
        await restore_and_save(blaby, before)
        assert not journal_files(state)  # saved: the journal is gone

    @pilot_test
    async def test_sighup_right_after_typing_flushes(self, blaby: Path,  # noqa: F811
                                                     cap_data_dir: Path) -> None:  # noqa: F811
        state = cap_data_dir / "state"
        before = blaby.read_bytes()
        code = run_and_end(blaby, state, signal.SIGHUP, 0.05)
        assert code == -signal.SIGHUP  # ended by the signal, after flushing (a shell: 129)
        await restore_and_save(blaby, before)

    @pilot_test
    async def test_sigterm_right_after_typing_flushes(self, blaby: Path,  # noqa: F811
                                                      cap_data_dir: Path) -> None:  # noqa: F811
        state = cap_data_dir / "state"
        before = blaby.read_bytes()
        code = run_and_end(blaby, state, signal.SIGTERM, 0.05)
        assert code == 128 + signal.SIGTERM
        await restore_and_save(blaby, before)
