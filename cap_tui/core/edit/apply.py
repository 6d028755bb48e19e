"""Applying operations to a Document's text and tree, changing only the text each one must.

Setting a field replaces that value's characters in its table (or adds or removes the key's
line); adding, deleting and moving a node inserts, removes and moves whole segments, with the
comments written directly above their headers. Nothing is re-serialised, so the rest of the file
keeps its bytes. Each change is read back as it is made: a field's table by tomllib, which must
give the value asked for; a new node's text by tomllib before it goes in. A bug here can never
write a file that does not say what the officer asked for.

An operation whose refs no longer name nodes, or whose field holds something else than it
started from, is a clash and changes nothing; so is one that cap cannot write (refused).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from ..layout import scan
from ..model import Node
from ..shape import SHAPE, Level
from ..tomlvalue import render, render_key
from .ops import (
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
from .segments import Segment, cut, ends_with_blank, headers_above, split_tail

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..document import Document


def run(doc: Document, op: Op) -> Result:
    """Apply `op` to `doc`'s text and tree. Only an APPLIED result has changed anything."""
    handler = _HANDLERS.get(type(op))
    if handler is None:
        return Result(Outcome.REFUSED, op, f"{type(op).__name__} is not an operation cap knows")
    try:
        return handler(doc, op)
    except EditError as exc:  # raised before anything changed
        return Result(Outcome.REFUSED, op, str(exc))


# -- fields ---------------------------------------------------------------------------------------
def _set_field(doc: Document, op: SetField) -> Result:
    node = doc.resolve(op.ref)
    if node is None:
        return _gone(op, op.ref)
    seg = doc.segment(node)
    key = op.key
    current = node.data.get(key, ABSENT)
    entry = seg.block.entry(key)
    old_raw = (seg.text[entry.value_start : entry.value_end]
               if entry is not None and len(entry.key) == 1 else None)
    before = seg.text
    body = seg.block.body if seg.block.name else 0  # the table's text starts here
    old_table = before[body:]
    if same(current, op.value) and op.raw in (None, old_raw) and op.table in (None, old_table):
        return Result(Outcome.NO_OP, op, f"{op.ref} already has that {key}", node=node)
    if not same(current, op.old):
        return Result(Outcome.CLASH, op, f"{op.ref}: {key} is {_shown(current)} in the file, "
                      f"not {_shown(op.old)}, so it was not set to {_shown(op.value)}",
                      found=current, node=node)
    if current is not ABSENT and entry is None:  # a sub-table, the node's children, ...
        raise EditError(f"{key} is not a field cap can change here: it is written as a table "
                        "of its own")
    if op.table is not None and op.old_table == old_table:  # an undo or a redo of a rewrite
        seg.text, raw = before[:body] + op.table, None
    else:
        seg.text, raw = _write_field(seg, node.kind, key, op.value, op.raw, doc.newline)
    seg.rescan()
    import tomllib  # (here, not at import: the editor's first paint does not need it)

    try:
        check = seg.body_data().get(key, ABSENT)
    except tomllib.TOMLDecodeError:
        check = _UNREADABLE
    if not same(check, op.value):
        seg.text = before
        seg.rescan()
        raise EditError(f"cap could not write {key} = {_shown(op.value)} safely; the file is "
                        "unchanged")
    if op.value is ABSENT:
        del node.data[key]
    else:
        node.data[key] = op.value
    nth_after = None
    if key == "id":
        doc.index.renamed(node, id_text(current))
        nth_after = _nth_after(doc, op.ref, node)
    rewritten = raw is None  # more than the value's characters: keep the table's text
    done = SetField(op.ref, key, op.value, current, raw, old_raw,
                    seg.text[body:] if rewritten else None, old_table if rewritten else None,
                    nth_after)
    return Result(Outcome.APPLIED, done, node=node)


