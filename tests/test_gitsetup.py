"""`cap git install` / `uninstall`: git's own diff and log read plans action by action."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cap_tui.cli import main

DATA = Path(__file__).resolve().parent / "data_diff"
BIN = Path(sys.executable).parent
needs_cap = pytest.mark.skipif(not (BIN / "cap").exists(),
                               reason="the cap console script is not installed beside python")


def _env() -> dict[str, str]:
    return {**os.environ, "GIT_AUTHOR_NAME": "Alice Smith", "GIT_AUTHOR_EMAIL": "alice@example.org",
            "GIT_COMMITTER_NAME": "Alice Smith", "GIT_COMMITTER_EMAIL": "alice@example.org",
            "GIT_AUTHOR_DATE": "2024-06-01T10:00:00+01:00",
            "GIT_COMMITTER_DATE": "2024-06-01T10:00:00+01:00",
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
            # git finds `cap` for the textconv on PATH, as it would in a shell with the venv on
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "GIT_PAGER": "cat", "PAGER": "cat", "NO_COLOR": "1", "TERM": "dumb"}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=_env(), check=True,
                          capture_output=True).stdout.decode("utf-8")


def _cap(repo: Path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    old_path = os.environ.get("PATH", "")
    os.chdir(repo)
    os.environ["PATH"] = f"{BIN}{os.pathsep}{old_path}"
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(here)
        os.environ["PATH"] = old_path
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    r = tmp_path / "repo"
    (r / "plans").mkdir(parents=True)
    _git(r, "-c", "init.defaultBranch=main", "init", "-q")
    shutil.copy(DATA / "old.toml", r / "plans" / "test.toml")
    (r / "pyproject.toml").write_text('[project]\nname = "not-a-plan"\n')
    _git(r, "add", ".")
    _git(r, "commit", "-qm", "Start of year")
    return r


def _config(repo: Path) -> str:
    return (repo / ".git" / "config").read_text()


@pytest.mark.parametrize("before", [None, b"", b"*.png binary\n", b"*.png binary",
                                    b"*.png binary\r\n*.pdf binary\r\n"])
def test_install_twice_then_uninstall_restores_byte_for_byte(repo: Path,
                                                              before: bytes | None) -> None:
    attrs = repo / ".gitattributes"
    if before is not None:
        attrs.write_bytes(before)
    config = _config(repo)
    code, out = _cap(repo, "git", "install")
    assert code == 0 and "Installed" in out
    once = attrs.read_bytes()
    assert b"plans/*.toml diff=cap" in once
    assert b"pyproject" not in once
    if before:
        assert once.startswith(before)
    if before and b"\r\n" in before:
        assert b"diff=cap\r\n" in once
    config_once = _config(repo)
    code, out = _cap(repo, "git", "install")
    assert code == 0 and "already installed" in out
    assert attrs.read_bytes() == once and _config(repo) == config_once
    code, out = _cap(repo, "git", "status")
    assert code == 0
    code, out = _cap(repo, "git", "uninstall")
    assert code == 0 and "Uninstalled" in out
    if before is None:
        assert not attrs.exists()
    else:
        assert attrs.read_bytes() == before
    assert "diff \"cap\"" not in _config(repo) and _config(repo) == config
    code, out = _cap(repo, "git", "uninstall")
    assert code == 0 and "not installed" in out
    code, _ = _cap(repo, "git", "status")
    assert code == 1


def test_uninstall_leaves_lines_added_after_install(repo: Path) -> None:
    attrs = repo / ".gitattributes"
    attrs.write_bytes(b"*.png binary\n")
    _cap(repo, "git", "install")
    attrs.write_bytes(attrs.read_bytes() + b"*.jpg binary\n")
    _cap(repo, "git", "uninstall")
    assert attrs.read_bytes() == b"*.png binary\n*.jpg binary\n"


def test_patterns_follow_where_the_plans_are(repo: Path) -> None:
    (repo / "archive").mkdir()
    shutil.copy(DATA / "new.toml", repo / "archive" / "2023-24.toml")  # not yet added: counts
    shutil.copy(DATA / "new.toml", repo / "top.toml")
    _cap(repo, "git", "install")
    text = (repo / ".gitattributes").read_text()
    assert "/*.toml diff=cap" in text.splitlines()
    assert "archive/*.toml diff=cap" in text and "plans/*.toml diff=cap" in text
    _cap(repo, "git", "install", "--pattern", "*.plan.toml")  # a new choice replaces the block
    lines = (repo / ".gitattributes").read_text().splitlines()
    assert [ln for ln in lines if "diff=cap" in ln] == ["*.plan.toml diff=cap"]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


@needs_cap
def test_git_diff_shows_the_textconv_view_and_hunk_headers_name_the_action(repo: Path) -> None:
    plan = repo / "plans" / "test.toml"
    code, out = _cap(repo, "git", "install")
    assert code == 0, out
    assert _git(repo, "config", "diff.cap.textconv") == "cap diff --textconv\n"
    _edit(plan, 'status = "green"\nbudget = 1400000', 'status = "amber"\nbudget = 1400000')
    _edit(plan, 'due = 2025-01-31\nstatus = "amber"', 'due = 2025-04-30\nstatus = "red"')
    _git(repo, "commit", "-qam", "Q3 update")
    shown = _git(repo, "diff", "HEAD~1")
    changed = [ln for ln in shown.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
    assert changed == ["-COM-02 status: On track", "+COM-02 status: At risk",
                       "-COM-04 due: 2025-01-31", "-COM-04 status: At risk",
                       "+COM-04 due: 2025-04-30", "+COM-04 status: red (not a status of this plan)"]
    headers = re.findall(r"^@@ [^@]* @@ ?(.*)$", shown, re.M)
    assert headers == ["COM-02 title: Temporary Accommodation Units",
                       "COM-04 title: Develop the Health and Wellbeing Plan"]
    # with textconv off, git shows the TOML, and each hunk header is the id line above it
    raw = _git(repo, "diff", "--no-textconv", "HEAD~1")
    assert '+status = "amber"' in raw
    headers = re.findall(r"^@@ [^@]* @@ ?(.*)$", raw, re.M)
    assert headers[0] == 'id = "COM-02"'
    # COM-04's due is its third key: the hunk starts at its id line, and the header is the
    # table header just above (git looks above the hunk, never inside it)
    assert headers[1] == "[[theme.programme.action]]"
    assert re.search(r'^@@ [^@]* @@ \[\[theme.programme.action\]\]\n id = "COM-04"\n', raw, re.M)
    # a change to [plan] is named by its table header
    _edit(plan, 'reporting_point = "Mid-Year Progress Update"', 'reporting_point = "Q3"')
    raw = _git(repo, "diff", "--no-textconv")
    assert re.findall(r"^@@ [^@]* @@ ?(.*)$", raw, re.M) == ["[plan]"]
    assert "+plan reporting_point: Q3" in _git(repo, "diff")
    _git(repo, "checkout", "--", "plans")
    # git log -p reads the same way
    log = _git(repo, "log", "-p", "-1")
    assert "+COM-02 status: At risk" in log
    # other TOML files are not touched by the driver
    (repo / "pyproject.toml").write_text('[project]\nname = "renamed"\n')
    assert '+name = "renamed"' in _git(repo, "diff")


@needs_cap
def test_a_commit_that_breaks_the_plan_still_diffs(repo: Path) -> None:
    _cap(repo, "git", "install")
    plan = repo / "plans" / "test.toml"
    _edit(plan, 'status = "green"\nbudget', 'status = "green\nbudget')  # an unclosed string
    out = _git(repo, "diff")
    assert '+status = "green' in out  # the raw text, as textconv passes a broken file through


def test_textconv_command_names_cap() -> None:
    from cap_tui.commands.gitsetup import textconv_command

    command = textconv_command()
    assert command.endswith("diff --textconv")


def test_not_a_repository(tmp_path: Path) -> None:
    code, out = _cap(tmp_path, "git", "install")
    assert code == 2 and "not in a git repository" in out
