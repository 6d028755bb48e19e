"""Showing a PlanDiff: text for a terminal or a pipe, Markdown for a merge request, JSON for tools.

Also the "textconv" view of one plan that git's own diff shows (`cap diff --textconv FILE`): one
line per fact, each starting with the id it is about, so git's line diff reads action by action.

Plan text is shown literally: control characters are made visible (terminal.safe), Markdown
special characters are escaped, and Rich markup is never used for data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..core.diff import (
    FieldChange,
    NodeChange,
    PlanDiff,
    Vocabulary,
    display,
    has_word_changes,
    word_pieces,
)
from ..core.model import Node, Plan
from ..core.vocab import ACTION_FIELDS, PLAN_FIELDS, PROGRAMME_FIELDS, THEME_FIELDS
from .terminal import RAG_STYLE, Out, plural, safe, write_json

Piece = tuple[str, str]  # (text, Rich style name or "")

ADDED, REMOVED, CHANGED = "green", "red", "yellow"
_MARK = {"added": "+", "removed": "-", "changed": "~"}
_MARK_STYLE = {"added": ADDED, "removed": REMOVED, "changed": CHANGED}


# -- laying out styled words -------------------------------------------------------------------
def wrap(pieces: Iterable[Piece], width: int, first: str = "", hang: str = "") -> list[list[Piece]]:
    """Styled pieces flowed into lines of at most `width` columns (a word longer stays whole).

    Text that touches without a space (`[-` `word` `-]`) is kept together on one line.
    """
    tokens: list[tuple[str, str, str]] = []  # word, style, the space before it
    space = ""
    for text, style in pieces:
        for m in re.finditer(r"\s+|\S+", text):
            s = m.group()
            if s.isspace():
                space += " " if ("\n" in s or "\r" in s) else s.replace("\t", " ")
            else:
                tokens.append((s, style, space))
                space = ""
    # glue runs without spaces into one unit
    units: list[tuple[list[Piece], str]] = []
    for word, style, before in tokens:
        if units and not before:
            units[-1][0].append((word, style))
        else:
            units.append(([(word, style)], before))
    lines: list[list[Piece]] = []
    line: list[Piece] = [(first, "")] if first else []
    col = len(first)
    empty = True
    for unit, before in units:
        n = sum(len(t) for t, _ in unit)
        gap = before if len(before) <= 4 else " "
        if not empty and col + len(gap) + n > width:
            lines.append(line)
            line, col, empty = ([(hang, "")] if hang else []), len(hang), True
        if not empty:
            # a space between two words of one style takes the style (struck-through runs)
            style = unit[0][1] if line and line[-1][1] == unit[0][1] else ""
            line.append((gap, style))
            col += len(gap)
        line.extend(unit)
        col += n
        empty = False
    lines.append(line)
    return lines


def word_diff_pieces(change: FieldChange, context: int | None = 8) -> list[Piece]:
    """A text field's word diff as styled pieces: [-removed-]{+added+} (markers always there)."""
    out: list[Piece] = []
    for text, tag in word_pieces(change.words, context):
        text = safe(text)
        if tag == "-":
            out += [("[-", REMOVED), (text, f"{REMOVED} strike"), ("-]", REMOVED)]
        elif tag == "+":
            out += [("{+", ADDED), (text, f"{ADDED} bold"), ("+}", ADDED)]
        else:
            out.append((text, ""))
    return out


def _status_style(colour: str) -> str:
    return RAG_STYLE.get(colour, "")


def change_pieces(f: FieldChange, context: int | None = 8,
                  words: int | None = None) -> list[Piece]:
    """What one changed field says, after its name: `old -> new (slipped 3 months)`. A text
    added or removed whole is cut after `words` words (`clip_words(out)`: on a terminal only),
    else shown whole."""
    if f.kind == "text" and not (f.added or f.removed):
        if not has_word_changes(f.words):
            return [("(only spacing or line breaks changed)", "dim")]
        return word_diff_pieces(f, context)
    if f.kind == "text":
        text = _clip_words(safe(f.new_text if f.added else f.old_text), words)
        if f.added:
            return [("{+", ADDED), (text, ADDED), ("+}", ADDED)]
        return [("[-", REMOVED), (text, REMOVED), ("-]", REMOVED)]
    if f.kind in ("vocabulary", "field-spec") and (f.added or f.removed):
        if f.added:
            return [("added: ", ADDED), (safe(f.new_text), "")]
        return [("removed: ", REMOVED), (safe(f.old_text), "")]
    old = safe(f.old_text) if not f.added else "(not set)"
    new = safe(f.new_text) if not f.removed else "(not set)"
    old_style = _status_style(f.old_colour) if f.kind == "status" else ""
    new_style = _status_style(f.new_colour) if f.kind == "status" else ""
    out: list[Piece] = [(old, old_style or ("dim" if f.added else "")), (" -> ", ""),
                        (new, (new_style + " bold").strip() if not f.removed else "dim")]
    if f.kind == "due":
        note = due_note(f)
        if note:
            out.append((f" ({note})", REMOVED if f.direction == "later" else ""))
    return out


