"""`cap rollover`: a plan to its next reporting point (--quarter), or into next year's plan
(--year), on copies of the real Blaby plan. What is checked is what an officer checks: the
bytes of both files, the exit code and the message."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cap_tui.cli import main

PLANS = Path(__file__).resolve().parent.parent / "plans"
BLABY = PLANS / "blaby-2024-25.toml"
EXAMPLE = PLANS / "example-borough-2025-26.toml"
Diff = Callable[[bytes | str, bytes | str], list[str]]


@pytest.fixture
def old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAP_STATE_DIR", str(tmp_path / "state"))
    path = tmp_path / "blaby-2024-25.toml"
    shutil.copyfile(BLABY, path)
    return path


def _actions(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for t in data.get("theme", []) for p in t.get("programme", [])
            for a in p.get("action", [])]


def _read(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _errors(path: Path, capsys: pytest.CaptureFixture[str]) -> set[tuple[str, str, str]]:
    capsys.readouterr()
    main(["validate", "--format", "json", str(path)])
    problems = json.loads(capsys.readouterr().out)["problems"]
    return {(p["id"], p["field"], p["message"]) for p in problems if p["severity"] == "error"}


def test_year_carries_the_thirty_unfinished_actions(old: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    before = _read(old)
    finished = {k for k, s in before["plan"]["statuses"].items() if s["finished"]}
    unfinished = [a for a in _actions(before) if a["status"] not in finished]
    assert len(unfinished) == 30  # as the issue says
    new = tmp_path / "blaby-2025-26.toml"

    code = main(["rollover", str(old), "--year", "--to", str(new), "--period", "2025-26"])

    out = capsys.readouterr().out
    assert code == 0
    after = _read(new)
    actions = _actions(after)
    assert [a["id"] for a in actions] == [a["id"] for a in unfinished]
    for was, now in zip(unfinished, actions, strict=True):
        assert now["carried_from"] == "2024-25"
        assert now["status"] == "not-started"
        assert now["previous_update"] == was["progress"]
        assert "progress" not in now
        assert {k: v for k, v in now.items()
                if k not in ("carried_from", "status", "previous_update")} \
            == {k: v for k, v in was.items() if k not in ("status", "progress")}
    assert after["plan"]["period"] == "2025-26"
    assert after["plan"]["title"] == "Corporate Action Plan 2025-26"
    assert after["plan"]["statuses"] == before["plan"]["statuses"]
    assert set(after["plan"]["fields"]) == {"carried_from", "previous_update"}
    assert f"{new}: next year's plan (2025-26), written from {old}" in out
    assert "30 actions carried forward" in out
    assert "14 finished actions left behind" in out
    assert ("3 programmes left empty, dropped: community-health-well-being-plan, "
            "active-travel-strategy, playing-pitch-strategy") in out
    assert f'{old}: 30 carried actions set to status "carried-forward"' in out
    # no --as-of: the first day of the new period; no --reporting-point: kept, and said so
    assert after["plan"]["as_of"] == date(2025, 4, 1)
    assert after["plan"]["reporting_point"] == "Mid-Year Progress Update"
    assert "  as of 2024-11-30 -> 2025-04-01, the first day of its period" in out
    assert '  reporting point "Mid-Year Progress Update" kept' in out


def test_year_lists_the_carried_actions_due_before_the_new_period(
        old: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _read(old)
    finished = {k for k, s in before["plan"]["statuses"].items() if s["finished"]}
    # Blaby writes every expected completion as a month "YYYY-MM" or "ongoing"
    late = [a["id"] for a in _actions(before) if a["status"] not in finished
            and a["due"] != "ongoing" and a["due"] < "2025-04"]
    assert len(late) == 23
    new = tmp_path / "new.toml"

    assert main(["rollover", str(old), "--year", "--to", str(new), "--period", "2025-26"]) == 0

    out = capsys.readouterr().out
    assert (f"  23 carried actions expected to complete before 2025-26, each needing a new "
            f"date: {', '.join(late)}\n") in out
    was = {a["id"]: a.get("due") for a in _actions(before)}
    assert all(a["due"] == was[a["id"]] for a in _actions(_read(new)))  # listed, not changed


def test_year_with_its_first_point_on_a_crlf_plan(old: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    old.write_bytes(BLABY.read_bytes().replace(b"\n", b"\r\n"))
    new = tmp_path / "new.toml"
    assert main(["rollover", str(old), "--year", "--to", str(new), "--period", "2025-26",
                 "--as-of", "2025-06-30", "--reporting-point", "Q1 Progress Update"]) == 0
    out = capsys.readouterr().out
    assert "reporting point \"Mid-Year Progress Update\" kept" not in out
    assert "  as of 2024-11-30 -> 2025-06-30\n" in out
    assert '  reporting point "Mid-Year Progress Update" -> "Q1 Progress Update"\n' in out
    raw = new.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")  # every line written in the file's style
    plan = _read(new)["plan"]
    assert (plan["as_of"].isoformat(), plan["reporting_point"]) == ("2025-06-30",
                                                                   "Q1 Progress Update")
    assert len(_actions(_read(new))) == 30


def test_year_changes_only_the_lines_it_must(old: Path, tmp_path: Path,
                                             changed_lines: Diff) -> None:
    original = old.read_bytes()
    new = tmp_path / "new.toml"
    assert main(["rollover", str(old), "--year", "--to", str(new), "--period", "2025-26"]) == 0
    # the old plan: only the carried actions' status lines
    assert sorted(changed_lines(original, old.read_bytes())) == sorted(
        ['-status = "in-progress"\n'] * 30 + ['+status = "carried-forward"\n'] * 30)
    # the new plan: its comments and vocabulary as they were; added lines only these
    text = new.read_text(encoding="utf-8")
    head = original.decode("utf-8").split("[[theme]]")[0]
    assert text.startswith(head.split("title =")[0])
    assert head.split("[plan.statuses]")[1] in text
    added = [ln for ln in changed_lines(original, new.read_bytes()) if ln.startswith("+")]
    kinds = [next(k for k, rx in _ADDED.items() if re.fullmatch(rx, ln)) for ln in added]
    assert {k: kinds.count(k) for k in _ADDED} == {
        "title": 1, "period": 1, "as_of": 1, "fields": 1, "status": 30, "carried_from": 30,
        "previous_update": 30}


_ADDED = {
    "title": r'\+title = "Corporate Action Plan 2025-26"\n',
    "period": r'\+period = "2025-26"\n',
    "as_of": r"\+as_of = 2025-04-01  # the source gives no date; .*\n",
    "fields": r'\+fields = \{ carried_from = \{ label = "Carried from", type = "line" \}, '
              r'previous_update = \{ label = "Previous update", type = "text" \} \}\n',
    "status": r'\+status = "not-started"\n',
    "carried_from": r'\+carried_from = "2024-25"\n',
    "previous_update": r'\+previous_update = """\n',
}


