"""Which table of the file holds which node of the plan.

A plan is written as nested arrays of tables; the n-th `[[theme.programme.action]]` after a
`[[theme.programme]]` header is that programme's n-th action, exactly as TOML reads it. These
functions give each block its place: () for [plan], (t,) for a theme, (t, p) for a programme,
(t, p, a) for an action. Blocks that belong to none (other tables) get None.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .layout import Block
from .shape import BY_PATH, NODE_LEVELS, SHAPE, Level

# the name of each node level's table -> its depth (BY_PATH gives the level)
NODE_NAMES: dict[tuple[str, ...], int] = {path: SHAPE[level].depth
                                          for path, level in BY_PATH.items()}
_PLAN_KEY = SHAPE[Level.PLAN].key  # "plan": [plan] and its sub-tables
_INNERMOST_FIRST = tuple((s.depth, s.path) for s in (SHAPE[lv] for lv in reversed(NODE_LEVELS)))

Place = tuple[int, ...]


def places(blocks: Iterable[Block]) -> list[tuple[Place | None, bool]]:
    """For each block: its node's place, and whether it is the node's own table (not a sub-table).

    The root block (before any header) holds top-level keys; it is given no place.
    """
    out: list[tuple[Place | None, bool]] = []
    # last[d]: the place of the last node of depth d; -1 where none has been seen yet (so an
    # action before any programme of its theme is at (t, -1, 0), as it always was)
    last: list[Place] = [(-1,) * d for d in range(len(NODE_LEVELS) + 1)]
    deepest = len(NODE_LEVELS)
    for block in blocks:
        name = block.name
        if not name:
            out.append((None, False))
            continue
        if name[0] == _PLAN_KEY:  # [plan] itself, or one of its sub-tables: [plan.statuses]
            out.append(((), len(name) == 1 and not block.is_array))
            continue
        d = NODE_NAMES.get(name)
        if d and block.is_array:
            place = last[d] = last[d - 1] + (last[d][-1] + 1,)
            while d < deepest:  # a new node starts its children's count again
                d += 1
                last[d] = last[d - 1] + (-1,)
            out.append((place, True))
            continue
        # a sub-table of the deepest node its name runs through: [theme.programme.action.x]
        for depth, path in _INNERMOST_FIRST:
            if name[:depth] == path and last[depth][-1] >= 0:
                out.append((last[depth], False))
                break
        else:
            out.append((None, False))
    return out


def own_blocks(blocks: Sequence[Block]) -> dict[Place, int]:
    """Each node's place -> the index of its own table in `blocks`."""
    return {place: i for i, (place, own) in enumerate(places(blocks)) if own and place is not None}
