"""Writing to the terminal: plain when piped or NO_COLOR, Rich colour otherwise, never raw data.

Text from a plan is shown literally: markup-looking text stays as typed (Rich markup is never
used for data) and control characters such as ESC are written as visible escapes.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import IO, Any

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


def width(stream: IO[str]) -> int:
    """The terminal's width, or 80 when piped."""
    if is_tty(stream):
        columns = os.environ.get("COLUMNS", "")  # as shutil.get_terminal_size honours it
        if columns.isdigit() and int(columns) > 0:
            return max(int(columns), 40)
        try:
            columns = str(os.get_terminal_size(stream.fileno()).columns)
        except (OSError, ValueError):
            return 80
        # a terminal that reports no size (0 columns) is taken as 80, as shutil would
        return max(int(columns), 40) if columns != "0" else 80
    return 80


def count(n: int, noun: str, plural: str = "") -> str:
    """`1 error`, `2 errors`, `0 errors`."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


class Out:
    """Lines to stdout: each line a list of (text, style) pieces; styles only when colour is on.

    Pieces are plain text, never Rich markup, so `[bold]` in a plan is printed as typed. `tty`
    says whether lines should be clipped to `width` (a terminal) or kept whole (a pipe, for grep).
    """

    def __init__(self, stream: IO[str] | None = None, colour: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.colour = use_colour(self.stream) if colour is None else colour
        self.tty = is_tty(self.stream)
        self.width = width(self.stream)
        self._console: Any = None

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
