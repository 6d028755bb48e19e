"""`cap status PATH...`: where the plans stand, in 80 columns, or as JSON."""

from __future__ import annotations

import argparse
import json
import sys

from ..plan import Node, Plan
from ..problems import Severity
from ..summary import DUE_SOON_DAYS, Summary, Tally, summarise
from ..terminal import RAG_STYLE, Out, clip, err, safe
from .common import date_arg, days_arg, default_paths, plan_paths


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders of plans")
    parser.add_argument("--by", choices=("theme", "lead", "programme"),
                        help="the same counts for each theme, lead or programme")
    parser.add_argument("--today", type=date_arg, metavar="DATE",
                        help="judge overdue against this date, not the plan's as_of")
    parser.add_argument("--due-within", type=days_arg, default=DUE_SOON_DAYS, metavar="DAYS",
                        help=f"what counts as due soon (default {DUE_SOON_DAYS} days)")
    parser.add_argument("--json", action="store_true", help="print JSON for tools")


def run(args: argparse.Namespace) -> int:
    from ..validate import validate_path

    paths = plan_paths(args.paths or default_paths())
    if not paths:
        err("no plan files found")
        return 2
    out = Out()
    failed = False
    results = []
    for path in paths:
        plan, problems = validate_path(path, args.today)
        if plan is None:
            failed = True
            err(problems[0].format())
            continue
        s = summarise(plan, args.today, args.due_within, args.by or "")
        errors = sum(p.severity is Severity.ERROR for p in problems)
        results.append((s, errors, len(problems) - errors))
    if args.json:
        doc = {"plans": [_as_json(s, e, w, args.due_within) for s, e, w in results]}
        json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for i, (s, e, w) in enumerate(results):
            if i:
                out.line("")
            _print(out, s, e, w, args.due_within)
        if len(results) > 1:
            _print_total(out, results)
    return 2 if failed else 0


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
        "by_status": {k: v for k, v in t.by_status.items()},
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


def _pct(t: Tally, n: int) -> str:
    return f"{t.percent(n):3.0f}%"


def _print(out: Out, s: Summary, errors: int, warnings: int, within: int) -> None:
    plan, t, w = s.plan, s.overall, min(out.width, 100)
    title = " · ".join(x for x in (safe(plan.council), safe(plan.title)) if x) or plan.path
    out.line((clip(title, w), "bold"))
    when = f"as of {s.today.isoformat()}" if s.today else "no as_of date"
    point = safe(plan.meta.get("reporting_point", "")) if isinstance(
        plan.meta.get("reporting_point"), str) else ""
    out.line(clip(" · ".join(x for x in (point, when, plan.path) if x), w))
    problems = f"{errors} errors, {warnings} warnings"
    out.line(
        f"{t.total} actions · {t.finished} finished ({_pct(t, t.finished).strip()}) · ",
        (f"{len(t.overdue)} overdue", "bold red" if t.overdue else ""),
        f" · {len(t.due_soon)} due within {within} days · ",
        (problems, "red" if errors else ("yellow" if warnings else "")),
    )
    out.line("")
    label_w = min(max((len(st.label) for st in s.statuses.values()), default=10), 34)
    bar_w = max(w - label_w - 16, 10)
    for key, st in s.statuses.items():
        n = t.by_status.get(key, 0)
        if not n:
            continue
        bar = "#" * round(bar_w * n / t.total) if t.total else ""
        style = RAG_STYLE.get(st.colour, "")
        out.line(f"  {clip(safe(st.label), label_w):<{label_w}} {n:>4} {_pct(t, n)}  ",
                 (bar, style))
    unknown = t.by_status.get("?", 0)
    if unknown:
        out.line(f"  {'No valid status':<{label_w}} {unknown:>4} {_pct(t, unknown)}")
    _print_actions(out, "Overdue", t.overdue, plan, w)
    _print_actions(out, f"Due within {within} days", t.due_soon, plan, w)
    if s.group_by:
        _print_groups(out, s, w)


def _print_actions(out: Out, heading: str, actions: list[Node], plan: Plan, w: int) -> None:
    if not actions:
        return
    out.line("")
    out.line((f"{heading} ({len(actions)})", "bold"))
    id_w = min(max(len(a.id) for a in actions), 12)
    for a in actions:
        due = plan.due(a)
        due_text = due.label() if due else "?"
        lead = clip(safe(a.text("lead")) or "(no lead)", 24)
        room = w - id_w - len(due_text) - len(lead) - 8
        out.line(f"  {clip(safe(a.id), id_w):<{id_w}}  {due_text}  ",
                 (clip(safe(a.title), max(room, 10)), ""), f"  ({lead})")


def _print_groups(out: Out, s: Summary, w: int) -> None:
    out.line("")
    name_w = max(w - 42, 20)
    out.line((f"  {'By ' + s.group_by:<{name_w}} {'actions':>7} {'finished':>9} "
              f"{'overdue':>8} {'due soon':>9}", "bold"))
    for name, g in sorted(s.groups.items(), key=lambda kv: kv[0].lower()):
        out.line(f"  {clip(safe(name), name_w):<{name_w}} {g.total:>7} "
                 f"{g.finished:>4} {_pct(g, g.finished)} {len(g.overdue):>8} "
                 f"{len(g.due_soon):>9}")


def _print_total(out: Out, results: list[tuple[Summary, int, int]]) -> None:
    total = sum(s.overall.total for s, _, _ in results)
    finished = sum(s.overall.finished for s, _, _ in results)
    overdue = sum(len(s.overall.overdue) for s, _, _ in results)
    soon = sum(len(s.overall.due_soon) for s, _, _ in results)
    errors = sum(e for _, e, _ in results)
    pct = f"{100 * finished / total:.0f}%" if total else "0%"
    out.line("")
    out.line((f"All {len(results)} plans: {total} actions · {finished} finished ({pct}) · "
              f"{overdue} overdue · {soon} due soon · {errors} errors", "bold"))


