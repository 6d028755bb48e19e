"""`cap report --format md`: the report as GitHub-flavoured Markdown, for a merge request or a wiki.

Everything from the plan is literal: characters Markdown acts on (`\\ ` * _ [ ] < > | ~ # ! @ $`,
an entity's `&`) are escaped, a paragraph cannot start a list, a heading or a quote, and control
characters are shown as escapes. A status is its label (a coloured dot beside it only helps).
"""

from __future__ import annotations

import re

from ..core.report import ActionRow, CountRow, ReportData
from .report_style import (
    due_within_label,
    group_heading,
    headline,
    one_line,
    paragraphs,
    reporting_heading,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!@$])|&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")
DOTS = {"green": "🟢", "amber": "🟠", "yellow": "🟡", "red": "🔴", "blue": "🔵", "grey": "⚪",
        "magenta": "🟣", "cyan": "🔷"}


def md(text: str) -> str:
    """Plan text as literal Markdown on one line (a table cell, a heading, a list item)."""
    return _SPECIAL.sub(lambda m: "\\" + (m.group(1) or "&"), one_line(text))


def md_paragraph(text: str) -> str:
    """One paragraph: escaped, and not read as a list item, heading or setext underline."""
    out = _SPECIAL.sub(lambda m: "\\" + (m.group(1) or "&"), text)
    return _LINE_START.sub(lambda m: (f"{m.group(1)}\\{m.group(2)}" if m.group(1) is not None
                                      else "\\" + m.group(3)), out)


def md_paragraphs(text: str) -> list[str]:
    return [md_paragraph(p) for p in paragraphs(text)]


def status_md(a: ActionRow) -> str:
    dot = DOTS.get(a.status.colour, "")
    return f"{dot} {md(a.status.label)}".strip()


def _cells(values: list[str]) -> str:
    return "| " + " | ".join(values) + " |"


def _counts(data: ReportData, groups: list[CountRow]) -> list[str]:
    heads = [group_heading(data) if groups else ""] + [
        f"{DOTS.get(st.colour, '')} {md(st.label)}".strip() for st in data.statuses] + [
        "Total", "Overdue", due_within_label(data)]
    lines = [_cells(heads), _cells(["---"] + ["---:"] * (len(heads) - 1))]

    def numbers(g: CountRow) -> list[str]:
        return [str(g.by_status.get(st.key, 0)) for st in data.statuses] + [
            str(g.total), str(g.overdue), str(g.due_soon)]

    for g in groups:
        lines.append(_cells([md(g.name), *numbers(g)]))
    lines.append(_cells([f"**{md(data.overall.name)}**",
                         *(f"**{n}**" for n in numbers(data.overall))]))
    return lines


def _short(rows: list[ActionRow]) -> list[str]:
    lines = [_cells(["Ref", "Action", "Expected completion", "Lead", "Status"]),
             _cells(["---"] * 5)]
    for a in rows:
        lines.append(_cells([f"**{md(a.id)}**", md(a.title), md(a.due), md(a.lead),
                             status_md(a)]))
    return lines


def _action(data: ReportData, a: ActionRow) -> list[str]:
    out = [f"#### {md(a.id)} · {md(a.title)}", ""]
    note = " (overdue)" if a.overdue else " (due soon)" if a.due_soon else ""
    out.append(f"- **Status:** {status_md(a)}{note}")
    out.append(f"- **Expected completion:** {md(a.due) or '(none)'}")
    out.append(f"- **Lead:** {md(a.lead) or '(none)'}")
    for label, value in a.custom:
        out.append(f"- **{md(label)}:** {md(value)}")
    if a.reasons:
        out.append(f"- **Why listed:** {md('; '.join(a.reasons))}")
    out.append("")
    for p in md_paragraphs(a.description):
        out += [p, ""]
    if a.progress or a.stale:
        out += [f"**{md(reporting_heading(data))}**", ""]
        for p in md_paragraphs(a.progress):
            out += [p, ""]
        if a.stale and data.since is not None:
            out += [f"*Not rewritten since {md(data.since.rev)}*", ""]
    if a.next_steps:
        out += ["**Next steps**", ""]
        for p in md_paragraphs(a.next_steps):
            out += [p, ""]
    return out


def render_md(data: ReportData) -> str:
    """The report as Markdown text."""
    title = " – ".join(md(x) for x in (data.council, data.title) if x)
    out = [f"# {title}", "", f"**{md(data.subtitle)}**" + (
        f" · Period: {md(data.period)}" if data.period else ""), ""]
    if data.vision and data.exceptions is None:
        out += [f"*{md(data.vision)}*", ""]
    out += [f"## {'Exceptions' if data.exceptions is not None else 'Summary'}", "",
            f"**{headline(data)}**", ""]
    out += [*_counts(data, [] if data.exceptions is not None else data.groups), ""]
    if data.exceptions is None:
        if data.overdue:
            out += [f"### Overdue ({len(data.overdue)})", "", *_short(data.overdue), ""]
        if data.due_soon:
            out += [f"### {due_within_label(data)} ({len(data.due_soon)})", "",
                    *_short(data.due_soon), ""]
    if data.since is not None:
        s = data.since
        out += [f"## Changes since {md(s.rev)}", "", f"**{md(s.headline())}**", ""]
        out += [f"- {md(n)}" for n in s.plan_notes] + ([""] if s.plan_notes else [])
        if s.entries:
            out += [_cells(["Ref", "Action", "Programme", "What changed"]), _cells(["---"] * 4)]
            out += [_cells([f"**{md(e.id)}**", md(e.title), md(e.where),
                            "; ".join(md(n) for n in e.notes)]) for e in s.entries]
            out.append("")
        if s.stale:
            out += [f"### Progress updates not rewritten since {md(s.rev)} ({len(s.stale)})", ""]
            out += [f"- **{md(a.id)}** {md(a.title)}" for a in s.stale] + [""]
    if data.exceptions is not None:
        what = "Actions off track, at risk" + (", slipped" if data.options.since else "")
        out += [f"### {what} or overdue ({len(data.exceptions)})", ""]
        for a in data.exceptions:
            out += _action(data, a)
        return "\n".join(out).rstrip() + "\n"
    for sec in data.sections:
        out += [f"## {md(sec.title)}", ""]
        for p in md_paragraphs(sec.description):
            out += [p, ""]
        for b in sec.blocks:
            out += [f"### {md(b.title)}", ""]
            meta = ([f"Theme: {md(b.context)}"] if b.context else []) + (
                [f"Lead: {md(b.lead)}"] if b.lead else [])
            if meta:
                out += [f"*{' · '.join(meta)}*", ""]
            for p in md_paragraphs(b.description):
                out += [p, ""]
            for a in b.actions:
                out += _action(data, a)
            if b.folded:
                out += [f"**Finished ({len(b.folded)})**", ""]
                out += [f"- **{md(a.id)}** {md(a.title)} – {status_md(a)}" for a in b.folded]
                out.append("")
    return "\n".join(out).rstrip() + "\n"
