"""`cap request`: the return sheets a lead receives, read back as the lead's spreadsheet reads them
(openpyxl for xlsx, the csv module for csv): headers, values, locks, drop-downs, file names."""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import subprocess
import tomllib
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from cap_tui.commands import request as request_command
from cap_tui.core.request import COLUMNS, names_someone
from cap_tui.render.request_xlsx import FINISHED_NOTE
from cap_tui.render.terminal import Out

ROOT = Path(__file__).resolve().parent.parent
BLABY = ROOT / "plans" / "blaby-2024-25.toml"
LABELS = ["Not started", "Achieved, on target", "At risk", "Done"]
NEW_FIELDS = ["New Team", "New portfolio"]

PLAN = r'''[plan]
council = "Test Council"
title = "Council Plan 2025-26"
period = "2025-26"
reporting_point = "Q2"
as_of = 2025-09-30

[plan.statuses]
not-started = { label = "Not started", colour = "grey" }
on-target = { label = "Achieved, on target", colour = "green" }
at-risk = { label = "At risk", colour = "amber" }
done = { label = "Done", colour = "blue", finished = true }

[plan.fields]
team = { label = "Team", type = "line" }
portfolio = { type = "choice", choices = ["Housing", "Finance, Resources"] }

[[theme]]
id = "homes"
title = "Homes"

[[theme.programme]]
id = "supply"
title = "Housing Supply"

[[theme.programme.action]]
id = "A-01"
title = "+1 more home"
lead = "Housing Team"
due = 2026-03-31
status = "on-target"
progress = """
=HYPERLINK("http://evil.example/","click")
Second paragraph."""

[[theme.programme.action]]
id = "A-02"
title = "Same lead, other case"
lead = "housing team"
due = "2026-01"
status = "at-risk"
progress = "@SUM(A1)"

[[theme.programme.action]]
id = "A-03"
title = "Only a comma for a lead"
lead = ","
due = "ongoing"
status = "not-started"

[[theme.programme.action]]
id = "A-04"
title = "No lead at all"
due = "2026-02"
status = "not-started"

[[theme.programme.action]]
id = "A-05"
title = "Escape \u001b[31mred\u001b[0m and _x0041_"
lead = "Finance"
due = "ongoing"
status = "done"
progress = "-2 is \u001b]52;c;evil\u0007 not a formula"

[[theme.programme.action]]
id = "A-06"
title = "A month"
lead = "Housing Team"
due = "2026-06"
status = "not-started"
'''


# -- running the command -----------------------------------------------------------------------
def cap_request(*argv: str) -> tuple[int, str]:
    """`cap request ARGV...` through the command's own parser: its exit code and stdout."""
    parser = argparse.ArgumentParser(prog="cap request")
    request_command.add_arguments(parser, "request")
    stream = io.StringIO()
    code = request_command.run(parser.parse_args(list(argv)), Out(stream, colour=False))
    return int(code), stream.getvalue()


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


@pytest.fixture
def sheets(tmp_path: Path, plan: Path) -> Path:
    """The workbooks of the test plan, in tmp_path/out: every action (--all)."""
    code, _ = cap_request(str(plan), "--all", "--output-dir", str(tmp_path / "out"))
    assert code == 0
    return tmp_path / "out"


def rows(ws) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def list_items(book, formula: str) -> list[object]:
    """The cells a list validation's source range (`Instructions!$A$5:$A$8`) holds."""
    sheet, _, cells = formula.lstrip("=").partition("!")
    return [row[0].value for row in book[sheet][cells.replace("$", "")]]


# -- the workbook a lead sees --------------------------------------------------------------------
def test_a_leads_workbook_holds_their_actions_under_the_contracts_header(sheets):
    book = openpyxl.load_workbook(sheets / "housing-team.xlsx")
    assert book.sheetnames == ["Updates", "Instructions"]
    assert book.active.title == "Updates"
    ws = book["Updates"]
    table = rows(ws)
    assert table[0] == [*COLUMNS, *NEW_FIELDS]
    assert [r[:8] for r in table[1:]] == [
        ["A-01", "Homes", "Housing Supply", "+1 more home", "Housing Team", datetime(2026, 3, 31),
         "Achieved, on target", '=HYPERLINK("http://evil.example/","click")\nSecond paragraph.'],
        ["A-06", "Homes", "Housing Supply", "A month", "Housing Team", "2026-06", "Not started",
         None],
    ]
    assert all(v is None for r in table[1:] for v in r[8:])  # the new columns start blank
    assert ws["F2"].is_date and ws["F3"].data_type == "s"
    assert ws.freeze_panes == "A2"
    assert ws["H2"].alignment.wrap_text


