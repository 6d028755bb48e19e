"""The crash journal: every edit the officer makes, on disk within a second, until it is saved.

A dropped SSH session, a closed terminal or a killed process must not lose typing. The editor
appends each edit operation (its JSON form, see core/edit) to a journal in cap's state folder;
`flush()` writes and fsyncs what is pending and is called at least once a second while there is
any, and at once on SIGHUP and SIGTERM. Opening a plan that has a journal offers to restore it by
replaying the operations on the file as it is now; `cap recover` does the same from the command
line. A save or an explicit discard removes the journal.

A journal is one file of JSON lines: a header (the plan's real path, the SHA-256 of the bytes the
first operation was made against, who and when), then one line per operation. A line cut short
by a crash is ignored on reading; every line before it is whole, because each flush ends with a
newline and an fsync.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from .lock import plan_key, state_dir

VERSION = 1


def journal_dir() -> Path:
    return state_dir() / "journal"


def journal_path(plan: str | os.PathLike[str]) -> Path:
    return journal_dir() / f"{plan_key(plan)}.jsonl"


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class Header(NamedTuple):
    path: str  # the plan's real path
    base: str  # SHA-256 of the bytes the operations were made against
    started: str
    pid: int


class Recorded(NamedTuple):
    """A journal as read back: its header and its operations (as JSON objects), in order."""

    file: Path
    header: Header
    ops: list[dict[str, Any]]

    @property
    def plan_exists(self) -> bool:
        return Path(self.header.path).exists()


class Journal:
    """The journal of one open plan. Appending is cheap (a list append); flushing writes."""

    def __init__(self, plan: str | os.PathLike[str], base: bytes) -> None:
        self.plan = os.path.realpath(plan)
        self.file = journal_path(plan)
        self.base = digest(base)
        self._pending: list[str] = []
        self._fd: int | None = None

    @property
    def dirty(self) -> bool:
        return bool(self._pending)

    def append(self, op: dict[str, Any]) -> None:
        self._pending.append(json.dumps(op, ensure_ascii=False, separators=(",", ":")))

    def flush(self) -> None:
        """Write what is pending, then fsync: after this returns, a crash loses nothing."""
        if not self._pending:
            return
        if self._fd is None:
            self._open()
        assert self._fd is not None
        data = ("\n".join(self._pending) + "\n").encode("utf-8", "surrogatepass")
        self._pending.clear()
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)

    def _open(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        header = {"cap_journal": VERSION, "path": self.plan, "base": self.base,
                  "started": time.strftime("%Y-%m-%d %H:%M:%S"), "pid": os.getpid()}
        os.write(fd, (json.dumps(header) + "\n").encode("utf-8"))
        self._fd = fd

    def rebase(self, saved: bytes) -> None:
        """The plan was saved: start afresh against the bytes now on disk."""
        self.discard()
        self.base = digest(saved)

    def discard(self) -> None:
        """Remove the journal (after a save, or when the officer throws the changes away)."""
        self._pending.clear()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        with contextlib.suppress(FileNotFoundError):
            self.file.unlink()

    def close(self) -> None:
        """Flush and let go of the file, keeping the journal (the editor quit unsaved)."""
        self.flush()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def read(file: Path) -> Recorded | None:
    """A journal file read back; None when it has no readable header."""
    try:
        raw = file.read_bytes()
    except OSError:
        return None
    lines = raw.split(b"\n")
    if not raw.endswith(b"\n"):
        lines = lines[:-1]  # cut short by a crash mid-line: everything before it is whole
    try:
        head = json.loads(lines[0])
        header = Header(str(head["path"]), str(head["base"]), str(head["started"]),
                        int(head["pid"]))
    except (IndexError, ValueError, KeyError, TypeError):
        return None
    ops: list[dict[str, Any]] = []
    for line in lines[1:]:
        if not line.strip():
            continue
        try:
            op = json.loads(line.decode("utf-8", "surrogatepass"))
        except ValueError:
            break  # nothing after a broken line can be trusted to follow from it
        if isinstance(op, dict):
            ops.append(op)
    return Recorded(file, header, ops)


def find(plan: str | os.PathLike[str]) -> Recorded | None:
    """The journal left for a plan, if any, with at least one operation."""
    recorded = read(journal_path(plan))
    return recorded if recorded is not None and recorded.ops else None


def all_journals() -> Iterator[Recorded]:
    """Every journal in the state folder, newest first."""
    folder = journal_dir()
    try:
        files = sorted(folder.glob("*.jsonl"), key=lambda f: f.stat().st_mtime, reverse=True)
    except OSError:
        return
    for f in files:
        recorded = read(f)
        if recorded is not None and recorded.ops:
            yield recorded
