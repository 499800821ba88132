"""距最优 distance to the best unit: a share of the leader's value (COINr n_fracmax;
JRC Handbook 5 "distance to a reference", the reference being the best unit)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy only in type hints here (see normalisers/base.py)
    import numpy as np

from pipelines.rules.normalisers.base import NormaliseError, Normaliser, need_peers


class DistanceToBest(Normaliser):
    order = 50
    name = "distance_to_best"
    label = "距最优"
    formula = "x / max;越低越好 min / x(实际值须为正)"

    def shares(self, x: np.ndarray, rule: Any) -> np.ndarray:
        need_peers(x, self.label)
        if (x <= 0).any():
            raise NormaliseError(
                f"距最优要求实际值为正,同类单位中有 {x.min():g}",
                f"distance to the best needs positive values; the type has {x.min():g}")
        return x.min() / x if rule.direction == "lower_better" else x / x.max()


NORMALISER = DistanceToBest()
