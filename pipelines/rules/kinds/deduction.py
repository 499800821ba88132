"""倒扣分(扣完为止): points minus what is deducted, never below zero (Yueyang 扣分办法)."""

from __future__ import annotations

from typing import Literal

import polars as pl

from pipelines.rules.base import MAX, RuleKind, Strict


class Deduction(Strict):
    """倒扣分, 扣完为止: max points minus the points deducted, never below 0 (column 扣分)."""

    kind: Literal["deduction"] = "deduction"


class DeductionKind(RuleKind):
    order = 20
    name = "deduction"
    label = "倒扣分(扣完为止)"
    # 「倒扣分」 was the workbook drop-down's label before the registry gave each kind one label.
    aliases = ("倒扣分", "倒扣分,扣完为止", "扣分")
    model = Deduction
    inputs = ("deduction",)

    def score(self, rows: pl.DataFrame, rule: Deduction) -> pl.DataFrame:
        """001 扣分办法(倒扣分,扣完为止): 分值 − Σ扣分, never below zero."""
        return rows.with_columns(score=pl.max_horizontal(MAX - pl.col("deduction"),
                                                         pl.lit(0.0)))


KIND = DeductionKind()
