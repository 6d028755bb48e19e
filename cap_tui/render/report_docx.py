"""`cap report --format docx`: the committee report as a Word document.

python-docx (imported here only) gives the package: its default template's styles, the page set
up (A4 landscape, 15 mm margins), the footer and the document's properties. The body is written
as WordprocessingML text and parsed once with lxml: python-docx's object API costs about 1.5 ms
a table cell (and filling a pre-sized table cell by cell is quadratic), which is minutes for a
plan of 5,000 actions; the XML is the same that API would write.

What a reader relies on:
- real heading styles: Heading 1 for each theme (each on a new page), Heading 2 for each
  programme, so Word's navigation pane and a table of contents work;
- tables whose first row repeats on every page (`w:tblHeader`), with fixed column widths;
- status cells shaded with the status colour *and* labelled in words;
- the plan's text only ever as text runs (`w:t`): never a field, a hyperlink or markup; control
  characters, which XML cannot hold, shown as escapes such as `\\x1b`. The one field is the page
  number in the footer, written by cap.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

from ..core.report import ActionRow, Block, CountRow, ReportData, Section
from .report_style import (
    BAND_FILL,
    HEADER_FILL,
    bar_segments,
    due_within_label,
    fill,
    group_heading,
    headline,
    one_line,
    paragraphs,
    reporting_heading,
    row_lines,
    status_note,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PAGE_W, PAGE_H = 16838, 11906  # A4 landscape, in twentieths of a point
MARGIN = 850  # 15 mm
TEXT_W = PAGE_W - 2 * MARGIN  # 15138
BORDER = "8A8A8A"
BAR_UNITS = 50

# column widths (twips), adding up to TEXT_W
ACTION_COLS = (1000, 3850, 1250, 1700, 1450, 5888)
EXCEPTION_COLS = (950, 3100, 1200, 1550, 1350, 1700, 5288)
SHORT_COLS = (1100, 7338, 1800, 2900, 2000)
CHANGE_COLS = (1100, 4500, 3000, 6538)


# -- WordprocessingML, as text -----------------------------------------------------------------
def _t(text: str) -> str:
    return escape(text, quote=False)


def run(text: str, bold: bool = False, italic: bool = False, colour: str = "",
        size: int = 0, shade: str = "") -> str:
    """A run of text; `text` must already be visible (report_style.one_line / paragraphs)."""
    props = ""
    if bold:
        props += "<w:b/>"
    if italic:
        props += "<w:i/>"
    if colour:
        props += f'<w:color w:val="{colour}"/>'
    if size:
        props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    if shade:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_t(text)}</w:t></w:r>'


def para(runs: str = "", style: str = "", keep_next: bool = False, page_break: bool = False,
         align: str = "", after: int | None = None) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if keep_next:
        props += "<w:keepNext/>"
    if page_break:
        props += "<w:pageBreakBefore/>"
    if after is not None:
        props += f'<w:spacing w:after="{after}"/>'
    if align:
        props += f'<w:jc w:val="{align}"/>'
    ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
    return f"<w:p>{ppr}{runs}</w:p>"


def text_paras(value: str, style: str = "CAPTable") -> str:
    return "".join(para(run(p), style) for p in paragraphs(value))


def cell(width: int, content: str, shade: str = "", span: int = 1) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if shade:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content or para(style='CAPTable')}</w:tc>"


def row(cells: str, header: bool = False, keep: bool = False) -> str:
    props = ("<w:cantSplit/><w:tblHeader/>" if header else "<w:cantSplit/>" if keep else "")
    return f"<w:tr>{f'<w:trPr>{props}</w:trPr>' if props else ''}{cells}</w:tr>"


def table(widths: tuple[int, ...] | list[int], rows: list[str], borders: bool = True) -> str:
    line = f'w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"'
    edges = "".join(f"<w:{e} {line}/>" for e in ("top", "left", "bottom", "right", "insideH",
                                                  "insideV"))
    pr = (f'<w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
          + (f"<w:tblBorders>{edges}</w:tblBorders>" if borders else "")
          + '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="30" w:type="dxa"/>'
          '<w:left w:w="70" w:type="dxa"/><w:bottom w:w="30" w:type="dxa"/>'
          '<w:right w:w="70" w:type="dxa"/></w:tblCellMar>'
          '<w:tblLook w:val="0000" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
          'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>')
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return f"<w:tbl>{pr}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def header_row(widths: tuple[int, ...] | list[int], labels: list[str],
               shades: list[str] | None = None, size: int = 0) -> str:
    cells = ""
    for i, (w, label) in enumerate(zip(widths, labels, strict=True)):
        shade = shades[i] if shades and shades[i] else HEADER_FILL
        colour = "FFFFFF" if shade == HEADER_FILL else "000000"
        cells += cell(w, para(run(label, bold=True, colour=colour, size=size), "CAPTable",
                              keep_next=True), shade)
    return row(cells, header=True)


def after_table() -> str:
    """A small paragraph after a table: Word joins two tables that touch."""
    return para(style="CAPGap")


# -- the report's parts ------------------------------------------------------------------------
def _status_cell(width: int, a: ActionRow) -> str:
    content = para(run(one_line(a.status.label), bold=True), "CAPTable")
    note = status_note(a)
    if note:
        content += para(run(note, italic=True), "CAPTable")
    return cell(width, content, fill(a.status.colour))


def _action_cell(width: int, a: ActionRow, compact: bool = False) -> str:
    """Title, description and custom fields; `compact` (exceptions): title and where it is."""
    content = para(run(one_line(a.title), bold=True), "CAPTable")
    if compact:
        content += para(run(f"{one_line(a.theme_title)} › {one_line(a.programme_title)}",
                            italic=True, size=16), "CAPTable")
        return cell(width, content)
    content += text_paras(a.description)
    for label, value in a.custom:
        content += para(run(f"{one_line(label)}: ", bold=True) + run(one_line(value)),
                        "CAPTable")
    return cell(width, content)


def _progress_cell(width: int, a: ActionRow, rev: str) -> str:
    content = text_paras(a.progress)
    if a.next_steps:
        content += para(run("Next steps", bold=True), "CAPTable") + text_paras(a.next_steps)
    if a.stale:
        content += para(run(f"Not rewritten since {one_line(rev)}", italic=True,
                            colour="7A4B00"), "CAPTable")
    return cell(width, content)


def _plain(width: int, text: str, bold: bool = False) -> str:
    return cell(width, para(run(one_line(text), bold=bold), "CAPTable"))


def _actions_table(data: ReportData, actions: list[ActionRow]) -> str:
    c = ACTION_COLS
    rev = data.since.rev if data.since else ""
    rows = [header_row(c, ["Ref", "Action", "Expected completion", "Lead", "Status",
                           reporting_heading(data)])]
    for a in actions:
        rows.append(row(_plain(c[0], a.id, bold=True) + _action_cell(c[1], a)
                        + _plain(c[2], a.due) + _plain(c[3], a.lead) + _status_cell(c[4], a)
                        + _progress_cell(c[5], a, rev), keep=row_lines(a) < 36))
    return table(c, rows) + after_table()


def _short_table(actions: list[ActionRow]) -> str:
    c = SHORT_COLS
    rows = [header_row(c, ["Ref", "Action", "Expected completion", "Lead", "Status"])]
    for a in actions:
        rows.append(row(_plain(c[0], a.id, bold=True) + _plain(c[1], a.title)
                        + _plain(c[2], a.due) + _plain(c[3], a.lead) + _status_cell(c[4], a),
                        keep=True))
    return table(c, rows) + after_table()


def _counts_widths(n_statuses: int) -> list[int]:
    n = n_statuses + 3
    each = min(1150, (TEXT_W - 3400) // n)
    return [TEXT_W - each * n] + [each] * n


def _counts_table(data: ReportData, groups: list[CountRow]) -> str:
    widths = _counts_widths(len(data.statuses))
    labels = [group_heading(data) if groups else ""]
    labels += [one_line(st.label) for st in data.statuses]
    labels += ["Total", "Overdue", due_within_label(data)]
    shades = [""] + [fill(st.colour) for st in data.statuses] + ["", "", ""]
    rows = [header_row(widths, labels, shades, size=16)]

    def count_row(g: CountRow, total: bool) -> str:
        shade = BAND_FILL if total else ""
        keep = not total  # the table stays on one page
        cells = cell(widths[0], para(run(one_line(g.name), bold=total), "CAPTable",
                                     keep_next=keep), shade)
        numbers = [g.by_status.get(st.key, 0) for st in data.statuses] + [
            g.total, g.overdue, g.due_soon]
        for w, n in zip(widths[1:], numbers, strict=True):
            cells += cell(w, para(run(str(n), bold=total, colour="" if n or total else "888888"),
                                  "CAPTable", align="right", keep_next=keep), shade)
        return row(cells, keep=True)

    rows += [count_row(g, False) for g in groups]
    rows.append(count_row(data.overall, True))
    return table(widths, rows) + after_table()


def _bar_table(data: ReportData) -> str:
    """The picture: a bar per theme (or lead) split by status, as shaded cells of a table."""
    unit = (TEXT_W - 4200) // BAR_UNITS
    name_w = TEXT_W - unit * BAR_UNITS
    widths = [name_w] + [unit] * BAR_UNITS
    keys = [st.key for st in data.statuses]
    colours = {st.key: st.colour for st in data.statuses}
    rows = []
    groups = [(data.overall, True)] + [(g, False) for g in data.groups if g.total]
    for i, (g, bold) in enumerate(groups):
        keep = i < len(groups) - 1  # the picture stays on one page
        cells = cell(name_w, para(run(f"{one_line(g.name)} ({g.total})", bold=bold, size=16),
                                  "CAPTable", keep_next=keep))
        for key, n, units in bar_segments(g.by_status, keys, BAR_UNITS):
            cells += cell(unit * units, para(run(str(n), bold=True, size=16), "CAPTable",
                                             align="center", keep_next=keep),
                          fill(colours[key]), span=units)
        rows.append(row(cells, keep=True))
    legend = "".join(
        run("\u2003\u2003", shade=fill(st.colour)) + run(
            f" {one_line(st.label)}: {data.overall.by_status.get(st.key, 0)}\u2003", size=16)
        for st in data.statuses)
    return (para(run("Actions by status, per " + group_heading(data).lower(), bold=True),
                 keep_next=True)
            + table(widths, rows) + para(legend, after=160))


def _cover(data: ReportData) -> str:
    out = ""
    if data.council:
        out += para(run(one_line(data.council), bold=True, size=28, colour=HEADER_FILL))
    out += para(run(one_line(data.title)), "Title")
    out += para(run(one_line(data.subtitle)), "Subtitle")
    if data.exceptions is not None:
        return out  # one page: no more than that
    if data.period:
        out += para(run(f"Period: {one_line(data.period)}"))
    if data.vision:
        out += para(run(one_line(data.vision), italic=True))
    return out


def _summary(data: ReportData) -> str:
    o = data.overall
    out = para(run("Exceptions" if data.exceptions is not None else "Summary"), "Heading1")
    out += para(run(headline(data), bold=True))
    out += _counts_table(data, [] if data.exceptions is not None else data.groups)
    if data.exceptions is not None:
        return out
    if o.total:
        out += _bar_table(data)
    if data.overdue:
        out += para(run(f"Overdue ({len(data.overdue)})"), "Heading2") + _short_table(
            data.overdue)
    if data.due_soon:
        out += para(run(f"{due_within_label(data)} ({len(data.due_soon)})"), "Heading2")
        out += _short_table(data.due_soon)
    return out


def _since(data: ReportData) -> str:
    s = data.since
    assert s is not None
    rev = one_line(s.rev)
    out = para(run(f"Changes since {rev}"), "Heading1", page_break=True)
    out += para(run(one_line(s.headline()), bold=True))
    for note in s.plan_notes:
        out += para(run(one_line(note)), "ListBullet")
    if s.entries:
        c = CHANGE_COLS
        rows = [header_row(c, ["Ref", "Action", "Programme", "What changed"])]
        for e in s.entries:
            notes = "".join(para(run("• " + one_line(n)), "CAPTable") for n in e.notes)
            rows.append(row(_plain(c[0], e.id, bold=True) + _plain(c[1], e.title)
                            + _plain(c[2], e.where) + cell(c[3], notes), keep=True))
        out += table(c, rows) + after_table()
    if s.stale:
        out += para(run(f"Progress updates not rewritten since {rev} ({len(s.stale)})"),
                    "Heading2")
        out += para("".join(
            run(one_line(a.id), bold=True) + run(f" {one_line(a.title)}"
                                                 + ("; " if i < len(s.stale) - 1 else ""))
            for i, a in enumerate(s.stale)))
    return out


def _exceptions(data: ReportData) -> str:
    rows_ = data.exceptions or []
    what = "Actions off track, at risk" + (", slipped" if data.options.since else "")
    out = para(run(f"{what} or overdue ({len(rows_)})"), "Heading2")
    if not rows_:
        return out + para(run("No action is off track, at risk, overdue"
                              + (" or slipped." if data.options.since else ".")))
    c = EXCEPTION_COLS
    rev = data.since.rev if data.since else ""
    rows = [header_row(c, ["Ref", "Action", "Expected completion", "Lead", "Status",
                           "Why listed", reporting_heading(data)])]
    for a in rows_:
        why = "".join(para(run(one_line(w)), "CAPTable") for w in a.reasons)
        rows.append(row(_plain(c[0], a.id, bold=True) + _action_cell(c[1], a, compact=True)
                        + _plain(c[2], a.due) + _plain(c[3], a.lead) + _status_cell(c[4], a)
                        + cell(c[5], why) + _progress_cell(c[6], a, rev)))
    return out + table(c, rows) + after_table()


def _block(data: ReportData, b: Block) -> str:
    out = para(run(one_line(b.title)), "Heading2")
    meta = []
    if b.context:
        meta.append(f"Theme: {one_line(b.context)}")
    if b.lead:
        meta.append(f"Lead: {one_line(b.lead)}")
    if meta:
        out += para(run(" · ".join(meta), italic=True), keep_next=True, after=60)
    out += "".join(para(run(p), keep_next=True, after=80) for p in paragraphs(b.description))
    if b.actions:
        out += _actions_table(data, b.actions)
    if b.folded:
        out += para(run(f"Finished ({len(b.folded)})", bold=True), keep_next=True, after=40)
        for a in b.folded:
            out += para(run(one_line(a.id), bold=True) + run(f" {one_line(a.title)} – ")
                        + run(one_line(a.status.label), bold=True, shade=fill(a.status.colour)),
                        "ListBullet")
    return out


def _section(data: ReportData, sec: Section) -> str:
    # a theme starts a page; leads are many and short, so they run on
    out = para(run(one_line(sec.title)), "Heading1", page_break=data.group_by == "theme")
    out += "".join(para(run(p)) for p in paragraphs(sec.description))
    return out + "".join(_block(data, b) for b in sec.blocks)


def body_xml(data: ReportData) -> str:
    """The document's body, as WordprocessingML elements (no w:body around them)."""
    parts = [_cover(data), _summary(data)]
    if data.since is not None:
        parts.append(_since(data))
    if data.exceptions is not None:
        parts.append(_exceptions(data))
    else:
        parts += [_section(data, sec) for sec in data.sections]
    return "".join(parts)


