"""cap's git diff driver: make git's own diff and log read plans action by action.

install writes two things:
- into the repository's own config (.git/config, never global): a diff driver named "cap",
  `diff.cap.textconv = cap diff --textconv` (git diff and git log -p show each plan as one line
  per fact) and `diff.cap.xfuncname` (every hunk header names the action, even with
  --no-textconv);
- into .gitattributes at the top of the work tree: `plans/*.toml diff=cap` (one line per folder
  that holds plans), between two marker comments.
Running it again changes nothing; uninstall removes exactly the marked block and the config keys,
so a .gitattributes that existed before is left byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import NamedTuple

from .gitio import GitError, git

DRIVER = "cap"
BEGIN = "# >>> cap: git diff driver for plans (`cap git uninstall` removes this block)"
END = "# <<< cap"
_CREATED = " [file created by cap]"
_NEWLINE = " [newline added by cap]"

# git tries each line of xfuncname (POSIX extended regexes) on the lines above a hunk, nearest
# first; the first group is what the hunk header shows.
#   1. `id = "COM-01"`: the id line of the table the hunk is in (raw TOML, --no-textconv);
#   2. a table header, for the [plan] tables that have no id;
#   3. `COM-01 title: ...`: the first line of an action in the textconv view.
XFUNCNAME = "\n".join((
    r"^[[:space:]]*(id[[:space:]]*=.*)$",
    r"^[[:space:]]*(\[\[?[A-Za-z0-9_.-]+\]\]?)[[:space:]]*(#.*)?$",
    r"^(((theme|programme) )?[^[:space:]]+ title: .*)$",
))


class DriverStatus(NamedTuple):
    """What of the driver a repository has."""

    textconv: str | None  # the command git runs, None when not set
    xfuncname: bool
    attributes: list[str] | None  # the lines of cap's .gitattributes block; None: no block

    @property
    def installed(self) -> bool:
        return bool(self.textconv and self.xfuncname and self.attributes is not None)


def install(root: Path, patterns: list[str], command: str) -> list[str]:
    """Set the driver up (or bring it up to date); what changed, one line each ([] if nothing):
    `.git/config: diff.cap.textconv = ...`, `.gitattributes: plans/*.toml diff=cap`."""
    changed = []
    if _set(root, f"diff.{DRIVER}.textconv", command):
        changed.append(f".git/config: diff.{DRIVER}.textconv = {command}")
    if _set(root, f"diff.{DRIVER}.xfuncname", XFUNCNAME):
        changed.append(f".git/config: diff.{DRIVER}.xfuncname (hunk headers name the action)")
    attr_changed, message = _attributes(root, patterns)
    if attr_changed:
        changed.append(message)
    return changed


def uninstall(root: Path) -> list[str]:
    """Take the driver out again; what was removed, one line each ([] if it was not there)."""
    removed = []
    for key in ("textconv", "xfuncname"):
        if _unset(root, f"diff.{DRIVER}.{key}"):
            removed.append(f".git/config: diff.{DRIVER}.{key} removed")
    if removed:
        _drop_empty_section(root)
    attr_changed, message = _remove_attributes(root)
    if attr_changed:
        removed.append(message)
    return removed


def status(root: Path) -> DriverStatus:
    path = root / ".gitattributes"
    block = _find_block(path.read_bytes().decode("utf-8", "surrogateescape")) \
        if path.exists() else None
    lines = None
    if block is not None:
        lines = [ln.strip() for ln in block.group("body").splitlines() if ln.strip()]
    return DriverStatus(_get(root, f"diff.{DRIVER}.textconv"),
                        bool(_get(root, f"diff.{DRIVER}.xfuncname")), lines)


# -- git config --------------------------------------------------------------------------------
def _get(root: Path, key: str) -> str | None:
    try:
        return git(["config", "--local", "--get", key], root).decode("utf-8").rstrip("\n")
    except GitError:
        return None


def _set(root: Path, key: str, value: str) -> bool:
    if _get(root, key) == value:
        return False
    git(["config", "--local", key, value], root)
    return True


def _unset(root: Path, key: str) -> bool:
    if _get(root, key) is None:
        return False
    git(["config", "--local", "--unset-all", key], root)
    return True


def _drop_empty_section(root: Path) -> None:
    try:
        left = git(["config", "--local", "--get-regexp", rf"^diff\.{DRIVER}\."], root)
    except GitError:
        left = b""
    if not left.strip():
        with contextlib.suppress(GitError):
            git(["config", "--local", "--remove-section", f"diff.{DRIVER}"], root)


# -- .gitattributes ----------------------------------------------------------------------------
def plan_patterns(root: Path) -> list[str]:
    """One `DIR/*.toml` pattern per folder holding plan files (tracked or not yet added)."""
    raw = git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.toml"],
              root)
    dirs: list[str] = []
    for name in sorted(set(raw.decode("utf-8", "surrogateescape").split("\0"))):
        if not name:
            continue
        try:
            with open(root / name, "rb") as f:
                head = f.read(65536)
        except OSError:
            continue
        if re.search(rb"(?m)^[ \t]*\[[ \t]*plan[ \t]*\]", head):
            d = str(Path(name).parent.as_posix())
            if d not in dirs:
                dirs.append(d)
    patterns = [("/*.toml" if d == "." else f"{_glob_escape(d)}/*.toml") for d in dirs]
    return patterns or ["plans/*.toml"]


def _glob_escape(path: str) -> str:
    if re.search(r"[\s\"]", path):
        return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return re.sub(r"([*?\[\\])", r"\\\1", path)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _block(patterns: list[str], nl: str, flags: str) -> str:
    lines = [BEGIN + flags] + [f"{p} diff={DRIVER}" for p in patterns] + [END]
    return nl.join(lines) + nl


_BLOCK_RE = re.compile(
    r"(?m)^" + re.escape(BEGIN) + r"(?P<flags>[^\r\n]*)\r?\n(?P<body>.*?)^"
    + re.escape(END) + r"[^\r\n]*(?:\r?\n|\Z)",
    re.S,
)


def _find_block(text: str) -> re.Match[str] | None:
    return _BLOCK_RE.search(text)


def _attributes(root: Path, patterns: list[str]) -> tuple[bool, str]:
    """Write cap's block (or bring it up to date); (changed, message)."""
    path = root / ".gitattributes"
    exists = path.exists()
    text = path.read_bytes().decode("utf-8", "surrogateescape") if exists else ""
    m = _find_block(text)
    if m is not None:
        nl = "\r\n" if "\r\n" in m.group(0) else "\n"
        new_text = text[: m.start()] + _block(patterns, nl, m.group("flags")) + text[m.end():]
    else:
        nl = _newline(text)
        flags = "" if exists else _CREATED
        prefix = text
        if text and not text.endswith("\n"):
            flags += _NEWLINE
            prefix = text + nl
        new_text = prefix + _block(patterns, nl, flags)
    listed = ", ".join(f"{p} diff={DRIVER}" for p in patterns)
    if new_text == text:
        return False, f".gitattributes already has {listed}"
    path.write_bytes(new_text.encode("utf-8", "surrogateescape"))
    return True, f".gitattributes: {listed}"


def _remove_attributes(root: Path) -> tuple[bool, str]:
    """Take cap's block out again, with the newline or the file install added."""
    path = root / ".gitattributes"
    if not path.exists():
        return False, ""
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    m = _find_block(text)
    if m is None:
        return False, ""
    flags = m.group("flags")
    before, after = text[: m.start()], text[m.end():]
    if _NEWLINE in flags and not after:
        before = before.removesuffix("\n").removesuffix("\r")
    new_text = before + after
    if _CREATED in flags and not new_text:
        path.unlink()
        return True, ".gitattributes removed (cap had created it)"
    path.write_bytes(new_text.encode("utf-8", "surrogateescape"))
    return True, ".gitattributes: cap's block removed"
