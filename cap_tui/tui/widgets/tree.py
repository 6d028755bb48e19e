"""The plan's tree: themes > programmes > actions, each tree node holding its plan node.

The tree also takes the keys that change the plan's structure (add, duplicate, delete, move):
they act on the node the editor shows (`current`), through the Document, and hand the node to
show next to `restructured`, the editor screen's, which re-checks the plan and redraws it.
That hand-over is a call, not a message: a key pressed straight after (held keys, a script)
must find the tree, the form and the problems already in the new shape.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...core.document import Document, EditError
from ...core.model import Node
from ...core.shape import SHAPE, Level
from ...render.terminal import safe
from ..bindings import Scope, at_once_keys, bindings
from ..internals import RestyledTree, repaint_lines
from .labels import LABEL_FIELDS, node_label

EAGER_LIMIT = 400  # plans with more actions than this open with programmes folded
_TOGGLE = Style.from_meta({"toggle": True})  # what Tree marks its fold icons with


Restructured = Callable[[Node | None, str, str], None]  # (node to show, field to edit, note)


class PlanTree(RestyledTree, Tree[Node]):
    """Typed tree of a plan: the plan itself on the first line (its council, dates and
    vocabulary are edited there), then its themes. Programmes fill in their actions when first
    expanded. Each line is drawn to fit the tree's width (`render_label`)."""

    BINDINGS = bindings(Scope.TREE)
    AT_ONCE = at_once_keys(Scope.TREE)  # run as they arrive (internals.run_own_binding)

    def __init__(self, doc: Document, restructured: Restructured,
                 follow: Callable[[Node], None] | None = None, **kwargs: object) -> None:
        # a Text, not a str: Tree reads a str label as markup (and loads rich's emoji table)
        super().__init__(Text(Level.PLAN.value), **kwargs)  # type: ignore[arg-type]
        self.doc = doc
        self.plan = doc.plan
        self.restructured = restructured
        self.follow = follow  # called with the node under the cursor when a key moves it
        self.current: Node | None = None  # the node the form shows: set by the editor screen
        self.show_root = False
        self.guide_depth = 2
        self._lines_of: dict[Node, TreeNode[Node]] = {}  # each plan node's line, when shown
        self._filter: Callable[[Node], bool] | None = None
        self.pending: Node | None = None  # the node the cursor is being put back on
        self._unfiltered: set[tuple[str, str]] = set()  # unfolded before a filter opened all
        self._ever: set[tuple[str, str]] = set()

    # -- following the cursor ----------------------------------------------------------------
    def watch_cursor_line(self, previous_line: int, line: int) -> None:
        """A move made with a key is followed now (`follow`), not when the NodeHighlighted
        message Tree posts has bubbled up to the screen: the form is filled in the same frame
        as the cursor is drawn, a move is one repaint, not two or three."""
        super().watch_cursor_line(previous_line, line)
        if not self.by_key or self.follow is None or previous_line == line:
            return
        node = self.cursor_node
        if node is not None and node.data is not None and self.wanted(node.data):
            self.follow(node.data)

    # -- building ----------------------------------------------------------------------------
    def rebuild(self, keep: Node | None = None, filter_fn: Callable[[Node], bool] | None = None,
                ) -> None:
        """Fill the tree from the plan, keeping expansion and selection where they still apply."""
        if filter_fn is not None and self._filter is None:
            self._unfiltered = self._remember()
        if filter_fn is None and self._filter is not None:
            expanded = self._unfiltered  # back to how the officer had it before filtering
        else:
            expanded = self._remember()
        self._filter = filter_fn
        with self.filling():  # one refresh for all the lines added
            first_build = not self._lines_of
            self.clear()
            self._lines_of.clear()
            statuses = self.plan.statuses
            eager = first_build and sum(1 for _ in self.plan.actions()) <= EAGER_LIMIT
            root = self.plan.root
            self._lines_of[root] = self.root.add_leaf(node_label(self.plan, root, statuses),
                                                      root)
            for theme in self.plan.themes:
                shown = [p for p in theme.children if self._shows(p)]
                if filter_fn and not shown and not self._matches(theme):
                    continue
                tnode = self.root.add(node_label(self.plan, theme, statuses), theme, expand=True)
                self._lines_of[theme] = tnode
                for programme in shown if filter_fn else theme.children:
                    open_it = (eager or filter_fn is not None or _key(programme) in expanded)
                    pnode = tnode.add(node_label(self.plan, programme, statuses), programme,
                                      expand=open_it, allow_expand=bool(programme.children))
                    self._lines_of[programme] = pnode
                    if open_it:
                        self._fill(pnode)
                if not first_build and _key(theme) not in expanded and not filter_fn:
                    tnode.collapse()
        self.root.expand()
        self.pending = None
        if keep is not None:
            self.select(keep)

    @property
    def filter_fn(self) -> Callable[[Node], bool] | None:
        """What the tree keeps of the plan's actions (None: all of them)."""
        return self._filter

    def show_only(self, keep: Callable[[Node], bool] | None, current: Node | None) -> None:
        """Apply a filter, keeping the cursor on `current` if it is still shown, else on the
        first action shown."""
        self.rebuild(keep=current, filter_fn=keep)
        if current is None or self.tree_node(current) is None:
            self.pending = None
            first = next((a for a in self.plan.actions() if keep is None or keep(a)), None)
            if first is not None:
                self.select(first)

    def _matches(self, node: Node) -> bool:
        return self._filter is None or self._filter(node)

    def _shows(self, programme: Node) -> bool:
        if self._filter is None:
            return True
        return self._matches(programme) or any(self._matches(a) for a in programme.children)

    def _fill(self, pnode: TreeNode[Node]) -> None:
        programme = pnode.data
        if programme is None or pnode.children:
            return
        statuses = self.plan.statuses
        with self.filling():
            for action in programme.children:
                if self._filter is not None and not self._matches(action):
                    continue
                self._lines_of[action] = pnode.add_leaf(
                    node_label(self.plan, action, statuses), action
                )

    def _remember(self) -> set[tuple[str, str]]:
        """What is unfolded now, plus what was unfolded of nodes no longer shown (a deleted
        programme brought back by undo comes back as the officer left it)."""
        shown = {_key(n.data) for n in self._lines_all() if n.data is not None}
        now = {_key(n) for n in self._nodes_expanded()}
        self._ever = (self._ever - shown) | now
        return set(self._ever)

    def _lines_all(self) -> list[TreeNode[Node]]:
        out, stack = [], list(self.root.children)
        while stack:
            t = stack.pop()
            out.append(t)
            stack.extend(t.children)
        return out

    def _nodes_expanded(self) -> list[Node]:
        out = []
        stack = list(self.root.children)
        while stack:
            t = stack.pop()
            if t.is_expanded and t.data is not None:
                out.append(t.data)
            stack.extend(t.children)
        return out

    def wanted(self, node: Node | None) -> bool:
        """Whether a highlight is one to follow: not a stray one while the tree is rebuilt."""
        if self.pending is None:
            return True
        return node is self.pending

    def on_resize(self, event: events.Resize) -> None:
        """Repaint at the new size. Textual's Tree also asks for a new layout of the whole
        screen here, which is not needed: its lines do not depend on its width. That layout
        was one more full redraw at start-up and at every resize of the terminal."""
        event.prevent_default()  # instead of Tree's own handler
        repaint_lines(self, event.size.height)

    def render_label(self, node: TreeNode[Node], base_style: Style, style: Style) -> Text:
        """A line's label fitted to the cells left of the tree's width (labels.node_label
        decides what is kept), after its fold icon, as Tree draws it."""
        data = node.data
        if data is None:
            return super().render_label(node, base_style, style)
        icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        prefix = (icon, base_style + _TOGGLE) if node.allow_expand else ("", base_style)
        room = self._room(data) - len(prefix[0]) if self.size.width else 0
        label = node_label(self.plan, data, self.plan.statuses, max(room, 1) if room else 0,
                           self.app.no_color)
        label.stylize(style)
        return Text.assemble(prefix, label)

    def get_label_width(self, node: TreeNode[Node]) -> int:
        """The label's width as drawn, without drawing it (every line is measured at each
        rebuild): never wider than the tree, so it never scrolls sideways."""
        icon = len(self.ICON_NODE) if node.allow_expand else 0
        label = node.label  # always Text here (node_label)
        width = (label.cell_len if isinstance(label, Text) else len(label)) + icon
        if node.data is not None and self.size.width:
            width = min(width, self._room(node.data))
        return width

    def _room(self, node: Node) -> int:
        """The cells a node's line has for its label: the tree's width (less its scrollbar)
        less the guides."""
        depth = max(SHAPE[node.kind].depth - 1, 0)
        return self.scrollable_content_region.width - depth * self.guide_depth

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Node]) -> None:
        node = event.node.data
        if node is not None and node.kind is Level.PROGRAMME:
            self._fill(event.node)

    # -- finding and refreshing --------------------------------------------------------------
    def tree_node(self, node: Node) -> TreeNode[Node] | None:
        return self._lines_of.get(node)

    def select(self, node: Node) -> bool:
        """Move the cursor to a plan node, opening its programme if need be.

        The move happens once the tree has laid out its lines; until then, highlights of other
        nodes (the tree resets its cursor while it is rebuilt) are not followed.
        """
        chain = []
        n: Node | None = node
        while n is not None and n.kind is not Level.PLAN:
            chain.append(n)
            n = n.parent
        for ancestor in reversed(chain[1:]):
            t = self.tree_node(ancestor)
            if t is not None:
                t.expand()
                if ancestor.kind is Level.PROGRAMME:
                    self._fill(t)
        target = self.tree_node(node)
        if target is None:
            return False
        self.pending = node
        self.call_after_refresh(self._settle, target)
        return True

    def _settle(self, target: TreeNode[Node]) -> None:
        self.move_cursor(target)
        if self.cursor_node is target and target.data is self.pending:
            self.pending = None
            # moving onto the line the cursor already had sends no event: say it anyway
            self.post_message(Tree.NodeHighlighted(target))

    def relabel(self, node: Node, key: str | None = None) -> None:
        """Draw a node's line again after an edit of `key` (None: of any field)."""
        t = self.tree_node(node)
        if t is not None and (key is None or key in LABEL_FIELDS):
            t.set_label(node_label(self.plan, node, self.plan.statuses))

    def relabel_all(self) -> None:
        """Draw every line again: after an edit of the plan's own fields (its as-of date
        decides what is overdue)."""
        for node, line in self._lines_of.items():
            line.set_label(node_label(self.plan, node, self.plan.statuses))

    def action_expand_node(self) -> None:
        if self.cursor_node is not None:
            self.cursor_node.expand()

    def action_collapse_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.children:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)


    # -- the structure keys ------------------------------------------------------------------
    def action_add(self, kind: str = "") -> None:
        """An action after the one shown (at the end of a programme; on a theme, a programme;
        on the plan, a theme), or a node of `kind` there."""
        sel = self.current
        try:
            node = self.doc.add(*_where_to_add(self.plan.root, sel, kind))
        except EditError as exc:
            self.notify(f"Cannot add: {exc}", severity="error", markup=False)
            return
        self.restructured(node, "title", f"Added {node.kind} {node.id}: give it a title")

    def _not_the_plan(self, sel: Node | None, what: str) -> bool:
        """Whether `sel` is a node the structure keys act on; on the plan's own line, says why
        nothing happens."""
        if sel is not None and sel.kind is Level.PLAN:
            self.notify(f"The plan itself cannot be {what}: select a theme, programme or action",
                        markup=False)
            return False
        return sel is not None

    def action_duplicate(self) -> None:
        sel = self.current
        if not self._not_the_plan(sel, "duplicated"):
            return
        assert sel is not None
        try:
            node = self.doc.duplicate(sel)
        except EditError as exc:
            self.notify(f"Cannot duplicate: {exc}", severity="error", markup=False)
            return
        self.restructured(node, "", f"Duplicated {sel.id} as {node.id}")

    def action_delete(self) -> None:
        sel = self.current
        if not self._not_the_plan(sel, "deleted"):
            return
        assert sel is not None
        count = sum(1 for n in sel.walk() if n.kind is Level.ACTION and n is not sel)
        question = Text(f"Delete {SHAPE[sel.kind].word} ")
        question.append(safe(sel.id), style="bold")
        question.append(f" “{safe(sel.title)}”")
        if count:
            question.append(f" and the {count} actions under it")
        question.append("?\nUndo (ctrl+z) brings it back until you quit.")

        def done(answer: str | None) -> None:
            if answer != "delete":
                return
            parent = sel.parent
            siblings = parent.children if parent else []
            i = siblings.index(sel) if sel in siblings else 0
            self.doc.delete(sel)
            nxt = siblings[min(i, len(siblings) - 1)] if siblings else parent
            self.restructured(nxt if nxt is not None and nxt.kind is not Level.PLAN else None,
                              "", f"Deleted {sel.id}")

        from ..screens.dialogs import ChoiceScreen
        self.app.push_screen(ChoiceScreen(question, [("delete", "Delete", "d"),
                                                     ("cancel", "Cancel", "c")]), done)

    def action_move(self, step: int) -> None:
        sel = self.current
        if self._not_the_plan(sel, "moved") and sel is not None and self.doc.move(sel, step):
            self.restructured(sel, "", "")

    def action_move_to(self) -> None:
        """The action to another programme (a programme to another theme), picked from a list;
        when there is nowhere else to move it, or it is not a node that moves so, says why."""
        sel = self.current
        if sel is None or sel.kind not in (Level.ACTION, Level.PROGRAMME):
            self.notify("m moves an action to another programme, or a programme to another "
                        "theme: select one ([ and ] move any node up and down)", markup=False)
            return
        above = SHAPE[sel.kind].parent
        assert above is not None  # an action's programme, a programme's theme
        if not any(n.kind is above and n is not sel.parent for n in self.plan.nodes()):
            self.notify(f"No other {SHAPE[above].word} to move {sel.id} to: add one first",
                        markup=False)
            return

        def done(target: Node | None) -> None:
            if target is None:
                return
            try:
                self.doc.move_to(sel, target)
            except EditError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.restructured(sel, "", f"Moved {sel.id} to {target.title}")

        from ..screens.dialogs import MoveScreen
        self.app.push_screen(MoveScreen(sel, self.plan), done)


def _where_to_add(root: Node, sel: Node | None, kind: str) -> tuple[Node, Node | None]:
    """(parent, after): where `add` puts a new node, given the node shown."""
    if kind == Level.THEME or sel is None or sel.kind is Level.PLAN:
        return root, sel if sel is not None and sel.kind is Level.THEME else None
    if kind == Level.PROGRAMME or sel.kind is Level.THEME:
        theme = sel if sel.kind is Level.THEME else sel.theme
        assert theme is not None
        after = sel if sel.kind is Level.PROGRAMME else (
            sel.programme if sel.kind is Level.ACTION else None)
        return theme, after
    if sel.kind is Level.PROGRAMME:
        return sel, None
    assert sel.parent is not None
    return sel.parent, sel


def _key(node: Node) -> tuple[str, str]:
    """What identifies a node across rebuilds, undo and redo: its kind and id, not its object."""
    return node.kind, node.id
