"""`cap report --format csv`: one row per action with every field, for a spreadsheet.

UTF-8 with a byte-order mark (so Excel reads it as UTF-8), a header row of labels. A cell that a
spreadsheet would take as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
return) gets a leading `'`, and control characters are shown as escapes: a plan's text stays
text.
"""

from __future__ import annotations

import csv
import io

from ..core.model import value_text
from ..core.report import ReportData, extra_keys
from ..core.sheets import FORMULA_START
from .report_style import due_within_label, visible

BOM = "\ufeff"


def cell(value: object) -> str:
    """A value as a spreadsheet cell that cannot be a formula."""
    text = visible(value if isinstance(value, str) else value_text(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def render_csv(data: ReportData) -> str:
    """The report's actions as CSV text, the byte-order mark first."""
    rows = data.actions()
    extra = extra_keys(rows, data.custom_fields)
    header = ["Theme id", "Theme", "Programme id", "Programme", "Programme lead", "Ref",
              "Action", "Description", "Expected completion", "Due by", "Lead", "Status",
              "Status key", "Finished", "Overdue", due_within_label(data), "Progress update",
              "Next steps"]
    header += [f.label for f in data.custom_fields] + extra
    if data.exceptions is not None:
        header.append("Why listed")
    if data.since is not None:
        header += [f"Changes since {data.since.rev}",
                   f"Progress update not rewritten since {data.since.rev}"]
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for a in rows:
        node = a.node
        theme, programme = node.theme, node.programme
        status = node.data.get("status")
        line: list[object] = [
            theme.id if theme else "", a.theme_title, programme.id if programme else "",
            a.programme_title, programme.text("lead") if programme else "", a.id, a.title,
            a.description, a.due, a.due_by, a.lead, a.status.label,
            status if isinstance(status, str) else value_text(status), _yes(a.finished),
            _yes(a.overdue), _yes(a.due_soon), a.progress, a.next_steps,
        ]
        line += [node.data.get(f.key) for f in data.custom_fields]
        line += [node.data.get(k) for k in extra]
        if data.exceptions is not None:
            line.append("; ".join(a.reasons))
        if data.since is not None:
            line += ["; ".join(a.changes), _yes(a.stale)]
        writer.writerow([cell(v) for v in line])
    return out.getvalue()
