"""Which actions to show: one filter for `cap list` and the editor's `/` filter.

No Textual here: the editor parses what the officer types (`parse_query`) into the same
`ActionFilter` that `cap list --status ... --lead ... --overdue --due-within --stale` builds, and
both name a status the same way (`status_keys`): by its key or label, in any case, or by the
start of either; a status the plan does not have, or a start that fits several, is a
`FilterError` naming the plan's statuses.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date, timedelta

from .model import Node, Plan
from .shape import Level

_SEPARATORS = re.compile(r"[\s_-]+")


class FilterError(ValueError):
    """A filter that names something the plan does not have; the message says what it has."""


def _norm(text: str) -> str:
    """A status name as compared: any case, and `on-track`, `on_track`, `on track` alike."""
    return _SEPARATORS.sub(" ", text.strip().lower())


def status_names(plan: Plan) -> str:
    """`Not started (not-started), On track (green), ...`: the plan's statuses, as said in a
    message."""
    return ", ".join(f"{st.label} ({key})" for key, st in plan.statuses.items())


def status_keys(plan: Plan, wanted: str) -> set[str]:
    """The status keys `wanted` names: a key or label (any case); else the status whose key or
    label starts with it; else a key an action holds though the vocabulary lacks it. Raises
    FilterError when it names none, or starts several."""
    s = _norm(wanted)
    exact = {k for k, st in plan.statuses.items() if s in (_norm(k), _norm(st.label))}
    if exact:
        return exact
    starts = [k for k, st in plan.statuses.items()
              if s and (_norm(k).startswith(s) or _norm(st.label).startswith(s))]
    if len(starts) == 1:
        return set(starts)
    if starts:
        named = ", ".join(f"{plan.statuses[k].label} ({k})" for k in starts)
        raise FilterError(f'status "{wanted}" could be any of: {named}; type more of it')
    held = {k for a in plan.actions() if isinstance(k := a.data.get("status"), str)
            and _norm(k) == s}
    if held:  # an action's status outside the vocabulary can still be asked for by its key
        return held
    raise FilterError(f'no status "{wanted}"; the plan\'s statuses are: {status_names(plan)}')


class ActionFilter:
    """Keeps the actions that match every condition given (an empty filter keeps all).

    `stale`: only the actions whose ids are in `stale_ids` (the actions whose progress has not
    changed since the last reporting point, core/stale.py), which the caller finds, once, from
    git; until it has (`stale_ids` None) a stale filter keeps nothing."""

    def __init__(self, plan: Plan, statuses: Iterable[str] = (), leads: Iterable[str] = (),
                 overdue: bool = False, due_within: int | None = None,
                 words: Iterable[str] = (), today: date | None = None,
                 stale: bool = False, stale_ids: Collection[str] | None = None) -> None:
        self.plan = plan
        self.today = today or plan.as_of
        self.leads = [t.lower() for t in leads]
        self.words = [w.lower() for w in words]
        self.overdue = overdue
        self.due_within = due_within
        self.stale = stale
        self.stale_ids = stale_ids
        self.statuses = self._status_keys(list(statuses))
        self.actions_only = bool(self.statuses is not None or self.leads or overdue
                                 or due_within is not None or stale)

    def _status_keys(self, wanted: list[str]) -> set[str] | None:
        """The keys the status conditions name, lower case (FilterError for a name unknown)."""
        if not wanted:
            return None
        keys: set[str] = set()
        for s in wanted:
            keys |= {k.lower() for k in status_keys(self.plan, s)}
        return keys

    def __call__(self, node: Node) -> bool:
        if node.kind is not Level.ACTION:  # themes and programmes match on words only
            if self.actions_only:
                return False
            hay = f"{node.id} {node.title}".lower()
            return all(w in hay for w in self.words)
        if self.statuses is not None and node.text("status").lower() not in self.statuses:
            return False
        lead = node.text("lead").lower()
        if self.leads and not all(t in lead for t in self.leads):
            return False
        if self.overdue and not self.plan.is_overdue(node, self.today):
            return False
        if self.due_within is not None and not self._due_soon(node, self.due_within):
            return False
        if self.stale and (self.stale_ids is None or node.id not in self.stale_ids):
            return False
        if self.words:
            hay = " ".join((node.id, node.title, lead, node.text("progress"))).lower()
            return all(w in hay for w in self.words)
        return True

    def _due_soon(self, node: Node, days: int) -> bool:
        due, today = self.plan.due(node), self.today
        return not (today is None or due is None or due.end is None
                    or self.plan.is_finished(node)
                    or not today <= due.end <= today + timedelta(days=days))


def parse_query(plan: Plan, text: str,
                stale_ids: Collection[str] | None = None) -> ActionFilter | None:
    """The editor's filter line: free words, `status:NAME` (a key, a label, or the start of
    either, as `cap list --status`), `lead:TEXT`, `overdue`, `due:DAYS`, `stale`. None for an
    empty line; FilterError for a status the plan does not have."""
    words = text.split()
    if not words:
        return None
    statuses, leads, free = [], [], []
    overdue = stale = False
    due_within: int | None = None
    for w in words:
        low = w.lower()
        if low.startswith("status:"):
            if low[7:]:  # `status:` alone, while the name is being typed, asks nothing yet
                statuses.append(low[7:])
        elif low.startswith("lead:"):
            leads.append(low[5:])
        elif low == "overdue":
            overdue = True
        elif low == "stale":
            stale = True
        elif low.startswith("due:") and low[4:].isdigit():
            due_within = int(low[4:])
        else:
            free.append(low)
    return ActionFilter(plan, statuses, leads, overdue, due_within, free, stale=stale,
                        stale_ids=stale_ids)
