"""Editing a plan file in place: the file is a list of segments, one per table, kept as text.

An edit rewrites only the text it must: setting a field replaces that value's characters in its
table's segment; adding, deleting or moving a node inserts, removes or moves whole segments (with
the comments written directly above their headers). Nothing is ever re-serialised, so a save with
no edits writes the file's exact bytes, and a save after edits changes only the edited lines.

Each edit is checked as it is made: the changed table is read back with tomllib and must hold the
value asked for, so a bug here can never write a file that does not say what the officer typed.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from .layout import Block, Entry, rebase, scan
from .model import CHILD_KEY, Node, Plan
from .problems import PlanError, Problem, Severity
from .source import BOM, Source, decode, parse_toml, read_source
from .structure import NODE_NAMES, places
from .tomlvalue import render, render_key
from .vocab import ACTION_FIELDS, PLAN_FIELDS, PROGRAMME_FIELDS, THEME_FIELDS

_ORDER = {
    "plan": [f.key for f in PLAN_FIELDS],
    "theme": [f.key for f in THEME_FIELDS],
    "programme": [f.key for f in PROGRAMME_FIELDS],
    "action": [f.key for f in ACTION_FIELDS],
}
_HEADERS = {
    "theme": "[[theme]]",
    "programme": "[[theme.programme]]",
    "action": "[[theme.programme.action]]",
}
_ID_PATTERN = re.compile(r"^(.*?)(\d+)(\D*)$")


class EditError(Exception):
    """An edit cap cannot make, said in words for the officer."""


class Segment:
    """One table of the file as text: its header line, its body, and any comment above it.

    `block` gives positions within `text`. A segment cut from a scanned file keeps the file's
    block and the offset to subtract until its positions are first needed (most never are).
    """

    __slots__ = ("_block", "_shift", "text")

    def __init__(self, text: str, block: Block | None = None, shift: int = 0) -> None:
        self.text = text
        self._shift = shift
        if block is None:
            self.rescan()
        else:
            self._block = block

    @property
    def block(self) -> Block:
        if self._shift:
            self._block = rebase(self._block, self._shift)
            self._shift = 0
        return self._block

    @property
    def name(self) -> tuple[str, ...]:
        return self._block.name

    def rescan(self) -> None:
        blocks = scan(self.text)
        # a segment holds one table: the root block when it has no header, else the header block
        self._block = blocks[1] if len(blocks) > 1 else blocks[0]
        self._shift = 0

    def body_data(self) -> dict[str, Any]:
        return tomllib.loads(self.text[self.block.body :] if self.block.name else self.text)

    def ends_with_blank(self) -> bool:
        return self.text.endswith("\n\n") or self.text.endswith("\n\r\n")


class _FieldChange:
    """One field set: the segment's text and the value before and after."""

    __slots__ = ("after", "before", "key", "node", "seg")

    def __init__(self, seg: Segment, node: Node, key: str, before: tuple[str, bool, Any],
                 after: tuple[str, bool, Any]) -> None:
        self.seg, self.node, self.key = seg, node, key
        self.before = before  # segment text, had the key, old value
        self.after = after


class _Restructure:
    """Nodes added, deleted or moved: the segment list and the texts that changed."""

    __slots__ = ("after", "before", "label", "nodes")

    def __init__(self, before: tuple[list[Segment], dict[Segment, str]],
                 after: tuple[list[Segment], dict[Segment, str]], label: str,
                 nodes: dict[Segment, Node] | None = None) -> None:
        self.before, self.after, self.label = before, after, label
        # each node's segment, before and after: an undo or redo gives the nodes back their
        # objects (a node deleted and brought back is the object earlier field changes refer to)
        self.nodes: dict[Segment, Node] = nodes if nodes is not None else {}


