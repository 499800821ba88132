"""Normalisation (issue 20 item 6): the rule kind `normalise` and its methods
(pipelines/rules/normalisers/), each against a hand-computed value
(docs/schemes.md#标准化-normalisation)."""

from __future__ import annotations

import json

import pytest
from test_scheme_format import YEAREND_COLUMNS, run, write_csv, yearend_rows

from pipelines.inputs.problems import InputRejected
from pipelines.loading import ingest
from pipelines.schemes.admin import add_scheme
from pipelines.schemes.checks import SchemeRejected, load_scheme_text
from pipelines.schemes.workbook import read_scheme_workbook, write_scheme_workbook

INDEX = """
id: norm-2026
name: 示范指数
jurisdiction: 示范市
year: 2026
documents: [{number: "1", title: 示范指数}]
unit_types: [{name: 区}, {name: 县}]
stages: [{id: yearend, name: 年终, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: 示范指数
    unit_types: [区, 县]
    max_points: 100
    missing_input: zero
    default_rule: {kind: normalise, method: min_max}
    categories:
      - {code: "1", name: 最小最大, max_points: 10}
      - code: "2"
        name: 目标区间
        max_points: 10
        rule: {kind: normalise, method: goalposts, goalposts: [20, 70]}
      - {code: "3", name: 标准分, max_points: 10, rule: {kind: normalise, method: z_score}}
      - code: "4"
        name: 距目标
        max_points: 10
        rule: {kind: normalise, method: distance_to_target, target: 60}
      - {code: "5", name: 距最优, max_points: 10, rule: {kind: normalise, method: distance_to_best}}
      - {code: "6", name: 名次, max_points: 10, rule: {kind: normalise, method: rank}}
      - {code: "7", name: 百分位, max_points: 10, rule: {kind: normalise, method: percentile}}
      - code: "8"
        name: 越低越好
        max_points: 30
        rule: {kind: normalise, method: min_max, direction: lower_better}
"""

UNITS = {"甲区": ("区", 20), "乙区": ("区", 40), "丙区": ("区", 60), "丁县": ("县", 10),
         "戊县": ("县", 30)}


def load(tmp_path, units: dict[str, tuple[str, float]], scheme: str = INDEX):
    db = tmp_path / "egov.duckdb"
    path = tmp_path / "index.yaml"
    path.write_text(scheme, encoding="utf-8")
    add_scheme(db, path, replace=False)
    ingest(db, [
        write_csv(tmp_path / "units.csv", ["方案", "单位", "单位类型"],
                  [["norm-2026", u, t] for u, (t, _) in units.items()]),
        write_csv(tmp_path / "yearend.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                  yearend_rows("norm-2026", 2026, {
                      u: {str(c): {"实际值": x} for c in range(1, 9)}
                      for u, (_, x) in units.items()})),
    ])
    return db


def test_every_method_scores_as_computed_by_hand(tmp_path):
    """区 x = 20, 40, 60 (each its own peer group with 县 x = 10, 30):
    1 min-max (x − 20)/40: 0, 5, 10;  2 goalposts (x − 20)/50: 0, 4, 8;
    3 z-score, mean 40, sample sd 20: −10, 0, 10;  4 to target 60, (x − 20)/(60 − 20): 0, 5, 10;
    5 to the best, x/60: 3.33, 6.67, 10;  6 rank r/3: 3.33, 6.67, 10;  7 percentile (r − 1)/2:
    0, 5, 10;  8 lower is better (60 − x)/40 × 30: 30, 15, 0.
    县: 1: 0, 10; 2: max(0, −10/50) = 0, 2; 3: ∓10/√200 × 10 = ∓7.07; 4: (x − 10)/50: 0, 4;
    5: 10/30, 30/30: 3.33, 10; 6: 5, 10; 7: 0, 10; 8: 30, 0."""
    db = load(tmp_path, UNITS)
    code, out, err = run("scores", "--db", db, "--scheme", "norm-2026", "--year", "2026",
                         "--format", "json", "--levels", "1")
    assert code == 0, err
    rows = {r["unit"]: r for r in json.loads(out)}
    names = ["最小最大", "目标区间", "标准分", "距目标", "距最优", "名次", "百分位", "越低越好"]
    assert {u: [r[n] for n in names] for u, r in rows.items()} == {
        "甲区": [0, 0, -10, 0, 3.33, 3.33, 0, 30],
        "乙区": [5, 4, 0, 5, 6.67, 6.67, 5, 15],
        "丙区": [10, 8, 10, 10, 10, 10, 10, 0],
        "丁县": [0, 0, -7.07, 0, 3.33, 5, 0, 30],
        "戊县": [10, 2, 7.07, 4, 10, 10, 10, 0],
    }
    assert {u: (r["total"], r["rank"]) for u, r in rows.items()} == {
        "甲区": (26.67, 3), "乙区": (47.33, 2), "丙区": (68, 1), "丁县": (31.26, 2),
        "戊县": (53.07, 1)}


@pytest.mark.parametrize(("units", "zh", "en"), [
    ({"甲区": ("区", 20), "乙区": ("区", 40), "丁县": ("县", 10)},
     "指标 1 的标准化计分(最小-最大)在单位类型「县」中无法计算:"
     "最小-最大需要同一单位类型中至少 2 个单位的实际值,现只有 1 个",
     "needs the actual values of at least 2 units of the type; there are 1"),
    ({"甲区": ("区", 20), "乙区": ("区", 20), "丁县": ("县", 10), "戊县": ("县", 30)},
     "指标 1 的标准化计分(最小-最大)在单位类型「区」中无法计算:"
     "同类单位的实际值极差为 0(全部相同)",
     "the units' actual values have no range (all equal)"),
])
def test_a_type_of_one_unit_or_no_spread_refuses_the_load(tmp_path, units, zh, en):
    with pytest.raises(InputRejected) as err:
        load(tmp_path, units)
    report = str(err.value)
    assert "方案 scheme norm-2026 · 年终评分 yearend" in report and "实际值" in report
    assert zh in report and en in report
    assert "norm-2026" not in run("scores", "--db", tmp_path / "egov.duckdb", "--scheme",
                                  "norm-2026", "--year", "2026", "--format", "csv")[1]


def test_method_parameters_are_checked_and_round_trip_through_the_workbook(tmp_path):
    scheme = load_scheme_text(INDEX, "index.yaml")
    assert read_scheme_workbook(write_scheme_workbook(scheme, tmp_path / "i.xlsx")) == scheme
    for broken, zh in [
        ("goalposts: [20, 70]", "标准化方法 goalposts(目标区间)须写 goalposts"),
        ("goalposts: [70, 20]", "目标区间的下限须小于上限"),
        ("method: rank}", "未知字段"),
    ]:
        text = INDEX.replace(broken, {"goalposts: [20, 70]": "direction: higher_better",
                                      "goalposts: [70, 20]": "goalposts: [70, 20]",
                                      "method: rank}": "method: rank, goalpost: [1, 2]}"}[broken])
        if broken == "goalposts: [70, 20]":
            text = INDEX.replace("goalposts: [20, 70]", broken)
        with pytest.raises(SchemeRejected) as err:
            load_scheme_text(text, "index.yaml")
        assert zh in str(err.value), str(err.value)
