"""Input and TextArea that show a plan's control characters instead of sending them to the terminal.

Textual's Input and TextArea draw their text as it is: an ESC in a field reaches the terminal
raw, so `ESC ] 52 ; c ; ... ESC \\` sets the clipboard, `ESC [ 2 J` clears the screen, BEL rings
and U+202E reverses the text after it. These two draw each such character (C0 but a TextArea's
tab, DEL, C1 and the bidi controls) as ONE visible stand-in: the Control Pictures symbol for C0
and DEL (`␛`, `␇`, `␡`), U+FFFD `�` for C1 and the bidi controls, in the `--control` style.
One character for one keeps the widgets' arithmetic (cursor, selection, wrapping) right: Rich
measures a control character as 0 cells, its stand-in as 1, and the widgets are told so.

Only what is drawn changes: `Input.value` and `TextArea.text` keep the exact characters, so a
plan is saved as it was read unless the officer edits those characters.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size
from rich.style import Style
from rich.text import Text
from textual import events
from textual.expand_tabs import expand_tabs_inline
from textual.geometry import Size, clamp
from textual.widgets import Input, TextArea
from textual.widgets.text_area import DocumentBase, EditResult, Location

from ...render.terminal import BIDI_CONTROLS
from ..internals import (
    DocumentHooks,
    DrawnInput,
    LinesDocument,
    column_at_cell,
    install_document,
    set_virtual_size,
)

REPLACEMENT = "\ufffd"
_FALLBACK = Style(bold=True)  # before the widget's styles are known (it is measured early)

# each character a terminal would obey -> one character that it only draws
_STAND_IN: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20)}  # ␀ ... ␟
_STAND_IN[0x7F] = "\u2421"  # ␡
_STAND_IN.update({c: REPLACEMENT for c in range(0x80, 0xA0)})
_STAND_IN.update({ord(c): REPLACEMENT for c in "\u061c\u200e\u200f"})
_STAND_IN.update({c: REPLACEMENT for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})

_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")  # in an Input
# in a TextArea, which lays tabs out itself
_AREA_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")
_PASTED_NEWLINE = re.compile(r"\r\n?")
_AREA_STAND_IN = {c: s for c, s in _STAND_IN.items() if c != 0x09}


@lru_cache(maxsize=4096)
def shown_line(text: str) -> str:
    """A line as an Input draws it: every control character (tab too) as its stand-in."""
    return text.translate(_STAND_IN) if _LINE_CONTROL.search(text) else text


@lru_cache(maxsize=4096)
def shown_area_line(text: str) -> str:
    """A TextArea's line as drawn: control characters as stand-ins, tabs kept (it lays them
    out itself)."""
    return text.translate(_AREA_STAND_IN) if _AREA_CONTROL.search(text) else text


def _mark(text: Text, raw: str, pattern: re.Pattern[str], style: Style) -> None:
    for m in pattern.finditer(raw):
        text.stylize(style, m.start(), m.end())


class SafeInput(DrawnInput):
    """An Input that draws control and bidi characters as visible stand-ins."""

    COMPONENT_CLASSES = Input.COMPONENT_CLASSES | {"input--control"}
    DEFAULT_CSS = """
    SafeInput > .input--control {
        color: $text-warning;
        text-style: bold;
    }
    """

    def drawn_value(self) -> Text:
        """The value as drawn (Input.render_line and content_width use this)."""
        if self.password:
            return super().drawn_value()
        raw = self.value
        text = Text(shown_line(raw), no_wrap=True, overflow="ignore", end="")
        if self.highlighter is not None:
            text = self.highlighter(text)
        if _LINE_CONTROL.search(raw):
            style = self.get_component_rich_style("input--control", default=_FALLBACK)
            _mark(text, raw, _LINE_CONTROL, style)
        return text

    def cell_of(self, position: int) -> int:
        """The cursor's cell, counting each stand-in as the one cell it takes."""
        if self.password:
            return super().cell_of(position)
        return cell_len(shown_line(self.value[:position]))  # tabs too are one stand-in

    def index_at_cell(self, offset: int) -> int:
        """The character at a clicked cell, counting stand-ins as drawn."""
        if self.password:
            return super().index_at_cell(offset)
        cell_offset = 0
        scroll_x, _ = self.scroll_offset
        offset += scroll_x
        shown = shown_line(self.value)
        for index, char in enumerate(shown):
            cell_width = get_character_cell_size(char)
            if cell_offset <= offset < cell_offset + cell_width:
                return index
            cell_offset += cell_width
        return clamp(offset, 0, len(shown))


