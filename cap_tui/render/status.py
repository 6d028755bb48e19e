"""`cap status` output: where each plan stands, in 80 columns (coloured on a terminal), or JSON.

Plan text (titles, leads, labels) is made safe (terminal.safe) and clipped, never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, NamedTuple

from ..core.model import Node, Plan
from ..core.summary import Summary, Tally
from .terminal import RAG_STYLE, Out, clip, count, safe, write_json


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


def _percent(part: int, whole: int) -> int:
    """A whole percentage, rounding halves up (1 of 8 is 13%, as a person would say)."""
    return (200 * part + whole) // (2 * whole) if whole else 0


def _pct(t: Tally, n: int) -> str:
    return f"{_percent(n, t.total):3d}%"


def _headline(out: Out, total: int, finished: int, overdue: int, soon: int, within: int,
              w: int) -> None:
    out.line(
        clip(f"{count(total, 'action')} · {finished} finished ({_percent(finished, total)}%) · ",
             w),
        (f"{overdue} overdue", "bold red" if overdue else ""),
        f" · {soon} due within {count(within, 'day')}",
    )


def _problems_line(out: Out, errors: int, warnings: int, path: str, w: int) -> None:
    if not errors and not warnings:
        out.line("No errors or warnings")
        return
    text = f"{count(errors, 'error')}, {count(warnings, 'warning')}"
    hint = f" (see cap validate {path})" if path else ""
    out.line((text, "red" if errors else "yellow"), clip(hint, max(w - len(text), 0)))


def _plan(out: Out, s: Summary, errors: int, warnings: int, within: int) -> None:
    plan, t, w = s.plan, s.overall, min(out.width, 100)
    title = " · ".join(x for x in (safe(plan.council), safe(plan.title)) if x) or safe(plan.path)
    out.line((clip(title, w), "bold"))
    if s.today is None:
        when = "no as_of date"
    elif plan.as_of is not None and s.today != plan.as_of:
        when = f"as of {plan.as_of.isoformat()}, judged at {s.today.isoformat()}"
    else:
        when = f"as of {s.today.isoformat()}"
    point = plan.meta.get("reporting_point")
    point = safe(point) if isinstance(point, str) else ""
    out.line(clip(" · ".join(x for x in (point, when, safe(plan.path)) if x), w))
    _headline(out, t.total, t.finished, len(t.overdue), len(t.due_soon), within, w)
    _problems_line(out, errors, warnings, safe(plan.path), w)
    out.line("")
    label_w = min(max((len(st.label) for st in s.statuses.values()), default=10), 34)
    bar_w = max(w - label_w - 16, 10)
    rows = [(safe(st.label), t.by_status.get(key, 0), RAG_STYLE.get(st.colour, ""))
            for key, st in s.statuses.items()]
    rows.append(("No valid status", t.by_status.get("?", 0), "bold red"))
    for label, n, style in rows:
        if not n:
            continue
        bar = "#" * max(round(bar_w * n / t.total), 1)
        out.line(f"  {clip(label, label_w):<{label_w}} {n:>4} {_pct(t, n)}  ", (bar, style))
    _actions(out, "Overdue", t.overdue, plan, w)
    _actions(out, f"Due within {count(within, 'day')}", t.due_soon, plan, w)
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
    id_w = min(max(len(safe(a.id)) for a in actions), 12)
    due_w = max(len(d) for d in dues)
    leads = [safe(a.text("lead")).strip() or "(no lead)" for a in actions]
    lead_w = min(max(len(x) for x in leads), 24)
    for a, due_text, lead in zip(actions, dues, leads, strict=True):
        head = (f"  {clip(safe(a.id), id_w):<{id_w}}  {due_text:<{due_w}}  "
                f"{clip(lead, lead_w):<{lead_w}}  ")
        out.line(head, (clip(safe(a.title), max(w - len(head), 10)), ""))


def _groups(out: Out, s: Summary, w: int) -> None:
    out.line("")
    name_w = max(w - 42, 20)
    out.line((f"  {'By ' + s.group_by:<{name_w}} {'actions':>7} {'finished':>9} "
              f"{'overdue':>8} {'due soon':>9}", "bold"))
    for name, g in sorted(s.groups.items(), key=lambda kv: kv[0].lower()):
        out.line(f"  {clip(safe(name), name_w):<{name_w}} {g.total:>7} "
                 f"{g.finished:>4} {_pct(g, g.finished)} {len(g.overdue):>8} "
                 f"{len(g.due_soon):>9}")


def _total(out: Out, results: Sequence[PlanStatus], within: int) -> None:
    w = min(out.width, 100)
    total = sum(s.overall.total for s, _, _ in results)
    finished = sum(s.overall.finished for s, _, _ in results)
    overdue = sum(len(s.overall.overdue) for s, _, _ in results)
    soon = sum(len(s.overall.due_soon) for s, _, _ in results)
    errors = sum(e for _, e, _ in results)
    warnings = sum(n for _, _, n in results)
    out.line("")
    out.line((f"All {len(results)} plans", "bold"))
    _headline(out, total, finished, overdue, soon, within, w)
    _problems_line(out, errors, warnings, "", w)


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
