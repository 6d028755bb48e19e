"""Reading a spreadsheet (csv, xlsx, xls, ods) into a table of rows, with its pitfalls handled.

A returned sheet comes back however the lead's spreadsheet saved it: a csv with Excel's UTF-8
byte-order mark, or in Windows-1252, separated by semicolons (a European Excel) or tabs, with
line breaks inside quoted cells; a workbook with blank rows, a title above the header row, or an
"Instructions" sheet beside the "Updates" one. `read_table` gives the header row's columns and
every non-blank row under it, each with the row number a spreadsheet shows, so that an error can
name the file, the sheet, the row and the column.

Cells are as the reader gives them: text from a csv (a leading `'` that kept a formula-looking
text from being a formula taken off); text, numbers (floats), booleans and dates from a workbook.
python-calamine is imported only when a workbook is read.

python-calamine gives a formula cell's cached value (or nothing, for a formula no spreadsheet has
computed yet) and cannot say it was a formula, so an xlsx's formula cells are found in the
sheet's own XML (`Table.formulas`) for `cap import` to refuse: a value is typed, never computed.
Other workbook formats (.xls, .xlsb, .ods) are read without that check.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import zipfile

Cell = str | int | float | bool | date | datetime | time | timedelta

# A text starting with one of these is a formula to a spreadsheet: a csv writer puts a `'`
# before it (render/report_csv.py `cell`), and a reader takes exactly that one `'` off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
UPDATES_SHEET = "Updates"  # the sheet `cap request` writes the rows in
HEADER_SEARCH = 20  # rows looked through for the header row (a title may sit above it)
_DELIMITERS = (",", ";", "\t")


class SheetError(Exception):
    """A file that cannot be read as a table: the message names the file and says why."""


class Column(NamedTuple):
    """One column of the header row."""

    pos: int  # from 0: column A is 0
    header: str  # the header cell's text, spaces at its ends taken off

    @property
    def letter(self) -> str:
        return column_letter(self.pos)


class Row(NamedTuple):
    """One non-blank row under the header row."""

    number: int  # the row number a spreadsheet shows (the header row is usually 1)
    cells: tuple[Cell, ...]  # one per column of the table (the header row's), "" when blank

    def cell(self, column: Column) -> Cell:
        return self.cells[column.pos]  # every row has a cell for each column


class Table(NamedTuple):
    """A sheet read: where it came from, its header row's columns and its rows."""

    path: str
    sheet: str  # the worksheet's name; "" for a csv
    header_row: int
    columns: list[Column]
    rows: list[Row]
    formulas: frozenset[tuple[int, int]] = frozenset()  # (row number, column pos) of formulas

    def where(self, row: int | None = None, column: Column | None = None) -> str:
        """`returns.xlsx: sheet Updates, row 7, column D "New status"` (csv: no sheet)."""
        parts = [f"sheet {self.sheet}"] if self.sheet else []
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f'column {column.letter} "{column.header}"')
        return f"{self.path}: " + ", ".join(parts) if parts else self.path


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column's name in a spreadsheet."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def is_blank(cell: Cell) -> bool:
    return isinstance(cell, str) and not cell.strip()


HeaderTest = Callable[[Sequence[str]], bool]


