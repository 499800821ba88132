"""Reading workbooks and CSV files: every cell as text, Excel row numbers, kinds told by headers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipelines.inputs.normalize import parse_month
from pipelines.inputs.problems import InputRejected
from pipelines.inputs.readers import detect_kind, read_file, read_file_checked

CONTENT_ZH = ["方案", "月份", "单位", "项目", "条数", "市级录用", "省级录用"]
CONTENT_EN = ["scheme", "month", "unit", "item", "count", "city_adopted", "province_adopted"]


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()
               ) -> Path:
    """A workbook with these sheets; rows are lists of cells (None leaves a cell empty)."""
    wb = xlsxwriter.Workbook(str(path))
    month = wb.add_format({"num_format": "yyyy-mm"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value, month)
                elif value is not None:
                    ws.write(r, c, value)
        if name in hidden:
            ws.hide()
    wb.close()
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str) -> Path:
    """A CSV file as Excel writes it (quoted where needed, CRLF) in this encoding."""
    out = io.StringIO()
    csv.writer(out).writerows([["" if v is None else v for v in row] for row in rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def test_xlsx_cells_are_text_with_excel_row_numbers(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"内容保障月报": [
        CONTENT_ZH,
        ["jintan-2013", "2013-01", "\u3000儒林镇\u3000", 1, 3, 0, 0],
        [None] * 7,  # a blank row: skipped, but row numbers go on
        ["jintan-2013", dt.datetime(2013, 2, 1), "档案局", "２", 3.5, None, 1],
    ]})
    [sheet] = read_file(path)
    assert sheet.file == str(path)
    assert sheet.sheet == "内容保障月报"
    assert sheet.kind == "content"
    assert sheet.rows == [2, 4]
    assert sheet.header_row == 1
    assert sheet.frame.columns == CONTENT_EN
    assert all(dtype == pl.String for dtype in sheet.frame.dtypes)
    assert sheet.frame.row(0) == (
        "jintan-2013", "2013-01", "\u3000儒林镇\u3000", "1", "3", "0", "0"
    )
    second = sheet.frame.row(1, named=True)
    assert second["count"] == "3.5"  # what was typed, not rounded
    assert second["item"] == "２"
    assert second["city_adopted"] is None
    # An Excel date cell in 月份 still reads as its month.
    assert parse_month(second["month"]) == "2013-02"
    assert sheet.headers["unit"] == "单位"


def test_english_headers_with_odd_spacing_and_case(tmp_path):
    headers = [" Scheme", "MONTH\u3000", "unit", "Item", "count ", "City_Adopted",
               "province_adopted"]
    row = ["jintan-2013", "2013-01", "儒林镇", 1, 2, 0, 0]
    path = write_xlsx(tmp_path / "en.xlsx", {"Sheet1": [headers, row]})
    [sheet] = read_file(path)
    assert sheet.kind == "content"
    assert sheet.frame.columns == CONTENT_EN
    assert sheet.headers["month"] == "MONTH"  # trimmed, as written otherwise


def test_leading_blank_rows_keep_excel_numbering(tmp_path):
    row = ["jintan-2013", "2013-01", "儒林镇", 1, 2, 0, 0]
    path = write_xlsx(tmp_path / "b.xlsx", {"s": [[None], [None], CONTENT_ZH, row]})
    [sheet] = read_file(path)
    assert sheet.header_row == 3
    assert sheet.rows == [4]


def test_skips_hidden_instruction_underscore_and_empty_sheets(tmp_path):
    path = write_xlsx(
        tmp_path / "c.xlsx",
        {
            "说明": [["anything", "at all"]],
            "填表说明": [["x"]],
            "_lists": [["x"]],
            "隐藏": [],  # hidden and empty; a hidden sheet with data is refused (tests/hostile)
            "Sheet2": [],
            "年终评分": [["方案", "年度", "单位", "指标", "扣分"],
                         ["yueyang-2017", 2017, "平江县", 1, 1]],
            "加减分": [["方案", "年度", "单位", "类别", "事由"],
                       ["yueyang-2017", 2017, "平江县", "加分", "x"]],
        },
        hidden=("隐藏",),
    )
    sheets = read_file(path)
    assert [(s.sheet, s.kind) for s in sheets] == [
        ("年终评分", "yearend"), ("加减分", "adjustments")
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding(tmp_path, encoding):
    rows = [CONTENT_ZH, ["jintan-2013", "2013年1月", "金坛市档案局", "1", "1,200", "", ""], [],
            ["jintan-2013", "2013-02", "儒林镇", "2", "3", "1", "0"]]
    path = write_csv(tmp_path / f"{encoding}.csv", rows, encoding)
    [sheet] = read_file(path)
    assert sheet.sheet is None
    assert sheet.kind == "content"
    assert sheet.rows == [2, 4]
    assert sheet.frame.columns == CONTENT_EN
    assert sheet.frame["unit"].to_list() == ["金坛市档案局", "儒林镇"]
    assert sheet.frame["count"].to_list() == ["1,200", "3"]
    assert sheet.frame["city_adopted"].to_list() == [None, "1"]


def test_csv_in_another_encoding_is_a_problem(tmp_path):
    path = write_csv(tmp_path / "u16.csv", [CONTENT_ZH], "utf-16")
    sheets, problems = read_file_checked(path)
    assert sheets == []
    [p] = problems
    assert p.file == str(path)
    assert "encoding" in p.problem_en and "编码" in p.problem_zh
    with pytest.raises(InputRejected):
        read_file(path)


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (["方案", "单位", "单位类型"], "units"),
        (["scheme", "unit", "unit_type", "aliases"], "units"),
        (CONTENT_ZH, "content"),
        (["方案", "年度", "单位", "指标", "得分"], "yearend"),
        (["方案", "年度", "单位", "指标"], "yearend"),
        (["方案", "年度", "单位", "类别", "项目", "级别", "事由", "分值"], "adjustments"),
        (["方案", "月份", "指标", "数值"], "metrics"),
        (["scheme", "month", "metric", "value"], "metrics"),
        ([" 方案\u3000", "月份", "指标 ", "数值"], "metrics"),
    ],
)
def test_detect_kind(headers, kind):
    assert detect_kind(headers) == kind


def test_headers_matching_no_template(tmp_path):
    rows = [["方案", "年度", "指标", "得分"], ["x", 1, 2, 3]]
    path = write_xlsx(tmp_path / "d.xlsx", {"数据": rows})
    sheets, problems = read_file_checked(path)
    assert sheets == []
    [p] = problems
    assert (p.file, p.sheet, p.row) == (str(path), "数据", 1)
    # The headers found, the templates expected, and what the closest one misses.
    assert "方案、年度、指标、得分" in p.problem_zh
    assert "单位名录" in p.problem_zh and "年终评分" in p.problem_zh
    assert "缺少:单位" in p.problem_zh
    assert "units: scheme, unit, unit_type" in p.problem_en
    with pytest.raises(InputRejected) as err:
        detect_kind(["a", "b"], file="f.xlsx", sheet="s")
    assert err.value.problems[0].sheet == "s"


def test_misspelt_extra_header_is_a_problem(tmp_path):
    path = write_xlsx(tmp_path / "e.xlsx", {"年终评分": [
        ["方案", "年度", "单位", "指标", "扣分", "得份"],
        ["yueyang-2017", 2017, "平江县", 1, 1, 2],
    ]})
    sheets, problems = read_file_checked(path)
    [p] = problems
    assert (p.sheet, p.row, p.column, p.value) == ("年终评分", 1, "得份", "得份")
    assert "misspelt" in p.problem_en and "得分" in p.problem_zh
    assert [s.kind for s in sheets] == ["yearend"]


def test_repeated_header_and_data_without_header_are_problems(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", {"s": [
        ["方案", "月份", "指标", "数值", "value", None],
        ["jintan-2013", "2013-01", "power_cases", 1, 2, "stray"],
    ]})
    _, problems = read_file_checked(path)
    by_column = {p.column: p for p in problems}
    assert "the same column twice" in by_column["value"].problem_en
    assert by_column["F"].row == 2 and by_column["F"].value == "stray"


def test_unsupported_and_missing_files(tmp_path):
    other = tmp_path / "x.txt"
    other.write_text("hello")
    _, problems = read_file_checked(other)
    assert "unsupported" in problems[0].problem_en
    _, problems = read_file_checked(tmp_path / "none.xlsx")
    assert problems[0].problem_en == "file not found"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    _, problems = read_file_checked(broken)
    assert "workbook" in problems[0].problem_en


def test_csv_row_longer_than_the_header_is_a_problem(tmp_path):
    path = write_csv(tmp_path / "long.csv", [["方案", "月份", "指标", "数值"],
                                             ["jintan-2013", "2013-01", "power_cases", "1", "9"]],
                     "utf-8")
    _, problems = read_file_checked(path)
    [p] = problems
    assert (p.row, p.column, p.value) == (2, "E", "9")
    assert "no header" in p.problem_en
