"""Running git: where a file's repository is, a file at a revision, a file's log, blobs in bulk.

Everything goes through the `git` program itself (no library), with output read as bytes and
parsed from NUL-separated formats, so paths with spaces or odd characters are safe. Nothing here
imports Textual or tomlkit.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

# fields of one commit in `git log --format`, separated by US and led by RS (never in real data)
_RS, _US = "\x1e", "\x1f"
_FORMAT = _RS + _US.join(("%H", "%P", "%an", "%ae", "%aI", "%ct", "%s"))


class GitError(Exception):
    """git could not do what was asked; the message is git's own, or says why in words."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("GIT_OPTIONAL_LOCKS", "0")  # reading must never fight an editor's git for a lock
    return env


def git(args: list[str], cwd: str | Path, input: bytes | None = None) -> bytes:
    """Run `git ARGS` in `cwd`; its stdout, or GitError with git's message."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, input=input, capture_output=True, env=_env(), check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    except NotADirectoryError:
        raise GitError(f"{cwd} is not a folder") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        message = message.removeprefix("fatal: ").removeprefix("error: ")
        raise GitError(message.splitlines()[0] if message else f"git {args[0]} failed")
    return proc.stdout


def _existing_dir(path: Path) -> Path:
    d = path if path.is_dir() else path.parent
    while not d.exists() and d != d.parent:
        d = d.parent
    return d


def repo_root(path: str | Path = ".") -> Path:
    """The top folder of the git work tree holding `path` (a file or folder, existing or not)."""
    d = _existing_dir(Path(path).absolute())
    try:
        out = git(["rev-parse", "--show-toplevel"], d)
    except GitError:
        raise GitError(f"{path} is not in a git repository") from None
    return Path(out.decode("utf-8", "surrogateescape").strip())


def locate(path: str | Path) -> tuple[Path, str]:
    """A file's repository root and its path inside it (with /), as git names it in revisions."""
    p = Path(path).absolute()
    root = repo_root(p)
    try:
        rel = p.resolve().relative_to(root.resolve())
    except ValueError:
        try:
            rel = p.relative_to(root)
        except ValueError:
            raise GitError(f"{path} is not inside the repository at {root}") from None
    return root, rel.as_posix()


def check_rev(rev: str) -> None:
    """Refuse a revision that git would read as an option."""
    if not rev or rev.startswith("-"):
        raise GitError(f"{rev!r} is not a revision")


def show(root: str | Path, rev: str, rel: str) -> bytes:
    """The bytes of `rel` at `rev`, as `git show REV:PATH` gives them (never textconv'd)."""
    check_rev(rev)
    try:
        return git(["cat-file", "blob", f"{rev}:{rel}"], root)
    except GitError as exc:
        message = str(exc)
        if "does not exist" in message or "exists on disk, but not in" in message:
            raise GitError(f"{rel} is not in {rev}") from None
        if "Not a valid object name" in message or "invalid object name" in message:
            raise GitError(f"{rev!r} is not a revision of this repository") from None
        raise


@dataclass(slots=True)
class Commit:
    """One commit of a file's log, and the file's path in it and in its parents."""

    sha: str
    parents: list[str]
    author: str
    email: str
    date: str  # ISO 8601 author date, with its offset
    timestamp: int  # committer time, for ordering
    subject: str
    path: str = ""  # the file's path in this commit
    old_path: str = ""  # the file's path in the parents (differs after a rename)
    status: str = ""  # A, M, D, R100 ... ("" for a merge)

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


def _parse_log(raw: bytes) -> list[Commit]:
    text = raw.decode("utf-8", "surrogateescape")
    out: list[Commit] = []
    for chunk in text.split(_RS)[1:]:
        parts = chunk.split("\0")
        head = parts[0].split(_US)
        if len(head) < 7:
            continue
        sha, parents, author, email, date, ts, subject = head[:7]
        commit = Commit(sha, parents.split(), author, email, date, int(ts or 0), subject)
        tokens = [t.lstrip("\n") for t in parts[1:]]
        tokens = [t for t in tokens if t]
        if tokens:
            commit.status = tokens[0]
            if tokens[0][:1] in ("R", "C") and len(tokens) >= 3:
                commit.old_path, commit.path = tokens[1], tokens[2]
            elif len(tokens) >= 2:
                commit.path = commit.old_path = tokens[1]
        out.append(commit)
    return out


