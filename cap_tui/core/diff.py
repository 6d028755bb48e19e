"""What changed between two versions of a plan, by id: the core of `cap diff` and `cap history`.

`diff_plans(old, new)` compares two read plans and returns a `PlanDiff`: plan-level changes (the
as-of date, the reporting point, the status vocabulary, the custom fields), then themes,
programmes and actions matched by id: added, removed, moved to another parent, and each changed
field. Text fields carry a word-level diff. Nothing here prints, imports Textual or tomlkit: the
command line, the editor and tools all render the same result.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from .dates import parse_due
from .model import Node, Plan, value_text
from .shape import NODE_LEVELS, SHAPE, Level
from .vocab import FieldSpec, Status
from .words import plural

TEXT_KEYS = frozenset({"description", "progress", "next_steps", "vision"})
_WORD = re.compile(r"^\s+|\S+\s*")


# -- word diff ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WordOp:
    """A run of a word diff: `=` kept, `-` removed, `+` added. The text keeps its spacing."""

    tag: str
    text: str


def word_diff(old: str, new: str) -> list[WordOp]:
    """The words of `old` and `new` compared (difflib); spacing is taken from the side shown."""
    a = _WORD.findall(old)
    b = _WORD.findall(new)
    sm = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b],
                                 autojunk=False)
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            _append(ops, "=", "".join(b[j1:j2]))
        else:
            if i2 > i1:
                _append(ops, "-", "".join(a[i1:i2]))
            if j2 > j1:
                _append(ops, "+", "".join(b[j1:j2]))
    return ops


def _append(ops: list[WordOp], tag: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1].tag == tag:
        ops[-1] = WordOp(tag, ops[-1].text + text)
    else:
        ops.append(WordOp(tag, text))


def word_pieces(ops: Iterable[WordOp], context: int | None = 8) -> list[tuple[str, str]]:
    """A word diff as (text, tag) pieces ready to show: markers are the renderer's business.

    Spacing is its own `=` piece, so a removed run never ends in a space. With `context`, long
    unchanged runs are cut to that many words either side of a change, with `…` between.
    Line breaks become spaces: a text diff is shown as one flowing paragraph.
    """
    ops = list(ops)
    out: list[tuple[str, str]] = []
    for i, op in enumerate(ops):
        text = op.text
        if op.tag == "=":
            if context is not None:
                text = _cut(text, context, first=i == 0, last=i == len(ops) - 1)
            out.append((_flat(text), "="))
            continue
        body = text.rstrip()
        space = text[len(body):]
        lead = body[: len(body) - len(body.lstrip())]
        if lead:
            out.append((_flat(lead), "="))
        elif out and not out[-1][0].endswith(" ") and not (op.tag == "+" and i and
                                                           ops[i - 1].tag == "-"):
            out.append((" ", "="))
        out.append((_flat(body.lstrip()), op.tag))
        nxt = ops[i + 1] if i + 1 < len(ops) else None
        if op.tag == "-" and nxt is not None and nxt.tag == "+":
            continue  # [-old-]{+new+}: no space between the two
        if space:
            out.append((_flat(space), "="))
    return [p for p in out if p[0]]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text) if ("\n" in text or "\r" in text or "\t" in text) else text


def _cut(text: str, context: int, first: bool, last: bool) -> str:
    words = _WORD.findall(text)
    if first and last:
        return text
    if first:
        return text if len(words) <= context else "… " + "".join(words[-context:])
    if last:
        return text if len(words) <= context else "".join(words[:context]).rstrip() + " …"
    if len(words) <= 2 * context + 1:
        return text
    return "".join(words[:context]) + "… " + "".join(words[-context:])


def has_word_changes(ops: Iterable[WordOp]) -> bool:
    return any(op.tag != "=" for op in ops)


# -- results -----------------------------------------------------------------------------------
@dataclass(slots=True)
class FieldChange:
    """One field that differs. `old`/`new` are the values (None: the field was not there)."""

    key: str
    label: str
    kind: str  # "status", "due", "title", "text", "value", "vocabulary", "field-spec"
    old: Any
    new: Any
    old_text: str
    new_text: str
    direction: str = ""  # due: "later" (slipped), "earlier" (brought forward), "same", ""
    delta: str = ""  # due: "3 months", "12 days"
    words: list[WordOp] = field(default_factory=list)  # text fields
    old_colour: str = ""  # status: the colour hint of each side's status
    new_colour: str = ""

    @property
    def added(self) -> bool:
        return self.old is None

    @property
    def removed(self) -> bool:
        return self.new is None

    def as_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "field": self.key, "label": self.label, "kind": self.kind,
            "old": jsonable(self.old), "new": jsonable(self.new),
            "old_text": self.old_text, "new_text": self.new_text,
        }
        if self.kind == "due":
            doc["direction"] = self.direction
            doc["delta"] = self.delta
        if self.words:
            doc["words"] = [[op.tag, op.text] for op in self.words]
        return doc



def find_field(fields: Iterable[FieldChange], key: str) -> FieldChange | None:
    """The change to one field, among a node's or a commit's changes."""
    return next((f for f in fields if f.key == key), None)


@dataclass(slots=True)
class NodeChange:
    """A theme, programme or action that was added, removed or changed (moved counts)."""

    kind: Level  # THEME, PROGRAMME or ACTION; written to JSON as "theme", ...
    id: str
    title: str  # the new title (the old one when removed)
    change: str  # "added", "removed", "changed"
    old_parent: str = ""  # the id of the programme (action) or theme (programme) it was in
    new_parent: str = ""
    old_theme: str = ""  # actions: the theme of that programme
    new_theme: str = ""
    fields: list[FieldChange] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)  # added/removed: status, due, lead
    occurrence: int = 1  # > 1 for the second node with an id the plan uses twice

    def __post_init__(self) -> None:
        self.kind = Level(self.kind)  # given as a name: "action"

    @property
    def moved(self) -> bool:
        return self.change == "changed" and self.old_parent != self.new_parent

    @property
    def renamed(self) -> bool:
        return any(f.key == "title" for f in self.fields)

    def field(self, key: str) -> FieldChange | None:
        return find_field(self.fields, key)

    def as_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"kind": self.kind.value, "id": self.id, "title": self.title,
                               "change": self.change}
        if self.occurrence > 1:
            doc["occurrence"] = self.occurrence
        if self.kind is not Level.THEME:
            doc["old_parent"] = self.old_parent or None
            doc["new_parent"] = self.new_parent or None
        if self.kind is Level.ACTION:
            doc["old_theme"] = self.old_theme or None
            doc["new_theme"] = self.new_theme or None
        doc["moved"] = self.moved
        doc["fields"] = [f.as_json() for f in self.fields]
        if self.facts:
            doc["facts"] = self.facts
        return doc


@dataclass(slots=True)
class PlanDiff:
    """Everything that differs between two versions of a plan; empty lists when they agree."""

    old_label: str = ""
    new_label: str = ""
    plan: list[FieldChange] = field(default_factory=list)  # [plan] values
    statuses: list[FieldChange] = field(default_factory=list)  # the status vocabulary
    fields: list[FieldChange] = field(default_factory=list)  # [plan.fields] declarations
    themes: list[NodeChange] = field(default_factory=list)
    programmes: list[NodeChange] = field(default_factory=list)
    actions: list[NodeChange] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.plan or self.statuses or self.fields or self.themes or self.programmes
                    or self.actions)

    @property
    def plan_level(self) -> list[FieldChange]:
        return self.plan + self.statuses + self.fields

    def nodes(self) -> Iterator[NodeChange]:
        yield from self.themes
        yield from self.programmes
        yield from self.actions

    def changes(self, kind: str) -> list[NodeChange]:
        """The changes to one level's nodes: the list named by its plural (`themes`, ...)."""
        found: list[NodeChange] = getattr(self, SHAPE[Level(kind)].plural)
        return found

    def counts(self, kind: str = Level.ACTION) -> dict[str, int]:
        c = {"added": 0, "removed": 0, "changed": 0, "moved": 0}
        for n in self.changes(kind):
            if n.change != "changed":
                c[n.change] += 1
            else:
                if n.moved:
                    c["moved"] += 1
                if n.fields:
                    c["changed"] += 1
        return c

    def as_json(self) -> dict[str, Any]:
        return {
            "old": self.old_label,
            "new": self.new_label,
            "same": self.same,
            "counts": {k.value: self.counts(k) for k in NODE_LEVELS},
            Level.PLAN.value: [f.as_json() for f in self.plan],
            "statuses": [f.as_json() for f in self.statuses],
            "fields": [f.as_json() for f in self.fields],
            **{SHAPE[k].plural: [n.as_json() for n in self.changes(k)] for k in NODE_LEVELS},
        }


