"""Reading a large plan quickly, for opening it in the editor at once.

tomllib is a careful, character-by-character parser: on a 5,000-action plan it takes over a
second, before the editor can show anything. A plan of FAST_READ_FROM characters or more is read
by rtoml instead (a TOML parser written in Rust: the same plan in about a tenth of the time), and
the editor's layout scan (where every table and value is, what edits are made with) is put off
until after the first paint (Document.segments).

The editor then checks the file in the background, with tomllib (the reader every other cap
command uses) and with its own scan: `verify_source` reads the scan's values (`read_blocks`,
which decodes the simple values itself and hands anything else to tomllib one value at a time)
and compares all three. A file tomllib rejects, or that any of them reads differently, cannot be
saved until it is reopened (see tui/screens/plan_file.py). Tests check that they agree on every
plan.
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


def read_plan_data(source: Source) -> tuple[dict[str, Any], bool]:
    """A plan's data: by tomllib, or by rtoml for a file of FAST_READ_FROM characters or more.
    Returns the data and whether tomllib read it; when it did not, the data must be checked
    (Document.verify) before a save is trusted. A file rtoml rejects is read by tomllib, for
    its message (a PlanError naming the line and column)."""
    if len(source.text) < FAST_READ_FROM:
        return parse_toml(source), True
    data = quick_read(source.text)
    if data is None:
        return parse_toml(source), True
    return data, False


def quick_read(text: str) -> dict[str, Any] | None:
    """A large text's data by rtoml, or None when rtoml rejects it."""
    import rtoml  # only here: only a large plan opened in the editor is read by it

    try:
        data: dict[str, Any] = rtoml.loads(text)
    except (rtoml.TomlParsingError, ValueError, RecursionError):
        return None
    return data


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
    """Read a text with tomllib, with rtoml (what the editor showed) and from the layout scan
    (what its edits are made with); None when all three agree, else what to tell the officer
    (saving is then off: the file is not what cap showed)."""
    try:
        truth = parse_toml(source)
    except PlanError as exc:
        return exc.problem.format()
    if quick_read(source.text) != truth or read_blocks(source.text, scan(source.text)) != truth:
        return (f"{source.path}: cap's quick reading of this file differs from the TOML "
                "reader's; reopen it before saving")
    return None
