"""Aggregation (issue 20 item 6): a group's children combine by the weighted arithmetic (default),
geometric or harmonic mean of their shares; a geometric or harmonic mean over a share of 0 is
refused (docs/schemes.md#合成-aggregation)."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest
from test_scheme_format import YEAREND_COLUMNS, run, write_csv, yearend_rows

from pipelines import delta, loading
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


NESTED = """
id: nested-2026
name: 示范嵌套
jurisdiction: 示范市
year: 2026
documents: [{number: "1", title: 示范嵌套}]
unit_types: [{name: 区}]
stages: [{id: yearend, name: 年终, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: 示范嵌套
    unit_types: [区]
    max_points: 100
    missing_input: zero
    default_rule: {kind: rate_target, target: 1.0}
    categories:
      - name: 服务
        max_points: 60
        children:
          - name: 办事
            max_points: 40
            aggregation: geometric
            children:
              - {code: "1", name: 覆盖, max_points: 20}
              - {code: "2", name: 深度, max_points: 20}
          - {code: "3", name: 咨询, max_points: 20}
      - name: 设施
        max_points: 40
        children:
          - {code: "4", name: 网络, max_points: 40}
"""


def test_a_geometric_group_scores_its_mean_in_the_group_columns_and_view(tmp_path,
                                                                         monkeypatch):
    """Each group's own score is its aggregated score on its point scale, not the sum of its
    leaves. 甲 (shares 0.25, 1.0, 0.5, 0.75): 办事 = 40 × √(0.25 × 1.0) = 20 (the sum is 25);
    服务 (arithmetic) = 60 × (40 × 0.5 + 20 × 0.5) / 60 = 30 (sum 35); 设施 = 30; total = 60.
    乙 (0.64, 0.25, 1.0, 0.5): 办事 = 40 × √0.16 = 16 (sum 17.8); 服务 = 16 + 20 = 36; 设施 = 20;
    total = 56. The first load builds the warehouse whole (loading.py); a second load, applied to
    it (pipelines/delta.py), changes 乙's 深度 to 1.0: 办事 = 40 × 0.8 = 32, 服务 = 52, total 72."""
    db = tmp_path / "egov.duckdb"
    (tmp_path / "nested.yaml").write_text(NESTED, encoding="utf-8")
    add_scheme(db, tmp_path / "nested.yaml", replace=False)

    def yearend(name: str, shares: dict[str, tuple[float, ...]]):
        return write_csv(tmp_path / name, ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                         yearend_rows("nested-2026", 2026, {
                             u: {str(i + 1): {"实际值": s} for i, s in enumerate(v)}
                             for u, v in shares.items()}))

    used = []
    real_apply = delta.apply
    monkeypatch.setattr(delta, "apply", lambda *a, **k: (used.append("delta"),
                                                         real_apply(*a, **k))[1])
    with monkeypatch.context() as full:
        full.setattr(loading, "_same_schemes", lambda a, b: False)  # the whole rebuild
        ingest(db, [write_csv(tmp_path / "units.csv", ["方案", "单位", "单位类型"],
                              [["nested-2026", u, "区"] for u in ("甲区", "乙区")]),
                    yearend("yearend.csv", {"甲区": (0.25, 1.0, 0.5, 0.75),
                                            "乙区": (0.64, 0.25, 1.0, 0.5)})])
    assert used == []

    def scores() -> dict[str, dict]:
        code, out, err = run("scores", "--db", db, "--scheme", "nested-2026", "--year", "2026",
                             "--format", "json", "--levels", "2")
        assert code == 0, err
        return {r["unit"]: {k: r[k] for k in ("total", "服务", "服务 / 办事", "设施")}
                for r in json.loads(out)}

    def view() -> dict[tuple[str, str], tuple]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            rows = con.sql("SELECT unit, path, score, max_points, lost, share FROM group_scores "
                           "WHERE scheme = 'nested-2026'").fetchall()
        finally:
            con.close()
        return {(u, p): tuple(round(x, 6) for x in rest) for u, p, *rest in rows}

    assert scores() == {"甲区": {"total": 60, "服务": 30, "服务 / 办事": 20, "设施": 30},
                        "乙区": {"total": 56, "服务": 36, "服务 / 办事": 16, "设施": 20}}
    assert view() == {
        ("甲区", "服务"): (30, 60, 30, 0.5), ("甲区", "服务 / 办事"): (20, 40, 20, 0.5),
        ("甲区", "设施"): (30, 40, 10, 0.75),
        ("乙区", "服务"): (36, 60, 24, 0.6), ("乙区", "服务 / 办事"): (16, 40, 24, 0.4),
        ("乙区", "设施"): (20, 40, 20, 0.5)}
    ingest(db, [yearend("yearend-again.csv", {"乙区": (0.64, 1.0, 1.0, 0.5)})])
    assert used == ["delta"]
    assert scores()["乙区"] == {"total": 72, "服务": 52, "服务 / 办事": 32, "设施": 20}
    assert view()[("乙区", "服务 / 办事")] == (32, 40, 8, 0.8)
