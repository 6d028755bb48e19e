"""One writer at a time: advisory locks per plan, kept in cap's state folder.

Two locks, because they answer two questions:
- the *write* lock is held for a read-modify-write (`cap set`, an editor's save) and released at
  once, so twenty `cap set`s on one plan queue instead of losing each other's changes;
- the *edit* lock is held by an editor for as long as it has the plan open, so a second editor
  can say who has it and open read-only. `cap set` does not wait for it: a colleague's one-field
  change lands, and the editor merges it on reload.

Both are OS file locks (filelock: flock on POSIX), so a lock whose process died is free again at
once: taking over a dead editor's lock needs no clean-up. Beside the edit lock a small JSON file
says who holds it (user, host, pid, since) for the message. The lock files are named after the
plan's real path, so a plan opened through a symlink and by its own name is one plan.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any, NamedTuple

WRITE_WAIT = 30.0  # seconds a writer waits for another writer before giving up


def state_dir() -> Path:
    """cap's state folder (platformdirs), or $CAP_STATE_DIR (tests set it)."""
    base = os.environ.get("CAP_STATE_DIR")
    if base:
        return Path(base)
    from platformdirs import user_state_path

    return user_state_path("cap", appauthor=False)


def plan_key(path: str | os.PathLike[str]) -> str:
    """A short name for a plan, from its real path: the same for every way of naming it."""
    import hashlib  # here: the editor's first screen does not wait for it

    real = os.path.realpath(path)
    return hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:20]


class Holder(NamedTuple):
    """Who holds a plan's edit lock."""

    user: str
    host: str
    pid: int
    since: str  # ISO time
    path: str

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"{self.user}{where} (process {self.pid}, since {self.since})"


class Locked(Exception):
    """The plan is locked by another process; the message says by whom."""

    def __init__(self, message: str, holder: Holder | None = None) -> None:
        super().__init__(message)
        self.holder = holder


def _lock_path(path: str | os.PathLike[str], which: str) -> Path:
    folder = state_dir() / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{plan_key(path)}.{which}.lock"


def _me(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        import getpass

        user = getpass.getuser()
    except Exception:  # no user name in this environment: say the uid
        user = f"uid {os.getuid()}"
    return {"user": user, "host": socket.gethostname(), "pid": os.getpid(),
            "since": time.strftime("%Y-%m-%d %H:%M"), "path": os.path.realpath(path)}


def _read_holder(info: Path) -> Holder | None:
    try:
        import json

        data = json.loads(info.read_text(encoding="utf-8"))
        return Holder(str(data["user"]), str(data["host"]), int(data["pid"]),
                      str(data["since"]), str(data["path"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


@contextmanager
def write_lock(path: str | os.PathLike[str], wait: float = WRITE_WAIT) -> Iterator[None]:
    """Hold the plan's write lock for a read-modify-write; Locked when it stays taken."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(_lock_path(path, "write")))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise Locked(f"{path}: another cap is still saving this plan after {wait:.0f} s; "
                     "nothing was changed. Try again.") from None
    try:
        yield
    finally:
        lock.release()


def queued_write_lock(path: str | os.PathLike[str]) -> ExitStack[bool | None]:
    """The plan's write lock, entered, for a command's read-modify-write (`cap set`,
    `cap import`, `cap rollover`): close the returned stack to release it. A writer gives up
    (Locked) when the lock stays taken for WRITE_WAIT seconds with the file unchanged; while
    other writers in the queue save (the file changes), it keeps waiting: twenty `cap set`s on a
    large plan all land."""
    from .fileio import file_identity

    held = ExitStack()
    while True:
        seen = file_identity(path)
        try:
            held.enter_context(write_lock(path))
        except Locked:
            if file_identity(path) == seen:
                raise
            continue
        return held


class EditLock:
    """An editor's hold on a plan while it is open."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        self._file = _lock_path(path, "edit")
        self._info = self._file.with_suffix(".json")
        self._lock: Any = None

    def acquire(self) -> Holder | None:
        """Take the lock; None when taken, else who holds it (the editor then opens
        read-only)."""
        import json

        from filelock import FileLock, Timeout

        lock = FileLock(str(self._file))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return self.holder() or Holder("another cap", "?", 0, "?", self.path)
        self._lock = lock
        tmp = self._info.with_name(self._info.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(_me(self.path)), encoding="utf-8")
        os.replace(tmp, self._info)
        return None

    def holder(self) -> Holder | None:
        return _read_holder(self._info)

    @property
    def held(self) -> bool:
        return self._lock is not None

    def release(self) -> None:
        if self._lock is None:
            return
        with suppress(OSError):
            self._info.unlink()
        self._lock.release()
        self._lock = None
