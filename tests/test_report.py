"""`cap report`: the committee report, read back from every format.

Each story writes a report the way an officer would (`cap report PLAN --format F --output FILE`)
and reads the file back with the tool a reader's program would use (html.parser, python-docx, csv),
never by looking for strings the renderer happens to write.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cap_tui.cli import main
from cap_tui.commands import report as report_command
from cap_tui.core.model import load_plan
from cap_tui.core.report import ReportError, ReportOptions, build_report, default_name
from cap_tui.core.summary import UNKNOWN
from cap_tui.render.report_output import write_report

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "plans").glob("*.toml"))
DATA = Path(__file__).resolve().parent / "data_report"
HOSTILE = DATA / "hostile.toml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# -- running the command -------------------------------------------------------------------------
def cap_report(*argv: str) -> int:
    """`cap report ARGV...` through the command's own parser (as cli.main builds it)."""
    parser = argparse.ArgumentParser(prog="cap report")
    report_command.add_arguments(parser, "report")
    return int(report_command.run(parser.parse_args(list(argv))))


def make(tmp_path: Path, plan: Path, fmt: str, *extra: str) -> Path:
    out = tmp_path / f"{plan.stem}.{fmt}"
    assert cap_report(str(plan), "--format", fmt, "--output", str(out), *extra) == 0
    assert out.is_file()
    return out


def status_json(path: Path, *extra: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["status", str(path), "--json", *extra])
    return json.loads(out.getvalue())["plans"][0]


def label_of(plan, action) -> str:
    status = plan.status(action)
    return status.label if status else UNKNOWN.label


