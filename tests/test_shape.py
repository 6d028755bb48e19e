"""The plan's shape (core/shape.py): one table of levels, consistent with itself and with what
reads plans from it (the model, the block places, the form's fields)."""

from __future__ import annotations

import json
import tomllib

import pytest

from cap_tui.core.layout import scan
from cap_tui.core.model import Plan
from cap_tui.core.shape import (
    BY_PATH,
    LEVELS,
    NODE_LEVELS,
    SHAPE,
    Level,
    child_of,
    depth,
    level_of,
    shape,
)
from cap_tui.core.structure import places
from cap_tui.core.values import fields_of


def test_the_table_lists_every_level_from_the_top():
    assert LEVELS == tuple(Level) == tuple(SHAPE)
    assert LEVELS[1:] == NODE_LEVELS
    assert [SHAPE[level].depth for level in LEVELS] == list(range(len(LEVELS)))
    for level, s in SHAPE.items():
        assert s.level is level
        assert shape(level.value) is s and depth(level.value) == s.depth
        assert child_of(level.value) is s.child


@pytest.mark.parametrize("level", LEVELS, ids=str)
def test_path_header_parent_and_child_agree(level: Level):
    s = SHAPE[level]
    assert s.key == s.path[-1] == level.value
    if level is Level.PLAN:
        assert s.parent is None and s.header == "[plan]" and s.path == ("plan",)
    else:
        parent = SHAPE[s.parent]
        assert s.header == "[[" + ".".join(s.path) + "]]"
        assert s.path[:-1] == (parent.path if parent.level is not Level.PLAN else ())
        assert parent.child is level and parent.child_key == s.key
        assert BY_PATH[s.path] is level
    assert level_of(s.path) is level
    if s.child is None:
        assert level is LEVELS[-1] and s.child_key == ""
    else:
        assert SHAPE[s.child].parent is level and SHAPE[s.child].depth == s.depth + 1
        assert s.child_key == s.child.value


@pytest.mark.parametrize("level", LEVELS, ids=str)
def test_names_and_fields(level: Level):
    s = SHAPE[level]
    assert s.word == level.value
    assert s.title == s.word.capitalize()
    assert s.plural == s.word + "s"
    keys = [f.key for f in s.fields]
    assert len(keys) == len(set(keys)), "a built-in field is declared twice"
    assert "title" in keys
    assert s.child_key not in keys  # the children's key is never a field
    if level is not Level.PLAN:
        assert keys[:2] == ["id", "title"]


def test_other_names_are_no_level():
    assert level_of(("plan", "statuses")) is None
    assert level_of(("theme", "programme", "action", "extra")) is None
    assert level_of(()) is None
    assert Level.ACTION == "action" and json.dumps(Level.ACTION) == '"action"'


def _written_plan() -> str:
    """One node of each level, written with the headers of the table."""
    lines = ['[plan]\ncouncil = "C"\ntitle = "T"\nas_of = 2024-11-30\n']
    for level in NODE_LEVELS:
        lines.append(f'{SHAPE[level].header}\nid = "{level.value}-1"\ntitle = "A {level}"\n')
    return "\n".join(lines)


def test_headers_are_read_as_the_levels_nest():
    text = _written_plan()
    data = tomllib.loads(text)
    holder = data
    for level in NODE_LEVELS:
        key = SHAPE[SHAPE[level].parent].child_key
        (table,) = holder[key]
        assert table["id"] == f"{level.value}-1"
        holder = table
    root, *tables = places(scan(text))  # the root block, before any header, has no place
    assert root == (None, False)
    assert tables == [((), True), *((tuple([0] * SHAPE[level].depth), True)
                                    for level in NODE_LEVELS)]


def test_model_builds_nodes_with_level_kinds():
    plan = Plan("x.toml", tomllib.loads(_written_plan()))
    assert plan.root.kind is Level.PLAN
    nodes = list(plan.nodes())
    assert [n.kind for n in nodes] == list(NODE_LEVELS)
    for node in nodes:
        assert type(node.kind) is Level
        assert node.parent is not None and SHAPE[node.parent.kind].child is node.kind
        assert node.ancestor(node.kind) is node
        assert len(list(_up(node))) == SHAPE[node.kind].depth
    action = nodes[-1]
    assert action.theme is nodes[0] and action.programme is nodes[1]
    assert action.ancestor(Level.PLAN) is plan.root


def _up(node):
    while node.parent is not None:
        node = node.parent
        yield node


def test_fields_of_reads_the_table():
    data = tomllib.loads(_written_plan() + '\n[plan.fields.team]\ntype = "line"\n')
    plan = Plan("x.toml", data)
    for node in (plan.root, *plan.nodes()):
        specs = fields_of(plan, node)
        built_in = SHAPE[node.kind].fields
        assert tuple(specs[: len(built_in)]) == built_in
        custom = [f.key for f in specs[len(built_in):]]
        assert custom == (["team"] if node.kind is Level.ACTION else [])
