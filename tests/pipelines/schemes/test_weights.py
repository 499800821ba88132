"""Weights, not only points (issue 20 item 3): a group gives its children weights (decimals or
fractions, exact), the weights of a group sum to exactly 1, the rubric's max_points is the scale,
and `egov schemes` shows weights as weights (docs/schemes.md#权重-weights)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from test_scheme_format import YEAREND_COLUMNS, run, write_csv, yearend_rows

from pipelines.loading import ingest
from pipelines.schemes.admin import add_scheme, scheme_yaml
from pipelines.schemes.checks import SchemeRejected, load_scheme_text
from pipelines.schemes.tables import iter_leaves
from pipelines.schemes.workbook import read_scheme_workbook, write_scheme_workbook

INDEX = """
id: weighted-2026
name: 示范数字政府指数
jurisdiction: 示范市
year: 2026
documents: [{number: "1", title: 示范数字政府指数}]
unit_types: [{name: 区}]
stages: [{id: yearend, name: 年终, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: 示范数字政府指数
    unit_types: [区]
    max_points: 100
    missing_input: zero
    default_rule: {kind: rate_target, target: 1.0}
    categories:
      - name: 在线服务
        weight: 2/3
        children:
          - {code: "1", name: 事项覆盖, weight: 2/3}
          - {code: "2", name: 办理深度, weight: 1/3}
      - name: 基础设施
        weight: 1/3
        children:
          - {code: "3", name: 网络, weight: 0.5}
          - {code: "4", name: 终端, weight: 50%}
"""


def rejected(text: str) -> str:
    with pytest.raises(SchemeRejected) as err:
        load_scheme_text(text, "index.yaml")
    return str(err.value)


def test_weights_are_exact_and_give_each_leaf_its_points():
    rubric = load_scheme_text(INDEX, "index.yaml").rubrics[0]
    assert rubric.categories[0].weight == Fraction(2, 3)
    assert rubric.categories[1].children[0].weight == Fraction(1, 2)
    points = {leaf.indicator.code: leaf.indicator.max_points for leaf in iter_leaves(rubric)}
    assert points == pytest.approx({"1": 400 / 9, "2": 200 / 9, "3": 50 / 3, "4": 50 / 3})


def test_weights_that_do_not_sum_to_one_are_refused_with_the_sum():
    """Weights are exact: 2/3 + 0.3 is 29/30 (0.3 is 3/10, not the float nearest it)."""
    text = INDEX.replace("weight: 1/3\n        children", "weight: 0.3\n        children")
    report = rejected(text)
    assert "index.yaml, 第16行 row 16" in report
    assert "rubrics.0.categories" in report
    assert "权重之和为 29/30" in report and "sum to 29/30" in report
    assert "leaves sum" not in report  # one problem, not its echo in the points


def test_a_weight_that_is_not_a_number_or_fraction_is_refused_at_its_line():
    report = rejected(INDEX.replace("weight: 2/3}", "weight: 两成}"))
    assert "rubrics.0.categories.0.children.0.weight" in report
    assert "第20行 row 20" in report
    assert "权重「两成」不是数字或分数" in report and "not a number or a fraction" in report


def test_mixing_weights_and_points_in_one_group_is_refused():
    report = rejected(INDEX.replace('{code: "4", name: 终端, weight: 50%}',
                                    '{code: "4", name: 终端, max_points: 10}'))
    assert "「基础设施」的下级有的写权重、有的写分值(终端 没有权重)" in report
    assert "mix weights and points" in report


def test_a_weighted_index_round_trips_as_yaml_and_workbook(tmp_path):
    scheme = load_scheme_text(INDEX, "index.yaml")
    text = scheme_yaml(scheme)
    assert "weight: 2/3" in text and "weight: 1/2" in text and "max_points: 44" not in text
    assert load_scheme_text(text, "again.yaml") == scheme
    assert read_scheme_workbook(write_scheme_workbook(scheme, tmp_path / "i.xlsx")) == scheme


@pytest.fixture(scope="module")
def index_db(tmp_path_factory: pytest.TempPathFactory):
    tmp_path = tmp_path_factory.mktemp("weighted")
    db = tmp_path / "egov.duckdb"
    path = tmp_path / "index.yaml"
    path.write_text(INDEX, encoding="utf-8")
    add_scheme(db, path, replace=False)
    ingest(db, [
        write_csv(tmp_path / "units.csv", ["方案", "单位", "单位类型"],
                  [["weighted-2026", "甲区", "区"], ["weighted-2026", "乙区", "区"]]),
        write_csv(tmp_path / "yearend.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                  yearend_rows("weighted-2026", 2026, {
                      "甲区": {"1": {"实际值": 0.9}, "2": {"实际值": 0.6},
                               "3": {"实际值": 0.5}, "4": {"实际值": 1.0}},
                      "乙区": {"1": {"实际值": 0.3}, "2": {"实际值": 0.9},
                               "3": {"实际值": 1.0}, "4": {"实际值": 0.8}}})),
    ])
    return db


def test_a_weighted_index_scores_by_hand_and_shows_its_weights(index_db):
    """甲: 100 × (2/3 × (2/3 × 0.9 + 1/3 × 0.6) + 1/3 × (1/2 × 0.5 + 1/2 × 1.0))
         = 100 × (2/3 × 0.8 + 1/3 × 0.75) = 78.33;
    乙: 100 × (2/3 × (2/3 × 0.3 + 1/3 × 0.9) + 1/3 × (1/2 × 1.0 + 1/2 × 0.8)) = 63.33."""
    db = index_db
    code, out, err = run("scores", "--db", db, "--scheme", "weighted-2026", "--year", "2026",
                         "--format", "json", "--levels", "1", "--stability")
    assert code == 0, err
    got = {r["unit"]: (r["total"], r["rank"], r["在线服务"], r["基础设施"], r["rank_p95"])
           for r in json.loads(out)}
    # 在线服务 100 × 2/3 × 0.8 = 53.33, 基础设施 100 × 1/3 × 0.75 = 25; rank stability runs
    # (each leaf's points drawn within ±20% and renormalised to the scale).
    assert got["甲区"][:4] == (78.33, 1, 53.33, 25)
    assert got["乙区"][:4] == (63.33, 2, 33.33, 30)
    code, out, err = run("schemes", "--db", db)
    assert code == 0, err
    assert "在线服务 权重 2/3  基础设施 权重 1/3" in out
    code, out, err = run("schemes", "--db", db, "--format", "json")
    index = next(s for s in json.loads(out) if s["scheme"] == "weighted-2026")
    assert [(c["name"], c["weight"]) for c in index["rubrics"][0]["categories"]] == [
        ("在线服务", "2/3"), ("基础设施", "1/3")]



def test_the_method_page_reads_the_weights_as_written(index_db):
    """The 计分方法 page's 一级指标 table (and its rules table) read these columns."""
    from warehouse.reads import method

    cats = method.rubric_categories(index_db, "weighted-2026")
    assert list(zip(cats["category"], cats["weight"], cats["max_points"].round(2),
                    strict=True)) == [("在线服务", "2/3", 66.67), ("基础设施", "1/3", 33.33)]
    rules = method.indicator_rules(index_db, "weighted-2026")
    assert rules["weight"].to_list() == ["2/3", "1/3", "1/2", "1/2"]
