"""`cap validate`: every rule at its line and column, exit codes 0/1/2, and never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cap_tui.cli import main
from cap_tui.core.check import validate
from cap_tui.core.model import load_plan
from cap_tui.core.problems import Severity

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data_cli"
BLABY = ROOT / "plans" / "blaby-2024-25.toml"
LINE_RE = re.compile(r"^.+:\d+:\d+: (error|warning): .+$")
WHOLE_FILE_RE = re.compile(r"^\S+\.toml: error: .+$")  # a problem with no line: a missing file

PLAN = """\
[plan]
council = "Testshire District Council"
title = "Corporate Action Plan 2024-25"
period = "2024-25"
as_of = 2024-11-30
"""

TREE = """
[[theme]]
id = "t1"
title = "Theme one"

[[theme.programme]]
id = "p1"
title = "Programme one"
"""

ACTION = """
[[theme.programme.action]]
id = "A-01"
title = "An action"
lead = "Housing Team"
due = "2025-03"
status = "green"
"""


# -- helpers ---------------------------------------------------------------------------------------
def write(tmp_path: Path, text: str, name: str = "plan.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based number of the nth line holding `needle`."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} is not in the text {nth} times"
    return hits[nth - 1]


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    """Run `cap validate ARGS` in-process: exit code, stdout lines, stderr."""
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err


def lines_for(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
              *args: str) -> tuple[int, list[str], str]:
    path = write(tmp_path, text)
    code, lines, err = check(capsys, path, *args)
    prefix = path + ":"
    for line in lines:
        assert LINE_RE.match(line), line
        assert line.startswith(prefix), line
    return code, [line[len(prefix):] for line in lines], err


# -- the [plan] table ------------------------------------------------------------------------------
def test_a_clean_plan_passes(tmp_path, capsys):
    code, lines, err = lines_for(tmp_path, capsys, PLAN + TREE + ACTION)
    assert (code, lines, err) == (0, [], "")


def test_plan_required_fields_are_reported_at_the_plan_header(tmp_path, capsys):
    text = '# a comment\n\n[plan]\nperiod = "2024-25"\n' + TREE + ACTION
    code, lines, _ = lines_for(tmp_path, capsys, text)
    n = line_of(text, "[plan]")
    assert code == 1
    assert lines == [
        f"{n}:1: error: the plan has no council [council]",
        f"{n}:1: error: the plan has no title [title]",
        f"{n}:1: error: the plan has no as_of date (e.g. as_of = 2024-11-30) [as_of]",
    ]


def test_plan_fields_of_the_wrong_type(tmp_path, capsys):
    text = PLAN.replace('title = "Corporate Action Plan 2024-25"', "title = 3").replace(
        "as_of = 2024-11-30", 'as_of = "2024-11-30"'
    ) + TREE + ACTION
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 1
    assert lines == [
        f"{line_of(text, 'title = 3')}:1: error: the plan's title must be text, in quotes [title]",
        f"{line_of(text, 'as_of =')}:1: error: as_of must be a date written without quotes, "
        "like as_of = 2024-11-30 [as_of]",
    ]


def test_empty_council_and_bad_period_dates(tmp_path, capsys):
    text = PLAN.replace('council = "Testshire District Council"', 'council = "  "') + (
        'period_start = "2024-04-01"\n'
    ) + TREE + ACTION
    _, lines, _ = lines_for(tmp_path, capsys, text)
    assert lines == [
        f"{line_of(text, 'council')}:1: error: the plan has no council [council]",
        f"{line_of(text, 'period_start')}:1: error: period_start must be a date, "
        "like 2024-04-01 [period_start]",
    ]


def test_dates_with_a_time_of_day_are_refused_not_crashed_on(tmp_path, capsys):
    text = PLAN.replace("as_of = 2024-11-30", "as_of = 2024-11-30T09:00:00") + TREE + (
        ACTION.replace('due = "2025-03"', "due = 2025-03-31T17:00:00"))
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 1
    assert lines == [
        f"{line_of(text, 'as_of =')}:1: error: as_of must be a date without a time of day, "
        "like as_of = 2024-11-30 [as_of]",
        f"{line_of(text, 'due =')}:1: error: 2025-03-31T17:00:00 has a time of day: write the "
        "date alone, like 2025-03-31 [A-01.due]",
    ]
    for command in (["status", "--by", "theme"], ["list", "--overdue"]):
        assert main([*command, str(tmp_path / "plan.toml")]) == 0
    assert "Traceback" not in "".join(capsys.readouterr())


@pytest.mark.parametrize("period", ['"Q2 2024"', '"0000-01"', '"2024-26"'])
def test_a_period_that_is_not_a_financial_year(tmp_path, capsys, period):
    text = PLAN.replace('period = "2024-25"', f"period = {period}") + TREE + ACTION
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 0
    assert lines == [
        f"{line_of(text, 'period =')}:1: warning: period {period} is not a financial year like "
        '"2024-25": give period_start and period_end dates instead [period]'
    ]
    with_dates = text.replace("as_of", "period_start = 2024-07-01\nperiod_end = 2025-06-30\nas_of")
    assert lines_for(tmp_path, capsys, with_dates)[1] == []
    assert lines_for(tmp_path, capsys, text.replace(period, "2024"))[1] == [
        f"{line_of(text, 'period =')}:1: error: period must be text, like \"2024-25\" [period]"]


def test_status_vocabulary_rules(tmp_path, capsys):
    text = PLAN + (
        "\n[plan.statuses]\n"
        'ok = { label = "Fine", colour = "green" }\n'
        'odd = { label = "Odd", colour = "purple", finished = "yes" }\n'
        'bare = { colour = "red" }\n'
        'flat = "Flat"\n'
    ) + TREE + ACTION.replace('status = "green"', 'status = "ok"')
    code, lines, _ = lines_for(tmp_path, capsys, text)
    odd, bare, flat = line_of(text, "odd ="), line_of(text, "bare ="), line_of(text, "flat =")
    assert code == 1
    # each at its own line of [plan.statuses]
    assert lines == [
        f'{odd}:1: warning: status "odd" has colour "purple", which cap does not know '
        "(green, amber, red, blue, grey, magenta, cyan, yellow) [statuses]",
        f'{odd}:1: error: status "odd": finished must be true or false [statuses]',
        f'{bare}:1: error: status "bare" has no label [statuses]',
        f'{flat}:1: error: status "flat" must be a table with a label [statuses]',
    ]


def test_inline_status_table_is_reported_at_its_key(tmp_path, capsys):
    text = PLAN.replace("as_of", 'statuses = { ok = { colour = "green" } }\nas_of') + TREE + (
        ACTION.replace('"green"', '"ok"'))
    _, lines, _ = lines_for(tmp_path, capsys, text)
    assert lines == [f'{line_of(text, "statuses =")}:1: error: status "ok" has no label '
                     "[statuses]"]


def test_field_declaration_rules(tmp_path, capsys):
    text = PLAN + (
        "\n[plan.fields]\n"
        'size = { type = "huge" }\n'
        'pick = { type = "choice" }\n'
        'lead = { type = "line" }\n'
        'flat = "line"\n'
    ) + TREE + ACTION
    _, lines, _ = lines_for(tmp_path, capsys, text)
    n = {k: line_of(text, f"{k} = ") for k in ("size", "pick", "lead", "flat")}
    assert lines == [
        f'{n["size"]}:1: error: field "size" has type "huge"; use one of line, text, number, '
        "date, choice [fields]",
        f'{n["pick"]}:1: error: field "pick" is a choice but lists no choices [fields]',
        f'{n["lead"]}:1: error: field "lead" is built in and cannot be redeclared [fields]',
        f'{n["flat"]}:1: error: field "flat" must be a table with a type [fields]',
    ]


# -- themes and programmes -------------------------------------------------------------------------
def test_theme_and_programme_required_fields(tmp_path, capsys):
    text = PLAN + "\n[[theme]]\ndescription = \"no id\"\n\n[[theme.programme]]\nid = 7\n" + (
        'title = ""\nkind = "project"\n'
    ) + ACTION
    code, lines, _ = lines_for(tmp_path, capsys, text)
    theme = line_of(text, "[[theme]]")
    empty_title = line_of(text, 'title = ""')
    assert code == 1
    assert lines == [
        f"{theme}:1: error: theme has no id [id]",
        f"{theme}:1: error: theme has no title [title]",
        f"{line_of(text, 'id = 7')}:1: error: programme's id must be text, in quotes [7.id]",
        f"{empty_title}:1: error: programme's title is empty [7.title]",
        f'{line_of(text, "kind =")}:1: error: kind must be "programme" or "projects", '
        'not "project" [7.kind]',
    ]


def test_theme_title_of_the_wrong_type(tmp_path, capsys):
    text = PLAN + TREE.replace('title = "Theme one"', "title = 3") + ACTION
    _, lines, _ = lines_for(tmp_path, capsys, text)
    assert lines == [f"{line_of(text, 'title = 3')}:1: error: theme's title must be text, "
                     "in quotes [t1.title]"]


def test_theme_written_as_a_string(tmp_path, capsys):
    code, lines, _ = lines_for(tmp_path, capsys, 'theme = "x"\n' + PLAN)
    assert code == 1
    assert lines == ["1:1: error: theme must be written as [[theme]] tables"]


# -- actions ---------------------------------------------------------------------------------------
def test_action_required_fields_at_its_header_even_when_indented(tmp_path, capsys):
    text = PLAN + TREE + '\n  [[theme.programme.action]]\n  description = "nothing else"\n'
    code, lines, _ = lines_for(tmp_path, capsys, text)
    n = line_of(text, "[[theme.programme.action]]")
    assert code == 1
    assert lines == [
        f"{n}:3: error: action has no id [id]",
        f"{n}:3: error: action has no title [title]",
        f"{n}:3: error: action has no lead [lead]",
        f"{n}:3: error: action has no status [status]",
        f'{n}:3: error: action has no expected completion (due = "2025-03", a date or '
        '"ongoing") [due]',
    ]


def test_indented_keys_give_their_column(tmp_path, capsys):
    text = PLAN + TREE + ACTION.replace('lead = "Housing Team"', '    lead = ""')
    _, lines, _ = lines_for(tmp_path, capsys, text)
    assert lines == [f"{line_of(text, 'lead =')}:5: error: action's lead is empty [A-01.lead]"]


def test_status_outside_the_vocabulary(tmp_path, capsys):
    text = PLAN + TREE + ACTION.replace('status = "green"', 'status = "Green"')
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 1
    assert lines == [
        f'{line_of(text, "status =")}:1: error: status "Green" is not in the plan\'s vocabulary '
        "(not-started, green, amber, red, completed, carried-forward, cancelled) [A-01.status]"
    ]


def test_status_outside_a_declared_vocabulary(tmp_path, capsys):
    text = PLAN + (
        '\n[plan.statuses]\ndone = { label = "Done", finished = true }\n'
        'doing = { label = "Doing" }\n'
    ) + TREE + ACTION
    _, lines, _ = lines_for(tmp_path, capsys, text)
    assert lines == [
        f'{line_of(text, "status = ")}:1: error: status "green" is not in the plan\'s '
        "vocabulary (done, doing) [A-01.status]"
    ]


def test_duplicate_ids_name_the_first_line(tmp_path, capsys):
    second = ACTION.replace('title = "An action"', 'title = "Another"')
    text = PLAN + TREE + ACTION + second + ACTION.replace('"A-01"', '"p1"')
    code, lines, _ = lines_for(tmp_path, capsys, text)
    first, again = line_of(text, 'id = "A-01"'), line_of(text, 'id = "A-01"', 2)
    prog, clash = line_of(text, 'id = "p1"'), line_of(text, 'id = "p1"', 2)
    assert code == 1
    assert lines == [
        f'{again}:1: error: id "A-01" is used twice (first used at line {first}): ids must be '
        "unique in a plan [A-01.id]",
        f'{clash}:1: error: id "p1" is used twice (first used at line {prog}): ids must be '
        "unique in a plan [p1.id]",
    ]


@pytest.mark.parametrize(
    ("due", "message"),
    [
        ('"2025-02-30"', '"2025-02-30" is not a real date'),
        ('"2025-13"', '"2025-13" is not a month: months run 01 to 12'),
        ('"0000-01"', '"0000-01" is not a real month'),
        ('"March"', '"March" is not an expected completion: write a month ("2025-03"), '
         'a date (2025-03-31) or "ongoing"'),
        ("5", 'expected completion must be a month ("2025-03"), a date or "ongoing"'),
    ],
)
def test_due_dates_that_do_not_exist(tmp_path, capsys, due, message):
    text = PLAN + TREE + ACTION.replace('due = "2025-03"', f"due = {due}")
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 1
    assert lines == [f"{line_of(text, 'due =')}:1: error: {message} [A-01.due]"]


def test_finished_action_needs_no_due(tmp_path, capsys):
    text = PLAN + TREE + ACTION.replace('due = "2025-03"\n', "").replace(
        'status = "green"', 'status = "completed"\nprogress = "Done in May."'
    )
    assert lines_for(tmp_path, capsys, text)[:2] == (0, [])


# -- warnings --------------------------------------------------------------------------------------
def test_overdue_is_a_warning_and_exit_stays_0(tmp_path, capsys):
    text = PLAN + TREE + ACTION.replace('due = "2025-03"', 'due = "2024-10"')
    code, lines, err = lines_for(tmp_path, capsys, text)
    assert code == 0
    assert lines == [
        f"{line_of(text, 'due =')}:1: warning: overdue: expected by 2024-10, and not finished "
        "at 2024-11-30 [A-01.due]"
    ]
    assert err == "1 file checked: 0 errors, 1 warning\n"


def test_today_moves_overdue(tmp_path, capsys):
    text = PLAN + TREE + ACTION  # due 2025-03: not overdue at as_of, overdue on 2 April 2025
    assert lines_for(tmp_path, capsys, text)[1] == []
    _, lines, _ = lines_for(tmp_path, capsys, text, "--today", "2025-04-02")
    assert lines == [
        f"{line_of(text, 'due =')}:1: warning: overdue: expected by 2025-03, and not finished "
        "at 2025-04-02 [A-01.due]"
    ]


def test_quiet_hides_warnings(tmp_path, capsys):
    text = PLAN + TREE + ACTION.replace('due = "2025-03"', 'due = "2024-10"')
    assert lines_for(tmp_path, capsys, text, "--quiet") == (0, [], "")
    text += ACTION.replace('"A-01"', '"A-02"').replace('"green"', '"purple"')
    code, lines, err = lines_for(tmp_path, capsys, text, "--quiet")
    assert (code, len(lines), err) == (1, 1, "1 file checked: 1 error, 1 warning\n")


def test_finished_without_progress(tmp_path, capsys):
    missing = ACTION.replace('status = "green"', 'status = "completed"')
    empty = missing.replace('"A-01"', '"A-02"') + 'progress = """\n"""\n'
    text = PLAN + TREE + missing + empty
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 0
    assert lines == [
        # no progress at all: reported at the status that makes it finished
        f'{line_of(text, "status = ")}:1: warning: status is "Completed" but there is no '
        "progress update saying what was done [A-01.status]",
        # an empty progress: reported at the progress
        f'{line_of(text, "progress = ")}:1: warning: status is "Completed" but there is no '
        "progress update saying what was done [A-02.progress]",
    ]


def test_due_before_the_plan_period(tmp_path, capsys):
    # period "2024-25" runs 1 April 2024 to 31 March 2025
    text = PLAN + TREE + ACTION.replace('due = "2025-03"', "due = 2024-03-31").replace(
        'status = "green"', 'status = "cancelled"\nprogress = "Not needed."'
    ) + ACTION.replace("A-01", "A-02").replace('due = "2025-03"', "due = 2024-04-01")
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 0
    assert lines == [
        f"{line_of(text, 'due = 2024-03-31')}:1: warning: expected completion 2024-03-31 is "
        "before the plan period starts (2024-04-01) [A-01.due]",
        f"{line_of(text, 'due = 2024-04-01')}:1: warning: overdue: expected by 2024-04-01, and "
        "not finished at 2024-11-30 [A-02.due]",
    ]


def test_explicit_period_bounds(tmp_path, capsys):
    text = PLAN.replace('period = "2024-25"', "period_start = 2024-01-01\nperiod_end = 2024-12-31")
    text += TREE + ACTION.replace('due = "2025-03"', 'due = "2023-12"').replace(
        'status = "green"', 'status = "cancelled"\nprogress = "x"')
    _, lines, _ = lines_for(tmp_path, capsys, text)
    assert lines == [
        f"{line_of(text, 'due =')}:1: warning: expected completion 2023-12 is before the plan "
        "period starts (2024-01-01) [A-01.due]"
    ]


def test_lead_with_no_letters(tmp_path, capsys):
    text = PLAN + TREE + ACTION.replace('lead = "Housing Team"', 'lead = ","')
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 0
    assert lines == [
        f'{line_of(text, "lead =")}:1: warning: lead "," has no letters in it: who leads this '
        "action? [A-01.lead]"
    ]


def test_unknown_key_at_action_level_only(tmp_path, capsys):
    text = PLAN + 'extra = "kept"\n' + TREE.replace(
        'title = "Theme one"', 'title = "Theme one"\nnotes = "kept"'
    ) + ACTION + 'stauts = "green"\n'
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 0
    assert lines == [
        f'{line_of(text, "stauts")}:1: warning: unknown field "stauts": declare it under '
        "[plan.fields] or check its spelling [A-01.stauts]"
    ]


# -- custom fields ---------------------------------------------------------------------------------
FIELDS = """
[plan.fields]
team = { label = "Team", type = "line" }
notes = { label = "Notes", type = "text" }
portfolio = { label = "Portfolio holder", type = "choice", choices = ["Housing", "Finance"] }
budget = { label = "Budget (£)", type = "number" }
review = { label = "Next review", type = "date" }
risks = { label = "Risks", type = "text", required = true }
"""


def test_custom_fields_of_the_right_types_pass(tmp_path, capsys):
    text = PLAN + FIELDS + TREE + ACTION + (
        'team = "Housing"\nnotes = """\nTwo\nlines"""\nportfolio = "Finance"\n'
        "budget = 1149250.50\nreview = 2025-01-01\nrisks = \"None known.\"\n"
    )
    assert lines_for(tmp_path, capsys, text)[:2] == (0, [])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("team = 5", "Team must be text, in quotes"),
        ('team = """\ntwo\nlines"""', "Team must be one line"),
        ("notes = 5", "Notes must be text, in quotes"),
        ('portfolio = "Parks"', 'Portfolio holder is "Parks", not one of: Housing, Finance'),
        ('budget = "lots"', "Budget (£) must be a number, without quotes"),
        ("budget = true", "Budget (£) must be a number, without quotes"),
        ('review = "2025-01-01"', "Next review must be a date written without quotes, "
         "like 2025-03-31"),
        ('risks = "  "', "Risks is required"),
    ],
)
def test_custom_fields_of_the_wrong_type(tmp_path, capsys, entry, message):
    text = PLAN + FIELDS + TREE + ACTION + entry + "\n"
    if not entry.startswith("risks"):
        text += 'risks = "Some."\n'
    key = entry.split(" ")[0]
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 1
    # the key's second line: the first is its declaration in [plan.fields]
    assert lines == [f"{line_of(text, key + ' =', 2)}:1: error: {message} [A-01.{key}]"]


def test_required_custom_field_missing_is_at_the_header(tmp_path, capsys):
    text = PLAN + FIELDS + TREE + ACTION
    _, lines, _ = lines_for(tmp_path, capsys, text)
    n = line_of(text, "[[theme.programme.action]]")
    assert lines == [f"{n}:1: error: Risks is required [A-01.risks]"]


# -- files that are not plans ----------------------------------------------------------------------
def test_malformed_toml_uses_tomllibs_position(tmp_path, capsys):
    text = PLAN.replace('title = "Corporate Action Plan 2024-25"', 'title = "Corporate Action')
    path = write(tmp_path, text)
    code, lines, err = check(capsys, path)
    n = line_of(text, "title =")
    assert code == 2
    assert lines == [f"{path}:{n}:26: error: not valid TOML: illegal character '\\n' (text in "
                     'quotes runs to the end of the line: a closing " is missing, or use """ for '
                     "text over several lines)"]
    assert err == "1 file checked: 1 error, 0 warnings\n"


