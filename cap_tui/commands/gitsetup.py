"""`cap git install` / `cap git uninstall`: make git's own diff and log read plans action by action.

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

import argparse
import contextlib
import re
import shlex
import shutil
import sys
from pathlib import Path

from ..render.terminal import err

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


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("action", choices=("install", "uninstall", "status"),
                        help="install or uninstall the diff driver; status shows what is set")
    parser.add_argument("--pattern", action="append", metavar="GLOB",
                        help=".gitattributes pattern of the plan files (repeatable; default: "
                        "one `DIR/*.toml` for each folder holding plans, else plans/*.toml)")
    parser.add_argument("--textconv-command", metavar="CMD",
                        help="the command git runs to show a plan (default: `cap diff "
                        "--textconv`, with cap's full path when cap is not on PATH)")
    parser.add_argument("-C", dest="repo", metavar="DIR", default=".",
                        help="the repository (default: the current folder)")


def run(args: argparse.Namespace) -> int:
    from ..core.gitio import GitError, repo_root

    try:
        root = repo_root(args.repo)
        if args.action == "install":
            return _install(root, args)
        if args.action == "uninstall":
            return _uninstall(root)
        return _status(root)
    except GitError as exc:
        err(str(exc))
        return 2
    except OSError as exc:
        err(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".lstrip(": "))
        return 2


# -- git config --------------------------------------------------------------------------------
def _get(root: Path, key: str) -> str | None:
    from ..core.gitio import GitError, git

    try:
        return git(["config", "--local", "--get", key], root).decode("utf-8").rstrip("\n")
    except GitError:
        return None


def _set(root: Path, key: str, value: str) -> bool:
    from ..core.gitio import git

    if _get(root, key) == value:
        return False
    git(["config", "--local", key, value], root)
    return True


def _unset(root: Path, key: str) -> bool:
    from ..core.gitio import git

    if _get(root, key) is None:
        return False
    git(["config", "--local", "--unset-all", key], root)
    return True


def textconv_command() -> str:
    """`cap diff --textconv`, naming this cap by its full path.

    .git/config belongs to one clone, so a full path is safe there, and it keeps `git diff`
    working in a shell where cap's virtual environment is not activated (with a bare `cap`, git
    would say "cap: not found"). Run `cap git install` again after moving the environment."""
    me = Path(sys.argv[0]).absolute() if sys.argv and sys.argv[0] else None
    if me is not None and me.name == "cap" and me.is_file():
        return f"{shlex.quote(str(me))} diff --textconv"
    if shutil.which("cap"):
        return "cap diff --textconv"
    return f"{shlex.quote(sys.executable)} -m cap_tui.cli diff --textconv"


# -- .gitattributes ----------------------------------------------------------------------------
def plan_patterns(root: Path) -> list[str]:
    """One `DIR/*.toml` pattern per folder holding plan files (tracked or not yet added)."""
    from ..core.gitio import git

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


# -- the commands ------------------------------------------------------------------------------
def _install(root: Path, args: argparse.Namespace) -> int:
    patterns = args.pattern or plan_patterns(root)
    command = args.textconv_command or textconv_command()
    changed = []
    if _set(root, f"diff.{DRIVER}.textconv", command):
        changed.append(f"diff.{DRIVER}.textconv = {command}")
    if _set(root, f"diff.{DRIVER}.xfuncname", XFUNCNAME):
        changed.append(f"diff.{DRIVER}.xfuncname (hunk headers name the action)")
    attr_changed, message = _attributes(root, patterns)
    out = sys.stdout
    if not changed and not attr_changed:
        out.write(f"cap's git diff driver is already installed in {root}\n")
        return 0
    out.write(f"Installed cap's git diff driver in {root}:\n")
    for line in changed:
        out.write(f"  .git/config: {line}\n")
    if attr_changed:
        out.write(f"  {message}\n")
    out.write("Now `git diff` and `git log -p` show plans action by action "
              "(`--no-textconv` for the TOML itself).\n"
              "Commit .gitattributes so that clones know which files are plans; each clone "
              "runs `cap git install` once for its own .git/config.\n")
    return 0


def _uninstall(root: Path) -> int:
    removed = []
    for key in ("textconv", "xfuncname"):
        if _unset(root, f"diff.{DRIVER}.{key}"):
            removed.append(f".git/config: diff.{DRIVER}.{key} removed")
    if removed:
        _drop_empty_section(root)
    attr_changed, message = _remove_attributes(root)
    if attr_changed:
        removed.append(message)
    if not removed:
        sys.stdout.write(f"cap's git diff driver is not installed in {root}\n")
        return 0
    sys.stdout.write(f"Uninstalled cap's git diff driver from {root}:\n")
    for line in removed:
        sys.stdout.write(f"  {line}\n")
    return 0


def _drop_empty_section(root: Path) -> None:
    from ..core.gitio import GitError, git

    try:
        left = git(["config", "--local", "--get-regexp", rf"^diff\.{DRIVER}\."], root)
    except GitError:
        left = b""
    if not left.strip():
        with contextlib.suppress(GitError):
            git(["config", "--local", "--remove-section", f"diff.{DRIVER}"], root)


def _status(root: Path) -> int:
    textconv = _get(root, f"diff.{DRIVER}.textconv")
    xfuncname = _get(root, f"diff.{DRIVER}.xfuncname")
    path = root / ".gitattributes"
    block = _find_block(path.read_bytes().decode("utf-8", "surrogateescape")) \
        if path.exists() else None
    out = sys.stdout
    out.write(f"diff.{DRIVER}.textconv: {textconv or '(not set)'}\n")
    out.write(f"diff.{DRIVER}.xfuncname: {'set' if xfuncname else '(not set)'}\n")
    if block is not None:
        lines = [ln.strip() for ln in block.group("body").splitlines() if ln.strip()]
        out.write(".gitattributes: " + "; ".join(lines) + "\n")
    else:
        out.write(".gitattributes: (no cap block)\n")
    return 0 if textconv and xfuncname and block is not None else 1
