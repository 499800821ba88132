"""Briefing exports: charts to PNG/SVG/PDF, tables to a 通报-style XLSX or CSV, a briefing-pack PDF.

Pure functions: data in, bytes out. No Streamlit here, so the dashboard, the CLI and the tests
can all call them the same way.

Chinese text in rendered images needs a CJK font that vl-convert can see. The Debian package
`fonts-noto-cjk` (installed by `.ci/run`) is found and registered once per process; a directory of
font files can also be named by the environment variable `EGOV_FONT_DIR`. Without one, exports still
work but Chinese shows as boxes: `cjk_font_available()` says which case applies.

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

import copy
import functools
import io
import json
import math
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl
import vl_convert as vlc
import xlsxwriter

from pipelines.engine.rounding import round_half_up

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

# Always with a fallback: a named font that is missing, with none, can blank all text.
CJK_FONT = "Noto Sans CJK SC, sans-serif"
SAMPLE_TITLE_SUFFIX = "(示例数据)"
SAMPLE_FOOTER = "示例数据,仅供演示"

# Light fills that stay readable in colour and on a greyscale printer.
GRADE_FILLS: dict[str, str] = {
    "优秀": "#E2EFDA",  # green
    "良好": "#DDEBF7",  # blue
    "合格": "#DDEBF7",  # blue
    "基本合格": "#FFF2CC",  # amber
    "不合格": "#F8D7DA",  # red
}
HEADER_FILL = "#D9D9D9"

FONT_DIR_ENV = "EGOV_FONT_DIR"
_FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),  # Debian/Ubuntu fonts-noto-cjk
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto-cjk"),  # Fedora/Arch
    Path("/usr/share/fonts/google-noto-cjk"),
)
_FONT_ROOTS = (Path("/usr/share/fonts/opentype"), Path("/usr/share/fonts/truetype"))
_CJK_FONT_GLOBS = ("NotoSansCJK*", "NotoSerifCJK*", "NotoSansSC*", "SourceHanSans*")

_font_lock = threading.Lock()
_font_state: dict[str, Path | None] = {}

ChartLike = alt.TopLevelMixin | dict[str, Any]


# --------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------


def _has_cjk_font(folder: Path) -> bool:
    return folder.is_dir() and any(any(folder.glob(g)) for g in _CJK_FONT_GLOBS)


def _find_cjk_font_dir() -> Path | None:
    """The first directory holding a CJK font: $EGOV_FONT_DIR, the usual package paths, a scan."""
    env = os.environ.get(FONT_DIR_ENV)
    candidates = [Path(env)] if env else []
    candidates += _FONT_DIRS
    for folder in candidates:
        if _has_cjk_font(folder):
            return folder
    for root in _FONT_ROOTS:
        if root.is_dir():
            for pattern in _CJK_FONT_GLOBS:
                for hit in sorted(root.rglob(pattern)):
                    return hit.parent
    return None


def _ensure_fonts() -> Path | None:
    """Register the CJK font directory with vl-convert once per process (it is process-global and
    re-registering rescans the files); returns the directory, or None when there is none."""
    with _font_lock:
        if "dir" not in _font_state:
            folder = _find_cjk_font_dir()
            if folder is not None:
                try:
                    vlc.register_font_directory(str(folder.resolve()))
                except Exception:  # an unreadable font directory must not break exports
                    folder = None
            _font_state["dir"] = folder
        return _font_state["dir"]


def cjk_font_available() -> bool:
    """True when a CJK font was found and registered, so Chinese renders in PNG/PDF exports."""
    return _ensure_fonts() is not None


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def _chart_spec(chart: ChartLike) -> dict[str, Any]:
    """The Vega-Lite dict of a chart, with the CJK font as the default when none is configured.

    Works on a copy: the caller's chart object keeps its own config."""
    spec = copy.deepcopy(chart) if isinstance(chart, dict) else chart.to_dict()
    config = spec.setdefault("config", {})
    if not config.get("font"):
        config["font"] = CJK_FONT
    return spec


def _vl_version(spec: dict[str, Any]) -> str | None:
    """The Vega-Lite version named by the spec's $schema when vl-convert bundles it, so a chart
    is rendered by the version Altair wrote it for; None lets vl-convert use its newest."""
    match = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    if match:
        version = f"{match[1]}.{match[2]}"
        if version in vlc.get_vegalite_versions():
            return version
    return None


