"""Who is late (core/stale.py, render/stale.py): actions whose progress update is the same as at
the last reporting point, found from the plan's git history, in real git repositories."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cap_tui.cli import main
from cap_tui.core.stale import ReportingPoint, StaleAction, StaleError, find_stale
from cap_tui.render.stale import write_stale, write_stale_json
from cap_tui.render.terminal import Out

ROOT = Path(__file__).resolve().parent.parent

PLAN = '''[plan]
council = "Testshire District Council"
title = "Corporate Action Plan 2024-25"
period = "2024-25"
reporting_point = "Q1"
as_of = 2024-06-30

[[theme]]
id = "t"
title = "A Theme"

[[theme.programme]]
id = "p"
title = "A Programme"
'''


def _action(aid: str, lead: str, status: str, progress: str | None) -> str:
    text = (f'\n[[theme.programme.action]]\nid = "{aid}"\ntitle = "Action {aid}"\n'
            f'lead = "{lead}"\ndue = "2025-03"\nstatus = "{status}"\n')
    return text + (f'progress = """\n{progress}"""\n' if progress is not None else "")


ACTIONS = (
    _action("A-1", "Alice", "green", "Started.")
    + _action("A-2", "Bob", "green", "Planning.")
    + _action("A-3", "Alice", "completed", "Done.")
    + _action("A-4", "Bob", "amber", None)
    + _action("A-5", "Alice", "red", "Waiting.")
    + _action("A-6", "", "green", "Scoping.")
)


class Repo:
    """A throwaway repository with fixed authors and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        self.git("-c", "init.defaultBranch=main", "init", "-q")
        self.file = root / "plan.toml"

    def git(self, *args: str, when: str = "2024-04-01") -> str:
        stamp = f"{when}T09:00:00+01:00"
        env = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
               "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org",
               "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
               "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        proc = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True,
                              text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def commit(self, when: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-qm", f"update {when}", when=when)
        return self.git("rev-parse", "HEAD").strip()

    def set(self, aid: str, field: str, value: str) -> None:
        """An edit as an officer makes it: through `cap set`."""
        assert main(["set", str(self.file), aid, field, value]) == 0

    def quarter(self, as_of: str, point: str) -> None:
        assert main(["rollover", str(self.file), "--quarter", "--as-of", as_of,
                     "--reporting-point", point]) == 0


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Repo, list[str]]:
    """Q1 committed; Q2 rollover with A-2 and A-6 updated; Q3 rollover with A-1 updated; and
    in the working tree, A-2 updated again (not committed)."""
    monkeypatch.setenv("CAP_STATE_DIR", str(tmp_path / "state"))
    r = Repo(tmp_path / "repo")
    r.file.write_text(PLAN + ACTIONS, encoding="utf-8")
    shas = [r.commit("2024-06-30")]
    r.quarter("2024-09-30", "Q2")
    r.set("A-2", "progress", "Designs agreed.")
    r.set("A-6", "progress", "Scoped; out to tender.")
    shas.append(r.commit("2024-09-30"))
    r.quarter("2024-12-31", "Q3")
    r.set("A-1", "progress", "Half done.")
    shas.append(r.commit("2024-12-31"))
    r.set("A-2", "progress", "Contract signed.")
    return r, shas


def _found(report_actions: list[StaleAction]) -> dict[str, tuple[int, str]]:
    return {a.id: (a.points, a.since.label if a.since else "") for a in report_actions}


def test_stale_since_the_last_reporting_point(repo: tuple[Repo, list[str]]) -> None:
    r, shas = repo
    report = find_stale(r.file)
    # the last point: the plan as it stood just before the Q3 rollover (the end of Q2)
    assert report.point == ReportingPoint(shas[1], "Q2", "2024-09-30")
    # A-1 updated at Q3, A-2 in the working tree, A-3 finished: none of them is late
    assert _found(report.actions) == {"A-4": (2, "Q1"), "A-5": (2, "Q1"), "A-6": (1, "Q2")}
    a5 = next(a for a in report.actions if a.id == "A-5")
    assert (a5.title, a5.lead) == ("Action A-5", "Alice")
    assert a5.since == ReportingPoint(shas[0], "Q1", "2024-06-30")


def test_an_uncommitted_edit_counts_and_trimmed_white_space_does_not(
        repo: tuple[Repo, list[str]]) -> None:
    r, _ = repo
    r.set("A-4", "progress", "Now under way.")
    r.set("A-5", "progress", "  Waiting.\n\n")  # the same words: still not updated
    found = _found(find_stale(r.file).actions)
    assert "A-4" not in found
    assert found["A-5"] == (2, "Q1")


def test_an_uncommitted_rollover_ends_a_point_at_the_last_commit(
        repo: tuple[Repo, list[str]]) -> None:
    r, shas = repo
    r.quarter("2025-03-31", "Q4")  # not committed: the last commit is the end of Q3
    report = find_stale(r.file)
    assert report.point == ReportingPoint(shas[2], "Q3", "2024-12-31")
    assert _found(report.actions) == {"A-1": (1, "Q3"), "A-4": (3, "Q1"), "A-5": (3, "Q1"),
                                      "A-6": (2, "Q2")}