def test_duplicate_key_is_malformed_toml(tmp_path, capsys):
    text = PLAN + 'title = "again"\n'
    path = write(tmp_path, text)
    code, lines, _ = check(capsys, path)
    assert code == 2
    assert lines == [f"{path}:{line_of(text, 'again')}:16: error: not valid TOML: cannot "
                     "overwrite a value"]


def test_non_utf8_file_names_the_byte(tmp_path, capsys):
    path = tmp_path / "latin1.toml"
    path.write_bytes(PLAN.replace("Testshire", "Caf\xe9").encode("latin-1"))
    code, lines, _ = check(capsys, str(path))
    assert code == 2
    assert lines == [f"{path}:2:15: error: this file is not UTF-8 text (byte 0xe9); save it as "
                     "UTF-8 and try again"]


def test_toml_that_is_not_a_plan_exits_1(tmp_path, capsys):
    path = write(tmp_path, '[tool.black]\nline-length = 100\n', "pyproject.toml")
    code, lines, _ = check(capsys, path)
    assert code == 1
    assert lines == [f"{path}:1:1: error: this is not a cap plan: it has no [plan] table "
                     "(with council, title and as_of)"]


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "\ufeff\r\n"])
def test_empty_file(tmp_path, capsys, text):
    path = write(tmp_path, text)
    code, lines, _ = check(capsys, path)
    assert code == 1
    assert lines == [f"{path}:1:1: error: this file is empty: it has no [plan] table "
                     "(with council, title and as_of)"]


