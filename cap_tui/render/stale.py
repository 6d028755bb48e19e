"""`cap status --stale` output: who is late, lead by lead, as text or JSON.

One row per stale action under its lead, its columns aligned: the id, how many reporting points
its progress update has been the same for, and its title. Plan text (titles, leads, point names)
is made safe, never interpreted, and clipped on a terminal only; JSON has it exactly.
"""

from __future__ import annotations

from typing import IO, Any

from ..core.stale import ReportingPoint, StaleAction, StaleReport
from .terminal import Cell, Out, plural, safe, write_json

__all__ = ["by_lead", "stale_json", "write_stale", "write_stale_json"]

NO_LEAD = "(no lead)"


def by_lead(actions: list[StaleAction]) -> dict[str, list[StaleAction]]:
    """The actions grouped by lead, leads in the order they first appear (the plan's order)."""
    groups: dict[str, list[StaleAction]] = {}
    for a in actions:
        groups.setdefault(a.lead.strip() or NO_LEAD, []).append(a)
    return groups


def _point(p: ReportingPoint) -> str:
    return f"{safe(p.label)} ({p.date}, {p.rev[:7]})"


def _same_for(a: StaleAction) -> str:
    """`same for 2 points (since Q1)`."""
    since = f" (since {safe(a.since.label)})" if a.since is not None else ""
    return f"same for {plural(a.points, 'point')}{since}"


def write_stale(out: Out, path: str, report: StaleReport) -> None:
    """The report as text: a headline, then each lead with their stale actions, one row each
    in aligned columns (id, how long, title last); on a terminal a row is one screen line, in
    a pipe every title is whole."""
    n = len(report.actions)
    _bold(out, f"{safe(path)}: {plural(n, 'action')} not updated since {_point(report.point)}")
    id_w = out.span((safe(a.id) for a in report.actions), 16)
    long_w = out.span((_same_for(a) for a in report.actions), 40)
    for lead, actions in by_lead(report.actions).items():
        out.line("")
        _bold(out, f"{safe(lead)} ({len(actions)})")
        for a in actions:
            out.row(Cell(safe(a.id), id_w),
                    Cell(_same_for(a), long_w, style="yellow" if a.points > 1 else ""),
                    Cell(safe(a.title)), indent="  ")


def _bold(out: Out, text: str) -> None:
    """A heading line: clipped on a terminal, whole in a pipe (wrapped when COLUMNS is set)."""
    for line in out.fit(text, out.width):
        out.line((line, "bold"))


def _point_json(p: ReportingPoint | None) -> dict[str, str] | None:
    return None if p is None else {"rev": p.rev, "label": p.label, "date": p.date}


def stale_json(path: str, report: StaleReport) -> dict[str, Any]:
    """The report as JSON values: the point, and each action with its lead."""
    return {
        "path": path,
        "point": _point_json(report.point),
        "actions": [{"id": a.id, "title": a.title, "lead": a.lead, "points": a.points,
                     "since": _point_json(a.since)} for a in report.actions],
    }


def write_stale_json(stream: IO[str], path: str, report: StaleReport) -> None:
    write_json(stream, stale_json(path, report))
