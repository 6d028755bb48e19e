"""The plan as themes > programmes > actions, read from tomllib's data.

Nodes hold the very dicts tomllib returned, so an edit that updates a node's data is seen at once
by validation, the summary and the editor. Nothing here imports Textual or tomlkit.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeGuard

from .dates import Due, financial_year, parse_due
from .shape import SHAPE, Level
from .source import Source, parse_toml, read_source
from .vocab import DEFAULT_STATUSES, FIELD_TYPES, FieldSpec, Status

# which level holds which, from the one table in shape.py (kept here for old callers: new code
# reads SHAPE[kind].child and SHAPE[kind].child_key)
CHILD_KEY: dict[Level, Level] = {s.level: s.child for s in SHAPE.values() if s.child}


def value_text(value: Any) -> str:
    """A value as a person reads it: strings as they are, others as TOML writes them."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_item_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_item_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def _item_text(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else value_text(value)


class Node:
    """A theme, programme or action (or the plan itself), holding its own table's data."""

    __slots__ = ("children", "data", "kind", "parent")

    def __init__(self, kind: str, data: dict[str, Any], parent: Node | None = None,
                 children: list[Node] | None = None) -> None:
        self.kind = kind if type(kind) is Level else Level(kind)
        self.data = data
        self.parent = parent
        self.children: list[Node] = children if children is not None else []

    @property
    def id(self) -> str:
        value = self.data.get("id", "")
        return value if isinstance(value, str) else str(value)

    @property
    def title(self) -> str:
        value = self.data.get("title", "")
        return value if isinstance(value, str) else str(value)

    def text(self, key: str) -> str:
        """A field as text for showing: "" when missing, non-strings as TOML would write them."""
        return value_text(self.data.get(key))

    def ancestor(self, level: Level) -> Node | None:
        """The node of that level this one is in (itself when it is of that level)."""
        node: Node | None = self
        while node is not None and node.kind is not level:
            node = node.parent
        return node

    @property
    def theme(self) -> Node | None:
        return self.ancestor(Level.THEME)

    @property
    def programme(self) -> Node | None:
        return self.ancestor(Level.PROGRAMME)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def __repr__(self) -> str:
        return f"<{self.kind} {self.id or '?'}>"