def test_missing_file_exits_2(tmp_path, capsys):
    path = str(tmp_path / "nowhere.toml")
    code, lines, _ = check(capsys, path)
    assert code == 2
    assert lines == [f"{path}: error: cannot read the file: No such file or directory"]


def test_unreadable_file_wins_over_errors(tmp_path, capsys):
    bad = write(tmp_path, PLAN.replace("title = ", "title = 3 #"), "bad.toml")
    code, lines, err = check(capsys, bad, str(tmp_path / "nowhere.toml"))
    assert code == 2
    assert len(lines) == 2
    assert err == "2 files checked: 2 errors, 0 warnings\n"


def test_a_folder_checks_its_toml_files(tmp_path, capsys):
    write(tmp_path, PLAN + TREE + ACTION, "a.toml")
    write(tmp_path, PLAN + TREE + ACTION.replace('lead = "Housing Team"', 'lead = ","'), "b.toml")
    (tmp_path / "notes.txt").write_text("not a plan")
    code, lines, err = check(capsys, str(tmp_path))
    assert code == 0
    assert len(lines) == 1 and lines[0].startswith(str(tmp_path / "b.toml") + ":")
    assert err == "2 files checked: 0 errors, 1 warning\n"


def test_no_plan_files(tmp_path, capsys):
    code, lines, err = check(capsys, str(tmp_path))
    assert (code, lines, err) == (2, [], "cap: no plan files found\n")


