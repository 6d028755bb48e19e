"""The form for the selected node: every field, built in and custom, edited in place."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.widget import AwaitMount, Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from ...core.model import Node, Plan
from ...core.problems import Problem, Severity
from ...core.shape import SHAPE, Level
from ...core.values import fields_of
from ...core.vocab import FieldSpec
from ...render.terminal import safe
from ..bindings import Scope, bindings
from ..internals import SteadyContainer, SteadySelect
from .labels import alarm, status_text
from .later import BuiltAfterFirstFrame
from .safe import SafeInput, SafeTextArea

# The field Tab (from the tree) and enter land in: the one an officer updates, never the id
FIRST_STOP = {Level.PLAN: "reporting_point", Level.THEME: "title", Level.PROGRAMME: "title",
              Level.ACTION: "status"}
NOT_SET = "(not set)"  # a required choice with no value: shown, never offered as a choice

_HINTS = {
    "due": '2025-03, 2025-03-31 or "ongoing"',
    "date": "YYYY-MM-DD",
    "number": "a number",
}


class FieldEdited(Message):
    """The officer changed a field's text in the form.

    Made by the field's editor at the keystroke (see `BoundEditor`): the node is the one the
    editor held when the text changed, never whichever node is current when this is handled."""

    def __init__(self, node: Node, key: str, text: str) -> None:
        super().__init__()
        self.node, self.key, self.text = node, key, text


class BoundEditor:
    """What makes a field's editor widget safe to edit with: it knows which node's value it
    holds, and tells a keystroke from a value the program put in.

    Textual's Input, TextArea and Select announce every change of value the same way, whoever
    made it, and do so later (a new widget announces its first value when it is mounted). So a
    `Changed` message cannot say whether the officer typed, nor into which node. Here the editor
    looks when it posts the message, synchronously with the change: the text it holds now
    against the text last loaded or typed (`committed`). Equal: the program's own value (a load,
    an undo, a widget announcing what it was given), which is never an edit. Different: the
    officer changed it, and the edit is stamped with the node the editor holds at that moment.
    """

    node: Node | None = None
    field_key: str = ""
    committed: str = ""
    _loading = False

    def current_text(self) -> str:
        raise NotImplementedError

    def load(self, node: Node, text: str) -> None:
        """Show `node`'s value: the program's doing, so never an edit."""
        self.node, self.committed = node, text
        self._loading = True
        try:
            self.put(text)
        finally:
            self._loading = False

    def put(self, text: str) -> None:
        raise NotImplementedError

    def post_message(self, message: Message) -> bool:
        """A `Changed` goes out as a FieldEdited, or not at all when it was the program's."""
        if not isinstance(message, Input.Changed | TextArea.Changed | Select.Changed):
            return bool(super().post_message(message))  # type: ignore[misc]
        text = self.current_text()
        if self._loading or self.node is None or text == self.committed:
            return True
        self.committed = text
        return bool(super().post_message(  # type: ignore[misc]
            FieldEdited(self.node, self.field_key, text)))


class FieldInput(BoundEditor, SafeInput):
    """A one-line field. Out of focus it shows the start of its text (a long title left
    scrolled to its end showed only its last words); in focus its cursor is at the end."""

    def current_text(self) -> str:
        return self.value

    def put(self, text: str) -> None:
        if self.value != text:
            self.value = text
        if not self.has_focus:
            self.to_start()

    def to_start(self) -> None:
        if self.cursor_position or self.scroll_offset.x:
            self.cursor_position = 0
            self.scroll_to(x=0, animate=False, immediate=True)

    def on_focus(self, event: events.Focus) -> None:
        if not event.from_app_focus:
            self.cursor_position = len(self.value)

    def on_blur(self) -> None:
        self.to_start()


class ListOpened(Message):
    """A choice's list opened: it needs `rows` lines below the choice's own."""

    def __init__(self, select: Widget, rows: int) -> None:
        super().__init__()
        self.select, self.rows = select, rows