def _write_field(seg: Segment, level: Level, key: str, value: Any, raw: str | None,
                 newline: str) -> tuple[str, str | None]:
    """The segment's text with the field set, and the TOML text written for the value (None
    when the field was taken out, or tomlkit wrote the table)."""
    text = seg.text
    entry = seg.block.entry(key)
    if value is ABSENT:
        return _remove_key(seg, key, newline), None
    if entry is not None and len(entry.key) == 1:
        new = raw if raw is not None else render(
            value, text[entry.value_start : entry.value_end], newline)
        if new is None:
            return _tomlkit_edit(seg, key, value, newline), None
        return text[: entry.value_start] + new + text[entry.value_end :], new
    if entry is not None:  # written as dotted keys: dates.due = ...
        return _tomlkit_edit(seg, key, value, newline), None
    new = raw if raw is not None else render(value, None, newline)
    if new is None:
        return _tomlkit_edit(seg, key, value, newline), None
    return _insert_key(seg, level, key, new, newline), new


def _insert_key(seg: Segment, level: Level, key: str, raw: str, newline: str) -> str:
    """The segment's text with a new `key = raw` line: after the keys that come before it in
    the level's field order (a key cap does not know goes last)."""
    text = seg.text
    entries = seg.block.entries
    order = [f.key for f in SHAPE[level].fields]
    if key in order:
        rank = order.index(key)
        earlier = [e for e in entries if e.key[0] in order and order.index(e.key[0]) < rank]
        anchor = earlier[-1] if earlier else None
    else:
        anchor = entries[-1] if entries else None
    if anchor is not None:
        at = _line_after(text, anchor.value_end)
    elif entries:  # a built-in field before all the others: before the first
        at = _line_start(text, entries[0].start)
    else:
        at = seg.block.body if seg.block.name else 0
    line = f"{render_key(key)} = {raw}"
    if at == len(text) and text and not text.endswith("\n"):
        # the last line of a file with no line end: the file still ends without one
        return text + newline + line
    return text[:at] + line + newline + text[at:]


def _remove_key(seg: Segment, key: str, newline: str) -> str:
    """The segment's text without the key's line(s): the inverse of `_insert_key`."""
    text = seg.text
    entries = [e for e in seg.block.entries if e.key[0] == key]
    if len(entries) != 1 or len(entries[0].key) != 1:  # dotted keys: dates.due, dates.review
        return _tomlkit_edit(seg, key, ABSENT, newline)
    e = entries[0]
    start, end = _line_start(text, e.start), _line_after(text, e.line_end)
    if end == len(text) and not text.endswith("\n") and start > 0:
        start -= 2 if text[start - 2 : start] == "\r\n" else 1  # keep no line end at the end
    return text[:start] + text[end:]


def _tomlkit_edit(seg: Segment, key: str, value: Any, newline: str) -> str:
    """The slow, general path for values cap does not write itself (tables, dotted keys)."""
    import tomlkit

    start = seg.block.body if seg.block.name else 0
    old = seg.text[start:]
    body = tomlkit.parse(old)
    if value is ABSENT:
        del body[key]
    elif isinstance(value, dict):  # a value in this table, not a [table] of its own
        item = tomlkit.inline_table()
        item.update(value)
        body[key] = item
    else:
        body[key] = value
    new = tomlkit.dumps(body)
    if newline != "\n":  # tomlkit ends the lines it writes with \n
        new = _crlf_new_lines(old, new, newline)
    if len(scan(new)) != len(scan(old)):  # a [header] would move keys to another table
        raise EditError(f"cap cannot write {key} = {_shown(value)} into this table")
    return seg.text[:start] + new


def _crlf_new_lines(old: str, new: str, newline: str) -> str:
    """`new` with the bare \\n line ends in the part that differs from `old` as `newline`."""
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


