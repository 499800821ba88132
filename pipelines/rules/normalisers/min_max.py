"""最小-最大 min-max over the units of a type (JRC Handbook 5; COINr n_minmax, l_u = 0..1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy only in type hints here (see normalisers/base.py)
    import numpy as np

from pipelines.rules.normalisers.base import Normaliser, need_peers, need_spread, oriented


class MinMax(Normaliser):
    order = 10
    name = "min_max"
    label = "最小-最大"
    formula = "(x − min) / (max − min)"

    def shares(self, x: np.ndarray, rule: Any) -> np.ndarray:
        need_peers(x, self.label)
        v = oriented(x, rule)
        low, high = v.min(), v.max()
        need_spread(high - low, "极差", "range")
        return (v - low) / (high - low)


NORMALISER = MinMax()
