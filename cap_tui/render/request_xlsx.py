"""`cap request`: one lead's return sheet as an Excel workbook (XlsxWriter, imported lazily).

Two sheets. "Updates" (first and active): the contract's header row, frozen; one row per action;
the plan's current values grey and locked, the columns to fill in yellow and unlocked (the sheet
is protected without a password: guidance, not security); New status a drop-down of the plan's
own labels; dates as dates; text wrapped; printed landscape, fit to the page width, the header
repeated. "Instructions": who it is for, the plan, what to fill in, the statuses (label, and
whether it counts as finished: said once above the table), and where to send it back.

Plan text is always written as a string (never a formula, a number or a link) with the
characters XML cannot hold shown as escapes (`\\x1b`); line breaks, tabs and other text as is.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from ..core.report import long_date
from ..core.request import GIVEN, NEW_PREFIX, LeadSheet, Request
from ..core.vocab import FieldSpec
from .report_style import HEADER_FILL
from .terminal import visible_char

UPDATES = "Updates"
INSTRUCTIONS = "Instructions"
DATE_FORMAT = "d mmm yyyy"
GIVEN_FILL = "F2F2F2"  # the plan as it stands: read only
ASKED_FILL = "FFF2CC"  # to fill in
WIDTHS = (9, 18, 18, 30, 16, 12, 14, 50, 16, 12, 50, 30)  # the contract's columns
FIELD_WIDTH = 16  # a custom field's column
LINE_HEIGHT = 15  # points: a line of 11-point Calibri
MAX_HEIGHT = 409  # points: the tallest row a spreadsheet allows
LABEL_WIDTH, NOTE_WIDTH = 30, 90  # the Instructions sheet's two columns
CHARS_PER_WIDTH = 1.15  # text characters a unit of column width holds, about
# XML 1.0 cannot hold C0 controls other than tab, LF and CR, nor U+FFFE/U+FFFF (nor surrogates)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
DUE_HELP = ('A date, such as 31/03/2026. Type ongoing for work with no end date, or a month '
            "with an apostrophe first, such as '2026-03. Blank: no change.")
FINISHED_NOTE = ("A finished status means the action needs no more work in this plan (it "
                 "cannot be overdue); any other status means it is still being delivered.")
STATUS_ERROR = ("Choose one of the statuses in the list: the Instructions sheet lists them, with "
                "which of them count as finished.")


def row_height(cells: list[tuple[str, float]]) -> float:
    """About the height a row of wrapped `(text, column width)` cells needs, in points:
    spreadsheets do not grow a row written by a program to fit its text."""
    lines = 1
    for value, width in cells:
        per_line = max(int(width * CHARS_PER_WIDTH), 1)
        lines = max(lines, sum(-(-len(line) // per_line) or 1 for line in value.split("\n")))
    return min(lines * LINE_HEIGHT + 2, MAX_HEIGHT)


def text(value: str) -> str:
    """Plan text as an xlsx cell holds it: what XML cannot hold shown as an escape."""
    return _NOT_XML.sub(lambda m: visible_char(m.group(0)) or f"\\u{ord(m.group(0)):04x}", value)


def render_request_xlsx(request: Request, sheet: LeadSheet) -> bytes:
    """The workbook for one lead, as the bytes of an .xlsx file."""
    import xlsxwriter  # type: ignore[import-untyped]  # it ships no type hints

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    formats = _Formats(book)
    updates = book.add_worksheet(UPDATES)
    instructions = book.add_worksheet(INSTRUCTIONS)
    lists = _write_instructions(instructions, formats, request, sheet)
    _write_updates(updates, formats, request, sheet, lists)
    updates.activate()
    book.set_properties({
        "title": text(request.title),
        "subject": text(f"{_point(request)}: progress update request for {_who(sheet)}"),
        "company": text(request.council),
        "comments": "Made by cap request: fill in the yellow columns of the Updates sheet.",
    })
    book.close()
    return buffer.getvalue()


class _Formats:
    """The cell formats of a request workbook."""

    def __init__(self, book: Any) -> None:
        base = {"text_wrap": True, "valign": "top", "border": 1, "border_color": "BFBFBF"}
        self.header = book.add_format({**base, "bold": True, "font_color": "FFFFFF",
                                       "bg_color": HEADER_FILL})
        self.given = book.add_format({**base, "bg_color": GIVEN_FILL})
        self.given_date = book.add_format({**base, "bg_color": GIVEN_FILL,
                                           "num_format": DATE_FORMAT, "align": "left"})
        self.asked = book.add_format({**base, "bg_color": ASKED_FILL, "locked": False})
        self.asked_date = book.add_format({**base, "bg_color": ASKED_FILL, "locked": False,
                                           "num_format": DATE_FORMAT, "align": "left"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.heading = book.add_format({"bold": True, "font_size": 12})
        self.label = book.add_format({"bold": True, "valign": "top", "text_wrap": True})
        self.wrap = book.add_format({"valign": "top", "text_wrap": True})


# -- Updates -----------------------------------------------------------------------------------
def _write_updates(ws: Any, f: _Formats, request: Request, sheet: LeadSheet,
                   lists: dict[str, str]) -> None:
    columns = request.columns
    last_row, last_col = max(len(sheet.rows), 1), len(columns) - 1
    for col, heading in enumerate(columns):
        ws.set_column(col, col, _width(col))
        ws.write_string(0, col, text(heading), f.header)
    widths = [_width(col) for col in range(len(columns))]
    ws.set_row(0, row_height([(h, w) for h, w in zip(columns, widths, strict=True)]))
    for r, row in enumerate(sheet.rows, start=1):
        values = row.values()
        for col, value in enumerate(values):
            if isinstance(value, date):
                ws.write_datetime(r, col, value, f.given_date)
            elif value:
                ws.write_string(r, col, text(value), f.given)
            else:
                ws.write_blank(r, col, None, f.given)
        ws.set_row(r, row_height([(v, w) for v, w in zip(values, widths, strict=False)
                                  if isinstance(v, str)]))
        for col in range(GIVEN, len(columns)):
            ws.write_blank(r, col, None, f.asked_date if _is_date(request, col) else f.asked)
    _validations(ws, request, lists, last_row)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last_row, last_col)
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True})
    _print_setup(ws)
    ws.repeat_rows(0)


def _width(col: int) -> int:
    return WIDTHS[col] if col < len(WIDTHS) else FIELD_WIDTH


def _is_date(request: Request, col: int) -> bool:
    name = request.columns[col]
    return name == "New expected completion" or any(
        name == NEW_PREFIX + fs.label and fs.type == "date" for fs in request.fields)


def _validations(ws: Any, request: Request, lists: dict[str, str], last_row: int) -> None:
    """The drop-downs and hints of the columns to fill in."""
    columns = request.columns

    def add(name: str, options: dict[str, Any]) -> None:
        col = columns.index(name)
        ws.data_validation(1, col, last_row, col, options)

    add("New status", {"validate": "list", "source": lists["status"],
                       "error_title": "Not a status of this plan", "error_message": STATUS_ERROR,
                       "input_title": "New status", "input_message": "Choose from the list."})
    add("New expected completion", {"validate": "any", "input_title": "New expected completion",
                                    "input_message": DUE_HELP})
    for spec in request.fields:
        options = _field_validation(spec, lists)
        if options is not None:
            add(NEW_PREFIX + spec.label, options)


def _field_validation(spec: FieldSpec, lists: dict[str, str]) -> dict[str, Any] | None:
    title = {"error_title": "Not a value of this field"}
    if spec.type == "choice" and spec.key in lists:
        return {**title, "validate": "list", "source": lists[spec.key],
                "error_message": "Choose from the list (the Instructions sheet lists it)."}
    if spec.type == "number":
        return {**title, "validate": "decimal", "criteria": "between", "minimum": -1e15,
                "maximum": 1e15, "error_message": "Type a number, such as 1250 or 99.50."}
    if spec.type == "date":
        return {**title, "validate": "date", "criteria": "between",
                "minimum": date(1900, 1, 1), "maximum": date(9999, 12, 31),
                "error_message": "Type a date, such as 31/03/2026."}
    return None


def _print_setup(ws: Any) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&LPage &P of &N&R&A")


# -- Instructions ------------------------------------------------------------------------------
def _write_instructions(ws: Any, f: _Formats, request: Request,
                        sheet: LeadSheet) -> dict[str, str]:
    """The Instructions sheet; the ranges of its lists, by key ("status", a choice field's key),
    for the drop-downs of the Updates sheet."""
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, 1, NOTE_WIDTH)
    lines = _Lines(ws, f)
    lines.title("Progress update request")
    lines.pair("For", _who(sheet))
    lines.pair("Plan", _plan_name(request))
    lines.pair("Reporting point", _point(request))
    lines.pair("As of", long_date(request.as_of) if request.as_of else "")
    lines.pair("Actions", f"{len(sheet.rows)} on the Updates sheet, one row each")
    lines.heading("What to fill in")
    for label, help_text in _asked(request):
        lines.pair(label, help_text)
    lines.heading("Statuses")
    lines.note(FINISHED_NOTE)
    lists = {"status": lines.table(("Status", "Finished?"),
                                   [(s.label, "Yes" if s.finished else "No")
                                    for s in request.statuses])}
    for spec in request.fields:
        if spec.type == "choice" and spec.choices:
            lines.heading(text(f"Choices for {spec.label}"))
            lists[spec.key] = lines.table(("Choice", ""), [(c, "") for c in spec.choices])
    lines.heading("When you have finished")
    lines.note("Save the workbook and send it back to the officer who sent it to you. Please "
               "keep the sheets, the column headings and the ID column as they are: cap reads "
               "the workbook back into the plan by them.")
    ws.protect("", {"format_columns": True, "format_rows": True})
    _print_setup(ws)
    return lists


def _asked(request: Request) -> list[tuple[str, str]]:
    """What each column to fill in asks for."""
    when = f" at {long_date(request.as_of)}" if request.as_of else ""
    rows = [
        ("Columns", "The grey columns show the plan as it stands. Fill in the yellow ones. A "
         "blank cell changes nothing: the plan keeps what it says."),
        ("New status", "Choose from the list: the statuses are below, with which of them count "
         "as finished."),
        ("New expected completion", "A date, such as 31/03/2026. Type ongoing (as text) for "
         "work with no end date. For a month, type an apostrophe first, such as '2026-03, so "
         "that it stays a month."),
        ("New progress update", f"Where the action stands{when}. It replaces the current "
         "update, so write it in full."),
        ("Next steps", "What happens next, and when."),
    ]
    kinds = {"number": "a number", "date": "a date, such as 31/03/2026",
             "choice": "one of its choices, listed below", "text": "text", "line": "one line"}
    rows += [(NEW_PREFIX + s.label, f"{s.label}: {kinds.get(s.type, 'text')}.")
             for s in request.fields]
    return rows


def _plan_name(request: Request) -> str:
    name = f"{request.council}: {request.title}" if request.council else request.title
    return f"{name} ({request.period})" if request.period else name


def _who(sheet: LeadSheet) -> str:
    return sheet.lead or "Actions with no lead in the plan: find a lead for each"


def _point(request: Request) -> str:
    return request.reporting_point or "Progress update"


class _Lines:
    """Writes the Instructions sheet a row at a time."""

    def __init__(self, ws: Any, f: _Formats) -> None:
        self.ws, self.f, self.row = ws, f, 0

    def title(self, value: str) -> None:
        self.ws.write_string(self.row, 0, value, self.f.title)
        self.row += 2

    def heading(self, value: str) -> None:
        self.row += 1
        self.ws.write_string(self.row, 0, value, self.f.heading)
        self.row += 1

    def pair(self, label: str, value: str) -> None:
        label, value = text(label), text(value)
        self.ws.write_string(self.row, 0, label, self.f.label)
        self.ws.write_string(self.row, 1, value, self.f.wrap)
        self.ws.set_row(self.row, row_height([(label, LABEL_WIDTH), (value, NOTE_WIDTH)]))
        self.row += 1

    def note(self, value: str) -> None:
        self.ws.merge_range(self.row, 0, self.row, 1, "", self.f.wrap)
        self.ws.write_string(self.row, 0, value, self.f.wrap)
        self.ws.set_row(self.row, row_height([(value, LABEL_WIDTH + NOTE_WIDTH)]))
        self.row += 1

    def table(self, header: tuple[str, str], rows: list[tuple[str, str]]) -> str:
        """A header row and the rows; the absolute range of the rows' first column."""
        self.ws.write_string(self.row, 0, header[0], self.f.header)
        self.ws.write_string(self.row, 1, header[1], self.f.header)
        self.row += 1
        first = self.row
        for a, b in rows:
            self.pair(a, b)
        return f"={INSTRUCTIONS}!$A${first + 1}:$A${self.row}"
