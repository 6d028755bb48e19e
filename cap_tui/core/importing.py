"""Returned sheets back into a plan (`cap import --into`), or a new plan from a council's own
spreadsheet of actions (`cap import --new`), through cap's edit operations only.

Columns are matched by their header, case aside, with the names councils use for each field
(`Ref`, `Activity`, `RAG`, `Owner`, `Deadline`, ...). In a return sheet (`cap request`) a
"Current ..." column shows the plan and is never applied; "New X" is field X. A blank cell
never clears a field: it means "no change". A row names its action by id; a spreadsheet that
turned an id into a number ("1.10" read as 1.1) or a date ("1-10" read as 1 October) gets the
plan's id back when exactly one id can have been meant.

A leading `'` (typed to keep a value as text: `'2025-06`, `'1.10`) is not part of a date, a
month, an id or a number, and is read without it. A formula in a column the import reads is a
problem: its value was computed, not typed (and is not there at all in a sheet no spreadsheet
has computed), so the lead types the text itself.

Every problem is collected, each naming the file, the sheet, the row and the column, and nothing
is changed when there is one: `update_plan` works out every value before it applies any.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any, NamedTuple

from .dates import parse_due
from .document import Document, table_text
from .edit.apply import same
from .edit.ops import AddNode, EditError, Outcome, Place, Ref
from .model import Node, Plan
from .report import MONTHS, slug
from .shape import SHAPE, Level
from .sheets import Cell, Column, Row, SheetError, Table, is_blank, read_table
from .tomlvalue import render, render_key
from .values import field_spec, parse_value
from .vocab import ACTION_FIELDS, FieldSpec

__all__ = ["ImportResult", "NewPlanInfo", "RowProblem", "SheetError", "new_plan",
           "read_sheets", "update_plan"]

THEME, PROGRAMME = "theme", "programme"  # the columns that name an action's place
_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "code", "ref", "ref no", "ref number", "reference", "reference code",
           "reference number", "action id", "action ref", "action code", "action reference",
           "action no", "action number"),
    "title": ("title", "action", "activity", "action title", "activity title", "action name"),
    "description": ("description", "intended outcome", "outcome", "action description",
                    "description or intended outcome"),
    "lead": ("lead", "owner", "responsible", "lead officer", "responsible officer",
             "action owner", "responsible person"),
    "due": ("due", "deadline", "expected completion", "due date", "target date",
            "completion date", "expected completion date", "due by"),
    "status": ("status", "rag", "rag status", "rag rating"),
    "progress": ("progress", "update", "progress update", "latest update", "progress to date"),
    "next_steps": ("next steps", "next step"),
    THEME: ("theme", "strategic theme", "corporate theme"),
    PROGRAMME: ("programme", "program", "work programme", "workstream"),
}
# Councils often call their themes priorities ("Our priorities"), objectives or ambitions; but a
# sheet may have a Theme column and a Priority column (high, medium, low) too. These names give
# the theme only when no column is headed with one of the names above.
_WEAK_NAMES: dict[str, tuple[str, ...]] = {
    THEME: ("priority", "corporate priority", "strategic priority", "council priority",
            "objective", "strategic objective", "ambition"),
}
SYNONYMS: dict[str, str] = {name: key for key, names in _NAMES.items() for name in names}
WEAK_SYNONYMS: dict[str, str] = {name: key for key, names in _WEAK_NAMES.items()
                                 for name in names}
CONTEXT_PREFIX, NEW_PREFIX = "current ", "new "


# -- problems and results ------------------------------------------------------------------------
class RowProblem(NamedTuple):
    """Why a sheet (or a row, or a cell) cannot be imported: `where` names the file, sheet,
    row and column (sheets.Table.where)."""

    where: str
    message: str

    def format(self) -> str:
        return f"{self.where}: {self.message}"


class ImportResult:
    """What an import found and did: nothing was changed when there are problems."""

    def __init__(self) -> None:
        self.problems: list[RowProblem] = []
        self.notes: list[str] = []  # columns not imported; custom fields declared
        self.changed: dict[str, list[str]] = {}  # node id -> the fields changed, in order
        self.added: list[str] = []  # ids of the nodes added
        self.rows = 0  # rows read
        self.unchanged = 0  # rows that changed nothing

    @property
    def changes(self) -> int:
        return sum(len(keys) for keys in self.changed.values()) + len(self.added)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(RowProblem(where, message))


# -- headers ---------------------------------------------------------------------------------------
class Heading(NamedTuple):
    """What a column is: `role` "id", "field" (applied to `key`), THEME or PROGRAMME, "context"
    (a "Current ..." column) or "unknown"."""

    column: Column
    role: str
    key: str = ""
    weak: bool = False  # named by one of the WEAK_SYNONYMS


def normalise(header: str) -> str:
    """`Expected  Completion:` -> `expected completion`; `next_steps` -> `next steps`."""
    text = " ".join(header.replace("_", " ").lower().split())
    return text.rstrip(" :*?.")


def _field_key(name: str, custom: dict[str, FieldSpec]) -> str | None:
    """The field a header (normalised, without "New ") names, or None."""
    for text in (name, re.sub(r"\s*\([^)]*\)$", "", name)):
        if text in SYNONYMS:
            return SYNONYMS[text]
        for spec in custom.values():
            if text in (normalise(spec.key), normalise(spec.label)):
                return spec.key
    return None


def heading(column: Column, custom: dict[str, FieldSpec]) -> Heading:
    name = normalise(column.header)
    if name.startswith(CONTEXT_PREFIX):
        return Heading(column, "context")
    new = name.startswith(NEW_PREFIX)
    bare = name[len(NEW_PREFIX):] if new else name
    key = _field_key(bare, custom)
    if key is None and bare in WEAK_SYNONYMS:
        key = WEAK_SYNONYMS[bare]
        return Heading(column, key if key in (THEME, PROGRAMME) else "field", key, weak=True)
    if key is None:
        return Heading(column, "unknown")
    if key == "id":
        return Heading(column, "id", "id")
    return Heading(column, key if key in (THEME, PROGRAMME) else "field", key)


def headings(table: Table, custom: dict[str, FieldSpec]) -> list[Heading]:
    """The table's headings, a weak name (Priority) unknown when a column names the same field
    by a strong one (Theme)."""
    out = [heading(c, custom) for c in table.columns]
    strong = {h.key for h in out if h.key and not h.weak}
    return [Heading(h.column, "unknown") if h.weak and h.key in strong else h for h in out]


def is_header(cells: Sequence[str]) -> bool:
    """A header row names an id column (for sheets.read_table)."""
    return any(SYNONYMS.get(normalise(c)) == "id" for c in cells)


def read_sheets(paths: Iterable[str]) -> list[Table]:
    """The tables of the files. Raises SheetError for a file that cannot be read."""
    return [read_table(p, is_header) for p in paths]


class _Columns:
    """A table's headings, checked: one column per field."""

    def __init__(self, table: Table, custom: dict[str, FieldSpec], result: ImportResult) -> None:
        self.id: Column | None = None
        self.fields: list[Heading] = []  # applied, in the sheet's order
        self.place: dict[str, Column] = {}  # THEME, PROGRAMME
        self.unknown: list[Column] = []
        self.read: dict[int, Column] = {}  # every column above, by its position
        seen: dict[str, Column] = {}
        for h in headings(table, custom):
            if h.role in ("context", "unknown"):
                if h.role == "unknown":
                    self.unknown.append(h.column)
                continue
            if h.key in seen:
                first = seen[h.key]
                result.problem(table.where(column=h.column),
                               f'column {first.letter} "{first.header}" already gives {h.key}: '
                               "keep one of the two")
                continue
            seen[h.key] = h.column
            self.read[h.column.pos] = h.column
            if h.role == "id":
                self.id = h.column
            elif h.role == "field":
                self.fields.append(h)
            else:
                self.place[h.role] = h.column


