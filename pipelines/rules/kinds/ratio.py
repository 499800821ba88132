"""比值公式: numerator over denominator times the points (Huaibei #021, #027)."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from pipelines.rules.base import ABOVE_ONE_PARAM, ABOVE_ONE_VALUES, MAX, RuleKind, Strict


class Ratio(Strict):
    """Ratio formula: max × min(1, numerator / denominator) (columns 分子 and 分母).

    `above_one` says what a numerator above its denominator means: `refuse` (the default) treats
    it as a typo and refuses the row at import; `cap` accepts it and scores the indicator's points
    (淮北 027: a unit may make more certificate types than it claimed)."""

    kind: Literal["ratio"] = "ratio"
    above_one: Literal["refuse", "cap"] = Field(
        default="refuse", description="numerator > denominator: refuse the row, or cap at max")


class RatioKind(RuleKind):
    order = 40
    name = "ratio"
    label = "比值公式"
    model = Ratio
    inputs = ("numerator", "denominator")
    params = (ABOVE_ONE_PARAM,)
    value_sets = (ABOVE_ONE_VALUES,)

    def score(self, rows: pl.DataFrame, rule: Ratio) -> pl.DataFrame:
        """004 #021 挂接具体数据资源的目录数/部门目录总数*3分: 分值 × min(1, 分子 / 分母).

        A numerator above its denominator reaches this only under `above_one: cap` (refused at
        import otherwise, 004 #027 制证种类/认领种类): it scores the full points."""
        share = pl.col("numerator") / pl.col("denominator")
        return rows.with_columns(score=MAX * pl.min_horizontal(share, pl.lit(1.0)))


KIND = RatioKind()
