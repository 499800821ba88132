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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree

from pipelines.notice.facts import Annex
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
SIZE_TABLE = Pt(10.5)  # 五号
CHAR = 16         # one character of 3号 text, in points
LINE = Pt(28)


@dataclass(frozen=True)
class Letterhead:
    """The parts of the notice outside its text: who signs, when, and whether it is sample."""

    signature: str
    day: date
    title: str
    sample: bool = False
    doc_number: str = ""   # 发文字号, e.g. 坛电政办〔2014〕1号 (blank: no 发文字号 line)


def _east_asian(element, font: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run or style: Latin text in `latin`, Chinese text in `font`."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(doc, name: str, font: str, size, *, align=None, indent: bool = True,
           line=LINE, bold: bool = False):
    style = doc.styles.add_style(name, 1)  # WD_STYLE_TYPE.PARAGRAPH
    style.base_style = doc.styles["Normal"]
    style.font.size = size
    style.font.bold = bold
    _east_asian(style.element, font)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(2 * CHAR) if indent else Pt(0)
    if align is not None:
        fmt.alignment = align
    return style


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


def _width(text: str) -> float:
    """Width of a line in characters of 3号 text: Chinese 1, digits and Latin ½."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


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
    table.style = doc.styles["Table Grid"]
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
        cell.paragraphs[0].style = styles["head"]
        cell.paragraphs[0].text = name
    style_id = styles["cell"].style_id
    cells = [f'<w:tc><w:tcPr><w:tcW w:w="{w.twips}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
             f'<w:pStyle w:val="{style_id}"/></w:pPr><w:r><w:t xml:space="preserve">{{}}</w:t>'
             '</w:r></w:p></w:tc>' for w in widths]
    row_xml = "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cells) + "</w:tr>"
    body = "".join(row_xml.format(*(escape(v) for v in row)) for row in annex.rows)
    rows = etree.fromstring(f'<w:tbl {nsdecls("w")}>{body}</w:tbl>'.encode())
    table._tbl.extend(list(rows))


def write_docx(blocks: Sequence[Block], annexes: Sequence[Annex], head: Letterhead) -> bytes:
    """The notice as .docx bytes: the text blocks, 附件说明, 落款 and date, then the annexes."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)

    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    _east_asian(normal.element, BODY_FONT)
    _font_table(doc)
    _chinese(doc)
    styles = {
        TITLE: _style(doc, "通报标题", TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER,
                      indent=False, line=Pt(36)),
        PLAIN: _style(doc, "主送机关", BODY_FONT, SIZE_3, indent=False,
                      align=WD_ALIGN_PARAGRAPH.JUSTIFY),
        BODY: _style(doc, "通报正文", BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY),
        HEADING1: _style(doc, "一级标题", HEADING1_FONT, SIZE_3),
        HEADING2: _style(doc, "二级标题", HEADING2_FONT, SIZE_3),
        "annex_label": _style(doc, "附件标注", HEADING1_FONT, SIZE_3, indent=False),
        "signature": _style(doc, "落款", BODY_FONT, SIZE_3, indent=False,
                            align=WD_ALIGN_PARAGRAPH.RIGHT),
        "head": _style(doc, "表头", HEADING1_FONT, SIZE_TABLE, indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(16)),
        "cell": _style(doc, "表格文字", BODY_FONT, SIZE_TABLE, indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(16)),
    }

    if head.doc_number:
        # 发文字号: centred under the 版头, a blank line before the title (GB/T 9704 7.2.4)
        number = doc.add_paragraph(head.doc_number, style=styles[PLAIN])
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        number.paragraph_format.space_after = LINE
    for block in blocks:
        p = doc.add_paragraph(block.text, style=styles[block.kind])
        if block.kind == TITLE:
            p.paragraph_format.space_after = LINE  # 标题下空一行

    # 附件说明: 正文下空一行,左空二字「附件:」,多个附件用阿拉伯数字标序号,名称后不加标点
    if annexes:
        doc.add_paragraph("", style=styles[BODY])
        for i, annex in enumerate(annexes, start=1):
            number = f"{i}." if len(annexes) > 1 else ""
            if i == 1:
                doc.add_paragraph(f"附件：{number}{annex.title}", style=styles[BODY])
            else:
                p = doc.add_paragraph(f"{number}{annex.title}", style=styles[BODY])
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.left_indent = Pt(5 * CHAR)

    # 落款: 署名右空二字;成文日期首字比署名首字右移二字(日期较长时日期右空二字)
    day = cn_date(head.day)
    sig_w, day_w = _width(head.signature), _width(day)
    sig_right = max(2.0, day_w + 2 - sig_w + 2)
    day_right = max(2.0, sig_right + sig_w - 2 - day_w)
    doc.add_paragraph("", style=styles[BODY])
    doc.add_paragraph("", style=styles[BODY])
    sig = doc.add_paragraph(head.signature, style=styles["signature"])
    sig.paragraph_format.right_indent = Pt(sig_right * CHAR)
    when = doc.add_paragraph(day, style=styles["signature"])
    when.paragraph_format.right_indent = Pt(day_right * CHAR)

    for i, annex in enumerate(annexes, start=1):
        label = doc.add_paragraph(f"附件{i}" if len(annexes) > 1 else "附件",
                                  style=styles["annex_label"])
        label.paragraph_format.page_break_before = True
        title = doc.add_paragraph(annex.title, style=styles[TITLE])
        title.paragraph_format.space_before = LINE
        title.paragraph_format.space_after = Pt(14)
        _annex_table(doc, annex, styles)

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
    props.keywords = "通报; 电子政务绩效考核" + ("; 示例数据" if head.sample else "")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

