"""`cap list PATH...`: one line per action, for grep and for a manager on a small terminal."""

from __future__ import annotations

import argparse
from datetime import date

from ..core.filters import ActionFilter
from ..core.model import Node, Plan
from ..render.terminal import RAG_STYLE, Out, clip, err, safe, write_json
from .common import date_arg, days_arg, default_paths, not_a_plan, plan_paths, report


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders of plans")
    parser.add_argument("--status", metavar="S", action="append",
                        help="only this status (its key or label; repeat for several)")
    parser.add_argument("--lead", metavar="TEXT", help="only leads containing TEXT (any case)")
    parser.add_argument("--overdue", action="store_true",
                        help="only overdue actions (the list marks them with !)")
    parser.add_argument("--due-within", type=days_arg, metavar="DAYS",
                        help="only unfinished actions due within DAYS of today")
    parser.add_argument("--today", type=date_arg, metavar="DATE",
                        help="judge overdue against this date, not the plan's as_of")
    parser.add_argument("--json", action="store_true", help="print JSON for tools")


def run(args: argparse.Namespace, out: Out | None = None) -> int:
    """`out`: where lines go (stdout, coloured on a terminal); tests pass their own."""
    from ..core.model import load_plan
    from ..core.problems import PlanError

    out = out or Out()
    paths = plan_paths(args.paths or default_paths())
    if not paths:
        err("no plan files found")
        return 2
    code = 0
    rows: list[tuple[Plan, Node]] = []
    for path in paths:
        try:
            plan = load_plan(path)
        except PlanError as exc:
            report(exc.problem)
            code = 2
            continue
        bad = not_a_plan(plan)
        if bad is not None:
            report(bad)
            code = code or 1
            continue
        unknown = [s for s in args.status or () if not _known(plan, s)]
        if unknown and len(paths) == 1:
            err(f'{safe(path)}: no status "{safe(unknown[0])}"; this plan\'s statuses are: '
                + ", ".join(safe(k) for k in plan.statuses))
            return 2
        keep = ActionFilter(plan, args.status or (), [args.lead] if args.lead else (),
                            args.overdue, args.due_within, today=args.today)
        rows.extend((plan, a) for a in plan.actions() if keep(a))
    if args.json:
        write_json(out.stream, {"actions": [_as_json(p, a, args.today) for p, a in rows]})
    else:
        _print(out, rows, len(paths) > 1, args.today)
    return code


def _known(plan: Plan, s: str) -> bool:
    s = s.lower()
    return any(k.lower() == s or st.label.lower() == s for k, st in plan.statuses.items())


def _as_json(plan: Plan, a: Node, today: date | None) -> dict[str, object]:
    due = plan.due(a)
    st = plan.status(a)
    return {
        "path": plan.path,
        "id": a.id,
        "title": a.title,
        "lead": a.text("lead"),
        "due": due.label() if due else (a.text("due") or None),
        "due_end": due.end.isoformat() if due and due.end else None,
        "status": a.text("status"),
        "status_label": st.label if st else None,
        "finished": bool(st and st.finished),
        "overdue": plan.is_overdue(a, today),
        "theme": a.theme.title if a.theme else "",
        "theme_id": a.theme.id if a.theme else "",
        "programme": a.programme.title if a.programme else "",
        "programme_id": a.programme.id if a.programme else "",
    }


def _print(out: Out, rows: list[tuple[Plan, Node]], with_path: bool,
           today: date | None) -> None:
    if not rows:
        return

    def name(plan: Plan, a: Node) -> str:  # `path:ID` when several files, as grep writes it
        return f"{safe(plan.path)}:{safe(a.id)}" if with_path else safe(a.id)

    id_w = max(len(name(p, a)) for p, a in rows)
    st_w = max(len(safe(a.text("status")) or "-") for _, a in rows)
    lead_w = min(max(len(safe(a.text("lead")) or "-") for _, a in rows), 28)
    # on a terminal each action takes one screen line: the lead gets at most 2/5 of the room
    room = out.width - id_w - st_w - 19
    if out.tty:
        lead_w = min(lead_w, max(room * 2 // 5, 8))
    for plan, a in rows:
        due = plan.due(a)
        due_text = due.label() if due else (safe(a.text("due")) or "-")
        st = plan.status(a)
        mark = "!" if plan.is_overdue(a, today) else " "
        lead = safe(a.text("lead")) or "-"
        title = safe(a.title)
        if out.tty:  # piped, lines stay whole, for grep
            lead, title = clip(lead, lead_w), clip(title, max(room - lead_w, 12))
            due_text = clip(due_text, 10)
        out.line(f"{name(plan, a):<{id_w}}  ",
                 (f"{safe(a.text('status')) or '-':<{st_w}}",
                  RAG_STYLE.get(st.colour, "") if st else "bold red"),
                 f"  {due_text:<10} {mark} {lead:<{lead_w}}  {title}")
