"""indicator_lines (pipelines/years/indicators.py): a scheme's indicators followed back year by
year through its series, on three small schemes whose lines are read off their indicator lists,
and on the sample's two Jintan years (pipelines/years/sample.py states what changed)."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.schemes.checks import load_scheme_text
from pipelines.schemes.model import Scheme
from pipelines.years.indicators import LINE_SCHEMA, indicator_lines
from pipelines.years.sample import sample_next_scheme

# year: [(code, name, points, previous_code)]. From 2024 to 2025: A2 renumbered B2, A4 dropped,
# A3 added, A5 renamed (安全管理 → 安全保障: same code, another name, so not matched). From
# 2025 to 2026: B2 renumbered C2 and renamed 政务公开 (previous_code matches whatever the name),
# the rest kept.
INDICATORS = {
    2024: [("A1", "工作机制", 40, None), ("A2", "信息公开", 30, None),
           ("A4", "宣传报道", 20, None), ("A5", "安全管理", 10, None)],
    2025: [("A1", "工作机制", 40, None), ("B2", "信息公开", 30, "A2"),
           ("A3", "数据共享", 20, None), ("A5", "安全保障", 10, None)],
    2026: [("A1", "工作机制", 40, None), ("C2", "政务公开", 30, "B2"),
           ("A3", "数据共享", 20, None), ("A5", "安全保障", 10, None)],
}


def scheme_text(scheme_id: str, year: int, series: str | None,
                indicators: list[tuple[str, str, int, str | None]]) -> str:
    """A one-rubric scheme file with these indicators (deduction, missing input = full)."""
    children = "\n".join(
        f"          - {{code: {code}, name: {name}, max_points: {points}"
        + (f", previous_code: {previous}" if previous else "") + "}"
        for code, name, points, previous in indicators)
    return f"""\
id: {scheme_id}
{f"series: {series}" if series else ""}
name: 湖滨区{year}年度电子政务考核办法
jurisdiction: 湖滨区
year: {year}
documents:
  - {{number: 湖政办〔{year}〕1号, title: 湖滨区{year}年度电子政务考核办法}}
unit_types:
  - {{name: 部门}}
stages:
  - {{id: yearend, name: 年终考评, basis: rubric, weight: 1}}
rubrics:
  - id: main
    name: 考核细则
    unit_types: [部门]
    max_points: 100
    default_rule: {{kind: deduction}}
    missing_input: full
    categories:
      - name: 基础工作
        children:
{children}
"""


@pytest.fixture(scope="module")
def hubin() -> list[Scheme]:
    """hubin-2024, -2025, -2026 (series hubin), listed out of year order, and alone-2025 (no
    series) with 2025's indicators."""
    made = [load_scheme_text(scheme_text(f"hubin-{y}", y, "hubin", INDICATORS[y]), f"{y}.yaml")
            for y in (2026, 2024, 2025)]
    alone = load_scheme_text(scheme_text("alone-2025", 2025, None, INDICATORS[2025]),
                             "alone.yaml")
    return [*made, alone]


def rows(frame: pl.DataFrame) -> set[tuple]:
    assert frame.schema == pl.Schema(LINE_SCHEMA)
    return set(frame.rows())


def test_three_years_in_a_chain(hubin):
    # (scheme, that year's code, unit type, line code = 2026's, name as 2026 has it, year),
    # read off INDICATORS: A1 in every year; C2 back through B2 to A2, named 政务公开 in every year;
    # A3 new in 2025; A5 renamed in 2025, so its line starts there.
    assert rows(indicator_lines(hubin, "hubin-2026")) == {
        ("hubin-2026", "A1", "部门", "A1", "工作机制", 2026),
        ("hubin-2025", "A1", "部门", "A1", "工作机制", 2025),
        ("hubin-2024", "A1", "部门", "A1", "工作机制", 2024),
        ("hubin-2026", "C2", "部门", "C2", "政务公开", 2026),
        ("hubin-2025", "B2", "部门", "C2", "政务公开", 2025),
        ("hubin-2024", "A2", "部门", "C2", "政务公开", 2024),
        ("hubin-2026", "A3", "部门", "A3", "数据共享", 2026),
        ("hubin-2025", "A3", "部门", "A3", "数据共享", 2025),
        ("hubin-2026", "A5", "部门", "A5", "安全保障", 2026),
        ("hubin-2025", "A5", "部门", "A5", "安全保障", 2025),
    }


def test_a_middle_year_reaches_back_not_forward(hubin):
    # 2025's lines: A1 and B2 (A2 in 2024); A3 is new and A5 renamed: no line; 2026 not read.
    assert rows(indicator_lines(hubin, "hubin-2025")) == {
        ("hubin-2025", "A1", "部门", "A1", "工作机制", 2025),
        ("hubin-2024", "A1", "部门", "A1", "工作机制", 2024),
        ("hubin-2025", "B2", "部门", "B2", "信息公开", 2025),
        ("hubin-2024", "A2", "部门", "B2", "信息公开", 2024),
    }


@pytest.mark.parametrize("scheme_id", ["hubin-2024", "alone-2025", "no-such-scheme"])
def test_a_first_year_a_scheme_of_no_series_and_an_unknown_scheme_have_no_lines(hubin,
                                                                                scheme_id):
    got = indicator_lines(hubin, scheme_id)
    assert got.is_empty() and got.schema == pl.Schema(LINE_SCHEMA)


