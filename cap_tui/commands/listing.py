"""`cap list PATH...`: one line per action, for grep and for a manager on a small terminal."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta

from ..plan import Node, Plan
from ..terminal import RAG_STYLE, Out, clip, err, safe
from .common import date_arg, days_arg, default_paths, plan_paths


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="plan files or folders of plans")
    parser.add_argument("--status", metavar="S", action="append",
                        help="only this status (its key or label; repeat for several)")
    parser.add_argument("--lead", metavar="TEXT", help="only leads containing TEXT (any case)")
    parser.add_argument("--overdue", action="store_true", help="only overdue actions")
    parser.add_argument("--due-within", type=days_arg, metavar="DAYS",
                        help="only unfinished actions due within DAYS of today")
    parser.add_argument("--today", type=date_arg, metavar="DATE",
                        help="judge overdue against this date, not the plan's as_of")
    parser.add_argument("--json", action="store_true", help="print JSON for tools")


def _keep(plan: Plan, a: Node, args: argparse.Namespace) -> bool:
    if args.status:
        key = a.text("status")
        st = plan.statuses.get(key)
        wanted = {s.lower() for s in args.status}
        if key.lower() not in wanted and not (st and st.label.lower() in wanted):
            return False
    if args.lead and args.lead.lower() not in a.text("lead").lower():
        return False
    today = args.today or plan.as_of
    if args.overdue and not plan.is_overdue(a, today):
        return False
    if args.due_within is not None:
        due = plan.due(a)
        if (today is None or due is None or due.end is None or plan.is_finished(a)
                or not today <= due.end <= today + timedelta(days=args.due_within)):
            return False
    return True


def run(args: argparse.Namespace) -> int:
    from ..plan import load_plan
    from ..problems import PlanError

    paths = plan_paths(args.paths or default_paths())
    if not paths:
        err("no plan files found")
        return 2
    failed = False
    rows: list[tuple[Plan, Node]] = []
    for path in paths:
        try:
            plan = load_plan(path)
        except PlanError as exc:
            err(exc.problem.format())
            failed = True
            continue
        unknown = [s for s in args.status or () if not _known(plan, s)]
        if unknown and len(paths) == 1:
            err(f"{path}: no status {unknown[0]!r}; this plan's statuses are: "
                + ", ".join(plan.statuses))
            return 2
        rows.extend((plan, a) for a in plan.actions() if _keep(plan, a, args))
    if args.json:
        json.dump({"actions": [_as_json(p, a) for p, a in rows]}, sys.stdout, indent=2,
                  ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _print(Out(), rows, len(paths) > 1)
    return 2 if failed else 0


def _known(plan: Plan, s: str) -> bool:
    s = s.lower()
    return any(k.lower() == s or st.label.lower() == s for k, st in plan.statuses.items())


def _as_json(plan: Plan, a: Node) -> dict[str, object]:
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
        "overdue": plan.is_overdue(a),
        "theme": a.theme.title if a.theme else "",
        "theme_id": a.theme.id if a.theme else "",
        "programme": a.programme.title if a.programme else "",
        "programme_id": a.programme.id if a.programme else "",
    }


def _print(out: Out, rows: list[tuple[Plan, Node]], with_path: bool) -> None:
    if not rows:
        return
    id_w = max(len(safe(a.id)) for _, a in rows)
    st_w = max(len(safe(a.text("status"))) for _, a in rows)
    lead_w = min(max(len(safe(a.text("lead"))) for _, a in rows), 28)
    for plan, a in rows:
        due = plan.due(a)
        due_text = due.label() if due else (safe(a.text("due")) or "-")
        st = plan.status(a)
        overdue = plan.is_overdue(a)
        mark = "!" if overdue else " "
        prefix = f"{plan.path}:" if with_path else ""
        head = f"{prefix}{safe(a.id):<{id_w}}  "
        status = f"{safe(a.text('status')) or '-':<{st_w}}"
        lead = safe(a.text("lead")) or "-"
        title = safe(a.title)
        if out.colour:
            room = out.width - len(head) - st_w - 10 - 2 - lead_w - 4
            lead, title = clip(lead, lead_w), clip(title, max(room, 12))
        out.line(head, (status, RAG_STYLE.get(st.colour, "") if st else "bold red"),
                 f"  {due_text:<10}{mark} {lead:<{lead_w}}  {title}")