# -- the document ------------------------------------------------------------------------------
def _setup(d: Any, data: ReportData) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.shared import Pt, RGBColor, Twips

    styles = d.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Heading 1", 16), ("Heading 2", 13), ("Title", 24), ("Subtitle", 14)):
        st = styles[name]
        st.font.name = "Arial"
        st.font.size = Pt(size)
        st.font.color.rgb = RGBColor.from_string(HEADER_FILL)
    for st in styles:
        # a theme font (w:asciiTheme) wins over the font named beside it: take them out, so that
        # every style is Arial (or what the reader's Word puts in its place)
        fonts = st.element.find(f"{{{W_NS}}}rPr/{{{W_NS}}}rFonts")
        if fonts is not None:
            for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                fonts.attrib.pop(f"{{{W_NS}}}{attr}", None)
    defaults = d.styles.element.find(f"{{{W_NS}}}docDefaults/{{{W_NS}}}rPrDefault/{{{W_NS}}}rPr"
                                     f"/{{{W_NS}}}rFonts")
    if defaults is not None:
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            defaults.attrib.pop(f"{{{W_NS}}}{attr}", None)
        for attr in ("ascii", "hAnsi", "cs"):
            defaults.set(f"{{{W_NS}}}{attr}", "Arial")
    styles["Heading 1"].paragraph_format.space_before = Pt(0)
    styles["Heading 2"].paragraph_format.space_before = Pt(10)
    table_style = styles.add_style("CAP Table", WD_STYLE_TYPE.PARAGRAPH)
    table_style.base_style = normal
    table_style.font.size = Pt(9)
    table_style.paragraph_format.space_before = Pt(0)
    table_style.paragraph_format.space_after = Pt(2)
    gap = styles.add_style("CAP Gap", WD_STYLE_TYPE.PARAGRAPH)
    gap.base_style = normal
    gap.font.size = Pt(4)
    gap.paragraph_format.space_after = Pt(0)

    section = d.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Twips(MARGIN))
    section.header_distance = section.footer_distance = Twips(400)

    from docx.enum.text import WD_TAB_ALIGNMENT

    footer_style = styles["Footer"]
    footer_style.paragraph_format.tab_stops.clear_all()  # the template's, for portrait Letter
    footer_style.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_W), WD_TAB_ALIGNMENT.RIGHT)
    footer = section.footer.paragraphs[0]
    bits = [one_line(x) for x in (data.council, data.title, data.subtitle) if x]
    footer._p.append(parse_xml(  # the footer's text, a tab, "Page N": cap's own PAGE field
        f'<w:r xmlns:w="{W_NS}"><w:rPr><w:sz w:val="16"/></w:rPr>'
        f'<w:t xml:space="preserve">{_t(" · ".join(bits))}</w:t></w:r>'))
    footer._p.append(parse_xml(
        f'<w:r xmlns:w="{W_NS}"><w:rPr><w:sz w:val="16"/></w:rPr><w:tab/>'
        '<w:t xml:space="preserve">Page </w:t></w:r>'))
    footer._p.append(parse_xml(
        f'<w:fldSimple xmlns:w="{W_NS}" w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="16"/>'
        "</w:rPr><w:t>1</w:t></w:r></w:fldSimple>"))

    props = d.core_properties
    props.title = one_line(" – ".join(x for x in (data.title, data.reporting_point) if x))[:255]
    props.subject = one_line(data.council)[:255]
    props.author = "cap report"
    props.comments = f"Made by cap from {one_line(data.path)}"[:255]


def render_docx(data: ReportData) -> bytes:
    """The report as the bytes of a .docx file."""
    from docx import Document
    from docx.oxml import parse_xml

    doc = Document()
    _setup(doc, data)
    body = doc.element.body
    fragment = parse_xml(f'<w:body xmlns:w="{W_NS}">{body_xml(data)}</w:body>')
    anchor = body.sectPr
    for element in list(fragment):
        anchor.addprevious(element)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