def refuse_formulas(table: Table, cols: _Columns, result: ImportResult) -> None:
    """A problem for each formula cell in a column the import reads, under the header row."""
    for number, pos in sorted(table.formulas):
        column = cols.read.get(pos)
        if column is not None and number > table.header_row:
            result.problem(table.where(number, column),
                           "a formula, not a value: type the text itself")


# -- cells -----------------------------------------------------------------------------------------
def cell_text(cell: Cell) -> str:
    """A cell as the text a person typed: 1.0 as "1", a date as 2025-03-31, spaces at the ends
    and Windows line ends gone."""
    if isinstance(cell, str):
        return cell.replace("\r\n", "\n").strip()
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime) and cell.time() == time():
        return cell.date().isoformat()
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell)


def typed_text(cell: Cell) -> str:
    """A cell that gives a date, a month, an id or a number, as text: without the `'` typed
    before it to keep a spreadsheet from changing it (`'2025-06`, `'1.10`)."""
    text = cell_text(cell)
    return text[1:].lstrip() if text.startswith("'") else text


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _shown(text: str) -> str:
    """Plan text as a return sheet shows it: the characters a workbook cannot hold as visible
    escapes (`\\x1b`), so that a cell left as it was is no change."""
    return _NOT_XML.sub(_escape, text)


