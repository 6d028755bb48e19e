"""`cap import`: returned sheets back into a plan by id, and a new plan from a council's sheet.

Each test makes its sheet (csv bytes, or an xlsx through openpyxl) in a temporary folder and
checks what a user checks: the bytes of the plan afterwards, the exit code and the message.
"""

from __future__ import annotations

import csv
import io
import shutil
import tomllib
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from cap_tui.cli import main
from cap_tui.core.check import validate
from cap_tui.core.model import load_plan
from cap_tui.core.sheets import read_table

ROOT = Path(__file__).resolve().parent.parent
BLABY = ROOT / "plans" / "blaby-2024-25.toml"
HEADERS = ["ID", "Theme", "Programme", "Title", "Lead", "Current expected completion",
           "Current status", "Current progress update", "New status", "New expected completion",
           "New progress update", "Next steps"]
SMALL = """\
[plan]
council = "Test Council"
title = "Plan"
period = "2024-25"
as_of = 2024-11-30

[[theme]]
id = "t1"
title = "Theme one"

[[theme.programme]]
id = "p1"
title = "Programme one"

[[theme.programme.action]]
id = "1.10"
title = "First"
lead = "Ann"
due = "2025-03"
status = "green"

[[theme.programme.action]]
id = "1.2"
title = "Second"
lead = "Bob"
due = 2025-03-31
status = "amber"

[[theme.programme.action]]
id = "3-10"
title = "Third"
lead = "Cy"
due = "ongoing"
status = "green"
"""


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAP_STATE_DIR", str(tmp_path / "state"))


def cap(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return int(code), out, err


def blaby(tmp_path: Path) -> Path:
    target = tmp_path / "blaby.toml"
    shutil.copyfile(BLABY, target)
    return target


def small(tmp_path: Path, text: str = SMALL) -> Path:
    target = tmp_path / "plan.toml"
    target.write_text(text, encoding="utf-8")
    return target


def row(action_id: Any, **new: Any) -> list[Any]:
    """A return-sheet row: the id, the "current" columns blank, and the new values given
    (status, due, progress, next_steps)."""
    cells: list[Any] = [action_id] + [""] * 7
    cells += [new.get("status", ""), new.get("due", ""), new.get("progress", ""),
              new.get("next_steps", "")]
    return cells


def xlsx(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS,
         sheet: str = "Updates", above: list[list[Any]] | None = None) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for r in above or []:
        ws.append(r)
    ws.append(headers)
    for r in rows:
        ws.append([None if c == "" else c for c in r])
    book.create_sheet("Instructions").append(["Fill in the New columns."])
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS,
             delimiter: str = ",", encoding: str = "utf-8-sig") -> Path:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


# -- the sheet reader's pitfalls ---------------------------------------------------------------
def test_csv_with_excels_byte_order_mark_reads_its_first_header(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "r.csv", [row("COM-01", status="green")])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = read_table(str(path))
    assert table.columns[0].header == "ID"
    assert table.rows[0].cells[0] == "COM-01"


def test_csv_in_windows_1252_reads_its_accents_and_pound_signs(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "r.csv", [row("COM-01", progress="Café spend £2,000 – done")],
                    encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert read_table(str(path)).rows[0].cells[10] == "Café spend £2,000 – done"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_separated_by_semicolons_or_tabs(tmp_path: Path, delimiter: str) -> None:
    path = csv_file(tmp_path / "r.csv", [row("COM-01", status="Off track, badly")],
                    delimiter=delimiter)
    table = read_table(str(path))
    assert [c.header for c in table.columns] == HEADERS
    assert table.rows[0].cells[8] == "Off track, badly"


def test_line_breaks_inside_cells_keep_the_row_whole(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "r.csv", [row("COM-01", progress="One.\r\nTwo."),
                                         row("COM-02", status="red")])
    table = read_table(str(path))
    assert [r.cells[0] for r in table.rows] == ["COM-01", "COM-02"]
    assert table.rows[0].cells[10] == "One.\nTwo."
    assert table.rows[1].number == 3  # the row a spreadsheet shows, not the line in the file


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [row("COM-01"), [""] * 12, row("COM-02")])
    table = read_table(str(path))
    assert table.sheet == "Updates"
    assert [(r.number, r.cells[0]) for r in table.rows] == [(2, "COM-01"), (4, "COM-02")]