class FieldSelect(BoundEditor, SteadySelect):
    """A status or a choice. Its list, when it opens, asks the form for room to show it whole
    (`ListOpened`), above the summary and the keys at the bottom of the screen."""

    LIST_ROWS = 12  # the most lines Textual's Select shows of its list (its max-height)

    def current_text(self) -> str:
        value = self.value
        return "" if value is Select.NULL else str(value)

    options: tuple[str, ...] = ()  # the option values, as set

    def load_options(self, node: Node, text: str, options: list[tuple[Text, str]]) -> None:
        """Show `node`'s value among these options (set again only when they differ)."""
        values = tuple(v for _, v in options)
        if values != self.options:
            self._loading = True
            try:
                self.set_options(options)  # which may clear the value: never an edit
            finally:
                self._loading = False
            self.options = values
        self.load(node, text)

    def put(self, text: str) -> None:
        self.value = text if text in self.options else text or Select.NULL

    def watch_expanded(self, expanded: bool) -> None:
        if expanded:  # its options, and the blank one when it offers one: a line to spare
            self.post_message(ListOpened(self, min(len(self.options) + 1, self.LIST_ROWS)))


class FieldText(BoundEditor, SafeTextArea):
    """A multi-line field, of a fixed height (cap.tcss): a longer text scrolls inside it.

    Showing another node's text in it repaints it, never lays the screen out: its wrapped
    height is its virtual size (internals.set_virtual_size), and while its field set is hidden
    it wraps at the width it had when last shown (Textual's TextArea wraps at the width of its
    region, none while hidden, and wrapped again, a second repaint, when shown).

    ctrl+end and ctrl+home go to the end and the start of the text (TextArea has no keys for
    that), so adding a sentence to a progress update is one key away.
    """

    BINDINGS = bindings(Scope.TEXT)
    _last_wrap_width = 0

    def current_text(self) -> str:
        return self.text

    def put(self, text: str) -> None:
        if self.text != text:
            self.load_text(text)

    def action_text_end(self, select: bool = False) -> None:
        self.move_cursor(self.document.end, select=select)

    def action_text_start(self, select: bool = False) -> None:
        self.move_cursor((0, 0), select=select)

    @property
    def wrap_width(self) -> int:
        width: int = TextArea.wrap_width.fget(self)  # type: ignore[attr-defined]
        if width:
            self._last_wrap_width = width
        return width or self._last_wrap_width


class ProblemLine(Static, SteadyContainer):
    """The line under a field that says what is wrong with it. Its height follows its message
    (a long one wraps): the layout that places it measures that, and it takes the size quietly
    (SteadyContainer), not asking for a second layout and a frame after it."""


class Field(NamedTuple):
    """A field's label, its editor and the line that says what is wrong with it, if anything.

    They sit together in one FieldSet, not in a container per field: a container per field was
    a quarter of the form's widgets and of the time to draw it."""

    spec: FieldSpec
    label: Label
    editor: Widget
    error: Static

    @property
    def widgets(self) -> tuple[Widget, Widget, Widget]:
        return self.label, self.editor, self.error


class FieldSet(SteadyContainer, Vertical):
    """The fields of one kind of node (an action's, a programme's, ...), with what they show;
    for the plan, its status vocabulary after them, to read (`vocabulary`)."""

    def __init__(self, shape: tuple[str, ...], fields: list[Field],
                 vocabulary: Static | None = None) -> None:
        extra = (Label(Text("Statuses (read only)"), classes="field-label"), vocabulary) \
            if vocabulary is not None else ()
        super().__init__(*(w for f in fields for w in f.widgets), *extra)
        self.vocabulary = vocabulary
        self.shape = shape  # the node's kind and its fields' keys and types
        self.fields = {f.spec.key: f for f in fields}
        self.shown_problems: dict[str, tuple[str, bool]] = {}  # field: (message, is an error)