def test_current_values_are_locked_and_the_new_columns_open(sheets):
    ws = openpyxl.load_workbook(sheets / "housing-team.xlsx")["Updates"]
    assert ws.protection.sheet and not ws.protection.password
    for row in ws.iter_rows(min_row=2):
        locked = [c.protection.locked for c in row]
        assert locked == [True] * 8 + [False] * (len(COLUMNS) - 8 + len(NEW_FIELDS))


def test_new_status_is_a_drop_down_of_the_plans_labels(sheets):
    book = openpyxl.load_workbook(sheets / "housing-team.xlsx")
    ws = book["Updates"]
    by_column = {str(dv.sqref)[0]: dv for dv in ws.data_validations.dataValidation}
    status = by_column["I"]
    assert status.type == "list" and str(status.sqref) == "I2:I3"
    assert list_items(book, status.formula1) == LABELS  # a label with a comma stays one item
    assert status.showErrorMessage and status.error
    due = by_column["J"]  # any value ("ongoing" is text), with a hint
    assert due.type is None and due.showInputMessage and "ongoing" in due.prompt
    assert ws["J2"].number_format == "d mmm yyyy"
    portfolio = by_column["N"]
    assert list_items(book, portfolio.formula1) == ["Housing", "Finance, Resources"]


def test_instructions_say_who_what_and_the_statuses(sheets):
    book = openpyxl.load_workbook(sheets / "housing-team.xlsx")
    cells = {c.value for row in book["Instructions"].iter_rows() for c in row if c.value}
    assert {"Housing Team", "Test Council: Council Plan 2025-26 (2025-26)", "Q2",
            "30 September 2025", "New status", "New expected completion", "New progress update",
            "Next steps", *NEW_FIELDS, *LABELS} <= cells
    table = [[c.value for c in r[:2]] for r in book["Instructions"].iter_rows()]
    at = table.index(["Status", "Finished?"])
    assert table[at + 1 : at + 5] == [[label, "Yes" if label == "Done" else "No"]
                                      for label in LABELS]
    said = [v for v in cells if "still being delivered" in str(v)]
    assert said == [FINISHED_NOTE] and table[at - 1][0] == FINISHED_NOTE  # once, above it
    assert any("send it back" in str(v) for v in cells)
    assert book.properties.title == "Council Plan 2025-26"
    assert "Housing Team" in book.properties.subject


