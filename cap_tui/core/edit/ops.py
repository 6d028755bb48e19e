"""Edits as operations: small values saying what changed, naming nodes by id and fields by key.

Every change cap makes to a plan is one of these, applied by `Document.apply`. An operation names
nodes by id (a `Ref`), never by object, so it means the same thing in another session, after a
reload, or on a copy of the file that someone has changed since: the crash journal (operations as
JSON lines), reloading a file changed outside (replay), spreadsheet import and three-way merge all
need exactly that, and undo is built on it: an operation's `invert()` is its undo.

Applying one gives a `Result`, as ProseMirror's steps give a StepResult: applied, a no-op (the
file already says it), a clash (the file changed under it: a field no longer holds the value the
operation started from, or a node it names is gone) or refused (cap cannot write it safely). An
applied operation comes back filled in (`Result.op`): the text it wrote, exactly where, and the
characters each value was written as, so that its inverse restores the file byte for byte.

This module holds only the values, their inverses and their JSON form; a reader of a journal needs
nothing else. Applying them is `edit/apply.py`.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from ..shape import Level

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..document import Document
    from ..model import Node

__all__ = [
    "ABSENT", "PLAN", "AddNode", "DeleteNode", "Duplicate", "EditError", "MoveNode", "MoveTo",
    "Op", "Outcome", "Place", "Ref", "Result", "SetField", "decode_value", "encode_value",
    "id_text", "op_from_json",
]


class EditError(Exception):
    """An edit cap cannot make, said in words for the officer."""


class _Absent:
    """The value of a field its table does not have. One instance, ABSENT: compare with `is`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"

    def __reduce__(self) -> str:
        return "ABSENT"  # copies and pickles are the one instance


ABSENT: Any = _Absent()


def id_text(value: Any) -> str:
    """An `id` field's value as the id a node goes by (Node.id): "" when it has none."""
    if value is ABSENT:
        return ""
    return value if isinstance(value, str) else str(value)


class _Value:
    """An immutable value: its fields are the names its class annotates, in order, and two are
    equal when they are of one class with equal fields. (Not a dataclass: importing dataclasses
    costs `cap set` a tenth of its time.)"""

    __slots__ = ()

    def _set(self, *values: Any) -> None:
        for name, value in zip(self._fields(), values, strict=True):
            object.__setattr__(self, name, value)

    def _fields(self) -> tuple[str, ...]:
        return tuple(type(self).__annotations__)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields())

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields())
        return f"{type(self).__name__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name}")

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return type(self), self._values()


class Ref(_Value):
    """A node by id: the `nth` node (from 0, in file order) of `level` with that id.

    `nth` is 0 except in a plan that repeats an id. The plan itself is PLAN: its [plan] table
    has no id of its own.
    """

    __slots__ = ("id", "level", "nth")
    level: Level
    id: str
    nth: int

    def __init__(self, level: Level, id: str, nth: int = 0) -> None:
        self._set(level, id, nth)

    def __str__(self) -> str:
        if self.level is Level.PLAN:
            return "the plan"
        name = self.id or f"the {self.level} with no id"
        return f"{name} (number {self.nth + 1} of that id)" if self.nth else name

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level.value, "id": self.id}
        if self.nth:
            out["nth"] = self.nth
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Ref:
        return cls(Level(data["level"]), data.get("id", ""), data.get("nth", 0))


PLAN = Ref(Level.PLAN, "")


class Place(_Value):
    """Where a node's tables go: among `parent`'s children, right after `after` (None: first).

    `skip` counts tables that belong to no node (a [notes] table between two themes) between
    that sibling and the node: forward from the end of `after`'s tables or, when `after` is
    None, backward from the start of the first child's (the end of the parent's, when it has no
    children). It keeps such a table where it was when a node is deleted and brought back.
    """

    __slots__ = ("after", "parent", "skip")
    parent: Ref
    after: Ref | None
    skip: int

    def __init__(self, parent: Ref, after: Ref | None = None, skip: int = 0) -> None:
        self._set(parent, after, skip)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"parent": self.parent.to_json()}
        if self.after is not None:
            out["after"] = self.after.to_json()
        if self.skip:
            out["skip"] = self.skip
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Place:
        after = data.get("after")
        return cls(Ref.from_json(data["parent"]),
                   Ref.from_json(after) if after is not None else None, data.get("skip", 0))


