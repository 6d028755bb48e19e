"""`cap report --format html`: one self-contained page, for the screen and for A4 paper.

Jinja2 (imported here only, so `cap status` never pays for it) with autoescape on: every value
from the plan is escaped, and the `line` and `paras` filters also show control characters as
visible escapes. CSS and the chart (SVG) are inline; there is no script and nothing is fetched
(a Content-Security-Policy says so to the browser as well).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.report import ReportData
from .report_style import (
    BAND_FILL,
    HEADER_FILL,
    bar_segments,
    due_within_label,
    fill,
    group_heading,
    one_line,
    paragraphs,
    percent,
    reporting_heading,
    row_lines,
    status_note,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_WIDTH = 1000
ROW_HEIGHT = 46


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(line=one_line, paras=paragraphs, fill=fill, status_note=status_note,
                       row_lines=row_lines)
    return env


def chart(data: ReportData) -> dict[str, Any] | None:
    """The picture's geometry: a bar per theme (or lead) split by status, in SVG units."""
    if not data.overall.total:
        return None
    keys = [st.key for st in data.statuses]
    labels = {st.key: st.label for st in data.statuses}
    colours = {st.key: st.colour for st in data.statuses}
    rows = []
    groups = [(data.overall, True)] + [(g, False) for g in data.groups if g.total]
    for i, (g, bold) in enumerate(groups):
        x = 0.0
        segments = []
        for key, n, _cells in bar_segments(g.by_status, keys, 1000):
            w = CHART_WIDTH * n / g.total
            segments.append({"x": round(x, 2), "w": round(w, 2), "n": n, "label": labels[key],
                             "colour": colours[key]})
            x += w
        rows.append({"y": i * ROW_HEIGHT, "name": g.name, "total": g.total, "bold": bold,
                     "segments": segments})
    return {"width": CHART_WIDTH, "height": len(rows) * ROW_HEIGHT, "rows": rows}


def render_html(data: ReportData) -> str:
    """The report as one HTML document."""
    template = _environment().get_template("report.html.j2")
    return str(template.render(
        r=data,
        chart=chart(data),
        pct=percent,
        due_within=due_within_label(data),
        group_heading=group_heading(data),
        progress_heading=reporting_heading(data),
        header_fill=HEADER_FILL,
        band_fill=BAND_FILL,
        name_width=24 if len(data.statuses) > 6 else 30,
    ))
