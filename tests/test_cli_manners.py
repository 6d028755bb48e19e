"""The command line's manners: one rounding, counted words, `--json` on every command that prints
data, statuses by label or prefix (and an error for one the plan lacks), aligned columns with
their markers explained, piped output never cut, near-duplicate leads, RAG by lead, and who is
late (`--stale`) on the command line and in the editor's filter."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_fixtures import cap_data_dir, editing, pilot_test, settle, tree_ids  # noqa: F401

from cap_tui.cli import main
from cap_tui.commands import check as check_cmd
from cap_tui.commands import diff as diff_cmd
from cap_tui.commands import history as history_cmd
from cap_tui.commands import listing as list_cmd
from cap_tui.commands import recover as recover_cmd
from cap_tui.commands import status as status_cmd
from cap_tui.core.filters import FilterError, parse_query
from cap_tui.core.model import load_plan
from cap_tui.core.summary import percent, summarise
from cap_tui.render.terminal import Out, plural

TESTS = Path(__file__).resolve().parent
SMALL = TESTS / "data_cli" / "small.toml"
CUSTOM = TESTS / "data_cli" / "custom.toml"
BLABY = TESTS.parent / "plans" / "blaby-2024-25.toml"
EXAMPLE = TESTS.parent / "plans" / "example-borough-2025-26.toml"


@pytest.fixture(autouse=True)
def no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe with no COLUMNS unless a test sets it; colour as the stream says."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def cap(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


class Tty(io.StringIO):
    """A terminal, as far as cap can tell."""

    def isatty(self) -> bool:
        return True


def on_tty(module, *argv: str | Path, columns: int = 80) -> str:
    """What `cap COMMAND ARGV` shows on a terminal `columns` wide (no colour)."""
    os.environ["COLUMNS"] = str(columns)
    try:
        screen = Tty()
        module.run(parse(module, *argv), out=Out(screen, colour=False))
    finally:
        del os.environ["COLUMNS"]
    return screen.getvalue()


def parse(module, *argv: str | Path) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser, "x")
    return parser.parse_args([str(a) for a in argv])


def plan_with(tmp_path: Path, *pairs: str, source: Path = SMALL) -> Path:
    """A copy of `source` with each (old, new) text replaced."""
    text = source.read_text(encoding="utf-8")
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- one rounding, counted words -------------------------------------------------------------------
def test_one_rounding_halves_up_everywhere():
    assert [percent(1, 8), percent(3, 8), percent(2, 3), percent(0, 0), percent(5, 5)] == [
        13, 38, 67, 0, 100]
    # the editor formats Tally.percent with :.0f; 12.5 must not round to even there
    s = summarise(load_plan(EXAMPLE))
    assert f"{s.overall.percent(s.overall.finished):.0f}" == "13"


def test_status_and_the_editor_agree_on_example_borough(capsys):
    _, out, _ = cap(capsys, "status", EXAMPLE)
    assert "1 finished (13%)" in out and "  Behind Schedule          1  13%" in out


def test_words_are_counted_properly(tmp_path, capsys):
    assert [plural(0, "warning"), plural(1, "warning"), plural(2, "action")] == [
        "0 warnings", "1 warning", "2 actions"]
    _, out, _ = cap(capsys, "status", CUSTOM)
    assert "0 errors, 1 warning (see cap validate" in out and "1 warnings" not in out
    code, _, err = cap(capsys, "validate", CUSTOM)
    assert (code, err) == (0, "1 file checked: 0 errors, 1 warning\n")


# -- --json on every command that prints data ------------------------------------------------------
@pytest.mark.parametrize("module", [status_cmd, list_cmd, check_cmd, diff_cmd, history_cmd,
                                    recover_cmd])
def test_every_command_that_prints_data_takes_json_and_format_json(module):
    need = {diff_cmd: ["a.toml", "b.toml"], history_cmd: ["X-01"]}.get(module, [])
    assert parse(module, *need, "--json").format == "json"
    assert parse(module, *need, "--format", "json").format == "json"
    assert parse(module, *need).format == "text"


def test_validate_json_is_short_for_format_json(capsys):
    code, short, _ = cap(capsys, "validate", "--json", CUSTOM)
    assert code == 0
    assert cap(capsys, "validate", "--format", "json", CUSTOM)[1] == short
    doc = json.loads(short)
    assert (doc["files"], doc["errors"], doc["warnings"]) == (1, 0, 1)


@pytest.mark.parametrize("command", ["status", "list"])
def test_status_and_list_take_format_json(capsys, command):
    _, short, _ = cap(capsys, command, "--json", SMALL)
    _, long, _ = cap(capsys, command, "--format", "json", SMALL)
    assert short == long and json.loads(long)


def test_diff_takes_json(tmp_path, capsys):
    new = plan_with(tmp_path, 'status = "amber"', 'status = "red"')
    code, out, _ = cap(capsys, "diff", "--json", SMALL, new)
    assert code == 1
    assert out == cap(capsys, "diff", "--format", "json", SMALL, new)[1]
    assert "P-02" in json.dumps(json.loads(out))


# -- statuses by key, label or prefix; an unknown one is an error ----------------------------------
def test_an_unknown_status_is_an_error_naming_the_plans_statuses(capsys):
    code, out, err = cap(capsys, "list", CUSTOM, "--status", "bogus")
    assert (code, out) == (2, "")
    assert err == (f'cap: {CUSTOM}: no status "bogus"; the plan\'s statuses are: Achieved or '
                   "On-Target (achieved), Behind Schedule (behind), Completed (done)\n")


def test_a_status_by_the_start_of_its_label_or_key(capsys):
    code, out, _ = cap(capsys, "list", BLABY, "--status", "in", "--lead", "fleet")
    assert code == 0 and [x.split()[0] for x in out.splitlines()] == ["ENV-03"]
    _, out, _ = cap(capsys, "list", CUSTOM, "--status", "BEH")
    assert [x.split()[0] for x in out.splitlines()] == ["KA.01.02"]
    _, out, _ = cap(capsys, "list", SMALL, "--status", "on-track")  # a label, hyphenated
    assert [x.split()[0] for x in out.splitlines()] == ["P-01", "Q-02"]


def test_an_ambiguous_start_names_the_candidates(capsys):
    code, out, err = cap(capsys, "list", SMALL, "--status", "ca")
    assert (code, out) == (2, "")
    assert err == (f'cap: {SMALL}: status "ca" could be any of: Carried forward '
                   "(carried-forward), Cancelled (cancelled); type more of it\n")


def test_the_editors_filter_parses_statuses_as_the_command_line_does(capsys):
    plan = load_plan(SMALL)
    with pytest.raises(FilterError, match=r'^no status "bogus"; the plan\'s statuses are: Not'):
        parse_query(plan, "status:bogus")
    with pytest.raises(FilterError, match="could be any of: Carried forward"):
        parse_query(plan, "status:ca")
    keep = parse_query(plan, "status:car")
    assert keep is not None and [a.id for a in plan.actions() if keep(a)] == ["Q-03"]
    keep = parse_query(plan, "status:")  # the name not typed yet: every action still shown
    assert keep is not None and all(map(keep, plan.actions()))


# -- cap list: labels, aligned columns, markers explained ------------------------------------------
def test_list_help_explains_the_markers(capsys):
    with pytest.raises(SystemExit):
        main(["list", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Markers: ! overdue; ? status not in the plan's vocabulary." in out


def test_list_on_a_terminal_ends_with_a_legend_of_the_markers_shown():
    lines = on_tty(list_cmd, SMALL).splitlines()
    assert lines[-1] == "! overdue"
    assert lines[1].startswith("P-02  At risk          2024-10    ! Housing Team")


def test_list_piped_has_no_legend_and_marks_an_unknown_status(tmp_path, capsys):
    path = plan_with(tmp_path, 'status = "red"', 'status = "purple"')
    _, out, _ = cap(capsys, "list", path)
    assert "overdue" not in out
    assert "Q-01  purple           2024-12-15 ? Parks Team    Plant 500 trees" in out.splitlines()
    assert on_tty(list_cmd, path).splitlines()[-1] == (
        "! overdue · ? status not in the plan's vocabulary")


def test_list_columns_align_after_a_long_lead_and_piped_lines_are_whole(tmp_path, capsys):
    lead = "Neighbourhood Services & Assets Group (Housing, Parks and Estates)"
    path = plan_with(tmp_path, 'lead = "Housing Team"', f'lead = "{lead}"')
    _, out, _ = cap(capsys, "list", path)
    lines = out.splitlines()
    assert f"! {lead}  Review allocations" in lines[1]
    assert len({line.index(" ", 60) for line in lines}) == 1  # titles start in one column
    tty = on_tty(list_cmd, path).splitlines()
    assert all(len(line) <= 80 for line in tty) and "…" in tty[0]


# -- piped output is whole -------------------------------------------------------------------------
LONG_LEAD = "Neighbourhood Services & Assets Group (Housing, Parks, Estates and Depots)"


def test_status_by_lead_piped_never_cuts_a_lead(tmp_path, capsys):
    path = plan_with(tmp_path, 'lead = "Housing Team"', f'lead = "{LONG_LEAD}"')
    _, out, _ = cap(capsys, "status", path, "--by", "lead")
    assert "…" not in out
    assert f"  {LONG_LEAD}       0     1       1" in out
    assert f"  P-02  2024-10  {LONG_LEAD}  Review allocations" in out


def test_status_on_a_terminal_clips_to_its_width(tmp_path):
    path = plan_with(tmp_path, 'lead = "Housing Team"', f'lead = "{LONG_LEAD}"')
    out = on_tty(status_cmd, path, "--by", "lead", columns=80)
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "  Neighbourhood Ser…" in out


def test_a_pipe_with_columns_wraps_instead_of_cutting(tmp_path, capsys, monkeypatch):
    path = plan_with(tmp_path, 'lead = "Housing Team"', f'lead = "{LONG_LEAD}"')
    monkeypatch.setenv("COLUMNS", "60")
    _, out, _ = cap(capsys, "status", path, "--by", "lead")
    lines = out.splitlines()
    assert "…" not in out
    # the overdue action's lead and title wrap in their columns, within 60 columns
    at = lines.index("Overdue (1)") + 1
    assert lines[at:at + 4] == [
        "  P-02  2024-10  Neighbourhood Services &  Review",
        "                 Assets Group (Housing,    allocations",
        "                 Parks, Estates and",
        "                 Depots)",
    ]
    # by lead: the counts on the lead's first line, the rest of its name below, whole
    at = next(i for i, line in enumerate(lines) if line.startswith("  Neighbourhood"))
    assert lines[at].split()[1:] == ["0", "1", "1", "0", "0", "0", "2", "1"]
    name = " ".join(line.strip() for line in lines[at + 1:at + 6])
    assert "Neighbourhood " + name == LONG_LEAD


# -- leads as a register ---------------------------------------------------------------------------
def test_validate_warns_of_one_lead_spelt_two_ways(tmp_path, capsys):
    # GIVEN Q-01's lead typed in another case, spacing and punctuation than Q-02's
    text = SMALL.read_text(encoding="utf-8").replace('lead = "Parks Team"', 'lead = "parks  team."',
                                                     1)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = cap(capsys, "validate", path)
    # THEN a warning at the later spelling, naming both and how many actions use each
    lines = text.splitlines()
    first = lines.index('lead = "parks  team."') + 1
    second = lines.index('lead = "Parks Team"') + 1
    assert code == 0
    assert [x for x in out.splitlines() if "spelt two ways" in x] == [
        f'{path}:{second}:1: warning: lead "Parks Team" (1 action) looks like "parks  team." '
        f"(1 action, first at line {first}): one lead spelt two ways? [Q-02.lead]"]


def test_near_duplicate_leads(tmp_path, capsys):
    path = plan_with(tmp_path, 'lead = "Parks Team"\ndue = 2024-12-15',
                     'lead = "Customer Insights, Experience and Engagement"\ndue = 2024-12-15',
                     'lead = "Estates"\ndue = "2025-01"',
                     'lead = "Customer Insight, Experiance and Engagement Team"\ndue = "2025-01"')
    code, out, _ = cap(capsys, "validate", path)
    assert code == 0
    line = next(x for x in out.splitlines() if "spelt two ways" in x)
    text = path.read_text(encoding="utf-8").splitlines()
    second = next(i for i, x in enumerate(text, 1) if "Experiance" in x)
    first = next(i for i, x in enumerate(text, 1) if "Customer Insights" in x)
    assert line == (f'{path}:{second}:1: warning: lead "Customer Insight, Experiance and '
                    'Engagement Team" (1 action) looks like "Customer Insights, Experience and '
                    f'Engagement" (1 action, first at line {first}): one lead spelt two ways? '
                    "[Q-04.lead]")


def test_a_lead_that_says_its_name_twice(tmp_path, capsys):
    path = plan_with(tmp_path, 'lead = "Policy Unit"', 'lead = "Policy Unit Policy Unit"')
    _, out, _ = cap(capsys, "validate", path)
    assert ('warning: lead "Policy Unit Policy Unit" says the same name twice: was it pasted '
            "twice? [P-03.lead]") in out


def test_a_lead_cut_short_is_flagged(tmp_path, capsys):
    # GIVEN leads cut at a spreadsheet cell's width, and names that only look like it
    text = SMALL.read_text(encoding="utf-8")
    for lead in ("Health, Leisure &", "Head of", "Planning & Housing", "Finance,"):
        text = text.replace('lead = "Housing Team"', f'lead = "{lead}"', 1) \
            if 'lead = "Housing Team"' in text else \
            text.replace('lead = "Parks Team"', f'lead = "{lead}"', 1)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    _, out, _ = cap(capsys, "validate", path)
    cut = [x.split("warning: ", 1)[1] for x in out.splitlines() if "cut short" in x]
    # THEN each cut one is named with where it ends, and a whole name is not
    assert cut == ['lead "Health, Leisure &" ends in "&": cut short? [P-01.lead]',
                   'lead "Head of" ends in "of": cut short? [P-02.lead]',
                   'lead "Finance," ends in ",": cut short? [Q-02.lead]']


def test_different_leads_are_not_near_duplicates(capsys):
    _, out, _ = cap(capsys, "validate", SMALL, CUSTOM, EXAMPLE)
    assert "spelt two ways" not in out


def test_blaby_customer_insight_is_one_lead_spelt_two_ways(capsys):
    _, out, _ = cap(capsys, "validate", BLABY)
    [line] = [x for x in out.splitlines() if "spelt two ways" in x]
    assert line.startswith(f'{BLABY}:') and ' lead "Customer Insight, Experience and ' in line
    assert line.endswith("[ORG-05.lead]")


def test_status_by_lead_counts_each_status(capsys):
    _, out, _ = cap(capsys, "status", CUSTOM, "--by", "lead")
    lines = out.splitlines()
    at = lines.index(next(x for x in lines if x.startswith("  By lead")))
    assert lines[at - 2:at + 1] == [
        "                            Achieved",
        "                                  or   Behind",
        "  By lead                  On-Target Schedule Completed total overdue",
    ]
    _, out, _ = cap(capsys, "status", "--json", CUSTOM, "--by", "lead")
    groups = {g["name"]: g["by_status"] for g in json.loads(out)["plans"][0]["groups"]}
    assert groups["Housing Options Manager"] == {"achieved": 0, "behind": 1, "done": 0}


# -- who is late -----------------------------------------------------------------------------------
def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_AUTHOR_DATE": "2024-12-01T12:00:00", "GIT_COMMITTER_DATE": "2024-12-01T12:00:00",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def late(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A plan committed at Mid-Year, then moved to Q3 with only P-01's update rewritten."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "-c", "init.defaultBranch=main", "init", "-q")
    path = root / "plan.toml"
    shutil.copyfile(SMALL, path)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Mid-Year")
    text = path.read_text(encoding="utf-8").replace('"Mid-Year"', '"Q3"').replace(
        "2024-11-30", "2025-02-28").replace('status = "green"\n', 'status = "green"\nprogress = '
                                            '"Builders on site."\n', 1)
    path.write_text(text, encoding="utf-8")
    git(root, "commit", "-qam", "Q3")
    monkeypatch.chdir(root)
    return path


def test_status_stale_lists_who_is_late_by_lead(late, capsys):
    code, out, err = cap(capsys, "status", "--stale", late)
    assert (code, err) == (0, "")
    rev = git(late.parent, "rev-parse", "HEAD~1").strip()
    # render/stale.py's report: leads in the plan's order; P-01's update was rewritten; the
    # columns aligned (id, how long, title last)
    assert out.splitlines() == [
        f"{late}: 4 actions not updated since Mid-Year (2024-12-01, {rev[:7]})",
        "",
        "Housing Team (1)",
        "  P-02  same for 1 point (since Mid-Year)  Review allocations",
        "",
        "Parks Team (2)",
        "  Q-01  same for 1 point (since Mid-Year)  Plant 500 trees",
        "  Q-02  same for 1 point (since Mid-Year)  Resurface the park paths",
        "",
        "Estates (1)",
        "  Q-04  same for 1 point (since Mid-Year)  Refit the pavilion",
    ]


def test_status_stale_json_and_since(late, capsys):
    code, out, _ = cap(capsys, "status", "--stale", "--json", late)
    [plan] = json.loads(out)["plans"]
    assert code == 0 and plan["point"]["label"] == "Mid-Year"
    assert [(a["id"], a["lead"], a["points"]) for a in plan["actions"]] == [
        ("P-02", "Housing Team", 1), ("Q-01", "Parks Team", 1), ("Q-02", "Parks Team", 1),
        ("Q-04", "Estates", 1)]
    code, out, _ = cap(capsys, "status", "--stale", "--since", "HEAD", "--format", "json", late)
    assert code == 0 and len(json.loads(out)["plans"][0]["actions"]) == 5  # P-01 too, since Q3


def test_list_stale(late, capsys):
    code, out, _ = cap(capsys, "list", "--stale", late)
    assert code == 0 and [x.split()[0] for x in out.splitlines()] == [
        "P-02", "Q-01", "Q-02", "Q-04"]
    code, out, _ = cap(capsys, "list", "--stale", "--lead", "parks", late)
    assert [x.split()[0] for x in out.splitlines()] == ["Q-01", "Q-02"]


def test_stale_outside_git_is_a_clear_error(tmp_path, capsys):
    path = plan_with(tmp_path)
    code, out, err = cap(capsys, "status", "--stale", path)
    assert (code, out) == (2, "")
    assert err.startswith(f"cap: {path} is not in a git repository") and "Traceback" not in err
    code, out, err = cap(capsys, "list", "--stale", path)
    assert (code, out) == (2, "") and "not in a git repository" in err
    code, _, err = cap(capsys, "status", "--since", "HEAD", path)
    assert code == 2 and err == "cap: --since goes with --stale: cap status --stale --since " \
        "REV PATH\n"


def test_stale_in_the_query_language():
    plan = load_plan(SMALL)
    keep = parse_query(plan, "stale lead:parks", stale_ids={"Q-02", "P-02"})
    assert keep is not None and [a.id for a in plan.actions() if keep(a)] == ["Q-02"]
    waiting = parse_query(plan, "stale")  # until the caller has found them: nothing
    assert waiting is not None and waiting.stale and not any(map(waiting, plan.actions()))


def test_status_without_stale_imports_nothing_of_git():
    code = ("import sys; from cap_tui.cli import main; main(['status', sys.argv[1]]); "
            "print(sorted(m for m in sys.modules if m.endswith(('stale', 'gitio', 'history')) "
            "or m in ('subprocess', 'textwrap')), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code, str(SMALL)], capture_output=True,
                          text=True, timeout=60)
    assert proc.stderr.strip().splitlines()[-1] == "[]"


@pilot_test
async def test_the_editors_filter_finds_the_stale_actions_once(late) -> None:
    async with editing(late) as pilot:
        app = pilot.app
        bar = app.screen.query_one("#filter", Input)
        await pilot.press("slash")
        await pilot.press(*"stale")
        await pilot.pause(0.3)
        await settle(pilot, 3)
        assert [i for i in tree_ids(app) if i[:2] in ("P-", "Q-")] == [
            "P-02", "Q-01", "Q-02", "Q-04"]
        found = bar._stale  # found once, and kept for the next keystrokes
        await pilot.press("ctrl+u", *"stale lead:parks")
        await pilot.pause(0.3)
        await settle(pilot, 2)
        assert bar._stale is found
        assert [i for i in tree_ids(app) if i[:2] in ("P-", "Q-")] == ["Q-01", "Q-02"]
        await pilot.press("ctrl+u", *"status:bogus")
        await pilot.pause(0.3)
        await settle(pilot, 2)
        assert bar.has_class("-invalid") and "no status" in str(bar.tooltip)
        assert [i for i in tree_ids(app) if i[:2] in ("P-", "Q-")] == []


# -- follow-ups: one rounding in the report, counted words, nothing cut in a pipe ----------------
def test_the_report_rounds_as_status_does(capsys):
    from cap_tui.core import summary
    from cap_tui.render import report_style

    assert report_style.percent is summary.percent  # one rounding, in one place
    _, status, _ = cap(capsys, "status", EXAMPLE)
    for fmt in ("md", "html"):
        code, out, _ = cap(capsys, "report", EXAMPLE, "--format", fmt, "-o", "-")
        assert code == 0 and "8 actions · 1 finished (13%) · 1 overdue" in out
    assert "8 actions · 1 finished (13%) · 1 overdue" in status


def test_history_of_every_action_counts_one_action_as_one():
    from cap_tui.core.history import Timeline
    from cap_tui.render.history import write_history_all

    screen = io.StringIO()
    write_history_all(Out(screen), [Timeline("P-01", statuses=["green"], changes=1, present=True)])
    assert screen.getvalue().splitlines()[-1] == "1 action; 0 slipped at least once"


LONG = " ".join(f"word{i}" for i in range(60))


def test_diff_piped_shows_a_new_text_whole_and_a_terminal_cuts_it(tmp_path, capsys):
    from cap_tui.core.diff import diff_plans
    from cap_tui.render.diff import render_markdown, render_text

    new = plan_with(tmp_path, 'status = "green"\n', f'status = "green"\nprogress = "{LONG}"\n')
    code, out, _ = cap(capsys, "diff", SMALL, new)
    assert code == 1 and f"{{+{LONG}+}}" in " ".join(out.split())
    d = diff_plans(load_plan(SMALL), load_plan(new))
    assert LONG in render_markdown(d)  # a document for a merge request: whole
    screen = Tty()
    render_text(d, Out(screen, colour=False))
    shown = " ".join(screen.getvalue().split())
    assert "word39 …+}" in shown and "word40" not in shown


def test_set_on_a_terminal_says_the_whole_change_when_it_fits(tmp_path, monkeypatch):
    path = plan_with(tmp_path)
    value = "Consultation closed; the new allocations policy goes to cabinet in March."
    screen = Tty()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["set", str(path), "P-02", "progress", value]) == 0
    assert screen.getvalue() == f"P-02.progress: Consultation extended. -> {value}\n"
    screen.truncate(0)
    screen.seek(0)
    monkeypatch.setenv("COLUMNS", "60")  # a narrow terminal: one screen line, cut
    assert main(["set", str(path), "P-02", "progress", "Approved by cabinet " * 5]) == 0
    [line] = screen.getvalue().splitlines()
    assert len(line) == 60 and line.endswith("…") and line.startswith(f"P-02.progress: {value[:8]}")


def test_get_takes_json_and_format_json(capsys):
    from cap_tui.commands import fields as fields_cmd

    assert parse(fields_cmd, SMALL, "P-02", "due", "--json").format == "json"
    assert parse(fields_cmd, SMALL, "P-02", "due").format == "text"
    assert cap(capsys, "get", "--format", "json", SMALL, "P-03", "due") == (0, '"2024-06-30"\n', "")
    assert cap(capsys, "get", "--json", SMALL, "P-03", "due") == (0, '"2024-06-30"\n', "")
    assert cap(capsys, "get", SMALL, "P-03", "due") == (0, "2024-06-30\n", "")


def test_import_dry_run_json(tmp_path, capsys):
    path = plan_with(tmp_path)
    before = path.read_bytes()
    sheet = tmp_path / "r.csv"
    sheet.write_bytes(b"ID,New status,New progress update\r\nP-02,Off track,Still consulting.\r\n"
                      b"Q-01,red,\r\n")
    code, out, err = cap(capsys, "import", sheet, "--into", path, "--dry-run", "--json")
    doc = json.loads(out)
    assert (code, err, path.read_bytes()) == (0, "", before)
    assert (doc["changed"], doc["unchanged"], doc["problems"], doc["written"]) == (
        {"P-02": ["status", "progress"]}, 1, [], False)
    [action] = doc["diff"]["actions"]
    assert [(f["field"], f["new"]) for f in action["fields"]] == [
        ("status", "red"), ("progress", "Still consulting.")]
    sheet.write_bytes(b"ID,New status\r\nP-02,Greenish\r\n")
    code, out, _ = cap(capsys, "import", sheet, "--into", path, "--dry-run", "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["diff"] is None
    assert doc["problems"][0]["where"] == f'{sheet}: row 2, column B "New status"'
    code, out, err = cap(capsys, "import", sheet, "--into", path, "--json")  # not a dry run
    assert (code, out, path.read_bytes()) == (2, "", before)
    assert err == "cap: --json goes with --into PATH --dry-run: what would change, for tools\n"


def test_a_status_the_plan_lacks_is_answered_with_its_labels(tmp_path, capsys):
    code, _, err = cap(capsys, "set", plan_with(tmp_path), "P-01", "status", "purple")
    assert code == 1 and err.endswith(
        '"purple" is not a status of this plan; use one of: "Not started" (not-started), '
        '"On track" (green), "At risk" (amber), "Off track" (red), "Completed", '
        '"Carried forward" (carried-forward), "Cancelled" [P-01.status]\n')


@pytest.fixture
def later(late: Path) -> Path:
    """`late`, then moved to Q4 with Q-01's update written: P-01 the same since Q3, the others
    since Mid-Year (two points)."""
    text = late.read_text(encoding="utf-8").replace('"Q3"', '"Q4"').replace(
        'status = "red"\n', 'status = "red"\nprogress = "Planted."\n', 1)
    late.write_text(text, encoding="utf-8")
    git(late.parent, "commit", "-qam", "Q4")
    return late


def test_stale_rows_align_their_columns(later, capsys):
    code, out, _ = cap(capsys, "status", "--stale", later)
    rows = [line for line in out.splitlines() if line.startswith("  ")]
    assert code == 0 and [r.split()[0] for r in rows] == ["P-01", "P-02", "Q-02", "Q-04"]
    assert rows[0] == "  P-01  same for 1 point (since Q3)         Open the new hostel"
    assert rows[1] == "  P-02  same for 2 points (since Mid-Year)  Review allocations"
    titles = ["Open the new hostel", "Review allocations", "Resurface the park paths",
              "Refit the pavilion"]
    assert {r.index(t) for r, t in zip(rows, titles, strict=True)} == {44}


def test_stale_on_a_terminal_is_one_screen_line_a_row(later):
    lines = on_tty(status_cmd, "--stale", later, columns=60).splitlines()
    assert all(len(line) <= 60 for line in lines)
    assert "  Q-02  same for 2 points (since Mid-Year)  Resurface the p…" in lines


@pytest.mark.parametrize("command", ["list", "validate", "status"])
def test_a_missing_file_is_named_without_a_line_and_column(tmp_path, capsys, command):
    missing = tmp_path / "nope.toml"
    code, out, err = cap(capsys, command, missing)
    said = (out if command == "validate" else err).splitlines()  # validate's problems: stdout
    assert code == 2
    assert said[0] == f"{missing}: error: cannot read the file: No such file or directory"
