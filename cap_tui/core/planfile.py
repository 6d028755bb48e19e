"""Whether a TOML file is a cap plan, and a new plan's first lines. No Textual, no tomlkit.

The editor writes only plans: a file with a [plan] table whose other top-level keys are the
levels of a plan (core/shape.py) or its `theme`s. Anything else (a pyproject.toml, a config file)
opens read-only, with a message naming what is missing and what the file has instead.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .shape import Level
from .tomlvalue import render

__all__ = ["is_blank", "new_plan_text", "not_a_plan"]

# the top-level keys a plan may have: its [plan] table and its themes
PLAN_KEYS = frozenset({Level.PLAN.value, Level.THEME.value})


def not_a_plan(name: str, data: dict[str, Any]) -> str | None:
    """Why a file's data is not a cap plan, in words; None when it is one."""
    others = [k for k in data if k not in PLAN_KEYS]
    shown = ", ".join(f"[{k}]" for k in others[:4]) + ("..." if len(others) > 4 else "")
    if not isinstance(data.get(Level.PLAN.value), dict):
        has = f" (it has {shown})" if others else ""
        return f"{name} is not a cap plan: it has no [plan] table{has}"
    if others:
        return (f"{name} is not a cap plan: besides [plan] and its themes it has {shown}, "
                "which cap does not write")
    return None


def is_blank(path: str | Path) -> bool:
    """A path with no file, or a file holding nothing but white space: a plan can start here."""
    p = Path(path)
    if not p.exists():
        return True
    if not p.is_file():
        return False
    try:
        with p.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return not head.strip() and p.stat().st_size < 4096


def new_plan_text(council: str, title: str, period: str, today: date | None = None) -> str:
    """A minimal plan: its [plan] table with the council, title, period and as-of date."""
    as_of = today or date.today()
    lines = ["[plan]"]
    for key, value in (("council", council), ("title", title), ("period", period),
                       ("as_of", as_of)):
        lines.append(f"{key} = {render(value, None, chr(10)) or chr(34) * 2}")
    return "\n".join(lines) + "\n"