class Plan:
    """One plan file, read."""

    def __init__(self, path: str, data: dict[str, Any], source: Source | None = None) -> None:
        self.path = path
        self.data = data
        self.source = source
        meta = data.get(Level.PLAN.value)
        self.root = Node(Level.PLAN, meta if isinstance(meta, dict) else {})
        self._vocabulary: tuple[object, dict[str, Status]] | None = None
        self._build()

    def _build(self) -> None:
        self.root.children = []
        _grow(self.root, self.data)  # the themes are top-level arrays, beside the [plan] table

    # -- the plan's metadata -------------------------------------------------------------------
    @property
    def meta(self) -> dict[str, Any]:
        return self.root.data

    @property
    def council(self) -> str:
        return self.root.text("council")

    @property
    def title(self) -> str:
        return self.root.text("title")

    @property
    def period(self) -> str:
        return self.root.text("period")

    @property
    def as_of(self) -> date | None:
        value = self.meta.get("as_of")
        return value if is_date(value) else None

    @property
    def period_bounds(self) -> tuple[date, date] | None:
        start, end = self.meta.get("period_start"), self.meta.get("period_end")
        if is_date(start) and is_date(end):
            return start, end
        return financial_year(self.period) if self.period else None

    @property
    def statuses(self) -> dict[str, Status]:
        """The plan's status vocabulary, in its own order (cap's default when it declares none).

        Read once per [plan.statuses] table: every overdue check asks for it, so it is kept until
        that table is replaced (an edit assigns a new one; nothing edits it in place)."""
        declared = self.meta.get("statuses")
        if self._vocabulary is not None and self._vocabulary[0] is declared:
            return self._vocabulary[1]
        self._vocabulary = (declared, self._read_statuses(declared))
        return self._vocabulary[1]

    @staticmethod
    def _read_statuses(declared: object) -> dict[str, Status]:
        if not isinstance(declared, dict) or not declared:
            return {s.key: s for s in DEFAULT_STATUSES}
        out: dict[str, Status] = {}
        for key, spec in declared.items():
            spec = spec if isinstance(spec, dict) else {}
            label = spec.get("label")
            colour = spec.get("colour")
            out[key] = Status(
                key,
                label if isinstance(label, str) and label else key,
                colour if isinstance(colour, str) else "",
                spec.get("finished") is True,
            )
        return out

    @property
    def custom_fields(self) -> dict[str, FieldSpec]:
        declared = self.meta.get("fields")
        out: dict[str, FieldSpec] = {}
        if not isinstance(declared, dict):
            return out
        for key, spec in declared.items():
            spec = spec if isinstance(spec, dict) else {}
            ftype = spec.get("type", "line")
            choices = spec.get("choices", ())
            if not isinstance(choices, list):
                choices = []
            label = spec.get("label")
            out[key] = FieldSpec(
                key,
                label if isinstance(label, str) and label else key.replace("_", " ").capitalize(),
                ftype if ftype in FIELD_TYPES else "line",
                spec.get("required") is True,
                tuple(c for c in choices if isinstance(c, str)),
                custom=True,
            )
        return out

    # -- the tree ----------------------------------------------------------------------------
    @property
    def themes(self) -> list[Node]:
        return self.root.children

    def programmes(self) -> Iterator[Node]:
        for theme in self.root.children:
            yield from theme.children

    def actions(self) -> Iterator[Node]:
        for theme in self.root.children:
            for programme in theme.children:
                yield from programme.children

    def nodes(self) -> Iterator[Node]:
        """Every theme, programme and action, in file order."""
        for theme in self.root.children:
            yield theme
            for programme in theme.children:
                yield programme
                yield from programme.children

    def find(self, node_id: str) -> Node | None:
        for node in self.nodes():
            if node.id == node_id:
                return node
        return None

    # -- per-action facts --------------------------------------------------------------------
    def due(self, action: Node) -> Due | None:
        """The action's expected completion, or None when missing or unreadable."""
        value = action.data.get("due")
        if value is None:
            return None
        try:
            return parse_due(value)
        except ValueError:
            return None

    def status(self, action: Node) -> Status | None:
        key = action.data.get("status")
        return self.statuses.get(key) if isinstance(key, str) else None

    def is_finished(self, action: Node, statuses: dict[str, Status] | None = None) -> bool:
        key = action.data.get("status")
        status = (statuses or self.statuses).get(key) if isinstance(key, str) else None
        return status is not None and status.finished

    def is_overdue(self, action: Node, today: date | None = None) -> bool:
        """Due before today (the plan's as-of date by default) and not finished."""
        today = today or self.as_of
        due = self.due(action)
        if today is None or due is None or due.end is None:
            return False
        return due.end < today and not self.is_finished(action)


def _grow(parent: Node, holder: dict[str, Any]) -> None:
    """The children of `parent`, from the array of tables `holder` has under their key."""
    shape = SHAPE[parent.kind]
    kind, tables = shape.child, holder.get(shape.child_key)
    if kind is None or not isinstance(tables, list):
        return
    deeper = SHAPE[kind].child is not None
    children = parent.children
    for table in tables:
        if isinstance(table, dict):
            node = Node(kind, table, parent)
            children.append(node)
            if deeper:
                _grow(node, table)


def is_date(value: object) -> TypeGuard[date]:
    """A TOML date: a local date without a time of day (which cannot be compared with one)."""
    return isinstance(value, date) and not isinstance(value, datetime)


def load_plan(path: str | Path) -> Plan:
    """Read a plan with tomllib. Raises PlanError when the file is not UTF-8 TOML 1.0."""
    source = read_source(path)
    return Plan(source.path, parse_toml(source), source)


def glance_plan(path: str | Path) -> Plan:
    """Read a plan to describe it (the picker's status line): a large one is read by rtoml,
    as the editor opens it, not checked by tomllib. Raises PlanError as load_plan does when the
    file cannot be read at all."""
    from .fastread import read_plan_data

    source = read_source(path)
    return Plan(source.path, read_plan_data(source)[0], source)