class ExactDocument(LinesDocument):
    """A Document whose `text` is exactly the text it was given.

    Textual's Document splits lines with `str.splitlines`, which also breaks at CR, VT, FF, FS,
    GS, RS, NEL, U+2028 and U+2029, and joins the lines back with one newline: a field holding
    any of those (or a mix of `\\r\\n` and `\\n`) came back changed though nobody edited it.
    This one breaks lines at `\\n` only; the others stay in their line and are drawn as
    stand-ins (`␍`), as `safe()` shows them on the command line. Its newline is always `\\n`.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text.split("\n"))  # "a\n" -> ["a", ""], "" -> [""], as Document

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        """Document.replace_range, with lines broken at `\\n` only (an undo puts back exactly
        what it took away)."""
        top, bottom = sorted((start, end))
        top_row, top_column = top
        bottom_row, bottom_column = bottom
        insert_lines = text.split("\n") if text else []
        lines = self.lines
        replaced_text = self.get_text_range(top, bottom)
        after = lines[bottom_row][bottom_column:] if bottom_row < len(lines) else ""
        before = lines[top_row][:top_column] if top_row < len(lines) else ""
        if insert_lines:
            insert_lines[0] = before + insert_lines[0]
            destination_column = len(insert_lines[-1])
            insert_lines[-1] = insert_lines[-1] + after
        else:
            destination_column = len(before)
            insert_lines = [before + after]
        lines[top_row : bottom_row + 1] = insert_lines
        return EditResult((top_row + len(insert_lines) - 1, destination_column), replaced_text)


class _Shown:
    """A document's lines as a SafeTextArea draws them, for the wrapping and the navigation that
    measure them. Same length per line as the document (one stand-in per character), so every
    location is the same in both."""

    def __init__(self, document: DocumentBase) -> None:
        self._document = document

    def __getattr__(self, name: str) -> object:
        return getattr(self._document, name)

    @property
    def lines(self) -> list[str]:
        return [shown_area_line(line) for line in self._document.lines]

    def get_line(self, index: int) -> str:
        return shown_area_line(self._document.get_line(index))

    def __getitem__(self, index: int | slice) -> str | list[str]:
        got = self._document[index]
        if isinstance(got, str):
            return shown_area_line(got)
        return [shown_area_line(line) for line in got]

    @property
    def line_count(self) -> int:
        return self._document.line_count


class SafeTextArea(DocumentHooks):
    """A TextArea that draws control and bidi characters (not tabs) as visible stand-ins.

    Plain text only: with a syntax-highlighting `language` the highlights' byte offsets would
    be those of the text, not of what is drawn.
    """

    COMPONENT_CLASSES = TextArea.COMPONENT_CLASSES | {"text-area--control"}
    DEFAULT_CSS = """
    SafeTextArea > .text-area--control {
        color: $text-warning;
        text-style: bold;
    }
    """

    def set_document(self, text: str, language: str | None) -> None:
        """As TextArea's, with an ExactDocument, wrapped and navigated as it is drawn."""
        if language:
            super().set_document(text, language)
            document = self.document
        else:
            document = ExactDocument(text)
        install_document(self, document, _Shown(document))

    def get_line(self, line_index: int) -> Text:
        """A line as drawn: stand-ins for control characters, in the `--control` style."""
        raw = self.document.get_line(line_index)
        text = Text(shown_area_line(raw), end="", no_wrap=True)
        if _AREA_CONTROL.search(raw):
            style = self.get_component_rich_style("text-area--control", default=_FALLBACK)
            _mark(text, raw, _AREA_CONTROL, style)
        return text

    def get_column_width(self, row: int, column: int) -> int:
        line = shown_area_line(self.document[row])
        return cell_len(expand_tabs_inline(line[:column], self.indent_width))

    def cell_width_to_column_index(self, cell_width: int, row_index: int) -> int:
        line = shown_area_line(self.document[row_index])
        return column_at_cell(line, cell_width, self.indent_width)

    def on_paste(self, event: events.Paste) -> None:
        """A terminal pastes line breaks as `\\r` or `\\r\\n`: they are new lines here, as
        in Textual's TextArea (whose paste handler runs next, with the text so changed)."""
        if "\r" in event.text:
            event.text = _PASTED_NEWLINE.sub("\n", event.text)

    def refresh_size(self) -> None:
        if self.soft_wrap:
            super().refresh_size()
            return
        lines = self.wrapped_document.document.lines
        width = max((cell_len(line.expandtabs(self.indent_width)) for line in lines), default=0)
        set_virtual_size(self, Size(width + self.gutter_width + 1, len(lines)))
