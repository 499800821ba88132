"""Invariants of the engine over random inputs (hypothesis): scores stay within their maxima,
exemption rescaling never exceeds the rubric's max, ranks are competition ranks per unit type."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import SCHEMES_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scoring import facts

from pipelines.engine.scoring import score_scheme
from pipelines.schemes.checks import load_scheme_file
from pipelines.schemes.tables import iter_leaves

# Loaded here rather than through the fixture, so that hypothesis reports stay readable.
YUEYANG = load_scheme_file(SCHEMES_DIR / "yueyang-2017.yaml")
JINTAN = load_scheme_file(SCHEMES_DIR / "jintan-2013.yaml")

UNITS = [("华容县", "县市区"), ("湘阴县", "县市区"), ("平江县", "县市区"),
         ("市教育局", "市直及中省驻岳单位"), ("市财政局", "市直及中省驻岳单位")]


def yueyang_codes() -> dict[str, list[tuple[str, float]]]:
    out = {}
    for rubric in YUEYANG.rubrics:
        for unit_type in rubric.unit_types:
            out[unit_type] = [(lf.indicator.code, lf.indicator.max_points)
                              for lf in iter_leaves(rubric)]
    return out


entries = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=len(UNITS) - 1),
        st.integers(min_value=0, max_value=38),
        st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5, 20.0]),
        st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=entries, bonus=st.lists(st.sampled_from([0.5, 1.0]), max_size=4))
def test_yueyang_scores_stay_within_bounds(rows, bonus):
    codes = yueyang_codes()
    seen, yearend = set(), []
    for unit_index, code_index, deduction, exempt in rows:
        unit, unit_type = UNITS[unit_index]
        unit_codes = codes[unit_type]
        code = unit_codes[code_index % len(unit_codes)][0]
        if (unit, code) in seen:
            continue
        seen.add((unit, code))
        yearend.append({"year": 2017, "unit": unit, "indicator": code,
                        "deduction": None if exempt else deduction, "exempt": exempt})
    adjustments = [{"year": 2017, "unit": "华容县", "kind": "加分", "clause": 1, "level": "市级",
                    "points": p} for p in bonus]
    out = score_scheme(YUEYANG,
                       facts("yueyang-2017", UNITS, yearend=yearend, adjustments=adjustments))

    scores = out.indicator_scores
    outside = (pl.col("score") < 0) | (pl.col("score") > pl.col("max_points"))
    assert scores.filter(outside).is_empty()
    assert scores.filter(pl.col("exempt") & (pl.col("lost") != 0)).is_empty()
    stages = out.stage_scores
    assert (stages["points"] <= 100 + 1e-9).all() and (stages["points"] >= 0).all()

    results = out.results
    assert results.height == len(UNITS)
    assert ((results["total"] - results["stages_total"] - results["bonus"]).abs() < 1e-9).all()
    for _, group in results.group_by("unit_type"):
        ordered = group.sort("total", descending=True)
        ranks = ordered["rank"].to_list()
        totals = ordered["total"].to_list()
        assert ranks[0] == 1
        for i in range(1, len(ranks)):
            same = abs(totals[i] - totals[i - 1]) < 1e-9
            assert ranks[i] == (ranks[i - 1] if same else i + 1)
    expected_grades = {"优秀", "良好", "合格", "不合格"}
    assert set(results["grade"]) <= expected_grades


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=24),
       adopted=st.integers(min_value=0, max_value=5))
def test_jintan_monthly_stage_is_bounded_and_ytd_adds_up(counts, adopted):
    """平时 never exceeds 60 + 0.3 × ⌊(P − 600)/step⌋; year-to-date points are running sums."""
    content = [{"month": f"2013-{(i % 12) + 1:02d}", "unit": "金城镇", "item": (i % 45) + 1,
                "count": c, "city_adopted": min(adopted, c)} for i, c in enumerate(counts)]
    # One row per (month, item): the template's key.
    content = list({(r["month"], r["item"]): r for r in content}.values())
    out = score_scheme(JINTAN,
                       facts("jintan-2013", [("金城镇", "区镇")], content=content))
    monthly = out.monthly_points.sort("month")
    running = monthly["points"].cum_sum().to_list()
    assert monthly["ytd_points"].to_list() == running
    stage = out.stage_scores.filter(pl.col("stage") == "monthly").row(0, named=True)
    p = stage["raw_points"]
    assert p == running[-1]
    assert stage["points"] <= 60 + 0.3 * (max(p - 600, 0) // 500) + 1e-9
    assert stage["points"] == pytest.approx(60 * min(p, 600) / 600 + stage["excess_bonus"])
