"""Briefing exports: each test opens what was written (PNG, SVG, PDF, XLSX, CSV) and checks it."""

from __future__ import annotations

import csv
import io
import math
import struct
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import altair as alt
import openpyxl
import polars as pl
import pytest
from conftest import skip_unless
from pypdf import PdfReader

from dashboard.exports import cells, exports, images

NOTICE_TITLE = "2017年度岳阳市政务公开政务服务工作考评结果通报"
DAY = date(2018, 1, 9)


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def cjk_font() -> None:
    """Skip (fail in CI, which installs the font) when no CJK font is there to render Chinese."""
    skip_unless(
        exports.cjk_font_available(),
        "no CJK font installed (apt-get install fonts-noto-cjk, or set EGOV_FONT_DIR)",
    )


@pytest.fixture(scope="module")
def ranking() -> pl.DataFrame:
    """A small ranking with every grade, a Float score that needs half-up rounding, Int ranks."""
    return pl.DataFrame(
        {
            "排名": [1, 2, 3, 4, 5],
            "单位": ["岳阳县", "华容县", "湘阴县", "平江县", "临湘市"],
            "总分": [95.125, 85.5, 72.675, 61.0, 48.333],
            "等次": ["优秀", "良好", "合格", "基本合格", "不合格"],
        },
        schema_overrides={"排名": pl.Int32},
    )


def bar_chart(frame: pl.DataFrame, title: str = "各单位总分") -> alt.Chart:
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(x=alt.X("单位:N", sort="-y"), y="总分:Q")
        .properties(width=240, height=160)
    )


def title_only_chart(title: str) -> alt.Chart:
    """A chart whose only text is its title (no axes), so two renders differ only by the title."""
    return (
        alt.Chart(alt.InlineData(values=[{"v": 1}]), title=alt.Title(title, fontSize=40))
        .mark_point()
        .encode(x=alt.X("v:Q", axis=None), y=alt.Y("v:Q", axis=None))
        .properties(width=160, height=60)
    )


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which the PNG format puts first."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def svg_size(data: bytes) -> tuple[float, float]:
    root = ET.fromstring(data)
    return float(root.get("width", "0")), float(root.get("height", "0"))


def pdf_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def embedded_fonts(data: bytes) -> set[str]:
    """Base names of the fonts embedded (with a font file) in any page of a PDF."""
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            for desc in font.get_object().get("/DescendantFonts", []):
                desc = desc.get_object()
                descriptor = desc["/FontDescriptor"].get_object()
                if any(key.startswith("/FontFile") for key in descriptor):
                    names.add(str(desc["/BaseFont"]))
    return names


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


def test_chart_png_is_a_png_at_twice_the_chart_size(ranking: pl.DataFrame) -> None:
    chart = bar_chart(ranking)
    width, height = svg_size(exports.chart_svg(chart))
    data = exports.chart_png(chart)
    png_w, png_h = png_size(data)
    assert abs(png_w - 2 * width) <= 2 and abs(png_h - 2 * height) <= 2
    try:
        from PIL import Image
    except ImportError:  # the IHDR check above already covers the essentials
        return
    with Image.open(io.BytesIO(data)) as image:
        image.load()  # decodes every pixel: a truncated or corrupt stream raises here
        assert image.size == (png_w, png_h)


