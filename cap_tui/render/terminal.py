"""Writing to the terminal: plain when piped or NO_COLOR, Rich colour otherwise, never raw data.

Text from a plan is shown literally: markup-looking text stays as typed (Rich markup is never
used for data) and control characters such as ESC are written as visible escapes.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import IO, Any, NamedTuple

from ..core.words import plural as plural  # the one way every command counts things

# Unicode's bidirectional controls (embeddings, overrides, isolates, marks): they reorder the text
# around them on screen: `report\u202etxt.exe` is shown as `reportexe.txt`.
BIDI_CONTROLS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f]")  # json escapes \x00-\x1f itself, not DEL and C1

RAG_STYLE = {
    "green": "green",
    "amber": "yellow",
    "yellow": "yellow",
    "red": "red",
    "blue": "blue",
    "grey": "bright_black",
    "magenta": "magenta",
    "cyan": "cyan",
}


def visible_char(c: str) -> str | None:
    """How a character a terminal would obey (C0, DEL, C1, a bidi control) is shown instead:
    `\\x1b`, `\\u202e`. None for a character shown as it is."""
    if not _CONTROL_LINE.fullmatch(c):
        return None
    code = ord(c)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _visible(m: re.Match[str]) -> str:
    c = m.group(0)
    if c == "\n" or c == "\t":
        return " "
    code = ord(c)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe(text: str, one_line: bool = True) -> str:
    """Text from a plan made safe for a terminal: control characters (and Unicode's bidi
    controls) shown as escapes such as `\\x1b` and `\\u202e`, never obeyed. `one_line` also
    turns newlines and tabs into spaces; otherwise they are kept."""
    return (_CONTROL_LINE if one_line else _CONTROL).sub(_visible, text)


def clip(text: str, width: int) -> str:
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def use_colour(stream: IO[str]) -> bool:
    """Colour only on a real terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    return is_tty(stream)


def is_tty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def columns_env() -> int | None:
    """COLUMNS, when it is set to a width (as shutil.get_terminal_size honours it), else None."""
    columns = os.environ.get("COLUMNS", "")
    return max(int(columns), 40) if columns.isdigit() and int(columns) > 0 else None


def width(stream: IO[str]) -> int:
    """The width to lay lines out in: COLUMNS when set (on a terminal or in a pipe), else the
    terminal's own width, or 80 in a pipe (where it only guides wrapping: nothing is cut)."""
    columns = columns_env()
    if columns is not None:
        return columns
    if is_tty(stream):
        try:
            n = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError):
            return 80
        # a terminal that reports no size (0 columns) is taken as 80, as shutil would
        return max(n, 40) if n else 80
    return 80


class Cell(NamedTuple):
    """One column of a table's row (`Out.row`): its text, its width (0 for the last column: the
    rest of the line), whether it is right-aligned (a number: never wrapped), a style, and the
    space before it when not the row's own gap."""

    text: str
    width: int = 0
    right: bool = False
    style: str = ""
    before: str | None = None