def chart_png(chart: ChartLike, scale: float = 2) -> bytes:
    """PNG bytes of an Altair chart (or a Vega-Lite dict); `scale` 2 is sharp enough for slides."""
    _ensure_fonts()
    spec = _chart_spec(chart)
    return _spec_png(json.dumps(spec, sort_keys=True, ensure_ascii=False), scale)


def png_job(chart: ChartLike, scale: float = 2) -> tuple[str, str | None, float, str | None]:
    """What a chart worker needs to draw the chart as PNG (dashboard/chart_render.png): the spec
    as JSON, its Vega-Lite version, the scale and the CJK font directory."""
    folder = _ensure_fonts()
    spec = _chart_spec(chart)
    return (json.dumps(spec, sort_keys=True, ensure_ascii=False), _vl_version(spec), scale,
            str(folder.resolve()) if folder is not None else None)


@functools.lru_cache(maxsize=64)
def _spec_png(spec_json: str, scale: float) -> bytes:
    """A spec rendered to PNG, remembered: the briefing pack of another period or type draws the
    same target charts again, and vl-convert takes 0.1–0.5 s a chart."""
    spec = json.loads(spec_json)
    return vlc.vegalite_to_png(spec, vl_version=_vl_version(spec), scale=scale)


def chart_svg(chart: ChartLike) -> bytes:
    """SVG bytes (UTF-8). Text stays text, so the viewer needs a CJK font to show Chinese."""
    _ensure_fonts()
    spec = _chart_spec(chart)
    return _spec_svg(json.dumps(spec, sort_keys=True, ensure_ascii=False)).encode("utf-8")


@functools.lru_cache(maxsize=128)
def _spec_svg(spec_json: str) -> str:
    """A spec rendered to SVG, remembered: the briefing pack of another period or type redraws
    the same target charts, and vl-convert takes 0.3–1 s a chart."""
    spec = json.loads(spec_json)
    return vlc.vegalite_to_svg(spec, vl_version=_vl_version(spec))


def chart_pdf(chart: ChartLike) -> bytes:
    """A one-page vector PDF of the chart, with the fonts it uses embedded."""
    _ensure_fonts()
    spec = _chart_spec(chart)
    return vlc.vegalite_to_pdf(spec, vl_version=_vl_version(spec))


# --------------------------------------------------------------------------------------------
# Table helpers shared by the XLSX, CSV and PDF exports
# --------------------------------------------------------------------------------------------


def _display_width(text: str) -> int:
    """Width in half-width character cells: CJK and full-width characters count as 2, and so do
    "ambiguous" ones such as — and …, which CJK fonts draw full width."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1 for ch in text)


def _is_float(dtype: pl.DataType) -> bool:
    return dtype.is_float() or dtype.is_decimal()


def _rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Float columns rounded half-up to 2 decimals: exports are output, and the project's rounding
    contract is half-up for output only (2.675 -> 2.68, which Python's round() gives as 2.67)."""
    floats = [name for name, dtype in frame.schema.items() if _is_float(dtype)]
    return frame.with_columns(
        round_half_up(pl.col(name).cast(pl.Float64)).alias(name) for name in floats
    )


def _cell_text(value: Any, dtype: pl.DataType) -> str:
    """A value as the table shows it: floats with 2 decimals, booleans as 是/否, nulls empty."""
    if value is None:
        return ""
    if _is_float(dtype):
        return "" if math.isnan(value) else f"{value:.2f}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _full_title(title: str, sample: bool) -> str:
    if sample and not title.endswith(SAMPLE_TITLE_SUFFIX):
        return title + SAMPLE_TITLE_SUFFIX
    return title


def _labelled(label: str, value: str) -> str:
    """`单位类型: 县市区` from "县市区"; a value that already carries its label is kept as is."""
    return value if (":" in value or "：" in value) else f"{label}: {value}"


def _grade_of(row: dict[str, Any], grade_column: str | None) -> str | None:
    if grade_column is None:
        return None
    value = row.get(grade_column)
    return str(value) if value is not None else None


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
