"""The JSON Schema for editors: valid JSON, shipped as `schema_text()`, and it agrees with plans."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from cap_tui.schema import SCHEMA_FILE, schema_text

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "plans").glob("*.toml"))

SMALL_PLAN = """\
#:schema ../cap_tui/schema/cap-plan.schema.json

[plan]
council = "Blaby District Council"
title = "Corporate Action Plan 2024-25"
period = "2024-25"
as_of = 2024-11-30

[plan.statuses]
achieved = { label = "Achieved or On-Target", colour = "green", finished = false }
done = { label = "Completed", colour = "blue", finished = true }

[plan.fields]
team = { label = "Team", type = "line" }
portfolio = { label = "Portfolio holder", type = "choice", choices = ["Housing", "Finance"] }
review = { label = "Next review", type = "date" }

[[theme]]
id = "communities"
title = "Enabling Our Communities"

[[theme.programme]]
id = "homelessness-prevention"
title = "Homelessness Prevention"
lead = "Executive Director (Communities)"

[[theme.programme.action]]
id = "COM-01"
title = "To Review and Refresh the Homelessness & Rough Sleeping Strategy"
lead = "Executive Director (Communities)"
due = "2025-03"
status = "achieved"
team = "Housing Options"
review = 2025-01-15
something_else = "unknown keys are allowed"

[[theme.programme.action]]
id = "COM-02"
title = "Dated action"
lead = "Housing Team"
due = 2025-03-31
status = "achieved"

[[theme.programme.action]]
id = "COM-03"
title = "Ongoing action"
lead = "Housing Team"
due = "ongoing"
status = "achieved"

[[theme.programme.action]]
id = "COM-04"
title = "Finished action with no due date"
lead = "Housing Team"
status = "done"
progress = "Done in October."
"""


def as_json(value: Any) -> Any:
    """A tomllib value as JSON sees it: dates and times become ISO strings, as taplo does."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    return value


def load(text: str) -> Any:
    return as_json(tomllib.loads(text))


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema())
    # Check "format": "date" as taplo does (draft 2020-12 alone treats formats as notes).
    return cls(schema(), format_checker=cls.FORMAT_CHECKER)


def errors(validator: Any, data: Any) -> list[str]:
    return [e.message for e in validator.iter_errors(data)]


def action(data: Any, n: int = 0) -> dict[str, Any]:
    return data["theme"][0]["programme"][0]["action"][n]


# -- without jsonschema --------------------------------------------------------------------


def test_schema_is_valid_json() -> None:
    doc = schema()
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in doc
    assert doc["type"] == "object"


def test_schema_text_is_the_file() -> None:
    assert SCHEMA_FILE.name == "cap-plan.schema.json"
    assert SCHEMA_FILE.parent == Path(__file__).resolve().parent.parent / "cap_tui" / "schema"
    assert schema_text() == SCHEMA_FILE.read_text(encoding="utf-8")


def _properties(node: Any, where: str = "") -> list[tuple[str, Any]]:
    """Every named property schema in the document, with where it is (not the `if` tests)."""
    out: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            out.append((f"{where}.{name}", sub))
        for key, sub in node.items():
            if key != "if":
                out.extend(_properties(sub, f"{where}/{key}" if key != "properties" else where))
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            out.extend(_properties(sub, f"{where}[{i}]"))
    return out


def test_every_property_has_a_title_and_a_description() -> None:
    props = _properties(schema())
    assert len(props) > 30
    for where, sub in props:
        assert sub.get("title"), f"{where} has no title"
        assert sub.get("description"), f"{where} has no description"


def test_unknown_keys_are_allowed_everywhere() -> None:
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties", True) is not False, where
            for key, sub in node.items():
                walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}[{i}]")

    walk(schema(), "")


def test_levels_nest_as_cap_reads_them() -> None:
    """The schema's tables are cap's levels (core/shape.py): the plan table, then each level's
    array under its parent's key, with every built-in field of that level."""
    from cap_tui.core.shape import NODE_LEVELS, SHAPE, Level

    doc = schema()
    plan = SHAPE[Level.PLAN]
    holder = doc
    tables = doc["properties"]
    assert set(tables) == {plan.key, plan.child_key}
    assert {f.key for f in plan.fields} <= set(tables[plan.key]["properties"])
    for level in NODE_LEVELS:
        s = SHAPE[level]
        array = holder["properties"][s.key]
        assert array["type"] == "array" and array["title"] == s.plural.capitalize()
        table = array["items"]
        assert table["type"] == "object" and table["title"] == s.title
        assert s.header in array["description"]
        props = set(table["properties"])
        assert {f.key for f in s.fields} <= props, level
        assert set(table["required"]) <= {f.key for f in s.fields if f.required}, level
        if s.child_key:
            assert s.child_key in props
        holder = table