def unchanged(current: Any, value: Any) -> bool:
    """Whether a cell's value says what the field says already (text compared without the
    spaces at its ends, and as a return sheet showed it)."""
    if isinstance(current, str) and isinstance(value, str):
        old, new = current.strip(), value.strip()
        return new == old or new == _shown(old)
    return current is not None and same(current, value)


_MONTHS = {m.lower(): i for i, m in enumerate(MONTHS, start=1)}
_MONTHS_SHORT = {m[:3]: i for m, i in _MONTHS.items()}
_NAMED_MONTH = re.compile(r"([a-z]{3,9})\.?[\s\-/,']*(\d{4}|\d{2})")  # March-25, Mar 2025
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")  # 31/03/2025 (UK order)
_MY = re.compile(r"(\d{1,2})[/.\-](\d{4})")  # 03/2025
_D_MONTH_Y = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+([a-z]{3,9})\.?[\s\-/,]+(\d{4}|\d{2})")


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def _month(name: str) -> int | None:
    """"march", "mar", "sept" -> 3, 3, 9."""
    return _MONTHS.get(name) or (_MONTHS_SHORT.get(name[:3]) if len(name) <= 4 else None)


def sheet_date(text: str) -> tuple[str, date] | None:
    """A date or month as a spreadsheet user writes it: ("month", 2025-03-01) for "March-25",
    "Mar 2025", "03/2025"; ("date", 2025-03-31) for "31/03/2025" (day first, as in the UK) or
    "31 March 2025". None when the text is not one of these."""
    t = text.strip().lower()
    try:
        if m := _NAMED_MONTH.fullmatch(t):
            month = _month(m.group(1))
            return ("month", date(_year(m.group(2)), month, 1)) if month else None
        if m := _MY.fullmatch(t):
            return "month", date(int(m.group(2)), int(m.group(1)), 1)
        if m := _DMY.fullmatch(t):
            return "date", date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _D_MONTH_Y.fullmatch(t):
            month = _month(m.group(2))
            return ("date", date(_year(m.group(3)), month, int(m.group(1)))) if month else None
    except ValueError:
        return None
    return None


def due_value(cell: Cell, current: Any) -> Any:
    """An expected completion from a cell: a date cell, a month ("March-25", "2025-03"), a date
    as text, or "ongoing". A date cell on the 1st of a month, for an action whose expected
    completion is a month, is that month: the spreadsheet made "2025-06" typed in a cell into
    1 June 2025. Raises ValueError saying what to write instead."""
    if isinstance(cell, datetime) and cell.time() != time():
        raise ValueError(f"{cell.isoformat(sep=' ')} has a time of day: write the date alone")
    if isinstance(cell, date):
        day = cell.date() if isinstance(cell, datetime) else cell
        if day.day == 1 and _is_month(current):
            return day.strftime("%Y-%m")
        return day
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        raise ValueError(f"{cell_text(cell)} is a number, not a date: the spreadsheet has lost "
                         'the cell\'s date format; write a month ("2025-03"), a date '
                         '(2025-03-31) or "ongoing", and format the column as text')
    text = typed_text(cell)
    found = sheet_date(text)
    if found is not None:
        kind, day = found
        return day.strftime("%Y-%m") if kind == "month" else day
    due = parse_due(text)  # raises ValueError with the words to use
    return due.end if due.kind == "date" else due.label()


def _is_month(value: Any) -> bool:
    try:
        return isinstance(value, str) and parse_due(value).kind == "month"
    except ValueError:
        return False


def field_value(plan: Plan, node: Node, key: str, cell: Cell) -> Any:
    """The value a cell gives a field. Raises ValueError saying why it cannot be one."""
    current = node.data.get(key)
    if key == "due":
        return due_value(cell, current)
    spec = field_spec(plan, node, key)
    if spec is not None and spec.type == "date" and isinstance(cell, date):
        return cell.date() if isinstance(cell, datetime) else cell
    if (spec is not None and spec.type == "number" and isinstance(cell, int | float)
            and not isinstance(cell, bool)):
        return int(cell) if float(cell).is_integer() else cell
    typed = spec is not None and spec.type in ("number", "date")
    return parse_value(plan, node, key, typed_text(cell) if typed else cell_text(cell))


