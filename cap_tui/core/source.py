"""Reading a plan file's bytes: UTF-8 (with or without a byte-order mark), LF or CRLF, TOML 1.0."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .problems import PlanError, Problem, Severity

BOM = "\ufeff"
_TOMLLIB_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


class Source:
    """A plan file's text as read, and how it was written (BOM, line endings)."""

    __slots__ = ("bom", "newline", "path", "raw", "text")

    def __init__(self, path: str, raw: bytes, text: str, bom: bool, newline: str) -> None:
        self.path = path
        self.raw = raw
        self.text = text  # the text without its BOM
        self.bom = bom
        self.newline = newline  # "\n" or "\r\n": what new lines written into this file use


def decode(path: str, raw: bytes) -> Source:
    """Bytes to text; a file that is not UTF-8 is a PlanError at the first bad byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # a column in characters, as tomllib and editors count them (the bytes before the bad
        # one are good UTF-8); a byte-order mark is not a character of the first line
        prefix = before[before.rfind(b"\n") + 1 :].decode("utf-8").removeprefix(BOM)
        col = len(prefix) + 1
        raise PlanError(
            Problem(
                path,
                line,
                col,
                Severity.ERROR,
                f"this file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                "save it as UTF-8 and try again",
            )
        ) from None
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    return Source(path, raw, text, bom, newline)


def read_source(path: str | Path) -> Source:
    p = str(path)
    try:
        raw = Path(p).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        problem = Problem(p, 0, 0, Severity.ERROR, f"cannot read the file: {reason}")
        raise PlanError(problem) from None
    return decode(p, raw)


def parse_toml(source: Source) -> dict[str, Any]:
    """The file's data, read with tomllib (TOML 1.0). Syntax errors become a PlanError."""
    import tomllib  # here: the editor's first paint has the plan already (core/readahead.py)

    try:
        return tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(_syntax_problem(source, str(exc))) from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise PlanError(_too_deep(source)) from None


def _too_deep(source: Source) -> Problem:
    """Where a file nests arrays or inline tables deeper than any plan would."""
    text = source.text
    depth = 0
    for i, c in enumerate(text):
        depth += c in "[{"
        if depth > 100:
            line = text.count("\n", 0, i) + 1
            col = i - (text.rfind("\n", 0, i) + 1) + 1
            return Problem(source.path, line, col, Severity.ERROR,
                           "not valid for cap: arrays or tables nested too deeply to read")
        if c in "\n]}":
            depth = 0 if c == "\n" else max(depth - 1, 0)
    return Problem(source.path, 1, 1, Severity.ERROR,
                   "not valid for cap: arrays or tables nested too deeply to read")


# tomllib's words for the mistakes people make most, said as an officer would understand them
_HINTS = {
    "illegal character '\\n'": 'text in quotes runs to the end of the line: a closing " is '
    'missing, or use """ for text over several lines',
    "unterminated string": "text in quotes is never closed",
    "expected '=' after a key in a key/value pair": 'each line is key = value; text goes in quotes',
    "invalid value": 'text must be in quotes: title = "Like this"',
}


def _syntax_problem(source: Source, message: str) -> Problem:
    m = _TOMLLIB_POS.search(message)
    if m:
        line, col = int(m.group(1)), int(m.group(2))
        reason = message[: m.start()].strip()
    else:
        lines = source.text.split("\n")
        line, col = len(lines), len(lines[-1]) + 1
        reason = message.replace("(at end of document)", "").strip()
    reason = reason[:1].lower() + reason[1:]
    hint = _HINTS.get(reason)
    text = f"not valid TOML: {reason}" + (f" ({hint})" if hint else "")
    if _is_toml_11(source.text):
        text = (
            f"{text} (this is TOML 1.1 syntax; plans must be TOML 1.0 so that every "
            "TOML tool can read them)"
        )
    return Problem(source.path, line, col, Severity.ERROR, text)


def _is_toml_11(text: str) -> bool:
    """Whether a text tomllib rejects is accepted by tomlkit, which also reads TOML 1.1.

    Only called on the error path, so the read path never imports tomlkit.
    """
    try:
        import tomlkit

        tomlkit.parse(text)
    except Exception:
        return False
    return True
