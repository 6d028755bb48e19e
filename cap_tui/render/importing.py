"""What `cap import` says: the sheets' problems and notes, and a summary of what it changed.

Every piece of sheet or plan text goes through `safe`: a cell holding an ESC or a bidi control
is shown as an escape, never obeyed by the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import IO

from ..core.importing import ImportResult, RowProblem
from ..core.model import Plan
from ..core.shape import Level
from .terminal import plural, safe

MAX_LISTED = 8  # actions named in a summary before "and N more"


def write_problems(problems: Iterable[RowProblem], stream: IO[str] | None = None) -> None:
    """One line per problem, naming the file, sheet, row and column: `path: sheet S, row 7,
    column D "New status": message`."""
    out = stream or sys.stderr
    for p in problems:
        out.write(safe(f"{p.where}: error: {p.message}") + "\n")


def write_notes(notes: Iterable[str], stream: IO[str] | None = None) -> None:
    out = stream or sys.stderr
    for note in notes:
        out.write(safe(f"{note}") + "\n")


def changes_line(result: ImportResult) -> str:
    """`COM-01: status, progress; COM-02: due; 1 added (COM-09); 3 rows unchanged`."""
    parts = [f"{node_id}: {', '.join(keys)}" for node_id, keys in result.changed.items()]
    if len(parts) > MAX_LISTED:
        parts = [*parts[:MAX_LISTED], f"and {len(parts) - MAX_LISTED} more"]
    if result.added:
        shown = ", ".join(result.added[:MAX_LISTED])
        more = f" and {len(result.added) - MAX_LISTED} more" if len(result.added) > MAX_LISTED \
            else ""
        parts.append(f"{len(result.added)} added ({shown}{more})")
    parts.append(f"{plural(result.unchanged, 'row')} unchanged")
    return safe("; ".join(parts))


def new_plan_lines(plan: Plan, result: ImportResult) -> list[str]:
    """What a new plan holds, and what the sheet left for `cap validate` to flag."""
    themes = list(plan.themes)
    programmes = list(plan.programmes())
    actions = list(plan.actions())
    lines = [f"{safe(plan.path)}: {plural(len(themes), 'theme')}, "
             f"{plural(len(programmes), 'programme')}, {plural(len(actions), 'action')} "
             f"from {plural(result.rows, 'row')}"]
    custom = plan.custom_fields
    if custom:
        lines.append("custom fields: " + ", ".join(
            safe(f"{s.key} ({s.label}, {s.type})") for s in custom.values()))
    lacking = []
    for key in ("title", "lead", "due", "status"):
        n = sum(1 for a in actions if key not in a.data)
        if n:
            lacking.append(f"{key} in {plural(n, Level.ACTION.value)}")
    if lacking:
        lines.append("not in the sheet, left empty for `cap validate` to flag: "
                     + ", ".join(lacking))
    return lines
