"""Where things are in a TOML file: table headers, keys and the extent of their values.

tomllib gives values but no positions; this scanner gives positions but no values. Together they
let cap report a problem at its line and column, and rewrite one value or one table without
parsing or re-serialising anything else. The scanner is regex-driven (no per-character Python
loop over long strings), so it costs a fraction of a tomllib parse.

It assumes the text already parsed with tomllib: it finds structure, it does not check syntax.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

_BARE_KEY = r"[A-Za-z0-9_-]+"
_BASIC = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_LITERAL = r"'[^'\n]*'"
_KEY_PART = rf"(?:{_BARE_KEY}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"

_HEADER_RE = re.compile(rf"[ \t]*(\[\[?)[ \t]*({_DOTTED})[ \t]*\]\]?")
_KEY_RE = re.compile(rf"[ \t]*({_DOTTED})[ \t]*=[ \t]*")
_PART_RE = re.compile(_KEY_PART)

# "unrolled" loops: a run of ordinary characters is one regex step, not one step a character
_ML_BASIC_END = re.compile(r'[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""(?:"{0,2})')
_ML_LITERAL_END = re.compile(r"[^']*(?:'(?!'')[^']*)*'''(?:'{0,2})")
_SINGLE_BASIC = re.compile(_BASIC)
_SINGLE_LITERAL = re.compile(_LITERAL)
_SCALAR = re.compile(r"[^\s#,\]}]+(?:[ T][0-9:.+\-Z]+)?")
# Inside arrays and inline tables: strings, comments and brackets are what matter.
_NESTED_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""(?:"{0,2})'
    r"|'''(?:[^']|'(?!''))*'''(?:'{0,2})"
    rf"|{_BASIC}|{_LITERAL}|#[^\n]*|[\[\]{{}}]|[^\"'#\[\]{{}}]+"
)
_LINE_TAIL = re.compile(r"[ \t]*(#[^\r\n]*)?")
# Most lines of a plan are `key = "text"`, perhaps with a comment: one regex step for all of it
# (the general path below takes five). The value must not open a multi-line string (`"""`).
_SIMPLE_ENTRY = re.compile(
    rf'[ \t]*({_BARE_KEY})[ \t]*=[ \t]*({_BASIC})(?!")[ \t]*(?:#[^\r\n]*)?(?=\r?\n|\Z)'
)


def unquote_key(part: str) -> str:
    """The key a quoted or bare key part names."""
    if part.startswith('"'):
        import tomllib

        key: str = tomllib.loads(f"k = {part}")["k"]
        return key
    if part.startswith("'"):
        return part[1:-1]
    return part


_BARE_FULL = re.compile(_BARE_KEY)


@lru_cache(maxsize=512)
def split_dotted(dotted: str) -> tuple[str, ...]:
    """`a . "b c".d` -> ("a", "b c", "d")."""
    if _BARE_FULL.fullmatch(dotted):  # the common case, and the one a large plan repeats
        return (dotted,)
    return tuple(unquote_key(m.group(0)) for m in _PART_RE.finditer(dotted))


def rebase(block: Block, start: int) -> Block:
    """The same block with offsets counted from `start` (for a block cut out of a file)."""
    return Block(
        block.name,
        block.is_array,
        block.start - start,
        block.header - start if block.name else 0,
        block.body - start,
        block.end - start,
        [
            Entry(e.key, e.start - start, e.value_start - start, e.value_end - start,
                  e.line_end - start)
            for e in block.entries
        ],
    )


class Entry:
    """One `key = value` in a table: where the key starts and where its value ends."""

    __slots__ = ("key", "line_end", "start", "value_end", "value_start")

    def __init__(self, key: tuple[str, ...], start: int, value_start: int, value_end: int,
                 line_end: int) -> None:
        self.key = key
        self.start = start  # offset of the key's first character
        self.value_start = value_start  # offset of the value's first character
        self.value_end = value_end  # offset just after the value
        self.line_end = line_end  # offset of the end of the value's last line

    def __repr__(self) -> str:
        return f"Entry({self.key!r}, {self.start}, {self.value_start}, {self.value_end})"


class Block:
    """A table: its header (or none, for the top of the file) and the lines up to the next one.

    `start` includes the comment lines written directly above the header (no blank line between),
    because such a comment speaks of the table below it. `end` is where the next block starts.
    """

    __slots__ = ("body", "end", "entries", "header", "is_array", "name", "start")

    def __init__(self, name: tuple[str, ...], is_array: bool, start: int, header: int, body: int,
                 end: int, entries: list[Entry] | None = None) -> None:
        self.name = name
        self.is_array = is_array
        self.start = start
        self.header = header  # offset of the `[` (or 0 for the root block)
        self.body = body  # offset just after the header line
        self.end = end
        self.entries: list[Entry] = entries if entries is not None else []

    def __repr__(self) -> str:
        return f"Block({self.name!r}, {self.start}, {self.header}, {self.body}, {self.end})"

    def entry(self, key: str) -> Entry | None:
        for e in self.entries:
            if e.key[0] == key:
                return e
        return None


class LineIndex:
    """Offsets to 1-based line and column numbers."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1


def value_end(text: str, pos: int) -> int:
    """The offset just after the TOML value that starts at `pos`."""
    ch = text[pos : pos + 3]
    if ch == '"""':
        m = _ML_BASIC_END.match(text, pos + 3)
        return m.end() if m else len(text)
    if ch == "'''":
        m = _ML_LITERAL_END.match(text, pos + 3)
        return m.end() if m else len(text)
    c = text[pos : pos + 1]
    if c == '"':
        m = _SINGLE_BASIC.match(text, pos)
        return m.end() if m else len(text)
    if c == "'":
        m = _SINGLE_LITERAL.match(text, pos)
        return m.end() if m else len(text)
    if c in "[{":
        depth = 0
        for m in _NESTED_TOKEN.finditer(text, pos):
            tok = m.group(0)
            if tok in ("[", "{"):
                depth += 1
            elif tok in ("]", "}"):
                depth -= 1
                if depth == 0:
                    return m.end()
        return len(text)
    m = _SCALAR.match(text, pos)
    end = m.end() if m else pos
    # a scalar never ends in white space (`1979-05-27 ` must not swallow the space)
    while end > pos and text[end - 1] in " \t":
        end -= 1
    return end


def scan(text: str) -> list[Block]:
    """Split a TOML text into blocks (one per table header, plus the root) with their entries."""
    blocks: list[Block] = [Block((), False, 0, 0, 0, len(text))]
    n = len(text)
    pos = 0
    pending_comment: int | None = None  # start of a run of comment lines directly above
    simple = _SIMPLE_ENTRY.match
    while pos < n:
        m = simple(text, pos)
        if m:
            pending_comment = None
            key = m.group(1)
            blocks[-1].entries.append(
                Entry((key,), m.start(1), m.start(2), m.end(2), m.end()))
            nl = text.find("\n", m.end())
            pos = n if nl < 0 else nl + 1
            continue
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        next_line = n if nl < 0 else nl + 1
        i = pos
        while i < line_end and text[i] in " \t":
            i += 1
        c = text[i] if i < line_end else ""
        if c == "" or c == "\r":
            pending_comment = None
            pos = next_line
            continue
        if c == "#":
            if pending_comment is None:
                pending_comment = pos
            pos = next_line
            continue
        if c == "[":
            m = _HEADER_RE.match(text, pos)
            if m:
                start = pending_comment if pending_comment is not None else pos
                blocks[-1].end = start
                blocks.append(
                    Block(split_dotted(m.group(2)), m.group(1) == "[[", start, i, next_line, n)
                )
                pending_comment = None
                pos = next_line
                continue
        pending_comment = None
        m = _KEY_RE.match(text, pos)
        if not m:  # not TOML we understand: move on rather than loop
            pos = next_line
            continue
        vstart = m.end()
        vend = value_end(text, vstart)
        t = _LINE_TAIL.match(text, vend)
        tail_end = t.end() if t else vend
        blocks[-1].entries.append(Entry(split_dotted(m.group(1)), i, vstart, vend, tail_end))
        nl = text.find("\n", vend)
        pos = n if nl < 0 else nl + 1
    return blocks
