"""Rolling a plan over: to its next reporting point, or into next year's plan.

Both are edit operations on a Document (core/edit), so the file keeps its comments, vocabulary,
field declarations and layout, and changes only the lines each change must:

- `next_point`: the plan's as_of and reporting_point, two SetFields on the [plan] table; the
  as-of date must move forward and the reporting point must change;
- `next_year`: next year's plan made from this year's text. Finished actions are deleted (a
  programme or theme they leave empty goes too); every unfinished action stays, with its id,
  `carried_from` (this plan's period), the vocabulary's starting status, and its last progress
  update moved to `previous_update`, written as it was. The plan's period, and the period inside
  its title, become the new one, and `carried_from` and `previous_update` are declared as the
  plan's custom fields when they are not already. Its as_of becomes the date given, else the
  first day of the new period; its reporting point the one given, else it is kept. Carried
  actions expected to complete before the new period are listed (never changed): each needs a
  new date;
- `mark_carried`: on this year's plan, the carried actions' status set to the vocabulary's
  "carried forward" status, when it has one.

Reading, locking and writing the files is the command's (commands/rollover.py).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from .dates import financial_year
from .edit.ops import ABSENT, PLAN, EditError, Outcome, SetField
from .model import Node, Plan, is_date
from .shape import Level
from .tomlvalue import render, render_key
from .vocab import Status, starting_status

if TYPE_CHECKING:
    from .document import Document

__all__ = ["CARRIED_FIELDS", "AsOf", "RolloverError", "YearRollover", "carried_status",
           "mark_carried", "next_point", "next_year"]

# the custom fields a carried action gains, as the plan declares them
CARRIED_FIELDS: dict[str, dict[str, str]] = {
    "carried_from": {"label": "Carried from", "type": "line"},
    "previous_update": {"label": "Previous update", "type": "text"},
}


class RolloverError(Exception):
    """A rollover cap will not make, said in words for the officer; nothing was changed."""


class AsOf(StrEnum):
    """How next year's plan got its as-of date."""

    GIVEN = "given"  # --as-of
    START = "start"  # the first day of the new period
    KEPT = "kept"  # this year's, kept: the period is not a financial year cap can read


class YearRollover(NamedTuple):
    """What `next_year` did to the new plan."""

    carried_from: str  # the old plan's period
    carried: list[str]  # ids of the actions carried forward, in file order
    left: list[str]  # ids of the finished actions left behind
    dropped: list[tuple[Level, str]]  # programmes and themes left empty, and deleted
    status: str  # the status carried actions start with
    title: bool  # whether the old period was replaced inside the plan's title
    declared: list[str]  # the fields declared in the plan's custom fields
    undeclared: str  # why the carried fields could not be declared ("" when they are)
    as_of: AsOf  # how the new plan's as-of date was chosen
    point_kept: bool  # whether the reporting point is this year's, kept
    due_before: list[str]  # ids of carried actions expected to complete before the new period


def next_point(doc: Document, as_of: date, reporting_point: str) -> list[str]:
    """Move the plan to its next reporting point: its as_of date and reporting point, as two
    field changes of the [plan] table. Returns the fields that changed. Raises RolloverError
    for an as-of date not after the plan's, or the reporting point the plan is at already, and
    EditError when a change cannot be written."""
    root = doc.plan.root
    _forward(root.data.get("as_of"), as_of)
    current = root.text("reporting_point")
    if current and _words(current) == _words(reporting_point):
        raise RolloverError(f'the plan is at the reporting point "{current}" already: give the '
                            "next one")
    return _set_point(doc, as_of, reporting_point)


def _forward(current: object, as_of: date) -> None:
    """Refuse an as-of date that does not move the plan forward from `current`."""
    if not is_date(current) or as_of > current:
        return
    when = "earlier than" if as_of < current else "the same as"
    raise RolloverError(f"the new as-of date {as_of.isoformat()} is {when} the plan's "
                        f"{current.isoformat()}: a rollover moves a plan forward")


def _set_point(doc: Document, as_of: date, reporting_point: str | None) -> list[str]:
    """The plan's as_of, and its reporting point unless None. Returns the fields changed."""
    root = doc.plan.root
    changed = []
    for key, value in (("as_of", as_of), ("reporting_point", reporting_point)):
        if value is not None and doc.set_field(root, key, value):
            changed.append(key)
    return changed


def next_year(doc: Document, period: str, as_of: date | None = None,
              reporting_point: str | None = None) -> YearRollover:
    """Make `doc` (a copy of this year's plan) next year's plan for `period`, as of `as_of`
    (else the first day of the period) at `reporting_point` (else this year's, kept). Raises
    RolloverError when the plan has no period or already has this one, or for an as-of date
    that is not after this year's or is before the new period, and EditError when a change
    cannot be written."""
    plan = doc.plan
    old = plan.period.strip()
    if not old:
        raise RolloverError("the plan has no period, so cap cannot say where its actions are "
                            "carried from: set it first (cap set PATH plan period 2024-25)")
    if period.strip() == old:
        raise RolloverError(f"the plan's period is already {old}: give the next year's")
    bounds = financial_year(period)
    how = _year_as_of(plan.root.data.get("as_of"), as_of, bounds)
    statuses = plan.statuses
    finished = [a for a in plan.actions() if plan.is_finished(a, statuses)]
    carried = [a for a in plan.actions() if not plan.is_finished(a, statuses)]
    due_before = _due_before(plan, carried, bounds[0] if bounds else None)
    dropped = _delete(doc, finished)
    start = starting_status(doc.plan.statuses)
    for action in carried:
        _carry(doc, action, old, start)
    title = _set_period(doc, old, period)
    declared, undeclared = _declare(doc)
    new_as_of = as_of or (bounds[0] if bounds else None)
    if new_as_of is not None:
        _set_point(doc, new_as_of, reporting_point)
    elif reporting_point is not None:
        doc.set_field(doc.plan.root, "reporting_point", reporting_point)
    return YearRollover(old, [a.id for a in carried], [a.id for a in finished], dropped, start,
                        title, declared, undeclared, how, reporting_point is None, due_before)