def read_table(path: str, is_header: HeaderTest | None = None) -> Table:
    """The table in a csv or workbook file. `is_header` tells the header row among the first
    rows (a title row may sit above it); without it, or when no row passes, the first non-blank
    row is the header. Raises SheetError for a file that cannot be read."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SheetError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    if p.suffix.lower() in WORKBOOK_SUFFIXES or _looks_like_workbook(raw):
        sheet, grid = _read_workbook(path, is_header)
        formulas = formula_cells(path, sheet)
    else:
        sheet, grid, formulas = "", _read_csv(path, raw), frozenset()
    return _table(path, sheet, grid, is_header)._replace(formulas=formulas)


def _looks_like_workbook(raw: bytes) -> bool:
    """A zip (xlsx, ods) or an OLE file (xls), whatever its name says."""
    return raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


# -- csv -------------------------------------------------------------------------------------------
def _read_csv(path: str, raw: bytes) -> list[list[Cell]]:
    text = _decode(path, raw)
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [[_csv_cell(c) for c in record] for record in reader]
    except csv.Error as exc:
        raise SheetError(f"{path}: row {reader.line_num}: not a csv cap can read ({exc})") from None


def _decode(path: str, raw: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252 (Excel's "CSV" on
    Windows); NUL bytes mean a file that is not text at all."""
    if b"\x00" in raw:
        raise SheetError(f"{path}: not a csv or a workbook cap can read (it holds binary data)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise SheetError(f"{path}: neither UTF-8 nor Windows-1252 text (byte "
                             f"0x{raw[exc.start]:02x} at byte {exc.start + 1}); save it as "
                             "CSV UTF-8") from None
    return text.removeprefix("\ufeff")


def _sniff(text: str) -> str:
    """The delimiter that splits the first rows (a title may sit above the header row) into
    the most cells: comma, semicolon or tab."""
    head = "\n".join(text.split("\n", HEADER_SEARCH)[:HEADER_SEARCH])
    best, most = ",", 1
    for d in _DELIMITERS:
        try:
            n = max((len(r) for r in csv.reader(io.StringIO(head, newline=""), delimiter=d)),
                    default=0)
        except csv.Error:
            continue
        if n > most:
            best, most = d, n
    return best


def _csv_cell(text: str) -> str:
    """A csv cell's text: the `'` a writer put before a formula-looking text taken off; a line
    break inside the cell as \\n."""
    if text[:1] == "'" and text[1:2] and text[1] in FORMULA_START:
        text = text[1:]
    return text.replace("\r\n", "\n") if "\r" in text else text


# -- workbooks -------------------------------------------------------------------------------------
def _read_workbook(path: str, is_header: HeaderTest | None) -> tuple[str, list[list[Cell]]]:
    """The sheet to read and its cells from A1: the "Updates" sheet when there is one, else the
    first visible worksheet with a header row `is_header` knows, else the first."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    try:
        with CalamineWorkbook.from_path(path) as book:
            names = [m.name for m in book.sheets_metadata
                     if m.visible == SheetVisibleEnum.Visible] or list(book.sheet_names)
            if not names:
                raise SheetError(f"{path}: the workbook has no sheets")
            chosen = next((n for n in names if n.strip().lower() == UPDATES_SHEET.lower()), None)
            grids: dict[str, list[list[Cell]]] = {}
            if chosen is None and is_header is not None:
                for name in names:
                    grids[name] = _grid(book.get_sheet_by_name(name).to_python(
                        skip_empty_area=False))
                    if _header_index(grids[name], is_header) is not None:
                        chosen = name
                        break
            chosen = chosen or names[0]
            grid = grids.get(chosen)
            if grid is None:
                grid = _grid(book.get_sheet_by_name(chosen).to_python(skip_empty_area=False))
            return chosen, grid
    except CalamineError as exc:
        raise SheetError(f"{path}: not a workbook cap can read ({exc}); save it as .xlsx or "
                         ".csv") from None


def _grid(rows: list[list[Cell]]) -> list[list[Cell]]:
    """calamine's cells, with line breaks inside a cell as \\n."""
    for row in rows:
        for i, c in enumerate(row):
            if isinstance(c, str) and "\r" in c:
                row[i] = c.replace("\r\n", "\n").replace("\r", "\n")
    return rows


# -- formula cells (xlsx) ------------------------------------------------------------------------
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_HAS_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")  # an <f> element, with or without a prefix
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def formula_cells(path: str, sheet: str) -> frozenset[tuple[int, int]]:
    """The (row number, column pos) of the formula cells of an xlsx (or xlsm) sheet; none for
    another kind of workbook, or one whose parts cannot be found."""
    import zipfile
    from xml.etree.ElementTree import ParseError

    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, sheet)
            data = book.read(part) if part is not None else b""
    except (OSError, KeyError, zipfile.BadZipFile, ParseError):
        return frozenset()
    if not _HAS_FORMULA.search(data):
        return frozenset()  # the usual case: no formula at all, nothing to parse
    try:
        return _formulas(data)
    except ParseError:
        return frozenset()


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the worksheet named `sheet` (xl/workbook.xml names it, and
    xl/_rels/workbook.xml.rels says where it is)."""
    import xml.etree.ElementTree as ET

    workbook = ET.fromstring(book.read("xl/workbook.xml"))
    rid = next((el.get(_REL_ID) for el in workbook.iter(f"{_MAIN_NS}sheet")
                if el.get("name") == sheet), None)
    rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    target = next((el.get("Target") for el in rels.iter(f"{_RELS_NS}Relationship")
                   if rid is not None and el.get("Id") == rid), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")


def _formulas(data: bytes) -> frozenset[tuple[int, int]]:
    """The cells of a worksheet's XML that hold an <f> (a formula, shared or not)."""
    import xml.etree.ElementTree as ET

    found: set[tuple[int, int]] = set()
    row, col = 0, -1
    for event, el in ET.iterparse(io.BytesIO(data), events=("start", "end")):
        tag = el.tag.rpartition("}")[2]
        if event == "start" and tag == "row":
            row, col = int(el.get("r") or row + 1), -1
        elif event == "start" and tag == "c":
            m = _CELL_REF.fullmatch(el.get("r") or "")
            col = _column_pos(m.group(1)) if m else col + 1
        elif event == "end" and tag == "c":
            if any(child.tag.rpartition("}")[2] == "f" for child in el):
                found.add((row, col))
            el.clear()
    return frozenset(found)


def _column_pos(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26: column_letter's inverse."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - ord("A") + 1
    return n - 1


# -- the table ------------------------------------------------------------------------------------
def _header_index(grid: list[list[Cell]], is_header: HeaderTest) -> int | None:
    seen = 0
    for i, cells in enumerate(grid):
        if all(is_blank(c) for c in cells):
            continue
        if is_header([_header_text(c) for c in cells]):
            return i
        seen += 1
        if seen >= HEADER_SEARCH:
            break
    return None


def _header_text(cell: Cell) -> str:
    if isinstance(cell, str):
        return " ".join(cell.split())
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _table(path: str, sheet: str, grid: list[list[Cell]], is_header: HeaderTest | None) -> Table:
    at = _header_index(grid, is_header) if is_header is not None else None
    if at is None:
        at = next((i for i, cells in enumerate(grid) if not all(is_blank(c) for c in cells)),
                  None)
    where = f"{path}: sheet {sheet}" if sheet else path
    if at is None:
        raise SheetError(f"{where}: the sheet is empty")
    columns = [Column(i, _header_text(c)) for i, c in enumerate(grid[at]) if not is_blank(c)]
    width = max((c.pos for c in columns), default=-1) + 1
    rows = []
    for number, cells in enumerate(grid[at + 1 :], start=at + 2):
        cells = cells[:width] if len(cells) >= width else [*cells, *[""] * (width - len(cells))]
        if any(not is_blank(cells[c.pos]) for c in columns):
            rows.append(Row(number, tuple(cells)))
    return Table(path, sheet, at + 1, columns, rows)
