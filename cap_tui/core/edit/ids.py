"""New ids in the plan's own style: COM-03 after COM-02, KA.01.04 after KA.01.03.

An action's id follows its siblings' (or, in an empty programme, its theme's actions', or the
plan's): the same prefix and number of digits, the next number free in the whole plan. Themes
and programmes get a slug the officer is expected to change: new-theme, new-programme-2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Node, Plan
from ..shape import Level

_NUMBERED = re.compile(r"^(.*?)(\d+)(\D*)$")


def new_id(plan: Plan, parent: Node, level: Level, exclude: Node | None = None) -> str:
    """An id for a new child of `parent`, free in the plan (`exclude`: a node whose own id does
    not count as taken)."""
    taken = _Taken(n.id for n in plan.nodes() if n is not exclude)
    return _next_id(level, _samples(plan, parent, [c.id for c in parent.children]), taken)


def copy_ids(plan: Plan, node: Node) -> tuple[str, ...]:
    """New ids for a copy of `node` and everything under it, in file order: as if each copy
    took its id in turn, its siblings being the copies renamed so far and the rest."""
    taken = _Taken(n.id for n in plan.nodes())
    renamed: dict[int, str] = {}
    out: list[str] = []
    for original in node.walk():
        parent = original.parent
        assert parent is not None  # the plan itself is never copied
        siblings = [renamed.get(id(c), c.id) for c in parent.children]
        new = _next_id(original.kind, _samples(plan, parent, siblings), taken)
        taken.add(new)
        renamed[id(original)] = new
        out.append(new)
    return tuple(out)


class _Taken:
    """The ids in use, and the highest number written after each prefix ("COM-": 2)."""

    __slots__ = ("_top", "ids")

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids = set(ids)
        self._top: dict[str, int] | None = None  # read when first asked: themes never ask

    def top(self, prefix: str) -> int:
        if self._top is None:
            self._top = {}
            for taken in self.ids:
                self._count(taken)
        return self._top.get(prefix, 0)

    def add(self, new: str) -> None:
        self.ids.add(new)
        if self._top is not None:
            self._count(new)

    def _count(self, taken: str) -> None:
        assert self._top is not None
        m = _NUMBERED.match(taken)
        if m and int(m.group(2)) > self._top.get(m.group(1), 0):
            self._top[m.group(1)] = int(m.group(2))


def _samples(plan: Plan, parent: Node, siblings: list[str]) -> list[str]:
    """The ids a new action's id follows: its siblings', else its theme's actions', else all."""
    if siblings:
        return siblings
    theme = parent.theme
    in_theme = [n.id for n in theme.walk() if n.kind is Level.ACTION] if theme else []
    return in_theme or [a.id for a in plan.actions()]


def _next_id(level: Level, samples: list[str], taken: _Taken) -> str:
    if level is not Level.ACTION:
        base = f"new-{level}"
        n = 1
        while (candidate := base if n == 1 else f"{base}-{n}") in taken.ids:
            n += 1
        return candidate
    for sample in reversed(samples):
        m = _NUMBERED.match(sample)
        if not m:
            continue
        prefix, width = m.group(1), len(m.group(2))
        n = taken.top(prefix) + 1
        while (candidate := f"{prefix}{n:0{width}d}") in taken.ids:
            n += 1
        return candidate
    n = 1
    while f"A-{n:02d}" in taken.ids:
        n += 1
    return f"A-{n:02d}"