# -- nodes ----------------------------------------------------------------------------------------
def _add_node(doc: Document, op: AddNode) -> Result:
    parent = doc.resolve(op.place.parent)
    if parent is None:
        return _gone(op, op.place.parent)
    level = SHAPE[parent.kind].child
    if level is None:
        raise EditError("an action cannot hold other nodes")
    if level is not op.ref.level:
        raise EditError(f"a {parent.kind} holds {level}s, not {op.ref.level}s")
    if parent.kind is not Level.PLAN:
        doc.segment(parent)
    after = None
    if op.place.after is not None:
        after = doc.resolve(op.place.after)
        if after is None or after.parent is not parent:
            return Result(Outcome.CLASH, op, f"{op.place.after} is no longer in {op.place.parent}")
    pieces = cut(op.text)
    data = _read_node(op.text, pieces, level)
    if id_text(data.get("id", ABSENT)) != op.ref.id:
        raise EditError(f"the new {level}'s text gives it the id "
                        f"{id_text(data.get('id', ABSENT))!r}, not {op.ref.id!r}")
    fresh = _tree(level, data)
    if sum(p.own_level() is not None for p in pieces) != sum(1 for _ in fresh.walk()):
        raise EditError(f"the new {level}'s text must write each node as a table of its own")
    items = doc.segments.items
    at, skip = doc.segments.insertion_index(parent, after, op.place.skip)
    prev = items[at - 1] if at else None
    nl = doc.newline
    if op.glue is None:  # a blank line before the new header, and one after it unless it is last
        last = pieces[-1]
        if at == len(items):
            last.text = split_tail(last.text)[0] + nl
        elif not ends_with_blank(last.text) and not items[at].text.startswith(("\n", "\r\n")):
            last.text = split_tail(last.text)[0] + nl + nl
        last.rescan()
        glue = ""
        if prev is not None and not ends_with_blank(prev.text):
            glue = ("" if prev.text.endswith("\n") else nl) + nl
    else:
        if not _line_ends(op.glue):
            raise EditError("the line ends to add before a new node are not line ends")
        glue = op.glue if prev is not None else ""
    if glue:
        assert prev is not None
        prev.text += glue
        prev.rescan()
    node = doc.revive(split_tail(op.text)[0], level, data) or fresh
    index = 0 if after is None else parent.children.index(after) + 1
    _children_data(doc, parent, level).insert(index, node.data)
    parent.children.insert(index, node)
    node.parent = parent
    items[at:at] = pieces
    doc.segments.bind(pieces, node)
    doc.index.added(node)
    done = AddNode(doc.ref_of(node), Place(op.place.parent, op.place.after, skip),
                   "".join(p.text for p in pieces), glue)
    return Result(Outcome.APPLIED, done, node=node)


def _read_node(text: str, pieces: list[Segment], level: Level) -> dict[str, Any]:
    """The data of a node written as `text` (cut into `pieces`): its tables read by tomllib,
    under the headers of the levels above it. It must be exactly one node of `level`, starting
    with its header."""
    path = SHAPE[level].path
    if not pieces or pieces[0].own_level() is not level:
        raise EditError(f"the new {level}'s text must start with its {SHAPE[level].header} "
                        "header (or a comment above it)")
    import tomllib

    try:
        holder: Any = tomllib.loads(headers_above(level) + text)
    except tomllib.TOMLDecodeError as exc:
        raise EditError(f"the new {level}'s text is not TOML cap can read: {exc}") from None
    for key in path:
        tables = holder.get(key) if isinstance(holder, dict) else None
        if set(holder) != {key} or not isinstance(tables, list) or len(tables) != 1:
            raise EditError(f"the new {level}'s text holds tables of other nodes")
        holder = tables[0]
    data: dict[str, Any] = holder
    return data


def _tree(level: Level, data: dict[str, Any]) -> Node:
    """A node and its descendants for a new node's data."""
    node = Node(level, data)
    child = SHAPE[level].child
    if child is not None:
        for d in data.get(SHAPE[child].path[-1], []):
            c = _tree(child, d)
            c.parent = node
            node.children.append(c)
    return node


def _children_data(doc: Document, parent: Node, level: Level) -> list[dict[str, Any]]:
    """The list in the plan's data that holds `parent`'s children (themes are top-level: not
    in the [plan] table the root node holds)."""
    holder = doc.plan.data if parent.kind is Level.PLAN else parent.data
    children: list[dict[str, Any]] = holder.setdefault(SHAPE[level].path[-1], [])
    return children


def _take_out(doc: Document, node: Node) -> None:
    """Remove a node from its parent in the tree and the data (an array left empty is no longer
    in the file, so not in the data either)."""
    parent = node.parent
    assert parent is not None
    k = next(i for i, n in enumerate(parent.children) if n is node)
    del parent.children[k]
    holder = doc.plan.data if parent.kind is Level.PLAN else parent.data
    key = SHAPE[node.kind].path[-1]
    del holder[key][k]
    if not holder[key]:
        del holder[key]


