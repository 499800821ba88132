"""Briefing exports: charts to PNG/SVG/PDF, tables to a 通报-style XLSX or CSV, a briefing-pack PDF.

Pure functions: data in, bytes out. No Streamlit here, so the dashboard, the CLI and the tests
can all call them the same way. The chart images and their CJK font are drawn in
dashboard/exports/images.py, the table cells shared with the PDF are in dashboard/exports/cells.py;
this module is the one to call (it names them all) and writes the XLSX and CSV tables.

Library choices:
- Charts: vl-convert (already a dependency; the same renderer Altair's `chart.save` uses).
- PDF briefing pack: reportlab (dashboard/exports/briefing_pdf.py), text in the standard Chinese CID
  font STSong-Light (nothing embedded, no glyph outline read) and the charts as vl-convert PNGs.
  The former pages (SVG turned into PDF by vl-convert, one per page) cost about 1 ms per CJK
  glyph: 9–13 s for a pack of 18 pages at 6,000 units. reportlab cannot embed the Noto CJK
  `.ttc` files ("postscript outlines are not supported").
- XLSX: xlsxwriter (formatting, merged cells, print set-up); CSV: Polars.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import polars as pl
import xlsxwriter

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
    _is_float,
    _labelled,
    _rounded,
)
from dashboard.exports.images import (
    CJK_FONT,
    ChartLike,
    chart_pdf,
    chart_png,
    chart_svg,
    cjk_font_available,
)

__all__ = [
    "CJK_FONT",
    "GRADE_FILLS",
    "SAMPLE_FOOTER",
    "SAMPLE_TITLE_SUFFIX",
    "briefing_pdf",
    "chart_pdf",
    "chart_png",
    "chart_svg",
    "cjk_font_available",
    "table_csv",
    "table_xlsx",
]


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


def table_xlsx(
    frame: pl.DataFrame,
    *,
    title: str,
    period: str,
    unit_label: str,
    sample: bool,
    grade_column: str | None = None,
    source: str | None = None,
    generated_on: date | None = None,
    sheet_name: str = "通报",
) -> bytes:
    """An XLSX workbook laid out as a 通报 table, ready to print.

    Rows: the merged bold title (with "(示例数据)" for sample data); 考核期间 and 生成日期;
    单位类型 (and 数据来源 when `source` is given); the header; the data, floats shown with
    2 decimals and rows tinted by grade when `grade_column` is given; then "示例数据,仅供演示"
    for sample data. `unit_label` may be the bare type ("县市区") or a full "label: value" line.
    Printing: A4 landscape, one page wide, the header row repeated on every page.
    """
    if frame.width == 0:
        raise ValueError("table_xlsx: the frame has no columns")
    if grade_column is not None and grade_column not in frame.columns:
        raise ValueError(f"table_xlsx: grade column {grade_column!r} is not in the frame")
    generated_on = generated_on or date.today()
    data = _rounded(frame)
    schema = data.schema
    ncols = data.width
    last_col = ncols - 1

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    full_title = _full_title(title, sample)
    workbook.set_properties(
        {
            "title": full_title,
            "subject": period,
            "comments": SAMPLE_FOOTER if sample else "",
            "keywords": "示例数据" if sample else "",
        }
    )
    sheet = workbook.add_worksheet(sheet_name[:31])  # Excel's limit on sheet names

    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
    # The lines above the header wrap: a short table is narrower than its title.
    title_fmt = workbook.add_format(
        {**base, "bold": True, "font_size": 16, "align": "center", "text_wrap": True}
    )
    line_fmt = workbook.add_format({**base, "align": "left", "text_wrap": True})
    header_fmt = workbook.add_format(
        {**base, "bold": True, "align": "center", "border": 1, "bg_color": HEADER_FILL,
         "text_wrap": True}
    )
    footer_fmt = workbook.add_format({**base, "italic": True, "font_color": "#C00000"})

    cell_formats: dict[tuple[str, str | None], Any] = {}

    def cell_format(kind: str, grade: str | None) -> Any:
        """One format per (number kind, grade fill): xlsxwriter formats are shared, not per cell."""
        fill = GRADE_FILLS.get(grade) if grade else None
        key = (kind, fill)
        if key not in cell_formats:
            props: dict[str, Any] = {**base, "border": 1, "align": "center"}
            if kind == "float":
                props["num_format"] = "0.00"
            elif kind == "int":
                props["num_format"] = "0"
            if fill:
                props["bg_color"] = fill
            cell_formats[key] = workbook.add_format(props)
        return cell_formats[key]

    def merged_line(row: int, text: str, fmt: Any) -> None:
        # xlsxwriter refuses to merge a single cell.
        if last_col > 0:
            sheet.merge_range(row, 0, row, last_col, text, fmt)
        else:
            sheet.write_string(row, 0, text, fmt)

    merged_line(0, full_title, title_fmt)
    period_line = f"考核期间: {period}    生成日期: {_chinese_date(generated_on)}"
    merged_line(1, period_line, line_fmt)
    unit_line = _labelled("单位类型", unit_label)
    if source:
        unit_line += "    " + _labelled("数据来源", source)
    merged_line(2, unit_line, line_fmt)

    header_row = 3
    for col, name in enumerate(data.columns):
        sheet.write_string(header_row, col, name, header_fmt)

    kinds = [
        "float" if _is_float(dtype) else "int" if dtype.is_integer() else "text"
        for dtype in schema.values()
    ]
    widths = [_display_width(name) for name in data.columns]
    row = header_row
    for row, record in enumerate(data.iter_rows(named=True), start=header_row + 1):
        grade = _grade_of(record, grade_column)
        for col, (name, dtype) in enumerate(schema.items()):
            value = record[name]
            fmt = cell_format(kinds[col], grade)
            text = _cell_text(value, dtype)
            widths[col] = max(widths[col], _display_width(text))
            if text == "":
                sheet.write_blank(row, col, None, fmt)
            elif kinds[col] in ("float", "int"):
                sheet.write_number(row, col, value, fmt)
            else:
                # write_string, not write: a unit name starting with "=" must not become a formula.
                sheet.write_string(row, col, text, fmt)
    last_data_row = row

    if sample:
        merged_line(last_data_row + 2, SAMPLE_FOOTER, footer_fmt)

    # +2 for cell padding; capped so one long remark does not shrink the printed page.
    col_widths = [min(max(width + 2, 6), 50) for width in widths]
    for col, width in enumerate(col_widths):
        sheet.set_column(col, col, width)
    # Merged cells do not grow to fit wrapped text, so give the lines above the header the
    # height their text needs (16 pt title text is ~16/11 as wide as the 11 pt body).
    total = sum(col_widths)
    sheet.set_row(0, 26 * math.ceil(_display_width(full_title) * 16 / 11 / total) + 6)
    for row_no, text in ((1, period_line), (2, unit_line)):
        sheet.set_row(row_no, 15 * math.ceil(_display_width(text) / total) + 3)
    sheet.freeze_panes(header_row + 1, 0)

    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    sheet.repeat_rows(header_row)
    sheet.center_horizontally()
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    footer = "&C第 &P 页,共 &N 页"
    if sample:
        footer = f"&L{SAMPLE_FOOTER}" + footer
    sheet.set_footer(footer)

    workbook.close()
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def table_csv(frame: pl.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (Excel on Chinese Windows otherwise reads it as GBK and garbles it),
    a header row, and floats rounded half-up to exactly 2 decimals. Text cells that a spreadsheet
    would run as a formula (= + - @ first) are neutralised (pipelines/csv_safety.py)."""
    from pipelines.csv_safety import neutralise_frame

    text = neutralise_frame(_rounded(frame)).write_csv(float_precision=2)
    return ("\ufeff" + text).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Briefing PDF (laid out in dashboard/exports/briefing_pdf.py)
