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
    units = res["unit"].to_list()
    index = {u: i for i, u in enumerate(units)}
    n = len(units)
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
        frac, avail, members = _matrices(rows, codes, index, n)
        drawn = m * rng.uniform(1 - band, 1 + band, size=(draws, len(m)))
        drawn = drawn / drawn.sum(axis=1, keepdims=True) * m.sum()
        earned = drawn @ (frac * avail).T  # draws × units
        available = drawn @ avail.T
        with np.errstate(divide="ignore", invalid="ignore"):
            part = np.where(available > 0, earned / available, 0.0)
        rubric_frac[:, members] = part[:, members]

    # Fixed parts: the content stage's fraction, the excess bonus, bonus − penalty.
    content_base, excess = np.zeros(n), np.zeros(n)
    content_ids = {s.id for s in scheme.stages if s.basis == "content"}
    for r in stages.iter_rows(named=True):
        if r["stage"] in content_ids and r["unit"] in index:
            i = index[r["unit"]]
            excess[i] += r["excess_bonus"]
            content_base[i] += r["points"] - r["excess_bonus"]
    nominal_content = float(nominal_w[basis.index("content")]) if "content" in basis else 0.0
    content_frac = content_base / (nominal_content * T) if nominal_content > 0 else content_base
    adjust = (res["bonus"] - res["penalty"]).to_numpy()

    totals = (T * (w_rubric[:, None] * rubric_frac + w_content[:, None] * content_frac)
              + excess + adjust)
    return res, totals


def _matrices(rows: pl.DataFrame, codes: list[str], index: dict[str, int], n: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """units × leaves: score as a fraction of max, 1 where the leaf counts (not exempt); and the
    units of this rubric."""
    col = {c: j for j, c in enumerate(codes)}
    frac = np.zeros((n, len(codes)))
    avail = np.zeros((n, len(codes)))
    ui = np.array([index[u] for u in rows["unit"]], dtype=np.int64)
    cj = np.array([col[c] for c in rows["code"]], dtype=np.int64)
    mx = rows["max_points"].to_numpy()
    frac[ui, cj] = np.where(mx > 0, rows["score"].to_numpy() / mx, 0.0)
    avail[ui, cj] = (~rows["exempt"].to_numpy()).astype(float)
    return frac, avail, np.unique(ui)


def effective_weights(scheme: Scheme, results: Results) -> pl.DataFrame:
    """Per rubric indicator: its nominal weight (its share of the scheme's total points,
    stage weight × points / rubric total), the Pearson correlation of its score with the unit
    total across the rubric's units, and the effective weight: the positive correlations scaled
    to add up to the stage weight, so the two weights read on one scale. Null where an indicator
    (or the total) does not vary or fewer than 3 units are scored."""
    ind = results.indicator_scores.filter(pl.col("scheme") == scheme.id)
    totals = results.results.filter(pl.col("scheme") == scheme.id).select("unit", "total")
    w_rubric = next((s.weight for s in scheme.stages if s.basis == "rubric"), 0.0)
    frames = []
    for rubric in scheme.rubrics:
        leaves = list(iter_leaves(rubric))
        codes = [leaf.indicator.code for leaf in leaves]
        m = np.array([leaf.indicator.max_points for leaf in leaves], dtype=float)
        rows = ind.filter(pl.col("rubric") == rubric.id)
        wide = (rows.pivot(on="code", index="unit", values="score").join(totals, on="unit")
                if not rows.is_empty() else None)
        corr = np.full(len(codes), np.nan)
        n_units = 0 if wide is None else wide.height
        if wide is not None and n_units >= 3:
            x = np.column_stack([wide[c].fill_null(0.0).to_numpy() if c in wide.columns
                                 else np.zeros(n_units) for c in codes])
            y = wide["total"].to_numpy()
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
