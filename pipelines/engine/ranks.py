"""Competition ranks over many rows of totals at once (rank stability's draws, a comparison's
what-if totals), in numpy: no scipy at ingest.

docs/contract.md: rank within the unit type, 1 best, ties share the best place (1, 2, 2, 4),
computed from unrounded values with float noise rounded away (`rules.NOISE_DIGITS`), the same
ranks as `rules.competition_rank` gives one total per unit.
"""

from __future__ import annotations

import numpy as np

from pipelines.engine.rules import NOISE_DIGITS


def noise_free_keys(totals: np.ndarray) -> np.ndarray:
    """The totals as int64 keys, descending: −rint(x · 10^NOISE_DIGITS). Two totals tie exactly
    when `np.round(x, NOISE_DIGITS)` ties (numpy rounds by the same rint of the scaled value), and
    the order is the same; integers sort faster and compare without float surprises."""
    return -np.rint(totals * 10.0**NOISE_DIGITS).astype(np.int64)


def row_ranks(keys: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Competition ranks ("min" method: ties share the best place) of each row of `keys`
    (rows × items, smaller key = better), as int32; written into `out` when given."""
    rows, k = keys.shape
    ranks = np.empty(keys.shape, dtype=np.int32) if out is None else out
    if k == 0:
        return ranks
    order = np.argsort(keys, axis=1, kind="stable")  # timsort: faster on these near-orders
    ordered = np.take_along_axis(keys, order, axis=1)
    # Each sorted position's place is where its run of equal keys starts, plus one.
    start = np.zeros(ordered.shape, dtype=np.int32)
    new_run = ordered[:, 1:] != ordered[:, :-1]
    start[:, 1:] = np.where(new_run, np.arange(1, k, dtype=np.int32), 0)
    np.maximum.accumulate(start, axis=1, out=start)
    start += 1
    np.put_along_axis(ranks, order, start, axis=1)
    return ranks


def group_ranks(totals: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Competition ranks (1 best, ties share the best place) of each row of `totals`
    (draws × units) within each group of units; float noise is rounded away first."""
    keys = noise_free_keys(totals)
    ranks = np.empty(keys.shape, dtype=np.int32)
    for g in np.unique(groups):
        cols = np.flatnonzero(groups == g)
        ranks[:, cols] = row_ranks(keys[:, cols])
    return ranks
