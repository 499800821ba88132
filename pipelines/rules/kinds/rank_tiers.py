"""排名分档: points by place among peers (Huaibei #028: 16个地市 前5名2分、5-10名1分)."""

from __future__ import annotations

from typing import Any, Literal

import polars as pl
from pydantic import Field

from pipelines.rules.base import TOLERANCE, AddProblem, Param, RuleKind, Strict, clip_to_max


class RankTier(Strict):
    """Places 1..up_to (after the previous tier) score `points`."""

    up_to: int = Field(ge=1)
    points: float = Field(ge=0)


class RankTiers(Strict):
    """Points by place among peers, e.g. 前5名 2分, 5-10名 1分, else 0 (column 名次)."""

    kind: Literal["rank_tiers"] = "rank_tiers"
    peers: int = Field(ge=1, description="how many are ranked, e.g. 16 个地市")
    tiers: list[RankTier] = Field(min_length=1)


class RankTiersKind(RuleKind):
    order = 50
    name = "rank_tiers"
    label = "排名分档"
    model = RankTiers
    inputs = ("place",)
    params = (
        Param("tiers", "分档", "tiers", 14,
              "rank_tiers 名次分档,写作 名次上限=分值,如 5=2;10=1(前5名2分,6-10名1分)",
              "rank_tiers: place up to = points, e.g. 5=2;10=1"),
        Param("peers", "参评数", "int", 8,
              "rank_tiers 参与排名的总数,如 16(个地市)",
              "rank_tiers: how many are ranked, e.g. 16"),
    )

    def score(self, rows: pl.DataFrame, rule: RankTiers) -> pl.DataFrame:
        """004 #028 16个地市排名: 前5名 2分, 5-10名 1分, 10名以后不得分 (places 1-5, 6-10)."""
        expr: pl.Expr = pl.lit(0.0)
        # Build the when-chain from the widest tier inward so the narrowest matching tier wins.
        for tier in sorted(rule.tiers, key=lambda t: t.up_to, reverse=True):
            expr = pl.when(pl.col("place") <= tier.up_to).then(pl.lit(tier.points)).otherwise(expr)
        return rows.with_columns(score=clip_to_max(expr))

    def check(self, rule: Any, max_points: float, code: str, add: AddProblem,
              where: tuple) -> None:
        label = f"指标 {code}"
        bounds = [t.up_to for t in rule.tiers]
        if bounds != sorted(set(bounds)):
            add(where, code, f"{label}: 排名分档 up_to 须严格递增",
                f"indicator {code}: rank tiers' up_to must strictly increase")
        if bounds and bounds[-1] > rule.peers:
            add(where, code, f"{label}: 分档名次超过参评总数 {rule.peers}",
                f"indicator {code}: a tier goes beyond the {rule.peers} peers")
        if any(t.points > max_points + TOLERANCE for t in rule.tiers):
            add(where, code, f"{label}: 分档分值超过指标分值",
                f"indicator {code}: a tier scores above the indicator's max points")


KIND = RankTiersKind()
