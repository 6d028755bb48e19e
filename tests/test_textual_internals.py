"""What cap relies on of Textual's private names (cap_tui/tui/internals.py), asserted so that a
Textual upgrade that changes one fails here, by name, and not somewhere in the editor.

Each test names the private attribute it guards. Last, no cap class outside internals.py touches
one of Textual's private names: neither using one directly nor reusing the name by accident
(PlanTree once overwrote Tree's own node registry, `_tree_nodes`, with a dict of its own).
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import io
import pkgutil
import re
import textwrap
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.cache import LRUCache
from textual.containers import VerticalScroll
from textual.css.stylesheet import Stylesheet
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea, Tree
from textual.widgets._select import SelectCurrent
from textual.widgets.text_area import Document

import cap_tui.tui
from cap_tui.tui import internals
from cap_tui.tui.internals import (
    DocumentHooks,
    DrawnInput,
    KeptStylesheet,
    LinesDocument,
    QuietFocusScreen,
    RestyledTree,
    SteadyContainer,
    SteadyCurrent,
    SteadySelect,
    column_at_cell,
    install_document,
    notifications,
    repaint_lines,
    run_own_binding,
    screen_render,
    set_virtual_size,
)


def run(app: App, script) -> None:  # type: ignore[no-untyped-def]
    async def go() -> None:
        async with app.run_test(size=(40, 10)) as pilot:
            await pilot.pause()
            await script(pilot)

    asyncio.run(go())


class One(App[None]):
    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget
        yield Label("a label")


def drawn(app: App) -> str:
    console = Console(width=40, height=10, file=io.StringIO(), record=True)
    console.print(screen_render(app))
    return console.export_text()


# -- Input: `_value`, `_position_to_cell`, `_cell_offset_to_index` -------------------------------
class CountingInput(DrawnInput):
    calls: Counter[str] = Counter()

    def drawn_value(self) -> Text:
        self.calls["drawn_value"] += 1
        return Text(self.value.upper(), no_wrap=True, end="")

    def cell_of(self, position: int) -> int:
        self.calls["cell_of"] += 1
        return super().cell_of(position)

    def index_at_cell(self, offset: int) -> int:
        self.calls["index_at_cell"] += 1
        return super().index_at_cell(offset)


class Inputs(App[None]):
    def compose(self) -> ComposeResult:
        yield CountingInput("abc")
        yield DrawnInput("a\tb", id="plain")


def test_input_draws_measures_and_clicks_through_the_three_hooks() -> None:
    CountingInput.calls = Counter()

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        widget = pilot.app.query_one(CountingInput)
        widget.focus()
        await pilot.pause()
        await pilot.click(CountingInput, offset=(1, 0))
        await pilot.pause()
        assert "ABC" in drawn(pilot.app)  # Input.render_line draws `_value`
        # Textual's own are the defaults
        plain = pilot.app.query_one("#plain", DrawnInput)
        assert plain.drawn_value().plain == Input._value.fget(plain).plain  # type: ignore[attr-defined]
        assert plain.cell_of(3) == Input._position_to_cell(plain, 3)
        assert plain.index_at_cell(5) == Input._cell_offset_to_index(plain, 5)

    run(Inputs(), script)
    assert CountingInput.calls["drawn_value"] > 0  # Input._value
    assert CountingInput.calls["cell_of"] > 0  # Input._position_to_cell, for the cursor
    assert CountingInput.calls["index_at_cell"] > 0  # Input._cell_offset_to_index, for a click


# -- Document: `_lines`, `_newline` ---------------------------------------------------------------
def test_a_document_is_its_lines_joined_by_its_newline() -> None:
    document = Document("a\r\nb")
    assert document._lines == ["a", "b"] and document._newline == "\r\n"
    document._lines = ["x", "y"]
    document._newline = "\n"
    assert document.text == "x\ny"  # Document.text joins `_lines` with `_newline`


def test_lines_document_keeps_every_character_and_is_edited_in_place() -> None:
    lines = ["a\rb\x0bc", ""]
    document = LinesDocument(lines)
    assert document.text == "a\rb\x0bc\n"
    assert document.newline == "\n"
    assert document.lines is lines  # `lines` is the list itself: ExactDocument edits it
    document.replace_range((0, 0), (0, 1), "Z")
    assert lines[0] == "Z\rb\x0bc"


# -- TextArea: `_set_document`, `_refresh_size`, and what `_set_document` does ----------------
class CountingArea(DocumentHooks):
    calls: Counter[str] = Counter()

    def set_document(self, text: str, language: str | None) -> None:
        CountingArea.calls["set_document"] += 1
        super().set_document(text, language)

    def refresh_size(self) -> None:
        CountingArea.calls["refresh_size"] += 1
        super().refresh_size()


def test_textarea_makes_its_document_and_sizes_itself_through_the_hooks() -> None:
    CountingArea.calls = Counter()
    area = CountingArea("first", soft_wrap=False)
    made = CountingArea.calls["set_document"]
    assert made >= 1  # TextArea.__init__ calls _set_document
    area.load_text("second")
    assert CountingArea.calls["set_document"] == made + 1  # and so does load_text
    assert area.text == "second"

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        before = CountingArea.calls["refresh_size"]
        area.focus()
        await pilot.press("x", "enter")
        await pilot.pause()
        assert CountingArea.calls["refresh_size"] > before  # an edit calls _refresh_size

    run(One(area), script)


def test_install_document_gives_the_area_a_text_and_what_it_measures() -> None:
    area = TextArea("old", soft_wrap=True)

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        # the TextArea privates _set_document uses, under the names install_document calls
        for name in ("_highlight_query", "_build_highlight_map",
                     "_rewrap_and_refresh_virtual_size", "_line_cache"):
            assert hasattr(area, name), name
        text, measured = LinesDocument(["one", "two"]), LinesDocument(["ONE", "TWO"])
        install_document(area, text, measured)
        await pilot.pause()
        assert area.text == "one\ntwo"
        assert area.wrapped_document.document is measured
        assert area.navigator._wrapped_document is area.wrapped_document
        assert area.cursor_location == (0, 0)
        assert "ONE" not in drawn(pilot.app)  # drawn from the text: measured is only measured

    run(One(area), script)


# -- sizes without layouts: `virtual_size`, `_refresh_scrollbars`, `_scroll_update`,
# `_size_updated`, `Input._watch_value`, Select's compose --------------------------------------
class Box(App[None]):
    CSS = "#fixed { height: 4; overflow-y: scroll; } #auto { height: auto; }"

    def compose(self) -> ComposeResult:
        yield TextArea("a", id="fixed")
        yield TextArea("b", id="auto")


def test_set_virtual_size_of_a_fixed_box_asks_no_layout() -> None:
    """A widget of a fixed size takes a new virtual size with a repaint and its scrollbar's
    thumb sized (what Textual's `_scroll_update` does at a layout); an `auto` one lays out."""
    assert "_scroll_update" in vars(Widget) and "_refresh_scrollbars" in vars(Widget)
    app = Box()

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        fixed, auto = app.query_one("#fixed", TextArea), app.query_one("#auto", TextArea)
        await pilot.pause()
        assert not fixed._layout_required and not auto._layout_required
        set_virtual_size(fixed, Size(0, 50))
        assert fixed.virtual_size == Size(0, 50) and not fixed._layout_required
        assert fixed.vertical_scrollbar.window_virtual_size == 50
        set_virtual_size(auto, Size(0, 50))
        assert auto._layout_required

    run(app, script)


def test_an_input_takes_a_new_value_without_a_layout() -> None:
    """Input's `_watch_value` sets its virtual size (a layout); DrawnInput sets it first."""
    assert "self.virtual_size = " in inspect.getsource(Input._watch_value)

    class Line(DrawnInput):
        DEFAULT_CSS = "Line { width: 20; height: 1; }"

    class Form(App[None]):
        def compose(self) -> ComposeResult:
            yield Line("short")

    app = Form()

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        field = app.query_one(Line)
        field.value = "a much longer value than the box"
        assert not field._layout_required
        assert field.virtual_size.width == field.content_width

    run(app, script)


def test_a_steady_container_is_laid_out_once_when_its_content_grows() -> None:
    """`_size_updated(layout=True)` sets the virtual size as a Reactive that lays the screen
    out again; a SteadyContainer takes it quietly: one layout, not two."""
    assert "layout" in inspect.signature(Widget._size_updated).parameters

    class Steady(SteadyContainer, VerticalScroll):
        pass

    def layouts(container: type[Widget]) -> int:
        text = Static("one", id="text")
        app = One(container(text))
        count = 0

        async def script(pilot) -> None:  # type: ignore[no-untyped-def]
            nonlocal count
            await pilot.pause()
            screen = app.screen
            original = screen._refresh_layout

            def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
                nonlocal count
                count += 1
                return original(*args, **kwargs)

            screen._refresh_layout = counted  # type: ignore[method-assign]
            text.update("\n".join("line" for _ in range(30)))
            await pilot.pause()
            await pilot.pause()

        run(app, script)
        return count

    plain, steady = layouts(VerticalScroll), layouts(Steady)
    assert steady == plain - 1  # Textual's second layout, for nothing, is not asked for


def test_a_steady_select_shows_a_new_value_without_a_layout() -> None:
    """Select composes SelectCurrent and SelectOverlay, and SelectCurrent.update puts the
    label in its `#label` Static (with a layout); SteadySelect's shows it with a repaint."""
    assert "SelectCurrent(self.prompt)" in inspect.getsource(Select.compose)
    assert "SelectOverlay(type_to_search=self._type_to_search)" in inspect.getsource(
        Select.compose)
    assert 'query_one("#label", Static).update(' in inspect.getsource(SelectCurrent.update)

    class Choice(SteadySelect):
        DEFAULT_CSS = "Choice SelectCurrent, Choice #label { height: 1; }"

    choice = Choice([("One", "1"), ("Two", "2")], value="1", compact=True)
    app = One(choice)

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        label = choice.query_one("#label", Static)
        assert isinstance(choice.query_one(SelectCurrent), SteadyCurrent)
        choice.value = "2"
        assert not label._layout_required
        assert str(label.render()) == "Two"
        choice.value = "1"
        assert str(label.render()) == "One"

    run(app, script)


def test_column_at_cell_counts_tabs_as_their_width() -> None:
    assert column_at_cell("abc", 1, 4) == 1
    assert column_at_cell("a\tb", 2, 4) == 1  # in the tab (cells 1-3)
    assert column_at_cell("a\tb", 4, 4) == 2
    assert column_at_cell("ab", 9, 4) == 2


# -- Tree: `_line_cache`, `_clear_line_cache`, `_on_resize` ---------------------------------------
def test_repaint_lines_drops_the_trees_drawn_lines() -> None:
    tree: Tree[None] = Tree("root")
    tree.root.add_leaf("leaf")

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        assert tree._tree_lines_cached is not None  # drawn
        repaint_lines(tree, 50)
        assert tree._tree_lines_cached is None
        assert len(tree._line_cache) == 0 and tree._line_cache.maxsize >= 50

    run(One(tree), script)
    # PlanTree.on_resize stands in for this handler (it prevents it): it must still exist
    assert "_on_resize" in vars(Tree)


# -- what the tests read: `App._notifications`, `Screen._compositor` -----------------------------
def test_notifications_and_the_screen_drawn() -> None:
    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.notify("first")
        pilot.app.notify("[b]second[/b]", markup=False)
        await pilot.pause()
        assert notifications(pilot.app) == ["first", "[b]second[/b]"]
        assert "a label" in drawn(pilot.app)

    run(One(Label("x")), script)


# -- no cap class reuses a Textual private name by accident ----------------------------------------
def _written(cls: type) -> set[str]:
    """The names a class's own source defines or touches: its methods and class attributes,
    and every attribute of `self` its methods read or assign."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0]
    assert isinstance(body, ast.ClassDef)
    names: set[str] = set()
    for item in body.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(item.name)
        elif isinstance(item, ast.Assign):
            names.update(t.id for t in item.targets if isinstance(t, ast.Name))
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
    for node in ast.walk(body):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "self"):
            names.add(node.attr)
    return names


def _textual_private(cls: type) -> set[str]:
    names: set[str] = set()
    for base in cls.__mro__:
        if not base.__module__.startswith("textual"):
            continue
        names.update(vars(base))
        try:
            source = inspect.getsource(base)
        except (OSError, TypeError):
            continue
        names.update(re.findall(r"self\.(_\w+)\s*(?::[^=\n]*)?=", source))
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def test_no_cap_class_touches_a_textual_private_name() -> None:
    found = {}
    for info in pkgutil.walk_packages(cap_tui.tui.__path__, "cap_tui.tui."):
        module = importlib.import_module(info.name)
        if module is internals:  # the one place that does, on purpose
            continue
        for cls in vars(module).values():
            if (inspect.isclass(cls) and cls.__module__ == module.__name__
                    and any(b.__module__.startswith("textual") for b in cls.__mro__)):
                clash = _written(cls) & _textual_private(cls)
                if clash:
                    found[f"{module.__name__}.{cls.__name__}"] = sorted(clash)
    assert not found, f"cap classes reuse Textual private names: {found}"


def test_no_cap_module_reaches_into_another_objects_privates() -> None:
    """Outside internals.py: no `textual._...` import, and no `thing._name` on anything but
    `self` (whose own names the test above checks against Textual's)."""
    found = []
    for info in pkgutil.walk_packages(cap_tui.tui.__path__, "cap_tui.tui."):
        module = importlib.import_module(info.name)
        if module is internals:
            continue
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual._"):
                found.append(f"{info.name}: from {node.module} import")
            elif (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                  and not node.attr.startswith("__")
                  and not (isinstance(node.value, ast.Name) and node.value.id == "self")):
                found.append(f"{info.name}:{node.lineno}: {ast.unparse(node)}")
    assert not found, found


# -- keys in the order typed: `_on_key`, `_bindings` ---------------------------------------------
def test_a_fields_own_binding_runs_when_its_key_reaches_it() -> None:
    """Input and TextArea still insert printable keys in `_on_key` and bind backspace: queued
    with no pause, a letter after a backspace lands after it."""
    assert "_on_key" in vars(Input) and "_on_key" in vars(TextArea)
    for widget in (Input, TextArea):
        assert any("backspace" in b.key.split(",") for b in widget.BINDINGS
                   if not isinstance(b, tuple))

    class Field(DrawnInput):
        pass

    class Typing(App[None]):
        def compose(self) -> ComposeResult:
            yield Field("Strategy")

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        field = pilot.app.query_one(Field)
        field.focus()
        field.cursor_position = len(field.value)
        await pilot.pause()
        for key, char in [("backspace", None), ("backspace", None), ("X", "X")]:
            pilot.app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        assert field.value == "StrateX"
        # a printable key is the widget's, never a binding's
        assert not await run_own_binding(field, events.Key("x", "x"))

    run(Typing(), script)


# -- focus moves repaint what changed: Screen.focused, Tree.notify_style_update -------------------
def test_focus_moves_do_not_repaint_the_whole_screen() -> None:
    from textual.reactive import Reactive
    from textual.screen import Screen

    assert isinstance(vars(Screen)["focused"], Reactive)  # what QuietFocusScreen redeclares
    assert vars(QuietFocusScreen)["focused"]._repaint is False
    assert "_watch_focused" in vars(Screen)  # the binding refresh it keeps
    assert "notify_style_update" in vars(Tree) and isinstance(Tree("x")._line_cache, LRUCache)

    class Quiet(QuietFocusScreen[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="a")
            yield Input(id="b")

    class Two(App[None]):
        def on_mount(self) -> None:
            self.push_screen(Quiet())

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = pilot.app.screen
        screen.set_focus(screen.query_one("#a"))
        await pilot.pause()
        screen._repaint_required = False
        screen.set_focus(screen.query_one("#b"))
        assert not screen._repaint_required  # Textual's Screen would repaint it all
        assert screen.focused is screen.query_one("#b")

    run(Two(), script)
    tree = RestyledTree("root")
    tree.root.add_leaf("leaf")

    async def restyle(pilot) -> None:  # type: ignore[no-untyped-def]
        assert tree._tree_lines_cached is not None and len(tree._line_cache)
        tree.notify_style_update()  # a new style (a theme): every line drawn again
        assert tree._tree_lines_cached is not None  # lines kept: only repainted
        assert len(tree._line_cache) == 0

    run(One(tree), restyle)

    # Gaining the focus changes the cursor's line (Tree keys its drawn lines on each node's
    # `_updates`): that line is drawn again, the others come from the cache
    assert "tuple(node._updates for node in line.path)" in inspect.getsource(Tree._render_line)
    many = RestyledTree("root")
    for n in range(5):
        many.root.add_leaf(f"leaf {n}")
    many.root.expand()
    many.show_root = False

    async def focus(pilot) -> None:  # type: ignore[no-untyped-def]
        many.cursor_line = 2
        await pilot.pause()
        assert many.has_focus  # the app's one focusable widget
        cached = set(many._line_cache.keys())
        assert len(cached) >= 5
        pilot.app.set_focus(None)
        await pilot.pause()
        drawn_again = set(many._line_cache.keys()) - cached
        assert len(drawn_again) == 1 and next(iter(drawn_again))[0] == 2  # the cursor's

    run(One(many), focus)


# -- focus: Widget.watch_has_focus, Stylesheet.replace_rules, DOMNode._component_styles -----------
def _styles_of(widget: Widget) -> list[tuple[dict, dict]]:
    return [(dict(n.styles.base._rules), dict(n._component_styles))
            for n in internals._styled_nodes(widget)]


def test_focus_styles_kept_are_the_styles_textual_computes() -> None:
    from textual.css.stylesheet import Stylesheet

    assert "watch_has_focus" in vars(Widget) and callable(Stylesheet.replace_rules)

    class Fields(App[None]):
        CSS = """
        .box:focus { border-left: outer red; }
        .-tall .box { height: 6; }
        Select:focus-within > SelectCurrent { border-left: outer red; }
        """

        def compose(self) -> ComposeResult:
            yield SteadySelect([("a", "a"), ("b", "b")], value="a", id="choice")
            yield DocumentHooks("some text", classes="box", id="text")
            yield DrawnInput("one line", classes="box", id="line")

    restyles: list[int] = []

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        original = app.stylesheet.update_nodes

        def counting(nodes, animate=False):  # type: ignore[no-untyped-def]
            restyles.append(1)
            return original(nodes, animate)

        app.stylesheet.update_nodes = counting
        order = ["#choice", "#text", "#line"] * 3
        for selector in order:
            app.set_focus(app.query_one(selector))
            await pilot.pause()
        first_round = len(restyles)
        for selector in order:
            app.set_focus(app.query_one(selector))
            await pilot.pause()
            for widget in app.query("#choice, #text, #line"):
                kept = _styles_of(widget)
                original(list(internals._styled_nodes(widget)))  # Textual's own, now
                assert kept == _styles_of(widget), widget
        assert len(restyles) == first_round  # every state seen before: none restyled again
        # a class on an ancestor changes what the rules give: computed again, not the kept one
        app.screen.add_class("-tall")
        await pilot.pause()
        text = app.query_one("#text")
        app.set_focus(text)
        await pilot.pause()
        assert text.styles.height is not None and text.styles.height.value == 6
        kept = _styles_of(text)
        original(list(internals._styled_nodes(text)))
        assert kept == _styles_of(text)

    run(Fields(), script)


# -- frames: Timer._run, Timer._tick, Timer._active -----------------------------------------------
def test_a_frame_asked_for_after_a_pause_is_drawn_at_once_and_at_most_one_an_interval() -> None:
    from textual.timer import Timer

    assert "_run" in vars(Timer) and "_tick" in vars(Timer)
    ticks: list[int] = []

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(pilot.app.screen._update_timer, internals.FrameTimer) is \
            isinstance(pilot.app.screen, QuietFocusScreen)
        timer = internals.FrameTimer(pilot.app.screen, 30.0, callback=lambda: ticks.append(1),
                                     pause=True)
        timer._start()
        try:
            timer.resume()
            for _ in range(timer.SETTLE + 10):  # no time to speak of: loop turns only
                await asyncio.sleep(0)
            assert ticks == [1]  # Textual's Timer would wait for its next grid point
            timer.resume()  # asked again at once: the next frame waits its interval
            for _ in range(timer.SETTLE + 10):
                await asyncio.sleep(0)
            assert ticks == [1]
        finally:
            timer.stop()

    class Quiet(QuietFocusScreen[None]):
        def compose(self) -> ComposeResult:
            yield Label("x")

    class Two(App[None]):
        def on_mount(self) -> None:
            self.push_screen(Quiet())

    run(Two(), script)


class TreeAndInput(App[None]):
    """A tree and another widget to give the focus to."""

    def __init__(self, tree: Tree[None]) -> None:
        super().__init__()
        self.the_tree = tree

    def compose(self) -> ComposeResult:
        yield self.the_tree
        yield Input(id="other")


def test_a_tree_gaining_the_focus_draws_its_cursors_line_only() -> None:
    drawn: list[int] = []

    class Counting(RestyledTree):
        def render_line(self, y: int):  # type: ignore[no-untyped-def]
            drawn.append(y)
            return super().render_line(y)

    tree = Counting("root")
    for n in range(6):
        tree.root.add_leaf(f"leaf {n}")
    tree.root.expand()
    tree.show_root = False

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        tree.cursor_line = 3
        pilot.app.set_focus(pilot.app.query_one("#other"))
        await pilot.pause()
        drawn.clear()
        pilot.app.set_focus(tree)
        await pilot.pause()
        assert set(drawn) == {3}  # Widget's own focus handler repainted all six
        drawn.clear()
        pilot.app.set_focus(pilot.app.query_one("#other"))
        await pilot.pause()
        assert set(drawn) == {3}

    run(TreeAndInput(tree), script)


def test_a_tree_draws_the_same_lines_as_textuals_with_its_styles_looked_up_once() -> None:
    # RestyledTree keeps the component styles Tree looks up for each line for one drawing
    lookups: Counter[str] = Counter()

    class Counted(Tree[None]):  # below RestyledTree's own: counts what it asks Textual for
        def get_component_styles(self, *names: str):  # type: ignore[no-untyped-def]
            lookups[" ".join(names)] += 1
            return super().get_component_styles(*names)

    class Counting(RestyledTree, Counted):
        pass

    tree = Counting("root")
    for n in range(6):
        node = tree.root.add(f"branch {n}")
        node.add_leaf(f"leaf [b]{n}[/b]")
        node.expand()
    tree.root.expand()

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        tree.cursor_line = 2
        for focused in (tree, pilot.app.query_one("#other")):
            pilot.app.set_focus(focused)
            await pilot.pause()
            crop = tree.content_region.reset_offset
            lines = []
            for draw in (Tree.render_lines, RestyledTree.render_lines):  # Textual's, then ours
                tree._line_cache.clear()
                tree._styles_cache.clear()
                lookups.clear()
                lines.append(draw(tree, crop))
            assert lines[0] == lines[1] and len(lines[1]) == crop.height
            assert max(lookups.values()) == 1  # once a drawing (Textual: once a line)

    run(TreeAndInput(tree), script)


def test_lines_added_while_filling_refresh_the_tree_once_and_draw_as_added_one_by_one() -> None:
    # Tree asks for a refresh with a layout of the screen at every line added (`_invalidate`)
    asked: list[bool] = []

    class Counted(Tree[None]):  # below RestyledTree: what reaches Textual's refresh
        def refresh(self, *regions, **kwargs):  # type: ignore[no-untyped-def]
            asked.append(bool(kwargs.get("layout")))
            return super().refresh(*regions, **kwargs)

    class Counting(RestyledTree, Counted):
        pass

    def fill(tree: Tree[None]) -> None:
        for n in range(40):
            branch = tree.root.add(f"branch {n}", expand=n % 2 == 0)
            branch.add_leaf(f"leaf {n}")

    one_by_one, filled = Counting("root"), Counting("root")
    for tree in (one_by_one, filled):
        tree.show_root = False
        tree.styles.height = 8  # both the same size, on one screen

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await app.mount(one_by_one)
        await pilot.pause()
        asked.clear()
        fill(one_by_one)
        assert len(asked) >= 80  # one a line, each asking for a layout
        asked.clear()
        with filled.filling():
            with filled.filling():  # nested: still one, at the outermost end
                fill(filled)
            assert asked == []
        assert asked == [True]  # one refresh, with the layout
        app.set_focus(app.query_one("#other"))
        await pilot.pause()

        def drawn(tree: Tree[None]) -> list[list[tuple[str, object]]]:
            crop = tree.content_region.reset_offset
            return [[(seg.text, seg.style and seg.style.clear_meta_and_links()) for seg in line]
                    for line in tree.render_lines(crop)]

        assert drawn(filled) == drawn(one_by_one)
        assert filled.virtual_size == one_by_one.virtual_size
        assert filled.virtual_size.height == 60  # 40 branches, 20 of them open

    run(TreeAndInput(filled), script)


# -- the stylesheet kept between starts: `_parse_rules`, `_parse_cache`, `_variables` ------------
def test_a_kept_stylesheet_parses_nothing_the_second_time_and_styles_the_same(
        tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pickle

    from textual.css import stylesheet as textual_stylesheet

    from cap_tui.tui.app import make_app

    assert {"_parse_rules", "_parse_cache"} <= set(vars(Stylesheet)) | set(
        vars(Stylesheet(variables={})))
    store = tmp_path / "css.pickle"
    parsed: list[str] = []
    parse = textual_stylesheet.parse

    def counted(scope, css, read_from, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(str(read_from))
        return parse(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counted)
    plan = tmp_path / "plan.toml"
    plan.write_bytes((Path(__file__).parents[1] / "plans" / "blaby-2024-25.toml").read_bytes())

    def start() -> str:
        app = make_app(str(plan))
        app.stylesheet = KeptStylesheet(store, variables=app.get_css_variables())
        drawn: list[str] = []

        async def script(pilot) -> None:  # type: ignore[no-untyped-def]
            await pilot.pause()
            console = Console(file=io.StringIO(), width=80, color_system="truecolor",
                              force_terminal=True)
            console.print(screen_render(pilot.app))
            drawn.append(console.file.getvalue())  # type: ignore[attr-defined]

        async def go() -> None:
            async with app.run_test(size=(80, 24)) as pilot:
                await script(pilot)

        asyncio.run(go())
        return drawn[0]

    first = start()  # GIVEN a first start: the CSS parsed, and kept when the app closed
    assert parsed and store.exists()
    parsed.clear()
    second = start()  # WHEN the editor starts again
    assert parsed == []  # THEN nothing is parsed
    assert second == first  # AND every widget is styled (drawn, colours and all) the same
    # AND a damaged file, or one another Textual wrote, is ignored and written again
    for damaged in (b"not a pickle", pickle.dumps((("another textual",), {}))):
        store.write_bytes(damaged)
        assert start() == first and parsed
        parsed.clear()
        assert store.read_bytes() != damaged