# -- values ------------------------------------------------------------------------------------
def same_value(a: Any, b: Any) -> bool:
    """Equal as TOML values: 1 is not 1.0 nor true, and nan equals nan."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


display = value_text  # one way to show a value, shared with the editor and the CLI


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


# -- the vocabulary a comparison reads labels from ----------------------------------------------
@dataclass(slots=True)
class Vocabulary:
    """What a version of a plan calls its statuses and custom fields."""

    statuses: dict[str, Status]
    fields: dict[str, FieldSpec]

    @classmethod
    def of(cls, plan: Plan) -> Vocabulary:
        return cls(plan.statuses, plan.custom_fields)

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> Vocabulary:
        return cls.of(Plan("", {Level.PLAN.value: meta}))

    def colour(self, key: Any) -> str:
        st = self.statuses.get(key) if isinstance(key, str) else None
        return st.colour if st else ""

    def status_text(self, key: Any) -> str:
        if not isinstance(key, str):
            return display(key)
        st = self.statuses.get(key)
        return st.label if st else f"{key} (not a status of this plan)"


def _labels(kind: Level, vocab: Vocabulary) -> dict[str, FieldSpec]:
    specs = {f.key: f for f in SHAPE[kind].fields}
    if kind is Level.ACTION:
        for k, spec in vocab.fields.items():
            specs.setdefault(k, spec)
    return specs


def _ordered_keys(kind: Level, old: dict[str, Any], new: dict[str, Any],
                  vocab: Vocabulary) -> list[str]:
    skip = {"id", SHAPE[kind].child_key}
    if kind is Level.PLAN:
        skip |= {"statuses", "fields"}
    order = [f.key for f in SHAPE[kind].fields]
    if kind is Level.ACTION:
        order += list(vocab.fields)
    keys = [k for k in order if (k in old or k in new) and k not in skip]
    seen = set(keys)
    for k in list(new) + list(old):
        if k not in seen and k not in skip:
            keys.append(k)
            seen.add(k)
    return keys


def compare_fields(kind: str, old: dict[str, Any], new: dict[str, Any],
                   old_vocab: Vocabulary, new_vocab: Vocabulary) -> list[FieldChange]:
    """The fields of one node (or the [plan] table) that differ, in the plan's field order.

    `kind` is the node's Level (or its name)."""
    kind = Level(kind)
    specs = _labels(kind, new_vocab)
    old_specs = _labels(kind, old_vocab)
    out: list[FieldChange] = []
    for key in _ordered_keys(kind, old, new, new_vocab):
        a, b = old.get(key), new.get(key)
        if key in old and key in new and same_value(a, b):
            continue
        spec = specs.get(key) or old_specs.get(key)
        label = spec.label if spec else key
        out.append(field_change(kind, key, label, spec, a, b, old_vocab, new_vocab))
    return out