def test_chart_svg_parses_and_keeps_the_title_as_text(ranking: pl.DataFrame) -> None:
    data = exports.chart_svg(bar_chart(ranking, title="各单位总分排名"))
    root = ET.fromstring(data)
    texts = ["".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "各单位总分排名" in texts
    assert "Noto Sans CJK SC" in data.decode("utf-8")  # the default font was applied


def test_chart_pdf_has_one_page_with_the_title(ranking: pl.DataFrame) -> None:
    data = exports.chart_pdf(bar_chart(ranking, title="各单位总分排名"))
    assert data.startswith(b"%PDF")
    texts = pdf_texts(data)
    assert len(texts) == 1
    if exports.cjk_font_available():
        assert "各单位总分排名" in texts[0]


def test_configured_font_is_kept_and_the_chart_is_not_modified(ranking: pl.DataFrame) -> None:
    chart = bar_chart(ranking)
    spec = images._chart_spec(chart)
    assert spec["config"]["font"] == images.CJK_FONT
    assert "font" not in (chart.to_dict().get("config") or {})  # the caller's chart is untouched

    own = bar_chart(ranking).configure(font="Noto Serif CJK SC, serif")
    assert images._chart_spec(own)["config"]["font"] == "Noto Serif CJK SC, serif"
    assert images._chart_spec({"mark": "point"})["config"]["font"] == images.CJK_FONT


@pytest.mark.usefixtures("cjk_font")
def test_chinese_title_renders_as_glyphs() -> None:
    chinese = exports.chart_png(title_only_chart("排名"), scale=1)
    blank = exports.chart_png(title_only_chart("  "), scale=1)
    swapped = exports.chart_png(title_only_chart("名排"), scale=1)
    assert png_size(chinese) == png_size(blank)
    # Text was drawn: a missing named font without fallback would blank it.
    assert chinese != blank
    # Real glyphs, not boxes: every missing glyph draws the same box, so a missing font would
    # make "排名" and "名排" identical images.
    assert chinese != swapped


# ---------------------------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------------------------


def test_font_directory_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty, fonts = tmp_path / "empty", tmp_path / "fonts"
    empty.mkdir()
    fonts.mkdir()
    monkeypatch.setattr(images, "_FONT_DIRS", (empty,))
    monkeypatch.setattr(images, "_FONT_ROOTS", (tmp_path / "missing",))
    monkeypatch.delenv(images.FONT_DIR_ENV, raising=False)
    assert images._find_cjk_font_dir() is None

    (fonts / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    monkeypatch.setenv(images.FONT_DIR_ENV, str(fonts))
    assert images._find_cjk_font_dir() == fonts

    monkeypatch.delenv(images.FONT_DIR_ENV)
    monkeypatch.setattr(images, "_FONT_ROOTS", (tmp_path,))  # found by the scan
    assert images._find_cjk_font_dir() == fonts


def test_display_width_counts_cjk_as_two() -> None:
    assert cells._display_width("岳阳县") == 6
    assert cells._display_width("A1 县") == 5
    assert cells._display_width("95.13") == 5
    assert cells._display_width("1月—12月") == 9  # the dash is full width in CJK fonts


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_sheet(ranking: pl.DataFrame) -> openpyxl.worksheet.worksheet.Worksheet:
    data = exports.table_xlsx(
        ranking, title=NOTICE_TITLE, period="2017年度", unit_label="县市区", sample=True,
        grade_column="等次", source="岳阳市绩效办", generated_on=DAY,
    )
    assert data[:2] == b"PK"  # an XLSX is a zip
    return openpyxl.load_workbook(io.BytesIO(data)).active


def fill_of(cell: openpyxl.cell.cell.Cell) -> str | None:
    return cell.fill.fgColor.rgb[-6:].upper() if cell.fill.fill_type == "solid" else None


def test_xlsx_title_and_info_lines(sample_sheet) -> None:
    ws = sample_sheet
    assert ws["A1"].value == NOTICE_TITLE + "(示例数据)"
    assert ws["A1"].font.b
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:D1", "A2:D2", "A3:D3"} <= merged
    assert ws["A2"].value == "考核期间: 2017年度    生成日期: 2018年1月9日"
    assert ws["A3"].value == "单位类型: 县市区    数据来源: 岳阳市绩效办"


def test_xlsx_header_values_and_number_formats(sample_sheet) -> None:
    ws = sample_sheet
    assert [c.value for c in ws[4]] == ["排名", "单位", "总分", "等次"]
    assert all(c.font.b and c.border.bottom.style == "thin" for c in ws[4])
    assert fill_of(ws["A4"]) == exports.HEADER_FILL[1:]
    first = [c.value for c in ws[5]]
    assert first == [1, "岳阳县", 95.13, "优秀"]  # 95.125 half-up, not banker's 95.12
    assert ws["C7"].value == 72.68  # 72.675 -> 72.68
    assert ws["C5"].number_format == "0.00"
    assert ws["A5"].number_format == "0"
    assert ws["B5"].number_format == "General"
    assert ws["C9"].border.left.style == "thin"


def test_xlsx_rows_are_filled_by_grade(sample_sheet) -> None:
    ws = sample_sheet
    fills = {ws.cell(row, 4).value: fill_of(ws.cell(row, 2)) for row in range(5, 10)}
    assert fills["不合格"] == exports.GRADE_FILLS["不合格"][1:]
    assert fills["优秀"] == exports.GRADE_FILLS["优秀"][1:]
    assert len(set(fills.values())) == 4  # 良好 and 合格 share the blue
    assert {fill_of(c) for c in ws[9]} == {exports.GRADE_FILLS["不合格"][1:]}  # the whole row


def test_xlsx_sample_footer_and_print_setup(sample_sheet) -> None:
    ws = sample_sheet
    assert ws.cell(ws.max_row, 1).value == "示例数据,仅供演示"
    assert ws.max_row == 11  # 5 data rows end at 9, then a blank row, then the footer
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1)  # absent means 1
    assert ws.page_setup.fitToHeight == 0
    assert "示例数据" in ws.oddFooter.left.text


def test_xlsx_column_widths_count_cjk_double(sample_sheet) -> None:
    widths = {k: v.width for k, v in sample_sheet.column_dimensions.items()}
    # "基本合格" is 8 cells wide; "排名" 4; plus padding.
    assert widths["D"] >= 8 + 2
    assert widths["B"] >= 6
    assert widths["D"] > widths["A"]


def test_xlsx_real_data_has_no_sample_marks_or_fills(ranking: pl.DataFrame) -> None:
    data = exports.table_xlsx(
        ranking, title=NOTICE_TITLE, period="2017年度", unit_label="单位类型: 市直单位",
        sample=False, generated_on=DAY,
    )
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == NOTICE_TITLE
    assert ws["A3"].value == "单位类型: 市直单位"  # a label given whole is not doubled
    assert ws.max_row == 9
    assert all(fill_of(c) is None for row in ws.iter_rows(min_row=5) for c in row)
    assert not any("示例数据" in str(c.value) for row in ws.iter_rows() for c in row)


def test_xlsx_checks_its_arguments(ranking: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="grade column"):
        exports.table_xlsx(ranking, title="t", period="p", unit_label="u", sample=False,
                           grade_column="等级")
    with pytest.raises(ValueError, match="no columns"):
        exports.table_xlsx(pl.DataFrame(), title="t", period="p", unit_label="u", sample=False)


def test_xlsx_single_column_and_nulls() -> None:
    frame = pl.DataFrame({"得分": [1.5, None, float("nan")]})
    data = exports.table_xlsx(frame, title="单列", period="p", unit_label="u", sample=True)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "单列(示例数据)"
    assert [ws.cell(r, 1).value for r in (5, 6, 7)] == [1.5, None, None]


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def test_csv_has_bom_chinese_headers_and_half_up_rounding() -> None:
    frame = pl.DataFrame(
        {"单位": ["岳阳县", "华容县", "湘阴县"], "得分": [2.675, 1.0, 0.125], "排名": [1, 3, 2]}
    )
    data = exports.table_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["单位", "得分", "排名"],
        ["岳阳县", "2.68", "1"],  # half-up; round(2.675, 2) would give 2.67
        ["华容县", "1.00", "3"],
        ["湘阴县", "0.13", "2"],
    ]
    back = pl.read_csv(io.BytesIO(data))  # Polars skips the BOM too
    assert back.columns == ["单位", "得分", "排名"]
    assert back["得分"].to_list() == [2.68, 1.0, 0.13]


