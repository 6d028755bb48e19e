"""Every change is an operation: its inverse restores the exact bytes, it survives a trip through
JSON, and replayed on the same file it writes the same bytes; replayed on a file someone changed
since, it applies cleanly where nothing was touched and says what clashed where something was.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from cap_tui.core.document import Document
from cap_tui.core.edit.ids import copy_ids
from cap_tui.core.edit.ops import (
    ABSENT,
    PLAN,
    AddNode,
    DeleteNode,
    Duplicate,
    MoveNode,
    MoveTo,
    Op,
    Outcome,
    Place,
    Ref,
    SetField,
    op_from_json,
)
from cap_tui.core.model import Node
from cap_tui.core.shape import SHAPE, Level

TESTS = Path(__file__).resolve().parent
SAMPLES = sorted((TESTS / "data").glob("*.toml")) + sorted((TESTS.parent / "plans").glob("*.toml"))
COMMENTS = (TESTS / "data" / "comments.toml").read_bytes()


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _json_trip(op: Op) -> Op:
    """The operation as a journal would write it and read it back."""
    return op_from_json(json.loads(json.dumps(op.to_json())))


def _applied(doc: Document, op: Op) -> Op:
    result = doc.apply(op)
    assert result.outcome is Outcome.APPLIED, result.reason
    return result.op


def _new_node_text(level: Level, node_id: str, newline: str) -> str:
    return newline.join([SHAPE[level].header, f'id = "{node_id}"', 'title = "New"']) + newline


def _every_op(doc: Document) -> list[Op]:
    """An operation of each kind on every node of a plan: set a field, rename, delete, move up
    and down and to another parent, duplicate, add a child first and last."""
    ops: list[Op] = [SetField(PLAN, "title", "A new title", doc.plan.root.data.get("title",
                                                                                    ABSENT))]
    for node in doc.plan.nodes():
        ref = doc.ref_of(node)
        ops += [
            SetField(ref, "title", "Changed", node.data.get("title", ABSENT)),
            SetField(ref, "notes", "A new key\nover two lines", node.data.get("notes", ABSENT)),
            SetField(ref, "id", node.id + "-renamed", node.data.get("id", ABSENT)),
            DeleteNode(ref),
            MoveNode(ref, -1),
            MoveNode(ref, 1),
            Duplicate(ref, copy_ids(doc.plan, node)),
        ]
        parent = node.parent
        assert parent is not None
        others = [n for n in doc.plan.nodes() if n.kind is parent.kind and n is not parent]
        ops += [MoveTo(ref, Place(doc.ref_of(other))) for other in others[:1] + others[-1:]]
    for node in (doc.plan.root, *doc.plan.nodes()):
        child = SHAPE[node.kind].child
        if child is not None:
            first = Place(doc.ref_of(node))
            last = Place(first.parent, doc.ref_of(node.children[-1])) if node.children else first
            ops += [AddNode(Ref(child, "NEW-1"), first, _new_node_text(child, "NEW-1", "\n")),
                    AddNode(Ref(child, "NEW-2"), last,
                            _new_node_text(child, "NEW-2", doc.newline))]
    return ops


# -- each operation: its inverse, its JSON ------------------------------------------------------
@pytest.mark.parametrize("path", SAMPLES, ids=_id)
def test_every_operation_undone_gives_back_the_exact_bytes(path: Path) -> None:
    # GIVEN a plan
    raw = path.read_bytes()
    doc = Document.from_bytes(str(path), raw)
    for op in _every_op(doc):
        # WHEN an operation is applied
        result = doc.apply(op)
        if result.outcome is Outcome.NO_OP:  # moving the first node up
            assert doc.to_bytes() == raw
            continue
        assert result.ok, (op, result.reason)
        done = result.op
        edited = doc.to_bytes()
        assert tomllib.loads(doc.text()) == doc.plan.data, op
        # THEN it and the operation as given survive JSON unchanged
        assert _json_trip(done) == done
        assert _json_trip(op) == op
        # AND its inverse gives back the file's very bytes, and the inverse's inverse the edit
        undone = _applied(doc, done.invert())
        _applied(doc, undone.invert())
        assert doc.to_bytes() == edited, op
        _applied(doc, done.invert())
        assert doc.to_bytes() == raw, op
    assert tomllib.loads(doc.text()) == doc.plan.data


def test_field_values_of_every_kind_are_undone_to_the_characters(open_doc: Any) -> None:
    """Undo writes back the characters a value was written as, not just the value."""
    cases = [
        ("A-01", "team", "Places & Parks"),  # a literal string, now basic: 'Places Team'
        ("A-01", "budget", 13000),  # 12_000
        ("A-02", "due", "2025-07"),  # a date, now a string
        ("A-01", "due", date(2025, 4, 30)),  # a string, now a date
        ("A-02", "progress", "Ends with a quote'"),  # a multi-line literal, now basic
        ("A-01", "budget_split", {"capital": 1, "note": "x\ny"}),  # an inline table, new
        ("A-01", "dates", {"due": "2025-04"}),  # dotted keys, now an inline table
        ("A-01", "progress", ABSENT),  # removed: its line goes, and comes back
        ("T1", "description", "C:\\new\\path"),
    ]
    for node_id, key, value in cases:
        doc = open_doc(COMMENTS)
        node = doc.plan.find(node_id)
        assert node is not None
        done = _applied(doc, SetField(doc.ref_of(node), key, value,
                                      node.data.get(key, ABSENT)))
        assert tomllib.loads(doc.text()) == doc.plan.data
        assert _json_trip(done) == done
        _applied(doc, done.invert())
        assert doc.to_bytes() == COMMENTS, (node_id, key)


def test_a_node_added_to_a_file_with_no_last_line_end(open_doc: Any) -> None:
    raw = (TESTS / "data" / "bom-no-eol.toml").read_bytes()
    doc = open_doc(raw)
    # a field added to the last table keeps the file without a line end at its end
    action = doc.plan.find("BO-01")
    done = _applied(doc, doc.field_op(action, "next_steps", "Report."))
    assert doc.to_bytes() == raw + b'\nnext_steps = "Report."'
    _applied(doc, done.invert())
    assert doc.to_bytes() == raw
    # a node added at the end: the table before ends its line, and a blank line parts them
    done = _applied(doc, AddNode(Ref(Level.ACTION, "BO-02"), Place(doc.ref_of(action.parent),
                                                                   doc.ref_of(action)),
                                 _new_node_text(Level.ACTION, "BO-02", "\n")))
    assert isinstance(done, AddNode) and done.glue == "\n\n"
    assert doc.to_bytes().endswith(b'last line without a newline"\n\n[[theme.programme.action]]\n'
                                   b'id = "BO-02"\ntitle = "New"\n')
    _applied(doc, done.invert())
    assert doc.to_bytes() == raw


def test_repeated_ids_are_told_apart_by_nth(open_doc: Any) -> None:
    # GIVEN a programme whose two actions have the same id
    text = (
        '[plan]\ncouncil = "C"\ntitle = "T"\nas_of = 2025-03-31\n\n[[theme]]\nid = "t"\n'
        'title = "T"\n\n[[theme.programme]]\nid = "p"\ntitle = "P"\n\n'
        '[[theme.programme.action]]\nid = "A-01"\ntitle = "one"\n\n'
        '[[theme.programme.action]]\nid = "A-01"\ntitle = "two"\n'
    )
    doc = open_doc(text)
    first, second = doc.plan.find("p").children
    assert doc.ref_of(second) == Ref(Level.ACTION, "A-01", 1)
    assert doc.resolve(Ref(Level.ACTION, "A-01", 1)) is second
    # WHEN they swap places, or the second is renamed, THEN each inverse restores the file
    for op in (MoveNode(Ref(Level.ACTION, "A-01", 0), 1),
               MoveNode(Ref(Level.ACTION, "A-01", 1), -1),
               SetField(Ref(Level.ACTION, "A-01", 1), "id", "A-02", "A-01"),
               SetField(Ref(Level.ACTION, "A-01", 0), "id", "A-09", "A-01"),
               # a move's place names nodes as they are without the node moved: after the
               # other A-01, the first (and only) one then
               MoveTo(Ref(Level.ACTION, "A-01", 0), Place(Ref(Level.PROGRAMME, "p"),
                                                          Ref(Level.ACTION, "A-01", 0)))):
        done = _applied(doc, op)
        assert _json_trip(done) == done
        _applied(doc, done.invert())
        assert doc.text() == text, op
        assert doc.plan.find("p").children == [first, second]


# -- a journal: the operations replayed ------------------------------------------------------------
def _edit(doc: Document) -> None:
    """A session of editing through the editor's methods."""
    p1 = doc.plan.find("P1")
    a01 = doc.plan.find("A-01")
    doc.set_field(a01, "progress", "Half", merge=True)
    doc.set_field(a01, "progress", "Half way", merge=True)
    doc.set_field(doc.plan.root, "as_of", date(2024, 12, 31))
    added = doc.add(p1, after=a01)
    doc.set_field(added, "title", "A new action")
    doc.duplicate(doc.plan.find("A-02"))
    doc.move(doc.plan.find("A-03"), -1)
    doc.move_to(doc.plan.find("B-01"), p1)
    doc.delete(doc.plan.find("T2"))
    doc.undo()
    doc.undo()
    doc.redo()
    doc.set_field(doc.plan.find("A-02"), "id", "A-20")


