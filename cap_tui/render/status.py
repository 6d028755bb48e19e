"""`cap status` output: where each plan stands, in 80 columns (coloured on a terminal), or JSON.

Plan text (titles, leads, labels) is made safe (terminal.safe), never interpreted; on a terminal
it is clipped to the screen's width, in a pipe never cut (terminal.Out.fit).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, NamedTuple

from ..core.model import Node, Plan
from ..core.summary import UNKNOWN, Summary, percent, status_label
from .terminal import RAG_STYLE, Cell, Out, clip, plural, safe, write_json


class PlanStatus(NamedTuple):
    """One plan's summary and how many problems `cap validate` would report in it."""

    summary: Summary
    errors: int
    warnings: int


# -- text --------------------------------------------------------------------------------------
def write_status(out: Out, results: Sequence[PlanStatus], within: int) -> None:
    """Each plan in turn, then the totals when there are several."""
    for i, (s, e, w) in enumerate(results):
        if i:
            out.line("")
        _plan(out, s, e, w, within)
    if len(results) > 1:
        _total(out, results, within)


def _headline(out: Out, total: int, finished: int, overdue: int, soon: int, within: int) -> None:
    out.line(
        f"{plural(total, 'action')} · {finished} finished ({percent(finished, total)}%) · ",
        (f"{overdue} overdue", "bold red" if overdue else ""),
        f" · {soon} due within {plural(within, 'day')}",
    )


def _problems_line(out: Out, errors: int, warnings: int, path: str, w: int) -> None:
    if not errors and not warnings:
        out.line("No errors or warnings")
        return
    text = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
    hint = f" (see cap validate {path})" if path else ""
    out.line((text, "red" if errors else "yellow"), clip(hint, w - len(text)) if out.tty else hint)


def _lines(out: Out, text: str, w: int, style: str = "") -> None:
    """A line of plan text: clipped on a terminal, whole (or wrapped to COLUMNS) in a pipe."""
    for part in out.fit(text, w):
        out.line((part, style))


def _plan(out: Out, s: Summary, errors: int, warnings: int, within: int) -> None:
    plan, t, w = s.plan, s.overall, min(out.width, 100)
    title = " · ".join(x for x in (safe(plan.council), safe(plan.title)) if x) or safe(plan.path)
    _lines(out, title, w, "bold")
    if s.today is None:
        when = "no as_of date"
    elif plan.as_of is not None and s.today != plan.as_of:
        when = f"as of {plan.as_of.isoformat()}, judged at {s.today.isoformat()}"
    else:
        when = f"as of {s.today.isoformat()}"
    point = plan.meta.get("reporting_point")
    point = safe(point) if isinstance(point, str) else ""
    _lines(out, " · ".join(x for x in (point, when, safe(plan.path)) if x), w)
    _headline(out, t.total, t.finished, len(t.overdue), len(t.due_soon), within)
    _problems_line(out, errors, warnings, safe(plan.path), w)
    out.line("")
    rows = [(safe(st.label), t.by_status.get(key, 0), RAG_STYLE.get(st.colour, ""))
            for key, st in s.statuses.items()]
    rows.append((UNKNOWN.label, t.by_status.get(UNKNOWN.key, 0), "bold red"))
    rows = [r for r in rows if r[1]]
    label_w = out.span((label for label, _, _ in rows), 34, 10)
    bar_w = max(w - label_w - 16, 10)
    for label, n, style in rows:
        bar = "#" * max(round(bar_w * n / t.total), 1)
        out.row(Cell(label, label_w), Cell(str(n), 4, True), Cell(f"{percent(n, t.total)}%", 4,
                True), Cell(bar, style=style, before="  "), indent="  ", gap=" ", width=w)
    _actions(out, "Overdue", t.overdue, plan, w)
    _actions(out, f"Due within {plural(within, 'day')}", t.due_soon, plan, w)
    if s.group_by:
        _groups(out, s, w)


def _actions(out: Out, heading: str, actions: list[Node], plan: Plan, w: int) -> None:
    if not actions:
        return
    out.line("")
    out.line((f"{heading} ({len(actions)})", "bold"))
    dues = []
    for a in actions:
        due = plan.due(a)
        dues.append(due.label() if due else "?")
    ids = [safe(a.id) for a in actions]
    leads = [safe(a.text("lead")).strip() or "(no lead)" for a in actions]
    id_w, due_w, lead_w = out.span(ids, 12), out.span(dues, 10), out.span(leads, 24)
    for a, nid, due_text, lead in zip(actions, ids, dues, leads, strict=True):
        out.row(Cell(nid, id_w), Cell(due_text, due_w), Cell(lead, lead_w), Cell(safe(a.title)),
                indent="  ", width=w)


