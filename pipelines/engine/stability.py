"""Rank stability (排名稳定性): how far a rank would move under slightly different weights.

For one scheme's year-end results, draw the weights many times at random within a band around
the scheme's own, rescore, and report each unit's median rank and its 5–95% interval; and each
indicator's effective weight (how closely it moves with the total) beside its nominal weight.

What is drawn (the same for every scheme kind; see docs/schemes.md «排名稳定性»):

- the stage weights (Jintan: 平时 0.6, 年终 0.4), each multiplied by a factor drawn uniformly in
  [1 − band, 1 + band], then renormalised so they still sum to 1 (a single stage stays at 1);
- each rubric indicator's points (分值), multiplied the same way, then renormalised within its
  rubric so the rubric's total (100) stays the same.

What is held fixed: each unit's score on each indicator as a fraction of that indicator's points
(a unit with 1.5 of 2 keeps 75%), exemptions (the rubric is still rescaled over the rest), the
monthly content stage's fraction min(P, 600)/600 and its content item points, the excess bonus,
and the bonus and penalty (加减分). Ranks are within the unit type, ties share the best place.

This reweights the results of `pipelines.engine.scoring` (fractions taken from its
indicator_scores and stage_scores); it scores no indicator itself. Vectorised: one matrix
product per rubric for all draws at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.engine.compare import group_ranks
from pipelines.engine.scoring import Results
from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import iter_leaves

BAND = 0.2
DRAWS = 1000
SEED = 13

UNIT_SCHEMA = {"scheme": pl.String, "year": pl.Int32, "unit": pl.String, "unit_type": pl.String,
               "rank": pl.Int32, "rank_median": pl.Int32, "rank_p05": pl.Int32,
               "rank_p95": pl.Int32, "band": pl.Float64, "draws": pl.Int32, "seed": pl.Int32}
WEIGHT_SCHEMA = {"scheme": pl.String, "year": pl.Int32, "rubric": pl.String, "code": pl.String,
                 "max_points": pl.Float64, "nominal_weight": pl.Float64,
                 "correlation": pl.Float64, "effective_weight": pl.Float64, "units": pl.Int32}


@dataclass(frozen=True)
class Stability:
    units: pl.DataFrame  # UNIT_SCHEMA
    weights: pl.DataFrame  # WEIGHT_SCHEMA


def rank_stability(scheme: Scheme, results: Results, *, band: float = BAND, draws: int = DRAWS,
                   seed: int = SEED) -> Stability:
    """Median rank and 5–95% rank interval per unit under `draws` random weightings within
    ±`band` (seeded, reproducible); and each indicator's effective weight."""
    res, totals = drawn_totals(scheme, results, band=band, draws=draws, seed=seed)
    if res.is_empty():
        return Stability(pl.DataFrame(schema=UNIT_SCHEMA), pl.DataFrame(schema=WEIGHT_SCHEMA))
    ranks = group_ranks(totals, res["unit_type"].to_numpy())
    q = np.quantile(ranks, [0.5, 0.05, 0.95], axis=0, method="inverted_cdf").astype(np.int32)
    unit_frame = pl.DataFrame({
        "scheme": scheme.id, "year": scheme.year, "unit": res["unit"],
        "unit_type": res["unit_type"], "rank": res["rank"],
        "rank_median": q[0], "rank_p05": q[1], "rank_p95": q[2],
        "band": band, "draws": draws, "seed": seed,
    }, schema=UNIT_SCHEMA)
    return Stability(unit_frame, effective_weights(scheme, results))


def drawn_totals(scheme: Scheme, results: Results, *, band: float = BAND, draws: int = DRAWS,
                 seed: int = SEED) -> tuple[pl.DataFrame, np.ndarray]:
    """The scheme's result rows and their totals under each draw (draws × units)."""
    res = results.results.filter(pl.col("scheme") == scheme.id)
    if res.is_empty():
        return res, np.zeros((draws, 0))
    ind = results.indicator_scores.filter(pl.col("scheme") == scheme.id)
    stages = results.stage_scores.filter(pl.col("scheme") == scheme.id)
    index = res.select("unit").with_row_index("_u")
    n = res.height
    rng = np.random.default_rng(seed)
    T = float(scheme.total_points)

    # Stage weights, drawn and renormalised: draws × stages.
    basis = [s.basis for s in scheme.stages]
    nominal_w = np.array([s.weight for s in scheme.stages], dtype=float)
    w = nominal_w * rng.uniform(1 - band, 1 + band, size=(draws, len(nominal_w)))
    w = w / w.sum(axis=1, keepdims=True) * nominal_w.sum()
    w_rubric = w[:, basis.index("rubric")] if "rubric" in basis else np.zeros(draws)
    w_content = w[:, basis.index("content")] if "content" in basis else np.zeros(draws)

    # The rubric stage's fraction per draw and unit: Σ m'·f / Σ m'·available, rubric by rubric.
    rubric_frac = np.zeros((draws, n))
    for rubric in scheme.rubrics:
        codes = [leaf.indicator.code for leaf in iter_leaves(rubric)]
        m = np.array([leaf.indicator.max_points for leaf in iter_leaves(rubric)], dtype=float)
        rows = ind.filter(pl.col("rubric") == rubric.id)
        if rows.is_empty():
            continue
        frac, avail, members = _matrices(rows, codes, index)
        drawn = m * rng.uniform(1 - band, 1 + band, size=(draws, len(m)))
        drawn = drawn / drawn.sum(axis=1, keepdims=True) * m.sum()
        earned = drawn @ (frac * avail).T  # draws × the rubric's units
        available = drawn @ avail.T
        with np.errstate(divide="ignore", invalid="ignore"):
            rubric_frac[:, members] = np.where(available > 0, earned / available, 0.0)

    # Fixed parts: the content stage's fraction, the excess bonus, bonus − penalty.
    content_base, excess = np.zeros(n), np.zeros(n)
    content_ids = [s.id for s in scheme.stages if s.basis == "content"]
    content = stages.filter(pl.col("stage").is_in(content_ids)).join(index, on="unit").group_by(
        "_u").agg(excess=pl.col("excess_bonus").sum(),
                  base=(pl.col("points") - pl.col("excess_bonus")).sum())
    at = content["_u"].to_numpy()
    excess[at] = content["excess"].to_numpy()
    content_base[at] = content["base"].to_numpy()
    nominal_content = float(nominal_w[basis.index("content")]) if "content" in basis else 0.0
    content_frac = content_base / (nominal_content * T) if nominal_content > 0 else content_base
    adjust = (res["bonus"] - res["penalty"]).to_numpy()

    totals = (T * (w_rubric[:, None] * rubric_frac + w_content[:, None] * content_frac)
              + excess + adjust)
    return res, totals


