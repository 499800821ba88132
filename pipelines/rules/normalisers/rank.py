"""名次 rank within the type: the best unit 1, ties sharing the lower place (COINr n_rank,
ties.method = "min"), as a share of the number of units."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy imported when computing (see normalisers/base.py)
    import numpy as np

from pipelines.rules.normalisers.base import Normaliser, need_peers, oriented


def ascending_ranks(v: np.ndarray) -> np.ndarray:
    """R's rank(v, ties.method = "min"): 1 for the lowest, ties share the lowest place."""
    import numpy as np

    return np.searchsorted(np.sort(v), v, side="left") + 1.0


class Rank(Normaliser):
    order = 60
    name = "rank"
    label = "名次"
    formula = "r / n(r:升序名次,最低为 1,并列取低;n:单位数)"

    def shares(self, x: np.ndarray, rule: Any) -> np.ndarray:
        need_peers(x, self.label)
        return ascending_ranks(oriented(x, rule)) / len(x)


NORMALISER = Rank()