def test_since_a_tag(repo: tuple[Repo, list[str]]) -> None:
    r, shas = repo
    r.git("tag", "-a", "q1-report", "-m", "Q1 report", shas[0])
    report = find_stale(r.file, since="q1-report")
    assert report.point == ReportingPoint(shas[0], "Q1", "2024-06-30")
    # against Q1: A-6 was updated at Q2 and A-1 at Q3 since
    assert _found(report.actions) == {"A-4": (1, "Q1"), "A-5": (1, "Q1")}


def test_a_tag_on_a_newer_commit_is_the_last_point(repo: tuple[Repo, list[str]]) -> None:
    r, shas = repo
    r.git("tag", "q3-report", shas[2])
    report = find_stale(r.file)
    assert report.point == ReportingPoint(shas[2], "Q3", "2024-12-31")
    found = _found(report.actions)
    assert found["A-1"] == (1, "Q3")  # updated at Q3, not since
    assert found["A-5"] == (3, "Q1")  # the same at Q3, Q2 and Q1


def test_a_tag_names_a_point_when_the_plan_names_none(tmp_path: Path) -> None:
    r = Repo(tmp_path / "repo")
    r.file.write_text(PLAN.replace('reporting_point = "Q1"\n', "") + ACTIONS, encoding="utf-8")
    sha = r.commit("2024-06-30")
    r.git("tag", "end-of-q1")
    report = find_stale(r.file)
    assert report.point == ReportingPoint(sha, "end-of-q1", "2024-06-30")
    assert [a.id for a in report.actions] == ["A-1", "A-2", "A-4", "A-5", "A-6"]


@pytest.mark.parametrize("case", ["outside", "untracked", "no-point", "bad-rev", "no-commit"])
def test_errors_say_why(tmp_path: Path, case: str) -> None:
    if case == "outside":
        path = tmp_path / "plan.toml"
        path.write_text(PLAN + ACTIONS, encoding="utf-8")
        env_root = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=tmp_path,
                                  capture_output=True, check=False)
        if env_root.returncode == 0:
            pytest.skip("the temporary folder is inside a git repository")
        expected, since = "is not in a git repository", None
    else:
        r = Repo(tmp_path / "repo")
        path = r.file
        if case == "no-commit":
            path.write_text(PLAN + ACTIONS, encoding="utf-8")
            expected, since = "no git history", None
        else:
            (r.root / "other.txt").write_text("x")
            r.commit("2024-06-01")
            path.write_text(PLAN + ACTIONS, encoding="utf-8")
            expected, since = "is not committed in git", None
            if case != "untracked":
                r.commit("2024-06-30")
                expected = "no reporting point found"
                if case == "bad-rev":
                    expected, since = "'nonesuch' is not a revision", "nonesuch"
    with pytest.raises(StaleError) as caught:
        find_stale(path, since)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_the_report_as_text_and_json(repo: tuple[Repo, list[str]]) -> None:
    r, shas = repo
    r.set("A-5", "title", "[bold]Late\x1b[31m one")
    report = find_stale(r.file)
    out = io.StringIO()
    write_stale(Out(out, colour=False), "plan.toml", report)
    assert out.getvalue().splitlines() == [
        f"plan.toml: 3 actions not updated since Q2 (2024-09-30, {shas[1][:7]})",
        "",
        "Bob (1)",
        "  A-4  same for 2 points (since Q1)  Action A-4",
        "",
        "Alice (1)",
        "  A-5  same for 2 points (since Q1)  [bold]Late\\x1b[31m one",
        "",
        "(no lead) (1)",
        "  A-6  same for 1 point (since Q2)   Action A-6",
    ]
    out = io.StringIO()
    write_stale_json(out, "plan.toml", report)
    data = json.loads(out.getvalue())
    assert data["point"] == {"rev": shas[1], "label": "Q2", "date": "2024-09-30"}
    assert data["actions"][1] == {"id": "A-5", "title": "[bold]Late\x1b[31m one", "lead": "Alice",
                                  "points": 2, "since": {"rev": shas[0], "label": "Q1",
                                                         "date": "2024-06-30"}}


def test_finding_them_imports_nothing_heavy(repo: tuple[Repo, list[str]]) -> None:
    """`cap status --stale` must stay fast: no Textual, tomlkit or Rich on the way."""
    r, _ = repo
    script = ("import io, sys\n"
              "from cap_tui.core.stale import find_stale\n"
              "from cap_tui.render.stale import write_stale\n"
              "from cap_tui.render.terminal import Out\n"
              "write_stale(Out(io.StringIO(), colour=False), 'p', find_stale(sys.argv[1]))\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in "
              "('textual', 'tomlkit', 'rich')))\n")
    proc = subprocess.run([sys.executable, "-c", script, str(r.file)], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
