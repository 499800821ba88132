"""Progress against a scheme's targets (保/争): the figure to date, status, pace and projection.

坛政办发〔2013〕64号 sets floors (保) and stretches (争): 在常州市保二争一 is a rank target with
floor 2 and stretch 1 (lower is better); 主动公开文件超过2000件 is a cumulative target with a
floor only.
"""

from __future__ import annotations

import polars as pl

from pipelines.schemes.model import Scheme, Target

MET_STRETCH = "达争"
MET_FLOOR = "达保"
MISSED = "未达"
# what a target with a floor alone is said to be, where 达保 would suggest a stretch not reached
DONE = "完成"
NOT_DONE = "未完成"

PROGRESS_SCHEMA = {
    "scheme": pl.String,
    "year": pl.Int32,
    "target": pl.String,
    "month": pl.String,
    "value": pl.Float64,
    "actual": pl.Float64,
    "floor": pl.Float64,
    "stretch": pl.Float64,
    "status": pl.String,
    "projected_status": pl.String,
    "pace": pl.Float64,
    "projection": pl.Float64,
}


def reaches(value: pl.Expr, level: float, target: Target) -> pl.Expr:
    """Whether a figure reaches a level, in the target's direction (超过 is strict)."""
    if target.direction == "higher_better":
        return value > level if target.strict else value >= level
    return value < level if target.strict else value <= level


def status(value: pl.Expr, target: Target) -> pl.Expr:
    """达争 at the stretch, 达保 at the floor, else 未达."""
    expr = pl.when(reaches(value, target.floor, target)).then(pl.lit(MET_FLOOR)).otherwise(
        pl.lit(MISSED)
    )
    if target.stretch is not None:
        expr = pl.when(reaches(value, target.stretch, target)).then(pl.lit(MET_STRETCH)).otherwise(
            expr
        )
    return expr


def verdict(status: str | None, stretch: float | None) -> str | None:
    """The word for `status` (as `status` gives it) that pages and the 通报 print: 达争, 达保 or
    未达 for a target with both levels; 完成 or 未完成 for a target with a floor alone (issue 19
    point 3: its 达保 reaches the only level there is). None stays None (no figure yet)."""
    if status is None or stretch is not None:
        return status
    return NOT_DONE if status == MISSED else DONE


def verdict_column(status: str = "status", stretch: str = "stretch") -> pl.Expr:
    """`verdict` of a frame's columns, as a column named `status`."""
    return (pl.when(pl.col(stretch).is_null() & pl.col(status).is_not_null())
            .then(pl.when(pl.col(status) == MISSED).then(pl.lit(NOT_DONE))
                  .otherwise(pl.lit(DONE)))
            .otherwise(pl.col(status)).alias(status))


def aggregate_to_date(values: pl.Expr, how: str) -> pl.Expr:
    """The figure to date from monthly values, sorted by month: Σ, latest, or mean."""
    if how == "sum":
        return values.cum_sum()
    if how == "mean":
        return values.cum_sum() / values.cum_count()
    return values


def target_progress(scheme: Scheme, metric_values: pl.DataFrame) -> pl.DataFrame:
    """One row per target and month reported: the month's value, the figure to date, status;
    for cumulative targets also pace (floor × months elapsed / 12) and a linear projection."""
    frames = []
    for target in scheme.targets:
        rows = metric_values.filter(pl.col("metric") == target.code).sort("month")
        if rows.is_empty():
            continue
        months_elapsed = pl.col("month").str.slice(5, 2).cast(pl.Int32)
        frame = rows.select("month", value=pl.col("value").cast(pl.Float64)).with_columns(
            actual=aggregate_to_date(pl.col("value"), target.aggregate)
        )
        if target.measure == "cumulative":
            frame = frame.with_columns(
                pace=target.floor * months_elapsed / 12,
                projection=pl.col("actual") / months_elapsed * 12,
            )
        else:
            frame = frame.with_columns(
                pace=pl.lit(None, dtype=pl.Float64), projection=pl.lit(None, dtype=pl.Float64)
            )
        judged = pl.col("projection") if target.measure == "cumulative" else pl.col("actual")
        frame = frame.with_columns(
            scheme=pl.lit(scheme.id),
            year=pl.lit(scheme.year, dtype=pl.Int32),
            target=pl.lit(target.code),
            floor=pl.lit(target.floor),
            stretch=pl.lit(target.stretch, dtype=pl.Float64),
            status=status(pl.col("actual"), target),
            projected_status=status(judged, target),
        )
        frames.append(frame.select(list(PROGRESS_SCHEMA)).cast(PROGRESS_SCHEMA))
    if not frames:
        return pl.DataFrame(schema=PROGRESS_SCHEMA)
    return pl.concat(frames)


def months_elapsed(month: str) -> int:
    """Months of the year covered by figures up to `month` (YYYY-MM): 2013-06 → 6."""
    return int(month[5:7])


def monthly_need(target: Target, actual: float, level: float, month: str) -> float | None:
    """What each remaining month must bring for the year's figure to reach `level`, as the
    target aggregates its months: Σ → the amount per month ((level − figure to date) / months
    left); mean → the monthly value needed so the year's mean reaches the level; last → the level
    itself (the figure must stand there by December). None when no month is left. Never below 0.
    """
    elapsed = months_elapsed(month)
    left = 12 - elapsed
    if left <= 0:
        return None
    if target.aggregate == "sum":
        need = (level - actual) / left
    elif target.aggregate == "mean":
        need = (level * 12 - actual * elapsed) / left
    else:
        need = level
    return max(need, 0.0) if target.direction == "higher_better" else need


def reaches_value(value: float, level: float, target: Target) -> bool:
    """`reaches` for one number."""
    return bool(pl.select(reaches(pl.lit(value, dtype=pl.Float64), level, target)).item())
