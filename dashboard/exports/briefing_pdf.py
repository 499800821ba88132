"""The briefing pack as one PDF document: cover, ranking table pages, one page per chart.

Laid out with reportlab on one canvas. The text (cover, headings, footers, the ranking table) is
set in Adobe's standard Simplified Chinese font STSong-Light (`UnicodeCIDFont`, encoding
UniGB-UCS2-H): a font every PDF reader for Chinese provides, so nothing is embedded and no glyph
outline is read while the pack is built. (Readers on Linux built on poppler need the
`poppler-data` package for it, as for any Chinese PDF that does not embed its font.) The charts
are drawn by vl-convert, exactly as the dashboard's PNG export draws them (Noto Sans CJK, 2×), and
placed as images, so their text shows the same in every reader.

Why not the former way (each page an SVG turned into PDF by vl-convert, joined with pypdf): its
SVG → PDF step reads the outline of every CJK glyph of the page from the embedded font, about
1 ms a glyph, which made a pack of 18 pages take 9–13 s; this layout costs tens of milliseconds
and the pack's time is the chart renders.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import date

import polars as pl
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from dashboard.exports import chart_render, images
from dashboard.exports.cells import (
    GRADE_FILLS,
    HEADER_FILL,
    SAMPLE_FOOTER,
    SAMPLE_TITLE_SUFFIX,
    _cell_text,
    _chinese_date,
    _display_width,
    _full_title,
    _grade_of,
    _rounded,
)
from dashboard.exports.images import ChartLike

# A4 landscape in PDF points.
PAGE_W, PAGE_H = 842, 595
MARGIN = 40
BOX_TOP, BOX_BOTTOM = 78, PAGE_H - 48  # content area between heading and footer (from the top)
ROW_H = 22
TABLE_FONT = 11
UNIT_PT = 6.0  # points per half-width cell at 11 pt (a CJK glyph is 11 pt wide)
COL_PAD = 16
MAX_COL_PT = 260
MAX_CHART_UPSCALE = 2.0
CHART_SCALE = 2  # PNG pixels per chart pixel: sharp on paper (about 150 dpi across A4)
RANKING_HEADING = "考评结果排名"

FONT = "STSong-Light"
# Image data as binary Flate streams: ASCII85 (reportlab's default) is encoded in pure Python and
# doubled the time to place a chart.
rl_config.useA85 = 0
_font_lock = threading.Lock()
# Characters the font's Unicode map (UniGB-UCS2-H) lacks, drawn as boxes by readers (checked with
# pdftoppm): shown as the dot GB 2312 has. Text only; names keep their characters everywhere else.
_MISSING = str.maketrans({"\u00b7": "\u30fb", "\u2022": "\u30fb", "\u2027": "\u30fb"})


def _register_font() -> None:
    with _font_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))


class _Page:
    """Drawing helpers in top-down coordinates (y from the top of the page, as the layout is
    written), text vertically centred on y."""

    def __init__(self, canvas: Canvas):
        self.c = canvas

    def text(self, x: float, y: float, text: str | list[str], *, size: float = 11,
             bold: bool = False, align: str = "left", color: str = "#000000",
             line_height: float | None = None) -> None:
        c = self.c
        lines = [line.translate(_MISSING) for line in ([text] if isinstance(text, str) else text)]
        step = line_height or size * 1.2
        c.setFillColor(HexColor(color))
        if bold:  # STSong-Light has no bold face: fill and stroke the outline instead
            c.setStrokeColor(HexColor(color))
            c.setLineWidth(size / 28)
        for i, line in enumerate(lines):
            base = PAGE_H - (y + i * step) - size * 0.36  # centre of the CJK em box on y
            t = c.beginText()
            t.setFont(FONT, size)
            t.setTextRenderMode(2 if bold else 0)
            width = pdfmetrics.stringWidth(line, FONT, size)
            left = x - width / 2 if align == "center" else x - width if align == "right" else x
            t.setTextOrigin(left, base)
            t.textOut(line)
            c.drawText(t)

    def hline(self, x: float, x2: float, y: float, color: str = "#808080") -> None:
        self.c.setFillColor(HexColor(color))
        self.c.rect(x, PAGE_H - y - 0.8, x2 - x, 0.8, stroke=0, fill=1)

    def cell(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        c = self.c
        c.setFillColor(HexColor(fill))
        c.setStrokeColor(HexColor("#808080"))
        c.setLineWidth(0.5)
        c.rect(x, PAGE_H - y - h, w, h, stroke=1, fill=1)


def _wrap(text: str, max_width: int) -> list[str]:
    """Split a title into lines of at most `max_width` half-width cells (CJK has no spaces)."""
    lines, current = [], ""
    for ch in text:
        if current and _display_width(current + ch) > max_width:
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current] if current else lines or [""]


def _fit_text(text: str, max_units: int) -> str:
    """Cut a cell's text to its column, marking the cut with an ellipsis."""
    if _display_width(text) <= max_units:
        return text
    out = ""
    for ch in text:
        if _display_width(out + ch) > max_units - 1:
            break
        out += ch
    return out + "…"