def due_note(f: FieldChange) -> str:
    if f.direction == "later":
        return f"slipped {f.delta}" if f.delta else "slipped"
    if f.direction == "earlier":
        return f"brought forward {f.delta}" if f.delta else "brought forward"
    if f.direction == "same":
        return "the same date, written differently"
    return ""


CLIP_WORDS = 40  # a text added or removed whole, on a terminal: its first 40 words


def clip_words(out: Out) -> int | None:
    """How many words of a text added or removed whole `out` shows: CLIP_WORDS on a terminal
    (one screen is the point there); None, every word, in a pipe (data is never cut there)."""
    return CLIP_WORDS if out.tty else None


def _clip_words(text: str, n: int | None) -> str:
    words = text.split()
    return " ".join(words) if n is None or len(words) <= n else " ".join(words[:n]) + " …"


# -- text --------------------------------------------------------------------------------------
def summary(d: PlanDiff) -> str:
    """`actions: 2 changed, 1 added; programmes: 1 moved`."""
    parts = []
    if d.plan_level:
        parts.append(f"plan: {plural(len(d.plan_level), 'change')}")
    for kind in ("theme", "programme", "action"):
        c = d.counts(kind)
        bits = [f"{c[k]} {k}" for k in ("changed", "added", "removed", "moved") if c[k]]
        if bits:
            parts.append(f"{kind}s: " + ", ".join(bits))
    return "; ".join(parts) if parts else "no changes"


def render_text(d: PlanDiff, out: Out) -> None:
    """The diff for a person: coloured on a terminal, plain and wrapped to 80 when piped; a text
    added or removed whole is cut to its first words on a terminal only."""
    w = max(out.width, 40)
    out.line(("old: ", "dim"), safe(d.old_label))
    out.line(("new: ", "dim"), safe(d.new_label))
    if d.same:
        out.line("No changes: the two versions say the same.")
        return
    for line in wrap([(summary(d).capitalize(), "bold")], w, hang="  "):
        out.line(*line)
    if d.plan_level:
        out.line("")
        out.line(("Plan", "bold underline"))
        rows: list[tuple[str, FieldChange]] = [(f.key, f) for f in d.plan]
        rows += [(f"status {f.key}", f) for f in d.statuses]
        rows += [(f"field {f.key}", f) for f in d.fields]
        _fields(out, rows, w, "  ")
    for title, changes in (("Themes", d.themes), ("Programmes", d.programmes),
                           ("Actions", d.actions)):
        if not changes:
            continue
        out.line("")
        out.line((title, "bold underline"))
        for n in changes:
            _node(out, n, w)


def _node(out: Out, n: NodeChange, w: int) -> None:
    ident = safe(n.id) + (f" (#{n.occurrence})" if n.occurrence > 1 else "")
    head: list[Piece] = [(_MARK[n.change], _MARK_STYLE[n.change]), (" ", ""), (ident, "bold"),
                         ("  ", ""), (safe(n.title) or "(no title)", "")]
    parent = {"action": "programme", "programme": "theme"}.get(n.kind, "")
    if n.change == "added" and parent and n.new_parent:
        head.append((f"  (added to {parent} {safe(n.new_parent)})", "dim"))
    elif n.change == "removed" and parent and n.old_parent:
        head.append((f"  (removed from {parent} {safe(n.old_parent)})", "dim"))
    for line in wrap(head, w, hang="    "):
        out.line(*line)
    if n.facts:
        facts = " · ".join(f"{k} {safe(v)}" for k, v in n.facts.items())
        for line in wrap([(facts, "dim")], w, first="    ", hang="    "):
            out.line(*line)
    rows: list[tuple[str, FieldChange | str]] = []
    if n.moved:
        move = f"{safe(n.old_parent) or '(none)'} -> {safe(n.new_parent) or '(none)'}"
        if n.kind == "action" and n.old_theme != n.new_theme:
            move += f" (theme {safe(n.old_theme)} -> {safe(n.new_theme)})"
        rows.append(("moved", f"{parent} {move}"))
    rows += [(f.key, f) for f in n.fields]
    _fields(out, rows, w, "    ")


