"""What a committee report on a plan says, gathered once for every format (`cap report`).

`build_report(plan, options, since=...)` turns a read Plan into a `ReportData`: the cover (council,
title, reporting point, as-of date), the summary (counts per status overall and per theme or
lead, overdue, due soon: the very counts of `cap status`, from `summary.summarise`), the body
(each theme, each programme, its actions in file order), the exceptions (`--exceptions`) and what
changed since a revision (`--since`, from `diff.diff_plans`). The renderers in cap_tui/render/
(`report_html`, `report_docx`, `report_md`, `report_csv`) only lay this out.

Text here is the plan's own, unescaped: each renderer makes it safe for its format. Nothing here
imports Textual, Rich, Jinja2 or python-docx.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .dates import parse_due
from .diff import FieldChange, NodeChange, PlanDiff, diff_plans
from .model import Node, Plan, is_date, value_text
from .summary import DUE_SOON_DAYS, UNKNOWN, Tally, summarise
from .vocab import ACTION_FIELDS, FieldSpec, Status

FORMATS = ("html", "docx", "md", "csv", "pdf")
TEXT_FORMATS = ("html", "md", "csv")
EXCEPTION_COLOURS = frozenset({"red", "amber", "yellow"})  # off track, at risk (and a yellow)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
NO_LEAD = "(no lead)"
BUILT_IN_KEYS = frozenset(f.key for f in ACTION_FIELDS)


class ReportError(Exception):
    """A report cannot be made: the message says why, in words (a bad revision, no PDF tool).

    `exit_code`: 2 for trouble (the command line's FAILURE), 1 for a file that is not a plan."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What the officer asked for: `cap report`'s options."""

    exceptions: bool = False  # only actions off track, at risk, overdue or slipped
    since: str | None = None  # a git revision: list what changed since it
    by: str = "theme"  # "theme" (the plan's own order) or "lead"
    title: str | None = None  # the report's title; default: the plan's title
    completed: str = "full"  # "full", or "short": finished actions folded into a list
    due_within: int = DUE_SOON_DAYS  # "due soon": within this many days of the as-of date

    def __post_init__(self) -> None:
        if self.by not in ("theme", "lead"):
            raise ValueError(f"cannot group a report by {self.by!r}: use theme or lead")
        if self.completed not in ("full", "short"):
            raise ValueError(f"--completed is full or short, not {self.completed!r}")


# -- words for dates ---------------------------------------------------------------------------
def long_date(d: date) -> str:
    """30 November 2024 (English month names whatever the machine's locale)."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def due_text(value: Any) -> str:
    """An expected completion as a committee reads it: "March 2025", "31 March 2025",
    "Ongoing"; "" when missing; an unreadable value as it is written."""
    if value is None:
        return ""
    try:
        due = parse_due(value)
    except ValueError:
        return value_text(value)
    if due.end is None:
        return "Ongoing"
    if due.kind == "month":
        return f"{MONTHS[due.end.month - 1]} {due.end.year}"
    return long_date(due.end)


def field_text(value: Any) -> str:
    """A custom field's value for reading: numbers with thousands separators, dates in words."""
    if isinstance(value, bool) or value is None:
        return value_text(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return value_text(value)
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if is_date(value):
        return long_date(value)
    return value_text(value)


# -- the pieces of a report --------------------------------------------------------------------
@dataclass(slots=True)
class CountRow:
    """Counts for one row of the summary: a theme, a lead, or the whole plan."""

    name: str
    total: int
    by_status: dict[str, int]  # status key -> count, every status of the plan ("?" if any)
    finished: int
    overdue: int
    due_soon: int

    @classmethod
    def of(cls, name: str, t: Tally) -> CountRow:
        return cls(name, t.total, dict(t.by_status), t.finished, len(t.overdue), len(t.due_soon))


@dataclass(slots=True)
class ActionRow:
    """One action as the report shows it."""

    node: Node
    id: str
    title: str
    description: str
    lead: str
    due: str  # "March 2025", "Ongoing", "" (none)
    due_by: str  # the last day it can be met, ISO ("" when ongoing or none)
    status: Status  # summary.UNKNOWN when missing or not of the plan's vocabulary
    overdue: bool
    due_soon: bool
    progress: str
    next_steps: str
    custom: list[tuple[str, str]]  # (label, text) of the plan's custom fields that have a value
    theme_title: str
    programme_title: str
    reasons: list[str] = field(default_factory=list)  # --exceptions: why it is listed
    changes: list[str] = field(default_factory=list)  # --since: what changed
    stale: bool = False  # --since: its progress update was not rewritten
    slipped: str = ""  # --since: how far its expected completion slipped ("4 months")

    @property
    def finished(self) -> bool:
        return self.status.finished


@dataclass(slots=True)
class Block:
    """A programme and its actions (under a lead, when the report is by lead)."""

    id: str
    title: str
    kind: str  # "programme" or "projects" (a group of key standalone projects)
    lead: str
    description: str
    context: str  # by lead: the theme the programme is in
    actions: list[ActionRow] = field(default_factory=list)
    folded: list[ActionRow] = field(default_factory=list)  # --completed short: finished ones


@dataclass(slots=True)
class Section:
    """A theme (or a lead) and its programmes: Heading 1 of the report's body."""

    id: str
    title: str
    description: str
    counts: CountRow
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class SinceEntry:
    """An action that changed since the revision: what happened to it, in sentences."""

    id: str
    title: str
    change: str  # "added", "removed", "changed"
    where: str  # its programme (the old one, when removed)
    notes: list[str]


@dataclass(slots=True)
class SinceReport:
    """What changed since `rev`, action by action (`--since`)."""

    rev: str
    plan_notes: list[str]
    entries: list[SinceEntry]
    stale: list[ActionRow]
    counts: dict[str, int]  # status, slipped, brought forward, added, removed, moved, stale

    def headline(self) -> str:
        words = (("status", "status change", "status changes"),
                 ("slipped", "slipped", "slipped"),
                 ("brought_forward", "brought forward", "brought forward"),
                 ("added", "new", "new"), ("removed", "removed", "removed"),
                 ("moved", "moved", "moved"),
                 ("stale", "update not rewritten", "updates not rewritten"))
        parts = [f"{self.counts[k]} {one if self.counts[k] == 1 else many}"
                 for k, one, many in words if self.counts.get(k)]
        return ", ".join(parts) if parts else "no changes to actions"


@dataclass(slots=True)
class ReportData:
    """Everything a report shows, in the order it shows it."""

    path: str
    council: str
    plan_title: str
    title: str
    reporting_point: str
    period: str
    vision: str
    as_of: date | None
    statuses: list[Status]  # the plan's vocabulary in its order (+ "No valid status" if used)
    overall: CountRow
    group_by: str  # "theme" or "lead"
    groups: list[CountRow]
    due_within: int
    overdue: list[ActionRow]
    due_soon: list[ActionRow]
    sections: list[Section]
    custom_fields: list[FieldSpec]
    options: ReportOptions
    exceptions: list[ActionRow] | None = None
    since: SinceReport | None = None

    @property
    def as_of_text(self) -> str:
        return long_date(self.as_of) if self.as_of else "no as-of date"

    @property
    def subtitle(self) -> str:
        """"Mid-Year Progress Update · as at 30 November 2024"."""
        bits = [self.reporting_point] if self.reporting_point else []
        bits.append(f"as at {long_date(self.as_of)}" if self.as_of else "no as-of date")
        return " · ".join(bits)

    def actions(self) -> list[ActionRow]:
        """Every action the body shows (folded ones included), in the body's order."""
        if self.exceptions is not None:
            return list(self.exceptions)
        return [a for s in self.sections for b in s.blocks for a in (*b.actions, *b.folded)]


# -- building ----------------------------------------------------------------------------------
def build_report(plan: Plan, options: ReportOptions | None = None,
                 since_plan: Plan | None = None) -> ReportData:
    """The report on `plan`; `since_plan` is the plan at `options.since` when that is given."""
    options = options or ReportOptions()
    within = options.due_within
    s = summarise(plan, None, within)
    overdue_ids = {id(a) for a in s.overall.overdue}
    soon_ids = {id(a) for a in s.overall.due_soon}
    statuses = list(s.statuses.values())
    if s.overall.by_status.get(UNKNOWN.key):
        statuses.append(UNKNOWN)
    fields = list(plan.custom_fields.values())
    rows: dict[int, ActionRow] = {}
    for a in plan.actions():
        rows[id(a)] = _action_row(plan, a, id(a) in overdue_ids, id(a) in soon_ids, fields)
    meta = plan.meta
    point = meta.get("reporting_point")
    vision = meta.get("vision")
    data = ReportData(
        path=plan.path,
        council=plan.council,
        plan_title=plan.title,
        title=options.title if options.title else plan.title or Path(plan.path).stem,
        reporting_point=point if isinstance(point, str) else "",
        period=plan.period,
        vision=vision if isinstance(vision, str) else "",
        as_of=plan.as_of,
        statuses=statuses,
        overall=CountRow.of("All actions", s.overall),
        group_by=options.by,
        groups=[],
        due_within=within,
        overdue=[rows[id(a)] for a in s.overall.overdue],
        due_soon=[rows[id(a)] for a in s.overall.due_soon],
        sections=[],
        custom_fields=fields,
        options=options,
    )
    if options.by == "theme":
        data.sections = _by_theme(plan, rows, options, within)
    else:
        data.sections = _by_lead(plan, rows, options, within)
    data.groups = [sec.counts for sec in data.sections]
    if since_plan is not None:
        data.since = since_report(since_plan, plan, rows, options.since or "the revision")
    if options.exceptions:
        data.exceptions = _exceptions(data)
    return data


def _action_row(plan: Plan, a: Node, overdue: bool, soon: bool,
                fields: list[FieldSpec]) -> ActionRow:
    status = plan.status(a) or UNKNOWN
    due = plan.due(a)
    programme, theme = a.programme, a.theme
    custom = []
    for spec in fields:
        value = a.data.get(spec.key)
        text = field_text(value)
        if text.strip():
            custom.append((spec.label, text))
    return ActionRow(
        node=a, id=a.id, title=a.title, description=a.text("description"),
        lead=a.text("lead"), due=due_text(a.data.get("due")),
        due_by=due.end.isoformat() if due is not None and due.end is not None else "",
        status=status, overdue=overdue, due_soon=soon,
        progress=a.text("progress"), next_steps=a.text("next_steps"), custom=custom,
        theme_title=theme.title if theme else "", programme_title=programme.title
        if programme else "",
    )


def _block(p: Node, actions: list[ActionRow], options: ReportOptions, context: str = "") -> Block:
    kind = p.data.get("kind")
    block = Block(p.id, p.title or p.id or "(untitled programme)",
                  kind if kind in ("programme", "projects") else "programme",
                  p.text("lead"), p.text("description"), context)
    for row in actions:
        if options.completed == "short" and row.finished:
            block.folded.append(row)
        else:
            block.actions.append(row)
    return block


def _by_theme(plan: Plan, rows: dict[int, ActionRow], options: ReportOptions,
              within: int) -> list[Section]:
    out = []
    for t in plan.themes:
        actions = [a for p in t.children for a in p.children]
        tally = summarise(plan, None, within, actions=actions).overall
        sec = Section(t.id, t.title or t.id or "(untitled theme)", t.text("description"),
                      CountRow.of(t.title or t.id or "(untitled theme)", tally))
        for p in t.children:
            sec.blocks.append(_block(p, [rows[id(a)] for a in p.children], options))
        out.append(sec)
    return out


def lead_of(a: Node) -> str:
    return " ".join(a.text("lead").split()) or NO_LEAD


def _by_lead(plan: Plan, rows: dict[int, ActionRow], options: ReportOptions,
             within: int) -> list[Section]:
    leads: dict[str, list[Node]] = {}
    for a in plan.actions():
        leads.setdefault(lead_of(a), []).append(a)
    order = sorted(leads, key=lambda k: (k == NO_LEAD, k.casefold()))
    out = []
    for i, lead in enumerate(order):
        actions = leads[lead]
        tally = summarise(plan, None, within, actions=actions).overall
        sec = Section(f"lead-{i + 1}", lead, "", CountRow.of(lead, tally))
        by_programme: dict[int, list[Node]] = {}
        for a in actions:
            by_programme.setdefault(id(a.parent), []).append(a)
        for group in by_programme.values():
            p = group[0].parent
            assert p is not None
            theme = p.parent.title if p.parent is not None else ""
            sec.blocks.append(_block(p, [rows[id(a)] for a in group], options, theme))
        out.append(sec)
    return out


def _exceptions(data: ReportData) -> list[ActionRow]:
    out = []
    rev = data.options.since
    for sec in data.sections:
        for b in sec.blocks:
            for row in (*b.actions, *b.folded):
                reasons = []
                if row.status.colour in EXCEPTION_COLOURS:
                    reasons.append(row.status.label)
                if row.overdue:
                    reasons.append(f"Overdue: expected {row.due}" if row.due else "Overdue")
                if row.slipped and rev:
                    reasons.append(f"Slipped {row.slipped} since {rev}")
                if reasons:
                    row.reasons = reasons
                    out.append(row)
    return out


# -- since a revision --------------------------------------------------------------------------
def load_at(path: str | Path, rev: str) -> Plan:
    """The plan at `rev` in its git repository. Raises ReportError when git or the file says no."""
    from .gitio import GitError, locate, show
    from .problems import PlanError
    from .source import decode, parse_toml

    try:
        root, rel = locate(path)
        raw = show(root, rev, rel)
    except GitError as exc:
        raise ReportError(f"--since {rev}: {exc}") from None
    label = f"{rev}:{rel}"
    try:
        source = decode(label, raw)
        return Plan(label, parse_toml(source), source)
    except PlanError as exc:
        raise ReportError(f"--since {rev}: the plan then cannot be read: "
                          f"{exc.problem.format()}") from None


_TEXT_NOTES = {"progress": "Progress update rewritten", "description": "Description changed",
               "next_steps": "Next steps rewritten"}


def change_note(f: FieldChange) -> str:
    """One field's change as a sentence for a committee."""
    if f.kind == "status":
        return f"Status: {f.old_text or '(none)'} → {f.new_text or '(none)'}"
    if f.kind == "due":
        old, new = due_text(f.old) or "(none)", due_text(f.new) or "(none)"
        if f.direction == "later":
            return f"Expected completion slipped {f.delta}: {old} → {new}"
        if f.direction == "earlier":
            return f"Expected completion brought forward {f.delta}: {old} → {new}"
        return f"Expected completion: {old} → {new}"
    if f.kind == "title":
        return f"Renamed from “{f.old_text}”" if f.old is not None else "Title added"
    if f.kind == "text":
        if f.new is None or not str(f.new).strip():
            return f"{f.label} removed"
        return _TEXT_NOTES.get(f.key, f"{f.label} changed")
    return f"{f.label}: {f.old_text or '(none)'} → {f.new_text or '(none)'}"


def _titles(plan: Plan) -> dict[str, str]:
    return {n.id: n.title or n.id for n in plan.nodes() if n.kind != "action"}


def since_report(old: Plan, new: Plan, rows: dict[int, ActionRow], rev: str,
                 d: PlanDiff | None = None) -> SinceReport:
    """What changed between `old` (the plan at `rev`) and `new`, per action, with the notes also
    put on the new plan's rows (`rows`, by id() of the node)."""
    d = d or diff_plans(old, new, rev, new.path)
    old_titles, new_titles = _titles(old), _titles(new)
    by_id: dict[str, NodeChange] = {}
    removed: list[NodeChange] = []
    for change in d.actions:
        if change.change == "removed":
            removed.append(change)
        elif change.occurrence == 1:
            by_id.setdefault(change.id, change)
    counts = dict.fromkeys(("status", "slipped", "brought_forward", "added", "removed", "moved",
                            "stale"), 0)
    old_actions: dict[str, Node] = {}
    for a in old.actions():
        old_actions.setdefault(a.id, a)
    entries: list[SinceEntry] = []
    stale: list[ActionRow] = []
    seen: set[str] = set()
    for a in new.actions():
        row = rows.get(id(a))
        if row is None or a.id in seen:
            continue
        seen.add(a.id)
        nc = by_id.get(a.id)
        notes: list[str] = []
        if nc is not None and nc.change == "added":
            counts["added"] += 1
            notes.append(f"New since {rev}")
        elif nc is not None:
            if nc.moved:
                counts["moved"] += 1
                notes.append(_moved_note(nc, old_titles, new_titles))
            for f in nc.fields:
                notes.append(change_note(f))
                if f.kind == "status":
                    counts["status"] += 1
                elif f.kind == "due" and f.direction == "later":
                    counts["slipped"] += 1
                    row.slipped = f.delta or "later"
                elif f.kind == "due" and f.direction == "earlier":
                    counts["brought_forward"] += 1
        rewritten = nc is not None and (nc.change == "added" or nc.field("progress") is not None)
        was = old_actions.get(a.id)
        if not rewritten and was is not None:
            finished_then = old.is_finished(was)
            if not (finished_then and row.finished):
                row.stale = True
                counts["stale"] += 1
                stale.append(row)
        row.changes = notes
        if notes:
            entries.append(SinceEntry(a.id, a.title, nc.change if nc else "changed",
                                      row.programme_title, notes))
    for gone in removed:
        counts["removed"] += 1
        facts = ", ".join(f"{k}: {v}" for k, v in gone.facts.items() if k == "status")
        where = old_titles.get(gone.old_parent, gone.old_parent)
        note = f"Removed since {rev} (was in {where}" + (f"; {facts})" if facts else ")")
        entries.append(SinceEntry(gone.id, gone.title, "removed", where, [note]))
    plan_notes = [f"{f.label}: {f.old_text or '(none)'} → {f.new_text or '(none)'}"
                  for f in d.plan if f.kind != "text"]
    plan_notes += [f"{f.label} changed" for f in d.plan if f.kind == "text"]
    if d.statuses:
        plan_notes.append("Status vocabulary changed: " + ", ".join(
            f"{f.key} ({f.old_text or 'new'} → {f.new_text or 'removed'})" for f in d.statuses))
    if d.fields:
        plan_notes.append("Custom fields changed: " + ", ".join(f.key for f in d.fields))
    return SinceReport(rev, plan_notes, entries, stale, counts)


def _moved_note(n: NodeChange, old_titles: dict[str, str], new_titles: dict[str, str]) -> str:
    old_p = old_titles.get(n.old_parent, n.old_parent or "(none)")
    new_p = new_titles.get(n.new_parent, n.new_parent or "(none)")
    note = f"Moved from {old_p} to {new_p}"
    if n.old_theme != n.new_theme:
        note += (f" (theme {old_titles.get(n.old_theme, n.old_theme)} → "
                 f"{new_titles.get(n.new_theme, n.new_theme)})")
    return note


# -- file names --------------------------------------------------------------------------------
_FILLER = {"progress", "update", "report", "position"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def default_name(data: ReportData, fmt: str) -> str:
    """`blaby-2024-25-mid-year-2024-25.html`: the plan's file name, the reporting point (without
    "progress update"), the period; `-exceptions` for an exceptions report."""
    stem = slug(Path(data.path).stem) or "plan"
    point = [w for w in slug(data.reporting_point).split("-") if w]
    short = [w for w in point if w not in _FILLER] or point
    if set(short) <= set(stem.split("-")):
        short = []  # blaby-2023-24-closure: "Closure Report" says nothing more
    bits = [stem, "-".join(short), slug(data.period)]
    if data.options.exceptions:
        bits.append("exceptions")
    return "-".join(b for b in bits if b) + f".{fmt}"


def extra_keys(actions: list[ActionRow], fields: list[FieldSpec]) -> list[str]:
    """Keys actions use that are neither built in nor declared: kept in the csv, in file order."""
    declared = {f.key for f in fields}
    out: dict[str, None] = {}
    for row in actions:
        for key in row.node.data:
            if key not in BUILT_IN_KEYS and key not in declared:
                out.setdefault(key, None)
    return list(out)