def test_csv_formula_guard_is_taken_off_exactly_once(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "r.csv", [row("COM-01", progress="'=SUM(A1)"),
                                         row("COM-02", progress="''-x"),
                                         row("COM-03", progress="'plain")])
    cells = [r.cells[10] for r in read_table(str(path)).rows]
    assert cells == ["=SUM(A1)", "''-x", "'plain"]


def test_a_title_row_above_the_header_row(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["A1", "Theme", "Do it"]], headers=["Ref", "Theme", "Action"],
                sheet="Actions", above=[["Council action plan 2025-26"], []])
    table = read_table(str(path), lambda cells: "Ref" in cells)
    assert table.header_row == 3
    assert table.rows[0].number == 4


# -- updating a plan -----------------------------------------------------------------------------
def test_blaby_import_changes_only_the_lines_it_must(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        changed_lines: Callable[[bytes, bytes], list[str]]) -> None:
    plan = blaby(tmp_path)
    before = plan.read_bytes()
    sheet = xlsx(tmp_path / "returns.xlsx", [
        row("COM-01", status="On track"),                 # by label
        row("COM-02", status="AMBER", due="2025-09"),     # by key, any case; a slipped date
        row("COM-03", progress="Digital clinics now run monthly."),
        row("COM-05"),                                    # nothing asked: no change
    ])
    code, out, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 0, err
    assert "COM-01: status; COM-02: status, due; COM-03: progress; 1 row unchanged" in out
    after = plan.read_bytes()
    changed = changed_lines(before, after)
    assert [x for x in changed if x.startswith("+")] == [
        '+status = "green"\n', '+due = "2025-09"\n', '+status = "amber"\n',
        '+Digital clinics now run monthly."""\n']
    old_progress = BLABY.read_text().split("Over the past 6 months")[1].split("\n")[0]
    assert [x for x in changed if x.startswith("-")] == [
        '-status = "in-progress"\n', '-due = "2025-07"\n', '-status = "in-progress"\n',
        f"-Over the past 6 months{old_progress}\n"]
    # the rest of the file: the very lines it had, in order
    assert len(before.splitlines()) == len(after.splitlines())


def test_importing_the_same_sheet_twice_changes_nothing_the_second_time(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = blaby(tmp_path)
    sheet = csv_file(tmp_path / "r.csv", [row("COM-01", status="red", progress="Late.")])
    assert cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")[0] == 0
    once = plan.read_bytes()
    code, out, _ = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 0
    assert "nothing to change" in out
    assert plan.read_bytes() == once


def test_dry_run_shows_the_diff_and_writes_nothing(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    plan = blaby(tmp_path)
    sheet = csv_file(tmp_path / "r.csv", [row("COM-01", status="red")])
    code, out, _ = cap(capsys, "import", str(sheet), "--into", str(plan), "--dry-run")
    assert code == 0
    assert "COM-01" in out and "In progress (no RAG reported) -> Off track" in out
    assert "nothing was written" in out
    assert plan.read_bytes() == BLABY.read_bytes()


def test_without_a_terminal_or_yes_nothing_is_written(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    plan = blaby(tmp_path)
    sheet = csv_file(tmp_path / "r.csv", [row("COM-01", status="red")])
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan))
    assert code == 1
    assert "add --yes" in err
    assert plan.read_bytes() == BLABY.read_bytes()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("reply", "written"), [("y\n", True), ("\n", False)])
def test_on_a_terminal_it_asks_before_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch, reply: str,
                                              written: bool) -> None:
    plan = small(tmp_path)
    sheet = csv_file(tmp_path / "r.csv", [row("1.2", status="red")])
    monkeypatch.setattr("sys.stdin", _Terminal(reply))
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan))
    assert f"Write 1 change to {plan}? [y/N]" in err
    assert code == (0 if written else 1)
    assert ('status = "red"' in plan.read_text()) is written


