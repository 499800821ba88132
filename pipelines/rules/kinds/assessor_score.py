"""考核组评分: the assessor's score stands (Jintan 附件2: each 三级指标 has a 分值)."""

from __future__ import annotations

from typing import Literal

import polars as pl

from pipelines.rules.base import RuleKind, Strict, clip_to_max


class AssessorScore(Strict):
    """考核组打分: the assessor's score, between 0 and the indicator's max points (column 得分)."""

    kind: Literal["assessor_score"] = "assessor_score"


class AssessorScoreKind(RuleKind):
    order = 10
    name = "assessor_score"
    label = "考核组评分"
    aliases = ("考核组打分",)
    model = AssessorScore
    inputs = ("score",)

    def score(self, rows: pl.DataFrame, rule: AssessorScore) -> pl.DataFrame:
        """000 附件2: each 三级指标 has a 分值; the assessor's 得分 stands, within [0, 分值]."""
        return rows.with_columns(score=clip_to_max(pl.col("score").cast(pl.Float64)))


KIND = AssessorScoreKind()
