"""标准化计分: an actual value normalised over the units of its type (or between goalposts), as
composite indices do (issue 20 item 6; the methods: pipelines/rules/normalisers/).

score = points × share, the share from the method over the units of the same unit type that have
a value for the indicator (exempt rows and units without a row take no part). A z-score share is
signed and unbounded (the index is then a weighted sum of z-scores); every other share lies in
[0, 1]. A peer group the method cannot normalise (one unit, no spread, a best value of 0) refuses
the load: the message names the indicator, the unit type and why (docs/schemes.md).
"""

from __future__ import annotations

from typing import Any, Literal

import polars as pl
from pydantic import Field

from pipelines.rules.base import (
    SCALE_PARAM,
    TARGET_PARAM,
    AddProblem,
    Param,
    RuleKind,
    Strict,
    ValueSet,
    check_scale,
)
from pipelines.rules.normalisers.base import NormaliseError
from pipelines.rules.normalisers.registry import NORMALISERS

METHOD_VALUES = ValueSet("normalise_method", "标准化方法", "method",
                         {n.name: n.label for n in NORMALISERS.values()})
DIRECTION_VALUES = ValueSet("normalise_direction", "标准化方向", "direction",
                            {"higher_better": "越高越好", "lower_better": "越低越好"},
                            {"higher_better": ("高优",), "lower_better": ("低优",)})


class Normalise(Strict):
    """An actual value normalised by `method` over the units of its type (or between goalposts):
    points × share."""

    kind: Literal["normalise"] = "normalise"
    method: Literal[tuple(NORMALISERS)] = Field(  # type: ignore[valid-type]
        description="min_max, goalposts, z_score, distance_to_target, distance_to_best, rank "
        "or percentile")
    direction: Literal["higher_better", "lower_better"] = Field(
        default="higher_better", description="whether a higher actual value is better")
    goalposts: tuple[float, float] | None = Field(
        default=None, description="goalposts: [low, high], the values scoring 0 and full")
    target: float | None = Field(
        default=None, description="distance_to_target: the target, in the value's units")
    scale: tuple[float, float] | None = Field(
        default=None, description="the scale 实际值 is written on; a value outside is refused")


class NormaliseKind(RuleKind):
    order = 90
    name = "normalise"
    label = "标准化计分"
    model = Normalise
    inputs = ("actual",)
    peers = True
    params = (
        Param("method", "标准化方法", "enum:normalise_method", 14,
              "normalise:min_max 最小-最大、goalposts 目标区间、z_score 标准分、"
              "distance_to_target 距目标、distance_to_best 距最优、rank 名次、percentile 百分位",
              "normalise: the method"),
        Param("direction", "标准化方向", "enum:normalise_direction", 10,
              "normalise:higher_better 越高越好(默认)或 lower_better 越低越好",
              "normalise: higher_better (default) or lower_better"),
        Param("goalposts", "目标区间", "range", 10,
              "normalise(goalposts):得 0 分与满分的两个值,写作 0~100",
              "normalise (goalposts): the values scoring 0 and full, e.g. 0~100"),
        TARGET_PARAM,
        SCALE_PARAM,
    )
    value_sets = (METHOD_VALUES, DIRECTION_VALUES)

    def score(self, rows: pl.DataFrame, rule: Normalise) -> pl.DataFrame:
        """Each (indicator, unit type) is one peer group: share by the method, × points."""
        import numpy as np  # here, not at the top: see pipelines/rules/normalisers/base.py

        method = NORMALISERS[rule.method]
        rows = rows.with_row_index("_row")
        shares = np.empty(rows.height)
        for (code, unit_type), group in rows.group_by("code", "unit_type", maintain_order=True):
            x = group["actual"].cast(pl.Float64).to_numpy()
            try:
                shares[group["_row"].to_numpy()] = method.shares(x, rule)
            except NormaliseError as err:
                raise NormaliseRefused(code, unit_type, method.label, rule.method, err) from None
        return rows.drop("_row").with_columns(score=pl.col("max_points") * pl.Series(shares))

    def check(self, rule: Any, max_points: float, code: str, add: AddProblem,
              where: tuple) -> None:
        check_scale(rule, code, add, where)
        method = NORMALISERS[rule.method]
        for needed in method.needs:
            if getattr(rule, needed) is None:
                add((*where, needed), None,
                    f"指标 {code}: 标准化方法 {rule.method}({method.label})须写 {needed}",
                    f"indicator {code}: the method {rule.method} needs {needed}")
        for given in ("goalposts", "target"):
            if getattr(rule, given) is not None and given not in method.needs:
                add((*where, given), None,
                    f"指标 {code}: 标准化方法 {rule.method} 不用 {given}",
                    f"indicator {code}: the method {rule.method} takes no {given}")
        if rule.goalposts is not None and not rule.goalposts[0] < rule.goalposts[1]:
            add((*where, "goalposts"), f"{rule.goalposts[0]:g}~{rule.goalposts[1]:g}",
                f"指标 {code}: 目标区间的下限须小于上限(越低越好用 direction: lower_better)",
                f"indicator {code}: goalposts run from low to high (a lower-is-better "
                "indicator says direction: lower_better)")


class NormaliseRefused(ValueError):
    """A peer group a normalisation cannot be computed over (scoring refuses the load)."""

    def __init__(self, code: str, unit_type: str, label: str, method: str,
                 err: NormaliseError):
        self.code, self.unit_type = code, unit_type
        self.zh = f"指标 {code} 的标准化计分({label})在单位类型「{unit_type}」中无法计算:{err.zh}"
        self.en = (f"indicator {code}'s normalisation ({method}) cannot be computed over the "
                   f"unit type '{unit_type}': {err.en}")
        super().__init__(f"{self.zh} / {self.en}")


KIND = NormaliseKind()
