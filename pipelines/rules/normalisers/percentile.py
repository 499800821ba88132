"""百分位 percentile rank within the type (COINr n_prank, ties.method = "min")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy only in type hints here (see normalisers/base.py)
    import numpy as np

from pipelines.rules.normalisers.base import Normaliser, need_peers, oriented
from pipelines.rules.normalisers.rank import ascending_ranks


class Percentile(Normaliser):
    order = 70
    name = "percentile"
    label = "百分位"
    formula = "(r − 1) / (n − 1)"

    def shares(self, x: np.ndarray, rule: Any) -> np.ndarray:
        need_peers(x, self.label)
        return (ascending_ranks(oriented(x, rule)) - 1.0) / (len(x) - 1)


NORMALISER = Percentile()
