"""Nodes by id: turning a Ref into the node it names, and a node into its Ref.

An operation names nodes by level and id, and in a plan that repeats an id by which of them in
file order (`nth`). The index is read from the plan's tree when first asked, then kept up to
date by the changes that add, remove, move and rename nodes: on a 5,000-action plan a rebuild
takes longer than the change itself. Only a change that may reorder nodes sharing an id (rare:
ids repeat only by mistake) makes it read the tree again, when next asked.
"""

from __future__ import annotations

from ..model import Node, Plan
from ..shape import Level
from .ops import PLAN, Ref

Key = tuple[Level, str]


class NodeIndex:
    """Every node of a plan (the plan itself as PLAN) by level and id, in file order."""

    __slots__ = ("_by_key", "_plan")

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._by_key: dict[Key, list[Node]] | None = None  # None: to be read from the tree

    def _keys(self) -> dict[Key, list[Node]]:
        if self._by_key is None:
            by_key: dict[Key, list[Node]] = {}
            for node in self._plan.nodes():
                by_key.setdefault((node.kind, node.id), []).append(node)
            self._by_key = by_key
        return self._by_key

    def resolve(self, ref: Ref, without: Node | None = None) -> Node | None:
        """The node `ref` names, or None when there is no such node. `without`: as if that
        node were not in the plan (where a node being moved will not be)."""
        if ref.level is Level.PLAN:
            return self._plan.root
        nodes = self._keys().get((ref.level, ref.id), [])
        if without is not None:
            nodes = [n for n in nodes if n is not without]
        return nodes[ref.nth] if 0 <= ref.nth < len(nodes) else None

    def ref(self, node: Node, without: Node | None = None) -> Ref | None:
        """The Ref that names `node`, or None when it is not in the plan. `without`: as in
        `resolve`."""
        if node.kind is Level.PLAN:
            return PLAN if node is self._plan.root else None
        nth = 0
        for other in self._keys().get((node.kind, node.id), []):
            if other is node:
                return Ref(node.kind, node.id, nth)
            nth += other is not without
        return None

    # -- kept up to date -----------------------------------------------------------------------
    def added(self, node: Node) -> None:
        """A node (with everything under it) is now in the plan's tree."""
        by_key = self._by_key
        if by_key is None:
            return
        for n in node.walk():
            same = by_key.setdefault((n.kind, n.id), [])
            if same:  # a repeated id: where it goes among the others is the tree's order
                self._by_key = None
                return
            same.append(n)

    def removed(self, node: Node) -> None:
        """A node (with everything under it) is no longer in the plan's tree."""
        by_key = self._by_key
        if by_key is None:
            return
        for n in node.walk():
            key = (n.kind, n.id)
            same = [other for other in by_key.get(key, []) if other is not n]
            if same:
                by_key[key] = same
            else:
                by_key.pop(key, None)

    def moved(self, node: Node) -> None:
        """A node (with everything under it) has a new place in the tree."""
        by_key = self._by_key
        if by_key is not None and any(len(by_key.get((n.kind, n.id), ())) > 1
                                      for n in node.walk()):
            self._by_key = None

    def renamed(self, node: Node, old_id: str) -> None:
        """A node's id was `old_id`."""
        by_key = self._by_key
        if by_key is None:
            return
        key = (node.kind, old_id)
        same = [other for other in by_key.get(key, []) if other is not node]
        if same:
            by_key[key] = same
        else:
            by_key.pop(key, None)
        new = by_key.setdefault((node.kind, node.id), [])
        if new:
            self._by_key = None
        else:
            new.append(node)