def test_control_characters_in_messages_are_shown_not_sent(tmp_path, capsys):
    text = PLAN + TREE + ACTION.replace('status = "green"', 'status = "gr\\u001b[2Jeen"')
    code, lines, _ = lines_for(tmp_path, capsys, text)
    assert code == 1
    assert "\x1b" not in "".join(lines)
    assert 'status "gr\\x1b[2Jeen" is not' in lines[0]


# -- JSON ------------------------------------------------------------------------------------------
def test_json_output(tmp_path, capsys):
    text = PLAN + TREE + ACTION.replace('lead = "Housing Team"', 'lead = ","').replace(
        'status = "green"', 'status = "purple"')
    path = write(tmp_path, text)
    code = main(["validate", "--format", "json", path])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    doc = json.loads(out)
    assert doc["files"] == 1 and doc["errors"] == 1 and doc["warnings"] == 1
    assert doc["problems"] == [
        {"path": path, "line": line_of(text, "lead ="), "column": 1, "severity": "warning",
         "message": 'lead "," has no letters in it: who leads this action?', "id": "A-01",
         "field": "lead"},
        {"path": path, "line": line_of(text, "status ="), "column": 1, "severity": "error",
         "message": 'status "purple" is not in the plan\'s vocabulary (not-started, green, amber, '
                    "red, completed, carried-forward, cancelled)",
         "id": "A-01", "field": "status"},
    ]


