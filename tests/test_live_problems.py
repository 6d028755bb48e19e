"""The editor's live problems (core/live.py), without Textual: the index kept edit by edit says
what a fresh check of the whole plan says, whatever the officer types into ids."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cap_tui.core.check import Checker
from cap_tui.core.live import LiveProblems
from cap_tui.core.model import Node, Plan
from cap_tui.core.problems import Problem, Severity

BLABY = Path(__file__).resolve().parent.parent / "plans" / "blaby-2024-25.toml"


def blaby() -> Plan:
    return Plan(str(BLABY), tomllib.loads(BLABY.read_text(encoding="utf-8")))


def find(plan: Plan, node_id: str) -> Node:
    node = plan.find(node_id)
    assert node is not None
    return node


def fresh(plan: Plan) -> list[tuple[Node, Problem]]:
    """What a check of the whole plan from scratch says, in the index's order."""
    return LiveProblems(plan).listed()


def used_twice(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if "used twice" in p.message]


def test_a_fresh_index_says_what_the_checker_says() -> None:
    # GIVEN the Blaby plan (5 errors, 5 warnings: two of them one lead spelt two ways, one a
    # lead cut short)
    plan = blaby()
    live = LiveProblems(plan)
    # THEN it lists every problem the checker finds, each once, and counts them alike
    listed = [p for _, p in live.listed()]
    assert sorted(listed) == sorted(Checker(plan).check_all())
    assert live.counts() == (5, 5)
    # AND each node's problems are its own
    env01 = find(plan, "ENV-01")
    assert [(p.field, p.message) for p in live.of(env01)] == [("lead", "action's lead is empty")]
    assert all(node.id == p.node_id for node, p in live.listed() if node is not plan.root)


def test_typing_an_id_rekeys_the_node_and_finds_the_duplicate_it_makes() -> None:
    plan = blaby()
    live = LiveProblems(plan)
    com01, com02 = find(plan, "COM-01"), find(plan, "COM-02")
    # WHEN the officer clears COM-02's id and types COM-01 into it, key by key
    for typed in ["", "C", "CO", "COM-0", "COM-01"]:
        com02.data["id"] = typed
        live.recheck(com02)
        assert live.listed() == fresh(plan), typed
    # THEN COM-02 (the later holder) carries the error, once in the list, and both forms say so
    twice = used_twice([p for _, p in live.listed()])
    assert len(twice) == 1 and twice[0].node_id == "COM-01"
    assert [n for n, p in live.listed() if p is twice[0]] == [com02]
    assert used_twice(live.of(com02)) == twice
    assert used_twice(live.of(com01)) == twice
    assert live.counts() == (6, 5)
    # WHEN the officer types one more character: the duplicate is gone from both
    com02.data["id"] = "COM-012"
    live.recheck(com02)
    assert live.listed() == fresh(plan)
    assert not used_twice(live.of(com01)) and not used_twice(live.of(com02))
    assert live.counts() == (5, 5)


def test_an_emptied_id_is_an_error_and_two_empty_ids_are_not_a_duplicate() -> None:
    plan = blaby()
    live = LiveProblems(plan)
    a, b = find(plan, "COM-01"), find(plan, "COM-02")
    a.data["id"] = ""
    live.recheck(a)
    b.data["id"] = ""
    live.recheck(b)
    assert live.listed() == fresh(plan)
    assert [p.message for p in live.of(a)] == ["action's id is empty"]
    assert [p.message for p in live.of(b)] == ["action's id is empty"]


def test_an_id_written_as_a_number_is_not_the_same_id_as_the_text() -> None:
    # the checker counts only ids written as text: "5" and 5 are not a duplicate
    plan = blaby()
    live = LiveProblems(plan)
    a, b = find(plan, "COM-01"), find(plan, "COM-02")
    a.data["id"] = 5
    live.recheck(a)
    b.data["id"] = "5"
    live.recheck(b)
    assert live.listed() == fresh(plan)
    assert not used_twice(live.of(b))


