"""按次计分(封顶): points per event up to a cap (Huaibei #003: 一次得1分,最高2分)."""

from __future__ import annotations

from typing import Any, Literal

import polars as pl
from pydantic import Field

from pipelines.rules.base import MAX, TOLERANCE, AddProblem, Param, RuleKind, Strict


class PerEvent(Strict):
    """Points per event up to a cap: min(cap, times × points_each) (column 次数)."""

    kind: Literal["per_event"] = "per_event"
    points_each: float = Field(gt=0)
    cap: float | None = Field(default=None, gt=0, description="defaults to the max points")


class PerEventKind(RuleKind):
    order = 60
    name = "per_event"
    label = "按次计分(封顶)"
    # 「按次计分」 was the workbook drop-down's label before the registry gave each kind one label.
    aliases = ("按次计分", "按次计分,封顶")
    model = PerEvent
    inputs = ("times",)
    params = (
        Param("points_each", "每次分值", "number", 10,
              "per_event 每次(每项)得分", "per_event: points per event"),
        Param("cap", "封顶", "number", 8,
              "per_event 最高得分;不填 = 指标分值", "per_event: the cap; blank = the max points"),
    )

    def score(self, rows: pl.DataFrame, rule: PerEvent) -> pl.DataFrame:
        """004 #003 一次得1分,最高2分: min(封顶, 次数 × 每次分值)."""
        cap = pl.lit(rule.cap) if rule.cap is not None else MAX
        points = pl.col("times") * rule.points_each
        return rows.with_columns(score=pl.min_horizontal(points, cap, MAX))

    def check(self, rule: Any, max_points: float, code: str, add: AddProblem,
              where: tuple) -> None:
        if rule.cap is not None and rule.cap > max_points + TOLERANCE:
            add(where, code, f"指标 {code}: 封顶分值超过指标分值",
                f"indicator {code}: the cap is above the indicator's max points")


KIND = PerEventKind()