# -- ids -------------------------------------------------------------------------------------------
_NUMBER = re.compile(r"\d+(\.\d+)?")
_ID_PARTS = re.compile(r"[-/.\s]")
_TEXT_DAY = re.compile(r"(\d{1,2})[-\s/]([a-z]{3,9})(?:[-\s/](\d{2}|\d{4}))?")


class Ids:
    """The plan's nodes by id, and the ids a spreadsheet may have mangled into numbers or
    dates, read back."""

    def __init__(self, plan: Plan) -> None:
        self.nodes: dict[str, Node] = {}
        for node in plan.nodes():
            self.nodes.setdefault(node.id, node)
        self._folded: dict[str, list[str]] | None = None
        self._numbers: dict[float, list[str]] | None = None
        self._days: dict[tuple[int, int], list[str]] | None = None

    def find(self, cell: Cell) -> tuple[Node | None, str]:
        """The node a cell names, or None and why not ("" when it is simply no id of the
        plan)."""
        if isinstance(cell, str):
            text = cell.strip()
            found = self._text(text)
            if found == (None, "") and text.startswith("'"):
                return self._text(typed_text(text))  # '1.10: typed so as to stay text
            return found
        if isinstance(cell, bool):
            return None, ""
        if isinstance(cell, int | float):
            shown = cell_text(cell)
            return self._one(self._by_number(float(cell)), f"the number {shown}", strict=True)
        if isinstance(cell, date):
            shown = f"{cell.day} {MONTHS[cell.month - 1]} {cell.year}"
            return self._one(self._by_day((cell.month, cell.day)), f"the date {shown}",
                             strict=True)
        return None, ""

    def _text(self, text: str) -> tuple[Node | None, str]:
        """An id as text: as written, or but for case, or as the text a spreadsheet wrote for
        the number or date it made of an id ("1.1", "03-Oct") when an id matches."""
        if text in self.nodes:
            return self.nodes[text], ""
        folded = self._fold().get(text.lower(), [])
        if len(folded) == 1:
            return self.nodes[folded[0]], ""
        if _NUMBER.fullmatch(text):
            return self._one(self._by_number(float(text)), f"the number {text}", strict=False)
        day = _text_day(text)
        if day is not None:
            return self._one(self._by_day(day), f"the date {text}", strict=False)
        return None, ""

    def _fold(self) -> dict[str, list[str]]:
        if self._folded is None:
            self._folded = {}
            for i in self.nodes:
                self._folded.setdefault(i.lower(), []).append(i)
        return self._folded

    def _by_number(self, number: float) -> list[str]:
        if self._numbers is None:
            self._numbers = {}
            for i in self.nodes:
                if _NUMBER.fullmatch(i):
                    self._numbers.setdefault(float(i), []).append(i)
        return self._numbers.get(number, [])

    def _by_day(self, day: tuple[int, int]) -> list[str]:
        if self._days is None:
            self._days = {}
            for i in self.nodes:
                for d in _id_days(i):
                    self._days.setdefault(d, []).append(i)
        return self._days.get(day, [])

    def _one(self, ids: list[str], what: str, strict: bool) -> tuple[Node | None, str]:
        """The one id a mangled id can have been. `strict`: a number or date cell that is no
        id at all is said to be mangled too (text that is no id is just not in the plan)."""
        if len(ids) == 1:
            return self.nodes[ids[0]], ""
        if not ids and not strict:
            return None, ""
        which = (f"which could be any of {', '.join(ids)}" if ids
                 else "which is no id of the plan")
        return None, (f"the spreadsheet turned this id into {what}, {which}: format the ID "
                      "column as text and type the ids again")


def _id_days(node_id: str) -> set[tuple[int, int]]:
    """The (month, day)s a spreadsheet could have read an id as: "1-10" as 1 October (day
    first) or 10 January (month first); "2024-10" as October 2024."""
    parts = _ID_PARTS.split(node_id)
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return set()
    a, b = int(parts[0]), int(parts[1])
    if len(parts[0]) == 4:
        return {(b, 1)} if 1 <= b <= 12 else set()
    out = set()
    for month, day in ((b, a), (a, b)):
        if 1 <= month <= 12 and 1 <= day <= 31:
            out.add((month, day))
    return out


