"""Which actions go to which lead for `cap request`: one return sheet per lead, as plain values.

`build_request(plan, lead=..., only=..., finished=...)` groups a plan's unfinished actions (all
of them with `finished`: a lead has nothing to update on a completed or cancelled action) by
their lead, exactly as each lead is written (no folding of case or spacing: a plan that spells
a lead two ways gets two sheets), and gives each sheet a file stem that cannot clash with
another's. Actions whose lead names nobody (empty, missing, or only punctuation such as ",") go
on one sheet of their own, so the officer can chase them. The columns are the return-sheet
contract shared with `cap import` (`COLUMNS`, then one `New <label>` column per custom field).

Values are the plan's own: a status by its label, an expected completion as a date when it is a
full date and as written otherwise (a month "2025-03", "ongoing"). Nothing here formats a cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from .dates import parse_due
from .model import Node, Plan, value_text
from .report import BUILT_IN_KEYS, slug
from .vocab import FieldSpec, Status

COLUMNS = ("ID", "Theme", "Programme", "Title", "Lead", "Current expected completion",
           "Current status", "Current progress update", "New status", "New expected completion",
           "New progress update", "Next steps")
GIVEN = COLUMNS.index("New status")  # the columns before it show the plan; the rest are asked
NEW_PREFIX = "New "
NO_LEAD_STEM = "no-lead"
MAX_STEM = 60  # characters of a file name made from a lead
_NAMES = re.compile(r"[^\W_]")  # a letter or a digit: a lead with neither (",") names nobody


class UnknownLead(Exception):
    """`--lead` named no lead of the plan: `leads` are the ones it has, in file order."""

    def __init__(self, wanted: str, leads: list[str]) -> None:
        super().__init__(f"no lead {wanted!r}")
        self.wanted = wanted
        self.leads = leads


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One action on a return sheet, its values as the plan holds them."""

    id: str
    theme: str
    programme: str
    title: str
    lead: str
    due: date | str  # a full date as a date; a month, "ongoing" (or anything else) as written
    status: str  # the status's label (its key, as written, when not of the plan's vocabulary)
    progress: str
    finished: bool = False  # whether the status counts as finished (the vocabulary's `finished`)

    def values(self) -> tuple[date | str, ...]:
        """The row's cells up to "Current progress update", in `COLUMNS` order; the new
        columns after them start blank."""
        return (self.id, self.theme, self.programme, self.title, self.lead, self.due,
                self.status, self.progress)


@dataclass(slots=True)
class LeadSheet:
    """The actions of one lead: `lead` as written in the plan ("" for the no-lead sheet)."""

    lead: str
    stem: str  # the file name without its extension: "housing-services-team"
    rows: list[RequestRow]


@dataclass(frozen=True, slots=True)
class Request:
    """Everything a return sheet shows: the plan's cover, its vocabulary, the sheets."""

    path: str
    council: str
    title: str
    period: str
    reporting_point: str
    as_of: date | None
    statuses: tuple[Status, ...]  # the plan's vocabulary, in its order
    fields: tuple[FieldSpec, ...]  # custom fields, each labelled as declared (else its key)
    sheets: list[LeadSheet]  # named leads by name, then the no-lead sheet (if any)
    left_out: int = 0  # finished actions the sheets would have held, left out

    @property
    def columns(self) -> list[str]:
        """The header row: the contract's columns, then `New <label>` per custom field."""
        return [*COLUMNS, *(NEW_PREFIX + f.label for f in self.fields)]

    @property
    def no_lead(self) -> LeadSheet | None:
        return next((s for s in self.sheets if not s.lead), None)


def names_someone(lead: str) -> bool:
    """Whether a lead names anyone: it has a letter or a digit (not "", not ",")."""
    return _NAMES.search(lead) is not None


