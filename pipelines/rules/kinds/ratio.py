"""比值公式: numerator over denominator times the points (Huaibei #021, #027)."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from pipelines.rules.base import MAX, Param, RuleKind, Strict, ValueSet


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
    params = (
        Param("above_one", "分子大于分母", "enum:above_one", 12,
              "ratio:分子大于分母时 refuse 拒绝(默认,视为录入错误)或 cap 按满分计",
              "ratio: a numerator above the denominator is refused (default) or capped at the "
              "points"),
    )
    value_sets = (
        ValueSet("above_one", "分子大于分母", "above_one",
                 {"refuse": "拒绝", "cap": "按满分计"},
                 {"refuse": ("拒收", "不允许"), "cap": ("封顶", "满分", "按满分")}),
    )

    def score(self, rows: pl.DataFrame, rule: Ratio) -> pl.DataFrame:
        """004 #021 挂接具体数据资源的目录数/部门目录总数*3分: 分值 × min(1, 分子 / 分母).

        A numerator above its denominator reaches this only under `above_one: cap` (refused at
        import otherwise, 004 #027 制证种类/认领种类): it scores the full points."""
        share = pl.col("numerator") / pl.col("denominator")
        return rows.with_columns(score=MAX * pl.min_horizontal(share, pl.lit(1.0)))


KIND = RatioKind()