def _text_day(text: str) -> tuple[int, int] | None:
    """(month, day) of a date written as a csv from a spreadsheet writes one: "01-Oct",
    "1-Oct-25", "01/10/2025"."""
    t = text.lower()
    if m := _TEXT_DAY.fullmatch(t):
        month = _month(m.group(2))
        return (month, int(m.group(1))) if month else None
    found = sheet_date(t)
    if found is not None and found[0] == "date":
        return found[1].month, found[1].day
    return None


# -- the values a set of sheets asks for -----------------------------------------------------------
class _Want(NamedTuple):
    node: Node
    key: str
    value: Any
    where: str


class _Wants:
    """Each (node, field) the sheets set, to what and where; a second row that sets another
    value for it is a problem."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.values: dict[tuple[int, str], _Want] = {}

    def want(self, node: Node, key: str, value: Any, where: str) -> bool:
        """Record a value; False when it was recorded already (or clashes: a problem)."""
        seen = self.values.get((id(node), key))
        if seen is None:
            self.values[(id(node), key)] = _Want(node, key, value, where)
            return True
        if not unchanged(seen.value, value) and not unchanged(value, seen.value):
            self.result.problem(where, f'{node.id}\'s {key} is "{_brief(value)}" here but '
                                f'"{_brief(seen.value)}" at {seen.where}: which is it?')
        return False


def _brief(value: Any) -> str:
    text = " ".join(cell_text(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


def update_plan(doc: Document, tables: Sequence[Table], add: bool = False) -> ImportResult:
    """Apply the tables' rows to the plan open in `doc`, by id. When the result has problems,
    `doc` is unchanged."""
    plan = doc.plan
    result = ImportResult()
    wants = _Wants(result)
    ids = Ids(plan)
    new_rows: list[tuple[Table, _Columns, Row]] = []
    for table in tables:
        cols = _Columns(table, plan.custom_fields, result)
        refuse_formulas(table, cols, result)
        _note_unknown(table, cols, result, "declare it under [plan.fields] to import it")
        if cols.id is None:
            result.problem(table.where(), "no ID column: the sheet needs a column headed ID "
                           "(or Ref, Code, Reference) naming each row's action")
            continue
        for row in table.rows:
            result.rows += 1
            node = _row_node(table, cols, row, ids, add, result)
            if node is None:
                if add and _is_new(table, cols, row, ids):
                    new_rows.append((table, cols, row))
                continue
            changes = _row_values(plan, table, cols, row, node, wants, result)
            changes += _row_places(table, cols, row, node, wants)
            if not changes:
                result.unchanged += 1
    _check_renames(wants, result)
    adds = _new_actions(doc, new_rows, result)
    if result.problems:
        return result
    for node, key, value, where in wants.values.values():
        _set(doc, node, key, value, where, result)
    for parent, values, where in adds:
        node = _add(doc, parent, Level.ACTION, _ordered(values, plan.custom_fields), where,
                    result)
        if node is not None:
            result.added.append(node.id)
    return result


def _note_unknown(table: Table, cols: _Columns, result: ImportResult, hint: str) -> None:
    for column in cols.unknown:
        result.notes.append(f'{table.where(column=column)}: not a field of this plan, so not '
                            f"imported ({hint})")


def _row_node(table: Table, cols: _Columns, row: Row, ids: Ids, add: bool,
              result: ImportResult) -> Node | None:
    """The action a row names, or None (with the problem said, unless --add takes it)."""
    assert cols.id is not None
    cell = row.cell(cols.id)
    where = table.where(row.number, cols.id)
    if is_blank(cell):
        if any(not is_blank(row.cell(h.column)) for h in cols.fields):
            result.problem(where, "this row has no id: which action is it?")
        return None
    node, why = ids.find(cell)
    if node is None:
        if why:
            result.problem(where, why)
        elif not add:
            result.problem(where, f'"{cell_text(cell)}" is not an id in the plan (to add it as '
                           "a new action, use --add)")
        return None
    if node.kind is not Level.ACTION:
        result.problem(where, f'"{node.id}" is a {SHAPE[node.kind].word}, not an action')
        return None
    return node


def _is_new(table: Table, cols: _Columns, row: Row, ids: Ids) -> bool:
    assert cols.id is not None
    return ids.find(row.cell(cols.id)) == (None, "") and not is_blank(row.cell(cols.id))


def _row_values(plan: Plan, table: Table, cols: _Columns, row: Row, node: Node, wants: _Wants,
                result: ImportResult) -> int:
    """Record what the row sets; returns how many of its fields would change."""
    changes = 0
    for h in cols.fields:
        cell = row.cell(h.column)
        if is_blank(cell):
            continue
        current = node.data.get(h.key)
        if isinstance(current, str) and unchanged(current, cell_text(cell)):
            continue  # as the plan says it (most cells of a return sheet): nothing to read
        try:
            value = field_value(plan, node, h.key, cell)
        except ValueError as exc:
            result.problem(table.where(row.number, h.column), str(exc))
            continue
        if unchanged(current, value):
            continue
        if wants.want(node, h.key, value, table.where(row.number, h.column)):
            changes += 1
    return changes


def _row_places(table: Table, cols: _Columns, row: Row, node: Node, wants: _Wants) -> int:
    """Record a Theme or Programme cell that differs from the title of the action's theme or
    programme: a new title for it."""
    changes = 0
    for level, column in cols.place.items():
        holder = node.ancestor(Level(level))
        if holder is None:
            continue
        text = " ".join(cell_text(row.cell(column)).split())
        if not text or text == holder.title or text == holder.id \
                or text == " ".join(holder.title.split()):
            continue
        if wants.want(holder, "title", text, table.where(row.number, column)):
            changes += 1
    return changes


def _check_renames(wants: _Wants, result: ImportResult) -> None:
    """Refuse a theme's or programme's new title that is another one's: an import does not
    move actions."""
    for node, key, value, where in wants.values.values():
        if node.kind is Level.ACTION or key != "title" or node.parent is None:
            continue
        folded = " ".join(str(value).split()).lower()
        if any(folded in (" ".join(n.title.split()).lower(), n.id.lower())
               for n in node.parent.children if n is not node):
            shape = SHAPE[node.kind]
            result.problem(where, f'"{value}" is another {shape.word} of the plan: an import '
                           f"does not move actions between {shape.plural} (use cap edit)")


def _set(doc: Document, node: Node, key: str, value: Any, where: str,
         result: ImportResult) -> None:
    outcome = doc.apply(doc.field_op(node, key, value))
    if outcome.ok:
        result.changed.setdefault(node.id, []).append(key)
    elif outcome.outcome is not Outcome.NO_OP:
        result.problem(where, outcome.reason)


# -- adding actions ------------------------------------------------------------------------------
def _new_actions(doc: Document, rows: list[tuple[Table, _Columns, Row]],
                 result: ImportResult) -> list[tuple[Node, dict[str, Any], str]]:
    """The actions --add adds: each row's programme (by its Programme cell, else its Theme's
    only programme), values, and where it was given."""
    out: list[tuple[Node, dict[str, Any], str]] = []
    seen: dict[str, str] = {}
    for table, cols, row in rows:
        assert cols.id is not None
        new_id = typed_text(row.cell(cols.id))
        where = table.where(row.number, cols.id)
        if new_id in seen:
            result.problem(where, f"{new_id} is added already, at {seen[new_id]}")
            continue
        seen[new_id] = where
        parent = _programme_of(doc.plan, table, cols, row, result)
        if parent is None:
            continue
        values = _new_values(doc.plan, table, cols, row, new_id, result)
        out.append((parent, values, where))
    return out


def _programme_of(plan: Plan, table: Table, cols: _Columns, row: Row,
                  result: ImportResult) -> Node | None:
    assert cols.id is not None
    where = table.where(row.number, cols.id)
    programme = cols.place.get(PROGRAMME)
    theme = cols.place.get(THEME)
    if programme is not None and not is_blank(row.cell(programme)):
        found = _by_title(plan.programmes(), cell_text(row.cell(programme)))
        if found is None:
            result.problem(table.where(row.number, programme), "no programme of the plan has "
                           "this title or id: the new action needs one")
        return found
    if theme is not None and not is_blank(row.cell(theme)):
        node = _by_title(plan.themes, cell_text(row.cell(theme)))
        if node is not None and len(node.children) == 1:
            return node.children[0]
        result.problem(table.where(row.number, theme), "give a Programme for the new action: "
                       + ("no theme of the plan has this title or id" if node is None
                          else "this theme has several programmes"))
        return None
    result.problem(where, "not an id in the plan; to add it as a new action, the row needs a "
                   "Programme (or Theme) column naming where it goes")
    return None


def _by_title(nodes: Iterable[Node], text: str) -> Node | None:
    wanted = " ".join(text.split()).lower()
    for node in nodes:
        if wanted in (" ".join(node.title.split()).lower(), node.id.lower()):
            return node
    return None


def _new_values(plan: Plan, table: Table, cols: _Columns, row: Row, new_id: str,
                result: ImportResult) -> dict[str, Any]:
    """A new action's fields from a row: only what the row gives (nothing is made up)."""
    blank = Node(Level.ACTION, {})
    values: dict[str, Any] = {"id": new_id}
    for h in cols.fields:
        cell = row.cell(h.column)
        if is_blank(cell):
            continue
        try:
            values[h.key] = field_value(plan, blank, h.key, cell)
        except ValueError as exc:
            result.problem(table.where(row.number, h.column), str(exc))
    return values


