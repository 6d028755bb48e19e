"""The editor screen: tree, form, summary and problems over one open Document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static, Tree

from ...core.check import Checker
from ...core.document import Document, EditError
from ...core.filters import parse_query
from ...core.model import Node
from ...core.problems import PlanError, Problem, Severity
from ...core.summary import summarise
from ...core.values import parse_value
from ...render.terminal import safe
from ..widgets.footer import KeysFooter
from ..widgets.form import FieldEdited, NodeForm
from ..widgets.panes import ProblemsPane, SummaryPane, summary_strip, summary_text
from ..widgets.tree import PlanTree
from .dialogs import ChoiceScreen, PickScreen, ProblemScreen

NARROW = 110  # below this many columns the summary folds into one line
_KIND_WORD = {"theme": "theme", "programme": "programme", "action": "action"}
_LABEL_FIELDS = {"id", "title", "status", "due", "kind"}  # what a tree line shows


class EditorScreen(Screen[None]):
    """Edits one plan. Every change goes through the Document, so saves stay minimal."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", tooltip="Save (F2 also saves)"),
        Binding("f2", "save", "Save", show=False),
        Binding("ctrl+z", "undo", "Undo", priority=True, id="undo"),
        Binding("ctrl+y", "redo", "Redo", priority=True, id="redo", show=False),
        Binding("ctrl+f", "filter", "Filter", show=False),
        Binding("escape", "to_tree", "Tree", show=False),
        Binding("f1", "app.help", "Help", show=False),
    ]

    def __init__(self, doc: Document, verified: bool = True) -> None:
        super().__init__()
        self._open(doc, verified)

    def _open(self, doc: Document, verified: bool) -> None:
        """Take a plan as the screen's own: everything shown is derived from here."""
        self.doc = doc
        self.verified = verified
        self.plan = doc.plan
        self.checker = Checker(self.plan)
        self.node_problems: dict[int, list[Problem]] = {}
        self.id_problems: list[Problem] = []
        self.plan_problems: list[Problem] = []
        self.filter_text = ""
        self._filter_fn: Callable[[Node], bool] | None = None
        self._refresh_timer: Timer | None = None
        self._filter_timer: Timer | None = None
        self._shown_modified = False
        self.check_all()
        # the first action (or the plan itself) is in the form from the first paint
        self.current: Node | None = next(self.plan.actions(), None) or next(
            self.plan.nodes(), None)

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # set while the screen is empty: set later, it restyles every widget (80 ms at start-up)
        self.set_class(self.app.size.width < NARROW, "-narrow")
        yield Static(id="plan-header")
        with Horizontal(id="body"):
            yield PlanTree(self.plan, id="tree")
            current = self.current
            yield NodeForm(self.plan, current, self.problems_of(current) if current else None,
                           id="form")
            with Vertical(id="side"):
                yield SummaryPane(id="summary")
                yield Static(Text("Problems", style="bold"), id="problems-title")
                yield ProblemsPane(id="problems")
        yield Static(id="strip")
        yield Input(id="filter", placeholder="filter: words, status:KEY, lead:TEXT, overdue, "
                    "due:DAYS  (escape clears)", compact=True)

    async def on_mount(self) -> None:
        await self._fill()

    async def _fill(self) -> None:
        """Fill the composed widgets from the plan."""
        tree = self.query_one(PlanTree)
        tree.rebuild()
        if self.current is not None:
            tree.select(self.current)
        self.refresh_header()
        self.refresh_side()
        # Focus first, then mount the footer: its first drawing already has the tree's keys.
        self.set_focus(tree, scroll_visible=False)
        await self.mount(KeysFooter())
        if not self.verified:  # once the screen is up, so the check does not delay it
            self.set_timer(1.0, lambda: self.run_worker(self._verify, thread=True,
                                                        exclusive=True, group="verify"))

    async def reload_from_disk(self) -> None:
        """Show the plan as it now is on disk: the officer chose to drop their changes."""
        try:
            doc = Document.load(self.doc.path)
        except PlanError as exc:  # their version stays underneath, unsaved, until they quit
            self.app.push_screen(ProblemScreen(exc.problem))
            return
        for timer in (self._refresh_timer, self._filter_timer):
            if timer is not None:
                timer.stop()
        self.remove_class("-filtering", "-show-side")
        self._open(doc, True)
        await self.recompose()
        await self._fill()
        self.notify(f"Reloaded {Path(doc.path).name} from disk", markup=False)

    def _verify(self) -> None:
        """Check a quickly-read large plan with tomllib, off the UI thread."""
        problem = self.doc.verify()
        if problem is not None:
            self.app.call_from_thread(self._unsafe, problem)

    def _unsafe(self, problem: str) -> None:
        self.doc.unsafe = f"not saved: {problem}"
        self.notify(f"{problem}\nSaving is off until the file is fixed and reopened.",
                    title="This file does not read as cap read it", severity="error",
                    timeout=30, markup=False)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    # -- checks ------------------------------------------------------------------------------
    def check_all(self) -> None:
        self.checker = Checker(self.plan)
        self.plan_problems = self.checker.check_plan()
        self.node_problems = {}
        for node in self.plan.nodes():
            found = self.checker.check_node(node)
            if found:
                self.node_problems[id(node)] = found
        self.id_problems = self.checker.check_ids()

    def problems_of(self, node: Node) -> list[Problem]:
        mine = list(self.node_problems.get(id(node), []))
        mine += [p for p in self.id_problems if p.node_id == node.id and node.kind != "plan"]
        if node.kind == "plan":
            mine += self.plan_problems
        return mine

    def all_problems(self) -> list[tuple[Node | None, Problem]]:
        out: list[tuple[Node | None, Problem]] = [(self.plan.root, p) for p in self.plan_problems]
        dup = {p.node_id: p for p in self.id_problems}
        for node in self.plan.nodes():
            out.extend((node, p) for p in self.node_problems.get(id(node), []))
            if node.id in dup and dup[node.id] is not None:
                out.append((node, dup.pop(node.id)))
        return out

    def counts(self, problems: list[tuple[Node | None, Problem]] | None = None,
               ) -> tuple[int, int]:
        """Errors and warnings in the plan (in `problems`, when the caller has listed them)."""
        errors = warnings = 0
        for _, p in self.all_problems() if problems is None else problems:
            if p.severity is Severity.ERROR:
                errors += 1
            else:
                warnings += 1
        return errors, warnings

    # -- drawing -----------------------------------------------------------------------------
    def refresh_header(self) -> None:
        plan = self.plan
        text = Text()
        self._shown_modified = self.doc.modified
        if self._shown_modified:
            text.append("● modified ", style="bold yellow")
        text.append(safe(plan.title) or "(no title)", style="bold")
        text.append(f" · as of {plan.as_of.isoformat()}" if plan.as_of else " · no as-of date")
        point = plan.meta.get("reporting_point")
        if isinstance(point, str) and point:
            text.append(" · " + safe(point))
        text.append(" · ")
        text.append(safe(plan.council) or "(no council)")
        self.query_one("#plan-header", Static).update(text)

    def refresh_side(self) -> None:
        """Recount the summary and re-list problems (debounced: not on every keystroke)."""
        self._refresh_timer = None
        actions = None
        total = None
        if self._filter_fn is not None:
            fn = self._filter_fn
            actions = [a for a in self.plan.actions() if fn(a)]
            total = sum(1 for _ in self.plan.actions())
        s = summarise(self.plan, actions=actions)
        problems = self.all_problems()
        counts = self.counts(problems)
        self.query_one(SummaryPane).update(summary_text(s, counts, total))
        self.query_one("#strip", Static).update(summary_strip(s, counts, total))
        self.query_one(ProblemsPane).show(problems)
        title = Text("Problems", style="bold")
        title.append(f" ({counts[0]} errors, {counts[1]} warnings) · p", style="dim")
        self.query_one("#problems-title", Static).update(title)

    def schedule_side(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(0.25, self.refresh_side)

    def show_node(self, node: Node | None) -> None:
        self.current = node
        self.query_one(NodeForm).show(node, self.problems_of(node) if node else [])

    # -- tree --------------------------------------------------------------------------------
    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        node = event.node.data
        if not self.query_one(PlanTree).wanted(node):
            return
        if node is not None and node is not self.current:
            self.show_node(node)

    @on(Tree.NodeSelected, "#tree")
    def _selected(self, event: Tree.NodeSelected[Node]) -> None:
        node = event.node.data
        if node is not None and node.kind == "action":
            self.query_one(NodeForm).focus_field("status")

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
            self.notify(str(exc), title="Not changed", severity="error", markup=False)
            return
        self.after_edit(node, key)

    def after_edit(self, node: Node, key: str) -> None:
        found = self.checker.check_node(node)
        if found:
            self.node_problems[id(node)] = found
        else:
            self.node_problems.pop(id(node), None)
        if key == "id":
            self.id_problems = self.checker.check_ids()
        if node.kind == "plan":
            self.check_all()
            self.refresh_header()
        if node is self.current:
            self.query_one(NodeForm).show_problems(self.problems_of(node))
        if key in _LABEL_FIELDS:
            self.query_one(PlanTree).refresh_label(node)
        if self.doc.modified != self._shown_modified:
            self.refresh_header()
        self.schedule_side()

    def action_undo(self) -> None:
        self._undo_redo(self.doc.undo)

    def action_redo(self) -> None:
        self._undo_redo(self.doc.redo)

    def _undo_redo(self, step: Callable[[], Node | None]) -> None:
        can = self.doc.can_undo if step == self.doc.undo else self.doc.can_redo
        if not can:
            self.notify("Nothing to undo" if step == self.doc.undo else "Nothing to redo",
                        markup=False)
            return
        keep = self.current
        fallback = keep.parent if keep is not None else None
        node = step()
        if node is None:  # a restructure: the tree changes shape
            if not self._alive(keep):
                keep = fallback if self._alive(fallback) and fallback is not None and \
                    fallback.kind != "plan" else next(self.plan.nodes(), None)
            self._restructured(keep)
            return
        tree = self.query_one(PlanTree)
        tree.select(node)
        self.show_node(node)
        self.after_edit(node, "id")

    def _alive(self, node: Node | None) -> bool:
        return node is not None and any(n is node for n in self.plan.nodes())

    def _restructured(self, select: Node | None, field: str = "") -> None:
        self.check_all()
        tree = self.query_one(PlanTree)
        self.show_node(select)
        tree.rebuild(keep=select, filter_fn=self._filter_fn)
        if (select is not None and select.kind != "plan" and tree.tree_node(select) is None
                and self._filter_fn is not None):
            # a node added (or moved, or brought back) that the filter hides: show it
            self._drop_filter()
            tree.rebuild(keep=select)
            self.notify(f"Filter cleared to show {select.id}", markup=False)
        self.refresh_header()
        self.schedule_side()
        if field:
            self.call_after_refresh(self.query_one(NodeForm).focus_field, field)
        else:
            tree.focus()

    def action_add(self, kind: str = "") -> None:
        sel = self.current
        try:
            if kind == "theme" or sel is None or sel.kind == "plan":
                node = self.doc.add(self.plan.root, after=sel if sel and sel.kind == "theme"
                                    else None)
            elif kind == "programme" or sel.kind == "theme":
                theme = sel if sel.kind == "theme" else sel.theme
                assert theme is not None
                after = sel if sel.kind == "programme" else (
                    sel.programme if sel.kind == "action" else None)
                node = self.doc.add(theme, after=after)
            elif sel.kind == "programme":
                node = self.doc.add(sel)
            else:
                assert sel.parent is not None
                node = self.doc.add(sel.parent, after=sel)
        except EditError as exc:
            self.notify(str(exc), title="Cannot add", severity="error", markup=False)
            return
        self._restructured(node, "title")
        self.notify(f"Added {node.kind} {node.id}: give it a title", markup=False)

    def action_duplicate(self) -> None:
        sel = self.current
        if sel is None or sel.kind == "plan":
            return
        try:
            node = self.doc.duplicate(sel)
        except EditError as exc:
            self.notify(str(exc), title="Cannot duplicate", severity="error", markup=False)
            return
        self._restructured(node)
        self.notify(f"Duplicated {sel.id} as {node.id}", markup=False)

    def action_delete(self) -> None:
        sel = self.current
        if sel is None or sel.kind == "plan":
            return
        count = sum(1 for n in sel.walk() if n.kind == "action" and n is not sel)
        question = Text(f"Delete {_KIND_WORD[sel.kind]} ")
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
            self._restructured(nxt if nxt is not None and nxt.kind != "plan" else None)
            self.notify(f"Deleted {sel.id}", markup=False)

        self.app.push_screen(ChoiceScreen(question, [("delete", "Delete", "d"),
                                                     ("cancel", "Cancel", "c")]), done)

    def action_move(self, step: int) -> None:
        sel = self.current
        if sel is None or sel.kind == "plan":
            return
        if self.doc.move(sel, step):
            self._restructured(sel)

    def action_move_to(self) -> None:
        sel = self.current
        if sel is None or sel.kind not in ("action", "programme"):
            self.notify("Select an action (or a programme) to move", markup=False)
            return
        if sel.kind == "action":
            targets = [p for p in self.plan.programmes() if p is not sel.parent]
        else:
            targets = [t for t in self.plan.themes if t is not sel.parent]
        items = []
        for t in targets:
            label = Text(safe(t.id) + "  ", style="bold")
            label.append(safe(t.title))
            if t.kind == "programme" and t.theme is not None:
                label.append(f"  ({safe(t.theme.title)})", style="dim")
            items.append(label)

        def done(index: int | None) -> None:
            if index is None:
                return
            try:
                self.doc.move_to(sel, targets[index])
            except EditError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self._restructured(sel)
            self.notify(f"Moved {sel.id} to {targets[index].title}", markup=False)

        what = "programme" if sel.kind == "action" else "theme"
        self.app.push_screen(PickScreen(f"Move {sel.id} to which {what}?", items), done)

    # -- saving ------------------------------------------------------------------------------
    def action_save(self, then: Callable[[], object] | None = None) -> None:
        """Save; `then` runs once the file is saved (quitting after "Save" does that)."""
        if self.doc.changed_on_disk():
            question = Text(f"{self.doc.path} has changed on disk since you opened it.\n"
                            "Overwrite it with your version, or reload it (dropping your "
                            "changes)?")

            def done(answer: str | None) -> None:
                if answer == "overwrite":
                    if self.save_now() and then is not None:
                        then()
                elif answer == "reload":
                    self.call_later(self.reload_from_disk)

            self.app.push_screen(ChoiceScreen(question, [
                ("cancel", "Cancel", "c"), ("overwrite", "Overwrite", "o"),
                ("reload", "Reload", "r")]), done)
            return
        if self.save_now() and then is not None:
            then()

    def save_now(self) -> bool:
        try:
            self.doc.save()
        except EditError as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return False
        except OSError as exc:
            self.notify(f"Cannot save {self.doc.path}: {exc.strerror or exc}",
                        severity="error", markup=False)
            return False
        errors, _ = self.counts()
        note = f" ({errors} errors remain: p lists them)" if errors else ""
        self.notify(f"Saved {Path(self.doc.path).name}{note}", markup=False)
        self.refresh_header()
        return True

    # -- finding -----------------------------------------------------------------------------
    def action_filter(self) -> None:
        bar = self.query_one("#filter", Input)
        self.add_class("-filtering")
        bar.focus()

    def action_overdue(self) -> None:
        words = self.filter_text.split()
        words = [w for w in words if w != "overdue"] if "overdue" in words else [
            *words, "overdue"]
        self.query_one("#filter", Input).value = " ".join(words)
        self.add_class("-filtering") if words else self.remove_class("-filtering")

    def filter_status(self, key: str) -> None:
        words = [w for w in self.filter_text.split() if not w.startswith("status:")]
        self.query_one("#filter", Input).value = " ".join([*words, f"status:{key}"])
        self.add_class("-filtering")

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(0.15, self.apply_filter)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(PlanTree).focus()

    def apply_filter(self) -> None:
        self._filter_timer = None
        self._filter_fn = parse_query(self.plan, self.filter_text)
        keep = self.current
        tree = self.query_one(PlanTree)
        tree.rebuild(keep=keep, filter_fn=self._filter_fn)
        if keep is None or tree.tree_node(keep) is None:
            tree.pending = None
            first = next((a for a in self.plan.actions()
                          if self._filter_fn is None or self._filter_fn(a)), None)
            if first is not None:
                tree.select(first)
        self.refresh_side()

    def _drop_filter(self) -> None:
        """Clear the filter at once (not after the bar's pause for typing)."""
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        bar = self.query_one("#filter", Input)
        with bar.prevent(Input.Changed):
            bar.value = ""
        self.filter_text = ""
        self._filter_fn = None
        self.remove_class("-filtering")

    def action_to_tree(self) -> None:
        if self.query_one("#filter", Input).has_focus:  # escape in the bar clears the filter
            self._drop_filter()
            self.apply_filter()
        self.remove_class("-show-side")
        self.query_one(PlanTree).focus()

    def action_changes(self) -> None:
        """What changed since the last commit (saved or not), as `cap diff` says it."""
        from .review import changes_screen

        self.app.push_screen(changes_screen(self.doc))

    def action_history(self) -> None:
        """The selected action's history through git, as `cap history` says it."""
        from .review import history_screen

        if self.current is None or self.current.kind != "action":
            self.notify("Select an action to see its history", markup=False)
            return
        self.app.push_screen(history_screen(self.doc, self.current))

    def action_problems(self) -> None:
        self.add_class("-show-side")
        pane = self.query_one(ProblemsPane)
        pane.focus()
        if pane.highlighted is None and pane.option_count:
            pane.highlighted = 0  # so that enter at once goes to the first problem

    def action_summary(self) -> None:
        self.toggle_class("-show-side")
        if not self.has_class("-show-side"):
            self.query_one(PlanTree).focus()

    @on(OptionList.OptionSelected, "#problems")
    def _problem_chosen(self, event: OptionList.OptionSelected) -> None:
        entries = self.query_one(ProblemsPane).entries
        if not 0 <= event.option_index < len(entries):
            return
        node, problem = entries[event.option_index]
        self.jump(node, problem.field)

    def jump(self, node: Node | None, field: str) -> None:
        """Go to a node and put the cursor in one of its fields."""
        if node is None:
            return
        self.remove_class("-show-side")
        tree = self.query_one(PlanTree)
        if tree.tree_node(node) is None and node.kind != "plan":
            self._drop_filter()
            self.apply_filter()
        if node.kind == "plan":
            self.show_node(node)
        else:
            tree.select(node)
            self.show_node(node)
        form = self.query_one(NodeForm)
        if not (field and form.focus_field(field)):
            form.focus_field("title")