# ---------------------------------------------------------------------------------------------
# Briefing PDF
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def briefing(ranking: pl.DataFrame) -> bytes:
    grades = ranking.group_by("等次").len()
    charts = [
        ("各单位总分", bar_chart(ranking)),
        ("等次分布", alt.Chart(grades).mark_arc().encode(theta="len:Q", color="等次:N")),
    ]
    return exports.briefing_pdf(
        title=NOTICE_TITLE, period="2017年度", sample=True, ranking=ranking, charts=charts,
        subtitle="县市区", grade_column="等次", generated_on=DAY,
    )


def test_briefing_pages_and_metadata(briefing: bytes) -> None:
    assert briefing.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(briefing))
    assert len(reader.pages) == 1 + 1 + 2  # cover, the ranking, two charts
    assert reader.metadata.title == NOTICE_TITLE + "(示例数据)"
    for page in reader.pages:  # A4 landscape
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


@pytest.mark.usefixtures("cjk_font")
def test_briefing_text_is_extractable_chinese(briefing: bytes) -> None:
    cover, table, bars, arcs = pdf_texts(briefing)
    assert NOTICE_TITLE in cover.replace("\n", "")
    assert "(示例数据)" in cover  # kept whole by the title wrap
    for text in ("县市区", "考核期间: 2017年度", "生成日期: 2018年1月9日", "示例数据,仅供演示"):
        assert text in cover
    assert "考评结果排名" in table
    for text in ("排名", "单位", "总分", "等次", "岳阳县", "95.13", "72.68", "不合格"):
        assert text in table
    assert "第 2 页 / 共 4 页" in table
    assert "各单位总分" in bars and "第 3 页 / 共 4 页" in bars
    assert "等次分布" in arcs and "示例数据,仅供演示" in arcs
    # The text is set in Adobe's standard Chinese font (no glyph outlines to embed); the charts
    # are the PNG export, one image per chart page.
    assert fonts_used(briefing) == {("/STSong-Light", "/UniGB-UCS2-H")}
    assert embedded_fonts(briefing) == set()
    reader = PdfReader(io.BytesIO(briefing))
    assert [len(images_of(page)) for page in reader.pages] == [0, 0, 1, 1]


