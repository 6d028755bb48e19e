"""Property tests: `cap diff` reports exactly the edits made through the editing model."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cap_tui.cli import main
from cap_tui.core.diff import diff_plans, same_value
from cap_tui.core.document import Document, EditError
from cap_tui.core.model import Plan
from cap_tui.core.source import decode, parse_toml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [p for p in (ROOT / "plans" / "example-borough-2025-26.toml",
                       ROOT / "tests" / "data_diff" / "old.toml") if p.exists()]

WORDS = st.sampled_from(["the", "strategy", "Scrutiny", "approved", "cabinet", "£1.4m", "budget",
                         "in", "Dec", "24", "“quoted”", "it's", 'say "hi"', "café", "#3", "[x]",
                         "a\\b", "50%"])
LINE = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
TEXT = st.lists(LINE, min_size=1, max_size=3).map("\n".join)
DUE = st.sampled_from(["2025-03", "2025-06", "2026-01", "ongoing", "2025-03-31"])

EDIT = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 10_000), st.sampled_from(["title", "lead"]), LINE),
    st.tuples(st.just("set"), st.integers(0, 10_000), st.sampled_from(["progress", "next_steps",
                                                                         "description"]), TEXT),
    st.tuples(st.just("set"), st.integers(0, 10_000), st.just("due"), DUE),
    st.tuples(st.just("set"), st.integers(0, 10_000), st.just("status"), st.integers(0, 100)),
    st.tuples(st.just("add"), st.integers(0, 10_000), st.just(""), st.just("")),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.just(""), st.just("")),
    st.tuples(st.just("move"), st.integers(0, 10_000), st.integers(0, 10_000), st.just("")),
)


def _snapshot(plan: Plan) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each action by id: its programme and a copy of its fields (the test's own model)."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for a in plan.actions():
        out.setdefault(a.id, (a.programme.id if a.programme else "", dict(a.data)))
    return out


def _apply(doc: Document, edits: list[tuple[Any, ...]]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Make the edits through the model; returns what the test expects the plan to hold."""
    plan = doc.plan
    model = _snapshot(plan)
    statuses = list(plan.statuses)
    for kind, n, key, value in edits:
        actions = list(plan.actions())
        programmes = list(plan.programmes())
        if kind == "add":
            p = programmes[n % len(programmes)]
            node = doc.add(p)
            model[node.id] = (p.id, dict(node.data))
            continue
        if not actions:
            continue
        a = actions[n % len(actions)]
        if kind == "delete":
            doc.delete(a)
            del model[a.id]
        elif kind == "move":
            others = [p for p in programmes if p is not a.parent]
            if others:
                target = others[key % len(others)]
                doc.move_to(a, target)
                model[a.id] = (target.id, model[a.id][1])
        else:
            if key == "status":
                value = statuses[value % len(statuses)]
            elif key == "due" and len(value) == 10:
                from datetime import date

                value = date.fromisoformat(value)
            try:
                doc.set_field(a, key, value)
            except EditError:
                continue
            # the value as the model now holds it (a multi-line string may keep its last newline)
            model[a.id][1][key] = a.data[key]
    return model


def _expected(before: dict[str, tuple[str, dict[str, Any]]],
              after: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, set[Any]]:
    changed = set()
    for aid in before.keys() & after.keys():
        old, new = before[aid][1], after[aid][1]
        for key in old.keys() | new.keys():
            if key == "id":
                continue
            if (key in old) != (key in new) or not same_value(old.get(key), new.get(key)):
                changed.add((aid, key))
    return {
        "added": after.keys() - before.keys(),
        "removed": before.keys() - after.keys(),
        "moved": {a for a in before.keys() & after.keys() if before[a][0] != after[a][0]},
        "changed": changed,
    }


def _reported(doc: dict[str, Any]) -> dict[str, set[Any]]:
    actions = doc["actions"]
    return {
        "added": {a["id"] for a in actions if a["change"] == "added"},
        "removed": {a["id"] for a in actions if a["change"] == "removed"},
        "moved": {a["id"] for a in actions if a["moved"]},
        "changed": {(a["id"], f["field"]) for a in actions if a["change"] == "changed"
                    for f in a["fields"]},
    }


def _cap_json(old: Path, new: Path) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["diff", "--format", "json", str(old), str(new)])
    return code, json.loads(out.getvalue())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(SAMPLES), edits=st.lists(EDIT, min_size=0, max_size=8))
def test_diff_reports_exactly_the_edits_made(sample: Path, edits: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old.toml", Path(tmp) / "new.toml"
        old.write_bytes(sample.read_bytes())
        doc = Document.load(old)
        before = _snapshot(doc.plan)
        after = _apply(doc, edits)
        new.write_bytes(doc.to_bytes())
        expected = _expected(before, after)
        code, reported = _cap_json(old, new)
        assert _reported(reported) == expected
        assert reported["themes"] == [] and reported["programmes"] == []
        assert reported["plan"] == [] and reported["statuses"] == []
        assert code == (0 if not any(expected.values()) else 1)
        # and the same through the API, on the plans as read back from the bytes
        plans = [Plan(str(p), parse_toml(decode(str(p), p.read_bytes()))) for p in (old, new)]
        assert diff_plans(*plans).same == (code == 0)
        # a file against itself is the same, whatever it holds
        code, same = _cap_json(new, new)
        assert code == 0 and same["same"] is True