# -- reading the formats back --------------------------------------------------------------------
class HtmlReport(HTMLParser):
    """Tables (class, then rows of (tr attrs, [(td attrs, text)])), headings, every attribute."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[tuple[dict, list[tuple[dict, str]]]]]] = []
        self.headings: list[tuple[str, str]] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.folded: list[str] = []  # data-id of each finished action folded into a list
        self.stale: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag in ("br", "p", "li") and self._cell is not None:
            self._cell.append(" ")  # a line or paragraph break reads as a space
        self.attributes += [(tag, k, v) for k, v in a.items()]
        if tag == "table":
            self.tables.append((a.get("class", ""), []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append((a, []))
        elif tag in ("td", "th") and self.tables and self.tables[-1][1]:
            self._cell = []
            self.tables[-1][1][-1][1].append((a, ""))
        elif tag in ("h1", "h2", "h3"):
            self._heading = []
        elif tag == "li" and "data-id" in a:
            self.folded.append(a["data-id"])
        elif tag == "span" and "data-id" in a:
            self.stale.append(a["data-id"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            attrs, _ = self.tables[-1][1][-1][1][-1]
            self.tables[-1][1][-1][1][-1] = (attrs, " ".join("".join(self._cell).split()))
            self._cell = None
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append((tag, " ".join("".join(self._heading).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def action_rows(self, cls: str = "actions") -> list[tuple[str, list[str]]]:
        return [(tr["data-id"], [t for _, t in cells]) for c, rows in self.tables if c == cls
                for tr, cells in rows if "data-id" in tr]

    def counts(self) -> dict[str, dict[str, int]]:
        """The summary table: group name ("" for the whole plan) -> status key or count -> n."""
        out: dict[str, dict[str, int]] = {}
        for c, rows in self.tables:
            if c != "counts":
                continue
            for tr, cells in rows:
                if "data-group" not in tr:
                    continue
                out[tr["data-group"]] = {
                    a.get("data-status") or a["data-count"]: int(t) for a, t in cells
                    if "data-status" in a or "data-count" in a}
        return out


def docx_tables(path: Path):
    import docx

    return docx.Document(str(path)).tables


def docx_action_rows(path: Path) -> list[tuple[str, list[str]]]:
    """(ref, cell texts) of every row of every action table (its header starts Ref, Action and
    it has a progress column: 6 columns, or 7 in an exceptions report)."""
    out = []
    for table in docx_tables(path):
        head = [c.text for c in table.rows[0].cells]
        if head[:2] != ["Ref", "Action"] or len(head) < 6:
            continue
        for r in table.rows[1:]:
            cells = [c.text for c in r.cells]
            out.append((cells[0], cells))
    return out


def docx_counts(path: Path) -> dict[str, dict[str, str]]:
    """The summary table (the document's first): group name -> column heading -> text."""
    table = docx_tables(path)[0]
    head = [c.text for c in table.rows[0].cells]
    return {r.cells[0].text: dict(zip(head[1:], (c.text for c in r.cells[1:]), strict=True))
            for r in table.rows[1:]}


def csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def md_actions(text: str) -> list[tuple[str, str]]:
    """(id, status line) of each action heading `#### ID · title` in a Markdown report."""
    out = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#### "):
            status = next(x for x in lines[i + 1:] if x.startswith("- **Status:**"))
            out.append((line[5:].split(" · ")[0].replace("\\", ""), status))
    return out


# -- every action, once, in order, with its status -----------------------------------------------
@pytest.mark.parametrize("plan_path", PLANS, ids=lambda p: p.stem)
class TestEveryAction:
    """Whatever the format, the committee sees every action of the plan once, in file order, with
    its status in words."""

    def expected(self, plan_path: Path) -> list[tuple[str, str]]:
        plan = load_plan(plan_path)
        return [(a.id, label_of(plan, a)) for a in plan.actions()]

    def test_html(self, tmp_path, plan_path):
        page = HtmlReport(make(tmp_path, plan_path, "html").read_text(encoding="utf-8"))
        rows = page.action_rows()
        assert [i for i, _ in rows] == [i for i, _ in self.expected(plan_path)]
        for (_, cells), (_, label) in zip(rows, self.expected(plan_path), strict=True):
            assert cells[4] in (label, f"{label} Overdue", f"{label} Due soon")

    def test_docx(self, tmp_path, plan_path):
        rows = docx_action_rows(make(tmp_path, plan_path, "docx"))
        got = [(ref, cells[4].split("\n")[0]) for ref, cells in rows]
        assert got == self.expected(plan_path)

    def test_md(self, tmp_path, plan_path):
        text = make(tmp_path, plan_path, "md").read_text(encoding="utf-8")
        got = md_actions(text)
        assert [i for i, _ in got] == [i for i, _ in self.expected(plan_path)]
        for (_, line), (_, label) in zip(got, self.expected(plan_path), strict=True):
            assert label in line.replace("\\", "")

    def test_csv(self, tmp_path, plan_path):
        rows = csv_rows(make(tmp_path, plan_path, "csv"))
        assert [(r["Ref"], r["Status"]) for r in rows] == self.expected(plan_path)

    def test_completed_short_folds_finished_actions(self, tmp_path, plan_path):
        plan = load_plan(plan_path)
        page = HtmlReport(make(tmp_path, plan_path, "html", "--completed", "short")
                          .read_text(encoding="utf-8"))
        shown = [i for i, _ in page.action_rows()]
        finished = [a.id for a in plan.actions() if plan.is_finished(a)]
        assert page.folded == finished
        assert sorted(shown + page.folded) == sorted(a.id for a in plan.actions())
        assert not set(shown) & set(finished)


def test_html_status_cells_say_the_label(tmp_path):
    plan_path = ROOT / "plans" / "blaby-2024-25.toml"
    plan = load_plan(plan_path)
    page = HtmlReport(make(tmp_path, plan_path, "html").read_text(encoding="utf-8"))
    for (ref, cells), a in zip(page.action_rows(), plan.actions(), strict=True):
        assert ref == a.id
        assert cells[4].startswith(label_of(plan, a))


# -- the summary is `cap status` -----------------------------------------------------------------
@pytest.mark.parametrize("plan_path", [*PLANS, HOSTILE], ids=lambda p: p.stem)
def test_summary_counts_equal_cap_status(tmp_path, plan_path):
    status = status_json(plan_path)
    by_theme = {g["name"]: g for g in status_json(plan_path, "--by", "theme")["groups"]}
    plan = load_plan(plan_path)
    statuses = [*plan.statuses.values()] + ([UNKNOWN] if status["by_status"].get("?") else [])

    # the report's own data
    data = build_report(plan)
    assert data.overall.total == status["actions"]
    assert {k: v for k, v in data.overall.by_status.items()} == status["by_status"]
    assert data.overall.finished == status["finished"]
    assert [a.id for a in data.overdue] == [a["id"] for a in status["overdue"]]
    assert [a.id for a in data.due_soon] == [a["id"] for a in status["due_soon"]]

    # html: the totals row and one row per theme
    counts = HtmlReport(make(tmp_path, plan_path, "html").read_text(encoding="utf-8")).counts()
    total = counts.pop("")
    assert {k: total[k] for k in status["by_status"]} == status["by_status"]
    assert (total["total"], total["overdue"], total["due_soon"]) == (
        status["actions"], len(status["overdue"]), len(status["due_soon"]))
    # the report also lists a theme with no actions (all zero); cap status leaves it out
    assert all(not c["total"] for name, c in counts.items() if name not in by_theme)
    assert by_theme.keys() <= counts.keys()
    for name, g in by_theme.items():
        assert {k: counts[name][k] for k in g["by_status"]} == g["by_status"]
        assert (counts[name]["total"], counts[name]["overdue"], counts[name]["due_soon"]) == (
            g["actions"], g["overdue"], g["due_soon"])

    # docx: the same numbers under the statuses' labels
    table = docx_counts(make(tmp_path, plan_path, "docx"))
    row = table["All actions"]
    for st in statuses:
        assert int(row[st.label]) == status["by_status"][st.key]
    assert int(row["Total"]) == status["actions"]
    assert int(row["Overdue"]) == len(status["overdue"])
    assert int(row["Due within 30 days"]) == len(status["due_soon"])

    # md: the last line of the summary table
    text = make(tmp_path, plan_path, "md").read_text(encoding="utf-8")
    total_line = next(x for x in text.splitlines() if x.startswith("| **All actions**"))
    numbers = [int(x.strip(" *")) for x in total_line.strip("|").split("|")[1:]]
    assert numbers == [status["by_status"][st.key] for st in statuses] + [
        status["actions"], len(status["overdue"]), len(status["due_soon"])]


def test_due_within_follows_the_option(tmp_path):
    plan_path = ROOT / "plans" / "blaby-2024-25.toml"
    status = status_json(plan_path, "--due-within", "120")
    page = HtmlReport(make(tmp_path, plan_path, "html", "--due-within", "120")
                      .read_text(encoding="utf-8"))
    assert page.counts()[""]["due_soon"] == len(status["due_soon"]) > 1


def test_by_lead_groups_summary_and_actions_by_lead(tmp_path):
    plan_path = ROOT / "plans" / "example-borough-2025-26.toml"
    by_lead = {g["name"]: g for g in status_json(plan_path, "--by", "lead")["groups"]}
    page = HtmlReport(make(tmp_path, plan_path, "html", "--by", "lead")
                      .read_text(encoding="utf-8"))
    counts = page.counts()
    counts.pop("")
    assert counts.keys() == by_lead.keys()
    assert all(counts[k]["total"] == g["actions"] for k, g in by_lead.items())
    h2 = [text for tag, text in page.headings if tag == "h2"]
    assert sorted(by_lead, key=str.casefold) == [h for h in h2 if h in by_lead]
    plan = load_plan(plan_path)
    assert sorted(i for i, _ in page.action_rows()) == sorted(a.id for a in plan.actions())


# -- exceptions ----------------------------------------------------------------------------------
def test_exceptions_lists_only_red_amber_and_overdue_with_their_update(tmp_path):
    plan_path = ROOT / "plans" / "example-borough-2025-26.toml"
    plan = load_plan(plan_path)
    expected = [a.id for a in plan.actions()
                if (plan.status(a) and plan.status(a).colour in ("red", "amber"))
                or plan.is_overdue(a)]
    assert expected  # the example plan has some
    page = HtmlReport(make(tmp_path, plan_path, "html", "--exceptions").read_text("utf-8"))
    rows = page.action_rows()
    assert [i for i, _ in rows] == expected
    for ref, cells in rows:
        a = plan.find(ref)
        assert cells[5]  # why it is listed
        progress = " ".join(a.text("progress").split())
        assert progress[:40] in cells[6]
    assert not any(c == "theme" for c, _ in page.tables)
    docx_rows = docx_action_rows(make(tmp_path, plan_path, "docx", "--exceptions"))
    assert [ref for ref, _ in docx_rows] == expected
    csv_ids = [r["Ref"] for r in csv_rows(make(tmp_path, plan_path, "csv", "--exceptions"))]
    assert csv_ids == expected


# -- text is data ----------------------------------------------------------------------------------
def test_csv_cells_cannot_be_formulas(tmp_path):
    rows = {r["Ref"]: r for r in csv_rows(make(tmp_path, HOSTILE, "csv"))}
    h1 = rows["H-01"]
    assert h1["Action"] == "'=HYPERLINK(\"http://evil.invalid\",\"click me\")"
    assert h1["Lead"] == "'+1"
    assert h1["Progress update"].startswith("'@x")
    assert h1["Next steps"].startswith("'-2")
    assert h1["Cost =SUM(A1)"] == "'=1+1"
    assert rows["H-02"]["Lead"].startswith("'\t")
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
            assert "\x1b" not in value and "\x07" not in value
    assert "\\x1b[31m" in h1["Progress update"]


def test_html_shows_markup_as_text_and_fetches_nothing(tmp_path):
    text = make(tmp_path, HOSTILE, "html").read_text(encoding="utf-8")
    page = HtmlReport(text)
    assert "script" not in page.tags and "img" not in page.tags and "iframe" not in page.tags
    assert not {"link", "object", "embed", "base", "meta-refresh"} & set(page.tags)
    for tag, name, value in page.attributes:
        assert not name.startswith("on"), (tag, name)
        if name == "xmlns":
            continue  # the SVG namespace: a name, never fetched
        assert "http" not in value.lower() and "//" not in value, (tag, name, value)
    assert "url(" not in text and "@import" not in text
    # what the plan says is there, as text
    assert "<script>alert('title')</script> [bold]2025-26[/bold]" in " ".join(
        t for _, t in page.headings)
    rows = dict(page.action_rows())
    assert rows["H-01"][1].startswith('=HYPERLINK("http://evil.invalid"')
    assert "<script>alert('description')</script>" in rows["H-01"][1]
    assert "[bold]Not bold[/bold] <b>not bold</b>" in rows["H-02"][1]
    # control characters are shown, not obeyed
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b[31mred\\x1b[0m bell \\x07 nel \\x85 rlo \\u202e end" in rows["H-01"][5]
    assert "\\ufffe" in rows["H-02"][1]
    assert rows["H-02"][4] == "No valid status"


def test_md_escapes_what_markdown_would_obey(tmp_path):
    text = make(tmp_path, HOSTILE, "md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)[<>]", text), "every < and > is escaped"
    assert "\\<script\\>" in text
    assert "\\[bold\\]Not bold\\[/bold\\]" in text
    assert "\\*\\*not bold\\*\\*" in text and "\\[link\\](http" in text
    assert "Programme \\_underscored\\_ and \\*starred\\*" in text
    assert "Lead \\| with pipe" in text
    assert "\\`backtick\\`" in text
    assert "\n\\# not a heading\n" in text and "\n\\- not a list\n" in text
    assert "\n1\\. not a numbered list\n" in text
    assert "\x1b" not in text and "\\\\x1b" in text
    # every table row still has its columns: no | from the plan splits a cell
    for line in text.splitlines():
        if line.startswith("| **H-0"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 6


def test_docx_text_is_text_and_control_characters_are_visible(tmp_path):
    path = make(tmp_path, HOSTILE, "docx")  # python-docx raises on control characters
    import docx

    doc = docx.Document(str(path))
    body = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "\x1b" not in body and "\x07" not in body and "\ufffe" not in body
    assert "\\x1b[31mred\\x1b[0m bell \\x07 nel \\x85 rlo \\u202e end" in body
    assert "\\ufffe" in body
    assert "{ HYPERLINK \"http://evil.invalid\" } { PAGE }" in body
    assert "<script>alert('description')</script>" in body
    with zipfile.ZipFile(path) as z:
        xml = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}
    document = xml["word/document.xml"]
    # no field, hyperlink or embedded object in the body: the plan's text is only ever w:t
    for marker in ("fldSimple", "instrText", "fldChar", "w:hyperlink", "w:object", "altChunk"):
        assert marker not in document, marker
    # the one field is cap's page number in the footer
    footers = "".join(v for n, v in xml.items() if n.startswith("word/footer"))
    assert re.findall(r'w:instr="([^"]*)"', footers) == [" PAGE "]
    assert "instrText" not in footers


def test_docx_structure_headings_repeated_headers_shading_page(tmp_path):
    plan_path = ROOT / "plans" / "blaby-2024-25.toml"
    plan = load_plan(plan_path)
    path = make(tmp_path, plan_path, "docx")
    import docx
    from docx.enum.section import WD_ORIENT

    doc = docx.Document(str(path))
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h1 == ["Summary"] + [t.title for t in plan.themes]
    programmes = [p.title for p in plan.programmes()]
    assert [h for h in h2 if h in programmes] == programmes
    # every table repeats its header row on each page; the picture (a bar table) has none
    without = [t for t in doc.tables
               if t.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is None]
    assert len(without) == 1 and without[0].rows[0].cells[0].text == "All actions (44)"
    assert len(doc.tables) > len(programmes)
    # status cells: shaded with the status colour and labelled
    from cap_tui.render.report_style import fill

    colours = {st.label: fill(st.colour) for st in plan.statuses.values()}
    for t in doc.tables:
        head = [c.text for c in t.rows[0].cells]
        if "Status" not in head:
            continue
        i = head.index("Status")
        for r in t.rows[1:]:
            c = r.cells[i]
            label = c.paragraphs[0].text
            shd = c._tc.find(f"{W}tcPr/{W}shd")
            assert label in colours
            assert shd is not None and shd.get(f"{W}fill") == colours[label]
    s = doc.sections[0]
    assert s.orientation == WD_ORIENT.LANDSCAPE
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (297, 210)
    assert 12 <= s.left_margin.mm <= 25


def test_html_prints_on_a4_with_page_breaks_and_repeated_headers(tmp_path):
    text = make(tmp_path, ROOT / "plans" / "blaby-2024-25.toml", "html").read_text("utf-8")
    assert "@page { size: A4" in text
    assert "thead { display: table-header-group; }" in text
    assert "section.theme { break-before: page" in text
    page = HtmlReport(text)
    assert page.tags.count("svg") == 1 and page.tags.count("thead") == len(page.tables)


# -- since a revision: a real git repository -------------------------------------------------------
SINCE_PLAN = """\
[plan]
council = "Example District Council"
title = "Corporate Action Plan 2024-25"
period = "2024-25"
reporting_point = "Q1"
as_of = 2024-06-30

[[theme]]
id = "T1"
title = "Communities"

[[theme.programme]]
id = "housing"
title = "Housing"
lead = "Director of Housing"

[[theme.programme.action]]
id = "A-01"
title = "Refresh the homelessness strategy"
lead = "Housing Team"
due = "2025-03"
status = "green"
progress = \"\"\"
Consultation has started.\"\"\"

[[theme.programme.action]]
id = "A-02"
title = "Buy sixteen temporary homes"
lead = "Housing Team"
due = "2024-12"
status = "green"
progress = \"\"\"
Twelve homes bought.\"\"\"

[[theme.programme.action]]
id = "A-03"
title = "Retire the old lettings system"
lead = "Housing Team"
due = "2024-09"
status = "amber"
progress = \"\"\"
Data migration planned.\"\"\"

[[theme.programme]]
id = "health"
title = "Health"
lead = "Director of Place"

[[theme.programme.action]]
id = "A-04"
title = "Open a wellbeing hub"
lead = "Health Team"
due = "2025-01"
status = "not-started"
progress = \"\"\"
Site search under way.\"\"\"

[[theme.programme.action]]
id = "A-05"
title = "Publish the health plan"
lead = "Health Team"
due = "2024-05"
status = "completed"
progress = \"\"\"
Published in May.\"\"\"
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Officer", "-c", "user.email=o@example.invalid",
                           "-c", "commit.gpgsign=false", *args], cwd=repo, check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def changed_repo(tmp_path: Path) -> Path:
    """A repository whose plan was committed and tagged q1, then changed and committed again:
    A-01 moved from on track to at risk and slipped 3 months; A-02 brought forward a month and
    its update rewritten; A-03 removed; A-04 moved to Housing; A-06 added; A-05 untouched."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / "plans").mkdir(parents=True)
    plan = repo / "plans" / "cap.toml"
    plan.write_text(SINCE_PLAN, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Q1")
    git(repo, "tag", "q1")
    text = SINCE_PLAN
    text = text.replace('due = "2025-03"\nstatus = "green"', 'due = "2025-06"\nstatus = "amber"')
    text = text.replace('due = "2024-12"', 'due = "2024-11"')
    text = text.replace("Twelve homes bought.", "All sixteen homes bought and let.")
    a03 = text.index('[[theme.programme.action]]\nid = "A-03"')
    health = text.index("[[theme.programme]]\nid = \"health\"")
    text = text[:a03] + text[health:]
    a04_start = text.index('[[theme.programme.action]]\nid = "A-04"')
    a04_end = text.index('[[theme.programme.action]]\nid = "A-05"')
    a04 = text[a04_start:a04_end]
    text = text[:a04_start] + text[a04_end:]
    health = text.index("[[theme.programme]]\nid = \"health\"")
    text = text[:health] + a04 + text[health:]
    text = text.replace('reporting_point = "Q1"\nas_of = 2024-06-30',
                        'reporting_point = "Q2"\nas_of = 2024-09-30')
    text += ('\n[[theme.programme.action]]\nid = "A-06"\ntitle = "Run a landlord forum"\n'
             'lead = "Health Team"\ndue = "2025-02"\nstatus = "green"\n')
    plan.write_text(text, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Q2")
    return plan


def test_since_lists_every_change_per_action(changed_repo, tmp_path):
    html = HtmlReport(make(tmp_path, changed_repo, "html", "--since", "q1").read_text("utf-8"))
    changes = {tr["data-id"]: (tr["data-change"], cells[3]) for c, rows in html.tables
               if c == "changes-table" for tr, cells in ((tr, [t for _, t in cs])
                                                          for tr, cs in rows) if "data-id" in tr}
    assert changes.keys() == {"A-01", "A-02", "A-03", "A-04", "A-06"}
    kind, notes = changes["A-01"]
    assert "Status: On track → At risk" in notes
    assert "Expected completion slipped 3 months: March 2025 → June 2025" in notes
    kind, notes = changes["A-02"]
    assert "Expected completion brought forward 1 month: December 2024 → November 2024" in notes
    assert "Progress update rewritten" in notes
    kind, notes = changes["A-03"]
    assert kind == "removed" and "Removed since q1 (was in Housing; status: At risk)" in notes
    kind, notes = changes["A-04"]
    assert "Moved from Health to Housing" in notes
    kind, notes = changes["A-06"]
    assert kind == "added" and "New since q1" in notes
    # stale: updates not rewritten since q1 (A-05 was finished then and now: not asked for)
    assert html.stale == ["A-01", "A-04"]
    text = make(tmp_path, changed_repo, "md", "--since", "q1").read_text("utf-8")
    assert "Reporting point: Q1 → Q2" in text and "As of: 2024-06-30 → 2024-09-30" in text
    assert ("1 status change, 1 slipped, 1 brought forward, 1 new, 1 removed, 1 moved, "
            "2 updates not rewritten") in text
    rows = {r["Ref"]: r for r in csv_rows(make(tmp_path, changed_repo, "csv", "--since", "q1"))}
    assert rows["A-01"]["Progress update not rewritten since q1"] == "yes"
    assert rows["A-02"]["Progress update not rewritten since q1"] == "no"
    assert "slipped 3 months" in rows["A-01"]["Changes since q1"]
    docx_text = "\n".join(c.text for t in docx_tables(make(tmp_path, changed_repo, "docx",
                                                                  "--since", "q1"))
                          for r in t.rows for c in r.cells)
    for needle in ("Status: On track → At risk", "Moved from Health to Housing", "New since q1",
                   "Removed since q1"):
        assert needle in docx_text


def test_exceptions_since_lists_slipped_actions(changed_repo, tmp_path):
    page = HtmlReport(make(tmp_path, changed_repo, "html", "--exceptions", "--since", "q1")
                      .read_text("utf-8"))
    rows = dict(page.action_rows())
    assert list(rows) == ["A-01"]  # the only one at risk, overdue or slipped
    assert rows["A-01"][5] == "At risk Slipped 3 months since q1"


def test_since_an_unknown_revision_is_a_clear_failure(changed_repo, tmp_path, capsys):
    code = cap_report(str(changed_repo), "--since", "no-such-tag", "-o", str(tmp_path / "x.html"))
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("cap: --since no-such-tag:") and "Traceback" not in err
    assert not (tmp_path / "x.html").exists()


# -- the command ----------------------------------------------------------------------------------
def test_default_output_is_named_after_plan_and_reporting_point(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cap_report(str(ROOT / "plans" / "blaby-2024-25.toml")) == 0
    assert capsys.readouterr().out == "blaby-2024-25-mid-year-2024-25.html\n"
    assert (tmp_path / "blaby-2024-25-mid-year-2024-25.html").is_file()
    data = build_report(load_plan(ROOT / "plans" / "blaby-2023-24-closure.toml"),
                        ReportOptions(exceptions=True))
    assert default_name(data, "docx") == "blaby-2023-24-closure-2023-24-exceptions.docx"


def test_a_folder_makes_one_report_per_plan(tmp_path, capsys):
    out = tmp_path / "reports"
    out.mkdir()
    assert cap_report(str(ROOT / "plans"), "--format", "md", "--output", str(out)) == 0
    written = capsys.readouterr().out.split()
    assert len(written) == len(PLANS) and all(Path(p).is_file() for p in written)
    assert cap_report(str(ROOT / "plans"), "--output", str(tmp_path / "one.html")) == 2


def test_output_dash_writes_text_to_stdout(capsys):
    assert cap_report(str(ROOT / "plans" / "example-borough-2025-26.toml"), "--format", "md",
                      "--output", "-", "--title", "Cabinet, 10 November") == 0
    out = capsys.readouterr().out
    assert out.startswith("# Example Borough Council – Cabinet, 10 November\n")
    assert cap_report(str(ROOT / "plans" / "example-borough-2025-26.toml"), "--format", "docx",
                      "--output", "-") == 2
    assert "give a file name" in capsys.readouterr().err


def test_unreadable_plan_and_not_a_plan(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[plan\n", encoding="utf-8")
    assert cap_report(str(bad), "-o", str(tmp_path / "r.html")) == 2
    assert "bad.toml:1:" in capsys.readouterr().err
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert cap_report(str(other), "-o", str(tmp_path / "r.html")) == 1
    assert "not a plan" in capsys.readouterr().err


def test_pdf_without_any_maker_says_what_to_install(tmp_path, monkeypatch, capsys):
    from cap_tui.render import report_output

    monkeypatch.setattr(report_output, "pdf_makers", lambda: [])
    assert cap_report(str(ROOT / "plans" / "example-borough-2025-26.toml"), "--format", "pdf",
                      "-o", str(tmp_path / "r.pdf")) == 2
    err = capsys.readouterr().err
    assert "cannot make a PDF" in err and "LibreOffice" in err and "WeasyPrint" in err
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize("maker", ["soffice", "chromium"])
def test_pdf(tmp_path, maker):
    from cap_tui.render import report_output

    if maker not in report_output.pdf_makers():
        if maker == "chromium" and _ci():
            pytest.fail("CI must install chromium (see .ci/run)")
        pytest.skip(f"{maker} is not installed")
    data = build_report(load_plan(ROOT / "plans" / "example-borough-2025-26.toml"))
    out = report_output.make_pdf(data, tmp_path / "r.pdf", maker)
    raw = out.read_bytes()
    assert raw.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", raw)) >= 2


def _ci() -> bool:
    import os

    return bool(os.environ.get("CI"))


def test_write_report_is_the_editors_entry_point(tmp_path):
    path = write_report(ROOT / "plans" / "blaby-2024-25.toml", "docx", tmp_path,
                        ReportOptions(completed="short", title="Scrutiny, 3 December"))
    assert path == tmp_path / "blaby-2024-25-mid-year-2024-25.docx" and path.is_file()
    with pytest.raises(ReportError, match="unknown format"):
        write_report(ROOT / "plans" / "blaby-2024-25.toml", "rtf", tmp_path)


def test_report_modules_import_no_renderer_library():
    """`cap status` stays fast: the core and the command import neither Jinja2 nor python-docx,
    and `cap report --format md` needs neither."""
    script = (
        "import sys, io, contextlib, json\n"
        "import cap_tui.core.report, cap_tui.commands.report, cap_tui.render.report_output\n"
        "before = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('jinja2', 'docx', 'lxml', 'textual', 'rich', 'tomlkit'))\n"
        "from cap_tui import cli\n"
        "cli.COMMANDS.setdefault('report', ('report', 'the committee report'))\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    code = cli.main(['report', sys.argv[1], '--format', 'md', '--output', '-'])\n"
        "after = sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'docx', 'lxml'))\n"
        "print(json.dumps([int(code), before, after, len(out.getvalue())]))\n"
    )
    plan = str(ROOT / "plans" / "blaby-2024-25.toml")
    proc = subprocess.run([sys.executable, "-c", script, plan], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    code, before, after, size = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (code, before, after) == (0, [], []) and size > 10_000
