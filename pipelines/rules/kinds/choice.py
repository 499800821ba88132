"""选项计分: the points of the option chosen (Huaibei #006: 专线接入3分、否1分、未接入0分)."""

from __future__ import annotations

from typing import Any, Literal

import polars as pl
from pydantic import Field

from pipelines.rules.base import TOLERANCE, AddProblem, Param, RuleKind, Strict, clip_to_max


class Choice(Strict):
    """Discrete choice: the points of the option chosen (column 选项)."""

    kind: Literal["choice"] = "choice"
    options: dict[str, float] = Field(min_length=1)


class ChoiceKind(RuleKind):
    order = 70
    name = "choice"
    label = "选项计分"
    model = Choice
    inputs = ("choice",)
    params = (
        Param("options", "选项", "options", 24,
              "choice 的选项及分值,写作 是=3;否=1;未接入=0",
              "choice: options and points, written 是=3;否=1;未接入=0"),
    )

    def score(self, rows: pl.DataFrame, rule: Choice) -> pl.DataFrame:
        """004 #006 专线接入 3分, 否 1分, 未接入 0分: the points of the option chosen."""
        mapping = pl.DataFrame(
            {"choice": list(rule.options), "_points": [float(p) for p in rule.options.values()]},
            schema={"choice": pl.String, "_points": pl.Float64},
        )
        joined = rows.join(mapping, on="choice", how="left", maintain_order="left")
        return joined.with_columns(score=clip_to_max(pl.col("_points"))).drop("_points")

    def check(self, rule: Any, max_points: float, code: str, add: AddProblem,
              where: tuple) -> None:
        if any(p > max_points + TOLERANCE or p < 0 for p in rule.options.values()):
            add(where, code, f"指标 {code}: 选项分值须在 0 与指标分值之间",
                f"indicator {code}: option points must lie between 0 and the max points")


KIND = ChoiceKind()
