"""What every format of `cap report` shares: the status colours, the columns, visible text.

Colours come from cap's fixed palette, looked up by the plan's colour *name*; a plan's own text
never reaches a style attribute. Each colour is light enough for black text on it, and a status
is always shown with its label as well.
"""

from __future__ import annotations

import re

from ..core.report import ActionRow, ReportData
from ..core.summary import percent as percent  # the one rounding (report_html uses it too)
from .terminal import plural, safe

# fill colours (hex RGB) for a status, by the plan's colour name
PALETTE = {
    "green": "A9D18E",
    "amber": "FFC000",
    "yellow": "FFE699",
    "red": "F08080",
    "blue": "9DC3E6",
    "grey": "D0CECE",
    "magenta": "DDA0DD",
    "cyan": "A5E3EE",
}
NO_FILL = "FFFFFF"
HEADER_FILL = "1F3864"  # table headings: dark blue, white text
BAND_FILL = "D9E2F3"  # programme and total rows

# XML 1.0 cannot hold these at all (python-docx raises on them): shown as escapes instead
_NOT_XML = re.compile("[\ufffe\uffff]")


def fill(colour: str) -> str:
    return PALETTE.get(colour, NO_FILL)


def visible(text: str) -> str:
    """Plan text with every control character shown as an escape (`\\x1b`, `\\u202e`), line
    breaks and tabs kept: safe for a terminal, a web page, an XML document and a spreadsheet."""
    text = text.replace("\r\n", "\n")
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", safe(text, one_line=False))


def one_line(text: str) -> str:
    """Visible text on one line (line breaks and tabs become spaces)."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", " ".join(safe(text).split()))


def paragraphs(text: str) -> list[str]:
    """A multi-line value as its paragraphs (one per line in the plan), visible, none empty."""
    return [p for p in (" ".join(line.split()) for line in visible(text).split("\n")) if p]


def status_note(row: ActionRow) -> str:
    """What the status cell says under the label: overdue or due soon."""
    if row.overdue:
        return "Overdue"
    if row.due_soon:
        return "Due soon"
    return ""


def due_within_label(data: ReportData) -> str:
    return f"Due within {plural(data.due_within, 'day')}"


def headline(data: ReportData) -> str:
    """The summary's one line: `8 actions · 1 finished (13%) · 2 overdue · 1 due within 30
    days`, its percentage rounded as `cap status` rounds it (core.summary.percent)."""
    o = data.overall
    return (f"{plural(o.total, 'action')} · {o.finished} finished "
            f"({percent(o.finished, o.total)}%) · {o.overdue} overdue · {o.due_soon} "
            f"{due_within_label(data).lower()}")


def reporting_heading(data: ReportData) -> str:
    """The progress column's heading, as the seed writes it: "Mid-Year Progress Update"."""
    point = one_line(data.reporting_point)
    if not point:
        return "Progress update"
    return point if "update" in point.lower() or "position" in point.lower() else (
        f"Progress update ({point})")


def group_heading(data: ReportData) -> str:
    return "Theme" if data.group_by == "theme" else "Lead"


def bar_segments(counts: dict[str, int], keys: list[str], units: int) -> list[tuple[str, int,
                                                                                   int]]:
    """A bar of `units` cells split by status: (key, count, cells), every non-zero count at least
    one cell, the cells adding up to `units` (largest remainders first)."""
    total = sum(counts.get(k, 0) for k in keys)
    present = [(k, counts.get(k, 0)) for k in keys if counts.get(k, 0)]
    if not total or not present:
        return []
    units = max(units, len(present))
    exact = [units * n / total for _, n in present]
    cells = [max(1, int(x)) for x in exact]
    while sum(cells) > units:
        shrinkable = [j for j in range(len(cells)) if cells[j] > 1]
        i = max(shrinkable, key=lambda j: (cells[j] - exact[j], cells[j]))
        cells[i] -= 1
    order = sorted(range(len(cells)), key=lambda j: exact[j] - cells[j], reverse=True)
    i = 0
    while sum(cells) < units:
        cells[order[i % len(order)]] += 1
        i += 1
    return [(k, n, c) for (k, n), c in zip(present, cells, strict=True)]


def row_lines(a: ActionRow) -> float:
    """About how many lines an action's table row takes on an A4 landscape page (its longest
    column): a row that surely fits on a page is kept whole; a longer one must be let split."""
    action_lines = (len(a.title) + len(a.description)) / 45 + len(a.custom) * 1.5 + 3
    progress_lines = (len(a.progress) + len(a.next_steps)) / 95 + 4
    return max(action_lines, progress_lines)
