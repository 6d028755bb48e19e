"""`cap diff`: two versions of a plan compared by id, as text, Markdown, JSON and git's textconv."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cap_tui.cli import main
from cap_tui.core.diff import PlanDiff, diff_plans, word_diff, word_pieces
from cap_tui.core.model import Plan, load_plan
from cap_tui.render.diff import md, render_markdown, render_text, textconv, wrap
from cap_tui.render.terminal import Out

DATA = Path(__file__).resolve().parent / "data_diff"
OLD, NEW = DATA / "old.toml", DATA / "new.toml"


def _cap(*args: str | Path, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


def _diff() -> PlanDiff:
    return diff_plans(load_plan(OLD), load_plan(NEW))


def _by_id(d: PlanDiff) -> dict[str, Any]:
    return {n.id: n for n in d.actions}


# -- the comparison ----------------------------------------------------------------------------
def test_plan_level_changes_come_first_and_name_the_vocabulary() -> None:
    d = _diff()
    assert [(f.key, f.old_text, f.new_text) for f in d.plan] == [
        ("reporting_point", "Mid-Year Progress Update", "Year End"),
        ("as_of", "2024-11-30", "2025-03-31"),
    ]
    assert [(f.key, f.old_text, f.new_text) for f in d.statuses] == [
        ("in-progress", "In progress (cyan)", "In progress (no RAG) (cyan)")]
    assert [(f.key, f.added) for f in d.fields] == [("risks", True)]


def test_actions_added_removed_moved_renamed_and_changed() -> None:
    d = _diff()
    a = _by_id(d)
    assert set(a) == {"COM-01", "COM-02", "COM-03", "COM-05", "ENV-01"}
    assert a["COM-05"].change == "added" and a["COM-05"].new_parent == "housing"
    assert a["COM-05"].facts == {"status": "Not started", "due": "2025-09",
                                 "lead": "Housing Services Team"}
    assert a["COM-03"].change == "removed" and a["COM-03"].old_parent == "housing"
    env = a["ENV-01"]
    assert env.moved and not env.fields
    assert (env.old_parent, env.new_parent) == ("net-zero", "housing")
    assert (env.old_theme, env.new_theme) == ("environment", "communities")
    com2 = a["COM-02"]
    assert com2.renamed and not com2.moved
    assert [f.key for f in com2.fields] == ["title", "lead", "due", "budget"]
    assert com2.field("budget").old == 1400000 and com2.field("budget").new == 1450000
    # COM-04 stayed in its programme while the programme moved theme: not an action change
    assert "COM-04" not in a
    assert d.counts("action") == {"added": 1, "removed": 1, "changed": 2, "moved": 1}


def test_status_shows_labels_and_due_says_slipped_or_brought_forward() -> None:
    a = _by_id(_diff())
    status = a["COM-01"].field("status")
    assert (status.old_text, status.new_text) == ("In progress", "Completed")
    assert (status.old_colour, status.new_colour) == ("cyan", "blue")
    due = a["COM-01"].field("due")
    assert (due.direction, due.delta) == ("later", "3 months")
    due = a["COM-02"].field("due")
    assert (due.direction, due.delta) == ("earlier", "2 months")


def test_programmes_and_themes_by_id() -> None:
    d = _diff()
    assert [(n.id, n.change) for n in d.themes] == [("growth", "added")]
    [health] = d.programmes
    assert health.id == "health" and health.moved
    assert (health.old_parent, health.new_parent) == ("communities", "environment")


def test_a_plan_against_itself_is_the_same() -> None:
    for path in [OLD, NEW, *sorted((DATA.parent.parent / "plans").glob("*.toml"))]:
        d = diff_plans(load_plan(path), load_plan(path))
        assert d.same, path
        code, out, _ = _cap("diff", path, path)
        assert code == 0 and "No changes" in out


def test_type_matters_and_due_written_differently() -> None:
    base = {"plan": {"as_of": "x"}, "theme": [{"id": "t", "programme": [{"id": "p", "action": [
        {"id": "A-1", "due": "2025-03", "budget": 1, "flag": True}]}]}]}
    other = json.loads(json.dumps(base))
    a = other["theme"][0]["programme"][0]["action"][0]
    a["budget"] = 1.0
    a["flag"] = 1
    from datetime import date

    a["due"] = date(2025, 3, 31)
    d = diff_plans(Plan("old", base), Plan("new", other))
    fields = {f.key: f for f in d.actions[0].fields}
    assert set(fields) == {"due", "budget", "flag"}
    assert fields["due"].direction == "same"


def test_duplicate_ids_are_compared_by_occurrence() -> None:
    def plan(second_status: str) -> Plan:
        return Plan("p", {"plan": {}, "theme": [{"id": "t", "programme": [{"id": "p", "action": [
            {"id": "A", "status": "green"}, {"id": "A", "status": second_status}]}]}]})

    d = diff_plans(plan("green"), plan("red"))
    [change] = d.actions
    assert change.occurrence == 2 and change.field("status").new == "red"


# -- word diff ---------------------------------------------------------------------------------
def test_word_diff_marks_only_the_changed_words() -> None:
    ops = word_diff("The strategy is due to be approved in February.",
                    "The strategy was approved in February 25.")
    text = "".join(f"[-{t}-]" if g == "-" else f"{{+{t}+}}" if g == "+" else t
                   for t, g in word_pieces(ops, None))
    assert text == "The strategy [-is due to be-]{+was+} approved in [-February.-]{+February 25.+}"


def test_word_pieces_cut_long_unchanged_runs() -> None:
    old = " ".join(f"w{i}" for i in range(60))
    new = old.replace("w30", "CHANGED")
    pieces = word_pieces(word_diff(old, new), 5)
    text = "".join(t for t, _ in pieces)
    assert text.startswith("… w25") and text.endswith("w35 …")
    assert ("CHANGED", "+") in pieces and ("w30", "-") in pieces


def test_wrap_keeps_markers_with_their_words() -> None:
    pieces = [("aaa bbb ", ""), ("[-", "r"), ("ccc", "r"), ("-]", "r"), (" ddd", "")]
    lines = wrap(pieces, 13, first="> ", hang="  ")
    joined = ["".join(t for t, _ in line) for line in lines]
    assert joined == ["> aaa bbb", "  [-ccc-] ddd"]


# -- output ------------------------------------------------------------------------------------
def test_text_output_plain_when_piped() -> None:
    code, out, err = _cap("diff", OLD, NEW)
    assert code == 1 and err == ""
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == f"old: {OLD}" and lines[1] == f"new: {NEW}"
    assert lines.index("Plan") < lines.index("Actions")
    assert "    status    In progress -> Completed" in lines
    assert "    due       2025-03 -> 2025-06 (slipped 3 months)" in lines
    assert any("{+went+}" in ln and "[-is going-]" in ln for ln in lines)
    assert "+ COM-05  Rough Sleeper Outreach  (added to programme housing)" in lines
    assert "- COM-03  Family Hubs  (removed from programme housing)" in lines
    assert "    moved  programme net-zero -> housing (theme environment -> communities)" in lines
    assert all(len(ln) <= 80 for ln in lines[2:]), "piped output is wrapped to 80 columns"


def test_text_output_coloured_on_a_terminal_keeps_the_markers() -> None:
    stream = io.StringIO()
    out = Out(stream, colour=True)
    render_text(_diff(), out)
    text = stream.getvalue()
    assert "\x1b[" in text
    plain = __import__("re").sub(r"\x1b\[[0-9;]*m", "", text)
    assert "[-is going-]" in plain and "{+went+}" in plain


def test_markdown_for_a_merge_request() -> None:
    code, out, _ = _cap("diff", "--format", "markdown", OLD, NEW)
    assert code == 1
    assert out.startswith("### Plan changes: ")
    assert "- **COM-01** Review the Homelessness Strategy" in out
    assert "  - Status: In progress → **Completed**" in out
    assert "  - Expected completion: 2025-03 → **2025-06** (slipped 3 months)" in out
    assert "~~is going~~**went**" in out
    assert "- Added: **COM-05** Rough Sleeper Outreach (in programme housing)" in out
    assert "- Removed: ~~**COM-03** Family Hubs~~ (was in programme housing)" in out
    assert "#### Plan" in out and "#### Themes" in out


def test_markdown_escapes_plan_text() -> None:
    assert md("see [this](http://x) *now* <b>@team</b> | 50% & co") == \
        r"see \[this\](http://x) \*now\* \<b\>\@team\</b\> \| 50% & co"
    old = Plan("o", {"plan": {}, "theme": [{"id": "t", "title": "<script>", "programme": []}]})
    new = Plan("n", {"plan": {}, "theme": [{"id": "t", "title": "**bold**", "programme": []}]})
    text = render_markdown(diff_plans(old, new))
    assert "<script>" not in text and r"\*\*bold\*\*" in text


def test_json_for_tools() -> None:
    code, out, _ = _cap("diff", "--format", "json", OLD, NEW)
    assert code == 1
    doc = json.loads(out)
    assert doc["same"] is False
    assert doc["counts"]["action"] == {"added": 1, "removed": 1, "changed": 2, "moved": 1}
    com1 = next(a for a in doc["actions"] if a["id"] == "COM-01")
    status = next(f for f in com1["fields"] if f["field"] == "status")
    assert (status["old"], status["new"], status["new_text"]) == ("in-progress", "completed",
                                                                  "Completed")
    due = next(f for f in com1["fields"] if f["field"] == "due")
    assert due["direction"] == "later"
    progress = next(f for f in com1["fields"] if f["field"] == "progress")
    assert ["-", "is going "] in progress["words"]
    code, out, _ = _cap("diff", "--format", "json", OLD, OLD)
    assert code == 0 and json.loads(out)["same"] is True


def test_control_characters_are_shown_not_obeyed(tmp_path: Path) -> None:
    new = tmp_path / "new.toml"
    new.write_text(OLD.read_text().replace('title = "Family Hubs"',
                                           'title = "Family \\u001b[31mHubs"'))
    code, out, _ = _cap("diff", OLD, new)
    assert code == 1 and "\x1b" not in out and "\\x1b[31mHubs" in out


# -- errors ------------------------------------------------------------------------------------
def test_a_side_that_does_not_parse_is_named_with_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[plan]\ncouncil = "x"\ntitle = = "y"\n')
    code, out, err = _cap("diff", OLD, bad)
    assert code == 2 and out == ""
    assert err.startswith(f"cap: the new plan cannot be read: {bad}:3:9: error: not valid TOML")
    code, _, err = _cap("diff", bad, OLD)
    assert code == 2 and "the old plan cannot be read: " in err and ":3:9:" in err


def test_missing_file_is_trouble(tmp_path: Path) -> None:
    code, _, err = _cap("diff", OLD, tmp_path / "nope.toml")
    assert code == 2 and "cannot read the new file" in err


# -- git revisions -----------------------------------------------------------------------------
def _git(repo: Path, *args: str, when: str = "2024-06-01T10:00:00+01:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Alice Smith", "GIT_AUTHOR_EMAIL": "alice@example.org",
           "GIT_COMMITTER_NAME": "Alice Smith", "GIT_COMMITTER_EMAIL": "alice@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    (r / "plans").mkdir(parents=True)
    _git(r, "-c", "init.defaultBranch=main", "init", "-q")
    (r / "plans" / "test.toml").write_bytes(OLD.read_bytes())
    _git(r, "add", ".")
    _git(r, "commit", "-qm", "Start of year")
    (r / "plans" / "test.toml").write_bytes(NEW.read_bytes())
    _git(r, "commit", "-qam", "Year end", when="2025-03-31T10:00:00+01:00")
    return r


def test_git_revisions(repo: Path) -> None:
    path = "plans/test.toml"
    code, out, _ = _cap("diff", path, cwd=repo)  # HEAD against the working file: the same
    assert code == 0 and "old: HEAD:plans/test.toml" in out
    code, out, _ = _cap("diff", "HEAD~1", path, cwd=repo)
    assert code == 1 and "new: plans/test.toml (working file)" in out and "COM-05" in out
    code, out, _ = _cap("diff", "--format", "json", "HEAD~1", "HEAD", path, cwd=repo)
    assert code == 1 and json.loads(out)["old"] == "HEAD~1:plans/test.toml"
    # from a sub-folder, with the path as seen from there
    code, out, _ = _cap("diff", "HEAD~1", "HEAD", "test.toml", cwd=repo / "plans")
    assert code == 1 and "old: HEAD~1:plans/test.toml" in out
    (repo / "plans" / "test.toml").write_bytes(OLD.read_bytes())
    code, out, _ = _cap("diff", path, cwd=repo)
    assert code == 1 and "+ COM-03" in out


def test_git_errors(repo: Path, tmp_path: Path) -> None:
    code, _, err = _cap("diff", "no-such-rev", "plans/test.toml", cwd=repo)
    assert code == 2 and "no-such-rev" in err
    (repo / "plans" / "new.toml").write_bytes(NEW.read_bytes())
    code, _, err = _cap("diff", "plans/new.toml", cwd=repo)
    assert code == 2 and "plans/new.toml is not in HEAD" in err
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "p.toml").write_bytes(OLD.read_bytes())
    code, _, err = _cap("diff", str(outside / "p.toml"), cwd=outside)
    assert code == 2 and "not in a git repository" in err
    # a revision where the file does not parse names the old side and the revision
    (repo / "plans" / "test.toml").write_text("[plan\n")
    _git(repo, "commit", "-qam", "broken")
    (repo / "plans" / "test.toml").write_bytes(NEW.read_bytes())
    code, _, err = _cap("diff", "plans/test.toml", cwd=repo)
    assert code == 2
    assert "the old plan cannot be read: HEAD:plans/test.toml:1:6: error" in err


# -- textconv ----------------------------------------------------------------------------------
def test_textconv_is_one_fact_per_line_led_by_the_id() -> None:
    text = textconv(load_plan(OLD))
    lines = text.splitlines()
    assert "plan as_of: 2024-11-30" in lines
    assert "plan status in-progress: In progress (cyan)" in lines
    assert "plan field budget: Budget (£) (number)" in lines
    assert "theme communities title: Enabling Our Communities" in lines
    assert "programme housing actions: COM-01, COM-02, COM-03" in lines
    assert "COM-01 status: In progress" in lines
    assert "COM-01 due: 2025-03" in lines
    assert "COM-04 due: 2025-01-31" in lines
    assert "COM-01 programme: housing" in lines and "COM-01 theme: communities" in lines
    assert any(ln.startswith("COM-01 progress: This is going to Scrutiny") for ln in lines)
    # every action line starts with its id, actions in id order
    action_lines = [ln for ln in lines if not ln.startswith(("plan ", "theme ", "programme "))]
    ids = [ln.split(" ", 1)[0] for ln in action_lines]
    assert ids == sorted(ids, key=lambda i: (i[:4], int(i[4:])))
    assert textconv(load_plan(OLD)) == text  # stable


def test_textconv_command_passes_other_files_through(tmp_path: Path) -> None:
    code, _, _ = _cap("diff", "--textconv", OLD)
    assert code == 0  # the text goes to stdout's buffer, tested through git in test_gitsetup
    other = tmp_path / "pyproject.toml"
    other.write_bytes(b'[project]\nname = "x"\n')
    broken = tmp_path / "broken.toml"
    broken.write_bytes(b"[plan\n\xff")
    for path in (other, broken):
        proc = subprocess.run([os.sys.executable, "-m", "cap_tui.cli", "diff", "--textconv",
                               str(path)], capture_output=True, check=True)
        assert proc.stdout == path.read_bytes()
    proc = subprocess.run([os.sys.executable, "-m", "cap_tui.cli", "diff", "--textconv",
                           str(OLD)], capture_output=True, check=True)
    assert proc.stdout.decode("utf-8") == textconv(load_plan(OLD))
