"""`cap set` edits one table cut out of the file; it must write exactly what the editor writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cap_tui.core.document import Document
from cap_tui.core.model import Plan
from cap_tui.core.quickedit import cut, splice
from cap_tui.core.source import parse_toml, read_source

PLANS = sorted((Path(__file__).parents[1] / "plans").glob("*.toml"))
VALUES = ["A new value", 'quote " and back\\slash', "two\nlines", "tab\there and \x1b esc"]


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_cut_edit_writes_what_the_whole_document_edit_writes(path: Path) -> None:
    # GIVEN every action of a real plan, and a few awkward values
    source = read_source(path)
    plan = Plan(source.path, parse_toml(source), source)
    checked = 0
    for node in plan.actions():
        piece = cut(source, plan, node)
        # THEN each action's table can be cut out on its own (no fallback on our own plans)
        assert piece is not None, node.id
        for key in ("progress", "lead", "title", "status"):
            value = VALUES[checked % len(VALUES)] if key != "status" else "amber"
            # WHEN the same field is set through the cut and through the whole Document
            piece = cut(source, plan, node)
            assert piece is not None
            piece.doc.set_field(piece.node, key, value)
            quick = splice(source, piece)
            whole = Document.load(path)
            whole_node = whole.plan.find(node.id)
            assert whole_node is not None
            whole.set_field(whole_node, key, value)
            # THEN the bytes are the same
            assert quick == whole.to_bytes(), (node.id, key)
            checked += 1
    assert checked


def test_a_duplicated_id_cuts_the_table_whose_data_matches(tmp_path: Path) -> None:
    # GIVEN two actions with the same id, and one copy exactly like the other
    text = PLANS[0].read_text(encoding="utf-8")
    base = Plan("x", parse_toml(read_source(PLANS[0])))
    first, second = list(base.actions())[:2]
    plan_file = tmp_path / "dup.toml"
    plan_file.write_text(text.replace(f'id = "{second.id}"', f'id = "{first.id}"', 1),
                         encoding="utf-8")
    source = read_source(plan_file)
    plan = Plan(source.path, parse_toml(source), source)
    node = plan.find(first.id)
    assert node is not None
    # THEN the table cut is the one holding the node cap found (its data is checked)
    piece = cut(source, plan, node)
    assert piece is not None and piece.node.data == node.data
    # AND when both tables are the same, cap refuses to guess
    twin = tmp_path / "twin.toml"
    block = text[text.index("[[theme.programme.action]]"):]
    block = block[: block.index("\n[", 1) + 1]
    twin.write_text(text.replace(block, block + "\n" + block, 1), encoding="utf-8")
    source = read_source(twin)
    plan = Plan(source.path, parse_toml(source), source)
    node = plan.find(first.id)
    assert node is not None
    assert cut(source, plan, node) is None