class Document:
    """A plan file open for editing."""

    def __init__(self, source: Source, data: dict[str, Any],
                 blocks: list[Block] | None = None) -> None:
        self.source = source
        self.path = source.path
        self.newline = source.newline
        text = source.text
        if blocks is None:
            blocks = scan(text)
        self.segments = [Segment(text[b.start : b.end], b, b.start) for b in blocks]
        # why saving is refused, when the file turned out not to read as cap read it
        self.unsafe: str | None = None
        if not self.segments[0].text:
            self.segments.pop(0)  # the file starts with a header
        self.plan = Plan(source.path, data, source)
        self.node_of: dict[Segment, Node] = {}
        self.seg_of: dict[int, Segment] = {}
        self._attach()
        self._undo: list[_FieldChange | _Restructure] = []
        self._redo: list[_FieldChange | _Restructure] = []
        self._saved_bytes = source.raw  # what is on disk, as far as cap knows
        self._saved_text = text
        self._saved_marker: object | None = None  # the undo entry the file on disk matches
        self.version = 0  # bumped by every change, for views that cache

    @classmethod
    def load(cls, path: str | Path) -> Document:
        source = read_source(path)
        return cls(source, parse_toml(source))

    @classmethod
    def open_fast(cls, path: str | Path) -> tuple[Document, bool]:
        """Open a plan for the editor; large plans are read from the scan (fastread), not by
        tomllib. Returns the document and whether its data was read by tomllib; when it was
        not, the caller must check it with `verify()` before trusting a save."""
        from .fastread import read_plan_data

        source = read_source(path)
        data, blocks, verified = read_plan_data(source)
        return cls(source, data, blocks), verified

    def verify(self) -> str | None:
        """Read the text as loaded with tomllib and with fastread again; None when they agree.

        Safe to run in a thread: it reads only the loaded text, never the edited segments."""
        from .fastread import read_blocks

        try:
            truth = parse_toml(self.source)
        except PlanError as exc:
            return exc.problem.format()
        if read_blocks(self.source.text, scan(self.source.text)) != truth:
            return (f"{self.path}: cap's quick reading of this file differs from the TOML "
                    "reader's; reopen it before saving")
        return None

    @classmethod
    def from_bytes(cls, path: str, raw: bytes) -> Document:
        source = decode(path, raw)
        return cls(source, parse_toml(source))

    # -- text and saving ---------------------------------------------------------------------
    def text(self) -> str:
        return "".join(s.text for s in self.segments)

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

    def save(self, path: str | Path | None = None) -> None:
        """Write atomically: a temporary file beside the target, fsynced, renamed over it."""
        if self.unsafe:
            raise EditError(self.unsafe)
        target = Path(path or self.path)
        data = self.to_bytes()
        write_atomic(target, data)
        if path is None or Path(path) == Path(self.path):
            self._saved_bytes = data
            self._saved_text = self.text()
            self._saved_marker = self._undo[-1] if self._undo else None

    # -- mapping nodes to segments -----------------------------------------------------------
    def _attach(self) -> None:
        """Pair each node of the plan with its table's segment, in file order."""
        self.node_of.clear()
        self.seg_of.clear()
        by_place: dict[tuple[int, ...], Node] = {(): self.plan.root}
        for t, theme in enumerate(self.plan.themes):
            by_place[(t,)] = theme
            for p, programme in enumerate(theme.children):
                by_place[(t, p)] = programme
                for a, action in enumerate(programme.children):
                    by_place[(t, p, a)] = action
        for seg, (place, own) in zip(
            self.segments, places(s._block for s in self.segments), strict=True
        ):
            if place is None or not own:
                continue
            node = by_place.get(place)
            if node is not None:
                self.node_of[seg] = node
                self.seg_of[id(node)] = seg

    def segment(self, node: Node) -> Segment:
        seg = self.seg_of.get(id(node))
        if seg is None:
            what = node.id or node.kind
            if node.kind == "plan":
                raise EditError("the plan has no [plan] table to edit")
            raise EditError(
                f"{what} cannot be edited here: it is not written as its own "
                f"{_HEADERS.get(node.kind, 'table')} table"
            )
        return seg

    def locate(self, node: Node, key: str = "") -> tuple[int, int]:
        """1-based line and column of a node's field (or its header) in the current text."""
        seg = self.seg_of.get(id(node))
        if seg is None:
            return 1, 1
        line = 1
        for s in self.segments:
            if s is seg:
                break
            line += s.text.count("\n")
        offset = seg.block.header
        entry = seg.block.entry(key) if key else None
        if entry is not None:
            offset = entry.start
        before = seg.text[:offset]
        return line + before.count("\n"), offset - (before.rfind("\n") + 1) + 1

    # -- fields ------------------------------------------------------------------------------
    def set_field(self, node: Node, key: str, value: Any, merge: bool = False) -> bool:
        """Set one field; returns False when it already had that value (nothing is written).

        `merge`: fold this change into the previous one when that was the same field of the same
        node (typing a word is one undo step, not one per key).
        """
        seg = self.segment(node)
        had = key in node.data
        old = node.data.get(key)
        if (isinstance(value, str) and isinstance(old, str) and old.endswith("\n")
                and not value.endswith("\n") and "\n" in old[:-1] + value):
            value += "\n"  # keep a multi-line string's closing quotes on their own line
        if had and _same(old, value):
            return False
        before = seg.text
        entry = seg.block.entry(key)
        if had and entry is None:  # a sub-table, the node's children, or a key not understood
            raise EditError(f"{key} is not a field cap can change here: it is written as a table "
                            "of its own")
        if entry is not None and len(entry.key) == 1:
            raw = before[entry.value_start : entry.value_end]
            new = render(value, raw, self.newline)
            if new is None:
                seg.text = self._tomlkit_edit(seg, key, value)
            else:
                seg.text = before[: entry.value_start] + new + before[entry.value_end :]
        elif entry is not None:
            seg.text = self._tomlkit_edit(seg, key, value)
        else:
            seg.text = self._insert_key(seg, node.kind, key, value)
        seg.rescan()
        try:
            check = seg.body_data().get(key)
        except tomllib.TOMLDecodeError:
            check = _Missing
        if not _same(check, value):
            seg.text = before
            seg.rescan()
            raise EditError(f"cap could not write {key} = {value!r} safely; the file is unchanged")
        node.data[key] = value
        last = self._undo[-1] if self._undo else None
        if (merge and isinstance(last, _FieldChange) and last.node is node and last.key == key
                and not self._redo and last is not self._saved_marker):
            last.after = (seg.text, True, value)
            self.version += 1
        else:
            self._push(_FieldChange(seg, node, key, (before, had, old), (seg.text, True, value)))
        return True

    def _insert_key(self, seg: Segment, kind: str, key: str, value: Any) -> str:
        new = render(value, None, self.newline)
        if new is None:
            return self._tomlkit_edit(seg, key, value)
        line = f"{render_key(key)} = {new}{self.newline}"
        text = seg.text
        entries = seg.block.entries
        anchor: Entry | None = None
        order = _ORDER.get(kind, [])
        if key in order:
            rank = order.index(key)
            for e in entries:
                if e.key[0] in order and order.index(e.key[0]) < rank:
                    anchor = e
        if anchor is None and entries and key not in order[:1]:
            anchor = entries[-1] if key not in order else None
        if anchor is None:
            if key in order and entries:
                at = _line_start(text, entries[0].start)
            else:
                at = seg.block.body if seg.block.name else (
                    _line_after(text, entries[-1].value_end) if entries else 0)
        else:
            at = _line_after(text, anchor.value_end)
        if at > 0 and not text[:at].endswith("\n"):
            line = self.newline + line
        return text[:at] + line + text[at:]

    def _tomlkit_edit(self, seg: Segment, key: str, value: Any) -> str:
        """The slow, general path for values cap does not write itself (tables, nested keys)."""
        import tomlkit

        start = seg.block.body if seg.block.name else 0
        old = seg.text[start:]
        body = tomlkit.parse(old)
        item: Any = value
        if isinstance(value, dict):  # a value in this table, not a [table] of its own
            item = tomlkit.inline_table()
            item.update(value)
        body[key] = item
        new = tomlkit.dumps(body)
        if self.newline != "\n":  # tomlkit ends the lines it writes with \n
            new = _crlf_new_lines(old, new, self.newline)
        if len(scan(new)) != len(scan(old)):  # a new [header] would move keys to another table
            raise EditError(f"cap cannot write {key} = {value!r} into this table")
        return seg.text[:start] + new

    # -- undo and redo -----------------------------------------------------------------------
    def _push(self, change: _FieldChange | _Restructure) -> None:
        self._undo.append(change)
        self._redo.clear()
        self.version += 1

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> Node | None:
        """Undo the last change; returns the node it concerned (None for a restructure)."""
        if not self._undo:
            return None
        change = self._undo.pop()
        self._redo.append(change)
        self.version += 1
        return self._apply(change, change.before)

    def redo(self) -> Node | None:
        if not self._redo:
            return None
        change = self._redo.pop()
        self._undo.append(change)
        self.version += 1
        return self._apply(change, change.after)

    def _apply(self, change: _FieldChange | _Restructure, state: Any) -> Node | None:
        if isinstance(change, _FieldChange):
            text, had, value = state
            change.seg.text = text
            change.seg.rescan()
            if had:
                change.node.data[change.key] = value
            else:
                change.node.data.pop(change.key, None)
            return change.node
        segments, texts = state
        self.segments = list(segments)
        for seg, text in texts.items():
            seg.text = text
            seg.rescan()
        self._rebuild(change.nodes)
        return None

    def _rebuild(self, nodes: dict[Segment, Node] | None = None) -> None:
        """Re-read the whole text after a restructure is undone, keeping each node's object."""
        old = {**self.node_of, **(nodes or {})}
        data = tomllib.loads(self.text())
        self.plan.data.clear()
        self.plan.data.update(data)
        fresh = Plan(self.path, self.plan.data, self.source)
        self.plan.root.data = fresh.root.data
        self.plan.root.children = fresh.root.children
        for child in self.plan.root.children:
            child.parent = self.plan.root
        self._attach()
        # keep the node objects the editor holds: same segment, same node
        for seg, node in list(self.node_of.items()):
            kept = old.get(seg)
            if kept is None or kept is node or kept.kind != node.kind:
                continue
            kept.data, kept.children, kept.parent = node.data, node.children, node.parent
            for child in kept.children:
                child.parent = kept
            siblings = kept.parent.children if kept.parent else []
            for i, s in enumerate(siblings):
                if s is node:
                    siblings[i] = kept
            self.node_of[seg] = kept
            self.seg_of.pop(id(node), None)
            self.seg_of[id(kept)] = seg

    # -- structure ---------------------------------------------------------------------------
    def span(self, node: Node) -> tuple[int, int]:
        """Indices [i, j) of the segments holding a node, its sub-tables and its descendants."""
        mine = {id(n) for n in node.walk()}
        first = self.segments.index(self.segment(node))
        last = first
        # a sub-table such as [theme.programme.action.budget] belongs to the last node of its
        # path so far: within the span, that is this node or one of its descendants, even when
        # it is written after them ([theme.programme.meta] after the programme's actions)
        path = ("theme", "programme", "action")[: _depth(node)]
        for i in range(first + 1, len(self.segments)):
            seg = self.segments[i]
            n = self.node_of.get(seg)
            if n is not None:
                if id(n) not in mine:
                    break
                last = i
            elif seg.name[: len(path)] == path:
                last = i
            else:
                break
        return first, last + 1

    def _snapshot(self) -> tuple[list[Segment], dict[Segment, str]]:
        return list(self.segments), {s: s.text for s in self.segments}

    def _restructured(self, before: tuple[list[Segment], dict[Segment, str]], label: str,
                      nodes: dict[Segment, Node]) -> None:
        after = self._snapshot()
        texts_before = {s: t for s, t in before[1].items() if after[1].get(s) != t}
        texts_after = {s: t for s, t in after[1].items() if before[1].get(s) != t}
        self._push(_Restructure((before[0], texts_before), (after[0], texts_after), label,
                                {**nodes, **self.node_of}))

    def _tidy(self) -> None:
        """A blank line before every header, and none piling up at the end of the file."""
        nl = self.newline
        for prev, seg in zip(self.segments, self.segments[1:], strict=False):
            if seg.block.name and not prev.ends_with_blank() and not seg.text.startswith(nl):
                if not prev.text.endswith("\n"):  # the file's last line had no newline
                    prev.text += nl
                prev.text += nl
        last = self.segments[-1] if self.segments else None
        if last is not None and last.ends_with_blank() and not self._saved_text.endswith(nl * 2):
            while last.ends_with_blank():
                last.text = last.text[: -len(nl)]
        for seg in self.segments:
            seg.rescan()

    def _data_list(self, parent: Node, kind: str) -> list[dict[str, Any]]:
        """The list in the plan's data that holds `parent`'s children of `kind`.

        Themes are a top-level array, not part of the [plan] table the root node holds.
        """
        holder = self.plan.data if parent.kind == "plan" else parent.data
        return holder.setdefault(kind, [])

    def _data_remove(self, parent: Node, kind: str, index: int) -> None:
        """Remove a child's data; an array left empty is no longer in the file, so not in data."""
        holder = self.plan.data if parent.kind == "plan" else parent.data
        del holder[kind][index]
        if not holder[kind]:
            del holder[kind]

    def _insert_segments(self, at: int, segs: list[Segment]) -> None:
        self.segments[at:at] = segs

    def add(self, parent: Node, after: Node | None = None, fields: dict[str, Any] | None = None,
            ) -> Node:
        """Add a theme (parent = the plan), programme or action, at the end or after `after`."""
        kind = CHILD_KEY.get(parent.kind)
        if kind is None:
            raise EditError("an action cannot hold other nodes")
        if parent.kind != "plan":
            self.segment(parent)
        before, nodes = self._snapshot(), dict(self.node_of)
        values: dict[str, Any] = {"id": self.new_id(parent, kind)}
        if kind == "action":
            values.update(title="", lead="", due="", status=self._first_status())
        else:
            values["title"] = ""
        values.update(fields or {})
        nl = self.newline
        lines = [_HEADERS[kind]] + [
            f"{render_key(k)} = {render(v, None, nl)}" for k, v in values.items()
        ]
        seg = Segment(nl.join(lines) + nl)
        node = Node(kind, tomllib.loads(seg.text[seg.block.body :]), parent)
        index = self._place_new(parent, node, after, [seg])
        self._data_list(parent, kind).insert(index, node.data)
        parent.children.insert(index, node)
        self.node_of[seg] = node
        self.seg_of[id(node)] = seg
        self._tidy()
        self._restructured(before, f"add {kind}", nodes)
        return node

    def _place_new(self, parent: Node, node: Node, after: Node | None, segs: list[Segment]) -> int:
        """Put a new node's segments into the file; returns its index among its siblings."""
        if after is not None:
            index = parent.children.index(after) + 1
            at = self.span(after)[1]
        elif parent.children:
            index = len(parent.children)
            at = self.span(parent.children[-1])[1]
        elif parent.kind == "plan":
            index, at = 0, len(self.segments)
        else:
            index, at = 0, self.span(parent)[1]
        self._insert_segments(at, segs)
        return index

    def duplicate(self, node: Node) -> Node:
        """A copy of a node (and everything under it) right after it, with new unique ids."""
        if node.parent is None:
            raise EditError("the plan itself cannot be duplicated")
        before, nodes = self._snapshot(), dict(self.node_of)
        i, j = self.span(node)
        copies = [Segment(s.text) for s in self.segments[i:j]]
        text = "".join(c.text for c in copies)
        copy_doc = tomllib.loads(text)
        path = {"theme": ("theme",), "programme": ("theme", "programme"),
                "action": ("theme", "programme", "action")}[node.kind]
        data: Any = copy_doc
        for k in path:  # [[theme.programme]] alone reads as theme = {programme = [...]}
            data = data[k]
            if isinstance(data, list):
                data = data[-1]
        copy_plan_nodes = _tree(node.kind, data)
        parent = node.parent
        index = parent.children.index(node) + 1
        self.segments[j:j] = copies
        self._data_list(parent, node.kind).insert(index, data)
        parent.children.insert(index, copy_plan_nodes)
        copy_plan_nodes.parent = parent
        own = [c for c in copies if c.block.is_array and c.block.name in NODE_NAMES]
        for seg, n in zip(own, copy_plan_nodes.walk(), strict=False):
            self.node_of[seg] = n
            self.seg_of[id(n)] = seg
        self._tidy()
        for n in copy_plan_nodes.walk():
            self._set_quietly(n, "id", self.new_id(n.parent or parent, n.kind, exclude=n))
        self._restructured(before, f"duplicate {node.kind}", nodes)
        return copy_plan_nodes

    def _set_quietly(self, node: Node, key: str, value: Any) -> None:
        self.set_field(node, key, value)
        self._undo.pop()  # part of the restructure that called it

    def delete(self, node: Node) -> None:
        """Delete a node with everything under it, and the comments written directly above it."""
        if node.parent is None:
            raise EditError("the plan itself cannot be deleted")
        before, nodes = self._snapshot(), dict(self.node_of)
        i, j = self.span(node)
        for seg in self.segments[i:j]:
            n = self.node_of.pop(seg, None)
            if n is not None:
                self.seg_of.pop(id(n), None)
        del self.segments[i:j]
        parent = node.parent
        k = parent.children.index(node)
        del parent.children[k]
        self._data_remove(parent, node.kind, k)
        if j >= len(self.segments) + (j - i) and self.segments:
            last = self.segments[-1]  # deleted from the end: do not leave a trailing blank
            while last.ends_with_blank():
                last.text = last.text[: -len(self.newline)]
        self._tidy()
        self._restructured(before, f"delete {node.kind}", nodes)

    def move(self, node: Node, step: int) -> bool:
        """Move a node up (-1) or down (+1) among its siblings; False at either end."""
        parent = node.parent
        if parent is None:
            return False
        k = parent.children.index(node)
        other_index = k + step
        if not 0 <= other_index < len(parent.children):
            return False
        other = parent.children[other_index]
        before, nodes = self._snapshot(), dict(self.node_of)
        first, second = (other, node) if step < 0 else (node, other)
        i, j = self.span(first)
        m, n = self.span(second)
        a, b = self.segments[i:j], self.segments[m:n]
        if n == len(self.segments):  # the later one was last in the file: keep the file's end
            b[-1].text += self.newline if not b[-1].ends_with_blank() else ""
        self.segments[i:n] = b + self.segments[j:m] + a
        kids = parent.children
        kids[k], kids[other_index] = kids[other_index], kids[k]
        dl = self._data_list(parent, node.kind)
        dl[k], dl[other_index] = dl[other_index], dl[k]
        self._tidy()
        self._restructured(before, f"move {node.kind}", nodes)
        return True

    def move_to(self, node: Node, new_parent: Node) -> None:
        """Move an action to the end of another programme (or a programme to another theme)."""
        parent = node.parent
        if parent is None or new_parent.kind != parent.kind or new_parent is parent:
            where = parent.kind if parent else ""
            raise EditError(f"a {node.kind} can only move to another {where}")
        self.segment(new_parent)
        before, nodes = self._snapshot(), dict(self.node_of)
        i, j = self.span(node)
        moved = self.segments[i:j]
        del self.segments[i:j]
        k = parent.children.index(node)
        del parent.children[k]
        self._data_remove(parent, node.kind, k)
        if not moved[-1].ends_with_blank():
            moved[-1].text += self.newline
        at = self.span(new_parent.children[-1])[1] if new_parent.children else \
            self.span(new_parent)[1]
        self.segments[at:at] = moved
        new_parent.children.append(node)
        self._data_list(new_parent, node.kind).append(node.data)
        node.parent = new_parent
        self._tidy()
        self._restructured(before, f"move {node.kind}", nodes)

    # -- ids ---------------------------------------------------------------------------------
    def new_id(self, parent: Node, kind: str, exclude: Node | None = None) -> str:
        """A new id in the plan's own style: COM-03 after COM-02; a slug for themes."""
        taken = {n.id for n in self.plan.nodes() if n is not exclude}
        if kind != "action":
            base = f"new-{kind}"
            n = 1
            while (candidate := base if n == 1 else f"{base}-{n}") in taken:
                n += 1
            return candidate
        samples = [a.id for a in parent.children] or [
            a.id for a in (parent.theme.walk() if parent.theme else []) if a.kind == "action"
        ] or [a.id for a in self.plan.actions()]
        for sample in reversed(samples):
            m = _ID_PATTERN.match(sample)
            if not m:
                continue
            prefix, digits, suffix = m.group(1), m.group(2), ""
            width = len(digits)
            numbers = [int(mm.group(2)) for t in taken
                       if (mm := _ID_PATTERN.match(t)) and mm.group(1) == prefix]
            n = max(numbers, default=0) + 1
            while (candidate := f"{prefix}{n:0{width}d}{suffix}") in taken:
                n += 1
            return candidate
        n = 1
        while f"A-{n:02d}" in taken:
            n += 1
        return f"A-{n:02d}"

    def _first_status(self) -> str:
        statuses = self.plan.statuses
        for key in ("not-started", "in-progress"):
            if key in statuses:
                return key
        for s in statuses.values():
            if not s.finished:
                return s.key
        return next(iter(statuses), "")


