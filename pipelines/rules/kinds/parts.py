"""分项计分(复合指标): the sum of parts, each scored by its own rule (Huaibei #001, #026, #030)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

import polars as pl
from pydantic import Field

from pipelines.rules.base import TOLERANCE, AddProblem, RuleKind, Strict, clip_to_max


class Part(Strict):
    """One part (分项) of a composite indicator: its own rule, scored within [0, max_points]."""

    name: str = Field(min_length=1,
                      description="the part's name: the 分项 column of the 年终评分 template")
    max_points: float = Field(gt=0, description="the part's cap (its points)")
    # Any kind but this one; pipelines.rules.registry resolves the name once every kind is known.
    rule: PartRule  # noqa: F821
    source: str | None = None
    interpretation: str | None = None


class Parts(Strict):
    """Composite indicator: the sum of its parts, each scored by its own rule and capped at its
    own points, the sum capped at the indicator's points (淮北 001: 每项1分,最高得2分; 每次1分,
    最高得2分). Entered as one 年终评分 row per part, named in the 分项 column — unless the scheme
    says `composite_entry: score` (the assessor enters the indicator's total as 得分)."""

    kind: Literal["parts"] = "parts"
    parts: list[Part] = Field(min_length=2)


class PartsKind(RuleKind):
    order = 80
    name = "parts"
    label = "分项计分(复合指标)"
    # Earlier labels: the workbook drop-down's and the indicator table's.
    aliases = ("分项计分", "分项计分(各分项相加)")
    model = Parts
    inputs = ()  # each part row reads its own part rule's column(s); see registry.input_columns
    composite = True
    nested_models = (Part,)

    def score(self, rows: pl.DataFrame, rule: Parts) -> pl.DataFrame:
        """The indicator's row once its parts are summed (`score_parts`) or entered as one 得分
        (`composite_entry: score`): an assessor's score within the indicator's points."""
        return rows.with_columns(score=clip_to_max(pl.col("score").cast(pl.Float64)))

    def score_parts(self, rows: pl.DataFrame, rule: Parts, missing_full: bool) -> pl.DataFrame:
        """004 #001 (参加调研座谈会议 每项1分,最高得2分; 工作对接 每次1分,最高得2分), #026 (清理率
        1分, 整合率 1分), #030 (分析共享需求 2分; 每个要素0.5分,满分2分): Σ over the parts of each
        part's own rule, each within [0, the part's points]. The indicator's cap applies after
        (`score` clips the sum to the indicator's points, as for an assessor's score).

        `rows`: unit, part, exempt and the input columns, for one composite indicator; a unit with
        a row for some parts scores its missing parts 0 (or their points where the rubric's
        missing input is full marks). A part row marked not applicable (不适用/豁免, issue 20
        item 2) leaves the sum and the present parts are rescaled to all the parts' points:
        Σ present × Σ all points / Σ present points; a unit with every part not applicable has
        the indicator not applicable. Returns unit, score, exempt.
        """
        from pipelines.rules.registry import kind_of

        units = rows.select("unit").unique(maintain_order=True)
        marked = rows.filter(pl.col("exempt").fill_null(False)).select("unit", "part")
        pieces = []
        for part in rule.parts:
            given = rows.filter((pl.col("part") == part.name)
                                & ~pl.col("exempt").fill_null(False)).with_columns(
                max_points=pl.lit(float(part.max_points)))
            scored = kind_of(part.rule).score(given, part.rule).select(
                "unit", part_score=clip_to_max(pl.col("score").cast(pl.Float64)))
            missing = float(part.max_points) if missing_full else 0.0
            gone = marked.filter(pl.col("part") == part.name).select(
                "unit", _na=pl.lit(True))
            pieces.append(units.join(scored, on="unit", how="left").join(
                gone, on="unit", how="left").with_columns(
                pl.col("part_score").fill_null(missing), part_max=pl.lit(float(part.max_points)),
                present=~pl.col("_na").fill_null(False)).drop("_na"))
        summed = pl.concat(pieces).group_by("unit", maintain_order=True).agg(
            earned=pl.col("part_score").filter(pl.col("present")).sum(),
            present_max=pl.col("part_max").filter(pl.col("present")).sum(),
            all_max=pl.col("part_max").sum())
        return summed.select(
            "unit",
            score=pl.when(pl.col("present_max") > 0)
            .then(pl.col("earned") * pl.col("all_max") / pl.col("present_max")).otherwise(0.0),
            exempt=pl.col("present_max") <= 0)

    def check(self, rule: Any, max_points: float, code: str, add: AddProblem,
              where: tuple) -> None:
        """Part names unique, each part within the indicator's points, the parts able to reach
        the indicator's points, each part's own rule checked against the part's points."""
        from pipelines.rules.registry import kind_of

        label = f"指标 {code}"
        names = Counter(p.name for p in rule.parts)
        for pi, part in enumerate(rule.parts):
            ppath = (*where, "parts", pi)
            if names[part.name] > 1:
                add((*ppath, "name"), part.name, f"{label}: 分项名称重复",
                    f"indicator {code}: two parts share a name")
            if part.max_points > max_points + TOLERANCE:
                add((*ppath, "max_points"), part.max_points,
                    f"{label}: 分项「{part.name}」的分值超过指标分值 {max_points:g}",
                    f"indicator {code}: part '{part.name}' is worth more than the indicator's "
                    f"{max_points:g}")
            kind_of(part.rule).check(part.rule, part.max_points, f"{code}·{part.name}", add,
                                     (*ppath, "rule"))
        total = sum(p.max_points for p in rule.parts)
        if total < max_points - TOLERANCE:
            add(where, code,
                f"{label}: 各分项分值合计 {total:g},小于指标分值 {max_points:g},"
                "该指标永远得不到满分",
                f"indicator {code}: the parts add up to {total:g}, below the indicator's "
                f"{max_points:g}: it could never score full marks")


KIND = PartsKind()
