"""The plan file as segments: one per TOML table, kept as text, and which node each belongs to.

A segment is a table's header line and body, the blank lines after it, and the comments written
directly above its header (they speak of it). Joined in order, the segments are the file, byte
for byte. A node's *span* is its own segment and everything that belongs to it: its sub-tables
([theme.programme.action.budget]) and its descendants' segments. Adding, deleting and moving a
node inserts, removes and moves spans; setting a field rewrites one segment's text.
"""

from __future__ import annotations

from typing import Any

from ..layout import Block, rebase, scan
from ..model import Node, Plan
from ..shape import BY_PATH, SHAPE, Level
from ..structure import places
from .ops import EditError


class Segment:
    """One table of the file as text: its header line, its body, and any comment above it.

    `block` gives positions within `text`. A segment cut from a scanned file keeps the file's
    block and the offset to subtract until its positions are first needed (most never are).
    """

    __slots__ = ("_block", "_shift", "text")

    def __init__(self, text: str, block: Block | None = None, shift: int = 0) -> None:
        self.text = text
        self._shift = shift
        if block is None:
            self.rescan()
        else:
            self._block = block

    @property
    def block(self) -> Block:
        if self._shift:
            self._block = rebase(self._block, self._shift)
            self._shift = 0
        return self._block

    @property
    def name(self) -> tuple[str, ...]:
        return self._block.name

    def rescan(self) -> None:
        """Find the table's positions again, after its text changed."""
        blocks = scan(self.text)
        # a segment holds one table: the root block when it has no header, else the header block
        self._block = blocks[1] if len(blocks) > 1 else blocks[0]
        self._shift = 0

    def body_data(self) -> dict[str, Any]:
        """The table's keys and values, read by tomllib."""
        import tomllib  # (at the first edit, not before the editor's first paint)

        return tomllib.loads(self.text[self.block.body :] if self.block.name else self.text)

    def own_level(self) -> Level | None:
        """The level this is the own table of ([[theme.programme]]: PROGRAMME), if any."""
        return BY_PATH.get(self._block.name) if self._block.is_array else None


def cut(text: str) -> list[Segment]:
    """A text as segments, one a table (from its layout scan). The root segment, the text
    before the first table, is left out when there is none."""
    segments = [Segment(text[b.start : b.end], b, b.start) for b in scan(text)]
    if not segments[0].text:
        segments.pop(0)
    return segments


def headers_above(level: Level, newline: str = "\n") -> str:
    """The headers of the levels above `level` ("[[theme]]\n[[theme.programme]]\n" for an
    action): before a node's tables, they make them read as a plan of that one node."""
    path = SHAPE[level].path
    return "".join(f"[[{'.'.join(path[:d])}]]{newline}" for d in range(1, len(path)))


def split_tail(text: str) -> tuple[str, str]:
    """A text and the line ends at its end (its last line's, and any blank lines after it)."""
    stem = text.rstrip("\r\n")
    return stem, text[len(stem) :]


def ends_with_blank(text: str) -> bool:
    return text.endswith(("\n\n", "\n\r\n"))


class Segments:
    """The file's segments in order, and the segment that is each node's own table."""

    __slots__ = ("_node_of", "_seg_of", "items")

    def __init__(self, items: list[Segment], plan: Plan) -> None:
        self.items = items
        self._node_of: dict[Segment, Node] = {}
        self._seg_of: dict[int, Segment] = {}  # id(node) -> its own segment
        by_place: dict[tuple[int, ...], Node] = {(): plan.root}
        for t, theme in enumerate(plan.themes):
            by_place[(t,)] = theme
            for p, programme in enumerate(theme.children):
                by_place[(t, p)] = programme
                for a, action in enumerate(programme.children):
                    by_place[(t, p, a)] = action
        for seg, (place, own) in zip(items, places(s._block for s in items), strict=True):
            node = by_place.get(place) if own and place is not None else None
            if node is not None:
                self._node_of[seg] = node
                self._seg_of[id(node)] = seg

    def text(self) -> str:
        return "".join(s.text for s in self.items)

    def own(self, node: Node) -> Segment | None:
        """The node's own table, or None when it is not written as one (a [plan] not there)."""
        return self._seg_of.get(id(node))

    def line_of(self, seg: Segment) -> int:
        """The 1-based line the segment starts on."""
        line = 1
        for s in self.items:
            if s is seg:
                break
            line += s.text.count("\n")
        return line

    def _loose(self, seg: Segment) -> bool:
        """A table that is no node's own: a sub-table, or one cap does not know ([notes])."""
        return bool(seg.name) and seg not in self._node_of

    def span(self, node: Node) -> tuple[int, int]:
        """Indices [i, j) of the segments holding a node, its sub-tables and its descendants.
        Raises EditError when the node is not written as a table of its own."""
        own = self._seg_of.get(id(node))
        if own is None:
            raise EditError(f"{node.id or node.kind} cannot be changed here: it is not written "
                            f"as its own {SHAPE[node.kind].header} table")
        items = self.items
        first = items.index(own)
        mine = {id(n) for n in node.walk()}
        # a sub-table such as [theme.programme.action.budget] belongs to the last node of its
        # path so far: within the span, that is this node or one of its descendants, even when
        # it is written after them ([theme.programme.meta] after the programme's actions)
        path = SHAPE[node.kind].path
        last = first
        for i in range(first + 1, len(items)):
            seg = items[i]
            n = self._node_of.get(seg)
            if n is not None:
                if id(n) not in mine:
                    break
            elif seg.name[: len(path)] != path:
                break
            last = i
        return first, last + 1

    def place_of(self, node: Node) -> tuple[Node | None, int]:
        """Where a node is (see ops.Place): the sibling it follows (None: it is the first) and
        the loose tables between."""
        parent = node.parent
        assert parent is not None
        siblings = parent.children
        k = next(i for i, n in enumerate(siblings) if n is node)
        i, j = self.span(node)
        if k > 0:
            return siblings[k - 1], i - self.span(siblings[k - 1])[1]
        if k + 1 < len(siblings):
            return None, self.span(siblings[k + 1])[0] - j
        if parent.kind is Level.PLAN:
            return None, len(self.items) - j
        return None, self.span(parent)[1] - j

    def insertion_index(self, parent: Node, after: Node | None, skip: int) -> tuple[int, int]:
        """The index at which a child of `parent` placed after `after` (see ops.Place) goes, and
        the loose tables actually skipped: never more than there are there."""
        items = self.items
        taken = 0
        if after is not None:
            at = self.span(after)[1]
            while taken < skip and at < len(items) and self._loose(items[at]):
                at, taken = at + 1, taken + 1
            return at, taken
        if parent.children:
            at = self.span(parent.children[0])[0]
        elif parent.kind is Level.PLAN:
            at = len(items)
        else:
            at = self.span(parent)[1]
        while taken < skip and at > 0 and self._loose(items[at - 1]):
            at, taken = at - 1, taken + 1
        return at, taken

    def bind(self, segments: list[Segment], node: Node) -> None:
        """Pair the own tables among `segments` with `node` and its descendants, in file order."""
        own = [s for s in segments if s.own_level() is not None]
        for seg, n in zip(own, node.walk(), strict=True):
            self._node_of[seg] = n
            self._seg_of[id(n)] = seg

    def unbind(self, segments: list[Segment]) -> None:
        for seg in segments:
            node = self._node_of.pop(seg, None)
            if node is not None:
                del self._seg_of[id(node)]
