"""Which table of the file holds which node of the plan.

A plan is written as nested arrays of tables; the n-th `[[theme.programme.action]]` after a
`[[theme.programme]]` header is that programme's n-th action, exactly as TOML reads it. These
functions give each block its place: () for [plan], (t,) for a theme, (t, p) for a programme,
(t, p, a) for an action. Blocks that belong to none (other tables) get None.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .layout import Block

THEME = ("theme",)
PROGRAMME = ("theme", "programme")
ACTION = ("theme", "programme", "action")
NODE_NAMES = {THEME: 1, PROGRAMME: 2, ACTION: 3}

Place = tuple[int, ...]


def places(blocks: Iterable[Block]) -> list[tuple[Place | None, bool]]:
    """For each block: its node's place, and whether it is the node's own table (not a sub-table).

    The root block (before any header) holds top-level keys; it is given no place.
    """
    out: list[tuple[Place | None, bool]] = []
    t = p = a = -1
    for block in blocks:
        name = block.name
        if not name:
            out.append((None, False))
            continue
        if name == ("plan",) and not block.is_array:
            out.append(((), True))
            continue
        if name[0] == "plan":
            out.append(((), False))
            continue
        depth = NODE_NAMES.get(name)
        if depth and block.is_array:
            if depth == 1:
                t, p, a = t + 1, -1, -1
                out.append(((t,), True))
            elif depth == 2:
                p, a = p + 1, -1
                out.append(((t, p), True))
            else:
                a += 1
                out.append(((t, p, a), True))
            continue
        # a sub-table of the deepest node its name runs through: [theme.programme.action.x]
        if name[:3] == ACTION and a >= 0:
            out.append(((t, p, a), False))
        elif name[:2] == PROGRAMME and p >= 0:
            out.append(((t, p), False))
        elif name[:1] == THEME and t >= 0:
            out.append(((t,), False))
        else:
            out.append((None, False))
    return out


def own_blocks(blocks: Sequence[Block]) -> dict[Place, int]:
    """Each node's place -> the index of its own table in `blocks`."""
    return {place: i for i, (place, own) in enumerate(places(blocks)) if own and place is not None}
