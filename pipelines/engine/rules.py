"""The rule kinds: a small, closed set of pure functions over Polars frames.

Leaf rules take the rows of one indicator (one row per unit, with `max_points` and the input
column the rule reads) and return them with a `score` column. The other kinds (content points,
adoption bonus, full mark with excess bonus, weighted stages, exemption with rescaling, capped
bonus/penalty by level) work on whole frames of units. Nothing here reads files or the warehouse.
Each function says which seed clause it was built from; `tests/test_rules.py` checks each against
that seed's example.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from pipelines.schemes.model import (
    AssessorScore,
    Choice,
    Deduction,
    Parts,
    PerEvent,
    RankTiers,
    RateTarget,
    Ratio,
)

MAX = pl.col("max_points")


def _clip_to_max(expr: pl.Expr) -> pl.Expr:
    """Scores never leave [0, max points]."""
    return pl.min_horizontal(pl.max_horizontal(expr, pl.lit(0.0)), MAX)


# ---------------------------------------------------------------- leaf rules -----------------


def assessor_score(rows: pl.DataFrame, rule: AssessorScore) -> pl.DataFrame:
    """000 附件2: each 三级指标 has a 分值; the assessor's 得分 stands, within [0, 分值]."""
    return rows.with_columns(score=_clip_to_max(pl.col("score").cast(pl.Float64)))


def deduction(rows: pl.DataFrame, rule: Deduction) -> pl.DataFrame:
    """001 扣分办法(倒扣分,扣完为止): 分值 − Σ扣分, never below zero."""
    return rows.with_columns(score=pl.max_horizontal(MAX - pl.col("deduction"), pl.lit(0.0)))


def rate_target(rows: pl.DataFrame, rule: RateTarget) -> pl.DataFrame:
    """003 用户日均活跃率92%: 分值 × min(1, 实际值 / 目标值)."""
    ratio = pl.col("actual") / rule.target
    return rows.with_columns(score=MAX * pl.min_horizontal(ratio, pl.lit(1.0)))


def ratio(rows: pl.DataFrame, rule: Ratio) -> pl.DataFrame:
    """004 #021 挂接具体数据资源的目录数/部门目录总数*3分: 分值 × min(1, 分子 / 分母).

    A numerator above its denominator reaches this only under `above_one: cap` (refused at
    import otherwise, 004 #027 制证种类/认领种类): it scores the full points."""
    share = pl.col("numerator") / pl.col("denominator")
    return rows.with_columns(score=MAX * pl.min_horizontal(share, pl.lit(1.0)))


def rank_tiers(rows: pl.DataFrame, rule: RankTiers) -> pl.DataFrame:
    """004 #028 16个地市排名: 前5名 2分, 5-10名 1分, 10名以后不得分 (places 1-5, 6-10)."""
    expr: pl.Expr = pl.lit(0.0)
    # Build the when-chain from the widest tier inward so the narrowest matching tier wins.
    for tier in sorted(rule.tiers, key=lambda t: t.up_to, reverse=True):
        expr = pl.when(pl.col("place") <= tier.up_to).then(pl.lit(tier.points)).otherwise(expr)
    return rows.with_columns(score=_clip_to_max(expr))


def per_event(rows: pl.DataFrame, rule: PerEvent) -> pl.DataFrame:
    """004 #003 一次得1分,最高2分: min(封顶, 次数 × 每次分值)."""
    cap = pl.lit(rule.cap) if rule.cap is not None else MAX
    points = pl.col("times") * rule.points_each
    return rows.with_columns(score=pl.min_horizontal(points, cap, MAX))


def choice(rows: pl.DataFrame, rule: Choice) -> pl.DataFrame:
    """004 #006 专线接入 3分, 否 1分, 未接入 0分: the points of the option chosen."""
    mapping = pl.DataFrame(
        {"choice": list(rule.options), "_points": [float(p) for p in rule.options.values()]},
        schema={"choice": pl.String, "_points": pl.Float64},
    )
    joined = rows.join(mapping, on="choice", how="left", maintain_order="left")
    return joined.with_columns(score=_clip_to_max(pl.col("_points"))).drop("_points")


LEAF_RULES: dict[str, Callable[[pl.DataFrame, object], pl.DataFrame]] = {
    "assessor_score": assessor_score,
    "deduction": deduction,
    "rate_target": rate_target,
    "ratio": ratio,
    "rank_tiers": rank_tiers,
    "per_event": per_event,
    "choice": choice,
}


def composite(rows: pl.DataFrame, rule: Parts, missing_full: bool) -> pl.DataFrame:
    """004 #001 (参加调研座谈会议 每项1分,最高得2分; 工作对接 每次1分,最高得2分), #026 (清理率 1分,
    整合率 1分), #030 (分析共享需求 2分; 每个要素0.5分,满分2分): Σ over the parts of each part's own
    rule, each within [0, the part's points]. The indicator's cap applies after (the caller clips
    the sum to the indicator's points, as for an assessor's score).

    `rows`: unit, part, exempt and the input columns, for one composite indicator; a unit with a
    row for some parts scores its missing parts 0 (or their points where the rubric's missing
    input is full marks). Returns unit, score, exempt (any part row marked exempt).
    """
    units = rows.select("unit").unique(maintain_order=True)
    pieces = []
    for part in rule.parts:
        given = rows.filter(pl.col("part") == part.name).with_columns(
            max_points=pl.lit(float(part.max_points)))
        scored = LEAF_RULES[part.rule.kind](given, part.rule).select(
            "unit", part_score=_clip_to_max(pl.col("score").cast(pl.Float64)))
        missing = float(part.max_points) if missing_full else 0.0
        pieces.append(units.join(scored, on="unit", how="left").with_columns(
            pl.col("part_score").fill_null(missing)))
    summed = pl.concat(pieces).group_by("unit", maintain_order=True).agg(
        score=pl.col("part_score").sum())
    exempt = rows.group_by("unit", maintain_order=True).agg(exempt=pl.col("exempt").any())
    return summed.join(exempt, on="unit", how="left")


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
    广播电视台 per full 1000; 不足部分不计分 (CONTRACT: 60 × min(P, 600)/600).

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
    """CONTRACT: rank within the group, 1 best, ties share the best rank (1, 2, 2, 4),
    computed from unrounded values (float noise aside)."""
    return (
        value.round(NOISE_DIGITS).rank(method="min", descending=True).over(over).cast(pl.Int32)
    )
