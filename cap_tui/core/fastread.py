"""A plan's data read from the layout scan, for opening a large plan in the editor at once.

tomllib is a careful, character-by-character parser: on a 5,000-action plan it takes over a
second, before the editor can show anything. The editor already scans the file (layout.scan) to
know where every table and value is, and almost every value in a plan is a string with nothing
to unescape. So this reader takes each value's text from the scan and decodes the simple ones
itself, handing anything else (escapes, arrays, inline tables, floats, times) to tomllib one value
at a time. It gives up (returns None) on anything it is not sure of: dotted keys, a key written
twice, a header it cannot place; the caller then uses tomllib for the whole file.

It does not check TOML syntax. The editor therefore runs tomllib on the same text in the
background, and compares: a file tomllib rejects, or reads differently, cannot be saved until it
is reopened (see tui/editor.py). Tests check that both readers agree on every plan.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from typing import Any

from .layout import Block, scan
from .problems import PlanError
from .source import Source, parse_toml

FAST_READ_FROM = 1_000_000  # characters: smaller plans are read by tomllib, at once anyway

_INT = re.compile(r"[+-]?(?:0|[1-9][0-9]*)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Unsure(Exception):
    pass


def decode_value(raw: str) -> Any:
    """One TOML value's text to its Python value, as tomllib reads it."""
    c = raw[:1]
    if c == '"':
        if raw.startswith('"""'):
            body = raw[3:-3]
            if "\\" not in body and "\r" not in body:
                return body[1:] if body.startswith("\n") else body
        elif "\\" not in raw:
            return raw[1:-1]
    elif c == "'":
        if raw.startswith("'''"):
            body = raw[3:-3]
            if "\r" not in body:
                return body[1:] if body.startswith("\n") else body
        else:
            return raw[1:-1]
    elif raw == "true":
        return True
    elif raw == "false":
        return False
    elif _INT.fullmatch(raw):
        return int(raw)
    elif _DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise _Unsure from None
    try:
        return tomllib.loads("v = " + raw)["v"]
    except tomllib.TOMLDecodeError:
        raise _Unsure from None


def _table_for(root: dict[str, Any], name: tuple[str, ...], is_array: bool) -> dict[str, Any]:
    """The dict a header opens, made as TOML would make it."""
    node: Any = root
    for part in name[:-1]:
        nxt = node.get(part)
        if nxt is None:
            nxt = node[part] = {}
        if isinstance(nxt, list):
            if not nxt or not isinstance(nxt[-1], dict):
                raise _Unsure
            nxt = nxt[-1]
        if not isinstance(nxt, dict):
            raise _Unsure
        node = nxt
    last = name[-1]
    if is_array:
        arr = node.setdefault(last, [])
        if not isinstance(arr, list):
            raise _Unsure
        table: dict[str, Any] = {}
        arr.append(table)
        return table
    if last in node:
        raise _Unsure  # a table opened twice, or one that was implicit: leave it to tomllib
    table = node[last] = {}
    return table


def read_plan_data(source: Source) -> tuple[dict[str, Any], list[Block] | None, bool]:
    """A plan's data: by tomllib, or from the scan for a file of FAST_READ_FROM characters or
    more. Returns the data, the scan (when one was made, for the caller to reuse) and whether
    tomllib read it; when it did not, the data must be checked (Document.verify) before a save
    is trusted."""
    if len(source.text) < FAST_READ_FROM:
        return parse_toml(source), None, True
    blocks = scan(source.text)
    data = read_blocks(source.text, blocks)
    if data is None:
        return parse_toml(source), blocks, True
    return data, blocks, False


def read_blocks(text: str, blocks: list[Block]) -> dict[str, Any] | None:
    """The file's data, or None when this reader is not sure it would match tomllib."""
    root: dict[str, Any] = {}
    try:
        for block in blocks:
            table = _table_for(root, block.name, block.is_array) if block.name else root
            for e in block.entries:
                if len(e.key) != 1:
                    return None
                key = e.key[0]
                if key in table:
                    return None
                table[key] = decode_value(text[e.value_start : e.value_end])
    except _Unsure:
        return None
    return root


def verify_source(source: Source) -> str | None:
    """Read a text with tomllib and with this reader; None when they agree, else what to tell
    the officer (saving is then off: the file is not what cap showed)."""
    try:
        truth = parse_toml(source)
    except PlanError as exc:
        return exc.problem.format()
    if read_blocks(source.text, scan(source.text)) != truth:
        return (f"{source.path}: cap's quick reading of this file differs from the TOML "
                "reader's; reopen it before saving")
    return None