def fonts_used(data: bytes) -> set[tuple[str, str]]:
    """(base font, encoding) of every font on the pages of a PDF."""
    out = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type1" and font["/BaseFont"] == "/Helvetica":
                continue  # reportlab's default font entry, never used for text here
            out.add((str(font["/BaseFont"]), str(font.get("/Encoding"))))
    return out


def images_of(page) -> list:
    xobjects = page["/Resources"].get("/XObject", {})
    return [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]


def test_briefing_draws_dots_the_font_lacks_as_its_own_dot() -> None:
    """U+00B7 (·) is not in STSong-Light's Unicode map (readers draw a box): the PDF shows ・."""
    ranking = pl.DataFrame({"排名": [1], "单位": ["东城街道·0007"], "总分": [90.0]})
    data = exports.briefing_pdf(title="点", period="p", sample=False, ranking=ranking, charts=[])
    table = pdf_texts(data)[1]
    assert "东城街道・0007" in table and "·" not in table


@pytest.mark.usefixtures("cjk_font")
def test_briefing_long_ranking_is_paginated_with_the_header_repeated() -> None:
    n = 45
    ranking = pl.DataFrame(
        {"排名": range(1, n + 1), "单位": [f"第{i:02d}号县人民政府" for i in range(1, n + 1)],
         "总分": [99.5 - i for i in range(n)]}
    )
    data = exports.briefing_pdf(title="长表", period="2017年度", sample=False, ranking=ranking,
                                charts=[])
    texts = pdf_texts(data)
    tables = texts[1:]
    assert len(tables) >= 2 and len(texts) == 1 + len(tables)
    # With 22 pt rows, an A4 landscape page holds 20 rows under the header.
    assert len(tables) == math.ceil(n / 20)
    assert "考评结果排名" in tables[0] and "(续)" not in tables[0]
    assert all("考评结果排名 (续)" in t for t in tables[1:])
    assert all("单位" in t and "总分" in t for t in tables)
    for i in range(1, n + 1):  # every unit exactly once
        assert sum(t.count(f"第{i:02d}号县人民政府") for t in tables) == 1
    assert "示例数据" not in "".join(texts)
    assert f"第 {len(texts)} 页 / 共 {len(texts)} 页" in texts[-1]