def _fields(out: Out, rows: Sequence[tuple[str, FieldChange | str]], w: int,
            indent: str) -> None:
    if not rows:
        return
    key_w = min(max(len(k) for k, _ in rows), 16)
    for key, f in rows:
        name = safe(key)
        first = f"{indent}{name:<{key_w}}  "
        if len(first) > len(indent) + key_w + 2:
            first = f"{indent}{name} "
        hang = " " * (len(indent) + key_w + 2)
        pieces = [(f, "")] if isinstance(f, str) else change_pieces(f, words=clip_words(out))
        for line in wrap(pieces, w, first=first, hang=hang):
            out.line(*line)


# -- Markdown ----------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~@$])|&(?=#?\w+;)")


def md(text: str) -> str:
    """Plan text as literal Markdown on one line: characters Markdown would act on escaped."""
    flat = " ".join(safe(text).split())
    if text[:1].isspace() and flat:
        flat = " " + flat
    if text[-1:].isspace() and flat:
        flat += " "
    return _MD_SPECIAL.sub(lambda m: "\\" + (m.group(1) or "&"), flat)


def _md_change(f: FieldChange) -> str:
    if f.kind == "text" and not (f.added or f.removed):
        if not has_word_changes(f.words):
            return "only spacing or line breaks changed"
        parts = []
        for text, tag in word_pieces(f.words, 12):
            if not text.strip():
                parts.append(" ")
            elif tag == "-":
                parts.append(f"~~{md(text.strip())}~~")
            elif tag == "+":
                parts.append(f"**{md(text.strip())}**")
            else:
                parts.append(md(text))
        return re.sub(" +", " ", "".join(parts)).strip()
    old = md(f.old_text) if not f.added else "*(not set)*"
    new = md(f.new_text) if not f.removed else "*(not set)*"
    if f.kind == "text":  # a document, never a screen: whole
        return f"added: {md(f.new_text)}" if f.added else f"removed (was: {md(f.old_text)})"
    text = f"{old} → **{new}**" if not f.removed else f"{old} → {new}"
    if f.kind == "due" and due_note(f):
        text += f" ({due_note(f)})"
    return text


def render_markdown(d: PlanDiff) -> str:
    """The diff as Markdown to paste into a merge request (GitHub and GitLab flavours)."""
    lines = [f"### Plan changes: {md(d.new_label)}", ""]
    lines.append(f"Compared with {md(d.old_label)}.")
    lines.append("")
    if d.same:
        lines.append("No changes: the two versions say the same.")
        return "\n".join(lines) + "\n"
    lines.append(f"**{md(summary(d).capitalize())}**")
    if d.plan_level:
        lines += ["", "#### Plan", ""]
        for f in d.plan:
            lines.append(f"- **{md(f.label)}**: {_md_change(f)}")
        for f in d.statuses:
            lines.append(f"- **Status `{f.key}`**: {_md_change(f)}")
        for f in d.fields:
            lines.append(f"- **Field `{f.key}`**: {_md_change(f)}")
    for title, changes in (("Themes", d.themes), ("Programmes", d.programmes),
                           ("Actions", d.actions)):
        if not changes:
            continue
        lines += ["", f"#### {title}", ""]
        for n in changes:
            lines += _md_node(n)
    return "\n".join(lines) + "\n"


def _md_node(n: NodeChange) -> list[str]:
    parent = {"action": "programme", "programme": "theme"}.get(n.kind, "")
    head = f"- **{md(n.id)}** {md(n.title)}"
    if n.change == "added":
        head = f"- Added: **{md(n.id)}** {md(n.title)}"
        if parent and n.new_parent:
            head += f" (in {parent} {md(n.new_parent)})"
    elif n.change == "removed":
        head = f"- Removed: ~~**{md(n.id)}** {md(n.title)}~~"
        if parent and n.old_parent:
            head += f" (was in {parent} {md(n.old_parent)})"
    out = [head]
    if n.facts:
        out.append("  - " + " · ".join(f"{k.capitalize()}: {md(v)}" for k, v in n.facts.items()))
    if n.moved:
        move = f"Moved from {parent} {md(n.old_parent)} to {md(n.new_parent)}"
        if n.kind == "action" and n.old_theme != n.new_theme:
            move += f" (theme {md(n.old_theme)} → {md(n.new_theme)})"
        out.append(f"  - {move}")
    for f in n.fields:
        out.append(f"  - {md(f.label)}: {_md_change(f)}")
    return out


