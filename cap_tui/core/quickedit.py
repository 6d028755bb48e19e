"""Changing one field of a large plan without scanning all of it: the path `cap set` takes.

The whole file is still read with tomllib (so a file that is not valid TOML is refused as
always), but only the one table that holds the node is cut out, opened as a small Document of
its own, changed by the same operation the editor makes (a SetField), and spliced back. The cut
is checked: the table read on its own must hold exactly the node's data as the whole-file read
has it, or cap falls back to the full Document.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any, NamedTuple

from .document import Document
from .edit.segments import headers_above
from .model import Node, Plan
from .shape import SHAPE, Level
from .source import BOM, Source

_HEADER_LINE = re.compile(r"^[ \t]*\[", re.M)


class Cut(NamedTuple):
    """One table cut out of a file, open for editing as a small Document of its own."""

    start: int
    end: int
    doc: Document
    node: Node
    prefix: str


def _node_data(data: dict[str, Any], level: Level) -> Any:
    value: Any = data
    for k in SHAPE[level].path:
        value = value.get(k) if isinstance(value, dict) else None
        if isinstance(value, list):
            value = value[-1] if len(value) == 1 else None
    return value


def _candidates(text: str, node: Node) -> list[int]:
    """Offsets of the header lines that may start the node's table (checked by the caller)."""
    if node.kind is Level.PLAN:
        return [m.start() for m in re.finditer(r"^\[[ \t]*plan[ \t]*\]", text, re.M)]
    nid = re.escape(node.id)
    pattern = re.compile(rf"^[ \t]*id[ \t]*=[ \t]*(?:\"{nid}\"|'{nid}')[ \t]*(?:#[^\n]*)?\r?$",
                         re.M)
    out = []
    for m in pattern.finditer(text):
        head = text.rfind("\n[", 0, m.start())
        if head >= 0:
            out.append(head + 1)
        elif text.startswith("["):
            out.append(0)
    return out


def cut(source: Source, plan: Plan, node: Node) -> Cut | None:
    """The node's table as a Document of its own, or None when it cannot be cut out safely."""
    text = source.text
    found: list[Cut] = []
    for start in _candidates(text, node):
        m = _HEADER_LINE.search(text, text.find("\n", start) + 1)
        end = m.start() if m else len(text)
        if not text.startswith(SHAPE[node.kind].header, start):
            continue
        # the headers above, so that the table reads as a plan of one node
        prefix = headers_above(node.kind, source.newline)
        region = prefix + text[start:end]
        try:
            data = tomllib.loads(region)
        except tomllib.TOMLDecodeError:
            continue
        child = SHAPE[node.kind].child
        own = {k: v for k, v in node.data.items() if k != child}
        if _node_data(data, node.kind) != own:
            continue
        small = Source(source.path, region.encode("utf-8"), region, False, source.newline)
        doc = Document(small, data)
        inner = doc.plan.root if node.kind is Level.PLAN else next(
            (n for n in doc.plan.nodes() if n.kind is node.kind), None)
        if inner is None:
            continue
        found.append(Cut(start, end, doc, inner, prefix))
    return found[0] if len(found) == 1 else None


def splice(source: Source, c: Cut) -> bytes:
    """The whole file's bytes with the cut table replaced by its edited text."""
    edited = c.doc.text()
    assert edited.startswith(c.prefix)
    text = source.text[: c.start] + edited[len(c.prefix) :] + source.text[c.end :]
    return ((BOM if source.bom else "") + text).encode("utf-8")


def line_of(source: Source, c: Cut, key: str) -> tuple[int, int]:
    line, col = c.doc.locate(c.node, key)
    return source.text.count("\n", 0, c.start) + line - c.prefix.count("\n"), col
