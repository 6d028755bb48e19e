"""`cap request --format csv`: one lead's return sheet as the Updates table alone.

UTF-8 with a byte-order mark, comma separated, the contract's header row, then one row per
action: the plan's current values, the new columns blank. Every cell goes through
`report_csv.cell`, so text a spreadsheet would take as a formula gets a leading `'` (which
`cap import` strips again) and control characters are shown as escapes.
"""

from __future__ import annotations

import csv
import io

from ..core.request import LeadSheet, Request
from .report_csv import BOM, cell


def render_request_csv(request: Request, sheet: LeadSheet) -> str:
    """The sheet as CSV text, the byte-order mark first."""
    columns = request.columns
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in columns])
    for row in sheet.rows:
        given = [cell(v) for v in row.values()]
        writer.writerow(given + [""] * (len(columns) - len(given)))
    return out.getvalue()
