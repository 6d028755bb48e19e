"""Python's cyclic garbage collector and the editor: none while the first screen is built, and
what the editor keeps for its lifetime left out of every collection after.

Building the first screen makes tens of thousands of objects (the plan, its document, the
widgets and their styles), and each few hundred set off a collection that walks what came
before: a full one among them took about 60 ms of the real plan's first paint. Nothing made
then is garbage worth collecting. Once the screen is drawn, what is loaded is frozen
(`gc.freeze`): it lives as long as the editor does, and a full collection walking it paused a
keystroke by about 100 ms every twenty keys or so. What is made and dropped while editing is
still collected as ever."""

from __future__ import annotations

import gc

REFREEZE = 2.0  # seconds after a reload


def hold() -> None:
    """No cyclic collection until `settle` (the first screen is being built)."""
    gc.disable()


def settle(collect: bool = False) -> None:
    """Leave what is loaded now out of collections, and collect again from here on.
    `collect`: a plan was replaced; collect it first (else it would be kept)."""
    if collect:
        gc.collect()
    gc.freeze()
    gc.enable()


def release() -> None:
    """Let what was frozen be collected again: a plan was replaced, its widgets among them."""
    gc.unfreeze()


def end() -> None:
    """The editor is closing: everything can be collected again, as before it started."""
    gc.unfreeze()
    gc.enable()
