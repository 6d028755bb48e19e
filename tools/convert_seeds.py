#!/usr/bin/env python3
"""Convert the two Blaby seed texts into cap plan files.

    python tools/convert_seeds.py [SEEDS_DIR] [OUT_DIR] [--force]

SEEDS_DIR defaults to ../shared/seeds (next to the repository), OUT_DIR to plans/. The seeds are
tab-separated rows that a PDF extractor produced from the council's reports:

- blaby-cap-2024-25-mid-year.txt            -> blaby-2024-25.toml
- blaby-cap-2023-24-closure-report.txt      -> blaby-2023-24-closure.toml

The conversion is faithful: every text is kept as the source has it (typos included), missing or
odd values stay missing or odd so that `cap validate` flags them, and whatever the converter had
to repair (a title merged into its description, a row split over several lines) is said in a
comment next to it. The converter checks its counts against the reports and stops with an error
when the parse drifts. Its output is deterministic: the same seeds give the same bytes.

Once written, a plan belongs to the officers who edit it. The converter will not overwrite a plan
file whose content differs from what it would write (an edited plan) unless given --force.

Standard library only.
"""

from __future__ import annotations

import argparse
import re
import string
import sys
import textwrap
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
DEFAULT_OUT = REPO / "plans"

MID_YEAR_SEED = "blaby-cap-2024-25-mid-year.txt"
MID_YEAR_PLAN = "blaby-2024-25.toml"
CLOSURE_SEED = "blaby-cap-2023-24-closure-report.txt"
CLOSURE_PLAN = "blaby-2023-24-closure.toml"

COUNCIL = "Blaby District Council"
# Editors that read JSON Schema (Taplo, Even Better TOML) check a plan against cap's schema.
SCHEMA_DIRECTIVE = "#:schema ../cap_tui/schema/cap-plan.schema.json"
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


class ConversionError(Exception):
    """The seed is not shaped as the converter expects: the parse has drifted."""


def check(condition: bool, message: str) -> None:
    """Stop the conversion with `message` unless `condition` holds (kept under python -O)."""
    if not condition:
        raise ConversionError(message)


# -- TOML text -------------------------------------------------------------------------------

_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _escape_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"\\u{ord(ch):04X}"
    return ch


def basic_string(value: str) -> str:
    """`value` as a one-line TOML basic string: "..."."""
    return '"' + "".join(_escape_char(ch) for ch in value) + '"'


def multiline_string(value: str) -> str:
    """`value` as a TOML multi-line basic string, opening with a newline (which TOML drops) and
    closing directly after the last character, so the value gets no extra newline.

    Newlines are written as they are; a quote is escaped when another quote or the closing
    delimiter follows it, so the text can never hold three quotes in a row nor run into the closing
    delimiter; every other quote is left alone, for readability.
    """
    out: list[str] = []
    for i, ch in enumerate(value):
        if ch == "\n":
            out.append(ch)
        elif ch == '"':
            follower = value[i + 1 : i + 2]
            out.append('\\"' if follower in ('"', "") else '"')
        else:
            out.append(_escape_char(ch))
    return '"""\n' + "".join(out) + '"""'


@dataclass(frozen=True)
class Text:
    """A value written as a multi-line string (descriptions, progress updates)."""

    value: str


Value = str | bool | int | date | Text | dict[str, "Value"]


def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else basic_string(key)