class Out:
    """Lines to stdout: each line a list of (text, style) pieces; styles only when colour is on.

    Pieces are plain text, never Rich markup, so `[bold]` in a plan is printed as typed. On a
    terminal (`tty`) a row of a table takes one screen line, its text clipped with `…` to
    `width`; in a pipe data is never cut (`fit`): a cell is whole, or wrapped when COLUMNS gives
    the pipe a width (`bounded`), so grep and a spreadsheet see every lead and title.
    """

    def __init__(self, stream: IO[str] | None = None, colour: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.colour = use_colour(self.stream) if colour is None else colour
        self.tty = is_tty(self.stream)
        self.width = width(self.stream)
        self.bounded = self.tty or columns_env() is not None
        self._console: Any = None

    def span(self, texts: Iterable[str], most: int, least: int = 1) -> int:
        """The width of a column holding `texts`: the widest of them, but at most `most` when
        lines have a width (a terminal, or COLUMNS); in a plain pipe, always the widest."""
        widest = max((len(t) for t in texts), default=0)
        return max(min(widest, most) if self.bounded else widest, least)

    def fit(self, text: str, room: int) -> list[str]:
        """`text` in a space `room` wide, as lines: clipped to one line (`…`) on a terminal; in a
        pipe never cut: whole, or wrapped at spaces to `room` when COLUMNS is set."""
        if len(text) <= room or not self.bounded:
            return [text]
        if self.tty:
            return [clip(text, room)]
        import textwrap

        return textwrap.wrap(text, max(room, 8), break_on_hyphens=False) or [text]

    def row(self, *cells: Cell, indent: str = "", gap: str = "  ",
            width: int | None = None) -> None:
        """A table's row, its columns aligned to their widths. A cell too wide for its column is
        clipped on a terminal (one screen line a row) and wrapped in a pipe with COLUMNS (the
        row's other cells stay on its first line); in a plain pipe it is written whole."""
        gaps = ["" if j == 0 else gap if c.before is None else c.before
                for j, c in enumerate(cells)]
        used = len(indent) + sum(len(g) for g in gaps) + sum(c.width for c in cells[:-1])
        room = max((width or self.width) - used, 10)
        columns = [[c.text] if c.right else self.fit(c.text, c.width or room) for c in cells]
        for i in range(max(len(lines) for lines in columns)):
            pieces: list[str | tuple[str, str]] = [indent]
            for j, (lines, c) in enumerate(zip(columns, cells, strict=True)):
                text = lines[i] if i < len(lines) else ""
                if c.right:
                    text = text.rjust(c.width)
                elif j < len(cells) - 1:
                    text = text.ljust(c.width)
                pieces += [gaps[j], (text, c.style) if c.style else text]
            self.line(*_rstrip(pieces))

    def line(self, *pieces: str | tuple[str, str]) -> None:
        if not self.colour:
            self.stream.write("".join(p if isinstance(p, str) else p[0] for p in pieces) + "\n")
            return
        from rich.text import Text

        if self._console is None:
            from rich.console import Console

            # colour was decided above (tty, NO_COLOR, TERM): Rich must not decide again
            self._console = Console(
                file=self.stream, highlight=False, markup=False, emoji=False, soft_wrap=True,
                force_terminal=True, color_system="standard",
            )
        text = Text()
        for p in pieces:
            if isinstance(p, str):
                text.append(p)
            else:
                text.append(p[0], style=p[1] or None)
        self._console.print(text)


def _rstrip(pieces: list[str | tuple[str, str]]) -> list[str | tuple[str, str]]:
    """A line's pieces without the spaces at its end (a row's empty last cells, its padding)."""
    while pieces:
        last = pieces[-1]
        text = (last if isinstance(last, str) else last[0]).rstrip()
        if text:
            pieces[-1] = text if isinstance(last, str) else (text, last[1])
            break
        pieces.pop()
    return pieces


def write_json(stream: IO[str], data: Any, indent: int | None = 2,
               default: Callable[[Any], Any] | None = None) -> None:
    """JSON for tools, UTF-8 as it is, but with every control character escaped (\\u009b)."""
    import json

    text = json.dumps(data, indent=indent, ensure_ascii=False, default=default)
    stream.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n")


def write_bytes(body: bytes, stream: IO[str] | None = None) -> None:
    """Bytes to stdout as they are (`cap diff --textconv` passes a file that is not a plan
    through unchanged, whatever its encoding); a stream with no bytes buffer (a test's
    StringIO) gets them decoded, undecodable bytes kept as surrogates."""
    stream = stream or sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(body.decode("utf-8", "surrogateescape"))
    else:
        stream.flush()
        buffer.write(body)
        buffer.flush()


def err(message: str) -> None:
    """One plain line on stderr."""
    sys.stderr.write(f"cap: {message}\n")
