"""The 通报 as a Word document in the layout of GB/T 9704-2012 (党政机关公文格式), with python-docx.

- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm).
- Title 2号 (22 pt) 小标宋, centred; body 3号 (16 pt) 仿宋, first line indented two characters,
  fixed line spacing of 28 pt (about 22 lines a page); headings 一、 in 黑体 and (一) in 楷体;
  the 主送 line without indent; 附件说明 under the text; 落款 and 成文日期 on the right; page
  numbers 「— 1 —」 in 4号 宋体, odd pages on the right and even pages on the left.
- Fonts are named as Chinese offices have them installed (方正小标宋简体, 仿宋_GB2312,
  楷体_GB2312, 黑体), each registered in the document's font table with its common alternative
  (宋体, 仿宋, 楷体) and the GB2312 character set, so Word or WPS on a machine without them
  substitutes a Chinese font of the same kind instead of a Latin one.
- 附件: each ranking table on a new page as a real Word table whose header row repeats on every
  page.

The only raw XML is what python-docx has no API for: the east-Asian font name of a run or style
(w:rFonts/@w:eastAsia), the font table's alternative names, the PAGE field of the page numbers
and the repeated header row (w:tblHeader).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from pipelines.notice.annex import Annex
from pipelines.notice.formats import cn_date
from pipelines.notice.render import BODY, HEADING1, HEADING2, PLAIN, TITLE, Block

# Fonts as Chinese offices have them, with the alternative Word/WPS should use where missing.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING2_FONT: "楷体", HEADING1_FONT: "SimHei",
             PAGE_NUMBER_FONT: "SimSun"}

SIZE_2 = Pt(22)   # 二号
SIZE_3 = Pt(16)   # 三号
SIZE_4 = Pt(14)   # 四号
SIZE_TABLE = Pt(12)  # 小四: the 附件 tables (五号 was hard to read on paper)
CHAR = 16         # one character of 3号 text, in points
# GB/T 9704 5.2.2: 22 lines of 28 characters in the 156 × 225 mm 版心. A 3号 character is 16 pt
# and 28 of them (448 pt) do not fit in 156 mm (442.2 pt): the 3号 styles condense each character
# by 0.25 pt (15.75 pt a character: 28 fit, 29 do not), and the document grid's line pitch is
# 225 mm / 22 = 28.95 pt (28 pt left 8 mm of the type area empty). A character grid
# (w:charSpace) would say the same to Word, but LibreOffice lays it out as a square grid of
# 29 pt characters (15 a line), so the pitch is in the characters themselves.
TYPE_WIDTH_PT = 156 / 25.4 * 72
TYPE_HEIGHT_PT = 225 / 25.4 * 72
CHARS_PER_LINE, LINES_PER_PAGE = 28, 22
CONDENSE_TWIPS = -5                      # −0.25 pt a character: 15.75 × 28 = 441 ≤ 442.2
LINE_TWIPS = int(TYPE_HEIGHT_PT / LINES_PER_PAGE * 20)   # 579 twips = 28.95 pt
LINE = Pt(LINE_TWIPS / 20)
TITLE_CHARS = int(TYPE_WIDTH_PT // 22)   # 20 characters of 2号 a title line
RED = "FF0000"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


@dataclass(frozen=True)
class Letterhead:
    """The parts of the notice outside its text: who signs, when, and whether it is sample."""

    signature: str
    day: date
    title: str
    sample: bool = False
    doc_number: str = ""   # 发文字号, e.g. 坛电政办〔2014〕1号 (blank: no 发文字号 line)
    banner: str = ""       # 发文机关标志 of the 版头, e.g. 金坛市电子政务绩效考核领导小组办公室文件
    copy_to: str = ""      # 版记: 抄送机关
    printer: str = ""      # 版记: 印发机关 (印发日期 is the 成文日期)
    keywords: str = ""     # the file's keywords: the document's kind and the evaluation's name


def _east_asian(element, font: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run or style: Latin text in `latin`, Chinese text in `font`."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(doc, name: str, font: str, size, *, align=None, indent: bool = True,
           line=LINE, bold: bool = False, grid: bool = True, keep: bool = False):
    style = doc.styles.add_style(name, 1)  # WD_STYLE_TYPE.PARAGRAPH
    style.base_style = doc.styles["Normal"]
    style.font.size = size
    style.font.bold = bold
    _east_asian(style.element, font)
    if grid:
        condense = OxmlElement("w:spacing")
        condense.set(qn("w:val"), str(CONDENSE_TWIPS))
        style.element.get_or_add_rPr().append(condense)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(2 * CHAR) if indent else Pt(0)
    if align is not None:
        fmt.alignment = align
    fmt.keep_with_next = keep
    if not grid:
        # text of another size than 3号 (title, tables) keeps its own line height
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        style.element.get_or_add_pPr().append(snap)
    return style


def _grid(section) -> None:
    """The document grid of GB/T 9704: 22 lines in the 版心 (the line pitch; the 28 characters
    a line are the 3号 styles' condensed characters)."""
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))
    for name in [a for a in grid.attrib if a.endswith("}charSpace")]:
        del grid.attrib[name]