def test_print_setup_landscape_fit_to_width_header_repeated(sheets):
    ws = openpyxl.load_workbook(sheets / "housing-team.xlsx")["Updates"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"


def test_formula_looking_text_stays_text(sheets):
    book = openpyxl.load_workbook(sheets / "housing-team.xlsx")
    ws = book["Updates"]
    assert (ws["D2"].value, ws["D2"].data_type) == ("+1 more home", "s")
    assert ws["H2"].data_type == "s" and ws["H2"].value.startswith("=HYPERLINK(")
    other = openpyxl.load_workbook(sheets / "housing-team-2.xlsx")["Updates"]
    assert (other["H2"].value, other["H2"].data_type) == ("@SUM(A1)", "s")
    for path in sheets.glob("*.xlsx"):
        for row in openpyxl.load_workbook(path)["Updates"].iter_rows():
            assert all(c.data_type != "f" for c in row), path


def test_control_characters_are_visible_and_escape_lookalikes_kept(sheets):
    ws = openpyxl.load_workbook(sheets / "finance.xlsx")["Updates"]
    assert ws["D2"].value == "Escape \\x1b[31mred\\x1b[0m and _x0041_"
    assert ws["H2"].value == "-2 is \\x1b]52;c;evil\\x07 not a formula"
    assert ws["G2"].value == "Done"
    assert ws["F2"].value == "ongoing"


# -- files, leads, the command's output ----------------------------------------------------------
def test_one_file_per_lead_as_written_and_no_lead_listed(tmp_path, plan):
    """Finance's one action is done: by default a lead is asked only about unfinished ones."""
    code, out = cap_request(str(plan), "--output-dir", str(tmp_path / "out"))
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["housing-team-2.xlsx", "housing-team.xlsx", "no-lead.xlsx"]
    no_lead = openpyxl.load_workbook(tmp_path / "out" / "no-lead.xlsx")["Updates"]
    assert [r[0] for r in rows(no_lead)[1:]] == ["A-03", "A-04"]
    lines = out.splitlines()
    assert lines[:3] == [
        f"Housing Team: 2 actions -> {tmp_path / 'out' / 'housing-team.xlsx'}",
        f"housing team: 1 action -> {tmp_path / 'out' / 'housing-team-2.xlsx'}",
        f"(no lead): 2 actions -> {tmp_path / 'out' / 'no-lead.xlsx'}",
    ]
    assert lines[3].startswith("2 actions with no lead")
    assert lines[4].split() == ["A-03", "Only", "a", "comma", "for", "a", "lead", "(lead", '",")']
    assert lines[5].split() == ["A-04", "No", "lead", "at", "all"]
    assert lines[6:] == ["1 finished action left out: a lead has nothing to update on them "
                         "(--all includes them)"]


def test_all_asks_about_the_finished_actions_too(tmp_path, plan):
    code, out = cap_request(str(plan), "--all", "--output-dir", str(tmp_path / "out"))
    assert code == 0 and "left out" not in out
    assert out.splitlines()[0] == f"Finance: 1 action -> {tmp_path / 'out' / 'finance.xlsx'}"
    finance = openpyxl.load_workbook(tmp_path / "out" / "finance.xlsx")["Updates"]
    assert [(r[0], r[6]) for r in rows(finance)[1:]] == [("A-05", "Done")]


def test_a_lead_with_only_finished_actions_has_nothing_to_update(tmp_path, plan):
    code, out = cap_request(str(plan), "--lead", "FINANCE", "--output-dir", str(tmp_path / "o"))
    assert code == 0 and not (tmp_path / "o").exists()
    assert out == (f'nothing to ask: {plan} has no unfinished actions for "FINANCE"\n'
                   "1 finished action left out: a lead has nothing to update on them (--all "
                   "includes them)\n")


def test_the_blaby_plan_gives_every_action_to_one_sheet(tmp_path):
    with BLABY.open("rb") as f:
        data = tomllib.load(f)
    actions = [a for t in data["theme"] for p in t.get("programme", [])
               for a in p.get("action", [])]
    leads = {a["lead"] for a in actions if names_someone(a.get("lead", ""))}
    unnamed = [a["id"] for a in actions if not names_someone(a.get("lead", ""))]
    assert unnamed  # the real plan has actions with no lead, and a "," lead
    code, out = cap_request(str(BLABY), "--all", "--output-dir", str(tmp_path))
    assert code == 0
    files = sorted(tmp_path.glob("*.xlsx"))
    assert len(files) == len(leads) + 1
    seen: dict[str, str] = {}
    for path in files:
        for row in rows(openpyxl.load_workbook(path)["Updates"])[1:]:
            seen[str(row[0])] = path.stem
    assert sorted(seen) == sorted(a["id"] for a in actions)
    assert [i for i, stem in seen.items() if stem == "no-lead"] == unnamed
    listed = out.split("with no lead in the plan", 1)[1]
    assert all(f"  {i}  " in listed for i in unnamed)


def test_the_blaby_plan_asks_only_about_its_thirty_unfinished_actions(tmp_path):
    with BLABY.open("rb") as f:
        data = tomllib.load(f)
    finished = {k for k, s in data["plan"]["statuses"].items() if s["finished"]}
    actions = [a for t in data["theme"] for p in t.get("programme", [])
               for a in p.get("action", [])]
    unfinished = sorted(a["id"] for a in actions if a["status"] not in finished)
    assert (len(unfinished), len(actions) - len(unfinished)) == (30, 14)
    code, out = cap_request(str(BLABY), "--output-dir", str(tmp_path))
    assert code == 0
    asked = [str(r[0]) for p in tmp_path.glob("*.xlsx")
             for r in rows(openpyxl.load_workbook(p)["Updates"])[1:]]
    assert sorted(asked) == unfinished
    assert out.splitlines()[-1] == ("14 finished actions left out: a lead has nothing to update "
                                    "on them (--all includes them)")


def test_lead_picks_one_lead_in_any_case(tmp_path, plan):
    code, out = cap_request(str(plan), "--lead", "FINANCE", "--all", "--output-dir",
                            str(tmp_path / "o"))
    assert code == 0
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["finance.xlsx"]
    assert out == f"Finance: 1 action -> {tmp_path / 'o' / 'finance.xlsx'}\n"


def test_an_unknown_lead_is_an_error_listing_the_plans_leads(tmp_path, plan, capsys):
    code, out = cap_request(str(plan), "--lead", "Planning", "--output-dir", str(tmp_path / "o"))
    assert code == 2 and out == ""
    assert capsys.readouterr().err == (
        f'cap: {plan}: no action has the lead "Planning"; its leads are: "Housing Team"; '
        '"housing team"; "Finance"\n')
    assert not (tmp_path / "o").exists()


def test_existing_files_are_never_overwritten_without_force(tmp_path, plan, capsys):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "finance.xlsx").write_bytes(b"the lead's own file")
    code, out = cap_request(str(plan), "--all", "--output-dir", str(out_dir))
    assert code == 2 and out == ""
    err = capsys.readouterr().err
    assert str(out_dir / "finance.xlsx") in err and "--force" in err
    assert [p.name for p in out_dir.iterdir()] == ["finance.xlsx"]  # nothing written at all
    assert (out_dir / "finance.xlsx").read_bytes() == b"the lead's own file"
    code, _ = cap_request(str(plan), "--all", "--output-dir", str(out_dir), "--force")
    assert code == 0
    assert rows(openpyxl.load_workbook(out_dir / "finance.xlsx")["Updates"])[1][0] == "A-05"