def _cover(page: _Page, title: str, period: str, subtitle: str | None, sample: bool,
           generated_on: date) -> None:
    """Title (wrapped), subtitle, 考核期间, 生成日期 and the sample mark, centred."""
    cx, max_units = PAGE_W / 2, 56
    title_lines = _wrap(title, max_units)
    if sample:  # keep "(示例数据)" whole rather than letting the wrap split it
        if _display_width(title_lines[-1] + SAMPLE_TITLE_SUFFIX) <= max_units:
            title_lines[-1] += SAMPLE_TITLE_SUFFIX
        else:
            title_lines.append(SAMPLE_TITLE_SUFFIX)
    y = 190.0
    page.text(cx, y, title_lines, size=26, bold=True, align="center", line_height=38)
    y += 38 * (len(title_lines) - 1) + 56
    if subtitle:
        subtitle_lines = _wrap(subtitle, 90)
        page.text(cx, y, subtitle_lines, size=16, align="center", line_height=24)
        y += 24 * (len(subtitle_lines) - 1) + 44
    page.hline(cx - 220, cx + 220, y - 16)
    page.text(cx, y + 12, f"考核期间: {period}", size=15, align="center")
    page.text(cx, y + 42, f"生成日期: {_chinese_date(generated_on)}", size=15, align="center")
    if sample:
        page.text(cx, y + 110, SAMPLE_FOOTER, size=18, bold=True, align="center",
                  color="#C00000")


def _frame(page: _Page, heading: str, footer_left: str, page_no: int, pages: int,
           sample: bool) -> None:
    """Heading and rule on top; title, sample mark and page number below."""
    foot_y = PAGE_H - 24
    page.text(MARGIN, 44, heading, size=18, bold=True)
    page.hline(MARGIN, PAGE_W - MARGIN, 62)
    page.hline(MARGIN, PAGE_W - MARGIN, foot_y - 14, color="#BFBFBF")
    page.text(MARGIN, foot_y, footer_left, size=9, color="#595959")
    page.text(PAGE_W - MARGIN, foot_y, f"第 {page_no} 页 / 共 {pages} 页", size=9,
              align="right", color="#595959")
    if sample:
        page.text(PAGE_W / 2, foot_y, SAMPLE_FOOTER, size=10, bold=True, align="center",
                  color="#C00000")


