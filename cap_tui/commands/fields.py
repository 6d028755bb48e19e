"""`cap get PATH ID FIELD` and `cap set PATH ID FIELD VALUE`: one field, from a script."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from ..terminal import err, safe


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("path", metavar="PATH", help="the plan file")
    parser.add_argument("id", metavar="ID", help="a theme, programme or action id; `plan` for "
                        "the [plan] table")
    parser.add_argument("field", metavar="FIELD", help="status, due, lead, progress, ...")
    if name == "set":
        parser.add_argument("value", metavar="VALUE", help="the new value ('-' reads stdin)")
    else:
        parser.add_argument("--json", action="store_true", help="print the value as JSON")


def run(args: argparse.Namespace) -> int:
    return _set(args) if args.command == "set" else _get(args)


def _get(args: argparse.Namespace) -> int:
    from ..edits import find_node
    from ..plan import load_plan
    from ..problems import PlanError

    try:
        plan = load_plan(args.path)
    except PlanError as exc:
        err(exc.problem.format())
        return 2
    node = find_node(plan, args.id)
    if node is None:
        err(f"{args.path}: no theme, programme or action has id {args.id!r}")
        return 1
    if args.field not in node.data:
        err(f"{args.path}: {args.id} has no {args.field!r}")
        return 1
    value = node.data[args.field]
    if args.json:
        json.dump(value, sys.stdout, ensure_ascii=False,
                  default=lambda v: v.isoformat() if isinstance(v, date) else str(v))
        sys.stdout.write("\n")
        return 0
    text = node.text(args.field)
    sys.stdout.write((safe(text, one_line=False) if sys.stdout.isatty() else text) + "\n")
    return 0


def _set(args: argparse.Namespace) -> int:
    from ..document import Document, EditError
    from ..edits import find_node, parse_value
    from ..problems import PlanError, Severity
    from ..validate import Checker

    try:
        doc = Document.load(args.path)
    except PlanError as exc:
        err(exc.problem.format())
        return 2
    plan = doc.plan
    node = find_node(plan, args.id)
    if node is None:
        err(f"{args.path}: no theme, programme or action has id {args.id!r}")
        return 1
    text = sys.stdin.read() if args.value == "-" else args.value
    try:
        value = parse_value(plan, node, args.field, text)
    except ValueError as exc:
        line, col = doc.locate(node, args.field)
        err(f"{args.path}:{line}:{col}: error: {exc} [{args.id}.{args.field}]")
        return 1
    old = node.text(args.field)
    try:
        changed = doc.set_field(node, args.field, value)
    except EditError as exc:
        err(f"{args.path}: {exc}")
        return 1
    if not changed:
        return 0
    checker = Checker(plan, doc.locate)
    problems = [p for p in checker.check_node(node) if p.field == args.field]
    if args.field == "id":
        problems += [p for p in checker.check_ids() if p.node_id == node.id]
    errors = [p for p in problems if p.severity is Severity.ERROR]
    for p in problems:
        sys.stderr.write(p.format() + "\n")
    if errors:
        err(f"{args.path}: not saved")
        return 1
    try:
        doc.save()
    except OSError as exc:
        err(f"{args.path}: cannot save: {exc.strerror or exc}")
        return 2
    if sys.stderr.isatty():
        new = node.text(args.field)
        sys.stderr.write(f"{args.id}.{args.field}: {safe(_short(old))} -> {safe(_short(new))}\n")
    return 0


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"