def _matrices(rows: pl.DataFrame, codes: list[str], index: pl.DataFrame
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the units of one rubric (`members`, positions in `index`), units × leaves: the score
    as a fraction of max, and 1 where the leaf counts (not exempt)."""
    leaf = pl.DataFrame({"code": codes, "_c": np.arange(len(codes))},
                        schema={"code": pl.String, "_c": pl.Int64})
    keyed = rows.join(index, on="unit").join(leaf, on="code")
    members, local = np.unique(keyed["_u"].to_numpy(), return_inverse=True)
    cj = keyed["_c"].to_numpy()
    mx = keyed["max_points"].to_numpy()
    frac = np.zeros((len(members), len(codes)))
    avail = np.zeros((len(members), len(codes)))
    with np.errstate(divide="ignore", invalid="ignore"):
        frac[local, cj] = np.where(mx > 0, keyed["score"].to_numpy() / mx, 0.0)
    avail[local, cj] = (~keyed["exempt"].to_numpy()).astype(float)
    return frac, avail, members


def effective_weights(scheme: Scheme, results: Results) -> pl.DataFrame:
    """Per rubric indicator: its nominal weight (its share of the scheme's total points,
    stage weight × points / rubric total), the Pearson correlation of its score with the unit
    total across the rubric's units, and the effective weight: the positive correlations scaled
    to add up to the stage weight, so the two weights read on one scale. Null where an indicator
    (or the total) does not vary or fewer than 3 units are scored."""
    ind = results.indicator_scores.filter(pl.col("scheme") == scheme.id)
    res = results.results.filter(pl.col("scheme") == scheme.id)
    index = res.select("unit").with_row_index("_u")
    totals = res["total"].to_numpy()
    w_rubric = next((s.weight for s in scheme.stages if s.basis == "rubric"), 0.0)
    frames = []
    for rubric in scheme.rubrics:
        leaves = list(iter_leaves(rubric))
        codes = [leaf.indicator.code for leaf in leaves]
        m = np.array([leaf.indicator.max_points for leaf in leaves], dtype=float)
        rows = ind.filter(pl.col("rubric") == rubric.id)
        corr = np.full(len(codes), np.nan)
        n_units = 0
        if not rows.is_empty():
            frac, _, members = _matrices(rows, codes, index)
            n_units = len(members)
        if n_units >= 3:
            x = frac * m  # units × leaves: the scores
            y = totals[members]
            xc, yc = x - x.mean(axis=0), y - y.mean()
            denom = np.sqrt((xc**2).sum(axis=0) * (yc**2).sum())
            with np.errstate(divide="ignore", invalid="ignore"):
                corr = np.where(denom > 1e-12, (xc * yc[:, None]).sum(axis=0) / denom, np.nan)
        positive = np.where(np.isnan(corr), 0.0, np.clip(corr, 0.0, None))
        scale = positive.sum()
        effective = np.where(np.isnan(corr), np.nan,
                             positive / scale * w_rubric if scale > 0 else np.nan)
        frames.append(pl.DataFrame({
            "scheme": scheme.id, "year": scheme.year, "rubric": rubric.id, "code": codes,
            "max_points": m, "nominal_weight": w_rubric * m / m.sum(),
            "correlation": corr, "effective_weight": effective, "units": n_units,
        }, schema=WEIGHT_SCHEMA).with_columns(pl.col("correlation", "effective_weight")
                                              .fill_nan(None)))
    return pl.concat(frames) if frames else pl.DataFrame(schema=WEIGHT_SCHEMA)


def stability_tables(schemes: list[Scheme], results: Results) -> dict[str, pl.DataFrame]:
    """The warehouse tables `rank_stability` and `indicator_weights` for every scheme with
    results, at the default band, draws and seed."""
    parts = [rank_stability(s, results) for s in schemes]
    return {
        "rank_stability": pl.concat([p.units for p in parts]) if parts
        else pl.DataFrame(schema=UNIT_SCHEMA),
        "indicator_weights": pl.concat([p.weights for p in parts]) if parts
        else pl.DataFrame(schema=WEIGHT_SCHEMA),
    }