def build_request(plan: Plan, lead: str | None = None, only: Collection[str] | None = None,
                  finished: bool = False) -> Request:
    """The return sheets of a plan: one per lead, the no-lead sheet last.

    `lead`: only the sheet(s) of this lead, matched in any case (raises UnknownLead, with the
    plan's leads, when it names none); the no-lead sheet is then left out. `only`: the ids of
    the actions to ask about (`--stale`). `finished`: the finished actions too (else they are
    left out, and counted). A lead left with no action gets no sheet."""
    groups: dict[str, list[RequestRow]] = {}
    statuses = plan.statuses
    for action in plan.actions():
        if only is None or action.id in only:
            row = _row(plan, action, plan.is_finished(action, statuses))
            groups.setdefault(row.lead if names_someone(row.lead) else "", []).append(row)
    if lead is not None:
        groups = _matching(plan, groups, lead)
    left_out = 0
    if not finished:
        left_out = sum(row.finished for rows in groups.values() for row in rows)
        groups = {k: kept for k, rows in groups.items()
                  if (kept := [row for row in rows if not row.finished])}
    named = sorted((k for k in groups if k), key=lambda k: (k.casefold(), k))
    used = {NO_LEAD_STEM}
    sheets = [LeadSheet(k, _stem(k, used), groups[k]) for k in named]
    if "" in groups:
        sheets.append(LeadSheet("", NO_LEAD_STEM, groups[""]))
    return Request(
        path=plan.path, council=plan.council, title=plan.title, period=plan.period,
        reporting_point=plan.root.text("reporting_point"), as_of=plan.as_of,
        statuses=tuple(statuses.values()), fields=_fields(plan), sheets=sheets,
        left_out=left_out,
    )


def plan_leads(plan: Plan) -> list[str]:
    """The leads that name someone, each once, in file order."""
    seen: dict[str, None] = {}
    for action in plan.actions():
        text = action.text("lead")
        if names_someone(text):
            seen.setdefault(text, None)
    return list(seen)


def _matching(plan: Plan, groups: dict[str, list[RequestRow]],
              wanted: str) -> dict[str, list[RequestRow]]:
    key = wanted.strip().casefold()
    leads = [k for k in plan_leads(plan) if k.strip().casefold() == key]
    if not key or not leads:
        raise UnknownLead(wanted, plan_leads(plan))
    return {k: groups[k] for k in leads if k in groups}


def _row(plan: Plan, action: Node, finished: bool) -> RequestRow:
    theme, programme = action.theme, action.programme
    status = plan.status(action)
    return RequestRow(
        id=action.id,
        theme=theme.title if theme else "",
        programme=programme.title if programme else "",
        title=action.title,
        lead=action.text("lead"),
        due=due_value(action.data.get("due")),
        status=status.label if status else action.text("status"),
        progress=action.text("progress"),
        finished=finished,
    )


def due_value(value: object) -> date | str:
    """An expected completion as a sheet shows it: a full date as a date, else as written."""
    try:
        due = parse_due(value)
    except ValueError:
        return value_text(value)
    if due.kind == "date" and due.end is not None:
        return due.end
    return value_text(value)


def _fields(plan: Plan) -> tuple[FieldSpec, ...]:
    """The custom fields, labelled as the contract says: as declared, else by their key."""
    declared = plan.meta.get("fields")
    declared = declared if isinstance(declared, dict) else {}
    out = []
    for key, spec in plan.custom_fields.items():
        if key in BUILT_IN_KEYS:
            continue  # a built-in field has its own column
        raw = declared.get(key)
        label = raw.get("label") if isinstance(raw, dict) else None
        out.append(spec._replace(label=label if isinstance(label, str) and label else key))
    return tuple(out)


def _stem(lead: str, used: set[str]) -> str:
    """A file stem for a lead, unique among `used` (which it joins): letters, digits and "-"."""
    ascii_text = unicodedata.normalize("NFKD", lead).encode("ascii", "ignore").decode("ascii")
    base = slug(ascii_text)[:MAX_STEM].strip("-") or "lead"
    stem, n = base, 1
    while stem in used:
        n += 1
        stem = f"{base}-{n}"
    used.add(stem)
    return stem