def field_change(kind: str, key: str, label: str, spec: FieldSpec | None, a: Any, b: Any,
                 old_vocab: Vocabulary, new_vocab: Vocabulary) -> FieldChange:
    kind = Level(kind)
    if kind is Level.ACTION and key == "status":
        return FieldChange(key, label, "status", a, b,
                           old_vocab.status_text(a) if a is not None else "",
                           new_vocab.status_text(b) if b is not None else "",
                           old_colour=old_vocab.colour(a), new_colour=new_vocab.colour(b))
    if kind is Level.ACTION and key == "due":
        return due_change(key, label, a, b)
    if key == "title":
        return FieldChange(key, label, "title", a, b, display(a), display(b))
    texty = (isinstance(a, str) or a is None) and (isinstance(b, str) or b is None)
    long = texty and (
        key in TEXT_KEYS or (spec is not None and spec.type == "text")
        or any(isinstance(v, str) and ("\n" in v.strip() or len(v) > 100) for v in (a, b))
    )
    if long:
        return FieldChange(key, label, "text", a, b, display(a), display(b),
                           words=word_diff((a or "").strip(), (b or "").strip()))
    return FieldChange(key, label, "value", a, b, display(a), display(b))


def due_change(key: str, label: str, a: Any, b: Any) -> FieldChange:
    """An expected completion that moved: later (slipped) or earlier (brought forward)."""
    change = FieldChange(key, label, "due", a, b, _due_text(a), _due_text(b))
    try:
        old, new = parse_due(a), parse_due(b)
    except ValueError:
        return change
    if old.end is None or new.end is None:
        return change
    if new.end == old.end:
        change.direction = "same"
        return change
    change.direction = "later" if new.end > old.end else "earlier"
    if old.kind == "month" and new.kind == "month":
        months = abs((new.end.year - old.end.year) * 12 + new.end.month - old.end.month)
        change.delta = plural(months, "month")
    else:
        days = abs((new.end - old.end).days)
        change.delta = plural(days, "day")
    return change


def _due_text(value: Any) -> str:
    if value is None:
        return ""
    try:
        return parse_due(value).label()
    except ValueError:
        return display(value)


# -- plans -------------------------------------------------------------------------------------
def _keyed(nodes: Iterable[Node]) -> dict[tuple[str, int], Node]:
    """Nodes by (id, occurrence): a plan that uses an id twice still compares sensibly."""
    out: dict[tuple[str, int], Node] = {}
    seen: dict[str, int] = {}
    for n in nodes:
        k = seen.get(n.id, 0) + 1
        seen[n.id] = k
        out[(n.id, k)] = n
    return out