def test_plan_text_in_the_output_is_safe_for_a_terminal(tmp_path, plan):
    plan.write_text(PLAN.replace('lead = "Finance"', r'lead = "Fin\u001b[2Jance"'), "utf-8")
    code, out = cap_request(str(plan), "--all", "--output-dir", str(tmp_path / "o"))
    assert code == 0
    assert "\x1b" not in out and "Fin\\x1b[2Jance: 1 action" in out
    assert (tmp_path / "o" / "fin-2jance.xlsx").is_file()


def test_a_broken_plan_is_named_with_its_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('[plan]\ntitle = "x\n', encoding="utf-8")
    code, out = cap_request(str(path), "--output-dir", str(tmp_path))
    assert (code, out) == (2, "")
    assert capsys.readouterr().err.startswith(f"{path}:2:11: error: not valid TOML")
    path.write_text("x = 1\n", encoding="utf-8")
    code, out = cap_request(str(path), "--output-dir", str(tmp_path))
    assert (code, out) == (1, "")
    assert "not a cap plan" in capsys.readouterr().err
    assert list(tmp_path.glob("*.xlsx")) == []


def test_since_without_stale_is_refused(tmp_path, plan, capsys):
    code, _ = cap_request(str(plan), "--since", "HEAD", "--output-dir", str(tmp_path / "o"))
    assert code == 2 and "--stale" in capsys.readouterr().err


# -- csv -----------------------------------------------------------------------------------------
def test_csv_has_a_bom_the_header_and_quoted_formulas(tmp_path, plan):
    code, _ = cap_request(str(plan), "--all", "--format", "csv", "--output-dir",
                          str(tmp_path / "o"))
    assert code == 0
    raw = (tmp_path / "o" / "housing-team.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfID,Theme,")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert table[0] == [*COLUMNS, *NEW_FIELDS]
    assert table[1][:8] == ["A-01", "Homes", "Housing Supply", "'+1 more home", "Housing Team",
                           "2026-03-31", "Achieved, on target",
                           '\'=HYPERLINK("http://evil.example/","click")\nSecond paragraph.']
    assert table[1][8:] == [""] * (len(COLUMNS) - 8 + len(NEW_FIELDS))
    other = list(csv.reader(io.StringIO((tmp_path / "o" / "housing-team-2.csv")
                                        .read_text("utf-8-sig"), newline="")))
    assert other[1][7] == "'@SUM(A1)"
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "finance.csv", "housing-team-2.csv", "housing-team.csv", "no-lead.csv"]


# -- --stale -------------------------------------------------------------------------------------
def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Officer", "-c", "user.email=o@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True,
                   capture_output=True)


def test_stale_asks_only_for_the_updates_not_rewritten(tmp_path):
    pytest.importorskip("cap_tui.core.stale")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    plan = repo / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Q2")
    text = PLAN.replace('reporting_point = "Q2"\nas_of = 2025-09-30',
                        'reporting_point = "Q3"\nas_of = 2025-12-31')
    plan.write_text(text.replace("Second paragraph.", "Rewritten for Q3."), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Q3")
    code, out = cap_request(str(plan), "--stale", "--output-dir", str(tmp_path / "o"))
    assert code == 0, out
    # A-01 was rewritten, A-05 is done: neither is asked for
    got = {p.name: [r[0] for r in rows(openpyxl.load_workbook(p)["Updates"])[1:]]
           for p in (tmp_path / "o").iterdir()}
    assert got == {"housing-team.xlsx": ["A-06"], "housing-team-2.xlsx": ["A-02"],
                   "no-lead.xlsx": ["A-03", "A-04"]}
