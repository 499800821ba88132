"""The scoring rules: pure functions over Polars frames.

Leaf rules are the rule kinds' own (`pipelines/rules/kinds/`, one file per kind): they take the
rows of one indicator (one row per unit, with `max_points` and the input column the rule reads)
and return them with a `score` column. The other rules here (content points,
adoption bonus, full mark with excess bonus, weighted stages, exemption with rescaling, capped
bonus/penalty by level) work on whole frames of units. Nothing here reads files or the warehouse.
Each function says which seed clause it was built from; `tests/pipelines/engine/test_rules.py`
checks each against that seed's example.
"""

from __future__ import annotations

import polars as pl

# ---------------------------------------------------------------- content (平时) --------------


def content_points(tallies: pl.DataFrame, items: pl.DataFrame, city: float, province: float
                   ) -> pl.DataFrame:
    """000 附件1: points per item (每条1分, 每个专题10分 ...) plus the adoption bonus of 备注1
    (常州市级录用 +2, 省级录用 +5, 同一条信息不累计加分: an item counts under one level only).

    `tallies`: unit, month, item, count, city_adopted, province_adopted.
    `items`: item, points. Returns unit, month, item_points, adoption_points, points.
    """
    return (
        tallies.join(items.select("item", "points"), on="item", how="left")
        .group_by("unit", "month")
        .agg(
            item_points=(pl.col("count") * pl.col("points")).sum(),
            adoption_points=(pl.col("city_adopted") * city + pl.col("province_adopted") * province)
            .sum()
            .cast(pl.Float64),
        )
        .with_columns(points=pl.col("item_points") + pl.col("adoption_points"))
        .sort("unit", "month")
    )


def full_mark_stage(annual: pl.DataFrame, stage_max: float, full_mark: float, excess_bonus: float
                    ) -> pl.DataFrame:
    """000 附件1 备注2: 全年满分600分; above it 区镇 +0.3 per full 500, 部门/垂直 per full 300,
    广播电视台 per full 1000; 不足部分不计分 (docs/contract.md: 60 × min(P, 600)/600).

    `annual`: unit, content_points (P), excess_step.
    Returns it with `base`, `excess_bonus` and `points`.
    """
    p = pl.col("content_points")
    steps = ((p - full_mark).clip(lower_bound=0) / pl.col("excess_step") + 1e-9).floor()
    return annual.with_columns(
        base=stage_max * pl.min_horizontal(p, pl.lit(full_mark)) / full_mark,
        excess_bonus=steps * excess_bonus,
    ).with_columns(points=pl.col("base") + pl.col("excess_bonus"))


# ---------------------------------------------------------------- rubric, stages -------------


def rubric_score(scores: pl.DataFrame, rubric_max: float) -> pl.DataFrame:
    """001 说明 (无考核指标所列任务的 ... 书面说明): exempt indicators leave the rubric and the
    rest is rescaled: rubric max × earned / available max. Without exemptions it is Σ scores.

    `scores`: unit, score, max_points, exempt.
    Returns unit, earned, available, exempt_points, rubric_points.
    """
    return (
        scores.group_by("unit")
        .agg(
            earned=pl.col("score").filter(~pl.col("exempt")).sum(),
            available=pl.col("max_points").filter(~pl.col("exempt")).sum(),
            exempt_points=pl.col("max_points").filter(pl.col("exempt")).sum(),
        )
        .with_columns(
            rubric_points=pl.when(pl.col("exempt_points") > 0)
            .then(
                pl.when(pl.col("available") > 0)
                .then(rubric_max * pl.col("earned") / pl.col("available"))
                .otherwise(0.0)
            )
            .otherwise(pl.col("earned"))
        )
        .sort("unit")
    )


def weighted_stage(points: pl.Expr, weight: float, total_points: float, rubric_max: float
                   ) -> pl.Expr:
    """000 五、考核方式: 平时考评占总分的60%, 年终考评占40%: a rubric out of `rubric_max`
    contributes weight × total × score / rubric_max."""
    return points * (weight * total_points / rubric_max)


# ---------------------------------------------------------------- adjustments ----------------


def capped_adjustments(events: pl.DataFrame, bonus_cap: float | None, penalty_cap: float | None
                       ) -> pl.DataFrame:
    """000 加分 (国家级3/省级2/市级1/金坛市级0.5, 附加分10分封顶) and 001 加、减分 (省级 ±1,
    市级 ±0.5 每次): Σ points per unit and kind, each capped where the scheme caps it.

    `events`: unit, kind (加分/减分), points (positive). Returns unit, bonus, penalty,
    bonus_uncapped, penalty_uncapped.
    """
    sums = events.group_by("unit").agg(
        bonus_uncapped=pl.col("points").filter(pl.col("kind") == "加分").sum(),
        penalty_uncapped=pl.col("points").filter(pl.col("kind") == "减分").sum(),
    )
    bonus = pl.col("bonus_uncapped")
    penalty = pl.col("penalty_uncapped")
    return sums.with_columns(
        bonus=bonus if bonus_cap is None else pl.min_horizontal(bonus, pl.lit(bonus_cap)),
        penalty=penalty if penalty_cap is None else pl.min_horizontal(penalty, pl.lit(penalty_cap)),
    ).sort("unit")


# ---------------------------------------------------------------- grades and ranks -----------

NOISE_DIGITS = 9  # float sums like 0.1 + 0.2 must tie with 0.3 when ranking and grading


def grade(total: pl.Expr, bands: list[tuple[str, float | None]]) -> pl.Expr:
    """000 五(三) / 001 三、考核等次: the first band (best first) whose lower bound the total
    reaches; the lowest band has no bound."""
    value = total.round(NOISE_DIGITS)
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for name, minimum in reversed(bands):
        cond = pl.lit(True) if minimum is None else value >= minimum
        expr = pl.when(cond).then(pl.lit(name)).otherwise(expr)
    return expr


def competition_rank(value: pl.Expr, over: str | list[str]) -> pl.Expr:
    """docs/contract.md: rank within the group, 1 best, ties share the best rank (1, 2, 2, 4),
    computed from unrounded values (float noise aside)."""
    return (
        value.round(NOISE_DIGITS).rank(method="min", descending=True).over(over).cast(pl.Int32)
    )
