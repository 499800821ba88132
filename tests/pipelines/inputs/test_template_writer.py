"""Empty import workbooks: what they hold, and that they read back as zero rows and no problems."""

from __future__ import annotations

import openpyxl
import polars as pl
import pytest

from pipelines.inputs.kinds import KINDS
from pipelines.inputs.readers import read_file_checked
from pipelines.inputs.template_writer import template_columns, write_template
from pipelines.inputs.validation import validate_sheet
from pipelines.schemes.tables import iter_leaves

KIND_NAMES = list(KINDS)


def known_units(ctx, scheme_id: str) -> pl.DataFrame:
    return ctx.units.filter(pl.col("scheme") == scheme_id)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_template_reads_back_empty_for_every_scheme(tmp_path, input_ctx, kind):
    for scheme in input_ctx.schemes.values():
        path = write_template(kind, scheme, known_units(input_ctx, scheme.id),
                              tmp_path / f"{scheme.id}-{kind}.xlsx")
        sheets, problems = read_file_checked(path)
        assert problems == []
        [sheet] = sheets
        assert (sheet.kind, sheet.sheet, sheet.frame.height) == (kind, KINDS[kind].zh, 0)
        frame, problems = validate_sheet(sheet, input_ctx)
        assert problems == [] and frame.height == 0


def test_workbook_layout(tmp_path, input_ctx):
    scheme = input_ctx.schemes["jintan-2013"]
    path = write_template("content", scheme, known_units(input_ctx, scheme.id),
                          tmp_path / "content.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["内容保障月报", "_lists", "说明"]
    assert wb["_lists"].sheet_state == "hidden"
    data = wb["内容保障月报"]
    assert [c.value for c in data[1]] == [c.zh for c in KINDS["content"].columns]
    assert data.freeze_panes == "A2"
    assert data.column_dimensions["A"].width > 8
    # Drop-down lists: 方案 (A), 单位 (C), 项目 (D), each pointing into _lists.
    by_range = {str(dv.sqref): dv for dv in data.data_validations.dataValidation}
    assert set(by_range) == {"A2:A5001", "C2:C5001", "D2:D5001"}
    assert all(dv.type == "list" and "_lists" in dv.formula1 for dv in by_range.values())
    lists = wb["_lists"]
    columns = {col[0].value: [c.value for c in col[1:] if c.value is not None]
               for col in lists.iter_cols()}
    assert columns["scheme"] == ["jintan-2013"]
    assert columns["unit"] == ["金坛市档案局", "儒林镇", "金坛市广播电视台"]
    assert columns["item"] == [str(n) for n in range(1, 46)]
    assert columns["exempt"] == ["是", "否"]
    assert columns["level"] == ["国家级", "省级", "市级", "县级", "金坛市级"]


def test_help_sheet_lists_every_column_and_for_yearend_every_indicator(tmp_path, input_ctx):
    scheme = input_ctx.schemes["yueyang-2017"]
    path = write_template("yearend", scheme, known_units(input_ctx, scheme.id),
                          tmp_path / "yearend.xlsx")
    wb = openpyxl.load_workbook(path)
    data = wb["年终评分"]
    headers = [c.value for c in data[1]]
    # yueyang's rules read 扣分 only; its rubrics allow exemption.
    assert headers == ["方案", "年度", "单位", "指标", "扣分", "豁免", "说明"]
    help_rows = [[c.value for c in row] for row in wb["说明"].iter_rows()]
    described = {r[0]: r for r in help_rows if r and r[0] in headers}
    assert set(described) == set(headers)
    assert described["扣分"][1] == "deduction" and described["扣分"][3] and described["扣分"][4]
    codes = [(r[0], r[2], r[4], r[6]) for r in help_rows if r and r[2] and r[0] and
             r[0].startswith("2017年")]
    expected = [(rub.name, leaf.indicator.code, leaf.indicator.max_points, "扣分 [deduction]")
                for rub in scheme.rubrics for leaf in iter_leaves(rub)]
    assert codes == expected
    indicator_list = [c.value for c in next(
        col for col in wb["_lists"].iter_cols() if col[0].value == "indicator")[1:] if c.value]
    assert indicator_list == [str(n) for n in range(1, 40)]


def test_yearend_columns_follow_the_schemes_rules(input_ctx):
    shengzhou = [c.name for c in template_columns("yearend", input_ctx.schemes["shengzhou-2020"])]
    assert shengzhou == ["scheme", "year", "unit", "indicator", "score", "actual", "numerator",
                         "denominator", "choice", "note"]
    jintan = [c.name for c in template_columns("yearend", input_ctx.schemes["jintan-2013"])]
    assert jintan == ["scheme", "year", "unit", "indicator", "score", "note"]


def test_a_filled_template_validates(tmp_path, input_ctx):
    scheme = input_ctx.schemes["jintan-2013"]
    path = write_template("adjustments", scheme, known_units(input_ctx, scheme.id),
                          tmp_path / "adj.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["加减分"].append(["jintan-2013", "2013", "儒林镇", "加分", "4", "金坛市级", "创新", None])
    wb.save(path)
    [sheet], problems = read_file_checked(path)
    assert problems == []
    frame, problems = validate_sheet(sheet, input_ctx)
    assert problems == []
    assert frame.select("unit", "clause", "level", "points").rows() == [("儒林镇", 4, "县级", 1.0)]


def test_units_template_without_known_units(tmp_path, input_ctx):
    scheme = input_ctx.schemes["shengzhou-2020"]
    empty = pl.DataFrame(schema={"unit": pl.String, "unit_type": pl.String})
    path = write_template("units", scheme, empty, tmp_path / "units.xlsx")
    wb = openpyxl.load_workbook(path)
    data = wb["单位名录"]
    ranges = {str(dv.sqref) for dv in data.data_validations.dataValidation}
    assert ranges == {"A2:A5001", "C2:C5001"}  # 方案 and 单位类型; 单位 is free text here
    [sheet], problems = read_file_checked(path)
    assert problems == [] and sheet.frame.height == 0
