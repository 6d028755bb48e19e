"""The rules a plan must keep, and the warnings a reviewer would raise.

One checker for everyone: `cap validate`, `cap status`, `cap set` and the editor. Per-node checks
(`check_node`) are separate from whole-plan ones so the editor can re-check only what an edit
touched.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from .dates import parse_due
from .layout import Block, LineIndex, scan
from .model import Node, Plan, is_date
from .problems import PlanError, Problem, Severity
from .shape import SHAPE, Level
from .structure import Place, places
from .vocab import COLOURS, FIELD_TYPES
from .words import plural

ERROR, WARNING = Severity.ERROR, Severity.WARNING
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W_]+")
# a lead that ends where a name cannot: a joining word or mark (a cell cut at its width)
_CUT_SHORT = re.compile(r"(?:(?<![^\s,])(?:&|and|of|for|the)|[,/+(-])\s*$", re.IGNORECASE)
_NEAR_LENGTH = 12  # leads this long or longer are near-duplicates at an edit distance of 2
_ACTION_KEYS = {f.key for f in SHAPE[Level.ACTION].fields}
_PLAN, _THEME = SHAPE[Level.PLAN], SHAPE[Level.THEME]
# what a programme's `kind` may be: the choices of its built-in field
_PROGRAMME_KINDS = next(f.choices for f in SHAPE[Level.PROGRAMME].fields if f.key == "kind")

Locate = Callable[[Node, str], tuple[int, int]]


class Locator:
    """Line and column of a node's field in a file's text, found by scanning it once."""

    def __init__(self, plan: Plan, text: str) -> None:
        self.text = text
        self.blocks: list[Block] = scan(text)
        self.lines = LineIndex(text)
        self._own: dict[Place, Block] = {}
        for block, (place, own) in zip(self.blocks, places(self.blocks), strict=True):
            if place is not None and own:
                self._own[place] = block
        self._places: dict[int, Place] = {}
        for t, theme in enumerate(plan.themes):
            self._places[id(theme)] = (t,)
            for p, programme in enumerate(theme.children):
                self._places[id(programme)] = (t, p)
                for a, action in enumerate(programme.children):
                    self._places[id(action)] = (t, p, a)
        self._places[id(plan.root)] = ()
        self._plan_tables = {
            b.name[1]: b for b in self.blocks
            if len(b.name) == 2 and b.name[:1] == _PLAN.path and not b.is_array
        }

    def __call__(self, node: Node, key: str = "") -> tuple[int, int]:
        place = self._places.get(id(node))
        block = self._own.get(place) if place is not None else None
        if block is None:
            return 1, 1
        if "." in key and node.kind is Level.PLAN:
            # `statuses.done`: that line of [plan.statuses] (or the inline `statuses = {...}`)
            table, sub = key.split(".", 1)
            own = self._plan_tables.get(table)
            if own is not None:
                entry = own.entry(sub)
                return self.lines.line_col(entry.start if entry else own.header)
            key = table
        if key:
            entry = block.entry(key)
            if entry is not None:
                return self.lines.line_col(entry.start)
        return self.lines.line_col(block.header)


def _no_position(node: Node, key: str = "") -> tuple[int, int]:
    return 0, 0


class Checker:
    """Checks nodes of one plan, reporting problems at positions given by `locate`."""

    def __init__(self, plan: Plan, locate: Locate | None = None, today: date | None = None):
        self.plan = plan
        self.locate = locate or _no_position
        self.today = today
        self.statuses = plan.statuses
        self.fields = plan.custom_fields
        self.bounds = plan.period_bounds

    def _p(self, node: Node, key: str, severity: Severity, message: str,
           at: str = "") -> Problem:
        """A problem with a node's field; `at` is a finer place to point at (`statuses.done`)."""
        line, col = self.locate(node, at or key)
        nid = node.id if node.kind is not Level.PLAN else ""
        return Problem(self.plan.path, line, col, severity, message, nid, key)

    # -- the plan table ----------------------------------------------------------------------
    def check_plan(self) -> list[Problem]:
        plan, root = self.plan, self.plan.root
        out: list[Problem] = []
        if not isinstance(plan.data.get(_PLAN.key), dict):
            what = "this file is empty" if not plan.data else "this is not a cap plan"
            out.append(
                Problem(
                    plan.path, 1, 1, ERROR,
                    f"{what}: it has no {_PLAN.header} table (with council, title and as_of)",
                )
            )
            if _PLAN.child_key not in plan.data:
                return out
        else:
            for key, label in (("council", "council"), ("title", "title")):
                value = root.data.get(key)
                if value is None or (isinstance(value, str) and not value.strip()):
                    out.append(self._p(root, key, ERROR, f"the plan has no {label}"))
                elif not isinstance(value, str):
                    out.append(self._p(root, key, ERROR,
                                       f"the plan's {label} must be text, in quotes"))
            as_of = root.data.get("as_of")
            if as_of is None:
                out.append(self._p(root, "as_of", ERROR,
                                   "the plan has no as_of date (e.g. as_of = 2024-11-30)"))
            elif isinstance(as_of, date) and not is_date(as_of):
                out.append(self._p(root, "as_of", ERROR, "as_of must be a date without a time "
                                   "of day, like as_of = 2024-11-30"))
            elif not isinstance(as_of, date):
                out.append(
                    self._p(root, "as_of", ERROR, "as_of must be a date written without quotes, "
                            "like as_of = 2024-11-30")
                )
            for key in ("period_start", "period_end"):
                if key in root.data and not is_date(root.data[key]):
                    out.append(self._p(root, key, ERROR, f"{key} must be a date, like 2024-04-01"))
            period = root.data.get("period")
            if period is not None and not isinstance(period, str):
                out.append(self._p(root, "period", ERROR, 'period must be text, like "2024-25"'))
            elif period and self.bounds is None:  # neither a financial year nor dates
                out.append(self._p(root, "period", WARNING,
                                   f'period "{period}" is not a financial year like "2024-25": '
                                   "give period_start and period_end dates instead"))
            out.extend(self._check_vocabulary())
        themes = plan.data.get(_PLAN.child_key)
        if themes is not None and not (
            isinstance(themes, list) and all(isinstance(t, dict) for t in themes)
        ):
            out.append(Problem(plan.path, 1, 1, ERROR,
                               f"{_THEME.word} must be written as {_THEME.header} tables"))
        return out

    def _check_vocabulary(self) -> list[Problem]:
        root = self.plan.root
        out: list[Problem] = []

        def status(key: str, severity: Severity, message: str) -> None:
            out.append(self._p(root, "statuses", severity, message, at=f"statuses.{key}"))

        def field(key: str, message: str) -> None:
            out.append(self._p(root, "fields", ERROR, message, at=f"fields.{key}"))

        statuses = root.data.get("statuses")
        if statuses is not None:
            if not isinstance(statuses, dict):
                out.append(self._p(root, "statuses", ERROR, "statuses must be a table of statuses"))
            else:
                for key, spec in statuses.items():
                    if not isinstance(spec, dict):
                        status(key, ERROR, f'status "{key}" must be a table with a label')
                        continue
                    if not isinstance(spec.get("label"), str) or not spec["label"].strip():
                        status(key, ERROR, f'status "{key}" has no label')
                    colour = spec.get("colour")
                    if colour is not None and colour not in COLOURS:
                        status(key, WARNING, f'status "{key}" has colour "{colour}", which cap '
                               f"does not know ({', '.join(COLOURS)})")
                    if "finished" in spec and not isinstance(spec["finished"], bool):
                        status(key, ERROR, f'status "{key}": finished must be true or false')
        fields = root.data.get("fields")
        if fields is not None:
            if not isinstance(fields, dict):
                out.append(self._p(root, "fields", ERROR, "fields must be a table of fields"))
            else:
                for key, spec in fields.items():
                    if not isinstance(spec, dict):
                        field(key, f'field "{key}" must be a table with a type')
                        continue
                    ftype = spec.get("type", "line")
                    if ftype not in FIELD_TYPES:
                        field(key, f'field "{key}" has type "{ftype}"; use one of '
                              f"{', '.join(FIELD_TYPES)}")
                    if ftype == "choice" and not isinstance(spec.get("choices"), list):
                        field(key, f'field "{key}" is a choice but lists no choices')
                    if key in _ACTION_KEYS:
                        field(key, f'field "{key}" is built in and cannot be redeclared')
        return out

    # -- themes, programmes and actions ------------------------------------------------------
    def check_node(self, node: Node) -> list[Problem]:
        if node.kind is Level.ACTION:
            return self._check_action(node)
        if node.kind is Level.PLAN:
            return self.check_plan()
        out = self._required_text(node, ("id", "title"))
        if node.kind is Level.PROGRAMME:
            kind = node.data.get("kind")
            if kind is not None and kind not in _PROGRAMME_KINDS:
                allowed = " or ".join(f'"{k}"' for k in _PROGRAMME_KINDS)
                out.append(self._p(node, "kind", ERROR, f'kind must be {allowed}, not "{kind}"'))
        return out

    def _required_text(self, node: Node, keys: Iterable[str]) -> list[Problem]:
        out: list[Problem] = []
        what = SHAPE[node.kind].word  # never the plan's: check_plan words its own messages
        for key in keys:
            value = node.data.get(key)
            if value is None:
                out.append(self._p(node, key, ERROR, f"{what} has no {key}"))
            elif not isinstance(value, str):
                out.append(self._p(node, key, ERROR, f"{what}'s {key} must be text, in quotes"))
            elif not value.strip():
                out.append(self._p(node, key, ERROR, f"{what}'s {key} is empty"))
        for key in ("description", "lead", "progress", "next_steps"):
            value = node.data.get(key)
            if value is not None and not isinstance(value, str) and key not in keys:
                out.append(self._p(node, key, ERROR, f"{what}'s {key} must be text, in quotes"))
        return out

    def _check_action(self, node: Node) -> list[Problem]:
        data = node.data
        out = self._required_text(node, ("id", "title", "lead"))
        lead = data.get("lead")
        if isinstance(lead, str) and (warning := lead_warning(lead)):
            out.append(self._p(node, "lead", WARNING, warning))
        status_key = data.get("status")
        status = None
        if status_key is None:
            out.append(self._p(node, "status", ERROR, "action has no status"))
        elif not isinstance(status_key, str) or status_key not in self.statuses:
            known = ", ".join(self.statuses)
            out.append(self._p(node, "status", ERROR,
                               f'status "{status_key}" is not in the plan\'s vocabulary ({known})'))
        else:
            status = self.statuses[status_key]
        finished = status is not None and status.finished
        due_value = data.get("due")
        if due_value is None:
            if not finished:
                out.append(self._p(node, "due", ERROR,
                                   'action has no expected completion (due = "2025-03", a date '
                                   'or "ongoing")'))
        else:
            try:
                due = parse_due(due_value)
            except ValueError as exc:
                out.append(self._p(node, "due", ERROR, str(exc)))
            else:
                today = self.today or self.plan.as_of
                if due.end is not None and not finished and today is not None and due.end < today:
                    out.append(self._p(node, "due", WARNING,
                                       f"overdue: expected by {due.label()}, and not finished "
                                       f"at {today.isoformat()}"))
                if due.end is not None and self.bounds and due.end < self.bounds[0]:
                    out.append(self._p(node, "due", WARNING,
                                       f"expected completion {due.label()} is before the plan "
                                       f"period starts ({self.bounds[0].isoformat()})"))
        progress = data.get("progress")
        if finished and (progress is None or (isinstance(progress, str) and not progress.strip())):
            out.append(self._p(node, "progress" if progress is not None else "status", WARNING,
                               f'status is "{status.label if status else status_key}" but there '
                               "is no progress update saying what was done"))
        for key, spec in self.fields.items():
            out.extend(self._check_custom(node, key, spec.type, spec.required, spec.choices,
                                          spec.label))
        for key in data:
            if key not in _ACTION_KEYS and key not in self.fields:
                out.append(self._p(node, key, WARNING,
                                   f'unknown field "{key}": declare it under [plan.fields] or '
                                   "check its spelling"))
        return out

    def _check_custom(self, node: Node, key: str, ftype: str, required: bool,
                      choices: tuple[str, ...], label: str) -> list[Problem]:
        value: Any = node.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                return [self._p(node, key, ERROR, f"{label} is required")]
            return []
        bad = None
        if ftype in ("line", "text") and not isinstance(value, str):
            bad = "must be text, in quotes"
        elif ftype == "line" and "\n" in value:
            bad = "must be one line"
        elif ftype == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
            bad = "must be a number, without quotes"
        elif ftype == "date" and not is_date(value):
            bad = "must be a date written without quotes, like 2025-03-31"
        elif ftype == "choice" and value not in choices:
            bad = f'is "{value}", not one of: {", ".join(choices)}'
        return [self._p(node, key, ERROR, f"{label} {bad}")] if bad else []

    # -- the whole plan ----------------------------------------------------------------------
    def check_ids(self) -> list[Problem]:
        seen: dict[str, Node] = {}
        out: list[Problem] = []
        for node in self.plan.nodes():
            nid = node.data.get("id")
            if not isinstance(nid, str) or not nid:
                continue
            first = seen.get(nid)
            if first is None:
                seen[nid] = node
                continue
            line, _ = self.locate(first, "id")
            where = f" (first used at line {line})" if line else ""
            out.append(self._p(node, "id", ERROR, f'id "{nid}" is used twice{where}: ids must '
                               "be unique in a plan"))
        return out

    def check_leads(self) -> list[Problem]:
        """A warning for each lead spelt another way elsewhere in the plan ("Customer Insight"
        and "Customer Insights"), at the first action using the later spelling. Leads are
        grouped by their words (`lead_key`) first, so only the few distinct names are compared
        with each other, never the actions."""
        used: dict[str, list[Node]] = {}  # each spelling (trimmed), with its actions, file order
        for action in self.plan.actions():
            lead = action.data.get("lead")
            if isinstance(lead, str) and lead.strip() and _LETTER.search(lead):
                used.setdefault(lead.strip(), []).append(action)
        out: list[Problem] = []
        for first, later in _near_duplicates(list(used)):
            node, n, m = used[later][0], len(used[later]), len(used[first])
            line, _ = self.locate(used[first][0], "lead")
            where = f", first at line {line}" if line else ""
            out.append(self._p(node, "lead", WARNING,
                               f'lead "{later}" ({_actions(n)}) looks like "{first}" '
                               f"({_actions(m)}{where}): one lead spelt two ways?"))
        return out

    def check_all(self) -> list[Problem]:
        out = self.check_plan()
        for node in self.plan.nodes():
            out.extend(self.check_node(node))
        out.extend(self.check_ids())
        out.extend(self.check_leads())
        return out