def test_vocabularies_match_cap() -> None:
    from cap_tui.core.vocab import COLOURS, FIELD_TYPES

    plan = schema()["properties"]["plan"]["properties"]
    status = plan["statuses"]["additionalProperties"]["properties"]
    field = plan["fields"]["additionalProperties"]["properties"]
    assert tuple(status["colour"]["enum"]) == COLOURS
    assert tuple(field["type"]["enum"]) == FIELD_TYPES


# -- with jsonschema (skipped when it is not installed) --------------------------------------


def test_small_plan_validates(validator: Any) -> None:
    assert errors(validator, load(SMALL_PLAN)) == []


def _node_id(data: Any, path: Any) -> str:
    """The id of the theme, programme or action an error is in ("" for the plan table)."""
    node, nid = data, ""
    for step in path:
        node = node[step]
        if isinstance(node, dict) and isinstance(node.get("id"), str) and step != "plan":
            nid = node["id"]
        if step == "plan":
            break
    return nid


@pytest.mark.parametrize("path", PLANS, ids=[p.name for p in PLANS])
def test_plans_validate(validator: Any, path: Path) -> None:
    """A plan cap finds no errors in validates; the schema never objects where cap does not.

    (A real plan may keep a gap from its source, such as an action with no lead: cap reports
    it, and the schema may report the same node.)
    """
    from cap_tui.core.check import validate_path
    from cap_tui.core.problems import Severity

    with path.open("rb") as f:
        data = as_json(tomllib.load(f))
    _, problems = validate_path(str(path))
    cap_errors = {p.node_id for p in problems if p.severity is Severity.ERROR}
    schema_errors = {
        _node_id(data, e.absolute_path): e.message for e in validator.iter_errors(data)
    }
    if not cap_errors:
        assert schema_errors == {}
    assert set(schema_errors) <= cap_errors, schema_errors


@pytest.mark.parametrize("key", ["council", "title", "as_of"])
def test_plan_missing_a_required_key_fails(validator: Any, key: str) -> None:
    data = load(SMALL_PLAN)
    del data["plan"][key]
    assert errors(validator, data)


def test_file_without_plan_table_fails(validator: Any) -> None:
    data = load(SMALL_PLAN)
    del data["plan"]
    assert errors(validator, data)


@pytest.mark.parametrize("due", ["2025-03", "2025-12", "ongoing", "Ongoing", "2025-03-31"])
def test_due_accepts(validator: Any, due: str) -> None:
    data = load(SMALL_PLAN)
    action(data)["due"] = due
    assert errors(validator, data) == []


@pytest.mark.parametrize("due", ["March-25", "2025-13", "2025-3", "2025-02-30", "soon", 2025])
def test_due_rejects(validator: Any, due: object) -> None:
    data = load(SMALL_PLAN)
    action(data)["due"] = due
    assert errors(validator, data)


@pytest.mark.parametrize("key", ["id", "title", "lead", "status"])
def test_action_missing_a_required_key_fails(validator: Any, key: str) -> None:
    data = load(SMALL_PLAN)
    del action(data)[key]
    assert errors(validator, data)


@pytest.mark.parametrize(
    ("change", "ok"),
    [
        (lambda p: p["plan"]["statuses"]["done"].update(colour="purple"), False),
        (lambda p: p["plan"]["statuses"]["done"].pop("label"), False),
        (lambda p: p["plan"]["statuses"]["done"].update(finished="yes"), False),
        (lambda p: p["plan"]["fields"]["team"].update(type="email"), False),
        (lambda p: p["plan"]["fields"]["portfolio"].pop("choices"), False),
        (lambda p: p["plan"]["fields"].update(lead={"label": "Lead"}), False),
        (lambda p: p["plan"].update(as_of="30/11/2024"), False),
        (lambda p: p["theme"][0]["programme"][0].update(kind="project"), False),
        (lambda p: p["theme"][0]["programme"][0].update(kind="projects"), True),
        (lambda p: p["plan"]["statuses"]["done"].update(icon="tick"), True),
        (lambda p: p["theme"][0].update(owner="Chief Executive"), True),
    ],
)
def test_plan_level_rules(validator: Any, change: Any, ok: bool) -> None:
    data = load(SMALL_PLAN)
    change(data)
    assert (errors(validator, data) == []) is ok
