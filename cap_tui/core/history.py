"""How actions changed through a plan file's git history: the core of `cap history`.

`action_history(repo, path, id)` gives one entry per commit that changed the action (added,
removed, moved, a field changed), oldest first; `history_all(repo, path)` gives every action's
timeline (how its status moved, how often its expected completion slipped).

Speed on a long history of a big plan comes from three things:
- git is run three times in all, whatever the length of the history: `git log --follow` (and a
  `git log --merges`) for the commits, one `git cat-file --batch-check` for the file's blob in
  each commit and its parents, one `git cat-file --batch` for the blobs' bytes;
- a blob seen twice (a parent is usually the previous commit) is read into a `Version` once;
- a version is never parsed whole when it need not be: the file is cut at its table headers and
  each table is parsed on its own, cached by its bytes, so a table unchanged since the last
  version costs a comparison of bytes; for one action, only the tables that could hold its id
  (and the themes and programmes around it) are parsed at all.
Whenever the shortcut cannot be sure of its answer (a header written in an unusual way, a line
inside a string that looks like a header, a sub-table), that version is parsed whole with tomllib
instead, so the result is always what tomllib reads.
"""

from __future__ import annotations

import tomllib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from .dates import parse_due
from .diff import FieldChange, Vocabulary, compare_fields, find_field, same_value
from .gitio import CatFile, Commit, GitError, file_log, locate, resolve
from .model import Plan
from .problems import PlanError
from .shape import NODE_LEVELS, SHAPE, Level
from .source import decode, parse_toml

_BOM = b"\xef\xbb\xbf"
_Table = tuple[Level, dict[str, Any], str]  # its level, the table (without children), its id
# a node's piece of the file, cut at "\n[": its header without the first "[", b"[theme]]"
_HEADS = {level: SHAPE[level].header[1:].encode() for level in NODE_LEVELS}
_ACTION_HEAD = _HEADS[Level.ACTION]
_PLAN_KEYS = {Level.PLAN.value}  # the keys of a file of [plan...] tables alone
_TOP_KEYS = {Level.PLAN.value, SHAPE[Level.PLAN].child_key}  # a plan's top level: plan, theme


class ActionRec(NamedTuple):
    """An action in one version: its table (shared between versions while unchanged) and place."""

    data: dict[str, Any]
    programme: str
    theme: str


@dataclass(slots=True)
class Version:
    """One version (blob) of the plan file, reduced to what history needs."""

    meta: dict[str, Any] = field(default_factory=dict)
    actions: dict[str, ActionRec] = field(default_factory=dict)  # first action with each id
    order: list[str] = field(default_factory=list)  # action ids in file order (whole reads)
    error: str = ""  # the file does not parse here: why, with line and column
    exists: bool = True
    _vocab: Vocabulary | None = None

    @property
    def vocab(self) -> Vocabulary:
        if self._vocab is None:
            self._vocab = Vocabulary.from_meta(self.meta)
        return self._vocab


MISSING = Version(exists=False)


def _id(data: dict[str, Any]) -> str:
    value = data.get("id", "")
    return value if isinstance(value, str) else str(value)


