"""标准分 z-score over the units of a type (JRC Handbook 5; COINr n_zscore, m_sd = 0, 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy only in type hints here (see normalisers/base.py)
    import numpy as np

from pipelines.rules.normalisers.base import Normaliser, need_peers, need_spread, oriented


class ZScore(Normaliser):
    order = 30
    name = "z_score"
    label = "标准分(z-score)"
    formula = "(x − 平均 mean) / 标准差 sd(样本标准差,n − 1)"

    def shares(self, x: np.ndarray, rule: Any) -> np.ndarray:
        need_peers(x, self.label)
        v = oriented(x, rule)
        sd = float(v.std(ddof=1))  # R's sd(), as COINr uses
        need_spread(sd, "标准差", "standard deviation")
        return (v - v.mean()) / sd


NORMALISER = ZScore()
