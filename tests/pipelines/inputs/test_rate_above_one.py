"""Rates above 100%: refused as a typo by default, accepted (full points) where the rule says
`above_one: cap` — 嵊州 表一 序号11 公众爆料同比增长率, target 100% (doubling)."""

from __future__ import annotations

import polars as pl
from test_validation import at, validate

from pipelines.rules.kinds.rate_target import KIND as RATE
from pipelines.rules.kinds.rate_target import RateTarget
from pipelines.schemes.checks import ratio_policies
from pipelines.schemes.tables import iter_leaves


def test_the_rule_scores_a_rate_above_its_target_full():
    rows = pl.DataFrame({"max_points": [1.0, 1.0, 1.0], "actual": [1.5, 1.0, 0.6]})
    scored = RATE.score(rows, RateTarget(target=1.0, above_one="cap"))
    assert scored["score"].to_list() == [1.0, 1.0, 0.6]  # 1 × min(1, 1.5/1), 1, 1 × 0.6
    assert RateTarget(target=0.9).above_one == "refuse"


def test_shengzhou_11_accepts_a_growth_of_150_percent_and_scores_it_full(tmp_path, input_ctx):
    """Before the fix the 150% row was refused as 「实际值 1.5 超过 100%」."""
    frame, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "实际值"],
        ["shengzhou-2020", 2020, "甘霖镇", "11", "150%"],
    ])
    assert problems == []
    assert frame["indicator"].to_list() == ["11"] and frame["actual"].to_list() == [1.5]
    scheme = input_ctx.schemes["shengzhou-2020"]
    rule = next(leaf.rule for leaf in iter_leaves(scheme.rubrics[0])
                if leaf.indicator.code == "11")
    assert rule.above_one == "cap"
    scored = RATE.score(pl.DataFrame({"max_points": [1.0], "actual": [1.5]}), rule)
    assert scored["score"].to_list() == [1.0]


def test_other_rates_still_refuse_a_value_above_100_percent(tmp_path, input_ctx):
    """Shengzhou 15 (人员日均活跃率 92%) is a share: 150% is a typo, refused with the policy
    named."""
    _, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "实际值"],
        ["shengzhou-2020", 2020, "甘霖镇", "15", "150%"],
    ])
    p = at(problems, 2, "实际值")
    assert "超过 100%" in p.problem_zh and "above_one: refuse" in p.problem_zh
    assert "above_one: cap" in p.problem_en


def test_scheme_check_lists_the_rate_that_accepts_values_above_100_percent():
    from conftest import SCHEMES_DIR

    from pipelines.schemes.checks import load_scheme_file

    lines = ratio_policies(load_scheme_file(SCHEMES_DIR / "shengzhou-2020.yaml"))
    assert any("指标 11" in line and "above_one: cap" in line for line in lines)


def test_the_shengzhou_sample_holds_a_growth_of_150_percent_scored_full(demo_db):
    """The sample (示例数据) goes through the real import: its 150% row is accepted and scores 1."""
    import duckdb

    with duckdb.connect(str(demo_db), read_only=True) as con:
        rows = con.execute(
            "SELECT i.unit, i.actual, s.score FROM yearend_inputs i JOIN indicator_scores s "
            "ON s.scheme = i.scheme AND s.unit = i.unit AND s.code = i.indicator "
            "WHERE i.scheme = 'shengzhou-2020' AND i.indicator = '11' AND i.actual > 1"
        ).fetchall()
    assert rows == [("剡湖街道", 1.5, 1.0)]