def _parent_id(node: Node) -> str:
    return node.parent.id if node.parent is not None and node.parent.kind is not Level.PLAN else ""


def _facts(node: Node, vocab: Vocabulary) -> dict[str, str]:
    if node.kind is not Level.ACTION:
        return {}
    facts = {"status": vocab.status_text(node.data.get("status")) if "status" in node.data
             else "", "due": _due_text(node.data.get("due")), "lead": node.text("lead")}
    return {k: v for k, v in facts.items() if v}


def _compare_nodes(kind: Level, old_nodes: list[Node], new_nodes: list[Node],
                   old_vocab: Vocabulary, new_vocab: Vocabulary) -> list[NodeChange]:
    old = _keyed(old_nodes)
    new = _keyed(new_nodes)
    out: list[NodeChange] = []
    for key, n in new.items():
        o = old.get(key)
        theme = n.theme.id if kind is Level.ACTION and n.theme is not None else ""
        if o is None:
            out.append(NodeChange(kind, n.id, n.title, "added", new_parent=_parent_id(n),
                                  new_theme=theme, facts=_facts(n, new_vocab),
                                  occurrence=key[1]))
            continue
        change = NodeChange(
            kind, n.id, n.title, "changed", _parent_id(o), _parent_id(n),
            o.theme.id if kind is Level.ACTION and o.theme is not None else "", theme,
            compare_fields(kind, o.data, n.data, old_vocab, new_vocab), occurrence=key[1],
        )
        if change.fields or change.moved:
            out.append(change)
    for key, o in old.items():
        if key not in new:
            out.append(NodeChange(
                kind, o.id, o.title, "removed", old_parent=_parent_id(o),
                old_theme=o.theme.id if kind is Level.ACTION and o.theme is not None else "",
                facts=_facts(o, old_vocab), occurrence=key[1]))
    return out


def _status_spec(st: Status | None) -> dict[str, Any] | None:
    if st is None:
        return None
    return {"label": st.label, "colour": st.colour, "finished": st.finished}


def _status_text(st: Status | None) -> str:
    if st is None:
        return ""
    extra = ", ".join(x for x in (st.colour, "finished" if st.finished else "") if x)
    return f"{st.label} ({extra})" if extra else st.label


def _field_spec(spec: FieldSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    doc: dict[str, Any] = {"label": spec.label, "type": spec.type}
    if spec.required:
        doc["required"] = True
    if spec.choices:
        doc["choices"] = list(spec.choices)
    return doc


def _field_text(spec: FieldSpec | None) -> str:
    if spec is None:
        return ""
    bits = [spec.type] + (["required"] if spec.required else [])
    if spec.choices:
        bits.append("choices: " + ", ".join(spec.choices))
    return f"{spec.label} ({'; '.join(bits)})"


def _compare_vocabulary(old: Vocabulary, new: Vocabulary) -> tuple[list[FieldChange],
                                                                    list[FieldChange]]:
    statuses: list[FieldChange] = []
    for key in list(new.statuses) + [k for k in old.statuses if k not in new.statuses]:
        a, b = _status_spec(old.statuses.get(key)), _status_spec(new.statuses.get(key))
        if a != b:
            statuses.append(FieldChange(key, key, "vocabulary", a, b,
                                        _status_text(old.statuses.get(key)),
                                        _status_text(new.statuses.get(key))))
    fields: list[FieldChange] = []
    for key in list(new.fields) + [k for k in old.fields if k not in new.fields]:
        a, b = _field_spec(old.fields.get(key)), _field_spec(new.fields.get(key))
        if a != b:
            fields.append(FieldChange(key, key, "field-spec", a, b,
                                      _field_text(old.fields.get(key)),
                                      _field_text(new.fields.get(key))))
    return statuses, fields


def diff_plans(old: Plan, new: Plan, old_label: str = "", new_label: str = "") -> PlanDiff:
    """Compare two versions of a plan by id. An empty result (`.same`) means they agree."""
    old_vocab, new_vocab = Vocabulary.of(old), Vocabulary.of(new)
    statuses, fields = _compare_vocabulary(old_vocab, new_vocab)
    return PlanDiff(
        old_label or old.path,
        new_label or new.path,
        compare_fields(Level.PLAN, old.meta, new.meta, old_vocab, new_vocab),
        statuses,
        fields,
        _compare_nodes(Level.THEME, old.themes, new.themes, old_vocab, new_vocab),
        _compare_nodes(Level.PROGRAMME, list(old.programmes()), list(new.programmes()),
                       old_vocab, new_vocab),
        _compare_nodes(Level.ACTION, list(old.actions()), list(new.actions()), old_vocab,
                       new_vocab),
    )