def _delete_node(doc: Document, op: DeleteNode) -> Result:
    node = doc.resolve(op.ref)
    if node is None:
        return _gone(op, op.ref)
    parent = node.parent
    if parent is None:
        raise EditError("the plan itself cannot be deleted")
    i, j = doc.segments.span(node)
    items = doc.segments.items
    removed = items[i:j]
    text = "".join(s.text for s in removed)
    if op.text is not None and split_tail(op.text)[0] != split_tail(text)[0]:
        return Result(Outcome.CLASH, op, f"{op.ref} has changed since: it was not deleted",
                      found=text, node=node)
    sibling, skip = doc.segments.place_of(node)
    prev = items[i - 1] if i else None
    glue = ""
    if prev is not None and op.glue is None and j == len(items):
        # deleted from the end of the file: the table before keeps one line end, no blank line
        tail = split_tail(prev.text)[1]
        glue = tail[2 if tail.startswith("\r\n") else 1 :]
    elif prev is not None and op.glue and _line_ends(op.glue) and len(prev.text) > len(op.glue) \
            and prev.text.endswith(op.glue):
        glue = op.glue
    place = _place(doc, parent, sibling, skip, without=node)
    del items[i:j]
    doc.segments.unbind(removed)
    if glue:
        assert prev is not None
        prev.text = prev.text[: -len(glue)]
        prev.rescan()
    _take_out(doc, node)
    doc.index.removed(node)
    doc.park(split_tail(text)[0], node)
    return Result(Outcome.APPLIED, DeleteNode(op.ref, place, text, glue), node=node)


def _nth_after(doc: Document, ref: Ref, node: Node) -> int | None:
    """The node's nth now, for an operation's `nth_after`: None when it is still ref.nth."""
    nth = doc.ref_of(node).nth
    return None if nth == ref.nth else nth


def _place(doc: Document, parent: Node, sibling: Node | None, skip: int,
           without: Node) -> Place:
    """A Place naming `parent` and `sibling` as they are named once `without` is gone."""
    after = doc.ref_of(sibling, without) if sibling is not None else None
    return Place(doc.ref_of(parent, without), after, skip)


def _move_node(doc: Document, op: MoveNode) -> Result:
    node = doc.resolve(op.ref)
    if node is None:
        return _gone(op, op.ref)
    parent = node.parent
    if parent is None:
        raise EditError("the plan itself cannot move")
    if op.step not in (-1, 1):
        raise EditError("a node moves one place up or down at a time")
    kids = parent.children
    k = next(i for i, n in enumerate(kids) if n is node)
    other = k + op.step
    if not 0 <= other < len(kids):
        where = "first" if op.step < 0 else "last"
        return Result(Outcome.NO_OP, op, f"{op.ref} is already {where}", node=node)
    first, second = sorted((k, other))
    i, j = doc.segments.span(kids[first])
    m, n = doc.segments.span(kids[second])
    items = doc.segments.items
    a, between, b = items[i:j], items[j:m], items[m:n]
    # the tables change places; the line ends after each stay where they were
    a_stem, a_tail = split_tail(a[-1].text)
    b_stem, b_tail = split_tail(b[-1].text)
    a[-1].text, b[-1].text = a_stem + b_tail, b_stem + a_tail
    a[-1].rescan()
    b[-1].rescan()
    items[i:n] = b + between + a
    kids[first], kids[second] = kids[second], kids[first]
    dl = _children_data(doc, parent, node.kind)
    dl[first], dl[second] = dl[second], dl[first]
    doc.index.moved(node)
    done = MoveNode(op.ref, op.step, _nth_after(doc, op.ref, node))
    return Result(Outcome.APPLIED, done, node=node)