class _Table:
    """The ranking laid out once: column widths, the scale that fits the page, the row chunks."""

    def __init__(self, ranking: pl.DataFrame, grade_column: str | None):
        data = _rounded(ranking)
        schema = data.schema
        self.headers = data.columns
        self.rows = [
            ([_cell_text(record[name], dtype) for name, dtype in schema.items()],
             _grade_of(record, grade_column))
            for record in data.iter_rows(named=True)
        ]
        col_pt = []
        for col, name in enumerate(self.headers):
            units = max([_display_width(name),
                         *(_display_width(cells[col]) for cells, _ in self.rows)])
            col_pt.append(min(units * UNIT_PT + COL_PAD, MAX_COL_PT))
        self.col_pt = col_pt
        self.max_units = [int((pt - COL_PAD) / UNIT_PT) for pt in col_pt]
        self.lefts = [sum(col_pt[:i]) for i in range(len(col_pt))]
        box_w, box_h = PAGE_W - 2 * MARGIN, BOX_BOTTOM - BOX_TOP
        # A table wider than the page is scaled down, which leaves room for more rows.
        self.scale = min(1.0, box_w / sum(col_pt))
        per_page = max(1, int(box_h / self.scale // ROW_H) - 1)
        rows = self.rows
        self.chunks = [rows[i: i + per_page] for i in range(0, len(rows), per_page)] or [[]]

    def draw(self, page: _Page, chunk: list[tuple[list[str], str | None]]) -> None:
        """One chunk under the header, hung from the top of the content box, centred across."""
        width = sum(self.col_pt) * self.scale
        left = MARGIN + (PAGE_W - 2 * MARGIN - width) / 2
        for line, (cells, grade) in enumerate([(self.headers, None), *chunk]):
            y0 = BOX_TOP + line * ROW_H * self.scale
            fill = HEADER_FILL if line == 0 else GRADE_FILLS.get(grade or "", "#FFFFFF")
            for col, text in enumerate(cells):
                x = left + self.lefts[col] * self.scale
                w = self.col_pt[col] * self.scale
                page.cell(x, y0, w, ROW_H * self.scale, fill)
                fitted = _fit_text(text, self.max_units[col])
                if fitted:
                    page.text(x + w / 2, y0 + ROW_H * self.scale / 2, fitted,
                              size=TABLE_FONT * self.scale, align="center", bold=line == 0)


def _draw_chart(page: _Page, png: bytes) -> None:
    """The chart image in the content box: scaled to fit (at most MAX_CHART_UPSCALE of its own
    size), centred."""
    image = ImageReader(io.BytesIO(png))
    px_w, px_h = image.getSize()
    width, height = px_w / CHART_SCALE, px_h / CHART_SCALE
    box_w, box_h = PAGE_W - 2 * MARGIN, BOX_BOTTOM - BOX_TOP
    scale = min(box_w / width, box_h / height, MAX_CHART_UPSCALE)
    placed_w, placed_h = width * scale, height * scale
    left = MARGIN + (box_w - placed_w) / 2
    top = BOX_TOP + (box_h - placed_h) / 2
    page.c.drawImage(image, left, PAGE_H - top - placed_h, placed_w, placed_h)


_PNG_CACHE: dict[tuple[str, float], bytes] = {}  # the charts of recent packs, by spec
_PNG_CACHE_SIZE = 64


def clear_cache() -> None:
    """Forget the charts drawn for earlier packs (benchmarks time a pack from nothing)."""
    _PNG_CACHE.clear()


def _chart_futures(charts: Sequence[tuple[str, ChartLike]]) -> list[tuple[tuple, Future]]:
    """(job, future PNG) per chart: remembered ones at once, the others drawn by the chart
    workers (dashboard/exports/chart_render.py) while this process lays out the pages."""
    jobs = [images.png_job(chart, CHART_SCALE) for _, chart in charts]
    out: list[tuple[tuple, Future | None]] = []
    missing = []
    for job in jobs:
        cached = _PNG_CACHE.get((job[0], job[2]))
        if cached is not None:
            done: Future = Future()
            done.set_result(cached)
            out.append((job, done))
        else:
            out.append((job, None))
            missing.append(job)
    drawn = iter(chart_render.render(missing))
    return [(job, future if future is not None else next(drawn)) for job, future in out]


def _png_of(job: tuple, future: Future) -> bytes:
    """The PNG of a chart job; drawn here if its worker broke."""
    try:
        data = future.result()
    except BrokenProcessPool:
        chart_render.reset()
        data = chart_render.png(*job)
    if len(_PNG_CACHE) >= _PNG_CACHE_SIZE:
        _PNG_CACHE.pop(next(iter(_PNG_CACHE)))
    _PNG_CACHE[(job[0], job[2])] = data
    return data


def build(
    *,
    title: str,
    period: str,
    sample: bool,
    ranking: pl.DataFrame,
    charts: Sequence[tuple[str, ChartLike]],
    subtitle: str | None = None,
    grade_column: str | None = None,
    ranking_heading: str = RANKING_HEADING,
    generated_on: date | None = None,
    attachments: Sequence[tuple[str, bytes | Callable[[], bytes]]] = (),
    progress: Callable[[float, str], None] | None = None,
) -> bytes:
    """The briefing pack PDF (see exports.briefing_pdf). An attachment's content may be a
    callable, called while the charts are drawn."""
    _register_font()
    generated_on = generated_on or date.today()
    full_title = _full_title(title, sample)

    def report(fraction: float, what: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), what)

    report(0.0, "绘制图表")
    futures = _chart_futures(charts)
    table = _Table(ranking, grade_column) if ranking.width else None
    table_pages = table.chunks if table is not None else []
    pages = 1 + len(table_pages) + len(charts)

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_W, PAGE_H), pageCompression=1)
    canvas.setTitle(full_title)
    canvas.setSubject(period)
    canvas.setCreator("egov")
    page = _Page(canvas)
    footer = f"{full_title}  {period}"

    report(0.05, f"排版第 1 页 / 共 {pages} 页:封面")
    _cover(page, title, period, subtitle, sample, generated_on)
    canvas.showPage()
    number = 1
    for i, chunk in enumerate(table_pages):
        number += 1
        report(0.05 + 0.1 * number / pages, f"排版第 {number} 页 / 共 {pages} 页:排名表")
        _frame(page, ranking_heading + (" (续)" if i else ""), footer, number, pages, sample)
        table.draw(page, chunk)
        canvas.showPage()
    files = []
    for name, content in attachments:
        if callable(content):
            report(0.15, f"写出附件 {name}")
            content = content()
        files.append((name, content))
    for i, ((caption, _), (job, future)) in enumerate(zip(charts, futures, strict=True)):
        number += 1
        report(0.2 + 0.75 * i / max(len(charts), 1),
               f"绘制图表 {i + 1} / {len(charts)}:{caption}")
        png = _png_of(job, future)
        _frame(page, caption, footer, number, pages, sample)
        _draw_chart(page, png)
        canvas.showPage()
    canvas.save()
    pdf = out.getvalue()
    if files:
        report(0.97, "附加完整排名表")
        pdf = _attach(pdf, files)
    report(1.0, f"完成,共 {pages} 页")
    return pdf


def _attach(pdf: bytes, files: Sequence[tuple[str, bytes]]) -> bytes:
    """The PDF with `files` embedded as file attachments (pypdf: reportlab has no API for
    document-level attachments)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for name, content in files:
        writer.add_attachment(name, content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
