"""Composite indicators (rule kind `parts`): Huaibei 001, 020, 025, 026, 030 scored from their
parts with the seed's caps, the 分项 column validated, the assessor-score entry kept."""

from __future__ import annotations

import polars as pl
from test_validation import at, validate

from pipelines.engine.scoring import score_indicators
from pipelines.schemes.checks import load_scheme_text
from pipelines.schemes.model import input_columns
from warehouse import database

UNIT = "淮北市数据资源局"


def yearend(rows: list[dict]) -> pl.DataFrame:
    schema = database.table_schema("yearend_inputs")
    base = {"scheme": "huaibei-2019", "year": 2019, "unit": UNIT, "exempt": False, "load_id": 1,
            "part": ""}
    return pl.DataFrame([{c: {**base, **r}.get(c) for c in schema} for r in rows], schema=schema)


def huaibei_scores(schemes, rows: list[dict]) -> dict[str, float]:
    units = pl.DataFrame({"unit": [UNIT], "unit_type": ["市直单位"]})
    scored = score_indicators(schemes["huaibei-2019"], units, yearend(rows))
    return dict(zip(scored["code"], scored["score"], strict=True))


def test_huaibei_composites_scored_from_parts_with_the_seeds_caps(schemes):
    scores = huaibei_scores(schemes, [
        # 001: 调研座谈会议 5 项 → capped at 2; 工作对接 1 次 → 1: 3 of 4
        {"indicator": "001", "part": "调研座谈会议", "times": 5},
        {"indicator": "001", "part": "工作对接", "times": 1},
        # 020: 目录编制发布 是 → 2, 目录常态化更新 否 → 0
        {"indicator": "020", "part": "目录编制发布", "choice": "是"},
        {"indicator": "020", "part": "目录常态化更新", "choice": "否"},
        # 025: both done → 1 + 1
        {"indicator": "025", "part": "制度方案时间表", "choice": "是"},
        {"indicator": "025", "part": "上报整合进展", "choice": "是"},
        # 026: 清理率 3/4 → 0.75, 整合率 1/2 → 0.5
        {"indicator": "026", "part": "系统清理率", "numerator": 3.0, "denominator": 4.0},
        {"indicator": "026", "part": "系统整合率", "numerator": 1.0, "denominator": 2.0},
        # 030: analysis 是 → 2; 7 elements × 0.5 = 3.5 → capped at 2: 4 (the indicator's cap)
        {"indicator": "030", "part": "共享需求分析", "choice": "是"},
        {"indicator": "030", "part": "共享目录要素", "times": 7},
    ])
    assert scores["001"] == 3.0
    assert scores["020"] == 2.0
    assert scores["025"] == 2.0
    assert scores["026"] == 1.25
    assert scores["030"] == 4.0


def test_a_missing_part_scores_zero_and_parts_never_pass_their_points(schemes):
    scores = huaibei_scores(schemes, [
        {"indicator": "030", "part": "共享目录要素", "times": 3},  # no analysis row: 0 + 1.5
        {"indicator": "001", "part": "工作对接", "times": 9},  # 2 (its cap); the other part 0
    ])
    assert scores["030"] == 1.5
    assert scores["001"] == 2.0


def test_the_assessor_score_entry_is_a_scheme_setting(schemes):
    scheme = schemes["huaibei-2019"].model_copy(update={"composite_entry": "score"})
    units = pl.DataFrame({"unit": [UNIT], "unit_type": ["市直单位"]})
    scored = score_indicators(scheme, units, yearend([
        {"indicator": "001", "score": 3.5}, {"indicator": "026", "score": 2.5}]))
    got = dict(zip(scored["code"], scored["score"], strict=True))
    assert got["001"] == 3.5 and got["026"] == 2.0  # within the indicator's points
    leaf_rule = next(leaf.rule for r in scheme.rubrics for leaf in
                     __import__("pipelines.schemes.tables", fromlist=["iter_leaves"])
                     .iter_leaves(r) if leaf.indicator.code == "001")
    assert input_columns(leaf_rule, "score") == ("score",)
    assert input_columns(leaf_rule, "parts") == ("part", "times")


def test_the_part_column_is_validated(tmp_path, input_ctx):
    frame, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "分项", "次数", "选项", "分子", "分母"],
        ["huaibei-2019", 2019, UNIT, "001", "调研座谈会议", 3, None, None, None],
        ["huaibei-2019", 2019, UNIT, "001", None, 3, None, None, None],
        ["huaibei-2019", 2019, UNIT, "001", "座谈", 3, None, None, None],
        ["huaibei-2019", 2019, UNIT, "003", "调研座谈会议", 1, None, None, None],
        ["huaibei-2019", 2019, UNIT, "030", "共享需求分析", None, "也许", None, None],
        ["huaibei-2019", 2019, UNIT, "026", "系统清理率", None, None, 5, 4],
        ["huaibei-2019", 2019, UNIT, "026", "系统整合率", None, None, 1, None],
        ["huaibei-2019", 2019, UNIT, "030", " 共享目录要素 ", 4, None, None, None],
    ])
    assert "name the part in 分项" in at(problems, 3, "分项").problem_en
    assert "调研座谈会议、工作对接" in at(problems, 3, "分项").problem_zh
    assert "unknown part" in at(problems, 4, "分项").problem_en
    assert "has no parts" in at(problems, 5, "分项").problem_en
    assert "not one of the options" in at(problems, 6, "选项").problem_en
    assert "above_one: refuse" in at(problems, 7, "分子").problem_en  # the part's own rule
    assert "needs a value in 'denominator'" in at(problems, 8, "分母").problem_en
    assert len(problems) == 6
    assert frame.select("indicator", "part").rows() == [("001", "调研座谈会议"),
                                                         ("030", "共享目录要素")]


def test_scheme_checks_of_parts():
    text = """
id: parts-2024
name: 分项考核
jurisdiction: 某县
year: 2024
documents: [{number: 1号, title: 办法}]
unit_types: [{name: 部门}]
stages: [{id: yearend, name: 年终考评, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: 细则
    unit_types: [部门]
    max_points: 10
    missing_input: zero
    categories:
      - name: 工作
        children:
          - code: "1"
            max_points: 4
            rule:
              kind: parts
              parts:
                - {name: 甲, max_points: 1, rule: {kind: per_event, points_each: 1, cap: 2}}
                - {name: 甲, max_points: 5, rule: {kind: choice, options: {是: 1}}}
          - code: "2"
            max_points: 6
            rule:
              kind: parts
              parts:
                - {name: 乙, max_points: 1, rule: {kind: assessor_score}}
                - {name: 丙, max_points: 2, rule: {kind: ratio}}
"""
    from pipelines.schemes.checks import SchemeRejected

    try:
        load_scheme_text(text, "parts.yaml")
    except SchemeRejected as err:
        messages = [p.problem_en for p in err.problems]
    else:
        raise AssertionError("expected problems")
    assert any("two parts share a name" in m for m in messages)
    assert any("part '甲' is worth more than the indicator's 4" in m for m in messages)
    assert any("the cap is above the indicator's max points" in m for m in messages)
    assert any("the parts add up to 3, below the indicator's 6" in m for m in messages)
