"""比率对标: a rate against its target (Shengzhou: 用户日均活跃率92%)."""

from __future__ import annotations

from typing import Any, Literal

import polars as pl
from pydantic import Field

from pipelines.rules.base import (
    ABOVE_ONE_PARAM,
    ABOVE_ONE_VALUES,
    MAX,
    SCALE_PARAM,
    TARGET_PARAM,
    TOLERANCE,
    AddProblem,
    RuleKind,
    Strict,
    check_scale,
    on_scale,
)


class RateTarget(Strict):
    """Rate against a target: max × min(1, actual / target) (column 实际值, a fraction or 'NN%').

    `above_one` says what an actual rate above 100% means: `refuse` (the default) treats it as a
    typo and refuses the row at import (a share cannot pass 100%); `cap` accepts it (嵊州 表一
    序号11: a growth rate, target 100% = doubling, may grow 150%) and it scores full points."""

    kind: Literal["rate_target"] = "rate_target"
    target: float = Field(gt=0, description="the seed's target rate as a fraction: 92% is 0.92")
    above_one: Literal["refuse", "cap"] = Field(
        default="refuse", description="an actual rate above 100%: refuse the row, or accept it")
    scale: tuple[float, float] | None = Field(
        default=None, description="the scale 实际值 is written on, e.g. [0, 100]: the rate is "
        "(actual − low) / (high − low); a value outside it is refused at import")


class RateTargetKind(RuleKind):
    order = 30
    name = "rate_target"
    label = "比率对标"
    aliases = ("比率对照目标值",)
    model = RateTarget
    inputs = ("actual",)
    params = (
        TARGET_PARAM,
        ABOVE_ONE_PARAM,
        SCALE_PARAM,
    )
    value_sets = (ABOVE_ONE_VALUES,)

    def score(self, rows: pl.DataFrame, rule: RateTarget) -> pl.DataFrame:
        """003 用户日均活跃率92%: 分值 × min(1, 实际值 / 目标值). An actual rate above 100%
        reaches this only under `above_one: cap` (refused at import otherwise): full points."""
        # On a declared scale (0~100) the rate is the value's share of it: 72 → 0.72, 1 → 0.01.
        ratio = on_scale(rule, pl.col("actual")) / rule.target
        return rows.with_columns(score=MAX * pl.min_horizontal(ratio, pl.lit(1.0)))

    def check(self, rule: Any, max_points: float, code: str, add: AddProblem,
              where: tuple) -> None:
        check_scale(rule, code, add, where)
        if rule.target > 1 + TOLERANCE:
            # A rate is a fraction: a clerk who types 92 for 92% would make every unit score ~0.
            add(where, code,
                f"指标 {code}: 目标值 {rule.target:g} 大于 1;比率目标写作小数或百分数,"
                "如 0.92 或 92%",
                f"indicator {code}: target {rule.target:g} is above 1; write a rate as a "
                "fraction or a percentage, e.g. 0.92 or 92%")


KIND = RateTargetKind()