def _groups(out: Out, s: Summary, w: int) -> None:
    """`--by lead` (theme, programme): each group's count per status (the plan's labels that
    occur, in the vocabulary's order), its total and how many are overdue."""
    t = s.overall
    keys = [k for k in (*s.statuses, UNKNOWN.key) if t.by_status.get(k)]
    heads = [_heading(status_label(s.statuses, k)) for k in keys]
    heads += [["total"], ["overdue"]]
    widths = [max(max(len(x) for x in h), 4) for h in heads]
    names = sorted(s.groups, key=str.lower)
    shown = [safe(n) for n in names]
    room = w - 2 - sum(x + 1 for x in widths)
    name_w = out.span([*shown, "By " + s.group_by], max(room, 16), 12)
    depth = max(len(h) for h in heads)
    out.line("")
    for i in range(depth):
        cells = [Cell(("By " + s.group_by) if i == depth - 1 else "", name_w, style="bold")]
        cells += [Cell(_line_of(h, i, depth), x, True, "bold") for h, x in zip(heads, widths,
                                                                             strict=True)]
        out.row(*cells, indent="  ", gap=" ")
    for name, text in zip(names, shown, strict=True):
        g = s.groups[name]
        counts = [g.by_status.get(k, 0) for k in keys]
        counts += [g.total, len(g.overdue)]
        out.row(Cell(text, name_w), *(Cell(str(n), x, True) for n, x in zip(counts, widths,
                                                                           strict=True)),
                indent="  ", gap=" ")


def _heading(label: str) -> list[str]:
    """A status label as a column's heading: whole, on as many lines as its words need to keep
    the column narrow (`Achieved or On-Target` in 9 columns)."""
    import textwrap

    label = safe(label)
    longest = max((len(word) for word in label.split()), default=1)
    return textwrap.wrap(label, max(longest, 7), break_on_hyphens=False) or [label]


def _line_of(heading: list[str], i: int, depth: int) -> str:
    """Line `i` of `depth` heading lines, the heading at the bottom, next to the numbers."""
    j = i - (depth - len(heading))
    return heading[j] if j >= 0 else ""


def _total(out: Out, results: Sequence[PlanStatus], within: int) -> None:
    total = sum(s.overall.total for s, _, _ in results)
    finished = sum(s.overall.finished for s, _, _ in results)
    overdue = sum(len(s.overall.overdue) for s, _, _ in results)
    soon = sum(len(s.overall.due_soon) for s, _, _ in results)
    errors = sum(e for _, e, _ in results)
    warnings = sum(n for _, _, n in results)
    out.line("")
    out.line((f"All {len(results)} plans", "bold"))
    _headline(out, total, finished, overdue, soon, within)
    _problems_line(out, errors, warnings, "", min(out.width, 100))


# -- JSON --------------------------------------------------------------------------------------
def write_status_json(stream: IO[str], results: Sequence[PlanStatus], within: int) -> None:
    """`{"plans": [...]}`: the same facts as the text, exactly (dates ISO, plan text as is)."""
    write_json(stream, {"plans": [_as_json(s, e, w, within) for s, e, w in results]})


def _action_json(plan: Plan, a: Node) -> dict[str, object]:
    due = plan.due(a)
    return {"id": a.id, "title": a.title, "lead": a.text("lead"),
            "due": due.label() if due else a.text("due")}


def _as_json(s: Summary, errors: int, warnings: int, within: int) -> dict[str, object]:
    plan, t = s.plan, s.overall
    doc: dict[str, object] = {
        "path": plan.path,
        "council": plan.council,
        "title": plan.title,
        "period": plan.period,
        "as_of": plan.as_of.isoformat() if plan.as_of else None,
        "today": s.today.isoformat() if s.today else None,
        "actions": t.total,
        "by_status": dict(t.by_status.items()),
        "statuses": {k: {"label": st.label, "finished": st.finished, "colour": st.colour}
                     for k, st in s.statuses.items()},
        "finished": t.finished,
        "overdue": [_action_json(plan, a) for a in t.overdue],
        "due_soon": [_action_json(plan, a) for a in t.due_soon],
        "due_within_days": within,
        "errors": errors,
        "warnings": warnings,
    }
    if s.group_by:
        doc["by"] = s.group_by
        doc["groups"] = [
            {"name": name, "actions": g.total, "by_status": g.by_status, "finished": g.finished,
             "overdue": len(g.overdue), "due_soon": len(g.due_soon)}
            for name, g in s.groups.items()
        ]
    return doc