class Reader:
    """Turns blobs into Versions, remembering every table it has parsed by its bytes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._tables: dict[bytes, _Table | None] = {}
        self._recs: dict[bytes, ActionRec] = {}  # the last record made of each action table
        self._last_parts: list[bytes] = []
        self._last_text = b""
        self._last_ends: list[int] = []
        self._skipped: set[bytes] = set()  # action tables that cannot hold an id asked for
        self._metas: dict[bytes, dict[str, Any] | None] = {}
        self._vocabs: dict[int, tuple[dict[str, Any], Vocabulary]] = {}
        self.whole_reads = 0  # versions that needed a whole tomllib parse (for tests)

    def version(self, raw: bytes, only: frozenset[str] | None = None) -> Version:
        """The version of a blob: every action, or only those with an id in `only`."""
        if raw.startswith(_BOM):
            raw = raw[3:]
        # every header is found as "\n[": a file starting with one gets a newline in front
        text = b"\n" + raw if raw.lstrip(b" \t").startswith(b"[") else raw
        v = self._split(text, only)
        if v is None:
            v = self._whole(raw, only)
        if not v.error:
            entry = self._vocabs.get(id(v.meta))
            if entry is None or entry[0] is not v.meta:
                entry = self._vocabs[id(v.meta)] = (v.meta, Vocabulary.from_meta(v.meta))
            v._vocab = entry[1]
        return v

    # -- one table at a time -----------------------------------------------------------------
    def _table(self, part: bytes) -> _Table | None:
        """A piece of the file from one `[[...]]` header (without its leading "[") to the next.

        (its level, its table, its id) or None when it is anything else or does not parse on
        its own.
        """
        try:
            return self._tables[part]
        except KeyError:
            pass
        result: _Table | None = None
        try:
            data = tomllib.loads("[" + part.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            data = None
        if data is not None and part.startswith(b"["):
            result = _one_node(data)
        self._tables[part] = result
        return result

    def _meta(self, chunk: bytes) -> dict[str, Any] | None:
        """The [plan] table from the file's `[plan...]` tables (and comments), or None."""
        try:
            return self._metas[chunk]
        except KeyError:
            pass
        result: dict[str, Any] | None = None
        try:
            data = tomllib.loads(chunk.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            data = None
        if data is not None and set(data) <= _PLAN_KEYS:
            plan = data.get(Level.PLAN.value, {})
            result = plan if isinstance(plan, dict) else None
        self._metas[chunk] = result
        return result

    # -- every action: cut the file at its headers -------------------------------------------
    def _parts(self, text: bytes) -> list[bytes]:
        """`text.split(b"\\n[")`, reusing the last version's pieces where they are unchanged.

        Runs of the last version's pieces are checked in one memcmp each (`startswith` of a
        memoryview), doubling the run while it holds and halving it where it does not, so an
        unchanged stretch of a big file costs a few comparisons, not one per table, and reused
        pieces keep their cached hash and parsed table. A piece that is new is cut out on its
        own; after two in a row (an insertion or a deletion), the walk finds its place in the
        last version again by looking the piece up.
        """
        prev, last = self._last_parts, self._last_text
        if not prev:
            whole = text.split(b"\n[")
            self._last_parts, self._last_text = whole, text
            self._last_ends = list(accumulate(map(len, whole)))
            return whole
        ends = self._last_ends  # ends[i]: length of pieces 0..i, without the separators

        def start(i: int) -> int:  # where piece i starts in the last text
            return (ends[i - 1] if i else 0) + 2 * i

        view = memoryview(last)
        parts: list[bytes] = []
        index: dict[bytes, int] | None = None
        i, n, off, size = 0, len(prev), 0, len(text)
        starts = text.startswith
        run, missed = 64, False
        while True:
            k = min(run, n - i)
            matched = False
            while k >= 1:
                j = i + k
                a, b = start(i), start(j) - 2
                e = off + b - a
                if starts(view[a:b], off) and (e == size or starts(b"\n[", e)):
                    matched = True
                    break
                k //= 2
            if matched:
                parts.extend(prev[i:j])
                i, missed = j, False
                run = min(run * 2, 4096)
                if e == size:
                    break
                off = e + 2
                continue
            run = 8
            nxt = text.find(b"\n[", off)
            e = size if nxt < 0 else nxt
            part = text[off:e]
            if missed:
                if index is None:
                    index = {q: x for x, q in enumerate(prev)}
                x = index.get(part)
                if x is not None:
                    part, i = prev[x], x
            parts.append(part)
            i, missed = i + 1, True
            if nxt < 0:
                break
            off = nxt + 2
        self._last_parts, self._last_text = parts, text
        self._last_ends = list(accumulate(map(len, parts)))
        return parts

    def _prime(self, parts: list[bytes], text: bytes) -> None:
        """Fill the table cache from one whole parse, which costs less than a parse per table.

        Only when the file is nothing but its `[[...]]` tables, in order, and `[plan...]` tables:
        then the n-th header piece is exactly the n-th node's table (without its children).
        """
        heads = [p for p in parts[1:] if p.startswith(b"[")]
        rest = [p for p in parts[1:] if not p.startswith(b"[")]
        try:
            data = tomllib.loads(text.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            return
        if rest and self._meta(b"".join(b"\n[" + p for p in rest)) is None:
            return
        nodes = list(Plan(self.path, data).nodes())
        if len(nodes) != len(heads) or set(data) - _TOP_KEYS:
            return
        found: dict[bytes, _Table] = {}
        for part, node in zip(heads, nodes, strict=True):
            if not part.startswith(_HEADS[node.kind]) or part in found:
                return
            child = SHAPE[node.kind].child_key
            table = {k: v for k, v in node.data.items() if k != child} if child else node.data
            found[part] = (node.kind, table, node.id)
        self._tables.update(found)

    def _split(self, text: bytes, only: frozenset[str] | None) -> Version | None:
        parts = self._parts(text)
        root = parts[0]
        if root.strip() and self._meta(root) != {}:
            return None  # top-level keys before the first table
        if only is None and not self._tables:
            self._prime(parts, text)
        plan_parts: list[bytes] = []
        v = Version()
        actions, order = v.actions, v.order
        tables, recs = self._tables, self._recs
        needles = _needles(only) if only is not None else ()
        theme = programme = None
        skipped = self._skipped
        for part in parts[1:]:
            table = tables.get(part)
            if table is None:
                if not part.startswith(b"["):
                    plan_parts.append(part)
                    continue
                if only is not None and programme is not None and part in skipped:
                    continue
                if (only is not None and programme is not None
                        and part.startswith(_ACTION_HEAD)
                        and part not in tables
                        and not any(w in part for w in needles)
                        and b"\\u" not in part and b"\\U" not in part):
                    skipped.add(part)
                    continue  # an action that cannot be one of those asked for
                table = self._table(part)
                if table is None:
                    return None
            kind, data, nid = table
            if kind is Level.ACTION:
                if programme is None:
                    return None
                if only is None or nid in only:
                    if nid not in actions:
                        rec = recs.get(part)
                        if rec is None or rec.programme != programme or rec.theme != theme:
                            rec = recs[part] = ActionRec(data, programme, theme or "")
                        actions[nid] = rec
                    order.append(nid)
            elif kind is Level.PROGRAMME:
                if theme is None:
                    return None
                programme = nid
            else:
                theme, programme = nid, None
        meta = self._meta(b"".join(b"\n[" + p for p in plan_parts)) if plan_parts else {}
        if meta is None:
            return None
        v.meta = meta
        return v

    # -- the slow, sure way ------------------------------------------------------------------
    def _whole(self, raw: bytes, only: frozenset[str] | None) -> Version:
        self.whole_reads += 1
        try:
            data = parse_toml(decode(self.path, raw))
        except PlanError as exc:
            p = exc.problem
            where = f"{p.line}:{p.col}: " if p.line else ""
            return Version(error=f"{where}{p.message}")
        plan = Plan(self.path, data)
        v = Version(meta=plan.meta)
        for a in plan.actions():
            if only is not None and a.id not in only:
                continue
            programme = a.programme
            theme = a.theme
            if a.id not in v.actions:
                v.actions[a.id] = ActionRec(a.data, programme.id if programme else "",
                                            theme.id if theme else "")
            v.order.append(a.id)
        return v


def _one_node(data: dict[str, Any]) -> _Table | None:
    """The one theme, programme or action a piece of the file holds, without its children:
    `{"theme": {"programme": [{...}]}}` is a programme. None when it holds anything else."""
    value: Any = data
    for level in NODE_LEVELS:
        shape = SHAPE[level]
        if not isinstance(value, dict) or list(value) != [shape.key]:
            return None
        value = value[shape.key]
        if isinstance(value, list):  # this level's array: one table, with no children in it
            table = value[0] if len(value) == 1 else None
            if isinstance(table, dict) and not (shape.child_key and shape.child_key in table):
                return level, table, _id(table)
            return None
    return None


_NEEDLES: dict[frozenset[str], tuple[bytes, ...]] = {}


def _needles(only: frozenset[str]) -> tuple[bytes, ...]:
    n = _NEEDLES.get(only)
    if n is None:
        n = _NEEDLES[only] = tuple(w.encode("utf-8") for w in only)
    return n


# -- walking the history -----------------------------------------------------------------------
@dataclass(slots=True)
class _Step:
    commit: Commit
    after: str | None  # blob id of the file in the commit (None: not there)
    parents: list[str | None]  # blob id in each parent


class _History:
    """A file's commits with the blob ids of the file in each, read through one cat-file."""

    def __init__(self, repo: str | Path, path: str, rev: str = "HEAD",
                 only: frozenset[str] | None = None) -> None:
        root, rel = _where(repo, path)
        self.root, self.rel = root, rel
        self.commits = file_log(root, rel, rev)
        if not self.commits:
            raise GitError(f"{rel} has no history in git: no commit up to {rev} has it")
        specs: list[str] = []
        for c in self.commits:
            specs.append(f"{c.sha}:{c.path or rel}")
            specs.extend(f"{p}:{c.old_path or c.path or rel}" for p in c.parents)
        oids = resolve(root, specs)
        self.steps: list[_Step] = []
        i = 0
        for c in self.commits:
            after = oids[i]
            parents = oids[i + 1 : i + 1 + len(c.parents)]
            i += 1 + len(c.parents)
            self.steps.append(_Step(c, after, parents))
        self.producer: dict[str, _Step] = {}
        for s in self.steps:
            if s.after is not None:
                self.producer.setdefault(s.after, s)
        self.only = only
        self.reader = Reader(rel)
        self._cache: OrderedDict[str, Version] = OrderedDict()
        self._limit = 10_000 if only is not None else 6
        self._cat: CatFile | None = None

    def __enter__(self) -> _History:
        self._cat = CatFile(self.root).__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._cat is not None:
            self._cat.close()

    def version(self, oid: str | None) -> Version:
        if oid is None:
            return MISSING
        v = self._cache.get(oid)
        if v is not None:
            self._cache.move_to_end(oid)
            return v
        assert self._cat is not None
        v = self.reader.version(self._cat.read(oid), self.only)
        self._cache[oid] = v
        if len(self._cache) > self._limit:
            self._cache.popitem(last=False)
        return v

    def base(self, oid: str | None) -> Version:
        """A parent's version; when it does not parse, the nearest one before it that does."""
        seen: set[str] = set()
        v = self.version(oid)
        while v.error and oid is not None and oid not in seen:
            seen.add(oid)
            step = self.producer.get(oid)
            if step is None or not step.parents:
                return MISSING
            oid = step.parents[0]
            v = self.version(oid)
        return MISSING if v.error else v

    def walk(self) -> Iterator[tuple[Commit, Version, list[Version]]]:
        for s in self.steps:
            after = self.version(s.after)
            parents = [self.base(p) for p in s.parents] or [MISSING]
            yield s.commit, after, parents


def _where(repo: str | Path, path: str) -> tuple[Path, str]:
    p = Path(path)
    if not p.is_absolute():
        candidate = Path(repo) / p
        p = candidate if candidate.exists() or not p.exists() else p.absolute()
    root, rel = locate(p)
    return root, rel


# -- one action --------------------------------------------------------------------------------
@dataclass(slots=True)
class ActionState:
    """An action as it stood after (or before) a commit."""

    id: str
    title: str
    status: str
    status_label: str
    due: str  # as a person reads it: 2025-03, 2025-03-31, ongoing ("" when missing)
    due_end: date | None
    lead: str
    programme: str
    theme: str
    data: dict[str, Any]

    @classmethod
    def of(cls, aid: str, rec: ActionRec, vocab: Vocabulary) -> ActionState:
        d = rec.data
        status = d.get("status")
        due_text, due_end = "", None
        if "due" in d:
            try:
                due = parse_due(d["due"])
                due_text, due_end = due.label(), due.end
            except ValueError:
                due_text = str(d["due"])
        return cls(aid, _str(d.get("title")), status if isinstance(status, str) else _str(status),
                   vocab.status_text(status) if status is not None else "", due_text, due_end,
                   _str(d.get("lead")), rec.programme, rec.theme, d)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "status": self.status,
                "status_label": self.status_label, "due": self.due, "lead": self.lead,
                "programme": self.programme, "theme": self.theme}


def _str(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


@dataclass(slots=True)
class HistoryEntry:
    """One commit that changed an action: who, when, and what before and after."""

    commit: str
    parents: list[str]
    author: str
    email: str
    date: str  # ISO 8601 author date
    subject: str
    path: str  # the file's path in this commit
    change: str  # "added", "removed", "changed", "unreadable"
    before: ActionState | None
    after: ActionState | None
    fields: list[FieldChange] = field(default_factory=list)
    moved: bool = False
    error: str = ""  # "unreadable": why the file does not parse in this commit

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def day(self) -> str:
        return self.date[:10]

    @property
    def merge(self) -> bool:
        return len(self.parents) > 1

    def field(self, key: str) -> FieldChange | None:
        return find_field(self.fields, key)

    def as_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit, "parents": self.parents, "author": self.author,
            "email": self.email, "date": self.date, "subject": self.subject, "path": self.path,
            "change": self.change, "moved": self.moved,
            "before": self.before.as_json() if self.before else None,
            "after": self.after.as_json() if self.after else None,
            "fields": [f.as_json() for f in self.fields],
            **({"error": self.error} if self.error else {}),
        }


def _same_rec(a: ActionRec, b: ActionRec) -> bool:
    return (a.programme == b.programme and a.theme == b.theme
            and (a.data is b.data or same_value(a.data, b.data)))


def _entry(c: Commit, change: str, before: ActionState | None, after: ActionState | None,
           fields: list[FieldChange] | None = None, moved: bool = False,
           error: str = "") -> HistoryEntry:
    return HistoryEntry(c.sha, c.parents, c.author, c.email, c.date, c.subject, c.path, change,
                        before, after, fields or [], moved, error)


def _change(aid: str, c: Commit, after: Version, parents: list[Version]) -> HistoryEntry | None:
    """What the commit did to the action, or None when it left it alone."""
    ra = after.actions.get(aid)
    rps = [p.actions.get(aid) for p in parents]
    rp, vp = rps[0], parents[0]
    if len(parents) > 1:
        # a merge changed the action only where it differs from every parent
        if ra is None:
            if all(r is not None for r in rps):
                return _entry(c, "removed", ActionState.of(aid, rp, vp.vocab), None)  # type: ignore[arg-type]
            return None
        if any(r is not None and _same_rec(r, ra) for r in rps):
            return None
        if all(r is None for r in rps):
            return _entry(c, "added", None, ActionState.of(aid, ra, after.vocab))
        if rp is None:
            i = next(i for i, r in enumerate(rps) if r is not None)
            rp, vp = rps[i], parents[i]
        assert rp is not None
        fields = [f for f in compare_fields(Level.ACTION, rp.data, ra.data, vp.vocab, after.vocab)
                  if all(r is None or not _same_field(r.data, ra.data, f.key) for r in rps)]
        moved = all(r is None or r.programme != ra.programme for r in rps)
        if not fields and not moved:
            return None
        return _entry(c, "changed", ActionState.of(aid, rp, vp.vocab),
                      ActionState.of(aid, ra, after.vocab), fields, moved)
    if ra is None and rp is None:
        return None
    if ra is None:
        assert rp is not None
        return _entry(c, "removed", ActionState.of(aid, rp, vp.vocab), None)
    if rp is None:
        return _entry(c, "added", None, ActionState.of(aid, ra, after.vocab))
    if _same_rec(rp, ra):
        return None
    fields = compare_fields(Level.ACTION, rp.data, ra.data, vp.vocab, after.vocab)
    moved = rp.programme != ra.programme
    if not fields and not moved:
        return None
    return _entry(c, "changed", ActionState.of(aid, rp, vp.vocab),
                  ActionState.of(aid, ra, after.vocab), fields, moved)


def _same_field(a: dict[str, Any], b: dict[str, Any], key: str) -> bool:
    return (key in a) == (key in b) and same_value(a.get(key), b.get(key))


def action_history(repo: str | Path, path: str, action_id: str,
                   rev: str = "HEAD") -> list[HistoryEntry]:
    """Every commit (oldest first) that added, removed, moved or changed the action.

    `repo`: the repository (any folder in it); `path`: the plan file, relative to `repo` or
    absolute. A commit where the file does not parse gives an "unreadable" entry; the next
    commit is compared with the last version that did parse.
    """
    entries: list[HistoryEntry] = []
    with _History(repo, path, rev, frozenset({action_id})) as h:
        for c, after, parents in h.walk():
            if after.error:
                # said only while the action is in the plan: its state here is unknown
                if any(action_id in p.actions for p in parents):
                    entries.append(_entry(c, "unreadable", None, None, error=after.error))
                continue
            e = _change(action_id, c, after, parents)
            if e is not None:
                entries.append(e)
    return entries


# -- every action ------------------------------------------------------------------------------
@dataclass(slots=True)
class Timeline:
    """How one action moved through the history."""

    id: str
    title: str = ""
    statuses: list[str] = field(default_factory=list)  # status keys, repeats run together
    labels: list[str] = field(default_factory=list)  # the same, as labels
    dues: list[str] = field(default_factory=list)  # expected completions, repeats run together
    slipped: int = 0  # times the expected completion moved later
    brought_forward: int = 0
    changes: int = 0  # commits that changed it
    moves: int = 0
    first: str = ""  # date it first appeared
    last: str = ""  # date it last changed
    present: bool = False  # in the file at the newest commit
    order: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "statuses": self.statuses,
                "labels": self.labels, "due": self.dues, "slipped": self.slipped,
                "brought_forward": self.brought_forward, "changes": self.changes,
                "moves": self.moves, "first": self.first, "last": self.last,
                "present": self.present}


