"""Reading a plan in a child process while the editor loads.

`cap edit PLAN` spends its first fifth of a second importing Textual and cap's editor, on one
core, before it can read the plan: a 5,000-action plan then takes another tenth of a second to
parse (rtoml), a real one ten milliseconds (tomllib). `read_ahead`, called before those imports,
forks a child that reads and parses the file meanwhile, on another core, and hands the editor
the bytes it read and their data through a pipe (pickled: a quarter of the parse's time to load).
`take` collects it; Document.open_fast uses it in place of reading the file itself, exactly as if
it had read the file at that moment (its check of the file on disk, its save, all start from
those bytes).

Only where it is safe and worth it: a regular file, a system with fork, no thread running yet
(cap's command line has none before the editor starts). Anything unexpected (the child failed,
the file could not be parsed, a different file asked for) and `take` returns None: the editor
reads the file itself, and reports a bad one as it always does.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
from pathlib import Path
from typing import Any

_pending: dict[str, tuple[int, int]] = {}  # absolute path -> (child's pid, read end of pipe)


def read_ahead(path: str | Path) -> bool:
    """Start reading `path` in a child process; True if one was started."""
    key = os.path.abspath(path)
    if (not hasattr(os, "fork") or threading.active_count() > 1 or key in _pending
            or not os.path.isfile(key)):
        return False
    r, w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return False
    if pid == 0:  # the child: read, parse, send, and leave without running the parent's exit
        code = 1
        try:
            os.close(r)
            _send(str(path), w)
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    _pending[key] = (pid, r)
    return True


def _send(path: str, w: int) -> None:
    from .fastread import read_plan_data
    from .problems import PlanError
    from .source import decode

    raw = Path(path).read_bytes()
    payload: tuple[bytes, dict[str, Any] | None, bool]
    try:
        payload = (raw, *read_plan_data(decode(path, raw)))
    except PlanError:  # the editor reads it again, and says what is wrong with it
        payload = (raw, None, False)
    with os.fdopen(w, "wb") as out:
        pickle.dump(payload, out, protocol=pickle.HIGHEST_PROTOCOL)


def take(path: str | Path) -> tuple[bytes, dict[str, Any], bool] | None:
    """What the child read of `path`: (bytes, data, read by tomllib), or None."""
    entry = _pending.pop(os.path.abspath(path), None)
    if entry is None:
        return None
    pid, r = entry
    try:
        with os.fdopen(r, "rb") as got:
            raw, data, verified = pickle.load(got)
    except Exception:  # the child died or sent nothing whole: read the file here instead
        return None
    finally:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    if data is None:
        return None
    return raw, data, verified


def forget() -> None:
    """Let go of children whose reading nobody took (the editor showed the picker)."""
    for key in list(_pending):
        pid, r = _pending.pop(key)
        os.close(r)  # the child, writing, gets a broken pipe and leaves
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