def _move_to(doc: Document, op: MoveTo) -> Result:
    node = doc.resolve(op.ref)
    if node is None:
        return _gone(op, op.ref)
    old_parent = node.parent
    if old_parent is None:
        raise EditError("the plan itself cannot move")
    parent = doc.resolve(op.to.parent)
    if parent is None:
        return _gone(op, op.to.parent)
    if parent.kind is not old_parent.kind:
        raise EditError(f"a {node.kind} can only move to another {old_parent.kind}")
    if parent.kind is not Level.PLAN:
        doc.segment(parent)
    after = None
    if op.to.after is not None:
        after = doc.resolve(op.to.after, without=node)
        if after is None or after.parent is not parent:
            return Result(Outcome.CLASH, op, f"{op.to.after} is no longer in {op.to.parent}")
    sibling, origin_skip = doc.segments.place_of(node)
    origin = _place(doc, old_parent, sibling, origin_skip, without=node)
    doc.segments.insertion_index(parent, after, 0)  # its tables must be there: raises if not
    items = doc.segments.items
    if parent.kind is Level.PLAN and items[0].own_level() is not None:
        # a table goes after the one before it: here a theme could have none
        raise EditError("cap moves themes only in a file that starts with its [plan] table")
    i, j = doc.segments.span(node)
    moved = items[i:j]
    # the tables move; the line ends after the ones around them stay where they were: the
    # table before the node takes the node's, the node carries that table's to its new place
    prev = items[i - 1]
    prev_stem, separator = split_tail(prev.text)
    node_stem, node_tail = split_tail(moved[-1].text)
    prev.text = prev_stem + node_tail
    prev.rescan()
    del items[i:j]
    _take_out(doc, node)
    at, skip = doc.segments.insertion_index(parent, after, op.to.skip)
    to = _place(doc, parent, after, skip, without=node)
    before = items[at - 1]  # there is one: the parent's table, or what starts the file
    before_stem, before_tail = split_tail(before.text)
    before.text = before_stem + separator
    before.rescan()
    moved[-1].text = node_stem + before_tail
    moved[-1].rescan()
    items[at:at] = moved
    index = 0 if after is None else parent.children.index(after) + 1
    _children_data(doc, parent, node.kind).insert(index, node.data)
    parent.children.insert(index, node)
    node.parent = parent
    doc.index.moved(node)
    done = MoveTo(op.ref, to, origin, _nth_after(doc, op.ref, node))
    return Result(Outcome.APPLIED, done, node=node)


def _duplicate(doc: Document, op: Duplicate) -> Result:
    node = doc.resolve(op.ref)
    if node is None:
        return _gone(op, op.ref)
    parent = node.parent
    if parent is None:
        raise EditError("the plan itself cannot be duplicated")
    nodes = list(node.walk())
    if len(op.ids) != len(nodes):
        raise EditError(f"a copy of {op.ref} needs {len(nodes)} ids, one for each node copied")
    i, j = doc.segments.span(node)
    copies = [Segment(s.text) for s in doc.segments.items[i:j]]
    own = [c for c in copies if c.own_level() is not None]
    if len(own) != len(nodes):
        raise EditError(f"{op.ref} has nodes that are not written as tables of their own")
    for seg, original, new_id in zip(own, nodes, op.ids, strict=True):
        seg.text = _write_field(seg, original.kind, "id", new_id, None, doc.newline)[0]
        seg.rescan()
    add = AddNode(Ref(node.kind, op.ids[0]), Place(doc.ref_of(parent), op.ref),
                  "".join(c.text for c in copies))
    return _add_node(doc, add)


_HANDLERS: dict[type, Callable[[Document, Any], Result]] = {
    SetField: _set_field,
    AddNode: _add_node,
    DeleteNode: _delete_node,
    MoveNode: _move_node,
    MoveTo: _move_to,
    Duplicate: _duplicate,
}


# -- values and words -----------------------------------------------------------------------------
_UNREADABLE = object()


def same(a: Any, b: Any) -> bool:
    """Whether two field values are the same TOML value: 1 and 1.0 are, "1" and 1 are not."""
    if type(a) is not type(b) and not (isinstance(a, int | float) and isinstance(b, int | float)):
        if isinstance(a, date) and isinstance(b, date):
            return a == b
        return False
    return bool(a == b)


def _line_ends(text: str) -> bool:
    return not text.strip("\r\n")


def _shown(value: Any) -> str:
    return "not set" if value is ABSENT else repr(value)


def _gone(op: Op, ref: Ref) -> Result:
    return Result(Outcome.CLASH, op, f"{ref} is no longer in the plan")
