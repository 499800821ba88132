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
and the bonus and penalty (加减分). Ranks are within the unit type, ties share the best place;
units not ranked (不排名) are left out.

This reweights the results of `pipelines.engine.scoring` (fractions taken from its
indicator_scores and stage_scores); it scores no indicator itself. Vectorised: the draws are
taken up front (so the seed gives the same draws however they are processed), then scored a block
of draws at a time, one matrix product per rubric; ranks by `pipelines.engine.ranks` (numpy). Only
the ranks (int16, draws × units) are kept whole: at 60,000 units and 1,000 draws, 120 MB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from threadpoolctl import threadpool_limits

from pipelines.engine import aggregation
from pipelines.engine.ranks import noise_free_keys, row_ranks
from pipelines.engine.scoring import Results
from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import iter_leaves, rubric_for_unit_type

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
                   seed: int = SEED, chunk: int | None = None) -> Stability:
    """Median rank and 5–95% rank interval per unit under `draws` random weightings within
    ±`band` (seeded, reproducible); and each indicator's effective weight.

    The draws are scored `chunk` at a time (by default as many as fit in 500,000 cells, at
    least 64): only the ranks (int16, draws × units) are kept whole, never a float matrix of
    every draw."""
    fixed = _Fixed.build(scheme, results)
    if fixed.n == 0:
        return Stability(pl.DataFrame(schema=UNIT_SCHEMA), pl.DataFrame(schema=WEIGHT_SCHEMA))
    drawn = _Draws.make(scheme, fixed, band=band, draws=draws, seed=seed)
    # A rank is at most the size of its unit type: int16 holds it up to 32,767 units of a type
    # (60,000 units and 1,000 draws: 120 MB), int32 beyond.
    largest = max(_width(cols) for cols in fixed.groups)
    ranks = np.empty((draws, fixed.n), dtype=np.int16 if largest < 2**15 else np.int32)
    with _one_blas_thread():
        for a, b in _blocks(draws, fixed.n, chunk):
            keys = noise_free_keys(fixed.totals(drawn, a, b))
            for cols in fixed.groups:
                if isinstance(cols, slice):
                    row_ranks(keys[:, cols], out=ranks[a:b, cols])
                else:
                    ranks[a:b, cols] = row_ranks(keys[:, cols])
    # The median and the 5% and 95% points: numpy's «inverted_cdf» quantiles (an observed rank,
    # never an average of two), read off each unit's sorted ranks at the positions that method
    # picks among `draws` sorted values.
    at = np.quantile(np.arange(draws), [0.5, 0.05, 0.95], method="inverted_cdf")
    ranks.sort(axis=0)
    q = np.empty((3, fixed.n), dtype=np.int32)
    q[:, fixed.order] = ranks[at]
    del ranks
    res = fixed.res
    unit_frame = pl.DataFrame({
        "scheme": scheme.id, "year": scheme.year, "unit": res["unit"],
        "unit_type": res["unit_type"], "rank": res["rank"],
        "rank_median": q[0], "rank_p05": q[1], "rank_p95": q[2],
        "band": band, "draws": draws, "seed": seed,
    }, schema=UNIT_SCHEMA)
    return Stability(unit_frame, fixed.effective_weights(scheme))


def drawn_totals(scheme: Scheme, results: Results, *, band: float = BAND, draws: int = DRAWS,
                 seed: int = SEED, chunk: int | None = None) -> tuple[pl.DataFrame, np.ndarray]:
    """The scheme's result rows and their totals under each draw (draws × units, in the rows'
    order). For tests and inspection: `rank_stability` never holds this whole matrix."""
    fixed = _Fixed.build(scheme, results)
    if fixed.n == 0:
        return fixed.res, np.zeros((draws, 0))
    drawn = _Draws.make(scheme, fixed, band=band, draws=draws, seed=seed)
    totals = np.empty((draws, fixed.n))
    with _one_blas_thread():
        for a, b in _blocks(draws, fixed.n, chunk):
            totals[a:b, fixed.order] = fixed.totals(drawn, a, b)
    return fixed.res, totals


CHUNK_CELLS = 500_000  # draws × units scored at once (4 MB per float matrix: in cache) ...
CHUNK_DRAWS = 64  # ... but at least this many draws: each block reads the units × indicators
# matrices once (46 MB at 60,000 units), so blocks of a few draws would spend their time there.


