"""距目标 distance to a target, capped at the target (COINr n_dist2targ, cap_max = TRUE;
JRC Handbook 5 "distance to a reference")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy imported when computing (see normalisers/base.py)
    import numpy as np

from pipelines.rules.normalisers.base import NormaliseError, Normaliser, need_peers


class DistanceToTarget(Normaliser):
    order = 40
    name = "distance_to_target"
    label = "距目标"
    formula = "min(1, (x − min) / (target − min));越低越好 min(1, (max − x) / (max − target))"
    needs = ("target",)

    def shares(self, x: np.ndarray, rule: Any) -> np.ndarray:
        need_peers(x, self.label)
        if rule.direction == "lower_better":
            worst, gap = x.max(), x.max() - rule.target
            share = (worst - x) / gap if gap > 1e-12 else None
        else:
            worst, gap = x.min(), rule.target - x.min()
            share = (x - worst) / gap if gap > 1e-12 else None
        if share is None:
            raise NormaliseError(
                f"同类单位中最差的实际值 {worst:g} 已达到目标 {rule.target:g},无法计算距目标的距离",
                f"the worst actual value of the type, {worst:g}, already reaches the target "
                f"{rule.target:g}: no distance to measure")
        import numpy as np

        return np.minimum(share, 1.0)


NORMALISER = DistanceToTarget()