def _actions(n: int) -> str:
    return plural(n, "action")


@lru_cache(maxsize=1024)
def lead_warning(lead: str) -> str | None:
    """What looks wrong with a lead's name, if anything. A plan names a few leads on many
    actions: each is looked at once."""
    if lead.strip() and not _LETTER.search(lead):
        return f'lead "{lead}" has no letters in it: who leads this action?'
    if _repeats(lead_words(lead)):
        return f'lead "{lead.strip()}" says the same name twice: was it pasted twice?'
    if cut := _CUT_SHORT.search(lead):
        return f'lead "{lead.strip()}" ends in "{cut.group(0).strip()}": cut short?'
    return None


def lead_words(lead: str) -> list[str]:
    """A lead's words as compared: any case, punctuation and spacing aside, a plural s off."""
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _WORD.findall(lead.lower())]


def _lead_key(lead: str) -> list[str]:
    """The words two spellings of one lead share: a name written twice once, and without a
    last "team" (the Finance Team is Finance)."""
    words = lead_words(lead)
    if _repeats(words):
        words = words[: len(words) // 2]
    return words[:-1] if len(words) > 1 and words[-1] == "team" else words


def _repeats(words: list[str]) -> bool:
    """Whether the words are one name written twice running ("X Team X Team")."""
    half = len(words) // 2
    return half > 0 and len(words) % 2 == 0 and words[:half] == words[half:]


def _near_duplicates(spellings: list[str]) -> list[tuple[str, str]]:
    """(first, later) for each spelling that is another's in all but case, spacing,
    punctuation, a plural s or a last "team" (`_lead_key`), or (both 12 characters or more) at
    most two letters apart; each
    later spelling paired with the first spelling of its group, in the given order."""
    order = {spelling: i for i, spelling in enumerate(spellings)}
    keys: dict[str, str] = {}  # a lead's words -> its first spelling
    pairs: list[tuple[str, str]] = []
    for spelling in spellings:
        key = " ".join(_lead_key(spelling))
        if key in keys:
            pairs.append((keys[key], spelling))
        else:
            keys[key] = spelling
    seen: set[str] = {later for _, later in pairs}
    for a, b in _close_names(list(keys)):
        first, later = sorted((keys[a], keys[b]), key=order.__getitem__)
        if later not in seen:
            pairs.append((first, later))
            seen.add(later)
    return sorted(pairs, key=lambda p: order[p[1]])


def _pieces(n: int) -> list[tuple[int, int]]:
    """Where the five pieces of a name `n` characters long start and end."""
    cuts = [n * k // 5 for k in range(6)]
    return list(itertools.pairwise(cuts))


def _close_names(names: list[str]) -> list[tuple[str, str]]:
    """The pairs of names (12 characters or more) at most two edits apart. Two edits leave at
    least three of a name's five pieces whole, each within two places of where it was, so each
    name is looked up by its pieces (a few dictionary look-ups each) and only the names that
    share three are compared."""
    index: dict[tuple[int, int, str], list[str]] = {}  # (length, piece, its text) -> names
    for name in names:
        if len(name) >= _NEAR_LENGTH:
            for i, (start, end) in enumerate(_pieces(len(name))):
                index.setdefault((len(name), i, name[start:end]), []).append(name)
    out: set[tuple[str, str]] = set()
    for b in (name for name in names if len(name) >= _NEAR_LENGTH):
        shared: dict[str, set[int]] = {}  # a name like b -> which of its pieces b holds
        for n in range(len(b) - 2, len(b) + 3):
            for i, (start, end) in enumerate(_pieces(n)):
                for shift in range(max(-2, -start), 3):
                    for a in index.get((n, i, b[start + shift:end + shift]), ()):
                        shared.setdefault(a, set()).add(i)
        out |= {(min(a, b), max(a, b)) for a, held in shared.items()
                if a != b and len(held) >= 3 and _within_two(a, b)}
    return sorted(out)


def _within_two(a: str, b: str, edits: int = 2) -> bool:
    """Whether at most `edits` insertions, deletions or changes of a letter turn `a` into `b`."""
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:  # what they start with in common
        i += 1
    j = 0
    while j < len(a) - i and j < len(b) - i and a[-1 - j] == b[-1 - j]:  # and end with
        j += 1
    a, b = a[i:len(a) - j], b[i:len(b) - j]
    if not a or not b:
        return max(len(a), len(b)) <= edits
    return edits > 0 and (_within_two(a[1:], b, edits - 1) or _within_two(a, b[1:], edits - 1)
                          or _within_two(a[1:], b[1:], edits - 1))


def validate(plan: Plan, today: date | None = None, positions: bool = True) -> list[Problem]:
    """Every problem of a plan, in file order. Positions need the file's text (a cheap scan)."""
    locate: Locate | None = None
    if positions and plan.source is not None:
        locate = Locator(plan, plan.source.text)
    problems = Checker(plan, locate, today).check_all()
    problems.sort(key=lambda p: (p.line, p.col))
    return problems


def validate_path(path: str, today: date | None = None, positions: bool = True,
                  ) -> tuple[Plan | None, list[Problem]]:
    """Load and check one file; a file that cannot be read gives (None, [its problem])."""
    from .model import load_plan

    try:
        plan = load_plan(path)
    except PlanError as exc:
        return None, [exc.problem]
    return plan, validate(plan, today, positions)
