"""Rank stability: ranks under random weights within a band, on constructed and sample data."""

from __future__ import annotations

import csv
import io

import numpy as np
import polars as pl
from click.testing import CliRunner

from egov.cli import main
from pipelines.engine.scoring import Facts, score_all
from pipelines.engine.stability import drawn_totals, effective_weights, rank_stability
from pipelines.schemes.checks import load_scheme_text
from warehouse import database

SCHEME = """
id: tri-2024
name: 三项指标考核
jurisdiction: 三县
year: 2024
documents: [{number: 三政发1号, title: 三县考核办法}]
unit_types: [{name: 部门}]
stages: [{id: yearend, name: 年终考评, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: 细则
    unit_types: [部门]
    max_points: 100
    missing_input: zero
    default_rule: {kind: ratio}
    categories:
      - name: 工作
        children:
          - {code: A, max_points: 40}
          - {code: B, max_points: 30}
          - {code: C, max_points: 30}
"""
# unit: (A, B, C) as fractions (numerator of 100)
UNITS = {
    "领先": (1.0, 1.0, 1.0),  # 100: leads by a wide margin
    "甲": (1.0, 0.5, 0.3),  # 40 + 15 + 9 = 64
    "乙": (0.6, 0.9, 0.35),  # 24 + 27 + 10.5 = 61.5: near-tied with 甲
    "末": (0.1, 0.1, 0.1),  # 10
}


def facts() -> Facts:
    state = database.empty_state()
    units = pl.DataFrame(
        [{"scheme": "tri-2024", "unit": u, "unit_type": "部门", "is_sample": False, "load_id": 1}
         for u in UNITS], schema=state["units"].schema)
    rows = [{"scheme": "tri-2024", "year": 2024, "unit": u, "indicator": code,
             "numerator": 100 * f, "denominator": 100.0, "exempt": False, "load_id": 1}
            for u, fractions in UNITS.items() for code, f in zip("ABC", fractions, strict=True)]
    return Facts(units, state["content_tallies"],
                 pl.DataFrame(rows, schema=state["yearend_inputs"].schema),
                 state["adjustment_inputs"], state["metric_values"])


def test_a_wide_leader_is_stable_and_near_ties_overlap():
    scheme = load_scheme_text(SCHEME, "tri.yaml")
    results = score_all([scheme], facts())
    assert dict(zip(results.results["unit"], results.results["total"], strict=True)) == {
        "领先": 100.0, "甲": 64.0, "乙": 61.5, "末": 10.0}
    st = rank_stability(scheme, results)
    by_unit = {r["unit"]: r for r in st.units.iter_rows(named=True)}
    lead = by_unit["领先"]
    assert (lead["rank"], lead["rank_median"], lead["rank_p05"], lead["rank_p95"]) == (1, 1, 1, 1)
    last = by_unit["末"]
    assert (last["rank_p05"], last["rank_p95"]) == (4, 4)
    a, b = by_unit["甲"], by_unit["乙"]
    assert a["rank_p05"] <= b["rank_p95"] and b["rank_p05"] <= a["rank_p95"]  # overlap
    assert (a["rank_p05"], a["rank_p95"]) == (2, 3) and (b["rank_p05"], b["rank_p95"]) == (2, 3)
    assert set(st.units["draws"]) == {1000} and set(st.units["band"]) == {0.2}


def test_draws_are_seeded_and_keep_the_total_points():
    scheme = load_scheme_text(SCHEME, "tri.yaml")
    results = score_all([scheme], facts())
    first = rank_stability(scheme, results, seed=7).units
    assert first.equals(rank_stability(scheme, results, seed=7).units)
    # A band of 0 reproduces the published totals exactly.
    res, totals = drawn_totals(scheme, results, band=0.0, draws=5)
    assert np.allclose(totals, res["total"].to_numpy()[None, :])
    # With every unit at full marks each draw totals 100: the points are renormalised.
    full = facts()
    full = Facts(full.units, full.content_tallies,
                 full.yearend_inputs.with_columns(numerator=pl.lit(100.0)),
                 full.adjustment_inputs, full.metric_values)
    _, totals = drawn_totals(scheme, score_all([scheme], full), band=0.5, draws=50)
    assert np.allclose(totals, 100.0)


def test_effective_weights_read_beside_nominal():
    scheme = load_scheme_text(SCHEME, "tri.yaml")
    weights = effective_weights(scheme, score_all([scheme], facts()))
    assert weights["code"].to_list() == ["A", "B", "C"]
    assert np.allclose(weights["nominal_weight"].to_numpy(), [0.4, 0.3, 0.3])
    assert abs(weights["effective_weight"].sum() - 1.0) < 1e-9
    assert (weights["correlation"] > 0.5).all()


def test_jintan_stages_move_and_content_stays(demo_db):
    """Jintan: a unit with its stage fractions fixed only moves through the reweighting."""
    from pipelines.loading import open_state, score_state

    schemes, results = score_state(open_state(demo_db))
    jintan = next(s for s in schemes if s.id == "jintan-2013")
    res, totals = drawn_totals(jintan, results, band=0.0, draws=2)
    assert np.allclose(totals, res["total"].to_numpy()[None, :])
    st = rank_stability(jintan, results)
    assert (st.units["rank_p05"] <= st.units["rank_median"]).all()
    assert (st.units["rank_median"] <= st.units["rank_p95"]).all()


