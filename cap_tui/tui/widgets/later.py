"""Widgets whose content is built in the frame after the editor's first.

The first frame is what the officer waits for: the plan's tree, the heading of the node shown,
the summary line and the keys. What they do not need to see at once (the node's fields, the
summary pane and the problems list, the filter bar) is built just after it, or at once when a
key asks for it sooner: `ready()` builds it then, and its widgets can be found as soon as it
returns; `settled()` waits until they are mounted too (keys typed before the first frame are
given to the screen then: app.CapApp). (Textual's `Lazy` mounts a widget after a refresh too,
but gives no way to have it sooner, and a key that wants it would find nothing.)
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import AwaitMount, Widget


class BuiltAfterFirstFrame(Widget):
    """A widget whose `build` runs once: after the first frame, or at the first `ready()`.
    Listed after the Textual class it is mixed into (its CSS bases stay Textual's)."""

    _built = False
    _mounting: tuple[AwaitMount, ...] = ()  # what `build` mounted

    def on_mount(self) -> None:
        self.call_after_refresh(self.ready)

    @property
    def built(self) -> bool:
        return self._built

    def ready(self) -> None:
        """Build the content now, unless it is built already."""
        if not self._built:
            self._built = True
            self._mounting = tuple(self.build())

    async def settled(self) -> None:
        """Built, and what it built mounted: a key can be given to it."""
        self.ready()
        for mounting in self._mounting:
            await mounting

    def build(self) -> Iterable[AwaitMount]:
        """Build the content; returns the mounts it started."""
        raise NotImplementedError
