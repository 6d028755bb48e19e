"""The editor screen: tree, form, summary and problems over one open Document.

The screen holds the open plan's state: the Document, its live problems (core/live.py) and the
node shown (`current`, a reactive: setting it refills the form). The rest belongs to widgets:
the tree takes the structure keys, the filter bar its words, the side pane its counts, the header
the plan's name; saving and reloading are the PlanFile's (plan_file.py). What stays here is what
joins them: an edit, an undo, a restructure, a filter, a jump to a problem.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static, Tree

from ...core.document import Document, EditError
from ...core.live import LiveProblems
from ...core.model import Node
from ...core.shape import Level
from ...core.values import parse_value
from .. import heap
from ..bindings import Scope, bindings
from ..internals import QuietFocusScreen
from ..widgets.filter import FilterBar, FilterLine, Keep
from ..widgets.footer import KeysFooter
from ..widgets.form import FieldEdited, NodeForm
from ..widgets.header import PlanHeader
from ..widgets.panes import SidePane
from ..widgets.tree import PlanTree
from .plan_file import PlanFile

NARROW = 110  # below this many columns the summary folds into one line
TALL = 40  # from this many lines a text field shows more of its text (cap.tcss)


class EditorScreen(QuietFocusScreen[None]):
    """Edits one plan. Every change goes through the Document, so saves stay minimal."""

    BINDINGS = bindings(Scope.EDITOR)

    current: reactive[Node | None] = reactive(None, init=False, always_update=True,
                                               repaint=False)
    """The node the form shows. Setting it, even to the node shown, fills the form again."""

    def __init__(self, doc: Document, verified: bool = True) -> None:
        super().__init__()
        self.file = PlanFile(self)
        self._open(doc, verified)

    def _open(self, doc: Document, verified: bool) -> None:
        """Take a plan as the screen's own: everything shown is derived from here."""
        self.doc = doc
        self.verified = verified
        self.plan = doc.plan
        # a large plan (read quickly, checked in the background) is drawn first and checked
        # after its first paint (on_mount); any other, at once
        self.live = LiveProblems(self.plan, now=verified)
        # the first action (or the plan itself) is in the form from the first paint: set
        # quietly, the form is composed with it
        first = next(self.plan.actions(), None) or next(self.plan.nodes(), None)
        self.set_reactive(EditorScreen.current, first)

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # set while the screen is empty: set later, it restyles every widget (80 ms at start-up)
        self.set_class(self.app.size.width < NARROW, "-narrow")
        self.set_class(self.app.size.height >= TALL, "-tall")
        yield PlanHeader(id="plan-header")
        strip = Static(id="strip")  # the side pane's counts in one line, below the body
        with Horizontal(id="body"):
            yield PlanTree(self.doc, self.restructured, self._follow, id="tree")
            current = self.current
            yield NodeForm(self.plan, current, self.live.of, id="form")
            yield SidePane(self.plan, self.live, strip, id="side")
        yield strip
        yield FilterLine(self.plan, id="filter-line")

    async def on_mount(self) -> None:
        await self._fill()
        # after the first paint: a large plan's checks and scan, the lock (filelock's
        # import), the journal and the checks of the file
        if not self.live.checked:
            self.call_after_refresh(self._check)
        self.call_after_refresh(self.file.start)
        self.call_after_refresh(heap.settle)

    def _check(self) -> None:
        """A large plan's checks, once its first screen is drawn: the counts and the form's
        problems follow. Its layout scan (what edits are made with) is made in a thread,
        beside the editor, before the first edit (which waits for it if need be)."""
        self.live.check()
        self.query_one(SidePane).recount()
        form = self.query_one(NodeForm)
        if form.node is not None:
            form.show_problems(self.live.of(form.node))
        self.run_worker(asyncio.to_thread(self.doc.prepare), exclusive=True, group="scan")

    async def settled(self) -> None:
        """The widgets built after the first frame (the fields, the side pane, the filter
        bar) built and mounted: keys typed before the first frame are given to the screen
        once they are (CapApp), so that a Tab lands in a field that is there."""
        for later in (self.query_one(NodeForm), self.query_one(SidePane),
                      self.query_one(FilterLine)):
            await later.settled()

    def on_unmount(self) -> None:
        self.file.close()

    async def _fill(self) -> None:
        """Fill the composed widgets from the plan."""
        tree = self.query_one(PlanTree)
        tree.current = self.current
        tree.rebuild()
        if self.current is not None:
            tree.select(self.current)
        header = self.query_one(PlanHeader)
        header.read_only = self.file.read_only is not None
        header.show(self.plan, self.doc.modified)
        self.query_one(SidePane).recount()
        # Focus first, then mount the footer: its first drawing already has the tree's keys.
        self.set_focus(tree, scroll_visible=False)
        await self.mount(KeysFooter())
        if not self.verified:  # once the screen is up, so the check does not delay it
            self.file.verify_later()

    async def reopen(self, doc: Document) -> None:
        """Show another version of the plan (reloaded from disk) in place of this one."""
        self.remove_class("-show-side")
        self._open(doc, True)
        heap.release()  # the plan replaced, its widgets among them, can be collected now
        await self.recompose()
        await self._fill()
        # and once they are gone (their messages delivered), what stays is left out again
        self.set_timer(heap.REFREEZE, lambda: heap.settle(collect=True))

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")
        self.set_class(event.size.height >= TALL, "-tall")

    def watch_current(self, node: Node | None) -> None:
        self.query_one(PlanTree).current = node
        self.query_one(NodeForm).show(node, self.live.of(node) if node else [])

    # -- the tree ----------------------------------------------------------------------------
    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        node = event.node.data
        if self.query_one(PlanTree).wanted(node) and node is not None:
            self._follow(node)

    def _follow(self, node: Node) -> None:
        """Show the node the tree's cursor is on (at once when a key moved it: PlanTree)."""
        if node is not self.current:
            self.current = node

    @on(Tree.NodeSelected, "#tree")
    def _selected(self, event: Tree.NodeSelected[Node]) -> None:
        node = event.node.data
        if node is not None and node.kind in (Level.ACTION, Level.PLAN):
            self.query_one(NodeForm).first_stop()

    def focus_next(self, selector: str | type[Any] = "*") -> Widget | None:
        """Tab: from the tree, to the field an officer updates first (an action's status, not
        its id); in the form, to the next field, and from the last back to the first (Escape
        goes back to the tree: one Tab too many never turns the next letters typed into the
        tree's commands)."""
        if isinstance(self.focused, PlanTree) and selector == "*" and \
                self.query_one(NodeForm).first_stop():
            return self.focused
        if selector == "*" and (first := self._round_the_form(-1, 0)) is not None:
            return first
        return super().focus_next(selector)

    def focus_previous(self, selector: str | type[Any] = "*") -> Widget | None:
        """Shift+Tab: in the form, to the field before, and from the first to the last."""
        if selector == "*" and (last := self._round_the_form(0, -1)) is not None:
            return last
        return super().focus_previous(selector)

    def set_focus(self, widget: Widget | None, scroll_visible: bool = True,
                  from_app_focus: bool = False) -> None:
        """A field given the focus (Tab, shift+Tab, a click) is scrolled into sight with its
        label, now: in the frame that shows the focus move (Textual centres it, a frame later)."""
        forms = self.query(NodeForm)
        form = forms.first() if forms else None
        if scroll_visible and widget is not None and form is not None and \
                form in widget.ancestors and widget.region:
            super().set_focus(widget, scroll_visible=False, from_app_focus=from_app_focus)
            if not form.reveal(widget):  # not a field's editor (a choice's open list)
                widget.scroll_visible()
            return
        super().set_focus(widget, scroll_visible, from_app_focus)

    def _round_the_form(self, edge: int, to: int) -> Widget | None:
        """When the focus is on the form's field at `edge` (in Tab order: 0 first, -1 last),
        move it to the field at `to` and return that field; else None."""
        form = self.query_one(NodeForm)
        if self.focused is None or form not in self.focused.ancestors:
            return None
        fields = [w for w in self.focus_chain if form in w.ancestors]
        if not fields or self.focused is not fields[edge]:
            return None
        self.set_focus(fields[to])
        return fields[to]

    # -- editing -----------------------------------------------------------------------------
    @on(FieldEdited)
    def _field_edited(self, event: FieldEdited) -> None:
        node, key = event.node, event.key
        try:
            value: Any = parse_value(self.plan, node, key, event.text)
        except ValueError:
            value = event.text  # kept as typed; validation says what is wrong with it
        try:
            self.doc.set_field(node, key, value, merge=True)
        except EditError as exc:
            self.notify(f"Not changed: {exc}", severity="error", markup=False)
            return
        self.after_edit(node, key)

    def after_edit(self, node: Node, key: str | None) -> None:
        """Show what an edit of one of a node's fields changed (`key` None: not known)."""
        self.live.recheck(node)  # files it again under its new id when the id changed
        if node is self.current:
            self.query_one(NodeForm).show_problems(self.live.of(node))
        tree = self.query_one(PlanTree)
        header = self.query_one(PlanHeader)
        if node.kind is Level.PLAN:
            tree.relabel_all()  # the as-of date decides which actions are overdue
            header.show(self.plan, self.doc.modified)
        else:
            tree.relabel(node, key)
            header.follow(self.plan, self.doc.modified)
        self.query_one(SidePane).schedule()

    def action_undo(self) -> None:
        self._step(self.doc.undo, self.doc.can_undo, "Nothing to undo")

    def action_redo(self) -> None:
        self._step(self.doc.redo, self.doc.can_redo, "Nothing to redo")

    def _step(self, step: Callable[[], Node | None], can: bool, nothing: str) -> None:
        """Undo or redo one change, and show the node it concerned."""
        if not can:
            self.notify(nothing, markup=False)
            return
        keep = self.current
        fallback = keep.parent if keep is not None else None
        node = step()
        if node is None:  # a restructure: the tree changes shape
            if not self._alive(keep):
                keep = fallback if self._alive(fallback) and fallback is not None and \
                    fallback.kind is not Level.PLAN else next(self.plan.nodes(), None)
            self.restructured(keep)
            return
        self.query_one(PlanTree).select(node)
        self.current = node
        self.after_edit(node, None)

    def _alive(self, node: Node | None) -> bool:
        return node is not None and any(n is node for n in self.plan.nodes())

    def restructured(self, select: Node | None, field: str = "", note: str = "") -> None:
        """Show the plan after a change to its shape (an add, a delete, a move, or the undo of
        one): check it again, redraw the tree, show `select` (and put the cursor in `field`)."""
        self.live.recheck_all()
        tree = self.query_one(PlanTree)
        self.current = select
        tree.rebuild(keep=select, filter_fn=tree.filter_fn)
        if (select is not None and select.kind is not Level.PLAN
                and tree.tree_node(select) is None and tree.filter_fn is not None):
            # a node added (or moved, or brought back) that the filter hides: show it
            self.query_one(FilterLine).bar().drop()
            self.query_one(SidePane).only = None
            tree.rebuild(keep=select)
            self.notify(f"Filter cleared to show {select.id}", markup=False)
        self.query_one(PlanHeader).show(self.plan, self.doc.modified)
        self.query_one(SidePane).schedule()
        if field:
            # now, not after a refresh: the keys typed right after `a` are the new node's
            # title (internals.in_order gives them to the field), never the tree's commands
            self.query_one(NodeForm).focus_field(field)
        else:
            tree.focus()
        if note:
            self.notify(note, markup=False)

    def action_save(self, then: Callable[[], object] | None = None) -> None:
        """Save; `then` runs once the file is saved (quitting after "Save" does that)."""
        self.file.save(then)

    def action_save_as(self) -> None:
        self.file.save_as()

    def action_report_export(self) -> None:
        """The committee report on the saved plan, in html and Word, beside it (a thread: a
        large plan's Word file takes a second or more)."""
        if self.doc.modified:
            self.notify("Not exported: the report is made from the saved plan; save first "
                        "(ctrl+s)", severity="warning", markup=False)
            return
        self.run_worker(self._export, thread=True, exclusive=True, group="report")

    def _export(self) -> None:
        from ...core.report import ReportError
        from ...render.report_output import write_report

        folder = Path(self.doc.path).resolve().parent
        try:
            written = [write_report(self.doc.path, fmt, folder) for fmt in ("html", "docx")]
        except ReportError as exc:
            self.app.call_from_thread(self.notify, f"Not exported: {exc}", severity="error",
                                      markup=False)
            return
        names = ", ".join(p.name for p in written)
        self.app.call_from_thread(self.notify, f"Report written: {names} in {folder}",
                                  markup=False)

    async def action_reload(self) -> None:
        """The file as it is on disk now, with the officer's unsaved edits replayed on it."""
        await self.file.reload()

    # -- finding -----------------------------------------------------------------------------
    def action_filter(self) -> None:
        self.query_one(FilterLine).bar().open()

    def action_overdue(self) -> None:
        self.query_one(FilterLine).bar().toggle_word("overdue")

    @on(FilterBar.Filtered)
    def _filtered(self, event: FilterBar.Filtered) -> None:
        self._show_only(event.keep)

    def _show_only(self, keep: Keep | None) -> None:
        self.query_one(PlanTree).show_only(keep, self.current)
        side = self.query_one(SidePane)
        side.only = keep
        side.recount()

    @on(FilterBar.Closed)
    def _filter_closed(self) -> None:
        self.action_to_tree()

    def action_to_tree(self) -> None:
        self.remove_class("-show-side")
        self.set_focus(self.query_one(PlanTree))  # now: Widget.focus waits a turn, repaints all

    def action_problems(self) -> None:
        self.add_class("-show-side")
        self.query_one(SidePane).focus_problems()

    def action_summary(self) -> None:
        self.toggle_class("-show-side")
        if not self.has_class("-show-side"):
            self.query_one(PlanTree).focus()

    @on(SidePane.Chosen)
    def _problem_chosen(self, event: SidePane.Chosen) -> None:
        self.jump(event.node, event.field)

    def jump(self, node: Node | None, field: str) -> None:
        """Go to a node and put the cursor in one of its fields."""
        if node is None:
            return
        self.remove_class("-show-side")
        tree = self.query_one(PlanTree)
        if tree.tree_node(node) is None:  # hidden by the filter: show everything
            self.query_one(FilterLine).bar().drop()
            self._show_only(None)
        tree.select(node)
        self.current = node
        form = self.query_one(NodeForm)
        if not (field and form.focus_field(field)):
            form.focus_field("title")

    # -- review ------------------------------------------------------------------------------
    def action_changes(self) -> None:
        """What changed since the last commit (saved or not), as `cap diff` says it."""
        from .review import changes_screen

        self.app.push_screen(changes_screen(self.doc))

    def action_history(self) -> None:
        """The selected action's history through git, as `cap history` says it."""
        from .review import history_screen

        if self.current is None or self.current.kind is not Level.ACTION:
            self.notify("Select an action to see its history", markup=False)
            return
        self.app.push_screen(history_screen(self.doc, self.current))