def test_scores_stability_columns(demo_db):
    result = CliRunner().invoke(main, ["scores", "--db", str(demo_db), "--scheme", "jintan-2013",
                                       "--year", "2013", "--format", "csv", "--stability"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    columns = list(rows[0])
    assert columns[-4:] == ["rank_median", "rank_p05", "rank_p95", "sample"]
    assert columns[:7] == ["scheme", "year", "unit", "unit_type", "total", "grade", "rank"]
    for r in rows:
        assert int(r["rank_p05"]) <= int(r["rank_median"]) <= int(r["rank_p95"])
    bad = CliRunner().invoke(main, ["scores", "--db", str(demo_db), "--scheme", "jintan-2013",
                                    "--year", "2013", "--month", "2013-03", "--stability"])
    assert bad.exit_code == 2


def _reference_totals(scheme, results, band, draws, seed):
    """The draws scored the plain way (one whole draws × units matrix, as first written), for
    the chunked engine to match."""
    res = results.results
    ind = results.indicator_scores
    rng = np.random.default_rng(seed)
    w = rng.uniform(1 - band, 1 + band, size=(draws, 1))
    w = w / w.sum(axis=1, keepdims=True)  # one stage: stays 1
    m = np.array([40.0, 30.0, 30.0])
    drawn = m * rng.uniform(1 - band, 1 + band, size=(draws, 3))
    drawn = drawn / drawn.sum(axis=1, keepdims=True) * m.sum()
    totals = np.zeros((draws, res.height))
    for j, unit in enumerate(res["unit"]):
        rows = ind.filter(pl.col("unit") == unit).sort("code")
        frac = (rows["score"] / rows["max_points"]).to_numpy()
        avail = (~rows["exempt"]).to_numpy().astype(float)
        totals[:, j] = w[:, 0] * 100 * (drawn @ (frac * avail)) / (drawn @ avail)
    return totals + (res["bonus"] - res["penalty"]).to_numpy()


def test_chunked_draws_equal_one_block_and_the_plain_computation():
    """Any chunk size scores the same draws to the same ranks; with an exemption (甲 exempt
    from C: its rubric is rescaled over A and B) and a bonus. The totals agree to 1e-12: BLAS may
    add a product's terms in another order for another block height, far below the 1e-9 that
    ranks round away."""
    scheme = load_scheme_text(SCHEME, "tri.yaml")
    base = facts()
    yearend = base.yearend_inputs.with_columns(
        exempt=(pl.col("unit") == "甲") & (pl.col("indicator") == "C"))
    adjust = pl.DataFrame([{"scheme": "tri-2024", "year": 2024, "unit": "末", "kind": "加分",
                            "points": 1.5, "clause": 1, "load_id": 1}],
                          schema=database.empty_state()["adjustment_inputs"].schema)
    results = score_all([scheme], Facts(base.units, base.content_tallies, yearend, adjust,
                                        base.metric_values))
    assert dict(zip(results.results["unit"], results.results["total"], strict=True))["甲"] \
        == 55 / 70 * 100
    res, whole = drawn_totals(scheme, results, band=0.3, draws=200, seed=3, chunk=200)
    for chunk in (1, 7, 64):
        _, part = drawn_totals(scheme, results, band=0.3, draws=200, seed=3, chunk=chunk)
        assert np.allclose(part, whole, rtol=0, atol=1e-12)
    assert np.allclose(whole, _reference_totals(scheme, results, 0.3, 200, 3), rtol=0,
                       atol=1e-9)
    one = rank_stability(scheme, results, band=0.3, draws=200, seed=3, chunk=200).units
    for chunk in (1, 7, 64, None):
        assert rank_stability(scheme, results, band=0.3, draws=200, seed=3,
                              chunk=chunk).units.equals(one)


def test_a_unit_type_of_more_than_32767_units_keeps_its_ranks():
    """Ranks are kept as int16 while a unit type has fewer than 32,768 units; past that, int32:
    the last of 33,000 units is ranked 33,000 in every draw."""
    scheme = load_scheme_text(SCHEME, "tri.yaml")
    state = database.empty_state()
    n = 33_000
    names = [f"单位{i:05d}" for i in range(n)]
    units = pl.DataFrame({"scheme": "tri-2024", "unit": names, "unit_type": "部门",
                          "is_sample": False, "load_id": 1})
    units = units.select([pl.col(c) if c in units.columns else pl.lit(None).alias(c)
                          for c in state["units"].columns]).cast(state["units"].schema)
    share = np.linspace(1.0, 0.0, n)  # 单位00000 best, 单位32999 last (all three at 0)
    yearend = pl.DataFrame({
        "scheme": "tri-2024", "year": 2024, "unit": np.repeat(names, 3),
        "indicator": ["A", "B", "C"] * n, "numerator": np.repeat(100 * share, 3),
        "denominator": 100.0, "exempt": False, "load_id": 1})
    yearend = yearend.select([pl.col(c) if c in yearend.columns else pl.lit(None).alias(c)
                              for c in state["yearend_inputs"].columns]
                             ).cast(state["yearend_inputs"].schema)
    results = score_all([scheme], Facts(units, state["content_tallies"], yearend,
                                        state["adjustment_inputs"], state["metric_values"]))
    st = rank_stability(scheme, results, draws=20).units
    last = st.filter(pl.col("unit") == names[-1]).row(0, named=True)
    assert (last["rank"], last["rank_median"], last["rank_p05"], last["rank_p95"]) == (n,) * 4
    assert st["rank_p95"].max() == n and st["rank_p05"].min() == 1