class Op(_Value):
    """An operation on a plan: one of the kinds below. `name` tags its JSON."""

    __slots__ = ()
    name: ClassVar[str]

    def invert(self) -> Op:
        """The operation that undoes this one."""
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        """A dict of JSON values, {"op": name, ...}; `op_from_json` reads it back."""
        raise NotImplementedError

    def apply(self, doc: Document) -> Result:
        """Apply to `doc` as a new change (one it can undo)."""
        return doc.apply(self)


def _nth(data: dict[str, Any]) -> int | None:
    value = data.get("nth_after")
    return value if isinstance(value, int) else None


def _ref_after(ref: Ref, node_id: str, nth_after: int | None) -> Ref:
    """The Ref of a node once an operation has renamed or moved it (`nth_after` None: its nth
    is unchanged)."""
    return Ref(ref.level, node_id, ref.nth if nth_after is None else nth_after)


def _nth_back(ref: Ref, after: Ref) -> int | None:
    """The `nth_after` of the inverse of an operation that took `ref` to `after`."""
    return None if ref.nth == after.nth else ref.nth


class SetField(Op):
    """Set one field of a node (or of the plan: `ref` PLAN) from `old` to `value`.

    ABSENT as `value` removes the field; as `old`, the field is new. A rename is a SetField of
    "id": later operations name the node by its new id.

    cap fills the rest in when it applies the change, so that undo writes back the very
    characters: `raw` and `old_raw`, the TOML text the value is and was written as (a literal
    string, `1_000`); `table` and `old_table`, the table's text after its header line, when the
    change was more than a value's characters (a field taken out with its comment, dotted keys
    rewritten as an inline table); `nth_after`, the node's `nth` under its new id when that is
    not ref.nth (only ever when ids repeat).
    """

    __slots__ = ("key", "nth_after", "old", "old_raw", "old_table", "raw", "ref", "table", "value")
    ref: Ref
    key: str
    value: Any
    old: Any
    raw: str | None
    old_raw: str | None
    table: str | None
    old_table: str | None
    nth_after: int | None

    name = "set"

    def __init__(self, ref: Ref, key: str, value: Any, old: Any = ABSENT, raw: str | None = None,
                 old_raw: str | None = None, table: str | None = None,
                 old_table: str | None = None, nth_after: int | None = None) -> None:
        self._set(ref, key, value, old, raw, old_raw, table, old_table, nth_after)

    @property
    def target(self) -> Ref:
        """The node once the change is made: `ref`, unless the change renames it."""
        if self.key != "id":
            return self.ref
        return _ref_after(self.ref, id_text(self.value), self.nth_after)

    def invert(self) -> SetField:
        target = self.target
        return SetField(target, self.key, self.old, self.value, self.old_raw, self.raw,
                        self.old_table, self.table, _nth_back(self.ref, target))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.name, "ref": self.ref.to_json(), "key": self.key}
        if self.value is not ABSENT:
            out["value"] = encode_value(self.value)
        if self.old is not ABSENT:
            out["old"] = encode_value(self.old)
        if self.raw is not None:
            out["raw"] = self.raw
        if self.old_raw is not None:
            out["old_raw"] = self.old_raw
        if self.table is not None:
            out["table"] = self.table
        if self.old_table is not None:
            out["old_table"] = self.old_table
        if self.nth_after is not None:
            out["nth_after"] = self.nth_after
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SetField:
        return cls(Ref.from_json(data["ref"]), data["key"],
                   decode_value(data["value"]) if "value" in data else ABSENT,
                   decode_value(data["old"]) if "old" in data else ABSENT,
                   data.get("raw"), data.get("old_raw"), data.get("table"),
                   data.get("old_table"), _nth(data))


