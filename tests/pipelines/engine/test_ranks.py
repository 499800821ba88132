"""Competition ranks in numpy (rank stability's draws, a comparison's what-if totals): ties share
the best place exactly as scipy's rankdata(method="min") and rules.competition_rank give them."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pipelines.engine.ranks import group_ranks, noise_free_keys, row_ranks
from pipelines.engine.rules import NOISE_DIGITS, competition_rank


def test_ties_share_the_best_place_by_hand():
    totals = np.array([[90.0, 80.0, 90.0, 70.0, 80.0, 80.0],
                       [50.0, 50.0, 50.0, 50.0, 50.0, 50.0],
                       [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]])
    assert row_ranks(noise_free_keys(totals)).tolist() == [[1, 3, 1, 6, 3, 3],
                                                           [1, 1, 1, 1, 1, 1],
                                                           [6, 5, 4, 3, 2, 1]]


def test_float_noise_ties_and_a_real_difference_does_not():
    totals = np.array([[0.1 + 0.2, 0.3, 0.3 + 2e-9, 0.3 - 2e-9]])
    assert row_ranks(noise_free_keys(totals)).tolist() == [[2, 2, 1, 4]]


def test_matches_scipy_rankdata_min_with_many_ties():
    rng = np.random.default_rng(5)
    totals = np.round(rng.normal(70, 3, (60, 400)), 1) + rng.choice([0.0, 1e-12], (60, 400))
    expected = stats.rankdata(-np.round(totals, NOISE_DIGITS), method="min", axis=1)
    assert np.array_equal(row_ranks(noise_free_keys(totals)), expected)
    groups = rng.choice(np.array(["区镇", "部门", "垂直"]), 400)
    grouped = group_ranks(totals, groups)
    for g in np.unique(groups):
        cols = groups == g
        assert np.array_equal(grouped[:, cols], stats.rankdata(
            -np.round(totals[:, cols], NOISE_DIGITS), method="min", axis=1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.1 + 0.2, 59.95, 60.0, 99.99,
                                          100.0, -1.5]), min_size=5, max_size=5),
                min_size=1, max_size=6))
def test_any_rows_with_ties_rank_as_scipy(rows):
    totals = np.array(rows)
    expected = stats.rankdata(-np.round(totals, NOISE_DIGITS), method="min", axis=1)
    assert np.array_equal(row_ranks(noise_free_keys(totals)), expected)


def test_matches_the_published_rank():
    rng = np.random.default_rng(8)
    totals = np.round(rng.uniform(60, 100, 500), 2)
    groups = rng.choice(np.array(["a", "b"]), 500)
    frame = pl.DataFrame({"total": totals, "g": groups}).with_columns(
        rank=competition_rank(pl.col("total"), "g"))
    assert group_ranks(totals[None, :], groups)[0].tolist() == frame["rank"].to_list()


def test_ingest_does_not_import_scipy():
    code = ("import sys, pipelines.loading, pipelines.delta, egov.cli; "
            "sys.exit('scipy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