def title_lines(text: str, width: int = TITLE_CHARS) -> list[str]:
    """A title broken into lines of at most `width` 2号 characters, each line no longer than the
    one above (an inverted trapezoid, GB/T 9704 7.3.1), breaking only where the template
    breaks its title lines, around 「关于」 and before 「结果的通报」/「情况的通报」 (words stay
    whole). A line in brackets (（示例数据）) stays a line of its own, last."""
    lines = [line for line in text.split("\n") if line]
    tail = [line for line in lines if line.startswith("（") and line.endswith("）")]
    main = "".join(line for line in lines if line not in tail)
    cuts = set()
    at = 0
    for line in lines:
        if line in tail:
            continue
        at += len(line)
        cuts.add(at)
    for word in ("关于", "结果的通报", "情况的通报"):
        i = main.find(word)
        if i > 0:
            cuts.add(i)
            if word == "关于":
                cuts.add(i + 2)
    cuts = sorted(c for c in cuts if 0 < c < len(main))
    best: tuple | None = None
    # every choice of break points (a title has a handful), scored: fewest lines, then an
    # inverted trapezoid, then lines as even as possible
    for mask in range(1 << len(cuts)):
        chosen = [c for k, c in enumerate(cuts) if mask >> k & 1]
        bounds = [0, *chosen, len(main)]
        parts = [main[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        widths = [_width(part) for part in parts]
        if max(widths) > width:
            continue
        inverted = all(a >= b for a, b in zip(widths, widths[1:], strict=False))
        score = (len(parts), not inverted, max(widths) - min(widths))
        if best is None or score < best[0]:
            best = (score, parts)
    parts = best[1] if best else [main]
    return parts + tail


def _chinese(doc) -> None:
    """The document's language is zh-CN (docDefaults and the theme font language): Word and WPS
    then check Chinese spelling and lay out punctuation as Chinese (the template says en-US)."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    theme = doc.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), "zh-CN")
        theme.set(qn("w:eastAsia"), "zh-CN")


def _font_table(doc) -> None:
    """Register each named Chinese font with its alternative and the GB2312 character set."""
    part = next((p for p in doc.part.package.iter_parts()
                 if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    root = parse_xml(part.blob)
    for name, alt in FALLBACKS.items():
        font = parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
            '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        )
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(paragraph, align) -> None:
    """「— N —」: the PAGE field between two dashes, 4号 宋体, one character in from the edge."""
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)

    def run(text: str = ""):
        r = paragraph.add_run(text)
        r.font.size = SIZE_4
        _east_asian(r._element, PAGE_NUMBER_FONT, PAGE_NUMBER_FONT)
        return r

    run("— ")
    field = run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            field._r.append(char)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            field._r.append(instr)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            field._r.append(shown)
    run(" —")


_NARROW = re.compile(r"[^\u2e80-\U0010ffff]")


def _width(text: str) -> float:
    """Width of a line in characters of 3号 text: Chinese 1, digits and Latin ½ (counted by one
    regular expression: the 附件's 42,000 cells at 6,000 units are measured in milliseconds)."""
    return len(text) - 0.5 * len(_NARROW.findall(text))



def _paragraph(doc, text: str = "", style=None):
    """`doc.add_paragraph(text, style=style)` without python-docx's look-up of the default
    style: its style setter scans every style of the document (and each attribute through its
    enum) to tell whether `style` is the default, about 7 ms a paragraph, a third of a sample
    notice's run. Our styles are never the default, so the id is written as it would be."""
    paragraph = doc.add_paragraph(text)
    if style is not None:
        paragraph._p.style = style.style_id
    return paragraph

def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _annex_table(doc, annex: Annex, styles) -> None:
    """A ranking table: the header row (repeated on every page) through python-docx, the rows
    as one piece of WordprocessingML parsed once. python-docx's cell-by-cell API looks each
    paragraph's style up in the whole style table (63 s for a 6,000-row 附件); the XML of a row
    is what it would write: the cell's width, the paragraph's style, the text."""
    table = doc.add_table(rows=1, cols=len(annex.columns))
    table._tbl.tblStyle_val = doc.styles["Table Grid"].style_id  # see _paragraph
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # column widths from the longest text of each column (in characters, plus padding),
    # scaled to the 156 mm of the type area
    need = [max([_width(name), *(_width(row[i]) for row in annex.rows)]) + 1.2
            for i, name in enumerate(annex.columns)]
    widths = [Mm(156.0 * n / sum(need)) for n in need]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header = table.rows[0]
    _repeat_header(header)
    for i, (cell, name) in enumerate(zip(header.cells, annex.columns, strict=True)):
        cell.width = widths[i]
        cell.paragraphs[0]._p.style = styles["head"].style_id  # see _paragraph
        cell.paragraphs[0].text = name
    style_id = styles["cell"].style_id
    cells = [f'<w:tc><w:tcPr><w:tcW w:w="{w.twips}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
             f'<w:pStyle w:val="{style_id}"/></w:pPr><w:r><w:t xml:space="preserve">{{}}</w:t>'
             '</w:r></w:p></w:tc>' for w in widths]
    row_xml = "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cells) + "</w:tr>"
    body = "".join(row_xml.format(*(escape(v) for v in row)) for row in annex.rows)
    rows = etree.fromstring(f'<w:tbl {nsdecls("w")}>{body}</w:tbl>'.encode())
    table._tbl.extend(list(rows))


def _border(paragraph, side: str, size_eighths: int, color: str = "000000",
            space: int = 1) -> None:
    """A rule along one side of a paragraph (版头's red line, 版记's lines)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), color)
    borders.append(line)


def _letterhead(doc, head: Letterhead, styles) -> None:
    """版头 (GB/T 9704 7.2): the 发文机关标志 in red 小标宋 35 mm below the top of the 版心,
    the 发文字号 two lines below it, a red rule 4 mm under that; or, without a 发文机关标志, the
    发文字号 alone, centred above the title."""
    if head.banner:
        size = min(36.0, TYPE_WIDTH_PT / max(_width(head.banner), 1))
        banner = _paragraph(doc, style=styles[PLAIN])
        banner.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = banner.paragraph_format
        fmt.space_before = Mm(35)
        fmt.line_spacing = Pt(size * 1.2)
        run = banner.add_run(head.banner)
        run.font.size = Pt(size)
        run.font.color.rgb = RGBColor.from_string(RED)
        _east_asian(run._element, TITLE_FONT)
    if head.doc_number or head.banner:
        number = _paragraph(doc, head.doc_number, style=styles[PLAIN])
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if head.banner:
            number.paragraph_format.space_before = Pt(2 * LINE.pt)
            _border(number, "bottom", 8, RED, space=11)   # 4 mm below the 发文字号
            number.paragraph_format.space_after = Pt(2 * LINE.pt)
        else:
            number.paragraph_format.space_after = LINE


def _record(doc, head: Letterhead, styles) -> None:
    """版记 (GB/T 9704 7.4): 抄送 and 印发机关/印发日期 in 4号 仿宋 between rules as wide as the
    版心, thick first and last (0.35 mm), thin between (0.25 mm); 印发日期 in Arabic numerals
    and 「印发」. It sits at the foot of the last page, its last rule on the foot of the 版心:
    a text box anchored in the document's last paragraph and aligned to the bottom margin
    (paragraphs in a frame, w:framePr, would do in Word, but LibreOffice frames them only
    while every paragraph has the same borders, and the rule between 抄送 and 印发 differs)."""
    lines = []
    if head.copy_to:
        lines.append(("抄送：" + head.copy_to.rstrip("。") + "。", None))
    if head.printer:
        lines.append((head.printer, f"{cn_date(head.day)}印发"))
    if not lines:
        return
    style_id = styles["record"].style_id
    indent = 280  # 一字 (4号, 14 pt) in from each side
    width = round(TYPE_WIDTH_PT * 20)
    paragraphs = []
    for i, (left, right) in enumerate(lines):
        rules = []
        if i == 0:
            rules.append(("top", 8))                                  # thick: 0.35 mm ≈ 1 pt
        rules.append(("bottom", 8 if i == len(lines) - 1 else 6))    # thin: 0.25 mm ≈ ¾ pt
        borders = "".join(f'<w:{side} w:val="single" w:sz="{size}" w:space="1" '
                          'w:color="000000"/>' for side, size in rules)
        tab = (f'<w:tabs><w:tab w:val="right" w:pos="{width - indent}"/></w:tabs>'
               if right else "")
        runs = f'<w:r><w:t xml:space="preserve">{escape(left)}</w:t></w:r>'
        if right:
            runs += f'<w:r><w:tab/><w:t xml:space="preserve">{escape(right)}</w:t></w:r>'
        paragraphs.append(f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/><w:pBdr>{borders}'
                          f'</w:pBdr>{tab}<w:ind w:left="{indent}" w:right="{indent}"/></w:pPr>'
                          f'{runs}</w:p>')
    emu_width = round(TYPE_WIDTH_PT * 12700)
    emu_height = round(len(lines) * (LINE.pt + 6) * 12700)   # grows to its text (spAutoFit)
    anchor = _paragraph(doc, style=styles["record"])
    anchor.paragraph_format.line_spacing = Pt(1)   # the anchor itself takes no room
    drawing = parse_xml(
        f'<w:r {nsdecls("w", "wp", "a")} xmlns:wps="{WPS}" xmlns:mc="{MC}">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" '
        'allowOverlap="0"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>'
        f'<wp:extent cx="{emu_width}" cy="{emu_height}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
        '<wp:docPr id="9704" name="版记"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData '
        f'uri="{WPS}"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{emu_width}" cy="{emu_height}"/></a:xfrm><a:prstGeom prst="rect">'
        '<a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
        f'<wps:txbx><w:txbxContent>{"".join(paragraphs)}</w:txbxContent></wps:txbx>'
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
        'anchor="b" anchorCtr="0"><a:spAutoFit/></wps:bodyPr></wps:wsp></a:graphicData>'
        '</a:graphic></wp:anchor></w:drawing></mc:Choice></mc:AlternateContent></w:r>')
    anchor._p.append(drawing)


def write_docx(blocks: Sequence[Block], annexes: Sequence[Annex], head: Letterhead, *,
               annex_title: str | None = None,
               finish: Callable[[Any], None] | None = None) -> bytes:
    """The notice as .docx bytes: 版头, the text blocks, 附件说明, 落款 and date, then the
    annexes and the 版记. With `annex_title` the annexes are one 附件 of that name, a table per
    annex under its own caption (a type of one unit does not take a page of its own); without,
    each annex is a 附件 of its own on a new page."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    _grid(section)

    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    _east_asian(normal.element, BODY_FONT)
    _font_table(doc)
    _chinese(doc)
    styles = {
        TITLE: _style(doc, "通报标题", TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER,
                      indent=False, line=Pt(36), grid=False),
        PLAIN: _style(doc, "主送机关", BODY_FONT, SIZE_3, indent=False,
                      align=WD_ALIGN_PARAGRAPH.JUSTIFY),
        BODY: _style(doc, "通报正文", BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY),
        HEADING1: _style(doc, "一级标题", HEADING1_FONT, SIZE_3, keep=True),
        HEADING2: _style(doc, "二级标题", HEADING2_FONT, SIZE_3, keep=True),
        "annex_label": _style(doc, "附件标注", HEADING1_FONT, SIZE_3, indent=False, keep=True),
        "annex_caption": _style(doc, "附件表题", HEADING1_FONT, SIZE_3, indent=False,
                                align=WD_ALIGN_PARAGRAPH.CENTER, keep=True),
        "signature": _style(doc, "落款", BODY_FONT, SIZE_3, indent=False,
                            align=WD_ALIGN_PARAGRAPH.RIGHT),
        "head": _style(doc, "表头", HEADING1_FONT, SIZE_TABLE, indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(18), grid=False),
        "cell": _style(doc, "表格文字", BODY_FONT, SIZE_TABLE, indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(18), grid=False),
        "record": _style(doc, "版记", BODY_FONT, SIZE_4, indent=False, grid=False),
    }

    _letterhead(doc, head, styles)
    body = []
    for block in blocks:
        text = "\n".join(title_lines(block.text)) if block.kind == TITLE else block.text
        p = _paragraph(doc, text, style=styles[block.kind])
        if block.kind == TITLE:
            p.paragraph_format.space_after = LINE  # 标题下空一行
        body.append(p)
    # 署名 and 成文日期 never stand alone on a page: the last lines of the text go with them
    # (keep with next holds a paragraph's last line with what follows; widow control two lines)
    if body:
        body[-1].paragraph_format.keep_with_next = True
        body[-1].paragraph_format.widow_control = True

    # 附件说明: 正文下空一行,左空二字「附件：」,多个附件用阿拉伯数字标序号,名称后不加标点
    titles = [annex_title] if annex_title and annexes else [a.title for a in annexes]
    if titles:
        _paragraph(doc, "", style=styles[BODY]).paragraph_format.keep_with_next = True
        for i, name in enumerate(titles, start=1):
            number = f"{i}." if len(titles) > 1 else ""
            if i == 1:
                p = _paragraph(doc, f"附件：{number}{name}", style=styles[BODY])
            else:
                p = _paragraph(doc, f"{number}{name}", style=styles[BODY])
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.left_indent = Pt(5 * CHAR)
            p.paragraph_format.keep_with_next = True

    # 落款 (GB/T 9704 7.3.5.1, 加盖印章): 正文(或附件说明)下空一行; 成文日期右空四字; 署名以
    # 成文日期为准居中 (flush right when it is longer than the date and its four characters)
    day = cn_date(head.day)
    sig_w, day_w = _width(head.signature), _width(day)
    day_right = 4.0
    sig_right = max(0.0, day_right + (day_w - sig_w) / 2)
    _paragraph(doc, "", style=styles[BODY]).paragraph_format.keep_with_next = True
    sig = _paragraph(doc, head.signature, style=styles["signature"])
    sig.paragraph_format.right_indent = Pt(sig_right * CHAR)
    sig.paragraph_format.keep_with_next = True
    when = _paragraph(doc, day, style=styles["signature"])
    when.paragraph_format.right_indent = Pt(day_right * CHAR)

    if annex_title and annexes:
        label = _paragraph(doc, "附件", style=styles["annex_label"])
        label.paragraph_format.page_break_before = True
        title = _paragraph(doc, annex_title, style=styles[TITLE])
        title.paragraph_format.space_before = LINE
        title.paragraph_format.space_after = LINE
        for i, annex in enumerate(annexes):
            caption = _paragraph(doc, annex.title, style=styles["annex_caption"])
            if i:
                caption.paragraph_format.space_before = LINE
            _annex_table(doc, annex, styles)
    else:
        for i, annex in enumerate(annexes, start=1):
            label = _paragraph(doc, f"附件{i}" if len(annexes) > 1 else "附件",
                                      style=styles["annex_label"])
            label.paragraph_format.page_break_before = True
            title = _paragraph(doc, annex.title, style=styles[TITLE])
            title.paragraph_format.space_before = LINE
            title.paragraph_format.space_after = Pt(14)
            _annex_table(doc, annex, styles)
    _record(doc, head, styles)

    # page numbers: odd pages right, even pages left
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    props = doc.core_properties
    # the file's dates are the 成文日期 (the template's own say 2013)
    stamp = datetime.combine(head.day, time(9, 0))
    props.created = props.modified = props.last_printed = stamp
    props.language = "zh-CN"
    props.last_modified_by = head.signature
    props.revision = 1
    props.title = head.title
    props.author = head.signature
    props.comments = "示例数据:演示用样本数据,非真实考核结果" if head.sample else ""
    props.keywords = "; ".join(k for k in (head.keywords, "示例数据" if head.sample else "") if k)
    if finish is not None:  # a caller's last touches (the 反馈单 fills its tables' rows)
        finish(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

