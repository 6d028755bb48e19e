"""Where a plan stands: counts per status, finished, overdue and due soon, overall and by group."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from .model import Node, Plan
from .shape import SHAPE, Level
from .vocab import Status

DUE_SOON_DAYS = 30
UNKNOWN = Status("?", "No valid status", "", False)


def percent(part: int, total: int) -> int:
    """`part` of `total` as a whole percentage, halves rounded up (1 of 8 is 13%, as a person
    would say); 0 when there is nothing to count. The one rounding of every percentage cap shows,
    in the editor and on the command line alike."""
    return (200 * part + total) // (2 * total) if total > 0 else 0


class Tally:
    """Counts for a set of actions."""

    __slots__ = ("by_status", "due_soon", "finished", "overdue", "total")

    def __init__(self, by_status: dict[str, int] | None = None) -> None:
        self.total = 0
        self.by_status: dict[str, int] = by_status if by_status is not None else {}
        self.finished = 0
        self.overdue: list[Node] = []
        self.due_soon: list[Node] = []

    def percent(self, count: int) -> int:
        """`count` as a whole percentage of these actions, rounded as everywhere (`percent`)."""
        return percent(count, self.total)


class Summary:
    """A plan's summary, with the same counts per theme and per lead."""

    __slots__ = ("group_by", "groups", "overall", "plan", "statuses", "today")

    def __init__(self, plan: Plan, today: date | None, statuses: dict[str, Status],
                 overall: Tally, groups: dict[str, Tally], group_by: str) -> None:
        self.plan = plan
        self.today = today
        self.statuses = statuses
        self.overall = overall
        self.groups = groups
        self.group_by = group_by


_GROUP_LEVELS = (Level.THEME, Level.PROGRAMME)  # the levels actions can be grouped by


def _group_key(by: str) -> Callable[[Node], str]:
    if by == "lead":
        return lambda a: a.text("lead").strip() or "(no lead)"
    if by in _GROUP_LEVELS:
        level = Level(by)
        missing = f"(no {SHAPE[level].word})"

        def title(action: Node) -> str:
            group = action.ancestor(level)
            return (group.title if group else "") or missing

        return title
    raise ValueError(f"cannot group by {by!r}: use theme, lead or programme")


def summarise(
    plan: Plan,
    today: date | None = None,
    due_within: int = DUE_SOON_DAYS,
    by: str = "",
    actions: Iterable[Node] | None = None,
) -> Summary:
    """Count the plan's actions (or the given subset) against today (the plan's as-of date)."""
    statuses = plan.statuses
    today = today or plan.as_of
    horizon = today + timedelta(days=due_within) if today else None
    key_of = _group_key(by) if by else None
    overall = Tally(by_status={k: 0 for k in statuses})
    groups: dict[str, Tally] = {}
    for action in plan.actions() if actions is None else actions:
        status_key = action.data.get("status")
        status = statuses.get(status_key) if isinstance(status_key, str) else None
        skey = status.key if status else UNKNOWN.key
        finished = status is not None and status.finished
        due = plan.due(action)
        end = due.end if due else None
        overdue = bool(today and end and end < today and not finished)
        soon = bool(horizon and end and today and today <= end <= horizon and not finished)
        tallies = [overall]
        if key_of:
            gk = key_of(action)
            if gk not in groups:
                groups[gk] = Tally(by_status={k: 0 for k in statuses})
            tallies.append(groups[gk])
        for t in tallies:
            t.total += 1
            t.by_status[skey] = t.by_status.get(skey, 0) + 1
            t.finished += finished
            if overdue:
                t.overdue.append(action)
            if soon:
                t.due_soon.append(action)
    return Summary(plan, today, statuses, overall, groups, by)


def status_label(statuses: dict[str, Status], key: str) -> str:
    status = statuses.get(key)
    return status.label if status else UNKNOWN.label