def test_the_samples_two_jintan_years(schemes):
    """jintan-2014 (示例方案) against jintan-2013, as pipelines/years/sample.py states: 8 is
    renumbered 129, 6 names another indicator (not matched), every other indicator keeps its
    code and name (4 and 5 only change points: still matched); one rubric scores the four unit
    types, so each type has the same lines."""
    j13 = schemes["jintan-2013"]
    j14 = sample_next_scheme(j13)
    got = indicator_lines([j13, j14], "jintan-2014")
    codes_2014 = {code for code, _ in _codes(j14)}
    lines = codes_2014 - {"6"}
    assert len(lines) == len(codes_2014) - 1 == 127
    types = ["区镇", "政府部门", "垂直管理单位", "广播电视台"]
    assert got.height == 2 * len(types) * 127
    for (unit_type, year), part in got.group_by("unit_type", "year"):
        assert unit_type in types
        back = dict(zip(part["line_code"], part["code"], strict=True))
        assert len(back) == part.height == 127
        assert back == ({c: c for c in lines} if year == 2014
                        else {c: ("8" if c == "129" else c) for c in lines})
        assert set(part["scheme"]) == {f"jintan-{year}"}
    named = got.filter(pl.col("line_code").is_in(["129", "4", "5"]), pl.col("year") == 2013,
                       pl.col("unit_type") == "区镇")
    assert dict(zip(named["line_code"], named["name"], strict=True)) == {
        "129": "绩效考核", "4": "业务培训", "5": "材料报送"}


def _codes(scheme: Scheme) -> list[tuple[str, str]]:
    from pipelines.schemes.tables import iter_leaves

    return [(leaf.indicator.code, leaf.display_name) for r in scheme.rubrics
            for leaf in iter_leaves(r)]


# Two rubrics numbered each from 1, as Yueyang's and Shengzhou's are: code 1 of 部门's rubric is
# 工作机制, code 1 of 镇's is 信息公开. year: {unit type: [(code, name, points)]}; from 2024 to
# 2025 only 镇's 3 is renamed (便民服务 → 政务服务: not matched).
TWO_RUBRICS = {
    2024: {"部门": [("1", "工作机制", 60), ("2", "信息公开", 40)],
           "镇": [("1", "信息公开", 50), ("2", "工作机制", 30), ("3", "便民服务", 20)]},
    2025: {"部门": [("1", "工作机制", 60), ("2", "信息公开", 40)],
           "镇": [("1", "信息公开", 50), ("2", "工作机制", 30), ("3", "政务服务", 20)]},
}


def two_rubric_text(year: int) -> str:
    rubrics = []
    for i, (unit_type, indicators) in enumerate(TWO_RUBRICS[year].items()):
        children = "\n".join(f"          - {{code: '{code}', name: {name}, max_points: {points}}}"
                             for code, name, points in indicators)
        rubrics.append(f"""\
  - id: r{i}
    name: {unit_type}考核细则
    unit_types: [{unit_type}]
    max_points: 100
    default_rule: {{kind: deduction}}
    missing_input: full
    categories:
      - name: 基础工作
        children:
{children}""")
    return f"""\
id: duo-{year}
series: duo
name: 湖滨区{year}年度考核办法
jurisdiction: 湖滨区
year: {year}
documents:
  - {{number: 湖政办〔{year}〕2号, title: 湖滨区{year}年度考核办法}}
unit_types:
  - {{name: 部门}}
  - {{name: 镇}}
stages:
  - {{id: yearend, name: 年终考评, basis: rubric, weight: 1}}
rubrics:
""" + "\n".join(rubrics) + "\n"


def test_each_unit_types_rubric_is_followed_by_its_own_codes_and_names():
    """A line is an indicator of one unit type's rubric: 部门's 1 is 工作机制 in both years and
    镇's 1 is 信息公开; 镇's 3 was renamed (no line). Failed before: lines were keyed by code over
    the whole scheme, so 部门's 工作机制 (code 1) was named 信息公开 after 镇's rubric, and the
    years section joined both types' rates to that one name."""
    schemes = [load_scheme_text(two_rubric_text(y), f"duo-{y}.yaml") for y in (2024, 2025)]
    got = indicator_lines(schemes, "duo-2025")
    assert rows(got) == {
        (f"duo-{year}", code, unit_type, code, name, year)
        for year in (2024, 2025)
        for unit_type, code, name in [("部门", "1", "工作机制"), ("部门", "2", "信息公开"),
                                      ("镇", "1", "信息公开"), ("镇", "2", "工作机制")]}


def test_yueyangs_two_rubrics_keep_their_own_names_across_years(schemes):
    """Yueyang's 县市区 rubric has 教育培训 as 4, its 市直 rubric 监督考核
    (schemes/yueyang-2017.yaml); a next year with the same indicators matches each rubric's 4 to
    itself, under its own name."""
    y17 = schemes["yueyang-2017"]
    y18 = y17.model_copy(update={"id": "yueyang-2018", "year": 2018})
    got = indicator_lines([y17, y18], "yueyang-2018")
    fours = got.filter(pl.col("line_code") == "4").sort("unit_type", "year")
    assert fours.select("scheme", "code", "unit_type", "name").rows() == [
        ("yueyang-2017", "4", "县市区", "教育培训"), ("yueyang-2018", "4", "县市区", "教育培训"),
        ("yueyang-2017", "4", "市直及中省驻岳单位", "监督考核"),
        ("yueyang-2018", "4", "市直及中省驻岳单位", "监督考核")]
    # every indicator of each rubric (39 and 32) in both years
    assert got.group_by("unit_type").len().sort("unit_type").rows() == [
        ("县市区", 2 * 39), ("市直及中省驻岳单位", 2 * 32)]