class NodeForm(SteadyContainer, VerticalScroll, BuiltAfterFirstFrame):
    """Edits one node. Values are pushed to the screen as FieldEdited; problems come back.

    Each kind of node has its own FieldSet, built the first time a node of that kind is shown
    and kept (hidden) afterwards: moving from an action to a programme and back shows the set
    again with new values, instead of building twenty widgets (each Input restyles itself as it
    is built) and laying the screen out twice."""

    KEEP = 6  # field sets kept; more differ only when nodes carry undeclared fields

    def __init__(self, plan: Plan, first: Node | None = None,
                 problems_of: Callable[[Node], list[Problem]] | None = None,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.plan = plan
        self.node: Node | None = first
        self._problems_of = problems_of  # the first node's problems, asked for when shown
        self._title = Static("", id="form-title")
        self._sets: OrderedDict[tuple[str, ...], FieldSet] = OrderedDict()
        self._set: FieldSet | None = None  # the one shown

    @property
    def _fields(self) -> dict[str, Field]:
        return self._set.fields if self._set is not None else {}

    def editor(self, key: str) -> Widget | None:
        """The editor of a field of the node shown, if it has that field."""
        field = self._fields.get(key)
        return field.editor if field is not None else None

    def compose(self) -> ComposeResult:
        yield self._title
        self._set_title(self.node)

    def build(self) -> tuple[AwaitMount, ...]:
        """The fields of the node the form was made with, after the editor's first frame
        (widgets/later.py), unless another node's are shown already (a move got here first)."""
        if self._set is None and self.node is not None:
            of = self._problems_of
            mounting = self.show(self.node, of(self.node) if of is not None else [])
            return (mounting,) if mounting is not None else ()
        return ()

    def show(self, node: Node | None,
             problems: list[Problem] | None = None) -> AwaitMount | None:
        """Show a node's fields: in the field set of its kind, built the first time. Another
        node is shown from its top, its heading in sight (a jump to one of its fields then
        scrolls to that field: `focus_field`); the same node again stays where it was. Returns
        the mount of a field set built now, if one was."""
        if node is not self.node and self.scroll_offset.y:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.node = node
        self._set_title(node)
        if node is None:
            self._switch(None)
            return None
        specs = self._specs(node)
        kept = self._sets.get(_shape(node, specs))
        mounting = None
        if kept is None:
            mounting = self.mount(self._new_set(node, specs))
        else:
            self._switch(kept)
            self.refresh_values()
        self.show_problems(problems or [])
        return mounting

    def _switch(self, to: FieldSet | None) -> None:
        if to is self._set:
            return
        # `display` and a class that no rule styles: changing a class that CSS matches would
        # restyle every widget in the set (35 ms)
        if self._set is not None:
            self._set.display = False
            self._set.remove_class("-current", update=False)
        if to is not None:
            to.display = True
            to.add_class("-current", update=False)
            self._sets.move_to_end(to.shape)
        self._set = to

    def _new_set(self, node: Node, specs: list[FieldSpec]) -> FieldSet:
        fields = [self._field(spec, node) for spec in specs]
        vocabulary = None
        if node.kind is Level.PLAN:
            vocabulary = Static(vocabulary_text(self.plan, self.app.no_color),
                                classes="vocabulary")
        new = FieldSet(_shape(node, specs), fields, vocabulary)
        self._sets[new.shape] = new
        self._switch(new)
        while len(self._sets) > self.KEEP:
            _key, oldest = self._sets.popitem(last=False)
            oldest.remove()
        return new

    def _set_title(self, node: Node | None) -> None:
        if node is None:
            self._title.update(Text("Nothing selected"), layout=False)
            return
        heading = Text(SHAPE[node.kind].title + " ", style="bold")
        if node.kind is Level.PLAN:  # it has no id: its title says which plan
            heading = Text(SHAPE[node.kind].title + ": ", style="bold")
        heading.append(safe(node.id or node.title), style="bold")
        self._title.update(heading, layout=False)  # one line, always: never a layout

    def _field(self, spec: FieldSpec, node: Node) -> Field:
        mark = " *" if spec.required else ""
        label = Label(Text(safe(spec.label) + mark), classes="field-label")
        return Field(spec, label, self._editor(spec, node), ProblemLine("", classes="field-error"))

    def _specs(self, node: Node) -> list[FieldSpec]:
        specs = fields_of(self.plan, node)
        known = {s.key for s in specs}
        for key, value in node.data.items():
            if key not in known and isinstance(value, str | int | float) and not isinstance(
                value, bool
            ):
                specs.append(FieldSpec(key, f"{key} (not declared)", "line", custom=True))
        return specs

    def _editor(self, spec: FieldSpec, node: Node) -> Widget:
        """The field's editor. It has no DOM id: a field's key is the plan's data (`budget £`,
        `a.b`), never part of a selector; the editor carries it as `field_key`."""
        text = node.text(spec.key)
        editor: BoundEditor
        if spec.type == "text":
            editor = FieldText(text, soft_wrap=True, tab_behavior="focus",
                               classes="field-text", compact=True)
        elif spec.type in ("status", "choice"):
            options = self._select_options(spec, text)
            # a required field offers no blank: a node without a value shows NOT_SET
            editor = FieldSelect(options, allow_blank=not spec.required,
                                 value=text if spec.required else text or Select.NULL,
                                 prompt="(none)", compact=True)
            editor.options = tuple(v for _, v in options)
        else:
            editor = FieldInput(text, placeholder=_HINTS.get(spec.type, ""),
                                classes="field-line", compact=True, select_on_focus=False)
        editor.node, editor.field_key, editor.committed = node, spec.key, text
        assert isinstance(editor, Widget)
        return editor

    def _select_options(self, spec: FieldSpec, current: str) -> list[tuple[Text, str]]:
        """A status's or a choice's options, with the value the node has even when it is not
        one of them (shown as such, never dropped), and NOT_SET first when a required field
        has none. Statuses are plain words here: the list's own colours (and its highlight)
        keep every one readable."""
        unset = [(Text(NOT_SET, style=alarm(self.app.no_color)), "")] \
            if spec.required and not current else []
        return unset + self._choices(spec, current)

    def _choices(self, spec: FieldSpec, current: str) -> list[tuple[Text, str]]:
        if spec.type == "status":
            options = [(Text(safe(s.label)), k) for k, s in self.plan.statuses.items()]
            if current and current not in self.plan.statuses:
                options.append((status_text(None, current, no_color=self.app.no_color),
                                current))
            return options
        options = [(Text(safe(c)), c) for c in spec.choices]
        if current and current not in spec.choices:
            options.append((Text(f"{safe(current)} (not a choice)",
                                 style=alarm(self.app.no_color)), current))
        return options

    def refresh_values(self) -> None:
        """Put the node's current values into the editors without echoing them back."""
        node, fields = self.node, self._set
        if node is None or fields is None:
            return
        for key, (spec, _label, editor, _error) in fields.fields.items():
            text = node.text(key)
            if isinstance(editor, FieldSelect):
                if not editor.is_mounted:  # its set is still being mounted: load it once it is
                    self.call_after_refresh(self.refresh_values)
                    continue
                editor.load_options(node, text, self._select_options(spec, text))
            else:
                assert isinstance(editor, BoundEditor)
                editor.load(node, text)
        if fields.vocabulary is not None:
            fields.vocabulary.update(vocabulary_text(self.plan, self.app.no_color))

    def show_problems(self, problems: list[Problem]) -> None:
        by_field: dict[str, list[Problem]] = {}
        for p in problems:
            by_field.setdefault(p.field, []).append(p)
        for key, f in self._fields.items():
            mine = by_field.get(key, [])
            message = ""
            if mine:
                worst = min(mine, key=lambda p: p.severity is not Severity.ERROR)
                word = "Error" if worst.severity is Severity.ERROR else "Warning"
                message = f"{word}: {safe(worst.message)}"
            invalid = any(p.severity is Severity.ERROR for p in mine)
            warning = bool(mine) and not invalid
            assert self._set is not None
            shown = self._set.shown_problems.get(key, ("", False))
            if shown == (message, invalid):
                continue  # as shown: updating it anyway repaints it, every key
            before = shown[0]
            self._set.shown_problems[key] = (message, invalid)
            err = f.error
            # a message of one line in place of another (or of none) is repainted: the
            # field's height is the same, so no layout of the screen
            # its width (the form's: a hidden set's line has none yet)
            width = err.size.width or self.scrollable_content_region.width
            one_line = width > 0 and cell_len(message) <= width and cell_len(before) <= width
            err.update(Text(message), layout=not one_line)
            err.set_class(bool(mine), "-shown")
            for widget in (err, f.editor):
                widget.set_class(invalid, "-invalid")
                widget.set_class(warning, "-warning")

    def focus_field(self, key: str) -> bool:
        """Put the cursor in a field, its label in sight above it."""
        self.ready()
        field = self._fields.get(key)
        if field is None:
            return False
        if field.editor.is_mounted and field.editor.focusable:
            # now, not after the queued messages (Widget.focus): keys typed right after the
            # Tab that brought the cursor here are this field's (internals.in_order)
            self.screen.set_focus(field.editor, scroll_visible=False)
        else:  # a field set mounted just now: focusable once it is
            field.editor.focus(scroll_visible=False)
        self.call_after_refresh(self._reveal, field.label, field.editor, field.error)
        return True

    def first_stop(self) -> bool:
        """Put the cursor in the field an officer updates first (FIRST_STOP): Tab from the
        tree lands there, not in the id."""
        node = self.node
        if node is None:
            return False
        return self.focus_field(FIRST_STOP.get(node.kind, "title")) or self.focus_field("title")

    def reveal(self, editor: Widget) -> bool:
        """Scroll (only if need be) so that the field of this editor is in sight, its label and
        the line under it too; False if it is no field's editor."""
        for field in self._fields.values():
            if field.editor is editor:
                self._reveal(field.label, field.editor, field.error)
                return True
        return False

    def _reveal(self, *widgets: Widget) -> None:
        """Scroll so that these widgets (a label, its editor and the line under it that says
        what is wrong) are in sight together."""
        regions = [w.region for w in widgets if w.region]
        if regions:
            self._scroll_into_view(Region.from_union(regions))

    def _scroll_into_view(self, screen_region: Region) -> None:
        """Scroll the form (only if need be) so that a region of the screen is inside it."""
        view = self.scrollable_content_region
        if not view or view.contains_region(screen_region):
            return
        x, y = self.scroll_offset
        virtual = screen_region.translate((x - view.x, y - view.y))
        self.scroll_to_region(virtual, animate=False, immediate=True, force=True)

    @on(ListOpened)
    def _make_room(self, event: ListOpened) -> None:
        """Scroll (only if need be) so that a choice and its open list are inside the form."""
        region = event.select.region
        if region:
            self._scroll_into_view(Region(region.x, region.y, region.width, 1 + event.rows))

    @on(TextArea.SelectionChanged)
    def _cursor_moved(self, event: TextArea.SelectionChanged) -> None:
        """Keep the cursor of a text field in sight: ctrl+end in a long text, or typing past
        the bottom of the form, scrolls the form to it (the field scrolls itself within)."""
        area = event.text_area
        if area.has_focus:
            self.call_after_refresh(self._show_cursor, area)

    def _show_cursor(self, area: TextArea) -> None:
        if area.has_focus and area.region:
            x, y = area.cursor_screen_offset
            self._scroll_into_view(Region(x, y, 1, 1))


def vocabulary_text(plan: Plan, no_color: bool = False) -> Text:
    """The plan's statuses, one a line: label, key and whether it counts as finished."""
    out = Text()
    for key, status in plan.statuses.items():
        if out:
            out.append("\n")
        out.append_text(status_text(status, no_color=no_color))
        out.append(f"  {safe(key)}", style="dim")
        if status.finished:
            out.append("  finished")
    return out or Text("(none declared)")


def _shape(node: Node, specs: list[FieldSpec]) -> tuple[str, ...]:
    """What decides the form's widgets: rebuilt only when this changes between nodes."""
    return (node.kind, *(s.key + ":" + s.type for s in specs))
