"""Who is late: the actions whose progress update has not changed since the last reporting point.

`find_stale(path)` compares the plan as it is in the working tree (uncommitted edits count) with
the plan as it stood at the last reporting point, found from the file's git history:

- a *reporting point* ends where the plan moved on to the next one: at each commit that changed
  the plan's `reporting_point` or `as_of`, the version just before it is the previous point's
  final state (and when the working tree has changed them since the last commit, the last commit
  is). Its name is the plan's `reporting_point` in that version;
- a git tag on a commit that changed the file also marks a point: the file as that commit left
  it, named by the plan's `reporting_point` there (the tag's name when the plan has none);
- the last reporting point is the newest of these. `since` (a tag, a branch, a commit) names it
  instead: the file as it was at that revision.

An action is stale when it is not finished (its status is not a finished one of the plan's
vocabulary) and its progress update, trimmed of the white space at its ends, is the same as at
that point (an update empty then and now is the same). `points` counts back through the earlier
reporting points while the update stays the same (1: unchanged since the last one), and `since`
is the oldest point it has been the same since. An action that was not in the plan at the last
point is not stale.

git is run a few times in all (the file's log, its blob at each commit, the tags), and each
version is read with history's `Reader` (tomllib, table by table), never tomlkit, so that
`cap status --stale` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from .gitio import CatFile, Commit, GitError, check_rev, file_log, git, locate, resolve
from .history import Reader, Version
from .model import value_text
from .problems import PlanError
from .source import read_source

__all__ = ["ReportingPoint", "StaleAction", "StaleError", "StaleReport", "find_stale"]


class StaleError(Exception):
    """Why the stale actions cannot be found, in words for the user: the file is not in a git
    repository or not committed, the revision is unknown, or no reporting point was found."""


class ReportingPoint(NamedTuple):
    """A reporting point: the plan as one commit left it."""

    rev: str  # the commit's sha
    label: str  # the point's name: the plan's reporting_point there, or the tag
    date: str  # the commit's (author) date, YYYY-MM-DD


class StaleAction(NamedTuple):
    """An unfinished action whose progress update has not changed since the last point."""

    id: str
    title: str
    lead: str
    points: int  # how many reporting points in a row its update has been the same
    since: ReportingPoint | None  # the oldest point it has been the same since


class StaleReport(NamedTuple):
    """The last reporting point, and the stale actions in file order."""

    point: ReportingPoint
    actions: list[StaleAction]


class _Point(NamedTuple):
    """A reporting point found in the file's log: the commit's place in it, and the point."""

    at: int
    point: ReportingPoint


def find_stale(path: str | Path, since: str | None = None) -> StaleReport:
    """The actions of the plan at `path` not updated since its last reporting point (or since
    the revision `since`). Raises StaleError saying why when they cannot be found."""
    shown = str(path)
    try:
        return _find(shown, since)
    except GitError as exc:
        raise StaleError(f"{shown}: {exc}") from None


def _find(shown: str, since: str | None) -> StaleReport:
    try:
        root, rel = locate(shown)
    except GitError:
        raise StaleError(f"{shown} is not in a git repository: cap finds the last reporting "
                         "point in the plan's git history") from None
    reader = Reader(rel)
    current = _working_tree(shown, reader)
    try:
        commits = file_log(root, rel)
    except GitError as exc:
        raise StaleError(f"{shown}: no git history to compare with ({exc})") from None
    if not commits:
        raise StaleError(f"{shown} is not committed in git, so it has no reporting point to "
                         "compare with: commit it first")
    with CatFile(root) as cat:
        versions = _versions(cat, reader, root, rel, commits)
        points = _points(root, commits, versions, current)
        chain = [(p.point, versions[p.at]) for p in points]
        if since is not None:
            chain = _since(cat, reader, (root, rel, shown), since, commits, points, versions)
    if not chain:
        raise StaleError(
            f"{shown}: no reporting point found in its git history: its reporting_point and "
            "as_of have not changed since it was first committed, and no tag marks a commit "
            "of it. Name one with --since REV (a tag or a commit).")
    return StaleReport(chain[0][0], _stale(current, chain))


def _working_tree(shown: str, reader: Reader) -> Version:
    """The plan as it is on disk, read as history reads its versions."""
    try:
        raw = read_source(shown).raw
    except PlanError as exc:
        raise StaleError(exc.problem.format()) from None
    version = reader.version(raw)
    if version.error:
        raise StaleError(f"{shown}:{version.error}")
    return version


def _versions(cat: CatFile, reader: Reader, root: Path, rel: str,
              commits: list[Commit]) -> dict[int, Version]:
    """The file's version at each commit of its log (by place in the log); the same blob is
    read once."""
    oids = resolve(root, [f"{c.sha}:{c.path or rel}" for c in commits])
    seen: dict[str, Version] = {}
    out: dict[int, Version] = {}
    for i, oid in enumerate(oids):
        if oid is None:  # the commit deleted the file
            continue
        version = seen.get(oid)
        if version is None:
            version = seen[oid] = reader.version(cat.read(oid))
        if not version.error:
            out[i] = version
    return out


def _key(version: Version) -> tuple[Any, Any]:
    meta = version.meta
    return meta.get("reporting_point"), meta.get("as_of")


def _points(root: Path, commits: list[Commit], versions: dict[int, Version],
            current: Version) -> list[_Point]:
    """Every reporting point in the file's log, newest first."""
    ends: list[int] = []
    last: int | None = None
    for i in range(len(commits)):
        version = versions.get(i)
        if version is None:
            continue
        if last is not None and _key(version) != _key(versions[last]):
            ends.append(last)
        last = i
    if last is not None and _key(current) != _key(versions[last]):
        ends.append(last)
    tags = _tags(root)
    ends += [i for i, c in enumerate(commits) if c.sha in tags and i in versions]
    return [_Point(i, _point(commits[i], versions[i], tags.get(commits[i].sha, "")))
            for i in sorted(set(ends), reverse=True)]


