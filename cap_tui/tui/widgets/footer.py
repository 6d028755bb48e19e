"""The line of keys at the bottom of every screen: one widget, redrawn only when its keys change.

Every key shown has its whole label: when the line is too narrow for them all, keys give way
whole, in the order tui/bindings.py gives (`FOOTER_GIVES_WAY`), never cut in the middle."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from ..bindings import footer_rank

_Key = tuple[str, str, str, bool, int]  # key, shown (^s), what it does, enabled, rank


def _cells(key: _Key) -> int:
    """The columns a key takes: ` ^s ` and `Save `."""
    return Text(f" {key[1]} {key[2]} ").cell_len


def fit(keys: list[_Key], room: int) -> list[_Key]:
    """The keys that fit in `room` columns, whole, in their order: the lowest ranked give way
    first (of equal rank, the rightmost)."""
    kept = list(keys)
    while kept and sum(_cells(k) for k in kept) > room:
        drop = min(range(len(kept)), key=lambda i: (kept[i][4], -i))
        del kept[drop]
    return kept


class KeysFooter(Widget, can_focus=False):
    """The keys that work here, as Textual's Footer shows them, and the command palette's key
    on the right. Clicking a key presses it.

    Textual's Footer is a widget per key, rebuilt (a new layout and a full redraw of the screen)
    whenever focus moves, and it lists the keys in the order the focused widget's bindings put
    them, so "Save" and "Undo" swapped places moving from a status to a progress update. This
    one is a single line of text, in a fixed order (the focused widget's keys, then the screen's,
    then the app's), repainted only when the keys shown change.
    """

    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeysFooter > .keys-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeysFooter > .keys-footer--description {
        color: $footer-description-foreground;
    }
    KeysFooter > .keys-footer--disabled {
        color: $text-disabled;
    }
    KeysFooter > .keys-footer--separator {
        color: $foreground 20%;
    }
    """
    COMPONENT_CLASSES = {
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--disabled",
        "keys-footer--separator",
    }

    def __init__(self) -> None:
        super().__init__()
        self._pending = False
        self._drawn: tuple[object, ...] | None = None
        self._strip = Strip.blank(0)  # the line drawn: made once per change of keys
        self._spans: list[tuple[int, int, str]] = []  # columns of each key, for clicks
        self._seen: dict[str, int] = {}  # each key's place when first shown: it keeps it

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._draw()  # in the first paint, at the width it will have (the whole line)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self._pending and self.is_attached and screen is self.screen:
            self._pending = True  # once per burst of notices (focus moves send several)
            self.call_later(self._redraw)  # in the frame the move is drawn in, not the next

    def _redraw(self) -> None:
        self._pending = False
        if self.is_attached:
            self._draw()

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._drawn is not None:  # drawn already, in colours that may have changed
            self._drawn = None
            self._draw()

    def keys_shown(self) -> tuple[list[_Key], _Key | None]:
        """The keys to show, in order, and the command palette's key."""
        palette_key = self.app.COMMAND_PALETTE_BINDING
        ranked: list[tuple[int, int, _Key]] = []
        palette: _Key | None = None
        actions: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            node, binding, enabled, _tooltip = active
            shown = (key, self.app.get_key_display(binding), binding.description, enabled,
                     footer_rank(binding.id))
            if key == palette_key:
                if self.app.ENABLE_COMMAND_PALETTE:
                    palette = shown
                continue
            if not binding.show or binding.action in actions:
                continue  # one key per action, as Footer does
            actions.add(binding.action)
            depth = sum(1 for _ in node.ancestors)  # the focused widget's keys first
            ranked.append((-depth, self._seen.setdefault(key, len(self._seen)), shown))
        ranked.sort(key=lambda r: (r[0], r[1]))
        return [shown for _depth, _index, shown in ranked], palette

    def _draw(self) -> None:
        keys, palette = self.keys_shown()
        width = self.size.width or self.app.size.width
        drawn = (width, tuple(keys), palette)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        key_style = self.get_component_rich_style("keys-footer--key")
        words_style = self.get_component_rich_style("keys-footer--description")
        disabled = self.get_component_rich_style("keys-footer--disabled")
        right = Text()
        if palette is not None:
            right.append("▏", self.get_component_rich_style("keys-footer--separator"))
            right.append(palette[1], key_style)
            right.append(f" {palette[2]} ", words_style)
        room = max(0, width - right.cell_len)
        left = Text(no_wrap=True, overflow="crop")
        self._spans = []
        for key, shown, words, enabled, _rank in fit(keys, room):
            start = left.cell_len
            left.append(f" {shown} ", key_style if enabled else disabled + Style(bold=True))
            left.append(f"{words} ", words_style if enabled else disabled)
            self._spans.append((start, left.cell_len, key))
        left.truncate(room, overflow="crop", pad=True)
        self._spans = [(start, min(end, room), key) for start, end, key in self._spans
                       if start < room]
        if palette is not None:
            self._spans.append((room, width, palette[0]))
        base = self.rich_style
        self._strip = Strip((left + right).render(self.app.console)).apply_style(base) \
            .adjust_cell_length(width, base)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        # the line made in _draw: Textual's render of a Text (through Rich) cost 4 ms a frame
        return self._strip if y == 0 else Strip.blank(self.size.width, self.rich_style)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