def test_the_history_replayed_on_the_same_file_writes_the_same_bytes(open_doc: Any) -> None:
    # GIVEN a session of edits, undos and redos
    doc = open_doc(COMMENTS)
    _edit(doc)
    # WHEN its history is written as JSON lines and replayed on a fresh copy of the file
    journal = "\n".join(json.dumps(op.to_json()) for op in doc.history)
    fresh = open_doc(COMMENTS, "fresh.toml")
    for line in journal.splitlines():
        assert fresh.apply(op_from_json(json.loads(line))).ok
    # THEN the bytes are the same
    assert fresh.to_bytes() == doc.to_bytes()
    assert fresh.plan.data == doc.plan.data
    # AND a save starts the history afresh
    doc.save()
    assert list(doc.history) == []


def _changed_outside(open_doc: Any) -> Document:
    """The file as someone else saved it meanwhile: A-02's status and A-03's title changed,
    B-01 deleted, a new action at the end of P1."""
    other = open_doc(COMMENTS, "other.toml")
    other.set_field(other.plan.find("A-02"), "status", "completed")
    other.set_field(other.plan.find("A-03"), "title", "Retitled elsewhere")
    other.delete(other.plan.find("B-01"))
    other.add(other.plan.find("P1"))
    return open_doc(other.to_bytes(), "theirs.toml")


