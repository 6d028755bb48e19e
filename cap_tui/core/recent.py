"""Recently opened plans, remembered in the user's data folder (platformdirs).

Only plans an officer comes back to are remembered: a plan in a temporary folder (an e-mail
attachment opened in place, a test's or a tool's scratch copy) is not recorded, and the list
drops, whenever it is written, files that no longer exist and any temporary ones left by an
older cap. Reading it also leaves out files that no longer exist.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

LIMIT = 10


def _file() -> Path:
    base = os.environ.get("CAP_DATA_DIR")
    if base:
        return Path(base) / "recent.json"
    from platformdirs import user_data_path

    return user_data_path("cap", appauthor=False) / "recent.json"


def _read() -> list[str]:
    import json  # (here, not at import: nothing here is needed for the editor's first paint)

    try:
        items = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(items, list):
        return []
    return [p for p in items if isinstance(p, str) and Path(p).is_file()]


def recent() -> list[str]:
    """Absolute paths, newest first, of plans that still exist."""
    return _read()[:LIMIT]


def is_temporary(path: str | Path) -> bool:
    """Whether a file is in the system's temporary folder (pytest's folders are in it too)."""
    full = os.path.realpath(path)
    temp = os.path.realpath(tempfile.gettempdir())
    try:
        return os.path.commonpath([full, temp]) == temp
    except ValueError:  # on another drive
        return False


def remember(path: str) -> None:
    """Put a plan at the top of the list (unless it is a temporary file). Failing to write the
    list never stops the editor."""
    full = str(Path(path).resolve())
    before = _read()
    items = [p for p in before if p != full and not is_temporary(p)]
    if not is_temporary(full):
        items.insert(0, full)
    elif items == before:
        return  # nothing to record and nothing to drop: the list is left as it is
    import json

    target = _file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(items[:LIMIT], indent=1), encoding="utf-8")
    except OSError:
        pass