def test_year_introduces_no_errors(old: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "new.toml"
    before = _errors(old, capsys)
    assert main(["rollover", str(old), "--year", "--to", str(new), "--period", "2025-26"]) == 0
    after = _errors(new, capsys)
    assert after <= before  # the old plan's own errors (empty leads), and no new ones
    assert _errors(old, capsys) == before


def test_year_with_its_own_vocabulary_and_declared_fields(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A plan with no "carried forward" status is left as it is; one whose [plan.fields] is a
    table of its own cannot have fields added by any edit operation, and is told so."""
    monkeypatch.setenv("CAP_STATE_DIR", str(tmp_path / "state"))
    old = tmp_path / "example.toml"
    shutil.copyfile(EXAMPLE, old)
    new = tmp_path / "example-2026-27.toml"
    assert main(["rollover", str(old), "--year", "--to", str(new), "--period", "2026-27"]) == 0
    out = capsys.readouterr().out
    assert old.read_bytes() == EXAMPLE.read_bytes()
    assert f"{old}: unchanged (its vocabulary has no carried forward status)" in out
    assert "could not be declared in the plan's fields" in out
    after = _read(new)
    assert after["plan"]["title"] == "Council Plan Delivery 2026-27"
    assert after["plan"]["fields"] == _read(EXAMPLE)["plan"]["fields"]
    statuses = {a["status"] for a in _actions(after)}
    assert statuses == {"pending"}  # the vocabulary's starting status, by its label "Pending"
    assert all(a["carried_from"] == "2025-26" for a in _actions(after))


def test_quarter_changes_exactly_two_lines(old: Path, changed_lines: Diff,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    original = old.read_bytes()
    code = main(["rollover", str(old), "--quarter", "--as-of", "2025-02-28",
                 "--reporting-point", "Q3 Progress Update"])
    assert code == 0
    assert changed_lines(original, old.read_bytes()) == [
        '-reporting_point = "Mid-Year Progress Update"\n',
        "-as_of = 2024-11-30  # the source gives no date; the latest events it reports are in "
        "November 2024\n",
        '+reporting_point = "Q3 Progress Update"\n',
        "+as_of = 2025-02-28  # the source gives no date; the latest events it reports are in "
        "November 2024\n",
    ]
    assert capsys.readouterr().out == (
        f'{old}: as of 2024-11-30 -> 2025-02-28, reporting point "Mid-Year Progress Update" '
        '-> "Q3 Progress Update"\n')


@pytest.mark.parametrize(("args", "message"), [
    (["--quarter", "--as-of", "2024-10-31", "--reporting-point", "Q3"],
     "OLD: the new as-of date 2024-10-31 is earlier than the plan's 2024-11-30"),
    (["--quarter", "--as-of", "2024-11-30", "--reporting-point", "Quarter 3"],
     "OLD: the new as-of date 2024-11-30 is the same as the plan's 2024-11-30: a rollover "
     "moves a plan forward; nothing was changed"),
    (["--quarter", "--as-of", "2025-01-31", "--reporting-point", " mid-year progress update"],
     'OLD: the plan is at the reporting point "Mid-Year Progress Update" already: give the '
     "next one; nothing was changed"),
    (["--year", "--to", "NEW", "--period", "2025-26", "--as-of", "2025-03-31"],
     "OLD: the new as-of date 2025-03-31 is before the new period, which starts on 2025-04-01"),
    (["--year", "--to", "NEW", "--period", "2025-26", "--as-of", "2024-11-30"],
     "OLD: the new as-of date 2024-11-30 is the same as the plan's 2024-11-30"),
    (["--quarter", "--as-of", "2025-02-28"], "OLD: --quarter needs --reporting-point"),
    (["--quarter", "--reporting-point", "Q3"], "OLD: --quarter needs --as-of"),
    (["--quarter", "--as-of", "2025-02-30", "--reporting-point", "Q3"],
     'OLD: "2025-02-30" is not a date'),
    (["--year", "--to", "EXISTING", "--period", "2025-26"],
     "EXISTING already exists: cap rollover never overwrites a file"),
    (["--year", "--to", "NEW", "--period", "2024-25"],
     "OLD: the plan's period is already 2024-25"),
    (["--year", "--to", "NEW"], "OLD: --year needs --period"),
])
def test_refusals_write_nothing(old: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                args: list[str], message: str) -> None:
    existing = tmp_path / "existing.toml"
    existing.write_text("# someone's notes\n")
    names = {"EXISTING": str(existing), "NEW": str(tmp_path / "new.toml"), "OLD": str(old)}
    args = [names.get(a, a) for a in args]
    for name, path in names.items():
        message = message.replace(name, path)
    original = old.read_bytes()

    code = main(["rollover", str(old), *args])

    err = capsys.readouterr().err
    assert code == 2
    assert f"cap: {message}" in err
    assert "Traceback" not in err
    assert old.read_bytes() == original
    assert existing.read_text() == "# someone's notes\n"
    assert not (tmp_path / "new.toml").exists()


def test_year_into_a_period_that_is_no_financial_year_keeps_the_as_of_date_and_says_so(
        old: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "new.toml"
    assert main(["rollover", str(old), "--year", "--to", str(new), "--period", "2025"]) == 0
    out = capsys.readouterr().out
    assert _read(new)["plan"]["as_of"] == date(2024, 11, 30)
    assert ("  as of 2024-11-30 kept: its period is not a financial year cap can read, so give "
            "--as-of\n") in out
    assert "needing a new date" not in out  # no period start to judge by