def test_json_for_an_unreadable_file(tmp_path, capsys):
    path = str(tmp_path / "nowhere.toml")
    assert main(["validate", "--format", "json", path]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["errors"] == 1 and doc["problems"][0]["line"] == 0


def test_validate_function_sorts_by_position():
    plan = load_plan(DATA / "small.toml")
    problems = validate(plan, positions=True)
    assert [(p.severity, p.node_id, p.field) for p in problems] == [
        (Severity.WARNING, "P-02", "due")
    ]
    unplaced = validate(plan, positions=False)
    assert [(p.line, p.col) for p in unplaced] == [(0, 0)]


# -- exit codes from the installed command ---------------------------------------------------------
def _cap(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "cap_tui.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=60)


def test_exit_codes_of_the_command(tmp_path):
    good = write(tmp_path, PLAN + TREE + ACTION.replace('"2025-03"', '"2024-10"'), "good.toml")
    bad = write(tmp_path, PLAN + TREE + ACTION.replace('"green"', '"purple"'), "bad.toml")
    broken = write(tmp_path, "[plan\n", "broken.toml")
    other = write(tmp_path, "[tool]\nx = 1\n", "other.toml")
    results = {
        "warnings only": _cap("validate", good),
        "errors": _cap("validate", bad),
        "not a plan": _cap("validate", other),
        "broken": _cap("validate", broken),
        "missing": _cap("validate", str(tmp_path / "missing.toml")),
    }
    assert {k: r.returncode for k, r in results.items()} == {
        "warnings only": 0, "errors": 1, "not a plan": 1, "broken": 2, "missing": 2,
    }
    for r in results.values():
        assert "Traceback" not in r.stdout + r.stderr
        assert all(LINE_RE.match(line) or WHOLE_FILE_RE.match(line)
                   for line in r.stdout.splitlines())
    assert WHOLE_FILE_RE.match(results["missing"].stdout)
    assert results["broken"].stdout.startswith(f"{broken}:1:6: error: not valid TOML: ")


# -- the real plans --------------------------------------------------------------------------------
needs_blaby = pytest.mark.skipif(not BLABY.exists(), reason="plans/blaby-2024-25.toml is not "
                                 "written yet (another helper converts it)")


@needs_blaby
def test_blaby_missing_and_stray_leads_are_flagged_at_their_lines(capsys):
    text = BLABY.read_text(encoding="utf-8")
    empty = [i for i, line in enumerate(text.splitlines(), 1) if re.match(r'lead = ""', line)]
    comma = [i for i, line in enumerate(text.splitlines(), 1) if re.match(r'lead = ","', line)]
    assert empty and len(comma) == 1
    code, lines, _ = check(capsys, str(BLABY))
    assert code == 1
    found_empty = [int(m.group(1)) for line in lines
                   if (m := re.match(r".+?:(\d+):1: error: action's lead is empty \[", line))]
    found_comma = [int(m.group(1)) for line in lines
                   if (m := re.match(r'.+?:(\d+):1: warning: lead "," has no letters', line))]
    assert found_empty == empty
    assert found_comma == comma