# --------------------------------------------------------------------------------------------


def briefing_pdf(
    *,
    title: str,
    period: str,
    sample: bool,
    ranking: pl.DataFrame,
    charts: Sequence[tuple[str, ChartLike]],
    subtitle: str | None = None,
    grade_column: str | None = None,
    ranking_heading: str = "考评结果排名",
    generated_on: date | None = None,
    attachments: Sequence[tuple[str, bytes | Callable[[], bytes]]] = (),
    progress: Callable[[float, str], None] | None = None,
) -> bytes:
    """A briefing pack as a PDF, A4 landscape: a cover (title, subtitle, 考核期间, 生成日期 and the
    sample mark), the ranking table over as many pages as it needs (header repeated, rows tinted
    by `grade_column` when given), then one page per (caption, chart). Every page after the cover
    carries the title, the sample mark and its page number in the footer. Text is real text
    (searchable, copyable) in the standard Chinese PDF font STSong-Light; charts are the PNG
    export of each chart.

    `attachments` (file name, bytes or a callable returning bytes, called while the charts are
    drawn), e.g. the full ranking as XLSX, are embedded in the PDF as file attachments.
    `progress(fraction, what)` is called as the pack is built. Cost: the chart renders
    (vl-convert, 0.1–0.5 s a chart); the rest takes tens of ms."""
    from dashboard.exports import briefing_pdf as layout

    return layout.build(
        title=title, period=period, sample=sample, ranking=ranking, charts=charts,
        subtitle=subtitle, grade_column=grade_column, ranking_heading=ranking_heading,
        generated_on=generated_on, attachments=attachments, progress=progress)
