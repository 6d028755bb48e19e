"""Turning what a person typed into a field's value, with the reason when it cannot be one.

Shared by `cap set` and the editor's form, so both accept and refuse exactly the same input.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .dates import parse_date, parse_due
from .model import Node, Plan
from .shape import SHAPE, Level
from .vocab import FieldSpec


def fields_of(plan: Plan, node: Node) -> list[FieldSpec]:
    """The fields the form shows for a node: built in first, then the plan's custom fields."""
    specs = list(SHAPE[node.kind].fields)
    if node.kind is Level.ACTION:
        specs.extend(plan.custom_fields.values())
    return specs


def field_spec(plan: Plan, node: Node, key: str) -> FieldSpec | None:
    for spec in fields_of(plan, node):
        if spec.key == key:
            return spec
    return None


def parse_value(plan: Plan, node: Node, key: str, text: str) -> Any:
    """The value `text` stands for in this field. Raises ValueError saying why it cannot be."""
    spec = field_spec(plan, node, key)
    current = node.data.get(key)
    ftype = spec.type if spec else _type_of(current)
    if ftype == "status":
        wanted = text.strip().lower()
        for k, st in plan.statuses.items():
            if k.lower() == wanted or st.label.lower() == wanted:
                return k
        raise ValueError(f'"{text}" is not a status of this plan; use one of: '
                         + status_choices(plan))
    if ftype == "due":
        due = parse_due(text)
        if due.kind == "date":
            return due.end
        return due.label()
    if ftype == "date":
        return parse_date(text)
    if ftype == "number":
        return _number(text)
    if ftype == "choice" and spec is not None:
        if text not in spec.choices:
            raise ValueError(f'"{text}" is not one of: ' + ", ".join(spec.choices))
        return text
    if ftype == "bool":
        if text.lower() in ("true", "yes"):
            return True
        if text.lower() in ("false", "no"):
            return False
        raise ValueError(f'"{text}" is not true or false')
    if ftype == "line" and "\n" in text:
        raise ValueError("this field holds one line of text")
    return text


def status_choices(plan: Plan) -> str:
    """The plan's statuses as an officer knows them, by label, each with its key:
    `"Not started" (not-started), "On track" (green), ...`; a label that only repeats its key
    (in any case) is said once."""
    return ", ".join(f'"{st.label}"' + ("" if st.label.casefold() == key.casefold()
                                        else f" ({key})")
                     for key, st in plan.statuses.items())


def _number(text: str) -> int | float:
    """`1,000` -> 1000, `1149250.50` -> 1149250.5; whole numbers stay whole (no `1000.0`)."""
    plain = text.strip().replace(",", "").replace("_", "")
    if re.fullmatch(r"[+-]?\d+", plain):
        return int(plain)
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", plain):
        return float(plain)
    raise ValueError(f'"{text}" is not a number (write digits, like 2500000 or 1149250.50)')


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, date):
        return "date"
    if isinstance(value, str) and "\n" in value:
        return "text"
    return "line" if value is None or isinstance(value, str) else "other"


def find_node(plan: Plan, node_id: str) -> Node | None:
    """A node by id; `plan` names the [plan] table unless a node has that id."""
    node = plan.find(node_id)
    if node is None and node_id == Level.PLAN.value:
        return plan.root
    return node
