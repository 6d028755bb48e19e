"""Recently opened plans, remembered in the user's data folder (platformdirs)."""

from __future__ import annotations

import json
import os
from pathlib import Path

LIMIT = 10


def _file() -> Path:
    base = os.environ.get("CAP_DATA_DIR")
    if base:
        return Path(base) / "recent.json"
    from platformdirs import user_data_path

    return user_data_path("cap", appauthor=False) / "recent.json"


def recent() -> list[str]:
    """Absolute paths, newest first, of plans that still exist."""
    try:
        items = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [p for p in items if isinstance(p, str) and Path(p).is_file()][:LIMIT]


def remember(path: str) -> None:
    """Put a plan at the top of the list. Failing to write it never stops the editor."""
    full = str(Path(path).resolve())
    items = [full] + [p for p in recent() if p != full]
    target = _file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(items[:LIMIT], indent=1), encoding="utf-8")
    except OSError:
        pass