def _one_blas_thread() -> threadpool_limits:
    """The chunks' matrix products are small: BLAS threads would spin waiting for each other
    (twice the CPU time on a shared machine) for no gain. One thread or two, a product may
    differ in its last bit, far below the 1e-9 that ranks round away."""
    return threadpool_limits(limits=1, user_api="blas")


def _blocks(draws: int, n: int, chunk: int | None) -> list[tuple[int, int]]:
    step = max(1, chunk if chunk is not None else max(CHUNK_DRAWS, CHUNK_CELLS // max(n, 1)))
    return [(a, min(a + step, draws)) for a in range(0, draws, step)]


@dataclass(frozen=True)
class _Rubric:
    """One rubric's units (a slice of the unit order) and leaves, as matrices."""

    id: str
    codes: list[str]
    m: np.ndarray  # the leaves' points
    cols: slice  # the rubric's units in the unit order
    frac: np.ndarray  # units × leaves: score as a fraction of the leaf's points
    earned: np.ndarray  # units × leaves: frac where the leaf counts (not exempt), else 0
    patterns: np.ndarray  # distinct rows of "the leaf counts" (1/0), patterns × leaves
    pattern_of: np.ndarray  # each unit's pattern
    # A rubric with a geometric or harmonic group: its tree of means (engine/aggregation.py),
    # scored per draw from the drawn points; None for the (linear) sum of points.
    tree: aggregation.Group | None = None
    avail: np.ndarray | None = None  # units × leaves: the leaf counts (1/0)


@dataclass(frozen=True)
class _Fixed:
    """What the draws hold fixed, for one scheme's units in `order`: the result rows sorted by
    rubric and unit type, so each rubric's units and each unit type are contiguous columns."""

    res: pl.DataFrame  # the scheme's result rows, in their own order
    order: np.ndarray  # unit order: position in `res` of each column
    n: int
    groups: list  # the columns of each unit type (slices where contiguous)
    rubrics: list[_Rubric]
    total_points: float
    nominal_w: np.ndarray
    basis: list[str]
    content_frac: np.ndarray
    excess: np.ndarray
    adjust: np.ndarray
    totals_now: np.ndarray  # the published totals

    # Adding a part that is 0 for every unit changes no total: those additions are skipped.
    @property
    def has_content(self) -> bool:
        return "content" in self.basis

    @property
    def has_excess(self) -> bool:
        return bool(self.excess.any())

    @property
    def has_adjust(self) -> bool:
        return bool(self.adjust.any())

    @staticmethod
    def build(scheme: Scheme, results: Results) -> _Fixed:
        # A unit not ranked (不排名) has no rank to be stable, and takes no place in a draw.
        res = results.results.filter((pl.col("scheme") == scheme.id)
                                     & pl.col("rank").is_not_null())
        n = res.height
        # Only the columns used, each row's unit as its place in `res` (no text join).
        units = pl.Enum(res["unit"])
        ind = results.indicator_scores.select(
            "scheme", "rubric", "code", "max_points", "score", "exempt",
            _u=pl.col("unit").cast(units, strict=False).to_physical().cast(pl.Int64),
        ).filter((pl.col("scheme") == scheme.id) & pl.col("_u").is_not_null())
        stages = results.stage_scores.filter(pl.col("scheme") == scheme.id)
        index = res.select("unit").with_row_index("_u")
        # Each unit's rubric (its unit type's; none: last) and unit type.
        rubric_ids = [r.id for r in scheme.rubrics]
        place = {t: rubric_ids.index(r) for t, r in rubric_for_unit_type(scheme).items()}
        of_unit = res.select(pl.col("unit_type").replace_strict(
            place, default=len(rubric_ids), return_dtype=pl.Int64)).to_series().to_numpy()
        types, type_of = np.unique(res["unit_type"].to_numpy().astype(str), return_inverse=True)
        order = np.lexsort((np.arange(n), type_of, of_unit))
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        groups = [_columns(np.flatnonzero(type_of[order] == g)) for g in range(len(types))]

        rubrics = []
        for r_pos, rubric in enumerate(scheme.rubrics):
            leaves = list(iter_leaves(rubric))
            codes = [leaf.indicator.code for leaf in leaves]
            m = np.array([leaf.indicator.max_points for leaf in leaves], dtype=float)
            cols = np.flatnonzero(of_unit[order] == r_pos)
            rows = ind.filter(pl.col("rubric") == rubric.id) if len(rubric_ids) > 1 else ind
            if rows.is_empty() or len(cols) == 0:
                continue
            frac, avail = _matrices(rows, codes, position, cols[0], len(cols))
            patterns, pattern_of = _patterns(avail)
            tree = aggregation.build(rubric) if aggregation.is_tree(rubric) else None
            rubrics.append(_Rubric(rubric.id, codes, m, slice(cols[0], cols[-1] + 1), frac,
                                   frac * avail, patterns, pattern_of.ravel(), tree,
                                   avail if tree is not None else None))
        del ind

        # Fixed parts: the content stage's fraction, the excess bonus, bonus − penalty.
        basis = [s.basis for s in scheme.stages]
        nominal_w = np.array([s.weight for s in scheme.stages], dtype=float)
        T = float(scheme.total_points)
        content_base, excess = np.zeros(n), np.zeros(n)
        content_ids = [s.id for s in scheme.stages if s.basis == "content"]
        content = stages.filter(pl.col("stage").is_in(content_ids)).join(
            index, on="unit").group_by("_u").agg(
            excess=pl.col("excess_bonus").sum(),
            base=(pl.col("points") - pl.col("excess_bonus")).sum())
        at = content["_u"].to_numpy()
        excess[at] = content["excess"].to_numpy()
        content_base[at] = content["base"].to_numpy()
        nominal_content = float(nominal_w[basis.index("content")]) if "content" in basis else 0.0
        content_frac = (content_base / (nominal_content * T) if nominal_content > 0
                        else content_base)
        adjust = (res["bonus"] - res["penalty"]).to_numpy()
        return _Fixed(res, order, n, groups, rubrics, T, nominal_w, basis, content_frac[order],
                      excess[order], adjust[order], res["total"].to_numpy()[order])

    def totals(self, drawn: _Draws, a: int, b: int) -> np.ndarray:
        """The totals of draws a..b (rows) of every unit (columns, in `order`):
        T · (w_rubric · rubric fraction + w_content · content fraction) + excess + adjust,
        computed in place in that order (the same floats as one expression)."""
        totals = np.zeros((b - a, self.n))  # outside every rubric the rubric fraction is 0
        for rubric, points in zip(self.rubrics, drawn.points, strict=True):
            d = points[a:b]
            if rubric.tree is not None:
                # Means other than arithmetic are not a matrix product: the tree, per draw.
                totals[:, rubric.cols] = aggregation.shares(rubric.tree, d, rubric.frac,
                                                            rubric.avail, rubric.codes)
                continue
            # The rubric stage's fraction: Σ m'·f / Σ m'·available. Units share a handful of
            # "available" patterns (no exemption, or one indicator exempt ...): one column each.
            block = d @ rubric.earned.T
            available = d @ rubric.patterns.T
            if len(rubric.patterns) > 1:
                available = available[:, rubric.pattern_of]
            with np.errstate(divide="ignore", invalid="ignore"):
                block /= available
            if (available <= 0).any():
                block[np.broadcast_to(available <= 0, block.shape)] = 0.0
            totals[:, rubric.cols] = block
        totals *= drawn.w_rubric[a:b, None]
        if self.has_content:
            totals += drawn.w_content[a:b, None] * self.content_frac
        totals *= self.total_points
        if self.has_excess:
            totals += self.excess
        if self.has_adjust:
            totals += self.adjust
        return totals

    def effective_weights(self, scheme: Scheme) -> pl.DataFrame:
        """See `effective_weights`."""
        w_rubric = next((s.weight for s in scheme.stages if s.basis == "rubric"), 0.0)
        found = {r.id: r for r in self.rubrics}
        frames = []
        for rubric in scheme.rubrics:
            leaves = list(iter_leaves(rubric))
            codes = [leaf.indicator.code for leaf in leaves]
            m = np.array([leaf.indicator.max_points for leaf in leaves], dtype=float)
            corr = np.full(len(codes), np.nan)
            matrices = found.get(rubric.id)
            n_units = 0 if matrices is None else matrices.frac.shape[0]
            if n_units >= 3:
                # Units in the order of the result rows, as the sums below were always taken.
                back = np.argsort(self.order[matrices.cols], kind="stable")
                x = matrices.frac[back] * m  # units × leaves: the scores
                y = self.totals_now[matrices.cols][back]
                xc, yc = x - x.mean(axis=0), y - y.mean()
                denom = np.sqrt((xc**2).sum(axis=0) * (yc**2).sum())
                with np.errstate(divide="ignore", invalid="ignore"):
                    corr = np.where(denom > 1e-12, (xc * yc[:, None]).sum(axis=0) / denom,
                                    np.nan)
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


@dataclass(frozen=True)
class _Draws:
    """The random weights, all drawn up front (draws × stages, draws × leaves per rubric) in
    the order the seed has always given them, so any chunking scores the same draws."""

    w_rubric: np.ndarray
    w_content: np.ndarray
    points: list[np.ndarray]  # per rubric of `_Fixed.rubrics`: draws × leaves

    @staticmethod
    def make(scheme: Scheme, fixed: _Fixed, *, band: float, draws: int, seed: int) -> _Draws:
        rng = np.random.default_rng(seed)
        # Stage weights, drawn and renormalised: draws × stages.
        nominal_w, basis = fixed.nominal_w, fixed.basis
        w = nominal_w * rng.uniform(1 - band, 1 + band, size=(draws, len(nominal_w)))
        w = w / w.sum(axis=1, keepdims=True) * nominal_w.sum()
        w_rubric = w[:, basis.index("rubric")] if "rubric" in basis else np.zeros(draws)
        w_content = w[:, basis.index("content")] if "content" in basis else np.zeros(draws)
        # Each scored rubric's points, drawn and renormalised to the rubric's total.
        points = []
        for rubric in fixed.rubrics:
            drawn = rubric.m * rng.uniform(1 - band, 1 + band, size=(draws, len(rubric.m)))
            points.append(drawn / drawn.sum(axis=1, keepdims=True) * rubric.m.sum())
        return _Draws(w_rubric, w_content, points)


def _patterns(avail: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of `avail` (units × leaves, 1 where the leaf counts) and each unit's
    row among them. Most units exempt nothing: that row is found without sorting them all."""
    full = avail.all(axis=1)
    rest, rest_of = np.unique(avail[~full], axis=0, return_inverse=True)
    patterns = np.vstack([np.ones((1, avail.shape[1])), rest])
    pattern_of = np.zeros(avail.shape[0], dtype=np.int64)
    pattern_of[~full] = rest_of.ravel() + 1
    return patterns, pattern_of


def _width(cols: slice | np.ndarray) -> int:
    return cols.stop - cols.start if isinstance(cols, slice) else len(cols)


def _columns(cols: np.ndarray) -> slice | np.ndarray:
    """A slice where the columns are contiguous (a view, no copy), else the columns."""
    if len(cols) and cols[-1] - cols[0] + 1 == len(cols):
        return slice(int(cols[0]), int(cols[-1]) + 1)
    return cols


def _matrices(rows: pl.DataFrame, codes: list[str], position: np.ndarray, first: int, count: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """For one rubric's indicator rows (with `_u`, the row in the results), units × leaves in
    the unit order (the rubric's units are columns first .. first + count): the score as a
    fraction of max, and 1 where the leaf counts (not exempt)."""
    keyed = rows.with_columns(
        _c=pl.col("code").cast(pl.Enum(codes), strict=False).to_physical().cast(pl.Int64)
    ).drop_nulls("_c")
    local = position[keyed["_u"].to_numpy()] - first
    cj = keyed["_c"].to_numpy()
    mx = keyed["max_points"].to_numpy()
    frac = np.zeros((count, len(codes)))
    avail = np.zeros((count, len(codes)))
    with np.errstate(divide="ignore", invalid="ignore"):
        frac[local, cj] = np.where(mx > 0, keyed["score"].to_numpy() / mx, 0.0)
    avail[local, cj] = (~keyed["exempt"].to_numpy()).astype(float)
    return frac, avail


def effective_weights(scheme: Scheme, results: Results) -> pl.DataFrame:
    """Per rubric indicator: its nominal weight (its share of the scheme's total points,
    stage weight × points / rubric total), the Pearson correlation of its score with the unit
    total across the rubric's units, and the effective weight: the positive correlations scaled
    to add up to the stage weight, so the two weights read on one scale. Null where an indicator
    (or the total) does not vary or fewer than 3 units are scored."""
    return _Fixed.build(scheme, results).effective_weights(scheme)


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