def toml_value(value: Value) -> str:
    if isinstance(value, Text):
        return multiline_string(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return basic_string(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {value!r} as TOML")


def comment_lines(text: str) -> list[str]:
    """A note as `# ` comment lines of at most 100 characters."""
    return textwrap.wrap(
        text,
        width=98,
        initial_indent="# ",
        subsequent_indent="# ",
        break_long_words=False,
        break_on_hyphens=False,
    )


# -- the plan model --------------------------------------------------------------------------


@dataclass
class Action:
    id: str
    title: str
    lead: str
    status: str
    description: str = ""
    due: str | None = None
    progress: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)  # key -> a note on that key
    notes: list[str] = field(default_factory=list)  # notes on the whole action
    line: int = 0  # the source line, for messages


@dataclass
class Programme:
    id: str
    title: str
    kind: str = "programme"
    lead: str = ""
    description: str = ""
    notes: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


@dataclass
class Theme:
    id: str
    title: str
    prefix: str  # of its actions' ids
    description: str = ""
    programmes: list[Programme] = field(default_factory=list)

    def actions(self) -> Iterator[Action]:
        for programme in self.programmes:
            yield from programme.actions


@dataclass
class Plan:
    head: list[str]  # the comment at the top of the file
    fields: dict[str, Value]  # [plan]
    comments: dict[str, str]  # [plan] key -> note
    statuses: dict[str, dict[str, Value]]
    custom_fields: dict[str, dict[str, Value]]
    themes: list[Theme]

    def actions(self) -> Iterator[Action]:
        for theme in self.themes:
            yield from theme.actions()

    def ids(self) -> Iterator[str]:
        for theme in self.themes:
            yield theme.id
            for programme in theme.programmes:
                yield programme.id
                for action in programme.actions:
                    yield action.id


class Writer:
    """Collects the lines of a TOML file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def notes(self, notes: Iterable[str]) -> None:
        for note in notes:
            self.lines.extend(comment_lines(note))

    def header(self, name: str, array: bool = True) -> None:
        self.lines.append("")
        self.lines.append(f"[[{name}]]" if array else f"[{name}]")

    def entry(self, key: str, value: Value | None, comment: str = "") -> None:
        if value is None:
            return
        if comment and isinstance(value, Text):
            self.notes([comment])  # a multi-line value takes its note on the line above
            comment = ""
        line = f"{toml_key(key)} = {toml_value(value)}"
        self.lines.append(f"{line}  # {comment}" if comment else line)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _text(value: str) -> Text | None:
    return Text(value) if value else None


def render(plan: Plan) -> str:
    w = Writer()
    w.lines.append(SCHEMA_DIRECTIVE)
    w.notes(plan.head)
    w.header("plan", array=False)
    for key, value in plan.fields.items():
        w.entry(key, value, plan.comments.get(key, ""))
    w.header("plan.statuses", array=False)
    for key, spec in plan.statuses.items():
        w.entry(key, spec)
    if plan.custom_fields:
        w.header("plan.fields", array=False)
        for key, spec in plan.custom_fields.items():
            w.entry(key, spec)
    for theme in plan.themes:
        w.header("theme")
        w.entry("id", theme.id)
        w.entry("title", theme.title)
        w.entry("description", _text(theme.description))
        for programme in theme.programmes:
            w.header("theme.programme")
            w.notes(programme.notes)
            w.entry("id", programme.id)
            w.entry("title", programme.title)
            w.entry("kind", programme.kind if programme.kind != "programme" else None)
            w.entry("lead", programme.lead or None)
            w.entry("description", _text(programme.description))
            for action in programme.actions:
                w.header("theme.programme.action")
                w.notes(action.notes)
                c = action.comments
                w.entry("id", action.id, c.get("id", ""))
                w.entry("title", action.title, c.get("title", ""))
                w.entry("description", _text(action.description), c.get("description", ""))
                w.entry("lead", action.lead, c.get("lead", ""))  # always written, even empty
                w.entry("due", action.due, c.get("due", ""))
                w.entry("status", action.status, c.get("status", ""))
                w.entry("progress", _text(action.progress), c.get("progress", ""))
                for key, value in action.custom.items():
                    w.entry(key, value, c.get(key, ""))
    return w.text()


def check_plan(plan: Plan, source: str) -> None:
    """Checks every plan must pass: unique ids, known statuses, declared custom fields."""
    seen: Counter[str] = Counter(plan.ids())
    twice = sorted(i for i, n in seen.items() if n > 1)
    check(not twice, f"{source}: ids used more than once: {', '.join(twice)}")
    for action in plan.actions():
        check(
            action.status in plan.statuses,
            f"{source}: {action.id} has status {action.status!r}, not in the vocabulary",
        )
        for key in action.custom:
            check(key in plan.custom_fields, f"{source}: {action.id} has undeclared field {key}")


def summary(plan: Plan) -> dict[str, int]:
    programmes = [p for t in plan.themes for p in t.programmes]
    counts = {
        "themes": len(plan.themes),
        "programmes": sum(p.kind == "programme" for p in programmes),
        "project groups": sum(p.kind == "projects" for p in programmes),
        "actions": sum(1 for _ in plan.actions()),
    }
    for status in plan.statuses:
        counts[status] = sum(a.status == status for a in plan.actions())
    return counts


def check_counts(plan: Plan, source: str, expected: dict[str, int]) -> None:
    got = summary(plan)
    drift = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    check(
        not drift,
        f"{source}: the parse has drifted from the report's counts (expected, got): {drift}",
    )


# -- shared parsing helpers ------------------------------------------------------------------


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower().replace("&", " ")).strip("-")


def month_number(name: str, where: str) -> int:
    word = name.lower()
    for number, month in enumerate(MONTHS, start=1):
        if len(word) >= 3 and month.startswith(word):
            return number
    raise ConversionError(f"{where}: {name!r} is not a month")


def is_separator(cells: list[str]) -> bool:
    return any(cells) and all(re.fullmatch(r"-*", c) for c in cells)


def numbered_lines(text: str) -> Iterator[tuple[int, str, list[str]]]:
    """(line number, line, tab-separated cells) for every line of a seed."""
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line, line.split("\t")


# -- 2024-25 mid-year progress update --------------------------------------------------------

MID_YEAR_TITLE = "Blaby District Council - Corporate Action Plan 24-25 (Mid-Year Progress Update)"
VISION = "A great place to live, work and visit."
MID_YEAR_COLUMNS = ["", "Description", "Expected Completion", "Lead", "Mid-Year Progress Update"]
MID_YEAR_THEMES = {  # theme title -> (id, prefix of its actions' ids)
    "Enabling Our Communities, Especially Our Vulnerable Residents": ("communities", "COM"),
    "Enhancing & Maintaining Our Natural & Built Environments": ("environment", "ENV"),
    "Growing & Supporting our Economy": ("economy", "ECO"),
    "Keeping You Safe & Healthy": ("safe-and-healthy", "SAF"),
    "Ambitious & Well Managed Council, Valuing Our People": ("council", "ORG"),
}
STANDALONE = "Key Standalone Projects"
# Titles the PDF extraction merged into the description cell (the row has four cells).
MERGED_TITLES = ("Progress the Local Plan",)

MID_YEAR_STATUSES: dict[str, dict[str, Value]] = {
    "not-started": {"label": "Not started", "colour": "grey", "finished": False},
    "in-progress": {"label": "In progress (no RAG reported)", "colour": "cyan", "finished": False},
    "green": {"label": "On track", "colour": "green", "finished": False},
    "amber": {"label": "At risk", "colour": "amber", "finished": False},
    "red": {"label": "Off track", "colour": "red", "finished": False},
    "completed": {"label": "Completed", "colour": "blue", "finished": True},
    "carried-forward": {"label": "Carried forward", "colour": "magenta", "finished": True},
    "cancelled": {"label": "Cancelled", "colour": "grey", "finished": True},
}
MID_YEAR_EXPECTED = {
    "themes": 5,
    "programmes": 20,
    "project groups": 4,
    "actions": 44,
    "completed": 14,
    "in-progress": 30,
}
ACTIONS_PER_THEME = {"COM": 5, "ENV": 12, "ECO": 4, "SAF": 10, "ORG": 13}
# What the source is known to get wrong; a different count means the parse has drifted.
MID_YEAR_ODDITIES = {
    "missing lead": 5,
    "stray lead": 1,
    "truncated lead": 1,
    "doubled lead": 1,
    "merged title": 1,
    "split row": 1,
}


def due_month(text: str, where: str) -> str:
    """ "March-25" -> "2025-03"."""
    m = re.fullmatch(r"([A-Za-z]+)-(\d{2})", text)
    check(m is not None, f'{where}: expected completion "{text}" is not like "March-25"')
    assert m is not None
    return f"20{m.group(2)}-{month_number(m.group(1), where):02d}"


def lead_oddity(lead: str) -> tuple[str, str]:
    """(kind of oddity, note) for a lead the source gets wrong, or ("", "")."""
    if not lead:
        return "missing lead", "the source gives no lead"
    if not re.search(r"[^\W\d_]", lead):
        return "stray lead", f'the source\'s lead cell holds only "{lead}"'
    words = lead.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        return "doubled lead", "the source gives this lead twice over"
    if re.search(r"(&|,| and)$", lead):
        return "truncated lead", "looks truncated in the source"
    return "", ""


@dataclass
class SplitRow:
    """A programme row the PDF split over several lines."""

    programme: Programme
    lines: list[int]  # its source lines
    strays: list[str] = field(default_factory=list)  # fragments in its other columns, left out

    def note(self) -> str:
        text = (
            f"The PDF split this row over {len(self.lines)} lines (source lines "
            f"{self.lines[0]}-{self.lines[-1]}); its description is joined up here."
        )
        for stray in self.strays:
            text += f' A stray "{stray}" in the lead column of its last line is left out.'
        return text


class MidYearParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.themes: list[Theme] = []
        self.theme: Theme | None = None
        self.programme: Programme | None = None
        self.last: Programme | Action | None = None  # the item the last row made
        self.prefix_rows: list[tuple[int, list[str]]] = []  # fragments opening a split row
        self.splits: list[SplitRow] = []
        self.oddities: Counter[str] = Counter()

    def where(self, number: int) -> str:
        return f"{MID_YEAR_SEED} line {number}"

    def parse(self) -> list[Theme]:
        lines = list(numbered_lines(self.text))
        check(len(lines) > 3, f"{MID_YEAR_SEED}: too short to be the report")
        check(lines[0][1] == MID_YEAR_TITLE, f"{self.where(1)}: not the expected report title")
        check(lines[2][1] == VISION, f"{self.where(3)}: not the expected vision")
        for number, line, cells in lines[3:]:
            if not line.strip() or is_separator(cells):
                continue
            self.row(number, line, cells)
        check(not self.prefix_rows, f"{MID_YEAR_SEED}: a split row never ends")
        for split in self.splits:
            split.programme.notes.append(split.note())
        return self.themes

    def row(self, number: int, line: str, cells: list[str]) -> None:
        where = self.where(number)
        if len(cells) == 1:
            check(line in MID_YEAR_THEMES, f"{where}: unexpected text {line!r}")
            theme_id, prefix = MID_YEAR_THEMES[line]
            self.theme = Theme(theme_id, line, prefix)
            self.themes.append(self.theme)
            self.programme = self.last = None
            return
        check(self.theme is not None, f"{where}: a table row before the first theme")
        assert self.theme is not None
        if cells == MID_YEAR_COLUMNS:
            return
        if len(cells) == 4:
            self.merged_title_row(number, cells)
            return
        check(len(cells) == 5, f"{where}: expected 5 columns, found {len(cells)}")
        title, description, due, lead, progress = cells
        if not title:
            self.fragment(number, cells)
            return
        if title == STANDALONE:
            check(not any(cells[1:]), f"{where}: a {STANDALONE} row with more in it")
            check(not self.prefix_rows, f"{where}: a split row runs into {STANDALONE}")
            self.programme = Programme(f"{self.theme.id}-standalone", STANDALONE, kind="projects")
            self.theme.programmes.append(self.programme)
            self.last = self.programme
            return
        if not due:
            check(
                not progress and lead.startswith("Executive Director"),
                f"{where}: a row with no expected completion is not a work programme",
            )
            self.programme = Programme(slug(title), title, lead=lead, description=description)
            if self.prefix_rows:
                self.join_split_row(number, self.programme)
            self.theme.programmes.append(self.programme)
            self.last = self.programme
            return
        check(not self.prefix_rows, f"{where}: a split action row")
        self.action(number, title, description, due, lead, progress)

    def join_split_row(self, number: int, programme: Programme) -> None:
        """Puts the fragments before a programme's row in front of its description."""
        lines = [n for n, _ in self.prefix_rows]
        parts = [cells[1] for _, cells in self.prefix_rows]
        check(
            not any(c for _, cells in self.prefix_rows for c in cells[2:]),
            f"{self.where(number)}: a split row's opening fragment has more than a description",
        )
        programme.description = " ".join([*parts, programme.description])
        self.splits.append(SplitRow(programme, [*lines, number]))
        self.prefix_rows = []
        self.oddities["split row"] += 1

    def fragment(self, number: int, cells: list[str]) -> None:
        """A line of a row the PDF split over several lines, with no title of its own."""
        _, description, due, lead, progress = cells
        where = self.where(number)
        check(bool(description) and not due and not progress, f"{where}: an odd untitled row")
        if description[:1].isupper():  # opens the next row
            self.prefix_rows.append((number, cells))
            return
        # continues the row above, which must be one the converter is already joining up
        split = self.splits[-1] if self.splits else None
        check(
            split is not None and self.last is split.programme,
            f"{where}: an untitled row that continues nothing the converter joined",
        )
        assert split is not None
        split.programme.description = f"{split.programme.description} {description}"
        split.lines.append(number)
        if lead:
            split.strays.append(lead)

    def merged_title_row(self, number: int, cells: list[str]) -> None:
        merged, due, lead, progress = cells
        where = self.where(number)
        check(not is_separator(cells), where)
        titles = [t for t in MERGED_TITLES if t in merged]
        check(len(titles) == 1, f"{where}: a 4-column row with no known merged title")
        title = titles[0]
        action = self.action(number, title, merged, due, lead, progress)
        action.notes.append(
            f'The source has no title cell on this row: the PDF merged the title, "{title}", into '
            "the middle of the description. The title is taken from there; the description is "
            "kept as the source has it."
        )
        self.oddities["merged title"] += 1

    def action(
        self, number: int, title: str, description: str, due_text: str, lead: str, progress: str
    ) -> Action:
        where = self.where(number)
        theme, programme = self.theme, self.programme
        check(
            theme is not None and programme is not None, f"{where}: an action outside a programme"
        )
        assert theme is not None and programme is not None
        if due_text == "Completed":
            status, due = "completed", None
        elif due_text == "Ongoing":
            status, due = "in-progress", "ongoing"
        else:
            status, due = "in-progress", due_month(due_text, where)
        number_in_theme = sum(1 for _ in theme.actions()) + 1
        action = Action(
            id=f"{theme.prefix}-{number_in_theme:02d}",
            title=title,
            description=description,
            lead=lead,
            due=due,
            status=status,
            progress=progress,
            line=number,
        )
        oddity, note = lead_oddity(lead)
        if oddity:
            self.oddities[oddity] += 1
            action.comments["lead"] = note
        programme.actions.append(action)
        self.last = action
        return action


def convert_mid_year(text: str) -> Plan:
    parser = MidYearParser(text)
    themes = parser.parse()
    plan = Plan(
        head=[
            f"{COUNCIL}: Corporate Action Plan 2024-25, at its mid-year progress update.",
            f"Generated by tools/convert_seeds.py from seeds/{MID_YEAR_SEED} (text extracted "
            "from the council's PDF). From here on it is edited by hand or with cap: do not "
            "re-run the converter over an edited plan, as it writes the whole file afresh.",
            "The source reports no RAG status for unfinished actions, so they have the status "
            '"in-progress" until officers give them one. Odd values in the source are kept as '
            "they are, with a comment, for `cap validate` to flag.",
        ],
        fields={
            "council": COUNCIL,
            "title": "Corporate Action Plan 2024-25",
            "period": "2024-25",
            "vision": VISION,
            "reporting_point": "Mid-Year Progress Update",
            "as_of": date(2024, 11, 30),
        },
        comments={
            "as_of": "the source gives no date; the latest events it reports are in November 2024",
        },
        statuses=MID_YEAR_STATUSES,
        custom_fields={},
        themes=themes,
    )
    check_plan(plan, MID_YEAR_SEED)
    check_counts(plan, MID_YEAR_SEED, MID_YEAR_EXPECTED)
    per_theme = {t.prefix: sum(1 for _ in t.actions()) for t in themes}
    check(
        per_theme == ACTIONS_PER_THEME,
        f"{MID_YEAR_SEED}: actions per theme {per_theme}, expected {ACTIONS_PER_THEME}",
    )
    check(
        dict(parser.oddities) == MID_YEAR_ODDITIES,
        f"{MID_YEAR_SEED}: found {dict(parser.oddities)}, expected {MID_YEAR_ODDITIES}",
    )
    return plan


# -- 2023-24 closure report ------------------------------------------------------------------

CLOSURE_PAGE_HEADER = "Corporate Action Plan 2023-24 - Closure Report"
CLOSURE_COLUMNS = [
    "Project",
    "Intended Outcome",
    "Lead",
    "Current Status (at April 2024)",
    "End of Year Position (as at April 2024)",
]
CLOSURE_THEMES = {  # theme title -> (id, prefix of its actions' ids)
    "A Place to Live, Work & Visit": ("live-work-visit", "LWV"),
    "A Place to Live": ("live", "LIV"),
    "A Place to Work": ("work", "WRK"),
    "Our People & Finances": ("people-and-finances", "PAF"),
}
# The themes whose rows sit under programme headings; the others' rows are one "Projects" group.
CLOSURE_PROGRAMMES = {
    "Our People & Finances": ["People Strategy", "Medium Term Financial Strategy"]
}

CLOSURE_STATUSES: dict[str, dict[str, Value]] = {
    "ongoing": {"label": "Ongoing", "colour": "cyan", "finished": False},
    "completed": {"label": "Completed", "colour": "blue", "finished": True},
    "carried-forward": {"label": "Carried forward", "colour": "magenta", "finished": True},
}
CLOSURE_FIELDS: dict[str, dict[str, Value]] = {
    "status_text": {"label": "Status at April 2024", "type": "line"},
    "completed_on": {"label": "Completed", "type": "line"},
    "also_listed_under": {"label": "Also listed under", "type": "line"},
}
CLOSURE_EXPECTED = {
    "themes": 4,
    "programmes": 2,
    "project groups": 3,
    "actions": 24,
    "completed": 15,
    "ongoing": 8,
    "carried-forward": 1,
}
CLOSURE_ODDITIES = {
    "listed twice": 4,
    "continued row": 2,
    "lead carried": 2,
    "no end of year position": 2,
    "paragraphs": 2,
}

_M = r"([A-Za-z]+) (\d{4})"
# (pattern of the "Current Status" cell, status, due: "ongoing" or "month", note on the status)
CLOSURE_STATUS_RULES: list[tuple[str, str, str, str]] = [
    (rf"Completed {_M}", "completed", "", ""),
    (r"Ongoing", "ongoing", "ongoing", ""),
    (rf"Ongoing - Anticipated [Cc]ompletion {_M}", "ongoing", "month", ""),
    (
        rf"Carried Forward Anticipated Completion \(of Implementation Plan\) {_M}",
        "carried-forward",
        "month",
        "",
    ),
    (r"Ongoing\. [^.]+\.", "ongoing", "ongoing", ""),
    (
        rf"Completed {_M} \(Action Plan\) - Ongoing Delivery\.",
        "ongoing",
        "ongoing",
        "the action plan was completed; its delivery goes on",
    ),
]


@dataclass
class ClosureRow:
    number: int
    project: str
    outcome: str
    lead: str
    status_text: str
    position: str
    also_listed_under: list[str] = field(default_factory=list)
    lead_carried: bool = False


@dataclass
class ClosureProgramme:
    programme: Programme
    projects: list[list[ClosureRow]] = field(default_factory=list)  # each: one project's rows


def closure_status(row: ClosureRow, where: str) -> tuple[str, str | None, str, str]:
    """(status, due, completed_on, note) from the "Current Status" cell."""
    for pattern, status, due_kind, note in CLOSURE_STATUS_RULES:
        m = re.fullmatch(pattern, row.status_text)
        if m is None:
            continue
        month = ""
        if m.groups():
            month = f"{m.group(2)}-{month_number(m.group(1), where):02d}"
        due = {"": None, "ongoing": "ongoing", "month": month}[due_kind]
        completed_on = month if status == "completed" else ""
        return status, due, completed_on, note
    raise ConversionError(f"{where}: unknown status {row.status_text!r}")


def closure_paragraphs(text: str, where: str) -> tuple[str, bool]:
    """The end of year position with <p> ... </p> turned into paragraphs (blank-line apart)."""
    if "<p>" not in text and "</p>" not in text:
        return text, False
    paragraphs = re.findall(r"<p>(.*?)</p>", text)
    check(
        re.fullmatch(r"(\s*<p>.*?</p>)+\s*", text) is not None and all(paragraphs),
        f"{where}: unexpected markup in {text[:60]!r}",
    )
    return "\n\n".join(p.strip() for p in paragraphs), True


class ClosureParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.themes: list[Theme] = []
        self.groups: dict[str, list[ClosureProgramme]] = {}  # theme id -> its programmes
        self.theme: Theme | None = None
        self.expect_theme = False
        self.seen: dict[tuple[str, ...], tuple[Theme, ClosureRow]] = {}
        self.oddities: Counter[str] = Counter()

    def where(self, number: int) -> str:
        return f"{CLOSURE_SEED} line {number}"

    def parse(self) -> list[Theme]:
        lines = list(numbered_lines(self.text))
        starts = [n for n, line, _ in lines if line == CLOSURE_PAGE_HEADER]
        check(bool(starts), f"{CLOSURE_SEED}: no page headed {CLOSURE_PAGE_HEADER!r}")
        for number, line, cells in lines[starts[0] - 1 :]:
            if line.strip():
                self.row(number, line, cells)
        return self.themes

    def set_theme(self, title: str, where: str) -> None:
        check(title in CLOSURE_THEMES, f"{where}: unknown theme {title!r}")
        self.expect_theme = False
        if self.theme is not None and self.theme.title == title:
            return  # the same theme, repeated at the top of a page
        check(all(t.title != title for t in self.themes), f"{where}: {title!r} comes back")
        theme_id, prefix = CLOSURE_THEMES[title]
        self.theme = Theme(theme_id, title, prefix)
        self.themes.append(self.theme)
        self.groups[theme_id] = []

    def row(self, number: int, line: str, cells: list[str]) -> None:
        where = self.where(number)
        if cells[0] == CLOSURE_PAGE_HEADER:
            rest = [c for c in cells[1:] if c]
            check(len(rest) <= 1, f"{where}: an odd page header")
            if rest:  # the extraction put the theme on the header's line
                self.set_theme(rest[0], where)
            else:
                self.expect_theme = True
            return
        if len(cells) == 1:
            check(self.expect_theme, f"{where}: unexpected text {line!r}")
            self.set_theme(line, where)
            return
        check(not self.expect_theme and self.theme is not None, f"{where}: a row before a theme")
        assert self.theme is not None
        if cells == CLOSURE_COLUMNS:
            return
        check(len(cells) == 5, f"{where}: expected 5 columns, found {len(cells)}")
        groups = self.groups[self.theme.id]
        if cells[0] and not any(cells[1:]):
            named = CLOSURE_PROGRAMMES.get(self.theme.title, [])
            check(cells[0] in named, f"{where}: unexpected programme heading {cells[0]!r}")
            check(
                all(g.programme.kind == "programme" for g in groups),
                f"{where}: a programme heading after rows of projects",
            )
            groups.append(ClosureProgramme(Programme(slug(cells[0]), cells[0])))
            return
        if not groups:
            check(self.theme.title not in CLOSURE_PROGRAMMES, f"{where}: a row before a heading")
            groups.append(
                ClosureProgramme(Programme(f"{self.theme.id}-projects", "Projects", "projects"))
            )
        self.data_row(number, cells, groups[-1])

    def data_row(self, number: int, cells: list[str], group: ClosureProgramme) -> None:
        assert self.theme is not None
        where = self.where(number)
        key = tuple(cells)
        if key in self.seen:
            first_theme, first = self.seen[key]
            check(first_theme is not self.theme, f"{where}: a row repeated within its theme")
            first.also_listed_under.append(self.theme.title)
            self.oddities["listed twice"] += 1
            return
        project, outcome, lead, status_text, position = cells
        check(bool(outcome) and bool(status_text), f"{where}: a row with no outcome or status")
        row = ClosureRow(number, project, outcome, lead, status_text, position)
        self.seen[key] = (self.theme, row)
        previous = group.projects[-1][-1] if group.projects else None
        if not project:  # the project cell spans several rows in the PDF
            check(previous is not None, f"{where}: a continued row with no project above")
            assert previous is not None
            row.project = previous.project
            self.oddities["continued row"] += 1
            if not lead:
                row.lead, row.lead_carried = previous.lead, True
                self.oddities["lead carried"] += 1
            group.projects[-1].append(row)
        elif previous is not None and project == previous.project:
            group.projects[-1].append(row)  # the same project, outcome by outcome
        else:
            group.projects.append([row])

    def build(self) -> None:
        """Numbers the projects and makes the actions."""
        for theme in self.themes:
            number = 0
            for group in self.groups[theme.id]:
                theme.programmes.append(group.programme)
                for rows in group.projects:
                    number += 1
                    for i, row in enumerate(rows):
                        suffix = string.ascii_lowercase[i] if len(rows) > 1 else ""
                        action = self.action(f"{theme.prefix}-{number:02d}{suffix}", row)
                        group.programme.actions.append(action)

    def action(self, action_id: str, row: ClosureRow) -> Action:
        where = self.where(row.number)
        status, due, completed_on, note = closure_status(row, where)
        progress, paragraphs = closure_paragraphs(row.position, where)
        if paragraphs:
            self.oddities["paragraphs"] += 1
        if not progress:
            self.oddities["no end of year position"] += 1
        action = Action(
            action_id, row.project, row.lead, status, row.outcome, due, progress, line=row.number
        )
        action.custom["status_text"] = row.status_text
        if completed_on:
            action.custom["completed_on"] = completed_on
        if row.also_listed_under:
            action.custom["also_listed_under"] = "; ".join(row.also_listed_under)
        if note:
            action.comments["status"] = note
        if due == "ongoing" and row.status_text != "Ongoing":
            action.comments["due"] = "the source gives no anticipated completion"
        if row.lead_carried:
            action.comments["lead"] = "empty on this row in the source: the project's lead"
        return action


def convert_closure(text: str) -> Plan:
    parser = ClosureParser(text)
    themes = parser.parse()
    parser.build()
    shared = [(t.title, a) for t in themes for a in t.actions() if "also_listed_under" in a.custom]
    homes = " and ".join(sorted({title for title, _ in shared}))
    for theme in themes:
        if any(True for _ in theme.actions()):
            continue
        # A theme all of whose rows the report also lists under an earlier theme.
        check(
            bool(shared) and all(a.custom["also_listed_under"] == theme.title for _, a in shared),
            f"{CLOSURE_SEED}: {theme.title} has no rows of its own",
        )
        theme.programmes[0].description = (
            f"The closure report lists {len(shared)} projects under {theme.title}, each of them "
            f"also listed, word for word, under {homes}. This plan keeps each project once, "
            f'under {homes}, with also_listed_under = "{theme.title}".'
        )
    plan = Plan(
        head=[
            f"{COUNCIL}: Corporate Action Plan 2023-24, closure report (position at April 2024).",
            f"Generated by tools/convert_seeds.py from seeds/{CLOSURE_SEED} (text extracted "
            "from the council's PDF). From here on it is edited by hand or with cap: do not "
            "re-run the converter over an edited plan, as it writes the whole file afresh.",
            "Each row of the report is one action: title = the project, description = the "
            "intended outcome, progress = the end of year position; status_text keeps the "
            "report's own status words. A project with several outcome rows has one action per "
            "row (ids with a, b, c).",
        ],
        fields={
            "council": COUNCIL,
            "title": "Corporate Action Plan 2023-24",
            "period": "2023-24",
            "reporting_point": "Closure Report",
            "as_of": date(2024, 4, 30),
        },
        comments={"as_of": 'the report gives each position "at April 2024": the end of that month'},
        statuses=CLOSURE_STATUSES,
        custom_fields=CLOSURE_FIELDS,
        themes=themes,
    )
    check_plan(plan, CLOSURE_SEED)
    check_counts(plan, CLOSURE_SEED, CLOSURE_EXPECTED)
    check(
        dict(parser.oddities) == CLOSURE_ODDITIES,
        f"{CLOSURE_SEED}: found {dict(parser.oddities)}, expected {CLOSURE_ODDITIES}",
    )
    return plan


# -- command line ----------------------------------------------------------------------------


def read_seed(path: Path) -> str:
    text = path.read_bytes().decode("utf-8")
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def convert_all(seeds_dir: Path) -> dict[str, tuple[str, Plan]]:
    """Plan file name -> (its text, the plan)."""
    out: dict[str, tuple[str, Plan]] = {}
    for seed, name, convert in (
        (MID_YEAR_SEED, MID_YEAR_PLAN, convert_mid_year),
        (CLOSURE_SEED, CLOSURE_PLAN, convert_closure),
    ):
        plan = convert(read_seed(seeds_dir / seed))
        out[name] = (render(plan), plan)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Convert the Blaby seed texts into cap plan files."
    )
    parser.add_argument(
        "seeds_dir",
        nargs="?",
        type=Path,
        default=DEFAULT_SEEDS,
        help=f"where the seed texts are (default: {DEFAULT_SEEDS})",
    )
    parser.add_argument(
        "out_dir",
        nargs="?",
        type=Path,
        default=DEFAULT_OUT,
        help=f"where to write the plans (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite plan files that differ from the converter's output "
        "(for example, plans edited since they were generated)",
    )
    args = parser.parse_args(argv)
    try:
        outputs = convert_all(args.seeds_dir)
    except (ConversionError, OSError, UnicodeDecodeError) as exc:
        print(f"convert_seeds: {exc}", file=sys.stderr)
        return 1
    if not args.force:
        changed = [
            args.out_dir / name
            for name, (text, _) in outputs.items()
            if (args.out_dir / name).exists()
            and (args.out_dir / name).read_bytes() != text.encode("utf-8")
        ]
        if changed:
            for path in changed:
                print(
                    f"convert_seeds: {path} differs from what the converter writes "
                    "(edited since?); not overwriting it",
                    file=sys.stderr,
                )
            print("convert_seeds: pass --force to overwrite; nothing was written", file=sys.stderr)
            return 1
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, (text, plan) in outputs.items():
        path = args.out_dir / name
        path.write_bytes(text.encode("utf-8"))
        counts = ", ".join(f"{k} {v}" for k, v in summary(plan).items())
        print(f"wrote {path}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
