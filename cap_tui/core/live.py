"""The open plan's problems, kept current edit by edit: what the editor shows and counts.

No Textual and no Rich here: the editor asks, after each edit, for the node it touched to be
checked again (`recheck`), and reads what is wrong with a node (`of`), every problem in file order
(`listed`) and the counts (`counts`). The checks are the `Checker`'s, the same as `cap validate`.

Problems are filed by the node's id, never by the Python object (`id(node)`), which an undo or a
reload may replace. Two things make ids move under the index, and both are handled here:

- the officer types into the id field, so the node's id is a new one at every keystroke:
  `recheck` finds the node under the id it was filed under and files it again under its new one
  (re-keying), then re-checks both ids for duplicates;
- ids are not always unique (a plan may hold the same id twice, and typing may make it so):
  each id holds a list of entries in file order, one per node that has it. The first holder is
  the original; each later one carries the "used twice" error, as `cap validate` reports it.
  The form of every holder shows that error, the list (and the counts) have it once per later
  holder, so they agree with `cap validate`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .check import Checker
from .model import Node, Plan
from .problems import Problem, Severity
from .shape import Level


@dataclass
class _Entry:
    """One node filed under its id: its own problems, and its "used twice" error if any."""

    node: Node
    found: list[Problem] = field(default_factory=list)
    duplicate: Problem | None = None


class LiveProblems:
    """Every problem of an open plan, by node id, rechecked one node (or one id) at a time."""

    def __init__(self, plan: Plan, today: date | None = None, *, now: bool = True) -> None:
        """`now=False` puts the checks off until something asks what is wrong (`of`, `listed`,
        `counts`, a recheck) or `check` is called: a large plan's editor draws its first
        screen first (`checked` says whether they are done)."""
        self.plan = plan
        self.today = today
        self.checker = Checker(plan, today=today)
        self._plan: list[Problem] = []  # the [plan] table's problems (and the file's)
        self._filed: dict[str, list[_Entry]] = {}  # node id -> its holders, in file order
        self._listed: list[tuple[Node, Problem]] | None = None  # `listed()`, until a recheck
        # the plan-wide lead check ("one lead spelt two ways"): its warnings by node, and each
        # action's lead as it was checked, so that only a change of a lead checks again
        self._leads: dict[int, list[Problem]] = {}
        self._lead_seen: dict[int, object] = {}
        self.checked = False
        if now:
            self.recheck_all()

    def check(self) -> None:
        """Check the plan, unless it has been."""
        if not self.checked:
            self.recheck_all()

    # -- checking ----------------------------------------------------------------------------
    def recheck_all(self) -> None:
        """Check the whole plan again (after a restructure, a reload or a change to [plan])."""
        self.checker = Checker(self.plan, today=self.today)  # statuses and fields may be new
        self._plan = self.checker.check_plan()
        self._filed = {}
        for node in self.plan.nodes():
            self._filed.setdefault(node.id, []).append(
                _Entry(node, self.checker.check_node(node)))
        self._mark_duplicates(self._filed)
        self._recheck_leads()
        self._listed = None
        self.checked = True

    def _recheck_leads(self) -> None:
        """The plan-wide lead check again (cheap: it compares the few distinct leads)."""
        self._leads = {}
        for p in self.checker.check_leads():
            node = self.plan.find(p.node_id) if p.node_id else None
            if node is not None:
                self._leads.setdefault(id(node), []).append(p)
        self._lead_seen = {id(a): a.data.get("lead") for a in self.plan.actions()}

    def recheck(self, node: Node) -> None:
        """Check one node again after an edit of any of its fields, its id included.

        A node whose id changed since it was filed is filed again under its new id, and both
        ids are checked for duplicates. A change to the plan's own table rechecks everything
        (its statuses and fields are what every action is checked against)."""
        if node.kind is Level.PLAN or not self.checked:
            self.recheck_all()
            return
        entry = self._entry(node)
        if entry is None:  # its id changed (or it is new to the index): file it again
            old = next((nid for nid, entries in self._filed.items()
                        if any(e.node is node for e in entries)), None)
            self.recheck_ids({node.id} if old is None else {old, node.id})
            return
        entry.found = self.checker.check_node(node)
        if node.kind is Level.ACTION and node.data.get("lead") != self._lead_seen.get(id(node)):
            self._recheck_leads()
        self._listed = None

    def recheck_ids(self, ids: Iterable[str]) -> None:
        """File again, and check again, every node holding one of these ids.

        Nodes filed under one of them but now holding another id go to their new id, which is
        rechecked too."""
        if not self.checked:
            self.recheck_all()
            return
        wanted = set(ids)
        gone: list[_Entry] = []
        todo = set(wanted)
        while todo:  # the ids of nodes filed under a wanted id, wherever they went
            for entry in self._filed.pop(todo.pop(), []):
                gone.append(entry)
                if entry.node.id not in wanted:
                    wanted.add(entry.node.id)
                    todo.add(entry.node.id)
        fresh: dict[str, list[_Entry]] = {}
        for node in self.plan.nodes():
            if node.id in wanted:
                fresh.setdefault(node.id, []).append(
                    _Entry(node, self.checker.check_node(node)))
        self._mark_duplicates(fresh)
        self._filed.update(fresh)
        self._recheck_leads()  # nodes came or went, or an id changed
        self._listed = None

    def _mark_duplicates(self, filed: dict[str, list[_Entry]]) -> None:
        """Give each later holder of a shared id the checker's "used twice" error."""
        shared = {nid for nid, entries in filed.items() if len(entries) > 1}
        if not shared:
            return
        errors: dict[str, list[Problem]] = {}
        for p in self.checker.check_ids():
            if p.node_id in shared:
                errors.setdefault(p.node_id, []).append(p)
        for nid in shared:
            # the checker counts only ids written as text, in file order, the first excepted
            holders = [e for e in filed[nid] if e.node.data.get("id") == nid]
            for entry, problem in zip(holders[1:], errors.get(nid, []), strict=False):
                entry.duplicate = problem

    # -- reading -----------------------------------------------------------------------------
    def _entry(self, node: Node) -> _Entry | None:
        return next((e for e in self._filed.get(node.id, ()) if e.node is node), None)

    def of(self, node: Node) -> list[Problem]:
        """What is wrong with one node, for its form. Every holder of a shared id is told so."""
        self.check()
        if node.kind is Level.PLAN:
            return list(self._plan)
        entry = self._entry(node)
        if entry is None:
            return []
        mine = list(entry.found) + self._leads.get(id(node), [])
        duplicate = entry.duplicate or next(
            (e.duplicate for e in self._filed[node.id] if e.duplicate is not None), None)
        if duplicate is not None:
            mine.append(duplicate)
        return mine

    def listed(self) -> list[tuple[Node, Problem]]:
        """Every problem with its node, in file order: the plan's first, then each node's."""
        self.check()
        if self._listed is None:
            out = [(self.plan.root, p) for p in self._plan]
            for node in self.plan.nodes():
                entry = self._entry(node)
                if entry is None:
                    continue
                out.extend((node, p) for p in entry.found)
                out.extend((node, p) for p in self._leads.get(id(node), ()))
                if entry.duplicate is not None:
                    out.append((node, entry.duplicate))
            self._listed = out
        return self._listed

    def counts(self) -> tuple[int, int]:
        """(errors, warnings) in the plan, as `cap validate` counts them."""
        errors = sum(1 for _, p in self.listed() if p.severity is Severity.ERROR)
        return errors, len(self.listed()) - errors