class AddNode(Op):
    """Add a node written as `text` (its tables: header, fields, sub-tables, descendants) at
    `place`. `ref` names it: its level and id must be the text's (cap fills in its nth).

    `glue` is the line ends added after the table before it, so that a blank line parts them;
    None lets cap decide, and shape the end of `text` to what follows it (a blank line before
    the next table; one line end at the end of the file).
    """

    __slots__ = ("glue", "place", "ref", "text")
    ref: Ref
    place: Place
    text: str
    glue: str | None

    name = "add"

    def __init__(self, ref: Ref, place: Place, text: str, glue: str | None = None) -> None:
        self._set(ref, place, text, glue)

    def invert(self) -> DeleteNode:
        return DeleteNode(self.ref, self.place, self.text, self.glue)

    def to_json(self) -> dict[str, Any]:
        return _node_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AddNode:
        return cls(Ref.from_json(data["ref"]), Place.from_json(data["place"]), data["text"],
                   data.get("glue"))


class DeleteNode(Op):
    """Delete a node with everything under it and the comments written directly above it.

    `text`, when given, is what its tables must still say (blank lines at their end aside), or
    the delete is a clash: someone has changed the node since. `place` is where it was and
    `glue` the line ends that went from the end of the table before it (a node deleted at the
    end of the file leaves no blank line behind). cap fills all three in when it applies the
    delete: only then can it be inverted.
    """

    __slots__ = ("glue", "place", "ref", "text")
    ref: Ref
    place: Place | None
    text: str | None
    glue: str | None

    name = "delete"

    def __init__(self, ref: Ref, place: Place | None = None, text: str | None = None,
                 glue: str | None = None) -> None:
        self._set(ref, place, text, glue)

    def invert(self) -> AddNode:
        if self.place is None or self.text is None:
            raise ValueError(f"the delete of {self.ref} cannot be undone before it is applied: "
                       "the applied one (Result.op) has the text and place it needs")
        return AddNode(self.ref, self.place, self.text, self.glue)

    def to_json(self) -> dict[str, Any]:
        return _node_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeleteNode:
        place = data.get("place")
        return cls(Ref.from_json(data["ref"]),
                   Place.from_json(place) if place is not None else None, data.get("text"),
                   data.get("glue"))


def _node_json(op: AddNode | DeleteNode) -> dict[str, Any]:
    out: dict[str, Any] = {"op": op.name, "ref": op.ref.to_json()}
    if op.place is not None:
        out["place"] = op.place.to_json()
    if op.text is not None:
        out["text"] = op.text
    if op.glue is not None:
        out["glue"] = op.glue
    return out


class MoveNode(Op):
    """Move a node up (`step` -1) or down (+1) among its siblings: it and the sibling there swap
    places. The line ends after each one's tables stay where they are (a node moved to the end
    of the file takes the file's last line end), so moving it back restores the file exactly.
    `nth_after`: as for SetField, filled in when applied.
    """

    __slots__ = ("nth_after", "ref", "step")
    ref: Ref
    step: int
    nth_after: int | None

    name = "move"

    def __init__(self, ref: Ref, step: int, nth_after: int | None = None) -> None:
        self._set(ref, step, nth_after)

    def invert(self) -> MoveNode:
        target = _ref_after(self.ref, self.ref.id, self.nth_after)
        return MoveNode(target, -self.step, _nth_back(self.ref, target))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.name, "ref": self.ref.to_json(), "step": self.step}
        if self.nth_after is not None:
            out["nth_after"] = self.nth_after
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MoveNode:
        return cls(Ref.from_json(data["ref"]), data["step"], _nth(data))


class MoveTo(Op):
    """Move a node, with everything under it, to `to`: under another parent (an action to
    another programme), or anywhere among its siblings. Whatever its tables say now goes with
    it, so a move does not clash with an edit of the node.

    The line ends after tables stay where they are, as for MoveNode. `origin` is where the node
    was and `nth_after` as for SetField: cap fills both in when it applies the move, and the
    inverse moves the node back to `origin`.
    """

    __slots__ = ("nth_after", "origin", "ref", "to")
    ref: Ref
    to: Place
    origin: Place | None
    nth_after: int | None

    name = "move-to"

    def __init__(self, ref: Ref, to: Place, origin: Place | None = None,
                 nth_after: int | None = None) -> None:
        self._set(ref, to, origin, nth_after)

    def invert(self) -> MoveTo:
        if self.origin is None:
            raise ValueError(f"the move of {self.ref} cannot be undone before it is applied: "
                       "the applied one (Result.op) knows where it came from")
        target = _ref_after(self.ref, self.ref.id, self.nth_after)
        return MoveTo(target, self.origin, self.to, _nth_back(self.ref, target))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.name, "ref": self.ref.to_json(),
                         "to": self.to.to_json()}
        if self.origin is not None:
            out["origin"] = self.origin.to_json()
        if self.nth_after is not None:
            out["nth_after"] = self.nth_after
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MoveTo:
        origin = data.get("origin")
        return cls(Ref.from_json(data["ref"]), Place.from_json(data["to"]),
                   Place.from_json(origin) if origin is not None else None, _nth(data))


