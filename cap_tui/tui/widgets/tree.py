"""The plan's tree: themes > programmes > actions, each tree node holding its plan node."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...core.model import Node, Plan
from .labels import node_label

EAGER_LIMIT = 400  # plans with more actions than this open with programmes folded


class PlanTree(Tree[Node]):
    """Typed tree of a plan. Programmes fill in their actions when first expanded."""

    BINDINGS = [
        Binding("a", "screen.add", "Add", tooltip="Add an action (a programme on a theme)"),
        Binding("c", "screen.duplicate", "Copy", show=False),
        Binding("x,delete", "screen.delete", "Delete", tooltip="Delete (asks first)"),
        Binding("m", "screen.move_to", "Move", show=False),
        Binding("left_square_bracket", "screen.move(-1)", "Up", show=False),
        Binding("right_square_bracket", "screen.move(1)", "Down", show=False),
        Binding("slash", "screen.filter", "Filter"),
        Binding("o", "screen.overdue", "Overdue", show=False),
        Binding("p", "screen.problems", "Problems"),
        Binding("s", "screen.summary", "Summary", show=False),
        Binding("h", "screen.history", "History", show=False),
        Binding("g", "screen.changes", "Changes", show=False),
        Binding("question_mark", "app.help", "Help"),
        Binding("right", "expand_node", "Expand", show=False),
        Binding("left", "collapse_node", "Collapse", show=False),
    ]

    def __init__(self, plan: Plan, **kwargs: object) -> None:
        super().__init__("plan", **kwargs)  # type: ignore[arg-type]
        self.plan = plan
        self.show_root = False
        self.guide_depth = 2
        self._tree_nodes: dict[int, TreeNode[Node]] = {}
        self._filter: Callable[[Node], bool] | None = None
        self.pending: Node | None = None  # the node the cursor is being put back on
        self._unfiltered: set[tuple[str, str]] = set()  # unfolded before a filter opened all
        self._ever: set[tuple[str, str]] = set()

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
        first_build = not self._tree_nodes
        self.clear()
        self._tree_nodes.clear()
        statuses = self.plan.statuses
        eager = first_build and sum(1 for _ in self.plan.actions()) <= EAGER_LIMIT
        for theme in self.plan.themes:
            shown = [p for p in theme.children if self._shows(p)]
            if filter_fn and not shown and not self._matches(theme):
                continue
            tnode = self.root.add(node_label(self.plan, theme, statuses), theme, expand=True)
            self._tree_nodes[id(theme)] = tnode
            for programme in shown if filter_fn else theme.children:
                open_it = (eager or filter_fn is not None or _key(programme) in expanded)
                pnode = tnode.add(node_label(self.plan, programme, statuses), programme,
                                  expand=open_it, allow_expand=bool(programme.children))
                self._tree_nodes[id(programme)] = pnode
                if open_it:
                    self._fill(pnode)
            if not first_build and _key(theme) not in expanded and not filter_fn:
                tnode.collapse()
        self.root.expand()
        self.pending = None
        if keep is not None:
            self.select(keep)

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
        for action in programme.children:
            if self._filter is not None and not self._matches(action):
                continue
            self._tree_nodes[id(action)] = pnode.add_leaf(
                node_label(self.plan, action, statuses), action
            )

    def _remember(self) -> set[tuple[str, str]]:
        """What is unfolded now, plus what was unfolded of nodes no longer shown (a deleted
        programme brought back by undo comes back as the officer left it)."""
        shown = {_key(n.data) for n in self._tree_nodes_all() if n.data is not None}
        now = {_key(n) for n in self._nodes_expanded()}
        self._ever = (self._ever - shown) | now
        return set(self._ever)

    def _tree_nodes_all(self) -> list[TreeNode[Node]]:
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

    def _on_resize(self, event: events.Resize) -> None:
        """Repaint at the new size. Textual's Tree also asks for a new layout of the whole
        screen here, which is not needed: its lines do not depend on its width. That layout
        was one more full redraw at start-up and at every resize of the terminal."""
        event.prevent_default()  # instead of Tree's own handler
        self._line_cache.grow(event.size.height)
        self._clear_line_cache()
        self.refresh()

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Node]) -> None:
        node = event.node.data
        if node is not None and node.kind == "programme":
            self._fill(event.node)

    # -- finding and refreshing --------------------------------------------------------------
    def tree_node(self, node: Node) -> TreeNode[Node] | None:
        return self._tree_nodes.get(id(node))

    def select(self, node: Node) -> bool:
        """Move the cursor to a plan node, opening its programme if need be.

        The move happens once the tree has laid out its lines; until then, highlights of other
        nodes (the tree resets its cursor while it is rebuilt) are not followed.
        """
        chain = []
        n: Node | None = node
        while n is not None and n.kind != "plan":
            chain.append(n)
            n = n.parent
        for ancestor in reversed(chain[1:]):
            t = self.tree_node(ancestor)
            if t is not None:
                t.expand()
                if ancestor.kind == "programme":
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

    def refresh_label(self, node: Node) -> None:
        t = self.tree_node(node)
        if t is not None:
            t.set_label(node_label(self.plan, node, self.plan.statuses))

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


def _key(node: Node) -> tuple[str, str]:
    """What identifies a node across rebuilds, undo and redo: its kind and id, not its object."""
    return node.kind, node.id
