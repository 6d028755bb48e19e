"""Random sequences of edits through Document never make the file and the model disagree.

After every step: tomllib reads the text as exactly the plan's data, every node still sits on its
own table, the file's leading comment is still first; at the end, undoing everything gives the
original bytes back, redoing everything gives the edited bytes again, and a save reads back as
the same data.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from cap_tui.core.document import Document, EditError
from cap_tui.core.model import CHILD_KEY, Node

TESTS = Path(__file__).resolve().parent
SAMPLES = sorted((TESTS / "data").glob("*.toml")) + sorted((TESTS.parent / "plans").glob("*.toml"))
RAW = {p.name: p.read_bytes() for p in SAMPLES}
# and the hand-made files as CRLF, without a final newline, or both
for _name in ("comments.toml", "subtables.toml", "between.toml"):
    _raw = RAW[_name]
    RAW[f"crlf-{_name}"] = _raw.replace(b"\n", b"\r\n")
    RAW[f"no-eol-{_name}"] = _raw.rstrip(b"\n")
    RAW[f"crlf-no-eol-{_name}"] = _raw.replace(b"\n", b"\r\n").rstrip(b"\r\n")

# text an officer might type, and worse: quotes, backslashes, line breaks, unicode, controls
_ALPHABET = st.one_of(
    st.sampled_from(list("aZ09 -'\"\\\n\t#=[]{}.,£é—✓\x1b\x00\x7f\r")),
    st.characters(exclude_categories=("Cs",)),
)
TEXT = st.text(_ALPHABET, max_size=40)
VALUE = st.one_of(
    TEXT,
    TEXT.map(lambda s: s + "\n" + s),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    st.integers(-(10**6), 10**9),
    st.sampled_from(["green", "2025-03", "ongoing", "", "'''", '"""', "a'", 'a"', "\\"]),
)
FIELDS = ["title", "lead", "status", "due", "description", "progress", "next_steps", "team",
          "notes"]
OPS = ["set", "set", "set", "add", "duplicate", "delete", "up", "down", "move_to", "undo",
       "redo"]


def _leading_comment(text: str) -> str:
    lines = text.splitlines(keepends=True)
    out = []
    for line in lines:
        if not line.startswith("#"):
            break
        out.append(line)
    return "".join(out)


def _scalar_keys(node: Node) -> list[str]:
    child = CHILD_KEY.get(node.kind)
    return [k for k, v in node.data.items() if k != child and not isinstance(v, dict | list)]


def _check(doc: Document, leading: str) -> None:
    text = doc.text()
    assert tomllib.loads(text) == doc.plan.data
    assert text.startswith(leading)
    # the tree mirrors the data, object for object
    themes = doc.plan.data.get("theme", [])
    assert [t.data for t in doc.plan.themes] == themes
    for theme, tdata in zip(doc.plan.themes, themes, strict=True):
        assert theme.data is tdata
        assert theme.parent is doc.plan.root
        for prog, pdata in zip(theme.children, tdata.get("programme", []), strict=True):
            assert prog.data is pdata and prog.parent is theme
            for act, adata in zip(prog.children, pdata.get("action", []), strict=True):
                assert act.data is adata and act.parent is prog
    # every node is attached to the table that holds its keys
    for node in doc.plan.nodes():
        body = doc.segment(node).body_data()
        for k, v in body.items():
            assert node.data[k] == v, (node, k)


def _pick(data: st.DataObject, nodes: list[Node], label: str) -> Node:
    return nodes[data.draw(st.integers(0, len(nodes) - 1), label=label)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(sorted(RAW)))
def test_random_edits_keep_file_and_model_in_step(data: st.DataObject, name: str,
                                                   tmp_path_factory: Any) -> None:
    raw = RAW[name]
    doc = Document.from_bytes(name, raw)
    original = doc.text()
    leading = _leading_comment(original)
    steps = data.draw(st.integers(1, 12), label="steps")
    for _ in range(steps):
        op = data.draw(st.sampled_from(OPS), label="op")
        nodes = list(doc.plan.nodes())
        try:
            if op == "set":
                node = _pick(data, [doc.plan.root, *nodes], "node")
                keys = sorted(set(_scalar_keys(node)) | set(FIELDS))
                key = data.draw(st.sampled_from(keys), label="key")
                value = data.draw(VALUE, label="value")
                note(f"set {node!r} {key} = {value!r}")
                doc.set_field(node, key, value)
            elif op == "add":
                parents = [doc.plan.root] + [n for n in nodes if n.kind != "action"]
                parent = _pick(data, parents, "parent")
                after = None
                if parent.children and data.draw(st.booleans(), label="after"):
                    after = _pick(data, parent.children, "after")
                note(f"add to {parent!r} after {after!r}")
                doc.add(parent, after=after)
            elif op in ("duplicate", "delete", "up", "down") and nodes:
                node = _pick(data, nodes, "node")
                note(f"{op} {node!r}")
                if op == "duplicate":
                    doc.duplicate(node)
                elif op == "delete":
                    doc.delete(node)
                else:
                    doc.move(node, -1 if op == "up" else 1)
            elif op == "move_to" and nodes:
                node = _pick(data, nodes, "node")
                targets = [n for n in nodes if n.kind == getattr(node.parent, "kind", None)
                           and n is not node.parent]
                if targets:
                    target = _pick(data, targets, "target")
                    note(f"move {node!r} to {target!r}")
                    doc.move_to(node, target)
            elif op == "undo":
                note("undo")
                doc.undo()
            elif op == "redo":
                note("redo")
                doc.redo()
        except EditError as exc:
            note(f"  refused: {exc}")  # and the file unchanged: checked like any other step
        _check(doc, leading)

    edited = doc.to_bytes()
    # save, and read back
    folder = tmp_path_factory.mktemp("save")
    path = folder / name
    doc.save(path)
    assert path.read_bytes() == edited
    assert tomllib.loads(path.read_bytes().decode("utf-8-sig")) == doc.plan.data
    assert Document.load(path).plan.data == doc.plan.data
    # undo everything: the original bytes, exactly
    undone = 0
    while doc.can_undo:
        doc.undo()
        undone += 1
        _check(doc, leading)
    assert doc.to_bytes() == raw
    # and redo what was undone: the edited bytes again
    for _ in range(undone):
        doc.redo()
    assert doc.to_bytes() == edited
    _check(doc, leading)