def _ordered(values: dict[str, Any], custom: Iterable[str]) -> dict[str, Any]:
    """A new node's values in the order a plan writes them: built-in fields, then custom."""
    order = [f.key for f in ACTION_FIELDS] + list(custom)
    return {k: values[k] for k in sorted(values, key=lambda k: (
        order.index(k) if k in order else len(order)))}


def _add(doc: Document, parent: Node, level: Level, values: dict[str, Any], where: str,
         result: ImportResult) -> Node | None:
    """Add a node with these values (and no others) at the end of `parent`'s children."""
    last = parent.children[-1] if parent.children else None
    place = Place(doc.ref_of(parent), doc.ref_of(last) if last is not None else None)
    try:
        text = table_text(level, values, doc.newline)
    except EditError as exc:
        result.problem(where, str(exc))
        return None
    outcome = doc.apply(AddNode(Ref(level, str(values["id"])), place, text))
    if not outcome.ok or outcome.node is None:
        result.problem(where, f"cap could not add {values['id']}: {outcome.reason}")
        return None
    return outcome.node


# -- a new plan ----------------------------------------------------------------------------------
class NewPlanInfo(NamedTuple):
    """The plan's own fields, given on the command line."""

    council: str
    title: str
    period: str
    as_of: date


def new_plan(path: str, tables: Sequence[Table], info: NewPlanInfo
             ) -> tuple[Document | None, ImportResult]:
    """A plan made from a council's spreadsheet of actions: themes (a Theme column),
    programmes (a Programme column, else one per theme, titled as the theme) and actions, the
    columns the plan does not know declared as custom fields. What the sheet lacks (a lead, a
    status) is left out, for `cap validate` to flag. None when there are problems."""
    result = ImportResult()
    custom = _custom_fields(tables, result)
    doc = Document.from_bytes(path, _plan_text(info, custom).encode("utf-8"))
    builder = _Builder(doc, result)
    for table in tables:
        cols = _Columns(table, doc.plan.custom_fields, result)
        refuse_formulas(table, cols, result)
        if THEME not in cols.place:
            result.problem(table.where(), "no Theme column: a new plan needs each action's "
                           "theme (a column headed Theme)")
        if cols.id is None:
            result.problem(table.where(), "no ID column: a new plan needs each action's "
                           "reference (a column headed ID, Ref or Code)")
        if cols.id is not None and THEME in cols.place:
            builder.table(table, cols, cols.id)
    return (None if result.problems else doc), result


