"""The footer of keys, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's Footer rebuilds all its keys every time the screen says its bindings may have
    changed: on every focus change, and once per notice even when several arrive together. At
    start-up that was three or four rebuilds, each a fresh layout and a full redraw of the screen.
    This one rebuilds once per burst of notices, and only when what it would show differs."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.set_reactive(Footer._bindings_ready, True)  # the screen's keys are known already
        self._pending = False
        self._shown: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        self._shown = self.keys_shown()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._pending:
            return
        if self.is_attached and screen is self.screen:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        if not self.is_attached:  # removed (its screen recomposed) before this came round
            return
        keys = self.keys_shown()
        if keys != self._shown:
            self._shown = keys
            await self.recompose()

    def keys_shown(self) -> tuple[object, ...]:
        """Everything the footer's keys are drawn from: the screen's active bindings."""
        bindings = self.screen.active_bindings.items()
        return (
            *((key, b.action, b.description, b.show, b.group, enabled, tooltip)
              for key, (_node, b, enabled, tooltip) in bindings),
            self.app.ENABLE_COMMAND_PALETTE,
            self.show_command_palette,
        )