# -- JSON --------------------------------------------------------------------------------------
def render_json(d: PlanDiff) -> str:
    """The diff as JSON for tools (control characters escaped, as every command's JSON)."""
    import io

    buffer = io.StringIO()
    write_json(buffer, d.as_json())
    return buffer.getvalue()


# -- the textconv view of one plan -------------------------------------------------------------
def natural_key(text: str) -> tuple[Any, ...]:
    """COM-2 before COM-10."""
    parts = re.split(r"(\d+)", text)
    return tuple(int(p) if i % 2 else p.lower() for i, p in enumerate(parts))


def _facts(prefix: str, key: str, value: Any) -> list[str]:
    text = display(value).strip("\n")
    lines = text.split("\n") if text else [""]
    return [f"{prefix} {key}: {safe(line)}".rstrip() for line in lines]


def _ordered(data: dict[str, Any], order: Iterable[str], skip: set[str]) -> list[str]:
    keys = [k for k in order if k in data and k not in skip]
    keys += [k for k in data if k not in keys and k not in skip]
    return keys


def textconv(plan: Plan) -> str:
    """One line per fact, each led by the id it is about; actions in id order (COM-2 < COM-10).

    Ordering actions by id (not by place in the file) makes a moved action one changed line
    (its programme), and every programme lists its actions in file order on one line, so a
    reordering shows too.
    """
    vocab = Vocabulary.of(plan)
    lines: list[str] = []
    meta = plan.meta
    for key in _ordered(meta, [f.key for f in PLAN_FIELDS], {"statuses", "fields"}):
        lines += _facts("plan", key, meta[key])
    for key, st in vocab.statuses.items():
        extra = ", ".join(x for x in (st.colour, "finished" if st.finished else "") if x)
        lines.append(f"plan status {safe(key)}: {safe(st.label)}"
                     + (f" ({extra})" if extra else ""))
    for key, spec in vocab.fields.items():
        bits = [spec.type] + (["required"] if spec.required else [])
        if spec.choices:
            bits.append("choices " + ", ".join(spec.choices))
        lines.append(f"plan field {safe(key)}: {safe(spec.label)} ({safe('; '.join(bits))})")
    for theme in plan.themes:
        prefix = f"theme {_ident(theme)}"
        lines.append(f"{prefix} title: {safe(theme.title)}".rstrip())
        for key in _ordered(theme.data, [f.key for f in THEME_FIELDS], {"id", "title",
                                                                           "programme"}):
            lines += _facts(prefix, key, theme.data[key])
        lines.append(f"{prefix} programmes: " + ", ".join(_ident(p) for p in theme.children))
    for theme in plan.themes:
        for programme in theme.children:
            prefix = f"programme {_ident(programme)}"
            lines.append(f"{prefix} title: {safe(programme.title)}".rstrip())
            lines.append(f"{prefix} theme: {_ident(theme)}")
            for key in _ordered(programme.data, [f.key for f in PROGRAMME_FIELDS],
                                {"id", "title", "action"}):
                lines += _facts(prefix, key, programme.data[key])
            lines.append(f"{prefix} actions: " + ", ".join(_ident(a) for a in programme.children))
    order = [f.key for f in ACTION_FIELDS] + list(vocab.fields)
    for a in sorted(plan.actions(), key=lambda n: natural_key(n.id)):
        lines += _action_facts(a, vocab, order)
    return "\n".join(lines) + "\n"


def _ident(node: Node) -> str:
    return safe(node.id) if node.id else "(no id)"


def _action_facts(a: Node, vocab: Vocabulary, order: list[str]) -> list[str]:
    prefix = _ident(a)
    lines = [f"{prefix} title: {safe(a.title)}".rstrip()]
    programme, theme = a.programme, a.theme
    lines.append(f"{prefix} programme: {_ident(programme) if programme else '(none)'}")
    lines.append(f"{prefix} theme: {_ident(theme) if theme else '(none)'}")
    for key in _ordered(a.data, order, {"id", "title"}):
        value = a.data[key]
        if key == "status":
            lines.append(f"{prefix} status: {safe(vocab.status_text(value))}")
        else:
            lines += _facts(prefix, key, value)
    return lines
