"""Widgets whose content is built in the frame after the editor's first.

The first frame is what the officer waits for: the plan's tree, the heading of the node shown,
the summary line and the keys. What they do not need to see at once (the node's fields, the
summary pane and the problems list, the filter bar) is built just after it, or at once when a
key asks for it sooner: `ready()` builds it then, and its widgets can be found as soon as it
returns. (Textual's `Lazy` mounts a widget after a refresh too, but gives no way to have it
sooner, and a key that wants it would find nothing.)
"""

from __future__ import annotations

from textual.widget import Widget


class BuiltAfterFirstFrame(Widget):
    """A widget whose `build` runs once: after the first frame, or at the first `ready()`.
    Listed after the Textual class it is mixed into (its CSS bases stay Textual's)."""

    _built = False

    def on_mount(self) -> None:
        self.call_after_refresh(self.ready)

    @property
    def built(self) -> bool:
        return self._built

    def ready(self) -> None:
        """Build the content now, unless it is built already."""
        if not self._built:
            self._built = True
            self.build()

    def build(self) -> None:
        raise NotImplementedError
