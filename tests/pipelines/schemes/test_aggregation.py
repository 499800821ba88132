"""Aggregation (issue 20 item 6): a group's children combine by the weighted arithmetic (default),
geometric or harmonic mean of their shares; a geometric or harmonic mean over a share of 0 is
refused (docs/schemes.md#合成-aggregation)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_scheme_format import YEAREND_COLUMNS, run, write_csv, yearend_rows

from pipelines.engine import aggregation
from pipelines.inputs.problems import InputRejected
from pipelines.loading import ingest
from pipelines.schemes.admin import add_scheme
from pipelines.schemes.checks import load_scheme_text
from pipelines.schemes.workbook import read_scheme_workbook, write_scheme_workbook

INDEX = """
id: means-2026
name: 示范指数
jurisdiction: 示范市
year: 2026
documents: [{number: "1", title: 示范指数}]
unit_types: [{name: 区}]
stages: [{id: yearend, name: 年终, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: 示范指数
    unit_types: [区]
    max_points: 100
    missing_input: zero
    aggregation: geometric
    default_rule: {kind: rate_target, target: 1.0}
    categories:
      - name: 服务
        weight: 1/2
        aggregation: harmonic
        children:
          - {code: "1", name: 覆盖, weight: 1/2}
          - {code: "2", name: 深度, weight: 1/2}
      - name: 设施
        weight: 1/2
        children:
          - {code: "3", name: 网络, weight: 1}
"""


def load(tmp_path, shares: dict[str, tuple[float, float, float]]):
    db = tmp_path / "egov.duckdb"
    path = tmp_path / "means.yaml"
    path.write_text(INDEX, encoding="utf-8")
    add_scheme(db, path, replace=False)
    ingest(db, [
        write_csv(tmp_path / "units.csv", ["方案", "单位", "单位类型"],
                  [["means-2026", u, "区"] for u in shares]),
        write_csv(tmp_path / "yearend.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                  yearend_rows("means-2026", 2026, {
                      u: {str(i + 1): {"实际值": s} for i, s in enumerate(v)}
                      for u, v in shares.items()})),
    ])
    return db


def test_the_three_means_by_hand():
    """Shares 0.5 and 1.0 weighted 1 and 3: arithmetic (0.5 + 3)/4 = 0.875; geometric
    0.5^(1/4) = 0.8409; harmonic 4 / (1/0.5 + 3/1) = 0.8; an exempt child leaves its group."""
    frac = np.array([[0.5, 1.0]])
    points = np.array([[1.0, 3.0]])
    for mean, expected in [("arithmetic", 0.875), ("geometric", 0.5 ** 0.25),
                           ("harmonic", 0.8)]:
        tree = aggregation.Group("g", mean, (0, 1), (0, 1))
        got = aggregation.shares(tree, points, frac, np.ones((1, 2)), ["1", "2"])
        assert got[0, 0] == pytest.approx(expected)
        exempt = aggregation.shares(tree, points, frac, np.array([[1, 0]]), ["1", "2"])
        assert exempt[0, 0] == pytest.approx(0.5)


def test_a_geometric_index_of_harmonic_groups_scores_by_hand(tmp_path):
    """甲: 服务 = 1 / (½/0.5 + ½/1.0) = 2/3, 设施 = 0.8, total = 100 × √(2/3 × 0.8) = 73.03;
    乙: 服务 = 0.8, 设施 = 0.2, total = 100 × √0.16 = 40. Rank stability runs on it."""
    db = load(tmp_path, {"甲区": (0.5, 1.0, 0.8), "乙区": (0.8, 0.8, 0.2)})
    code, out, err = run("scores", "--db", db, "--scheme", "means-2026", "--year", "2026",
                         "--format", "json", "--stability")
    assert code == 0, err
    got = {r["unit"]: (r["total"], r["rank"], r["rank_p05"], r["rank_p95"])
           for r in json.loads(out)}
    # 甲 leads under every draw: 乙's 0.2 on 网络 weighs at least 0.4 of the geometric mean.
    assert got == {"甲区": (73.03, 1, 1, 1), "乙区": (40, 2, 2, 2)}
    draft = tmp_path / "draft.yaml"
    draft.write_text(INDEX.replace("    aggregation: geometric\n", ""), encoding="utf-8")
    code, out, err = run("scheme", "compare", "means-2026", draft, "--db", db, "--format",
                         "json")
    assert code == 0, err
    # The draft is arithmetic at the top: 甲 50 × 2/3 + 50 × 0.8 = 73.33; 乙 40 + 10 = 50.
    compared = json.loads(out)
    assert {u["unit"]: u["draft_total"] for u in compared["units"]} == {
        "甲区": 73.33, "乙区": 50}
    # The indicators' shares are the same under both: the change is the means alone, one part
    # (乙 +10, 甲 +0.30; neither moves).
    assert [(c["part"], c["units_moved"], round(c["largest_change"], 6))
            for c in compared["changes"]] == [("aggregation", 0, 10.0)]


def test_a_geometric_mean_over_a_zero_share_is_refused(tmp_path):
    with pytest.raises(InputRejected) as err:
        load(tmp_path, {"甲区": (0.5, 1.0, 0.8), "乙区": (0.8, 0.8, 0.0)})
    report = str(err.value)
    assert "「示范指数」按几何平均合成,单位「乙区」在「设施」上的得分率为 0" in report
    assert "a geometric mean needs every part above 0" in report


def test_aggregation_round_trips_through_the_workbook(tmp_path):
    scheme = load_scheme_text(INDEX, "means.yaml")
    assert scheme.rubrics[0].aggregation == "geometric"
    assert read_scheme_workbook(write_scheme_workbook(scheme, tmp_path / "m.xlsx")) == scheme