def _add_value(values: list[str], value: str) -> None:
    if value and (not values or values[-1] != value):
        values.append(value)


def history_all(repo: str | Path, path: str, rev: str = "HEAD") -> list[Timeline]:
    """Every action that has been in the file, in the newest version's order, then the removed."""
    lines: dict[str, Timeline] = {}
    last: Version = MISSING
    with _History(repo, path, rev) as h:
        for c, after, parents in h.walk():
            if after.error:
                continue
            last = after
            base = parents[0]
            changed: list[str] = []
            before = base.actions
            for aid, ra in after.actions.items():
                rp = before.get(aid)
                if rp is not ra and (rp is None or rp.data is not ra.data
                                     or rp.programme != ra.programme):
                    changed.append(aid)
            changed.extend(aid for aid in base.actions if aid not in after.actions)
            if len(parents) > 1:  # a merge: also what only the other parents had
                for p in parents[1:]:
                    changed.extend(aid for aid in p.actions if aid not in after.actions
                                   and aid not in base.actions)
                changed = list(dict.fromkeys(changed))
            for aid in changed:
                e = _change(aid, c, after, parents)
                if e is None:
                    continue
                t = lines.get(aid)
                if t is None:
                    t = lines[aid] = Timeline(aid, first=e.day)
                t.last = e.day
                t.changes += 1
                if e.after is not None:
                    t.title = e.after.title
                    _add_value(t.statuses, e.after.status)
                    _add_value(t.labels, e.after.status_label)
                    _add_value(t.dues, e.after.due)
                elif e.before is not None:
                    _add_value(t.statuses, "(removed)")
                    _add_value(t.labels, "(removed)")
                    if not t.title:
                        t.title = e.before.title
                due = e.field("due")
                if due is not None:
                    if due.direction == "later":
                        t.slipped += 1
                    elif due.direction == "earlier":
                        t.brought_forward += 1
                if e.moved:
                    t.moves += 1
    position = {aid: i for i, aid in enumerate(last.order or last.actions)}
    for aid, t in lines.items():
        t.present = aid in last.actions
        t.order = position.get(aid, len(position))
    return sorted(lines.values(), key=lambda t: (not t.present, t.order))


__all__ = ["ActionState", "GitError", "HistoryEntry", "Reader", "Timeline", "Version",
           "action_history", "history_all"]
