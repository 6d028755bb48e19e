"""A plan file open for editing: its text (as segments), its tree, and the changes made to it.

Every change is an operation (core/edit/ops.py) applied to the text in place (core/edit/apply.py),
so a save with no changes writes the file's exact bytes and a save after changes differs only in
the lines they touched. Undo applies the inverse of the last operation and redo the operation
again; the operations applied since the file was read or saved are its `history`, for a journal.

The methods the editor calls (set_field, add, duplicate, delete, move, move_to) take and give
Node objects: each names its nodes as an operation does, applies it, and raises EditError with
the reason when it does not apply. The node objects stay the same through field changes, moves,
and undoing and redoing them: a node deleted and brought back is the object it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .edit.apply import run
from .edit.ids import copy_ids
from .edit.ids import new_id as _new_id
from .edit.index import NodeIndex
from .edit.ops import (
    ABSENT,
    AddNode,
    DeleteNode,
    Duplicate,
    EditError,
    MoveNode,
    MoveTo,
    Op,
    Outcome,
    Place,
    Ref,
    Result,
    SetField,
    id_text,
)
from .edit.segments import Segment, Segments, cut
from .fileio import SaveError, write_atomic
from .model import Node, Plan
from .shape import SHAPE, Level
from .source import BOM, Source, decode, parse_toml, read_source
from .tomlvalue import render, render_key
from .vocab import starting_status

__all__ = ["Document", "EditError", "SaveFailed"]


_NOW: Any = object()  # field_op's `was` not given: the field's value now


class SaveFailed(EditError, OSError):
    """The plan could not be saved; the message says why and what to do. The file is as it was.

    An EditError (the editor shows its message) and an OSError (what a failed write is)."""


class Document:
    """A plan file open for editing."""

    def __init__(self, source: Source, data: dict[str, Any]) -> None:
        self.source = source
        self.path = source.path
        self.newline = source.newline
        self.plan = Plan(source.path, data, source)
        self._segments: Segments | None = None  # made when first needed: `segments`
        self._scanning = threading.Lock()
        # why saving is refused, when the file turned out not to read as cap read it
        self.unsafe: str | None = None
        self.version = 0  # bumped by every change, for views that cache
        self.index = NodeIndex(self.plan)  # nodes by id, for operations' refs
        self._parked: dict[str, list[Node]] = {}
        self._undo: list[Op] = []
        self._redo: list[Op] = []
        self._history: list[Op] = []
        # told of every operation applied (undos and redos included), as applied: the crash
        # journal listens here
        self.on_applied: Callable[[Op], None] | None = None
        self._saved_bytes = source.raw  # what is on disk, as far as cap knows
        self._saved_marker: Op | None = None  # the undo entry the file on disk matches

    @classmethod
    def load(cls, path: str | Path) -> Document:
        source = read_source(path)
        return cls(source, parse_toml(source))

    @classmethod
    def open_fast(cls, path: str | Path) -> tuple[Document, bool]:
        """Open a plan for the editor (from what `readahead` read meanwhile, if it did); large
        plans are read by rtoml, not by tomllib, and scanned when first edited (`segments`).
        Returns the document and whether its data was read by tomllib; when it was not, the
        caller must check it with `verify()` before trusting a save."""
        from .readahead import take

        ahead = take(path)  # read by a child process while the editor loaded (readahead.py)
        if ahead is not None:
            raw, data, verified = ahead
            return cls(decode(str(path), raw), data), verified
        from .fastread import read_plan_data

        source = read_source(path)
        data, verified = read_plan_data(source)
        return cls(source, data), verified

    def verify(self) -> str | None:
        """Read the text as loaded with tomllib, rtoml and cap's layout scan; None when they
        agree (fastread.verify_source).

        Safe to run in a thread: it reads only the loaded text, never the edited segments.
        The editor runs it in a process of its own (`python -m cap_tui.core.verify`), where
        it does not take turns with the editor for Python's lock."""
        from .fastread import verify_source

        return verify_source(self.source)

    @classmethod
    def from_bytes(cls, path: str, raw: bytes) -> Document:
        source = decode(path, raw)
        return cls(source, parse_toml(source))

    @property
    def segments(self) -> Segments:
        """The text as segments, with the one that is each node's own table: made from the
        layout scan when first needed, so that opening a large plan does not wait for its scan
        (a fifth of a second at 5,000 actions; the editor makes them after its first paint,
        `prepare`). Every edit asks for them before it changes anything."""
        segments = self._segments
        if segments is None:
            with self._scanning:  # `prepare` in a thread, an edit here: one scan, not two
                if self._segments is None:
                    self._segments = Segments(cut(self.source.text), self.plan)
                segments = self._segments
        return segments

    def prepare(self) -> None:
        """Make the segments now. Safe in a thread before the first edit (an edit waits for
        it): it reads the loaded text and the plan as loaded."""
        self.segments  # noqa: B018 (made on first use)

    # -- text and saving ---------------------------------------------------------------------
    def text(self) -> str:
        return self.segments.text()

    def to_bytes(self) -> bytes:
        return ((BOM if self.source.bom else "") + self.text()).encode("utf-8")

    @property
    def modified(self) -> bool:
        """Whether there are changes since the load or the last save (cheap: no text compare)."""
        return (self._undo[-1] if self._undo else None) is not self._saved_marker

    def changed_on_disk(self) -> bool:
        """Whether the file on disk is no longer what was loaded or last saved."""
        try:
            raw = Path(self.path).read_bytes()
        except OSError:
            return True
        return raw != self._saved_bytes

    def save(self, path: str | Path | None = None, expect: bytes | None = None,
             new_file: bool = False) -> None:
        """Write the file (or a copy at `path`) so that a crash leaves the old file or the new
        one, never half: fileio.write_atomic, which also writes through links and keeps the
        file's mode and owner. Raises EditError when saving is off (`unsafe`), SaveFailed when
        the file cannot be written.

        expect: the bytes the caller read; when the file holds anything else just before the
        rename, nothing is written and SaveFailed says the file changed on disk (`cap set`,
        `cap recover`). None (the default) writes whatever the file holds now."""
        if self.unsafe:
            raise EditError(self.unsafe)
        target = Path(path if path is not None else self.path)
        data = self.to_bytes()
        try:
            write_atomic(target, data, expect=expect, allow_break_hardlink=False,
                         exclusive=new_file)
        except SaveError as exc:
            raise SaveFailed(str(exc)) from exc
        if target == Path(self.path):
            self._saved_bytes = data
            self._saved_marker = self._undo[-1] if self._undo else None
            self._history.clear()

    # -- nodes, refs and tables --------------------------------------------------------------
    def resolve(self, ref: Ref, without: Node | None = None) -> Node | None:
        """The node `ref` names now, or None (`without`: as if that node were not there)."""
        return self.index.resolve(ref, without)

    def ref_of(self, node: Node, without: Node | None = None) -> Ref:
        """The Ref that names `node` now (`without`: as if that node were not there)."""
        ref = self.index.ref(node, without)
        if ref is None:
            raise EditError(f"{node.id or node.kind} is no longer in the plan")
        return ref

    def park(self, key: str, node: Node) -> None:
        """Keep a deleted node's objects under its text, for `revive`."""
        self._parked.setdefault(key, []).append(node)

    def revive(self, key: str, level: Level, data: dict[str, Any]) -> Node | None:
        """The node deleted with this text and data, if any: a node brought back (by undo, or
        by a redo of its adding) is the object it was, which the editor may still hold."""
        parked = self._parked.get(key, [])
        for k in range(len(parked) - 1, -1, -1):
            if parked[k].kind is level and parked[k].data == data:
                return parked.pop(k)
        return None

    def segment(self, node: Node) -> Segment:
        """The node's own table. Raises EditError when it is not written as one."""
        seg = self.segments.own(node)
        if seg is None:
            if node.kind is Level.PLAN:
                raise EditError("the plan has no [plan] table to edit")
            raise EditError(f"{node.id or node.kind} cannot be edited here: it is not written "
                            f"as its own {SHAPE[node.kind].header} table")
        return seg

    def span(self, node: Node) -> tuple[int, int]:
        """Indices [i, j) of the segments holding a node, its sub-tables and its descendants."""
        return self.segments.span(node)

    def locate(self, node: Node, key: str = "") -> tuple[int, int]:
        """1-based line and column of a node's field (or its header) in the current text."""
        seg = self.segments.own(node)
        if seg is None:
            return 1, 1
        offset = seg.block.header
        entry = seg.block.entry(key) if key else None
        if entry is not None:
            offset = entry.start
        before = seg.text[:offset]
        return (self.segments.line_of(seg) + before.count("\n"),
                offset - (before.rfind("\n") + 1) + 1)

    # -- operations, undo and redo -----------------------------------------------------------
    def apply(self, op: Op) -> Result:
        """Apply an operation as a new change: it can be undone, and what could be redone goes.
        Nothing changes unless the result says APPLIED."""
        result = self._run(op)
        if result.ok:
            self._undo.append(result.op)
            self._redo.clear()
        return result

    def _run(self, op: Op) -> Result:
        result = run(self, op)
        if result.ok:
            self._history.append(result.op)
            self.version += 1
            if self.on_applied is not None:
                self.on_applied(result.op)
        return result

    @property
    def history(self) -> Sequence[Op]:
        """The operations applied since the file was read or last saved, in order, undos and
        redos included (as applied: filled in). Replayed on the file as it was read or saved,
        they give the text as it is now."""
        return self._history

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> Node | None:
        """Undo the last change. Returns the node a field change was made to; None for a change
        to the tree's shape (add, delete, move), after which the caller redraws the tree."""
        if not self._undo:
            return None
        op = self._undo[-1]
        node = self._step(op.invert())
        self._redo.append(self._undo.pop())
        return node if isinstance(op, SetField) else None

    def redo(self) -> Node | None:
        """Make the last undone change again. Returns as `undo` does."""
        if not self._redo:
            return None
        op = self._redo[-1]
        node = self._step(op)
        self._undo.append(self._redo.pop())
        return node if isinstance(op, SetField) else None

    def _step(self, op: Op) -> Node | None:
        """Apply an undo or a redo. It applies cleanly: it is the exact inverse of, or the very
        change that, the text last saw (a no-op when typing came back to where it started)."""
        result = self._run(op)
        if result.outcome not in (Outcome.APPLIED, Outcome.NO_OP):
            raise EditError(f"cannot undo or redo this change: {result.reason}")
        return result.node

    # -- changes, as the editor asks for them ------------------------------------------------
    def field_op(self, node: Node, key: str, value: Any, was: Any = _NOW) -> SetField:
        """The operation that sets a node's field to `value`, as typed: a multi-line string
        whose closing quotes were on a line of their own keeps them there.

        `was`: the value before this run of typing (the field's value now, by default). The
        layout is judged from it, not from the value a keystroke ago: an update whose quotes
        close on its last line keeps them there after Enter and more typing."""
        old = node.data.get(key, ABSENT)
        layout = old if was is _NOW else was
        if (isinstance(value, str) and isinstance(layout, str) and layout.endswith("\n")
                and not value.endswith("\n") and "\n" in layout[:-1] + value):
            value += "\n"
        return SetField(self.ref_of(node), key, value, old)

    def set_field(self, node: Node, key: str, value: Any, merge: bool = False) -> bool:
        """Set one field; returns False when it already had that value (nothing is written).

        `merge`: fold this change into the previous one when that was the same field of the same
        node (typing a word is one undo step, not one per key).
        """
        last = self._undo[-1] if self._undo else None
        typing = (merge and isinstance(last, SetField) and last.target == self.ref_of(node)
                  and last.key == key and not self._redo and last is not self._saved_marker)
        was = last.old if typing and isinstance(last, SetField) else _NOW
        result = self._run(self.field_op(node, key, value, was))
        if result.outcome is Outcome.NO_OP:
            return False
        if not result.ok:
            raise EditError(result.reason)
        done = result.op
        assert isinstance(done, SetField)
        if typing and isinstance(last, SetField) and (last.table is None) is (done.table is None):
            self._undo[-1] = SetField(last.ref, key, done.value, last.old, done.raw,
                                      last.old_raw, done.table, last.old_table,
                                      done.nth_after)
        else:
            self._undo.append(done)
            self._redo.clear()
        return True

    def add(self, parent: Node, after: Node | None = None, fields: dict[str, Any] | None = None,
            ) -> Node:
        """Add a theme (parent = the plan), programme or action, at the end or after `after`."""
        level = SHAPE[parent.kind].child
        if level is None:
            raise EditError("an action cannot hold other nodes")
        if parent.kind is not Level.PLAN:
            self.segment(parent)
        values: dict[str, Any] = {"id": self.new_id(parent, level)}
        if level is Level.ACTION:
            values.update(title="", lead="", due="", status=starting_status(self.plan.statuses))
        else:
            values["title"] = ""
        values.update(fields or {})
        if after is None and parent.children:
            after = parent.children[-1]
        place = Place(self.ref_of(parent), self.ref_of(after) if after is not None else None)
        text = table_text(level, values, self.newline)
        return self._done(self.apply(AddNode(Ref(level, id_text(values["id"])), place, text)))

    def duplicate(self, node: Node) -> Node:
        """A copy of a node (and everything under it) right after it, with new unique ids."""
        if node.parent is None:
            raise EditError("the plan itself cannot be duplicated")
        return self._done(self.apply(Duplicate(self.ref_of(node), copy_ids(self.plan, node))))

    def delete(self, node: Node) -> None:
        """Delete a node with everything under it, and the comments written directly above it."""
        if node.parent is None:
            raise EditError("the plan itself cannot be deleted")
        self._done(self.apply(DeleteNode(self.ref_of(node))))

    def move(self, node: Node, step: int) -> bool:
        """Move a node up (-1) or down (+1) among its siblings; False at either end."""
        if node.parent is None:
            return False
        result = self.apply(MoveNode(self.ref_of(node), step))
        if result.outcome is Outcome.NO_OP:
            return False
        self._done(result)
        return True

    def move_to(self, node: Node, new_parent: Node) -> None:
        """Move an action to the end of another programme (or a programme to another theme)."""
        parent = node.parent
        if parent is None or new_parent.kind is not parent.kind or new_parent is parent:
            where = parent.kind if parent else ""
            raise EditError(f"a {node.kind} can only move to another {where}")
        self.segment(new_parent)
        last = new_parent.children[-1] if new_parent.children else None
        to = Place(self.ref_of(new_parent), self.ref_of(last) if last is not None else None)
        self._done(self.apply(MoveTo(self.ref_of(node), to)))

    @staticmethod
    def _done(result: Result) -> Node:
        if not result.ok or result.node is None:
            raise EditError(result.reason)
        return result.node

    # -- new nodes ---------------------------------------------------------------------------
    def new_id(self, parent: Node, kind: str, exclude: Node | None = None) -> str:
        """A new id in the plan's own style: COM-03 after COM-02; a slug for themes."""
        return _new_id(self.plan, parent, Level(kind), exclude)



def table_text(level: Level, values: dict[str, Any], newline: str) -> str:
    """A new node's table: its header and one line for each value."""
    lines = [SHAPE[level].header]
    for key, value in values.items():
        raw = render(value, None, newline)
        if raw is None:
            raise EditError(f"a new {level}'s {key} cannot be {value!r}")
        lines.append(f"{render_key(key)} = {raw}")
    return newline.join(lines) + newline