def test_replayed_on_a_file_changed_outside(open_doc: Any) -> None:
    # GIVEN our operations, made on the file as we read it
    ours = open_doc(COMMENTS)
    a01, a02, a03 = (ours.plan.find(i) for i in ("A-01", "A-02", "A-03"))
    ours.set_field(a01, "lead", "Officer Uno")
    ours.set_field(a02, "status", "green")
    ours.set_field(ours.plan.find("B-01"), "progress", "Going well")
    ours.move_to(a02, ours.plan.find("P2"))  # to the end of P2: after B-01
    ours.move(a03, -1)
    ours.add(ours.plan.find("P1"), after=a01)
    ops = [_json_trip(op) for op in ours.history]
    # WHEN they are replayed on the file as someone else saved it meanwhile
    theirs = _changed_outside(open_doc)
    lead, status, progress, move_to, move, add = (theirs.apply(op) for op in ops)
    # THEN the change to a node nobody else touched applies cleanly
    assert lead.ok and theirs.plan.find("A-01").data["lead"] == "Officer Uno"
    # AND the field changed outside is a clash, with both values
    assert status.outcome is Outcome.CLASH
    assert status.found == "completed"
    assert isinstance(status.op, SetField)
    assert (status.op.old, status.op.value) == ("not-started", "green")
    assert theirs.plan.find("A-02").data["status"] == "completed"
    # AND an operation naming the node deleted outside is a clash that names it
    assert progress.outcome is Outcome.CLASH
    assert progress.reason == "B-01 is no longer in the plan"
    assert move_to.outcome is Outcome.CLASH
    assert move_to.reason == "B-01 is no longer in P2"
    # AND a move keeps what the other side wrote into the node; the add lands after A-01
    # (ours moved A-03 above A-01, as A-02 had gone; theirs still has A-02 there)
    assert move.ok and theirs.plan.find("A-03").data["title"] == "Retitled elsewhere"
    assert add.ok and add.node is not None
    # (the id ours gave its new action, A-04, is the one theirs gave to theirs: a clash for
    # the plan's checks to report, not for the operation)
    assert [a.id for a in theirs.plan.find("P1").children] == [
        "A-01", "A-04", "A-03", "A-02", "A-04"]
    assert theirs.plan.find("P1").children[1] is add.node
    assert tomllib.loads(theirs.text()) == theirs.plan.data


def test_a_delete_of_a_node_changed_outside_is_a_clash(open_doc: Any) -> None:
    ours = open_doc(COMMENTS)
    ours.delete(ours.plan.find("A-03"))
    theirs = _changed_outside(open_doc)
    before = theirs.to_bytes()
    result = theirs.apply(_json_trip(ours.history[0]))
    assert result.outcome is Outcome.CLASH
    assert result.reason == "A-03 has changed since: it was not deleted"
    assert theirs.to_bytes() == before