def test_the_first_holder_of_three_sees_the_error_and_the_list_has_two() -> None:
    plan = blaby()
    live = LiveProblems(plan)
    first, *others = [find(plan, i) for i in ("COM-01", "COM-02", "COM-04")]
    for node in others:
        node.data["id"] = "COM-01"
        live.recheck(node)
    assert live.listed() == fresh(plan)
    assert len(used_twice([p for _, p in live.listed()])) == 2
    assert used_twice(live.of(first))
    # WHEN the first holder is renamed, the second becomes the original
    first.data["id"] = "COM-00"
    live.recheck(first)
    assert live.listed() == fresh(plan)
    assert [n for n, p in live.listed() if used_twice([p])] == [others[1]]
    assert used_twice(live.of(others[0])) == used_twice(live.of(others[1]))
    assert not used_twice(live.of(first))


def test_a_change_to_the_plan_table_rechecks_every_action() -> None:
    # GIVEN a plan whose vocabulary lacks the status the actions use
    plan = blaby()
    live = LiveProblems(plan)
    before = live.counts()
    plan.root.data["statuses"] = {"only": {"label": "Only"}}  # a new table, as an edit makes
    # WHEN the plan's own table is rechecked
    live.recheck(plan.root)
    # THEN every action's status is now an error
    assert live.listed() == fresh(plan)
    assert live.counts()[0] > before[0]


def test_a_node_new_to_the_index_is_filed_on_its_first_recheck() -> None:
    plan = blaby()
    live = LiveProblems(plan)
    programme = find(plan, "homelessness-prevention")
    data = {"id": "COM-99", "title": "New", "status": "in-progress"}
    programme.data["action"].append(data)
    new = Node("action", data, programme)
    programme.children.append(new)
    live.recheck(new)
    assert live.listed() == fresh(plan)
    assert {p.field for p in live.of(new)} >= {"lead", "due"}


# -- any edits, in any order: the index kept edit by edit is the index built afresh -------------
IDS = ["COM-01", "COM-02", "ENV-01", "", "X"]
edits = st.lists(
    st.tuples(st.integers(min_value=0, max_value=60),
              st.sampled_from(["id", "lead", "status", "title"]),
              st.sampled_from([*IDS, "Lead", "completed", "bogus"])),
    min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(edits=edits)
def test_edit_by_edit_is_the_same_as_afresh(edits: list[tuple[int, str, str]]) -> None:
    plan = blaby()
    live = LiveProblems(plan)
    nodes = list(plan.nodes())
    for index, key, value in edits:
        node = nodes[index % len(nodes)]
        node.data[key] = value
        live.recheck(node)
        assert live.listed() == fresh(plan)
        assert live.counts() == (
            sum(1 for _, p in fresh(plan) if p.severity is Severity.ERROR),
            sum(1 for _, p in fresh(plan) if p.severity is Severity.WARNING))
        for n in (node, *nodes[:5]):
            assert sorted(live.of(n)) == sorted(LiveProblems(plan).of(n))


def test_a_lead_typed_like_another_is_warned_of_at_once_and_cleared_when_put_right() -> None:
    # GIVEN the Blaby plan, where ORG-05's lead "Customer Insight, ..." is COM-03's spelt
    # another way
    plan = blaby()
    live = LiveProblems(plan)
    org05 = find(plan, "ORG-05")

    def lead_warnings() -> list[str]:
        return [p.node_id for _, p in live.listed() if "spelt two ways" in p.message]

    assert lead_warnings() == ["ORG-05"]
    # WHEN the officer types the lead as the plan's other actions of that lead write it
    org05.data["lead"] = "Housing Services Team"
    live.recheck(org05)
    # THEN the warning is gone, and the list is what a fresh check finds
    assert lead_warnings() == []
    assert live.listed() == fresh(plan)
    # WHEN COM-02's lead is typed with a slip of one letter
    com02 = find(plan, "COM-02")
    com02.data["lead"] = "Housing Service Team"
    live.recheck(com02)
    assert ['"Housing Service Team"' in p.message for _, p in live.listed()
            if "spelt two ways" in p.message] == [True]
    assert live.listed() == fresh(plan)