def _year_as_of(current: object, as_of: date | None,
                bounds: tuple[date, date] | None) -> AsOf:
    """How next year's plan gets its as-of date; refuses one given that is not after this
    year's, or is before the new period."""
    if as_of is None:
        return AsOf.KEPT if bounds is None else AsOf.START
    _forward(current, as_of)
    if bounds is not None and as_of < bounds[0]:
        raise RolloverError(f"the new as-of date {as_of.isoformat()} is before the new period, "
                            f"which starts on {bounds[0].isoformat()}")
    return AsOf.GIVEN


def _due_before(plan: Plan, actions: list[Node], start: date | None) -> list[str]:
    """The ids of the actions expected to complete before `start` (none when it is None)."""
    if start is None:
        return []
    dues = ((a, plan.due(a)) for a in actions)
    return [a.id for a, due in dues if due is not None and due.end is not None and due.end < start]


def _delete(doc: Document, finished: list[Node]) -> list[tuple[Level, str]]:
    """Delete the finished actions, then the programmes and themes that held actions and now
    hold none. Returns the programmes and themes deleted."""
    had = {id(a.ancestor(level)) for a in finished for level in (Level.PROGRAMME, Level.THEME)}
    for action in finished:
        doc.delete(action)
    dropped: list[tuple[Level, str]] = []
    for level in (Level.PROGRAMME, Level.THEME):
        for node in [n for n in doc.plan.nodes() if n.kind is level]:
            if id(node) in had and not node.children:
                doc.delete(node)
                dropped.append((level, node.id))
    return dropped


def _carry(doc: Document, action: Node, period: str, start: str) -> None:
    """One action into next year: where it came from, its starting status, and its last
    progress update kept as `previous_update`, in the characters it was written with."""
    doc.set_field(action, "carried_from", period)
    if start:
        doc.set_field(action, "status", start)
    progress = action.data.get("progress", ABSENT)
    if progress is ABSENT:
        return
    entry = doc.segment(action).block.entry("progress")
    raw = None
    if entry is not None and len(entry.key) == 1:
        raw = doc.segment(action).text[entry.value_start : entry.value_end]
    old = action.data.get("previous_update", ABSENT)
    _apply(doc, SetField(doc.ref_of(action), "previous_update", progress, old, raw))
    doc.set_field(action, "progress", ABSENT)


def _set_period(doc: Document, old: str, period: str) -> bool:
    """The plan's period, the period in its title, and its period_start and period_end when it
    gives them. Returns whether the title named the old period."""
    root = doc.plan.root
    doc.set_field(root, "period", period)
    title = root.data.get("title")
    named = isinstance(title, str) and old in title
    if isinstance(title, str) and named:
        doc.set_field(root, "title", title.replace(old, period))
    bounds = financial_year(period)
    if bounds is not None:
        for key, value in zip(("period_start", "period_end"), bounds, strict=True):
            if is_date(root.data.get(key)):
                doc.set_field(root, key, value)
    return named


def _declare(doc: Document) -> tuple[list[str], str]:
    """Declare CARRIED_FIELDS among the plan's custom fields, those it does not declare yet.
    Returns the fields declared, and why they could not be ("" when they were)."""
    root = doc.plan.root
    current = root.data.get("fields", ABSENT)
    have = current if isinstance(current, dict) else {}
    missing = {k: v for k, v in CARRIED_FIELDS.items() if k not in have}
    if not missing:
        return [], ""
    if current is not ABSENT and not isinstance(current, dict):
        return [], "the plan's fields are not a table"
    value = {**have, **missing}
    result = doc.apply(SetField(PLAN, "fields", value, current, _inline(value)))
    if not result.ok:
        return [], result.reason
    return list(missing), ""


def _inline(table: dict[str, Any]) -> str | None:
    """A table as a one-line TOML inline table, `{ key = value, ... }`; None when a value cannot
    be written so (the edit then writes it its own way)."""
    parts = []
    for key, value in table.items():
        raw = _inline(value) if isinstance(value, dict) else render(value)
        if raw is None or "\n" in raw:
            return None
        parts.append(f"{render_key(key)} = {raw}")
    return "{ " + ", ".join(parts) + " }" if parts else "{}"


def _apply(doc: Document, op: SetField) -> None:
    result = doc.apply(op)
    if result.outcome not in (Outcome.APPLIED, Outcome.NO_OP):
        raise EditError(result.reason)


def carried_status(statuses: dict[str, Status]) -> str | None:
    """The key of the vocabulary's "carried forward" status (by key or label), or None."""
    for key, status in statuses.items():
        if {_words(key), _words(status.label)} & {"carried forward"}:
            return key
    return None


def _words(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def mark_carried(doc: Document, status: str) -> list[str]:
    """On this year's plan, set every unfinished action (the ones carried into next year) to
    `status`. Returns their ids."""
    plan: Plan = doc.plan
    statuses = plan.statuses
    carried = [a for a in plan.actions() if not plan.is_finished(a, statuses)]
    for action in carried:
        doc.set_field(action, "status", status)
    return [a.id for a in carried]