def test_an_operation_cap_cannot_write_is_refused_and_changes_nothing(open_doc: Any) -> None:
    doc = open_doc(COMMENTS)
    a01 = doc.plan.find("A-01")
    for op in (SetField(doc.ref_of(a01), "budget_detail", "x", a01.data["budget_detail"]),
               AddNode(Ref(Level.ACTION, "X"), Place(doc.ref_of(a01.parent)), "[notes]\nx = 1\n"),
               AddNode(Ref(Level.ACTION, "X"), Place(doc.ref_of(a01)),
                       _new_node_text(Level.ACTION, "X", "\n")),
               MoveTo(doc.ref_of(a01), Place(doc.ref_of(doc.plan.find("T2"))))):
        result = doc.apply(op)
        assert result.outcome is Outcome.REFUSED, op
        assert doc.to_bytes() == COMMENTS and not doc.can_undo


# -- random sequences of operations ------------------------------------------------------------
RAW = {_id(p): p.read_bytes() for p in SAMPLES}
TEXT = st.text(st.sampled_from(list("aZ9 -'\"\\\n\t#=[]£é✓\x1b")), max_size=20)
VALUE = st.one_of(TEXT, st.dates(date(2020, 1, 1), date(2030, 12, 31)),
                  st.integers(-1000, 10**6), st.just(ABSENT))
KINDS = ["set", "set", "add", "duplicate", "delete", "move", "move_to", "rename"]


def _pick(data: st.DataObject, nodes: list[Node], label: str) -> Node:
    return nodes[data.draw(st.integers(0, len(nodes) - 1), label=label)]


def _draw_op(data: st.DataObject, doc: Document, serial: int) -> Op | None:
    nodes = list(doc.plan.nodes())
    kind = data.draw(st.sampled_from(KINDS), label="kind")
    if kind == "set":
        node = _pick(data, [doc.plan.root, *nodes], "node")
        key = data.draw(st.sampled_from(["title", "lead", "status", "progress", "note"]),
                        label="key")
        return SetField(doc.ref_of(node), key, data.draw(VALUE, label="value"),
                        node.data.get(key, ABSENT))
    if kind == "add":
        parent = _pick(data, [doc.plan.root, *(n for n in nodes if n.kind is not Level.ACTION)],
                       "parent")
        level = SHAPE[parent.kind].child
        assert level is not None
        after = _pick(data, parent.children, "after") if parent.children and data.draw(
            st.booleans(), label="after?") else None
        node_id = f"R-{serial:03d}"
        return AddNode(Ref(level, node_id), Place(doc.ref_of(parent),
                                                  doc.ref_of(after) if after else None),
                       _new_node_text(level, node_id, doc.newline))
    if not nodes:
        return None
    node = _pick(data, nodes, "node")
    ref = doc.ref_of(node)
    if kind == "duplicate":
        return Duplicate(ref, copy_ids(doc.plan, node))
    if kind == "delete":
        return DeleteNode(ref)
    if kind == "move":
        return MoveNode(ref, data.draw(st.sampled_from([-1, 1]), label="step"))
    if kind == "rename":
        return SetField(ref, "id", f"{node.id}-{serial}", node.data.get("id", ABSENT))
    parent = node.parent
    assert parent is not None
    targets = [n for n in (doc.plan.root, *nodes) if n.kind is parent.kind]
    target = _pick(data, targets, "target")
    siblings = [c for c in target.children if c is not node]
    after = _pick(data, siblings, "after") if siblings and data.draw(st.booleans()) else None
    # a move's place names nodes as they are without the node moved
    return MoveTo(ref, Place(doc.ref_of(target), doc.ref_of(after, node) if after else None))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(sorted(RAW)))
def test_random_operations_undone_and_redone(data: st.DataObject, name: str) -> None:
    raw = RAW[name]
    doc = Document.from_bytes(name, raw)
    applied = 0
    for serial in range(data.draw(st.integers(1, 10), label="steps")):
        op = _draw_op(data, doc, serial)
        if op is None:
            continue
        result = doc.apply(op)
        note(f"{op} -> {result.outcome} {result.reason}")
        assert result.outcome is not Outcome.CLASH  # every operation was made on this text
        if result.ok:
            applied += 1
            assert _json_trip(result.op) == result.op
        assert tomllib.loads(doc.text()) == doc.plan.data
    edited = doc.to_bytes()
    # the history replayed on the file as it was read gives the same bytes
    fresh = Document.from_bytes(name, raw)
    for op in doc.history:
        assert fresh.apply(_json_trip(op)).ok
    assert fresh.to_bytes() == edited
    # undo all: the original bytes; redo all: the edited bytes again
    for _ in range(applied):
        doc.undo()
    assert not doc.can_undo and doc.to_bytes() == raw
    for _ in range(applied):
        doc.redo()
    assert not doc.can_redo and doc.to_bytes() == edited
    assert tomllib.loads(doc.text()) == doc.plan.data