def _point(commit: Commit, version: Version, tag: str = "") -> ReportingPoint:
    name = version.meta.get("reporting_point")
    label = (name.strip() if isinstance(name, str) and name.strip() else "") or tag or commit.short
    return ReportingPoint(commit.sha, label, commit.date[:10])


def _tags(root: Path) -> dict[str, str]:
    """The commits tags point at (annotated tags peeled), each with its first tag's name."""
    raw = git(["for-each-ref", "--sort=refname", "--format=%(objectname) %(*objectname) "
               "%(refname:short)", "refs/tags"], root)
    out: dict[str, str] = {}
    for line in raw.decode("utf-8", "surrogateescape").splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3:
            sha = parts[1] or parts[0]
            out.setdefault(sha, parts[2])
    return out


def _since(cat: CatFile, reader: Reader, where: tuple[Path, str, str], rev: str,
           commits: list[Commit], points: list[_Point],
           versions: dict[int, Version]) -> list[tuple[ReportingPoint, Version]]:
    """The points from `rev` back: the file as it was at `rev`, then the log's points older
    than the commit that gave the file its content there."""
    root, rel, shown = where
    try:
        check_rev(rev)
        head = git(["log", "-1", "--format=%H%x1f%aI", rev, "--"], root)
    except GitError:
        raise StaleError(f"{shown}: {rev!r} is not a revision of its repository") from None
    sha, _, date = head.decode("utf-8", "surrogateescape").strip().partition("\x1f")
    before = file_log(root, rel, sha)
    oid = resolve(root, [f"{sha}:{before[-1].path or rel}"])[0] if before else None
    if oid is None:
        raise StaleError(f"{shown} is not in {rev}: the plan was not committed there")
    version = reader.version(cat.read(oid))
    if version.error:
        raise StaleError(f"{shown} at {rev} is not a plan cap can read: {version.error}")
    index = next((i for i, c in enumerate(commits) if c.sha == before[-1].sha), len(commits))
    name = version.meta.get("reporting_point")
    label = name.strip() if isinstance(name, str) and name.strip() else rev
    first = ReportingPoint(sha, label, date[:10])
    return [(first, version)] + [(p.point, versions[p.at]) for p in points if p.at < index]


def _progress(data: dict[str, Any]) -> str:
    value = data.get("progress")
    return value.strip() if isinstance(value, str) else value_text(value).strip()


def _stale(current: Version, chain: list[tuple[ReportingPoint, Version]]) -> list[StaleAction]:
    """The unfinished actions of `current` whose update is the same at the first point of
    `chain`, each with how many points in a row it has been the same."""
    statuses = current.vocab.statuses
    out: list[StaleAction] = []
    for aid, rec in current.actions.items():
        status = rec.data.get("status")
        known = statuses.get(status) if isinstance(status, str) else None
        if known is not None and known.finished:
            continue
        text = _progress(rec.data)
        points, since = 0, None
        for point, version in chain:
            then = version.actions.get(aid)
            if then is None or _progress(then.data) != text:
                break
            points, since = points + 1, point
        if points:
            data = rec.data
            out.append(StaleAction(aid, value_text(data.get("title")).strip(),
                                   value_text(data.get("lead")).strip(), points, since))
    return out
