"""Writing one TOML value in the style its old value was written in.

An officer who changes a progress update written as a multi-line string gets a multi-line string
back, not the one-line basic string a naive `doc[key] = "..."` would give. The escapes match
tomlkit's, so a value written here is byte for byte what a style-preserving tomlkit edit writes
(tests/test_fast_edit.py proves it on every field of every plan).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from typing import Any

_COMPACT = {
    "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\",
}
_SL_BASIC_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_ML_BASIC_ESCAPE = re.compile(r'[\x00-\x09\x0b-\x1f\x7f\\]|"""')
_LITERAL_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f']")
_ML_LITERAL_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|'''")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _escape(match: re.Match[str]) -> str:
    s = match.group(0)
    if s == '"""':
        return '""\\"'
    return _COMPACT.get(s) or f"\\u{ord(s):04x}"


def string_style(raw: str | None) -> str:
    """The style of a raw TOML string: 'basic', 'literal', 'ml-basic' or 'ml-literal'."""
    if not raw:
        return ""
    if raw.startswith('"""'):
        return "ml-basic"
    if raw.startswith("'''"):
        return "ml-literal"
    if raw.startswith('"'):
        return "basic"
    if raw.startswith("'"):
        return "literal"
    return ""


def render_string(value: str, old_raw: str | None = None, newline: str = "\n") -> str:
    """`value` as a TOML string in `old_raw`'s style (a basic string when there is none).

    A value with a line break turns a one-line style into its multi-line form; a value a literal
    string cannot hold turns it into the basic form. Multi-line strings keep whether their text
    started on the line after the opening quotes, and use the file's line endings.
    """
    style = string_style(old_raw) or ("ml-basic" if "\n" in value else "basic")
    if style == "basic" and "\n" in value:
        style = "ml-basic"
    if style == "literal":
        if "\n" in value:
            style = "ml-literal"
        elif _LITERAL_FORBIDDEN.search(value):
            style = "basic"
    if style == "ml-literal" and _ML_LITERAL_FORBIDDEN.search(value):
        style = "ml-basic"
    if style == "basic":
        return '"' + _SL_BASIC_ESCAPE.sub(_escape, value) + '"'
    if style == "literal":
        return "'" + value + "'"
    lead = ""
    if (old_raw and old_raw[3:4] in ("\n", "\r")) or value.startswith("\n"):
        lead = newline
    if style == "ml-literal":
        body = value if newline == "\n" else value.replace("\n", newline)
        return "'''" + lead + body + "'''"
    # One or two quotes may sit just inside the closing `"""` (TOML 1.0): `"""say "hi""""` is
    # valid, and is what tomlkit writes, so the last quote is not escaped.
    body = _ML_BASIC_ESCAPE.sub(_escape, value)
    if newline != "\n":
        body = body.replace("\n", newline)
    return '"""' + lead + body + '"""'


def render(value: Any, old_raw: str | None = None, newline: str = "\n") -> str | None:
    """A simple value as TOML text, or None when it needs a real TOML writer (tables)."""
    if isinstance(value, str):
        return render_string(value, old_raw, newline)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        parts = [render(v, None, newline) for v in value]
        if any(p is None or "\n" in p for p in parts):
            return None
        return "[" + ", ".join(p for p in parts if p is not None) + "]"
    return None


def render_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, quoted otherwise."""
    if _BARE_KEY.fullmatch(key):
        return key
    return render_string(key)