def _custom_fields(tables: Sequence[Table], result: ImportResult) -> dict[str, FieldSpec]:
    """A custom field for each column cap does not know (Team, Portfolio), typed by its cells:
    numbers, dates, text with line breaks, else one line."""
    out: dict[str, FieldSpec] = {}
    for table in tables:
        for h in headings(table, {}):
            if h.role != "unknown":
                continue
            column = h.column
            key = slug(column.header).replace("-", "_") or f"column_{column.letter.lower()}"
            if key in out or key in SYNONYMS.values():
                continue
            cells = [r.cell(column) for r in table.rows if not is_blank(r.cell(column))]
            out[key] = FieldSpec(key, column.header, _cells_type(cells), custom=True)
            result.notes.append(f"{table.where(column=column)}: declared as the custom field "
                                f'"{key}" ({out[key].type})')
    return out


def _cells_type(cells: list[Cell]) -> str:
    if cells and all(isinstance(c, int | float) and not isinstance(c, bool) for c in cells):
        return "number"
    if cells and all(isinstance(c, date) for c in cells):
        return "date"
    if any(isinstance(c, str) and "\n" in c.strip() for c in cells):
        return "text"
    return "line"


def _plan_text(info: NewPlanInfo, custom: dict[str, FieldSpec]) -> str:
    """The new plan's [plan] table (and [plan.fields]), each value written by tomlvalue."""
    lines = ["[plan]"]
    for key, value in (("council", info.council), ("title", info.title),
                       ("period", info.period), ("as_of", info.as_of)):
        lines.append(f"{key} = {render(value)}")
    if custom:
        lines += ["", "[plan.fields]"]
        for spec in custom.values():
            lines.append(f"{render_key(spec.key)} = {{ label = {render(spec.label)}, "
                         f"type = {render(spec.type)} }}")
    return "\n".join(lines) + "\n"