def file_log(root: str | Path, rel: str, rev: str = "HEAD") -> list[Commit]:
    """Every commit that changed the file, oldest first, following renames.

    `git log --follow` gives the ordinary commits and the file's path in each; it leaves out
    merges, so a second `git log --merges` over every path the file has had adds the merges that
    changed it against all their parents (a conflict resolved by hand, or both sides merged).
    """
    check_rev(rev)
    raw = git(["log", "--follow", "-M", "-z", f"--format={_FORMAT}", "--name-status", rev,
               "--", rel], root)
    commits = _parse_log(raw)
    paths: list[str] = []
    for c in commits:
        for p in (c.path, c.old_path):
            if p and p not in paths:
                paths.append(p)
    if not paths:
        paths = [rel]
    seen = {c.sha for c in commits}
    raw = git(["log", "--merges", "-z", f"--format={_FORMAT}", rev, "--", *paths], root)
    merges = [m for m in _parse_log(raw) if m.sha not in seen]
    if merges:
        # a merge's path: the newest of the file's paths that the merge holds
        found = resolve(root, [f"{m.sha}:{p}" for m in merges for p in paths])
        for i, m in enumerate(merges):
            hits = [p for j, p in enumerate(paths) if found[i * len(paths) + j]]
            m.path = m.old_path = hits[0] if hits else rel
        commits = commits + merges
    # oldest first; git's order (children before parents) breaks ties between equal times
    order = {c.sha: i for i, c in enumerate(commits)}
    commits.sort(key=lambda c: (c.timestamp, -order[c.sha]))
    return _parents_first(commits)


def _parents_first(commits: list[Commit]) -> list[Commit]:
    """Make sure no commit comes before one of its parents (clocks can be wrong)."""
    index = {c.sha: c for c in commits}
    done: set[str] = set()
    out: list[Commit] = []
    for start in commits:
        stack = [start]
        while stack:
            c = stack[-1]
            if c.sha in done:
                stack.pop()
                continue
            pending = [index[p] for p in c.parents if p in index and p not in done]
            if pending:
                stack.extend(reversed(pending))
                continue
            done.add(c.sha)
            out.append(c)
            stack.pop()
    return out


def resolve(root: str | Path, specs: list[str]) -> list[str | None]:
    """Object ids for `REV:PATH` specs, through one `git cat-file --batch-check` (None: missing)."""
    if not specs:
        return []
    for s in specs:
        if "\n" in s:
            raise GitError("a path with a line break cannot be read through git cat-file")
    raw = git(["cat-file", "--batch-check=%(objectname) %(objecttype)"], root,
              input="".join(s + "\n" for s in specs).encode("utf-8", "surrogateescape"))
    out: list[str | None] = []
    for line in raw.decode("utf-8", "surrogateescape").splitlines():
        parts = line.split()
        out.append(parts[0] if len(parts) == 2 and parts[1] == "blob" else None)
    if len(out) != len(specs):
        raise GitError("git cat-file --batch-check gave an unexpected answer")
    return out


@dataclass
class CatFile:
    """One `git cat-file --batch` process reading any number of blobs, one at a time.

    Each request is answered in full before the next is written, so neither side's pipe can fill
    up and stall; a blob's bytes are handed over and then forgotten (no big file is kept twice).
    """

    root: str | Path
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    def __enter__(self) -> CatFile:
        try:
            self._proc = subprocess.Popen(
                ["git", "cat-file", "--batch"], cwd=self.root, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env(),
            )
        except FileNotFoundError:
            raise GitError("git is not installed (or not on PATH)") from None
        if sys.platform == "linux" and self._proc.stdout is not None:
            import fcntl

            # a bigger pipe: a plan of megabytes comes over in fewer, larger reads
            with contextlib.suppress(OSError):
                fcntl.fcntl(self._proc.stdout.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
        return self

    def read(self, oid: str) -> bytes:
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            raise GitError("git cat-file is not running")
        proc.stdin.write(oid.encode("ascii") + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) != 3:
            raise GitError(f"git cannot read object {oid}")
        size = int(header[2])
        data = proc.stdout.read(size)
        proc.stdout.read(1)  # the newline after the contents
        if len(data) != size:
            raise GitError(f"git cat-file stopped while reading {oid}")
        return data

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        if proc.stdout is not None:
            proc.stdout.close()
        proc.wait()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
