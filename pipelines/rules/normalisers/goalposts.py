"""目标区间 goalposts: between given bounds, capped (JRC Handbook 5; COINr n_goalposts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy imported when computing (see normalisers/base.py)
    import numpy as np

from pipelines.rules.normalisers.base import Normaliser


class Goalposts(Normaliser):
    order = 20
    name = "goalposts"
    label = "目标区间"
    formula = "min(1, max(0, (x − L) / (U − L)));越低越好 (U − x) / (U − L)"
    peers = False  # the bounds are given: one unit is normalised alone
    needs = ("goalposts",)

    def shares(self, x: np.ndarray, rule: Any) -> np.ndarray:
        import numpy as np

        low, high = rule.goalposts
        share = ((high - x) if rule.direction == "lower_better" else (x - low)) / (high - low)
        return np.clip(share, 0.0, 1.0)


NORMALISER = Goalposts()