class Duplicate(Op):
    """Copy a node and everything under it to just after it, the copies taking `ids`: one for
    each node copied, the node's first, then its descendants' in file order.

    Applied, it is the AddNode of the copy (Result.op, what a journal records): the copy is of
    the node as the officer saw it.
    """

    __slots__ = ("ids", "ref")
    ref: Ref
    ids: tuple[str, ...]

    name = "duplicate"

    def __init__(self, ref: Ref, ids: tuple[str, ...]) -> None:
        self._set(ref, ids)

    def invert(self) -> DeleteNode:
        return DeleteNode(Ref(self.ref.level, self.ids[0]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.name, "ref": self.ref.to_json(), "ids": list(self.ids)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Duplicate:
        return cls(Ref.from_json(data["ref"]), tuple(data["ids"]))


_KINDS: dict[str, type[SetField | AddNode | DeleteNode | MoveNode | MoveTo | Duplicate]] = {
    kind.name: kind for kind in (SetField, AddNode, DeleteNode, MoveNode, MoveTo, Duplicate)
}


def op_from_json(data: dict[str, Any]) -> Op:
    """The operation a `to_json()` dict describes. Raises ValueError for one it does not."""
    kind = _KINDS.get(data.get("op", ""))
    if kind is None:
        raise ValueError(f"not an operation cap knows: {data.get('op')!r}")
    return kind.from_json(data)


# -- values as JSON ---------------------------------------------------------------------------
def encode_value(value: Any) -> Any:
    """A field's value as JSON: strings, integers, finite floats, booleans and arrays as they
    are; dates, times, other floats and inline tables tagged ({"$date": "2025-03-31"})."""
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        return {"$table": {k: encode_value(v) for k, v in value.items()}}
    raise TypeError(f"not a TOML value: {value!r}")


_DECODE: dict[str, Callable[[str], Any]] = {
    "$float": float,
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$time": time.fromisoformat,
}


def decode_value(data: Any) -> Any:
    """The value `encode_value` gave `data` for."""
    if isinstance(data, list):
        return [decode_value(v) for v in data]
    if not isinstance(data, dict):
        return data
    if len(data) != 1:
        raise ValueError(f"not a tagged value: {data!r}")
    ((tag, inner),) = data.items()
    if tag == "$table":
        return {k: decode_value(v) for k, v in inner.items()}
    read = _DECODE.get(tag)
    if read is None:
        raise ValueError(f"not a tagged value: {data!r}")
    return read(inner)


# -- what applying one did ------------------------------------------------------------------
class Outcome(StrEnum):
    """Whether an operation applied."""

    APPLIED = "applied"
    NO_OP = "no-op"  # the file already says it (or there was nothing to do: a move at the end)
    CLASH = "clash"  # the file changed under it: a field's value, or a node it names is gone
    REFUSED = "refused"  # cap cannot make it in this file, whatever else changed


class Result(_Value):
    """What applying an operation did.

    op: the operation as applied, filled in (its inverse restores the exact bytes) when it
        applied; as given otherwise.
    reason: why it did not apply, or changed nothing, in words for the officer.
    found: for a clash on a field, the value the file holds now (op.old is the value the
        operation started from, op.value the one it would write).
    node: the node it concerned in this document: the one set, added, moved or deleted.
    """

    __slots__ = ("found", "node", "op", "outcome", "reason")
    outcome: Outcome
    op: Op
    reason: str
    found: Any
    node: Node | None

    def __init__(self, outcome: Outcome, op: Op, reason: str = "", found: Any = ABSENT,
                 node: Node | None = None) -> None:
        self._set(outcome, op, reason, found, node)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.APPLIED
