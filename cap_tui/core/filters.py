"""Which actions to show: one filter for `cap list` and the editor's `/` filter.

No Textual here: the editor parses what the officer types (`parse_query`) into the same
`ActionFilter` that `cap list --status ... --lead ... --overdue --due-within` builds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from .model import Node, Plan
from .shape import Level


class ActionFilter:
    """Keeps the actions that match every condition given (an empty filter keeps all)."""

    def __init__(self, plan: Plan, statuses: Iterable[str] = (), leads: Iterable[str] = (),
                 overdue: bool = False, due_within: int | None = None,
                 words: Iterable[str] = (), today: date | None = None,
                 status_prefix: bool = False) -> None:
        self.plan = plan
        self.today = today or plan.as_of
        self.leads = [t.lower() for t in leads]
        self.words = [w.lower() for w in words]
        self.overdue = overdue
        self.due_within = due_within
        self.statuses = self._status_keys([s.lower() for s in statuses], status_prefix)
        self.actions_only = bool(self.statuses is not None or self.leads or overdue
                                 or due_within is not None)

    def _status_keys(self, wanted: list[str], prefix: bool) -> set[str] | None:
        """The vocabulary keys a status condition names (by key, label, or label prefix)."""
        if not wanted:
            return None
        keys = set()
        for s in wanted:
            for key, st in self.plan.statuses.items():
                label = st.label.lower()
                if key.lower() == s or label == s or (prefix and label.startswith(s)):
                    keys.add(key)
            keys.add(s)  # a status outside the vocabulary can still be asked for by its key
        return keys

    def __call__(self, node: Node) -> bool:
        if node.kind is not Level.ACTION:  # themes and programmes match on words only
            if self.actions_only:
                return False
            hay = f"{node.id} {node.title}".lower()
            return all(w in hay for w in self.words)
        if self.statuses is not None and node.text("status").lower() not in {
                k.lower() for k in self.statuses}:
            return False
        lead = node.text("lead").lower()
        if self.leads and not all(t in lead for t in self.leads):
            return False
        if self.overdue and not self.plan.is_overdue(node, self.today):
            return False
        if self.due_within is not None:
            due = self.plan.due(node)
            today = self.today
            if (today is None or due is None or due.end is None or self.plan.is_finished(node)
                    or not today <= due.end <= today + timedelta(days=self.due_within)):
                return False
        if self.words:
            hay = " ".join((node.id, node.title, lead, node.text("progress"))).lower()
            return all(w in hay for w in self.words)
        return True


def parse_query(plan: Plan, text: str) -> ActionFilter | None:
    """The editor's filter line: free words, `status:KEY`, `lead:TEXT`, `overdue`, `due:DAYS`."""
    words = text.split()
    if not words:
        return None
    statuses, leads, free = [], [], []
    overdue = False
    due_within: int | None = None
    for w in words:
        low = w.lower()
        if low.startswith("status:"):
            statuses.append(low[7:])
        elif low.startswith("lead:"):
            leads.append(low[5:])
        elif low == "overdue":
            overdue = True
        elif low.startswith("due:") and low[4:].isdigit():
            due_within = int(low[4:])
        else:
            free.append(low)
    return ActionFilter(plan, statuses, leads, overdue, due_within, free, status_prefix=True)