def test_briefing_without_ranking_columns_has_cover_and_charts(ranking: pl.DataFrame) -> None:
    data = exports.briefing_pdf(title="图表", period="p", sample=False, ranking=pl.DataFrame(),
                                charts=[("总分", bar_chart(ranking))])
    assert len(PdfReader(io.BytesIO(data)).pages) == 2


# ---------------------------------------------------------------------------------------------
# Chart workers (dashboard/exports/chart_render.py)
# ---------------------------------------------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_chart_workers_draw_the_same_png_as_the_export(ranking: pl.DataFrame,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The briefing pack's charts are drawn by the worker processes (this process's vl-convert
    is made to fail), and they are the PNG export (2×)."""
    import vl_convert

    from dashboard.exports import chart_render

    chart = bar_chart(ranking)
    direct = exports.chart_png(chart, scale=2)
    job = images.png_job(chart)

    def not_here(*args, **kwargs):
        raise AssertionError("drawn in the dashboard's process")

    monkeypatch.delenv(chart_render.INPROCESS_ENV, raising=False)
    monkeypatch.setattr(vl_convert, "vegalite_to_png", not_here)
    drawn = [f.result(timeout=120) for f in chart_render.render([job, job])]
    assert all(d.startswith(PNG_MAGIC) and png_size(d) == png_size(direct) for d in drawn)


def test_chart_workers_do_not_run_the_page_that_started_them(
        ranking: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While Streamlit (or AppTest) runs a page, `__main__` is the page script; workers started
    then must not import it (a spawned process imports the parent's `__main__`): here a
    `__main__` that would kill any process importing it."""
    import sys
    import types

    from dashboard.exports import chart_render

    chart_render.reset()
    page = tmp_path / "page.py"
    page.write_text("import os\nos._exit(3)\n", encoding="utf-8")
    script = types.ModuleType("__main__")
    script.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", script)
    monkeypatch.delenv(chart_render.INPROCESS_ENV, raising=False)
    job = images.png_job(bar_chart(ranking))
    assert all(f.result(timeout=120).startswith(PNG_MAGIC) for f in chart_render.render([job] * 2))
    assert sys.modules["__main__"] is script


def test_chart_workers_can_be_turned_off(ranking: pl.DataFrame,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """EGOV_RENDER_INPROCESS=1: no worker processes, the PNGs are drawn here."""
    from dashboard.exports import chart_render

    monkeypatch.setenv(chart_render.INPROCESS_ENV, "1")
    assert chart_render.pool() is None
    futures = chart_render.render([images.png_job(bar_chart(ranking))])
    assert futures[0].done() and futures[0].result().startswith(PNG_MAGIC)


def test_a_broken_chart_worker_is_replaced_by_drawing_here(ranking: pl.DataFrame) -> None:
    """A worker that died (BrokenProcessPool) does not fail the pack: the chart is drawn in this
    process and the workers are started anew for the next one."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from dashboard.exports import briefing_pdf, chart_render

    broken: Future = Future()
    broken.set_exception(BrokenProcessPool("a worker died"))
    job = images.png_job(bar_chart(ranking, title="坏了的进程"))
    assert briefing_pdf._png_of(job, broken).startswith(PNG_MAGIC)
    assert chart_render._pool is None  # dropped; the next render starts new workers
    briefing_pdf.clear_cache()
