"""Validation of import sheets: typed canonical frames, and every problem with row, column, value.

Each check of the brief has a bad file here whose problem list must hold that problem at the right
Excel row and column with the value as typed. Units known beforehand come from `input_ctx`
(tests/conftest.py). It stays one file past 600 lines: it is the list of the brief's bad-file
checks, one short test each, read as one list.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

from pipelines.inputs.context import LoadContext
from pipelines.inputs.kinds import KINDS
from pipelines.inputs.load import read_inputs
from pipelines.inputs.problems import InputRejected, Problem
from pipelines.inputs.readers import RawSheet, read_file
from pipelines.inputs.validation import validate_sheet, validate_units

CONTENT = ["方案", "月份", "单位", "项目", "条数", "市级录用", "省级录用"]
YEAREND_YY = ["方案", "年度", "单位", "指标", "扣分", "豁免"]
ADJUST = ["方案", "年度", "单位", "类别", "项目", "级别", "事由", "分值"]
METRICS = ["方案", "月份", "指标", "数值"]
UNITS = ["方案", "单位", "单位类型", "别名"]


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value, wb.add_format({"num_format": "yyyy-mm"}))
                elif value is not None:
                    ws.write(r, c, value)
    wb.close()
    return path


def one_sheet(tmp_path: Path, rows: list[list[object]], name: str = "数据") -> RawSheet:
    [sheet] = read_file(write_xlsx(tmp_path / f"{name}.xlsx", {name: rows}))
    return sheet


def validate(tmp_path: Path, ctx: LoadContext, rows: list[list[object]]
             ) -> tuple[pl.DataFrame, list[Problem]]:
    return validate_sheet(one_sheet(tmp_path, rows), ctx)


def at(problems: list[Problem], row: int | None, column: str | None) -> Problem:
    """The one problem at this row and column."""
    found = [p for p in problems if p.row == row and p.column == column]
    assert len(found) == 1, f"expected one problem at row {row} column {column}: {problems}"
    return found[0]


def frame(kind: str, rows: list[dict]) -> pl.DataFrame:
    schema = KINDS[kind].facts
    # A year-end row names no part (分项) unless its indicator is a composite: "".
    default = {"part": ""} if kind == "yearend" else {}
    return pl.DataFrame([{k: r.get(k, default.get(k)) for k in schema} for r in rows],
                        schema=schema)


# ---------------------------------------------------------------------------------------------
# content 内容保障月报
# ---------------------------------------------------------------------------------------------


def test_content_canonical_frame(tmp_path, input_ctx):
    out, problems = validate(tmp_path, input_ctx, [
        CONTENT,
        ["JINTAN-2013", "2013年1月", "\u3000档案局\u3000", "１", "1,200", 2, 1],
        ["jintan-2013", dt.datetime(2013, 2, 1), "儒林镇", 45, 3, None, None],
    ])
    assert problems == []
    expected = frame("content", [
        {"scheme": "jintan-2013", "month": "2013-01", "year": 2013, "unit": "金坛市档案局",
         "item": 1, "count": 1200, "city_adopted": 2, "province_adopted": 1},
        {"scheme": "jintan-2013", "month": "2013-02", "year": 2013, "unit": "儒林镇",
         "item": 45, "count": 3, "city_adopted": 0, "province_adopted": 0},
    ])
    assert_frame_equal(out, expected)


def test_unknown_scheme(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        CONTENT, ["jintan-2014", "2013-01", "儒林镇", 1, 1, 0, 0]])
    p = at(problems, 2, "方案")
    assert p.value == "jintan-2014"
    assert "unknown scheme" in p.problem_en and "jintan-2013" in p.problem_en
    assert p.file.endswith("数据.xlsx") and p.sheet == "数据"


def test_unknown_unit(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        CONTENT,
        ["jintan-2013", "2013-01", "朱林镇", 1, 1, 0, 0],
        ["jintan-2013", "2013-01", "平江", 1, 1, 0, 0],  # an alias of another scheme's unit
    ])
    assert "unknown unit" in at(problems, 2, "单位").problem_en
    assert at(problems, 2, "单位").value == "朱林镇"
    assert at(problems, 3, "单位").value == "平江"


def test_unknown_month(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        CONTENT,
        ["jintan-2013", "2013-13", "儒林镇", 1, 1, 0, 0],
        ["jintan-2013", "一月", "儒林镇", 2, 1, 0, 0],
        ["jintan-2013", "2014-01", "儒林镇", 3, 1, 0, 0],
        ["jintan-2013", None, "儒林镇", 4, 1, 0, 0],
    ])
    assert "YYYY-MM" in at(problems, 2, "月份").problem_en
    assert at(problems, 3, "月份").value == "一月"
    p = at(problems, 4, "月份")
    assert p.value == "2014-01" and "scheme's year, 2013" in p.problem_en
    assert at(problems, 5, "月份").problem_en.startswith("required")


def test_unknown_content_item(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        CONTENT,
        ["jintan-2013", "2013-01", "儒林镇", 46, 1, 0, 0],
        ["jintan-2013", "2013-01", "儒林镇", 1.5, 1, 0, 0],
        ["yueyang-2017", "2017-01", "平江县", 1, 1, 0, 0],  # a scheme without content items
    ])
    p = at(problems, 2, "项目")
    assert p.value == "46" and "1-45" in p.problem_en
    assert at(problems, 3, "项目").value == "1.5"
    assert "no monthly content section" in at(problems, 4, "项目").problem_en


def test_counts_not_negative_and_whole(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        CONTENT,
        ["jintan-2013", "2013-01", "儒林镇", 1, -1, 0, 0],
        ["jintan-2013", "2013-01", "儒林镇", 2, 2.5, 0, 0],
        ["jintan-2013", "2013-01", "儒林镇", 3, 5, -2, 0.5],
        ["jintan-2013", "2013-01", "儒林镇", 4, "三", 0, 0],
        ["jintan-2013", "2013-01", "儒林镇", 5, None, 0, 0],
    ])
    assert at(problems, 2, "条数").problem_en == "must not be below 0"
    assert at(problems, 2, "条数").value == "-1"
    assert at(problems, 3, "条数").problem_en == "a whole number is expected"
    assert at(problems, 3, "条数").value == "2.5"
    assert at(problems, 4, "市级录用").problem_en == "must not be below 0"
    assert at(problems, 4, "省级录用").problem_en == "a whole number is expected"
    assert at(problems, 5, "条数").problem_en == "a number is expected"
    assert at(problems, 6, "条数").problem_en.startswith("required")


def test_adopted_above_count(tmp_path, input_ctx):
    out, problems = validate(tmp_path, input_ctx, [
        CONTENT,
        ["jintan-2013", "2013-01", "儒林镇", 1, 3, 2, 2],
        ["jintan-2013", "2013-01", "儒林镇", 2, 4, 2, 2],  # exactly the count: fine
    ])
    [p] = problems
    assert (p.row, p.column, p.value) == (2, "条数", "3")
    assert "exceed count" in p.problem_en
    assert "市级录用(2) + 省级录用(2) 超过 条数(3)" in p.problem_zh
    assert out["item"].to_list() == [2]  # rows with problems are left out


def test_duplicate_keys_in_one_sheet_name_every_row(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        CONTENT,
        ["jintan-2013", "2013-01", "儒林镇", 1, 3, 0, 0],
        ["jintan-2013", "2013-02", "儒林镇", 1, 3, 0, 0],
        ["jintan-2013", "2013年1月", "儒林镇 ", "1", 4, 0, 0],
    ])
    assert len(problems) == 2
    assert "duplicate" in at(problems, 2, "项目").problem_en
    assert "row 4" in at(problems, 2, "项目").problem_en
    assert "row 2" in at(problems, 4, "项目").problem_en


# ---------------------------------------------------------------------------------------------
# yearend 年终评分
# ---------------------------------------------------------------------------------------------


def test_yearend_canonical_frame(tmp_path, input_ctx):
    out, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "得分", "实际值", "分子", "分母", "选项", "说明"],
        ["shengzhou-2020", "2020年", "甘霖镇", "9", None, "92%", None, None, None, "ok"],
        ["shengzhou-2020", 2020, "嵊州市档案局", "40.1", 0.5, None, None, None, None, None],
        ["shengzhou-2020", 2020, "嵊州市档案局", "11", None, None, "３", "4", None, None],
        ["shengzhou-2020", 2020, "嵊州市档案局", 48, None, None, None, None,
         " 无重大网络安全事件发生", None],
    ])
    assert problems == []
    expected = frame("yearend", [
        {"scheme": "shengzhou-2020", "year": 2020, "unit": "甘霖镇", "indicator": "9",
         "actual": 0.92, "exempt": False, "note": "ok"},
        {"scheme": "shengzhou-2020", "year": 2020, "unit": "嵊州市档案局", "indicator": "40.1",
         "score": 0.5, "exempt": False},
        {"scheme": "shengzhou-2020", "year": 2020, "unit": "嵊州市档案局", "indicator": "11",
         "numerator": 3.0, "denominator": 4.0, "exempt": False},
        {"scheme": "shengzhou-2020", "year": 2020, "unit": "嵊州市档案局", "indicator": "48",
         "choice": "无重大网络安全事件发生", "exempt": False},
    ])
    assert_frame_equal(out, expected)


def test_year_other_than_the_schemes(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        YEAREND_YY, ["yueyang-2017", 2018, "平江县", 1, 1, None],
        ["yueyang-2017", "17", "平江县", 2, 1, None]])
    p = at(problems, 2, "年度")
    assert p.value == "2018" and "the scheme's year, 2017" in p.problem_en
    assert "four digits" in at(problems, 3, "年度").problem_en


def test_unknown_indicator_for_the_units_rubric(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        YEAREND_YY,
        ["yueyang-2017", 2017, "平江县", 39, 1, None],  # county rubric: 1-39
        ["yueyang-2017", 2017, "岳阳市政务服务中心", 39, 1, None],  # municipal rubric: 1-32
        ["yueyang-2017", 2017, "平江县", "1a", 1, None],
    ])
    assert len(problems) == 2
    p = at(problems, 3, "指标")
    assert p.value == "39" and "municipal" in p.problem_en and "1 ... 32" in p.problem_en
    assert at(problems, 4, "指标").value == "1a"


def test_unit_alias_and_full_width_match_give_the_canonical_unit(tmp_path, input_ctx):
    out, problems = validate(tmp_path, input_ctx, [
        YEAREND_YY,
        ["yueyang-2017", 2017, "平江", "１", 1, "否"],
        ["yueyang-2017", 2017, "\u3000平江县\xa0", 2, 0, None],
    ])
    assert problems == []
    assert out["unit"].to_list() == ["平江县", "平江县"]
    assert out["indicator"].to_list() == ["1", "2"]


def test_score_above_max_or_below_zero(tmp_path, input_ctx):
    # jintan-2013 indicator 1 has max 0.5, indicator 40 max 1.5.
    _, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "得分"],
        ["jintan-2013", 2013, "档案局", 1, 0.6],
        ["jintan-2013", 2013, "档案局", 40, -0.5],
        ["jintan-2013", 2013, "档案局", 2, "满分"],
        ["jintan-2013", 2013, "档案局", 3, 0.5],
    ])
    p = at(problems, 2, "得分")
    assert p.value == "0.6" and "above the indicator's max points, 0.5" in p.problem_en
    assert at(problems, 3, "得分").problem_en == "must not be below 0"
    assert at(problems, 4, "得分").problem_en == "a number is expected"
    assert len(problems) == 3


def test_deduction_below_zero(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        YEAREND_YY, ["yueyang-2017", 2017, "平江县", 1, -1, None],
        ["yueyang-2017", 2017, "平江县", 2, 99, None]])  # 扣完为止: more than the max is fine
    [p] = problems
    assert (p.row, p.column, p.value, p.problem_en) == (2, "扣分", "-1", "must not be below 0")


def test_rule_column_missing_from_the_sheet_is_one_header_problem(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "得分"],
        ["yueyang-2017", 2017, "平江县", 1, 1],
        ["yueyang-2017", 2017, "平江县", 2, 1],
        ["yueyang-2017", 2017, "平江县", 3, 1],
    ])
    [p] = problems
    assert (p.row, p.column, p.value) == (1, "扣分", None)
    assert "these indicators need it: 1, 2, 3" in p.problem_en
    assert "缺少「扣分」列" in p.problem_zh


def test_rule_column_empty_in_a_row_that_is_not_exempt(tmp_path, input_ctx):
    out, problems = validate(tmp_path, input_ctx, [
        YEAREND_YY,
        ["yueyang-2017", 2017, "平江县", 1, None, None],
        ["yueyang-2017", 2017, "平江县", 2, None, "是"],  # exempt: nothing to fill
        ["yueyang-2017", 2017, "平江县", 3, None, "maybe"],
    ])
    p = at(problems, 2, "扣分")
    assert p.value is None and "needs a value in 'deduction'" in p.problem_en
    assert at(problems, 4, "豁免").value == "maybe"
    assert len(problems) == 3  # row 4 is also not exempt, so 扣分 is needed there too
    assert out.select("indicator", "exempt").rows() == [("2", True)]


def test_exempt_where_the_rubric_allows_none(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "得分", "豁免"],
        ["jintan-2013", 2013, "档案局", 1, None, "是"],
    ])
    [p] = problems
    assert (p.row, p.column, p.value) == (2, "豁免", "是")
    assert "allows no exemption" in p.problem_en


def test_ratio_with_zero_denominator_or_numerator_above(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "分子", "分母"],
        ["shengzhou-2020", 2020, "嵊州市档案局", 11, 0, 0],
        ["shengzhou-2020", 2020, "嵊州市档案局", 26, 5, 4],
        ["shengzhou-2020", 2020, "嵊州市档案局", 28, 4, 4],
        ["shengzhou-2020", 2020, "嵊州市档案局", 44, None, 4],
    ])
    p = at(problems, 2, "分母")
    assert p.value == "0" and "denominator is 0" in p.problem_en
    p = at(problems, 3, "分子")
    assert p.value == "5" and "a ratio above 1 is refused" in p.problem_en
    assert "needs a value in 'numerator'" in at(problems, 5, "分子").problem_en
    assert len(problems) == 3


def _first_indicator(ctx: LoadContext, scheme: str, rule_kind: str) -> dict:
    rows = ctx.dims["indicators"].filter(
        (pl.col("scheme") == scheme) & (pl.col("rule_kind") == rule_kind)
    )
    if rows.height == 0:
        pytest.skip(f"{scheme} has no {rule_kind} indicator")
    return rows.row(0, named=True)


def test_rank_place_outside_one_to_peers(tmp_path, input_ctx):
    if "huaibei-2019" not in input_ctx.schemes:
        pytest.skip("huaibei-2019 not present")
    ind = _first_indicator(input_ctx, "huaibei-2019", "rank_tiers")
    import json

    peers = json.loads(ind["rule_params"])["peers"]
    code = ind["code"]
    _, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "名次"],
        ["huaibei-2019", 2019, "淮北市数据资源局", code, peers + 1],
        ["huaibei-2019", 2019, "淮北市数据资源局", code, 0],
        ["huaibei-2019", 2019, "淮北市数据资源局", code, 2.5],
    ])
    p = at(problems, 2, "名次")
    assert p.value == str(peers + 1) and f"between 1 and {peers}" in p.problem_en
    assert at(problems, 3, "名次").problem_en == "must not be below 1"
    assert at(problems, 4, "名次").problem_en == "a whole number is expected"
    assert len(problems) == 3  # the duplicates are rows with problems, left out


def test_choice_not_among_the_options(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "选项"],
        ["shengzhou-2020", 2020, "嵊州市档案局", 48, "没有事件"],
    ])
    [p] = problems
    assert (p.row, p.column, p.value) == (2, "选项", "没有事件")
    assert "无重大网络安全事件发生、发生重大网络安全事件" in p.problem_zh
    assert "not one of the options" in p.problem_en


def test_rate_actual_accepts_percent(tmp_path, input_ctx):
    out, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "实际值"],
        ["shengzhou-2020", 2020, "甘霖镇", 15, "９２％"],
        ["shengzhou-2020", 2020, "甘霖镇", 14, 0.5],
        ["shengzhou-2020", 2020, "甘霖镇", 9, "-5%"],
    ])
    assert out["actual"].to_list() == [0.92, 0.5]
    assert at(problems, 4, "实际值").problem_en == "must not be below 0"


# ---------------------------------------------------------------------------------------------
# adjustments 加减分
# ---------------------------------------------------------------------------------------------


def test_adjustments_canonical_frame(tmp_path, input_ctx):
    out, problems = validate(tmp_path, input_ctx, [
        ADJUST,
        ["jintan-2013", 2013, "档案局", "加分", 2, "金坛市级", "获金坛市级荣誉", None],
        ["jintan-2013", 2013, "档案局", "加分", 1, None, "专项工作", None],
        ["jintan-2013", 2013, "档案局", "加分", "３", "省级", "省级示范", 0.5],
        ["yueyang-2017", 2017, "平江", "减分", None, "市级", "通报批评", None],
    ])
    assert problems == []
    expected = frame("adjustments", [
        {"scheme": "jintan-2013", "year": 2013, "unit": "金坛市档案局", "kind": "加分",
         "clause": 2, "level": "县级", "reason": "获金坛市级荣誉", "points": 0.5},
        {"scheme": "jintan-2013", "year": 2013, "unit": "金坛市档案局", "kind": "加分",
         "clause": 1, "level": None, "reason": "专项工作", "points": 1.0},
        {"scheme": "jintan-2013", "year": 2013, "unit": "金坛市档案局", "kind": "加分",
         "clause": 3, "level": "省级", "reason": "省级示范", "points": 0.5},
        {"scheme": "yueyang-2017", "year": 2017, "unit": "平江县", "kind": "减分",
         "clause": 1, "level": "市级", "reason": "通报批评", "points": 0.5},
    ])
    assert_frame_equal(out, expected)


def test_adjustment_kind_clause_and_level_problems(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        ADJUST,
        ["jintan-2013", 2013, "档案局", "奖励", 2, "省级", "a", None],
        ["jintan-2013", 2013, "档案局", "加分", 9, "省级", "b", None],
        ["jintan-2013", 2013, "档案局", "加分", None, "省级", "c", None],
        ["jintan-2013", 2013, "档案局", "加分", 2, None, "d", None],
        ["jintan-2013", 2013, "档案局", "加分", 2, "乡级", "e", None],
        ["yueyang-2017", 2017, "平江县", "加分", None, "国家级", "f", None],
        ["jintan-2013", 2013, "档案局", "减分", None, None, "g", None],
        ["jintan-2013", 2012, "档案局", "加分", 1, None, None, None],
    ])
    assert "加分 (bonus) or 减分" in at(problems, 2, "类别").problem_en
    p = at(problems, 3, "项目")
    assert p.value == "9" and "1、2、3、4" in p.problem_en
    assert "several 加分 clauses" in at(problems, 4, "项目").problem_en
    assert "a level is needed" in at(problems, 5, "级别").problem_en
    p = at(problems, 6, "级别")
    assert p.value == "乡级" and "县级(金坛市级)" in p.problem_zh
    p = at(problems, 7, "级别")  # yueyang's clause has 省级 and 市级 only
    assert p.value == "国家级" and "省级、市级" in p.problem_en
    assert "no 减分 clause" in at(problems, 8, "类别").problem_en
    assert at(problems, 9, "年度").value == "2012"
    assert at(problems, 9, "事由").problem_en.startswith("required")


def test_adjustment_points_above_the_clause_or_not_positive(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        ADJUST,
        ["jintan-2013", 2013, "档案局", "加分", 2, "国家级", "a", 4],
        ["jintan-2013", 2013, "档案局", "加分", 2, "国家级", "b", 0],
        ["jintan-2013", 2013, "档案局", "加分", 2, "国家级", "c", -1],
        ["jintan-2013", 2013, "档案局", "加分", 2, "国家级", "d", 3],
    ])
    p = at(problems, 2, "分值")
    assert p.value == "4" and "clause's value for this level, 3" in p.problem_en
    assert at(problems, 3, "分值").problem_en == "must be above 0"
    assert at(problems, 4, "分值").problem_en == "must be above 0"
    assert len(problems) == 3


# ---------------------------------------------------------------------------------------------
# metrics 目标数据
# ---------------------------------------------------------------------------------------------


def test_metrics_codes_names_and_percent(tmp_path, input_ctx):
    out, problems = validate(tmp_path, input_ctx, [
        METRICS,
        ["jintan-2013", "2013-01", "hotline_connect_rate", "92%"],
        ["jintan-2013", "2013-02", "12345接通率", 0.95],
        ["jintan-2013", "2013-01", "open_documents", "1,234"],
        ["jintan-2013", "2013-02", "open_documents", "95%"],
        ["jintan-2013", "2013-03", "no_such_metric", 1],
        ["jintan-2013", "2013-03", "power_cases", "很多"],
        ["jintan-2013", "2013-04", "power_cases", None],
    ])
    assert_frame_equal(out, frame("metrics", [
        {"scheme": "jintan-2013", "month": "2013-01", "year": 2013,
         "metric": "hotline_connect_rate", "value": 0.92},
        {"scheme": "jintan-2013", "month": "2013-02", "year": 2013,
         "metric": "hotline_connect_rate", "value": 0.95},
        {"scheme": "jintan-2013", "month": "2013-01", "year": 2013,
         "metric": "open_documents", "value": 1234.0},
    ]))
    assert "percentage is not accepted" in at(problems, 5, "数值").problem_en
    p = at(problems, 6, "指标")
    assert p.value == "no_such_metric" and "unknown metric" in p.problem_en
    assert at(problems, 7, "数值").problem_en == "a number is expected"
    assert at(problems, 8, "数值").problem_en.startswith("required")
    assert len(problems) == 4


def test_metrics_duplicate_code_and_name(tmp_path, input_ctx):
    _, problems = validate(tmp_path, input_ctx, [
        METRICS,
        ["jintan-2013", "2013-01", "hotline_connect_rate", "92%"],
        ["jintan-2013", "2013-01", "12345接通率", "93%"],
    ])
    assert {(p.row, p.column) for p in problems} == {(2, "指标"), (3, "指标")}


# ---------------------------------------------------------------------------------------------
# units 单位名录
# ---------------------------------------------------------------------------------------------


def test_units_and_aliases_frames(tmp_path, input_ctx):
    sheet = one_sheet(tmp_path, [
        UNITS,
        ["shengzhou-2020", "\u3000三界镇\u3000", "乡镇（街道）", "三界、三界镇政府，sj;SJ2；三界"],
        ["jintan-2013", "金坛市档案局", "政府部门", "档案局"],  # redefining a known unit is fine
        ["jintan-2013", "薛埠镇", "区镇", None],
    ])
    units, aliases, problems = validate_units(sheet, input_ctx)
    assert problems == []
    assert_frame_equal(units, frame("units", [
        {"scheme": "shengzhou-2020", "unit": "三界镇", "unit_type": "乡镇(街道)",
         "is_sample": False},
        {"scheme": "jintan-2013", "unit": "金坛市档案局", "unit_type": "政府部门",
         "is_sample": False},
        {"scheme": "jintan-2013", "unit": "薛埠镇", "unit_type": "区镇", "is_sample": False},
    ]))
    assert aliases.rows() == [
        ("shengzhou-2020", "三界", "三界镇"),
        ("shengzhou-2020", "三界镇政府", "三界镇"),
        ("shengzhou-2020", "sj", "三界镇"),
        ("shengzhou-2020", "SJ2", "三界镇"),
        ("jintan-2013", "档案局", "金坛市档案局"),
    ]


def test_unit_type_not_in_the_scheme(tmp_path, input_ctx):
    sheet = one_sheet(tmp_path, [UNITS, ["jintan-2013", "薛埠镇", "乡镇", None]])
    _, _, problems = validate_units(sheet, input_ctx)
    [p] = problems
    assert (p.row, p.column, p.value) == (2, "单位类型", "乡镇")
    assert "区镇、政府部门、垂直管理单位、广播电视台" in p.problem_zh


def test_duplicate_unit_in_a_units_file(tmp_path, input_ctx):
    sheet = one_sheet(tmp_path, [
        UNITS,
        ["shengzhou-2020", "乡镇（街道）办", "乡镇(街道)", None],
        ["shengzhou-2020", "乡镇(街道)办", "乡镇(街道)", None],
        ["jintan-2013", "乡镇(街道)办", "区镇", None],  # another scheme: fine
    ])
    _, _, problems = validate_units(sheet, input_ctx)
    assert {(p.row, p.column) for p in problems} == {(2, "单位"), (3, "单位")}
    assert all("duplicate" in p.problem_en for p in problems)


def test_alias_naming_another_unit_or_used_twice(tmp_path, input_ctx):
    sheet = one_sheet(tmp_path, [
        UNITS,
        ["jintan-2013", "薛埠镇", "区镇", "儒林镇"],  # names a known unit
        ["jintan-2013", "朱林镇", "区镇", "新镇、指前镇"],
        ["jintan-2013", "指前镇", "区镇", "新镇"],  # 新镇 twice; 指前镇 (row 3) names this unit
        ["jintan-2013", "直溪镇", "区镇", "档案局"],  # already 金坛市档案局's alias
    ])
    _, aliases, problems = validate_units(sheet, input_ctx)
    p = at(problems, 2, "别名")
    assert p.value == "儒林镇" and "names another unit, '儒林镇'" in p.problem_en
    twice = [p for p in problems if "used twice" in p.problem_en]
    assert {(p.row, p.value) for p in twice} == {(3, "新镇"), (4, "新镇")}
    named = [p for p in problems if p.row == 3 and "names another unit" in p.problem_en]
    assert named[0].value == "指前镇"
    p = at(problems, 5, "别名")
    assert p.value == "档案局" and "already an alias of '金坛市档案局'" in p.problem_en


# ---------------------------------------------------------------------------------------------
# read_inputs: a load of several files
# ---------------------------------------------------------------------------------------------


def test_read_inputs_units_first_then_facts(tmp_path, input_ctx):
    facts = write_xlsx(tmp_path / "facts.xlsx", {
        "内容保障月报": [CONTENT, ["jintan-2013", "2013-01", "薛埠", 1, 2, 0, 0]],
        "加减分": [ADJUST, ["jintan-2013", 2013, "薛埠镇", "加分", 1, None, "专项", None]],
    })
    units = write_xlsx(tmp_path / "units.xlsx", {"单位名录": [
        UNITS, ["jintan-2013", "薛埠镇", "区镇", "薛埠"]]})
    loaded = read_inputs([facts, units], input_ctx)  # order of paths does not matter
    assert loaded.frames["content"]["unit"].to_list() == ["薛埠镇"]
    assert loaded.frames["adjustments"]["points"].to_list() == [1.0]
    assert loaded.frames["units"].select("unit", "aliases").rows() == [("薛埠镇", ["薛埠"])]
    assert loaded.frames["yearend"].height == 0
    assert loaded.frames["yearend"].schema == pl.Schema(KINDS["yearend"].facts)
    assert [(f.path, f.kind, f.rows) for f in loaded.files] == [
        (facts, "content", 1), (facts, "adjustments", 1), (units, "units", 1)]
    assert all(len(f.sha256) == 64 for f in loaded.files)
    assert loaded.rows_of(facts, "content").height == 1
    assert "薛埠镇" in loaded.ctx.units["unit"].to_list()


def test_read_inputs_rejects_with_every_problem_of_every_file(tmp_path, input_ctx):
    a = write_xlsx(tmp_path / "a.xlsx", {"s": [CONTENT, ["jintan-2013", "2013-01", "儒林镇", 1, 2,
                                                         0, 0]]})
    b = tmp_path / "b.csv"
    b.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                 "jintan-2013,2013-01,儒林镇,1,5,0,0\n"
                 "jintan-2013,2013-01,儒林镇,2,-5,0,0\n", encoding="gb18030")
    c = write_xlsx(tmp_path / "c.xlsx", {"s": [["方案", "单位", "类型"], ["x", "y", "z"]]})
    with pytest.raises(InputRejected) as err:
        read_inputs([a, b, c], input_ctx)
    problems = err.value.problems
    where = {(Path(p.file).name, p.row, p.column) for p in problems}
    # The same key in two files: both rows named.
    assert ("a.xlsx", 2, "项目") in where and ("b.csv", 2, "项目") in where
    assert ("b.csv", 3, "条数") in where
    assert any(Path(p.file).name == "c.xlsx" and "cannot tell the template" in p.problem_en
               for p in problems)
    assert "b.csv 第2行" in at([p for p in problems if p.file == str(a)], 2, "项目").problem_zh


def test_read_inputs_file_without_data_sheet(tmp_path, input_ctx):
    empty = write_xlsx(tmp_path / "empty.xlsx", {"Sheet1": [], "说明": [["只有说明"]]})
    with pytest.raises(InputRejected) as err:
        read_inputs([empty], input_ctx)
    [p] = err.value.problems
    assert p.file == str(empty) and "no data sheet" in p.problem_en
