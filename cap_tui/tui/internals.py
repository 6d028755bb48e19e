"""Every use of a Textual private name in cap's editor, in this one module (Textual 8.2).

Each adapter here stands for something Textual's public API does not offer yet. The widgets call
the adapters' public names (`drawn_value`, `set_document`, `set_virtual_size`, ...), never Textual's
private ones, and tests/test_textual_internals.py asserts that each private name still exists and
is still used by Textual the way cap relies on. When a Textual upgrade breaks one of those tests,
this module is the one place to fix.

What is relied on, and why:

- `Input._value`, `Input._position_to_cell`, `Input._cell_offset_to_index`: what an Input draws,
  where its cursor is and which character a click is on. SafeInput draws control characters as
  visible stand-ins, so it must answer all three (`DrawnInput`).
- `Document._lines`, `Document._newline`: a Document made from lines split at `\\n` only
  (Textual's splits at every `str.splitlines` break, changing text nobody edited)
  (`LinesDocument`).
- `TextArea._set_document`, `._highlight_query`, `._build_highlight_map`,
  `._rewrap_and_refresh_virtual_size`: giving a TextArea that document, wrapped as drawn
  (`DocumentHooks`, `install_document`); `TextArea._refresh_size`: its size for its text
  (`DocumentHooks.refresh_size`).
- `Widget._refresh_scrollbars`, `Widget._scroll_update`, `Input._watch_value`: a widget of a
  fixed size takes a new virtual size (the size of what it scrolls over) with a repaint and its
  scrollbars updated, not a layout of the whole screen (`set_virtual_size`, used by the text
  areas and `DrawnInput`); `Widget._size_updated`: a container takes the virtual size a layout
  gives it without asking for a second layout (`SteadyContainer`); `SelectCurrent`,
  `SelectOverlay`, `NoSelection`, `Select._type_to_search`: a Select that shows a new value with
  a repaint (`SteadySelect`). Moving from one action to the next in the tree then repaints the
  form's fields, in the same frame as the tree's cursor, without laying the screen out.
- `textual._cells.cell_width_to_column_index`: the column under a cell (`column_at_cell`).
- `Input._on_key`, `TextArea._on_key`, `DOMNode._bindings`: a field runs its own editing keys
  (backspace, delete, arrows, ctrl+k, ...) when their Key event reaches it, in the order typed
  (`run_own_binding`). Textual inserts printable characters in the widget's `_on_key` but runs
  bindings only when the Key has bubbled up to the App, so under fast typing (or a slow
  machine) a character typed after a backspace could land before it: "Strategy", End, eight
  backspaces and "XYZ" saved as "SXY" (Textual issue 6605; its fix, PR 6631, does the same).
- `App._check_bindings`, `Widget._forward_event`: a key that reaches a field (or the tree) after
  focus has moved on goes to the widget that has the focus now, and a non-printable key runs
  its bindings (Tab's focus_next among them) when it reaches the widget (`in_order`, used by
  the fields and `RestyledTree`). Textual
  forwards each key to the widget focused when the App reads it, and runs Tab's binding only
  once the Key has bubbled back up: "Quarter 3", Tab, "2025-01-31" sent at once put the date
  in the first field.
- `Tree._line_cache`, `Tree._clear_line_cache`: repainting a tree at a new size without the
  full layout Tree's own resize handler asks for (`repaint_lines`), and restyling it when it
  gains or loses focus without the rebuild and full screen layout Tree's
  `notify_style_update` asks for (`RestyledTree`); `Tree._pseudo_class_state` (set from
  `get_pseudo_class_state` and part of each drawn line's cache key), `TreeNode._updates` (also
  in that key) and `Tree._refresh_node`: on a focus change only the cursor node's lines are
  drawn again. `Select` subclassed with `_on_key`: its keys in the order typed (`SteadySelect`).
- `Screen.focused` is a Reactive that repaints the whole screen whenever focus moves; the
  widgets that gain and lose focus restyle and repaint themselves, so cap's screens declare it
  again without the repaint (`QuietFocusScreen`): a Tab or an Escape repaints two fields, not
  every line of the screen.
- `Screen._update_timer` (its frames), `Timer._run`, `Timer._tick`, `Timer._active`: the screen
  draws a frame as soon as one is asked for, at most one a frame interval, after letting the
  messages already sent arrive (`FrameTimer`); Textual's waited for the second grid point after
  the request, and a Tab drew in three frames 20 to 30 ms apart.
- `Styles.base._rules`, `DOMNode._component_styles`, `Widget._pseudo_classes_cache_key`,
  `Stylesheet.rules_map`, `Stylesheet.replace_rules`: the styles a widget gets in each state of
  focus, computed by Textual once and kept (`FocusStyles`); `Widget._on_focus`,
  `Widget._on_blur`: a tree gaining or losing the focus repaints its cursor's line, not all.
- `Screen._compositor_refresh`, `Screen._compositor`, `Compositor.visible_widgets`,
  `Compositor.update_widgets`, `Widget._repaint_required`: repaints asked for while a frame is
  being made (the scrollbars a layout sizes) are drawn in that frame; Textual's drew them in a
  frame of their own after it.
- `Stylesheet._parse_rules`, `Stylesheet._parse_cache`, `Stylesheet._variables`: the CSS
  Textual parses at every start (15-25 ms), kept in a file and taken from it at the next
  (`KeptStylesheet`).
- `App._notifications`, `Screen._compositor`, `App._background_screens`: what the tests read of
  the notifications shown and of the screen drawn (`notifications`, `screen_render`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self, cast

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual import events
from textual._cells import cell_width_to_column_index
from textual._time import get_time, sleep
from textual.app import App, ComposeResult
from textual.css.model import RuleSet
from textual.css.styles import RenderStyles, RulesMap
from textual.css.stylesheet import Stylesheet
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.screen import UPDATE_PERIOD, Screen, ScreenResultType
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import PseudoClasses, Widget
from textual.widgets import Input, Select, Static, TextArea, Tree
from textual.widgets._select import NoSelection, SelectCurrent, SelectOverlay
from textual.widgets.text_area import (
    Document,
    DocumentBase,
    DocumentNavigator,
    WrappedDocument,
)


# -- the stylesheet, parsed once, not at every start ---------------------------------------------
class KeptStylesheet(Stylesheet):
    """A Stylesheet that keeps what it parses in a file (`store`), and takes it from there at the
    next start: parsing Textual's and cap's CSS is 15-25 ms of every start, loading it 3-6 ms.

    Each set of rules is kept under everything its parsing depends on: the CSS text, where it
    was read from, its scope and tie-breaker, and the theme's variables; the file as a whole is
    kept for one installation of Textual's CSS parser (`_stamp`: its files' paths, sizes and
    times, and Python's version). Textual's own parse cache (`_parse_cache`, the same key less
    the variables, cleared when they change) is filled from the file before Textual looks in
    it. A file that cannot be read (missing, another Textual's, damaged) is ignored, and
    written again with what this run parsed (`keep`)."""

    def __init__(self, store: Path, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self.store = store
        self._kept: dict[tuple[object, ...], list[RuleSet]] | None = None
        self._used: set[tuple[object, ...]] = set()
        self._added = False
        self._theme: tuple[tuple[str, str], ...] | None = None

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._theme = None

    def _kept_rules(self) -> dict[tuple[object, ...], list[RuleSet]]:
        if self._kept is None:
            self._kept = {}
            with contextlib.suppress(Exception):  # no file, another Textual's, damaged
                with self.store.open("rb") as f:
                    stamp, kept = pickle.load(f)
                if stamp == _stamp() and isinstance(kept, dict):
                    self._kept = kept
        return self._kept

    def _parse_rules(self, css: str, read_from: Any, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        if self._theme is None:
            self._theme = tuple(sorted(self._variables.items()))
        parsed = (css, read_from, is_default_rules, tie_breaker, scope)
        key = (self._theme, parsed)
        kept = self._kept_rules()
        if parsed not in self._parse_cache and key in kept:
            self._parse_cache[parsed] = kept[key]
        rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        self._used.add(key)
        if key not in kept:
            kept[key] = rules
            self._added = True
        return rules

    def keep(self) -> None:
        """Write what was parsed this run and not kept yet (atomically: a file half written
        is never read). Kept: what this run used, and what was kept before, up to a limit."""
        if not self._added or self._kept is None:
            return
        kept = self._kept
        if len(kept) > 400:  # old CSS texts, other themes: start again from this run's
            kept = {k: v for k, v in kept.items() if k in self._used}
        with contextlib.suppress(OSError):
            self.store.parent.mkdir(parents=True, exist_ok=True)
            part = self.store.with_name(f"{self.store.name}.{os.getpid()}.part")
            with part.open("wb") as f:
                pickle.dump((_stamp(), kept), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(part, self.store)
        self._added = False


def _stamp() -> tuple[object, ...]:
    """What identifies the Textual that parsed a kept stylesheet (without importlib.metadata,
    which costs more than the stylesheet): the files of its CSS parser, and Python's version."""
    import sys

    import textual.css

    here = Path(textual.css.__file__).parent
    files = [here / name for name in ("parse.py", "model.py", "tokenize.py", "styles.py",
                                      "_styles_builder.py", "stylesheet.py")]
    return (sys.version, *((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files))


# -- keys in the order typed -------------------------------------------------------------------
async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run the widget's own (non-priority) binding for this key now, as the App would once the
    Key reached it; True when one ran (the event is then stopped: it is handled). Printable
    keys are left to the widget (they are text, not bindings), but for those it names in
    `AT_ONCE` (a tree's letters that act on the node under its cursor or open a view)."""
    if event.is_printable and event.key not in getattr(widget, "AT_ONCE", ()):
        return False
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


# Keys whose bindings move the focus, and only that (focus_next, focus_previous, the editor's
# "back to the tree"): run as they reach a widget, so the keys typed after them go where they
# went. Other bindings still run when the key has bubbled up to the App: an action that
# recomposes the screen (a reload) must not run inside the handler of a widget it removes.
FOCUS_KEYS = frozenset({"tab", "shift+tab", "escape"})


async def in_order(widget: Widget, event: events.Key, handle: Any, own: bool = True) -> None:
    """Handle a Key that reached `widget` in the order keys were typed: `handle` is the
    widget's own key handler; `own`: run the widget's own bindings (a field's editing keys)
    as the key arrives."""
    focused = widget.app.focused
    if focused is not None and focused is not widget and widget in focused.ancestors:
        await handle(event)  # bubbling up from a child with the focus (a Select's open list)
        return
    if focused is not widget:
        # sent here while this widget had the focus; a key before it (Tab, Enter, a dialog's
        # key) has moved the focus on: the key is the focused widget's (or the screen's)
        target = focused if focused is not None else widget.app.screen
        target._forward_event(events.Key(event.key, event.character))
        event.stop()
        event.prevent_default()
        return
    if own and await run_own_binding(widget, event):
        return
    await handle(event)
    if (not event._stop_propagation and event.key in FOCUS_KEYS
            and await widget.app._check_bindings(event.key)):
        event.stop()
        event.prevent_default()


# -- focus: the styles of each focus state, computed once ------------------------------------
_Saved = tuple[Widget, dict[str, object], dict[str, Any]]


class FocusStyles(Widget):
    """A widget whose styles for each state of focus are computed once and kept.

    Textual restyles a widget and everything in it each time it gains or loses the focus:
    every rule of the stylesheet matched again, and each of its component classes (a text
    area has ten, a tree twelve) styled as a node of its own: 3 to 8 ms per widget, twice for
    every Tab or Escape. The styles a restyle gives depend only on the widget's and its
    ancestors' classes and pseudo-classes, the app's theme and the stylesheet, all in the key
    (`_focus_key`); a state seen before with the same key gets the rules it got then
    (`Stylesheet.replace_rules`, `DOMNode._component_styles`, what Textual's restyle sets),
    anything else is restyled by Textual and kept."""

    _focus_styles: dict[tuple[Any, ...], tuple[object, list[_Saved]]] | None = None

    def watch_has_focus(self, _has_focus: bool) -> None:
        key = self._focus_key()
        kept = self._focus_styles if self._focus_styles is not None else {}
        rules_map = self.app.stylesheet.rules_map  # a new one when the stylesheet changes
        entry = kept.get(key)
        if entry is not None and entry[0] is rules_map:
            for node, rules, components in entry[1]:
                new_components = node._component_styles != components
                if new_components:
                    node._component_styles = dict(components)
                if node.styles.base._rules != rules:
                    Stylesheet.replace_rules(node, cast(RulesMap, rules))  # and notifies
                elif new_components:
                    node.notify_style_update()  # as Textual's restyle does (a tree's cursor)
                if new_components:
                    node.refresh()
            return
        super().watch_has_focus(_has_focus)
        if len(kept) > 8:  # themes or sizes come and go: keep the last few
            kept.clear()
        kept[key] = (rules_map, [(node, dict(node.styles.base._rules),
                                  dict(node._component_styles))
                                 for node in _styled_nodes(self)])
        self._focus_styles = kept

    def _focus_key(self) -> tuple[Any, ...]:
        app = self.app
        return (id(app.stylesheet.rules_map), app.theme, app.no_color, app.is_inline,
                app.native_ansi_color,
                tuple((id(n), n.classes, n._pseudo_classes_cache_key, n.has_focus_within)
                      for n in _styled_nodes(self)),
                tuple((id(n), n.classes, n._pseudo_classes_cache_key)
                      for n in self.ancestors))


def _styled_nodes(widget: Widget) -> list[Widget]:
    """What Textual restyles when `widget` gains or loses the focus: it, its descendants and
    their scrollbars (`Stylesheet.update_nodes`)."""
    nodes: list[Widget] = []
    for node in widget.walk_children(Widget, with_self=True):
        nodes.append(node)
        if node.is_scrollable:
            vertical = node.show_vertical_scrollbar and node.scrollbar_size_vertical
            horizontal = node.show_horizontal_scrollbar and node.scrollbar_size_horizontal
            if vertical:
                nodes.append(node.vertical_scrollbar)
            if horizontal:
                nodes.append(node.horizontal_scrollbar)
            if vertical and horizontal:
                nodes.append(node.scrollbar_corner)
    return nodes


# -- Input: what is drawn, where the cursor is, what a click is on -----------------------------
class DrawnInput(Input, FocusStyles):
    """An Input whose drawing is asked of three public methods, which a subclass overrides:
    `drawn_value` (the Text drawn), `cell_of` (the cell of a position in the value) and
    `index_at_cell` (the position at a clicked cell)."""

    @property
    def _value(self) -> Text:
        return self.drawn_value()

    def _position_to_cell(self, position: int) -> int:
        return self.cell_of(position)

    def _cell_offset_to_index(self, offset: int) -> int:
        return self.index_at_cell(offset)

    async def _on_key(self, event: events.Key) -> None:
        await in_order(self, event, lambda e: Input._on_key(self, e))

    def _watch_value(self, value: str) -> None:
        # Input's watcher sets the virtual size (the text's width) and so lays out the screen
        # at every new value; set first, quietly, its assignment there changes nothing
        set_virtual_size(self, Size(self.content_width, 1), scrollbars=False)
        Input._watch_value(self, value)

    def drawn_value(self) -> Text:
        """The value as drawn: Textual's own unless overridden."""
        drawn: Text = Input._value.fget(self)  # type: ignore[attr-defined]
        return drawn

    def cell_of(self, position: int) -> int:
        return Input._position_to_cell(self, position)

    def index_at_cell(self, offset: int) -> int:
        return Input._cell_offset_to_index(self, offset)


# -- TextArea: its document, wrapped as it is drawn ----------------------------------------------
class LinesDocument(Document):
    """A Document holding exactly these lines (the list itself, edited in place), joined by
    `\\n`."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("")
        self._newline = "\n"
        self._lines = lines


class DocumentHooks(TextArea, FocusStyles):
    """A TextArea whose document is made by a public method, `set_document`, and whose size
    without wrapping by another, `refresh_size`; both do what Textual does unless overridden."""

    def _set_document(self, text: str, language: str | None) -> None:
        self.set_document(text, language)

    async def _on_key(self, event: events.Key) -> None:
        await in_order(self, event, lambda e: TextArea._on_key(self, e))

    def set_document(self, text: str, language: str | None) -> None:
        """Make and install the document for `text` (at start, and at every `load_text`)."""
        TextArea._set_document(self, text, language)

    def _refresh_size(self) -> None:
        self.refresh_size()

    _wrapped_at = -1  # the width its lines were last wrapped at

    def _rewrap_and_refresh_virtual_size(self) -> None:
        TextArea._rewrap_and_refresh_virtual_size(self)
        width = self.wrap_width
        if width != self._wrapped_at:
            # wrapped at a new width: drawn anew, even into as many lines as before (the
            # virtual size then says nothing changed, and the lines wrapped for the old width
            # stayed on screen, a word under the scrollbar)
            self._wrapped_at = width
            self.refresh()

    def refresh_size(self) -> None:
        """The area's virtual size for its text (and scrollbars): as TextArea's, but without a
        layout of the screen when the area's own size does not depend on its text."""
        if self.soft_wrap:
            set_virtual_size(self, Size(0, self.wrapped_document.height))
        else:
            width, height = self.document.get_size(self.indent_width)
            set_virtual_size(self, Size(width + self.gutter_width + 1, height))


def set_virtual_size(widget: Widget, size: Size, scrollbars: bool = True) -> None:
    """Set a scrolling widget's virtual size (the size of what it scrolls over).

    Textual's `virtual_size` lays the whole screen out again when it changes, as the widget's
    own size might follow it. A widget laid out already whose width and height are not `auto`
    keeps its size: it is repainted, and its scrollbars are refreshed (only one coming or going
    asks for a layout, to place it). `scrollbars=False` for a widget that never shows one."""
    if widget.styles.auto_dimensions or not widget.is_mounted or not widget.region:
        widget.virtual_size = size
        if scrollbars:
            widget._refresh_scrollbars()
    elif widget.virtual_size != size:
        widget.set_reactive(Widget.virtual_size, size)
        widget.refresh()
        if scrollbars:  # shown or hidden, and their thumbs sized, as a layout would
            widget._scroll_update(size)


def install_document(area: TextArea, document: DocumentBase, measured: object) -> None:
    """What `TextArea._set_document` does with a plain-text document, with `document` as the
    text and `measured` (the document's lines as drawn) as what is wrapped and navigated.
    Given the area's own document (one Textual made for a language), its highlights are kept."""
    if document is not area.document:
        area._highlight_query = None
        area.document = document
    area.wrapped_document = WrappedDocument(measured, tab_width=area.indent_width)  # type: ignore[arg-type]
    area.navigator = DocumentNavigator(area.wrapped_document)
    area._build_highlight_map()
    area.move_cursor((0, 0))
    area._rewrap_and_refresh_virtual_size()


def column_at_cell(line: str, cell_width: int, tab_width: int) -> int:
    """The column of `line` under the cell `cell_width` cells in, tabs expanded."""
    return cell_width_to_column_index(line, cell_width, tab_width)


# -- containers: a new size of their content lays the screen out once, not twice -------------
class SteadyContainer(Widget):
    """A container that takes the virtual size (the size of its content) the layout gives it
    quietly. Textual's layout tells each widget its new size and virtual size, and the virtual
    size, a Reactive that asks for a layout, lays the whole screen out a second time for
    nothing: the first layout measured that content already. Scrollbars still follow (one
    coming or going lays out again, to place it)."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


# -- Select: its value shown without a layout ---------------------------------------------------
class SteadyCurrent(SelectCurrent):
    """The line of a Select that shows its value. Textual's lays out the screen for each new
    value shown (its label might wrap); cap's is one line (cap.tcss), so it repaints."""

    def update(self, label: RenderableType | NoSelection) -> None:
        self.label = label
        self.has_value = label is not Select.NULL
        shown = self.placeholder if isinstance(label, NoSelection) else label
        self.query_one("#label", Static).update(shown, layout=False)


class SteadySelect(Select[Any], FocusStyles):
    """A Select whose value line is a SteadyCurrent (otherwise as Textual's compose), and
    whose keys are handled in the order typed (`in_order`): a Tab reaching it runs at once,
    and keys sent to it after a Tab go to the widget the Tab moved the focus to, not into
    its list. Keys of its open list (which has the focus) bubble up through it as Textual's."""

    async def _on_key(self, event: events.Key) -> None:
        await in_order(self, event, lambda e: Widget._on_key(self, e))

    def compose(self) -> ComposeResult:
        yield SteadyCurrent(self.prompt)
        yield SelectOverlay(type_to_search=self._type_to_search).data_bind(
            compact=Select.compact)


# -- Screen: focus moves repaint what changed, not the whole screen ----------------------------
class QuietFocusScreen(Screen[ScreenResultType]):
    """A Screen whose `focused` reactive does not repaint the whole screen when it changes
    (Textual's declares it with the default repaint=True). What focus changes is drawn by the
    widgets themselves: their :focus styles (and :focus-within ancestors') are updated and
    repainted by Textual's style update. The binding refresh Screen's `_watch_focused` does
    still runs: it is a watcher, not a repaint."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def _compositor_refresh(self) -> None:
        # Widgets that asked to be repainted while this frame was being made (the scrollbars of
        # a field set just shown, as the layout gives them their sizes) are drawn in it: their
        # requests would reach the screen as messages, for a frame of their own after this one
        pending = {w for w in self._compositor.visible_widgets if w._repaint_required}
        if pending:
            for widget in pending:
                widget._repaint_required = False
            self._compositor.update_widgets(pending)
        super()._compositor_refresh()

    _frames: Timer | None = None

    @property
    def _update_timer(self) -> Timer:
        # Screen's own property makes a Timer that draws a frame up to two frames after it is
        # asked for one (Timer keeps to a grid of ticks); cap's draws it as soon as the last
        # frame is one period old
        if self._frames is None:
            self._frames = FrameTimer(self, UPDATE_PERIOD, name="screen_update",
                                      callback=self._on_timer_update, pause=True)
            self._frames._start()
            self._timers.add(self._frames)
        return self._frames


class FrameTimer(Timer):
    """The timer that draws a screen's frames: paused until something needs drawing, then it
    ticks at once if the last tick is at least one interval old, else when it is (at most one
    frame an interval). Textual's Timer ticks on a fixed grid and, resumed after a pause, skips
    to the grid point after next: a frame asked for while another is drawn waited 17 to 33 ms,
    and a key whose work takes three frames (a focus change: the fields, then their
    restyled parts, then their scrollbars) took three such waits.

    Before it draws, it lets the event loop run a few turns: the messages the key set off (a
    widget's Focus, Blur, its repaint's Update to the screen) reach their widgets, so what
    they change is drawn in this frame, not in two or three frames one after another."""

    SETTLE = 8  # turns of the event loop: each carries a message one step on

    async def _run(self) -> None:
        interval = self._interval
        last = get_time() - interval
        active = cast(asyncio.Event, self._active)
        while True:
            await active.wait()
            wait = last + interval - get_time()
            if wait > 0:
                await sleep(wait)
                continue  # paused meanwhile? wait again
            for _ in range(self.SETTLE):  # let the messages a change set off arrive first
                await asyncio.sleep(0)
            last = get_time()
            await self._tick(next_timer=last, count=0)


# -- Tree ----------------------------------------------------------------------------------------
class RestyledTree(Tree[Any], FocusStyles):
    """A Tree that handles its keys in the order typed (`in_order`: its own bindings, the
    arrows among them, run as each key arrives, so twenty Downs and a Tab in one burst move
    twenty lines before the Tab leaves), and repaints its lines
    when its styles change (focus, a pseudo-class), instead of
    Tree's invalidation: rebuilding every line, measuring every label and laying out the whole
    screen again. A focus change restyles a tree, it never changes its lines or their widths
    (cap's tree has a fixed guide depth and labels that do not depend on style), and that layout
    made Tab and Escape cost several times a keystroke."""

    by_key = False  # a key is being handled: what moves the cursor now is the officer

    async def _on_key(self, event: events.Key) -> None:
        self.by_key = True
        try:
            await in_order(self, event, lambda e: Tree._on_key(self, e))
        finally:
            self.by_key = False

    def _on_focus(self, event: events.Focus) -> None:
        self._focus_changed(event, True)

    def _on_blur(self, event: events.Blur) -> None:
        self._focus_changed(event, False)

    def _focus_changed(self, event: events.Focus | events.Blur, focus: bool) -> None:
        # Widget's handlers repaint every line of the widget; `notify_style_update` (run as
        # has_focus restyles the tree) repaints the lines that change
        event.prevent_default()
        self.has_focus = focus
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self) if focus
                                     else events.DescendantBlur(self))

    _restyling = False  # restyled for a change of focus: the lines to draw again are known

    def watch_has_focus(self, _has_focus: bool) -> None:
        self._restyling = True
        try:
            super().watch_has_focus(_has_focus)
        finally:
            self._restyling = False

    def refresh(self, *regions: Region, **kwargs: Any) -> Self:
        if self._restyling and not regions and not any(kwargs.values()):
            return self  # Textual's stylesheet repainting the whole tree for its new style
        if self._filling:
            self._refilled = True
            return self
        return super().refresh(*regions, **kwargs)

    _filling = False  # lines being added (`filling`): one refresh at the end, not one a line
    _refilled = False

    @contextmanager
    def filling(self) -> Iterator[None]:
        """Add or remove many lines as one change: Tree asks for a layout of the screen at
        every line added (`_invalidate`), a twentieth of a millisecond each, 700 times for a
        plan of 5,000 actions; here the refreshes asked for meanwhile are one, at the end."""
        outer = self._filling
        self._filling = True
        try:
            yield
        finally:
            self._filling = outer
            if not outer and self._refilled:
                self._refilled = False
                super().refresh(layout=True)

    # -- drawing: the styles a line is drawn in, looked up once a drawing, not once a line ---
    _drawing: dict[object, Any] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        """Tree asks for the same component styles (guides, highlight, cursor) and the tree's
        own style for every line it draws, each lookup walking the styles again: 6-8 a line,
        about half of drawing the tree. They cannot change while it draws: kept for the
        drawing."""
        self._drawing = {}
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    def get_component_rich_style(self, *names: str, partial: bool = False,
                                 default: Style | None = None) -> Style:
        drawing = self._drawing
        if drawing is None or default is not None:
            return super().get_component_rich_style(*names, partial=partial, default=default)
        key = ("rich", names, partial)
        style = drawing.get(key)
        if style is None:
            style = drawing[key] = super().get_component_rich_style(*names, partial=partial)
        return cast(Style, style)

    def get_component_styles(self, *names: str) -> RenderStyles:
        drawing = self._drawing
        if drawing is None:
            return super().get_component_styles(*names)
        key = ("styles", names)
        styles = drawing.get(key)
        if styles is None:
            styles = drawing[key] = super().get_component_styles(*names)
        return cast(RenderStyles, styles)

    @property
    def rich_style(self) -> Style:
        drawing = self._drawing
        if drawing is None:
            return super().rich_style
        style = drawing.get("own")
        if style is None:
            style = drawing["own"] = super().rich_style
        return cast(Style, style)

    _drawn_state: PseudoClasses | None = None  # the pseudo-classes its lines were drawn in

    def get_pseudo_class_state(self) -> PseudoClasses:
        """What Tree puts in each drawn line's cache key: constant here. Which lines to draw
        again when the tree's state changes is decided in `notify_style_update`."""
        return _STEADY

    def notify_style_update(self) -> None:
        Widget.notify_style_update(self)  # the style caches, as every widget
        state = Widget.get_pseudo_class_state(self)
        drawn = self._drawn_state
        focus_only = drawn is not None and state.focus != drawn.focus and \
            state._replace(focus=drawn.focus) == drawn
        self._drawn_state = state
        node = self.cursor_node
        if focus_only and node is not None:
            # Gaining or losing the focus changes the cursor's line (and the guides under it),
            # nothing else (cap.tcss keeps the tree's background and guides as they are):
            # those lines get a new cache key, the others are drawn from the cache
            node._updates += 1
            self._refresh_node(node)
        else:
            self._line_cache.clear()  # the drawn lines; the lines themselves (and widths) stay
            Widget.refresh(self)


_STEADY = PseudoClasses(enabled=True, focus=False, hover=False)


def repaint_lines(tree: Tree[Any], height: int) -> None:
    """Drop the tree's drawn lines (its cache made room for `height` of them) and repaint."""
    tree._line_cache.grow(height)
    tree._clear_line_cache()
    tree.refresh()


# -- what the tests read --------------------------------------------------------------------------
def notifications(app: App[Any]) -> list[str]:
    """The messages of the notifications the app holds now, oldest first."""
    return [n.message for n in app._notifications]


def screen_render(app: App[Any]) -> RenderableType:
    """The whole screen as the terminal shows it now (screens underneath included)."""
    update = app.screen._compositor.render_update(full=True,
                                                  screen_stack=app._background_screens)
    assert update is not None  # a full update always draws
    return update