class _Builder:
    """Adds a sheet's themes, programmes and actions to a new plan, in the sheet's order. A
    blank Theme or Programme cell is the one above it (a merged cell reads so)."""

    def __init__(self, doc: Document, result: ImportResult) -> None:
        self.doc = doc
        self.result = result
        self.ids: dict[str, str] = {}  # id -> where the sheet gave it
        self.nodes: dict[tuple[int, str], Node] = {}  # (parent, folded title) -> node

    def table(self, table: Table, cols: _Columns, id_column: Column) -> None:
        theme_title = programme_title = ""
        for row in table.rows:
            self.result.rows += 1
            given = self._cell(row, cols.place[THEME])
            if given and given != theme_title:  # a new theme: its programmes start again
                theme_title, programme_title = given, ""
            if PROGRAMME in cols.place:
                programme_title = self._cell(row, cols.place[PROGRAMME]) or programme_title
            where = table.where(row.number, id_column)
            values = self._values(table, cols, row, id_column)
            if values is None:
                continue
            if not theme_title:
                self.result.problem(table.where(row.number, cols.place[THEME]),
                                    "no theme for this action")
            if self.result.problems:
                continue  # nothing will be written: only look for more problems
            theme = self._node(self.doc.plan.root, theme_title, where)
            programme = self._node(theme, programme_title or theme_title, where,
                                   stand_in=not programme_title)
            if programme is not None and _add(self.doc, programme, Level.ACTION,
                                              _ordered(values, self.doc.plan.custom_fields),
                                              where, self.result):
                self.result.added.append(str(values["id"]))

    @staticmethod
    def _cell(row: Row, column: Column) -> str:
        return " ".join(cell_text(row.cell(column)).split())

    def _values(self, table: Table, cols: _Columns, row: Row, id_column: Column
                ) -> dict[str, Any] | None:
        where = table.where(row.number, id_column)
        new_id = typed_text(row.cell(id_column))
        if not new_id:
            if any(not is_blank(row.cell(h.column)) for h in cols.fields):
                self.result.problem(where, "this action has no id")
            return None
        if new_id in self.ids:
            self.result.problem(where, f"{new_id} is the id of another action too, at "
                                f"{self.ids[new_id]}")
            return None
        self.ids[new_id] = where
        return _new_values(self.doc.plan, table, cols, row, new_id, self.result)

    def _node(self, parent: Node | None, title: str, where: str, stand_in: bool = False
              ) -> Node | None:
        """The theme (under the plan) or programme (under a theme) of this title, added the
        first time it is named. `stand_in`: the one programme of a theme the sheet gives no
        programmes for, titled as the theme."""
        if parent is None:
            return None
        key = (id(parent), title.lower())
        node = self.nodes.get(key)
        if node is None:
            level = SHAPE[parent.kind].child
            assert level is not None
            base = (slug(title) or level.value) + (f"-{level.value}" if stand_in else "")
            node = _add(self.doc, parent, level, {"id": self._free_id(base), "title": title},
                        where, self.result)
            if node is not None:
                self.nodes[key] = node
        return node

    def _free_id(self, base: str) -> str:
        """`base`, or base-2, base-3...: free among the plan's ids and the sheet's."""
        taken = {n.id for n in self.doc.plan.nodes()} | set(self.ids)
        n, candidate = 1, base
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        return candidate


def only_nodes(data: dict[str, Any], ids: Iterable[str]) -> dict[str, Any]:
    """A plan's data with only the themes, programmes and actions of these ids (and the
    themes and programmes that hold them): `cap diff` of two such copies shows what changed
    in them without reading the thousands of nodes that did not change."""
    keep = set(ids)
    out = {k: v for k, v in data.items() if k != THEME}
    themes = []
    for theme in data.get(THEME, []):
        programmes = []
        for programme in theme.get(PROGRAMME, []):
            actions = [a for a in programme.get("action", []) if a.get("id") in keep]
            if actions or programme.get("id") in keep:
                programmes.append({**programme, "action": actions})
        if programmes or theme.get("id") in keep:
            themes.append({**theme, PROGRAMME: programmes})
    out[THEME] = themes
    return out