def _tree(kind: str, data: dict[str, Any]) -> Node:
    node = Node(kind, data)
    child = CHILD_KEY.get(kind)
    if child:
        for d in data.get(child, []) or []:
            c = _tree(child, d)
            c.parent = node
            node.children.append(c)
    return node


def _depth(node: Node) -> int:
    return {"theme": 1, "programme": 2, "action": 3}.get(node.kind, 0)


class _MissingType:
    pass


_Missing = _MissingType()


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b) and not (isinstance(a, int | float) and isinstance(b, int | float)):
        if isinstance(a, date) and isinstance(b, date):
            return a == b
        return False
    return a == b


def _crlf_new_lines(old: str, new: str, newline: str) -> str:
    """`new` with the bare \n line ends in the part that differs from `old` as `newline`."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    head = new.rfind("\n", 0, head) + 1  # from a line start, so no \r is cut off its \n
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    middle = re.sub(r"(?<!\r)\n", newline, new[head : len(new) - tail])
    return new[:head] + middle + new[len(new) - tail :]


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_after(text: str, offset: int) -> int:
    nl = text.find("\n", offset)
    return len(text) if nl < 0 else nl + 1


def _temporary_beside(target: Path) -> tuple[int, str]:
    """A new file next to `target`, open for writing, that no other process has (like
    tempfile.mkstemp, without importing tempfile and random on every `cap set`)."""
    for n in range(1000):
        tmp = str(target.parent / f".{target.name}.{os.getpid()}.{n}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot make a temporary file beside {target}")


def write_atomic(target: Path, data: bytes) -> None:
    """Write a file so that a crash leaves either the old file or the new one, never half."""
    target = Path(target)
    try:
        mode: int | None = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp = _temporary_beside(target)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    try:
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def load_document(path: str | Path) -> Document:
    """Open a plan for editing. Raises PlanError when it is not UTF-8 TOML 1.0."""
    return Document.load(path)


__all__ = ["Document", "EditError", "PlanError", "Problem", "Severity", "load_document"]