def test_custom_fields_by_their_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "eb.toml"
    shutil.copyfile(ROOT / "plans" / "example-borough-2025-26.toml", plan)
    headers = ["ID", "New status", "New Budget (£)", "New Next review", "New Portfolio holder"]
    sheet = xlsx(tmp_path / "r.xlsx", [
        ["KA.01.01", "Behind Schedule", 2600000, datetime(2026, 1, 15), ""],
        ["KA.01.02", "", "", "", "Housing"],
    ], headers=headers)
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 1
    assert (f'{sheet}: sheet Updates, row 3, column E "New Portfolio holder": error: '
            '"Housing" is not one of') in err
    sheet = xlsx(tmp_path / "r.xlsx", [
        ["KA.01.01", "Behind Schedule", 2600000, datetime(2026, 1, 15), ""]], headers=headers)
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 0, err
    text = plan.read_text()
    assert 'status = "behind"' in text and "budget = 2600000\n" in text
    assert "next_review = 2026-01-15\n" in text


def test_a_leading_apostrophe_is_not_part_of_a_date_month_id_or_number(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The request sheet tells leads to type '2026-03 for a month; a csv keeps the `'`."""
    plan = tmp_path / "eb.toml"
    shutil.copyfile(ROOT / "plans" / "example-borough-2025-26.toml", plan)
    headers = ["ID", "New expected completion", "New Budget (£)", "New Next review",
               "New progress update"]
    sheet = csv_file(tmp_path / "r.csv", [
        ["'KA.01.01", "'2026-06", "'2600000", "'2026-01-15", "'Tis well begun."],
        ["KA.01.02", "'31/12/2025", "'99.50", "", ""],
    ], headers=headers)
    code, out, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 0, err
    assert "KA.01.01: due, budget, next_review, progress; KA.01.02: due, budget" in out
    actions = {a["id"]: a for a in _actions(tomllib.loads(plan.read_text()))}
    one, two = actions["KA.01.01"], actions["KA.01.02"]
    assert (one["due"], one["budget"], one["next_review"]) == ("2026-06", 2600000,
                                                               date(2026, 1, 15))
    assert one["progress"] == "'Tis well begun."  # text keeps what was typed
    assert (two["due"], two["budget"]) == (date(2025, 12, 31), 99.5)


def test_an_apostrophe_id_is_read_without_it_in_a_small_plan(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = small(tmp_path)
    sheet = csv_file(tmp_path / "r.csv", [row("'1.10", status="red"), row("'3-10", due="'2026-02")])
    code, out, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 0, err
    text = plan.read_text()
    assert text.count('status = "red"') == 1 and 'due = "2026-02"' in text
    assert "1.10: status; 3-10: due" in out


def _actions(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for t in data["theme"] for p in t["programme"] for a in p.get("action", [])]


def test_a_formula_cell_is_an_error_not_a_silent_blank(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """openpyxl writes a formula with no value computed: calamine reads it as an empty cell."""
    plan = blaby(tmp_path)
    sheet = xlsx(tmp_path / "r.xlsx", [
        ["COM-01", "", "", "", "", "", "", "=A2", "", "", "=1+1", ""],  # H: a Current column
        row("COM-02", status="red"),
    ])
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 1
    assert err.splitlines()[0] == (f'{sheet}: sheet Updates, row 2, column K "New progress '
                                   'update": error: a formula, not a value: type the text itself')
    assert "column H" not in err  # a Current column is never read
    assert "1 problem in the sheets: nothing was written" in err
    assert plan.read_bytes() == BLABY.read_bytes()


def test_a_formula_with_its_value_computed_is_refused_too(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import xlsxwriter

    plan = small(tmp_path)
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Updates")
    ws.write_row(0, 0, ["ID", "New status", "New progress update"])
    ws.write_row(1, 0, ["1.2", "red"])
    ws.write_formula(1, 2, '="Done"&" today"', None, "Done today")  # the cached value
    book.close()
    assert read_table(str(path)).rows[0].cells[2] == "Done today"  # what calamine gives
    code, _, err = cap(capsys, "import", str(path), "--into", str(plan), "--yes")
    assert code == 1
    assert (f'{path}: sheet Updates, row 2, column C "New progress update": error: a formula, '
            "not a value: type the text itself") in err
    assert plan.read_text() == SMALL


def test_a_blank_cell_never_clears_and_a_missing_row_never_deletes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = small(tmp_path)
    sheet = csv_file(tmp_path / "r.csv", [row("1.2", status="", due="", progress="Begun.")])
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 0, err
    data = tomllib.loads(plan.read_text())
    actions = data["theme"][0]["programme"][0]["action"]
    assert [a["id"] for a in actions] == ["1.10", "1.2", "3-10"]
    assert actions[1] == {"id": "1.2", "title": "Second", "lead": "Bob",
                          "due": date(2025, 3, 31), "status": "amber", "progress": "Begun."}


@pytest.mark.parametrize(("cell", "expected"), [
    (1.1, "1.10"),                    # "1.10" read as the number 1.1 (only one id is 1.1...)
    ("1.2", "1.2"),
    (datetime(2025, 10, 3), "3-10"),  # "3-10" read as 3 October
    ("03-Oct", "3-10"),               # ... and saved to a csv as Excel shows it
])
def test_ids_a_spreadsheet_mangled_are_read_back(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 cell: Any, expected: str) -> None:
    text = SMALL.replace('id = "1.2"', 'id = "1.3"') if expected != "1.2" else SMALL
    plan = small(tmp_path, text)
    sheet = xlsx(tmp_path / "r.xlsx", [row(cell, status="red")])
    code, out, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 0, err
    assert f"{expected}: status" in out


def test_an_id_that_could_be_two_ids_is_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    plan = small(tmp_path, SMALL.replace('id = "1.2"', 'id = "1.1"'))
    sheet = xlsx(tmp_path / "r.xlsx", [row(1.1, status="red")])
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 1
    assert (f'{sheet}: sheet Updates, row 2, column A "ID": error: the spreadsheet turned this '
            "id into the number 1.1, which could be any of 1.10, 1.1: format the ID column as "
            "text") in err
    assert plan.read_text() == SMALL.replace('id = "1.2"', 'id = "1.1"')


def test_bad_status_unknown_id_and_mangled_date_are_each_named_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = blaby(tmp_path)
    sheet = xlsx(tmp_path / "r.xlsx", [
        row("COM-01", status="Greenish"),
        row("COM-02", status="red"),              # fine, but not written: other rows are wrong
        row("XYZ-99", status="red"),
        row("COM-03", due=45747),                 # a date that lost its format
        row(datetime(2025, 7, 4), status="red"),  # an id made a date: no id is like it
    ])
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 1
    where = f"{sheet}: sheet Updates, row"
    assert f'{where} 2, column I "New status": error: "Greenish" is not a status' in err
    assert f'{where} 4, column A "ID": error: "XYZ-99" is not an id in the plan' in err
    assert (f'{where} 5, column J "New expected completion": error: 45747 is a number, not a '
            "date") in err
    assert f'{where} 6, column A "ID": error: the spreadsheet turned this id into the date' in err
    assert "4 problems in the sheets: nothing was written" in err
    assert plan.read_bytes() == BLABY.read_bytes()


def test_add_puts_an_unknown_id_into_its_programme(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    plan = small(tmp_path)
    headers = ["ID", "Programme", "Title", "New status"]
    sheet = csv_file(tmp_path / "r.csv", [["9.9", "Programme one", "Ninth", "Off track"]],
                     headers=headers)
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 1 and "use --add" in err
    code, out, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes", "--add")
    assert code == 0, err
    assert "1 added (9.9)" in out
    assert plan.read_text().endswith('\n\n[[theme.programme.action]]\nid = "9.9"\n'
                                     'title = "Ninth"\nstatus = "red"\n')


def test_months_as_councils_write_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = small(tmp_path)
    sheet = xlsx(tmp_path / "r.xlsx", [
        row("1.10", due=datetime(2025, 6, 1)),  # "2025-06" typed; the spreadsheet made 1 June
        row("1.2", due="March-26"),
        row("3-10", due="31/01/2026"),
    ])
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 0, err
    text = plan.read_text()
    assert 'due = "2025-06"' in text and 'due = "2026-03"' in text and "due = 2026-01-31" in text


def test_the_same_action_asked_two_ways_in_two_sheets(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    plan = small(tmp_path)
    one = csv_file(tmp_path / "a.csv", [row("1.2", status="red")])
    two = csv_file(tmp_path / "b.csv", [row("1.2", status="green")])
    code, _, err = cap(capsys, "import", str(one), str(two), "--into", str(plan), "--yes")
    assert code == 1
    assert f'{two}: row 2, column I "New status": error: 1.2\'s status is "green" here' in err
    assert plan.read_text() == SMALL


def test_council_headers_and_unknown_columns(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    plan = small(tmp_path)
    sheet = csv_file(tmp_path / "r.csv", [["1.2", "Rob", "Off track", "Mar-25", "Done soon",
                                           "x"]],
                     headers=["Reference", "Owner", "RAG", "Deadline", "Progress Update",
                              "Budget code"])
    code, out, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 0, err
    assert "1.2: lead, status, due, progress" in out
    assert f'{sheet}: column F "Budget code": not a field of this plan' in err
    data = tomllib.loads(plan.read_text())["theme"][0]["programme"][0]["action"][1]
    assert (data["lead"], data["status"], data["due"], data["progress"]) == (
        "Rob", "red", "2025-03", "Done soon")


def test_theme_cell_naming_another_theme_does_not_move_the_action(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = blaby(tmp_path)
    sheet = csv_file(tmp_path / "r.csv", [["COM-01", "Growing & Supporting Our Economy"]],
                     headers=["ID", "Theme"])
    code, _, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 1
    assert "an import does not move actions" in err
    assert plan.read_bytes() == BLABY.read_bytes()


def test_control_characters_in_a_cell_never_reach_the_terminal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = small(tmp_path)
    sheet = csv_file(tmp_path / "r.csv", [row("1.2", status="\x1b[31mred"),
                                          row("1.10", progress="ok \x1b]0;pwned\x07")])
    code, out, err = cap(capsys, "import", str(sheet), "--into", str(plan), "--dry-run")
    assert code == 1
    assert "\x1b" not in out + err and "\\x1b[31mred" in err


def test_a_control_character_shown_as_an_escape_round_trips_as_no_change(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SMALL.replace('title = "Second"', 'title = "Sec\\u001bond"')
    plan = small(tmp_path, text)
    sheet = csv_file(tmp_path / "r.csv", [["1.2", "Sec\\x1bond", "Bob"]],
                     headers=["ID", "Title", "Lead"])
    code, out, _ = cap(capsys, "import", str(sheet), "--into", str(plan), "--yes")
    assert code == 0 and "nothing to change" in out
    assert plan.read_text() == text


def test_a_file_that_is_not_a_sheet_is_a_failure_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "r.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = cap(capsys, "import", str(bad), "--into", str(small(tmp_path)), "--yes")
    assert code == 2
    assert f"{bad}: not a workbook cap can read" in err


# -- a new plan from a council's spreadsheet -----------------------------------------------------
def test_new_plan_from_a_councils_own_spreadsheet(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    headers = ["Theme", "Ref", "Activity", "RAG", "Owner", "Deadline", "Priority", "Team"]
    sheet = xlsx(tmp_path / "council.xlsx", [
        ["Homes", "H1", "Build homes", "Green", "Head of Housing", "March-26", "High", "Housing"],
        ["", "H2", "Fix roofs", "", "", datetime(2025, 12, 31), "Low", "Housing"],
        ["Economy", "E1", "Grow jobs", "amber", "Head of Growth", "ongoing", "High", "Growth"],
    ], headers=headers, sheet="Actions")
    new = tmp_path / "new.toml"
    code, out, err = cap(capsys, "import", str(sheet), "--new", str(new), "--council", "Test DC",
                         "--title", "Council Plan", "--period", "2025-26", "--as-of", "2025-06-30")
    assert code == 0, err
    assert "2 themes, 2 programmes, 3 actions" in out
    data = tomllib.loads(new.read_text())
    assert data["plan"]["fields"] == {"priority": {"label": "Priority", "type": "line"},
                                      "team": {"label": "Team", "type": "line"}}
    homes = data["theme"][0]
    assert (homes["id"], homes["title"], homes["programme"][0]["title"]) == ("homes", "Homes",
                                                                           "Homes")
    assert homes["programme"][0]["action"][1] == {
        "id": "H2", "title": "Fix roofs", "due": date(2025, 12, 31), "priority": "Low",
        "team": "Housing"}
    problems = validate(load_plan(new))
    assert sorted((p.node_id, p.field) for p in problems if p.severity == "error") == [
        ("H2", "lead"), ("H2", "status")]
    code, _, _ = cap(capsys, "validate", str(new))
    assert code == 1  # the sheet lacked H2's lead and status: said, never made up


def test_a_priority_column_is_the_theme_when_no_column_is_headed_theme(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Councils call their themes priorities; beside a Theme column, Priority is a field."""
    sheet = tmp_path / "council.csv"
    sheet.write_text("Priority,Ref,Activity\nHousing,H1,Build homes\nEconomy,E1,Grow jobs\n",
                     encoding="utf-8")
    new = tmp_path / "new.toml"
    code, _, err = cap(capsys, "import", str(sheet), "--new", str(new), "--council", "C",
                         "--title", "T", "--period", "2025-26", "--as-of", "2025-09-30")
    assert code == 0, err
    data = tomllib.loads(new.read_text())
    assert [t["title"] for t in data["theme"]] == ["Housing", "Economy"]
    assert "fields" not in data["plan"]


def test_new_plan_from_a_semicolon_cp1252_csv_with_a_title_row(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "council.csv"
    sheet.write_bytes("Corporate Plan – actions\r\n\r\n"
                      "Theme;Programme;Ref;Activity;Owner;Notes\r\n"
                      'Homes;Supply;H1;Build homes;Head of Housing;"Line one\r\nLine two"\r\n'
                      ";;H2;Fix roofs £;Head of Repairs;\r\n"
                      "Economy;;E1;Grow jobs;Head of Growth;\r\n".encode("cp1252"))
    new = tmp_path / "new.toml"
    code, _, err = cap(capsys, "import", str(sheet), "--new", str(new), "--council", "C",
                       "--title", "T", "--period", "2025-26", "--as-of", "2025-09-30")
    assert code == 0, err
    data = tomllib.loads(new.read_text())
    homes, economy = data["theme"]
    assert [a["id"] for a in homes["programme"][0]["action"]] == ["H1", "H2"]
    assert homes["programme"][0]["action"][1]["title"] == "Fix roofs £"
    assert homes["programme"][0]["action"][0]["notes"] == "Line one\nLine two"
    assert data["plan"]["fields"]["notes"] == {"label": "Notes", "type": "text"}
    # no programme given for Economy: one of its own, not the last theme's "Supply"
    assert [(p["id"], p["title"]) for p in economy["programme"]] == [
        ("economy-programme", "Economy")]


def test_new_refuses_to_overwrite_and_needs_the_plans_own_fields(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = csv_file(tmp_path / "r.csv", [["T", "A1", "Do"]], headers=["Theme", "Ref", "Action"])
    code, _, err = cap(capsys, "import", str(sheet), "--new", str(tmp_path / "n.toml"))
    assert code == 2 and "--council, --title, --period" in err
    existing = small(tmp_path)
    code, _, err = cap(capsys, "import", str(sheet), "--new", str(existing), "--council", "C",
                       "--title", "T", "--period", "2025-26")
    assert code == 2 and "already exists" in err
    assert existing.read_text() == SMALL


def test_new_plan_with_a_duplicate_id_writes_nothing(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    sheet = csv_file(tmp_path / "r.csv", [["T", "A1", "Do"], ["T", "A1", "Again"]],
                     headers=["Theme", "Ref", "Action"])
    new = tmp_path / "n.toml"
    code, _, err = cap(capsys, "import", str(sheet), "--new", str(new), "--council", "C",
                       "--title", "T", "--period", "2025-26")
    assert code == 1
    assert f'{sheet}: row 3, column B "Ref": error: A1 is the id of another action too' in err
    assert not new.exists()
