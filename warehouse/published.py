"""`egov scores` year-end results as a scheme publishes them.

The warehouse query (`queries.yearend_scores`) gives every scheme the same columns; a scheme
decides what its published table holds: totals to its `decimals`, bonus and penalty columns only
where it has 加减分 clauses, a grade that is empty (not null) where it has no grades, and, on
request (`--levels N`), each indicator group's score down to level N, from the `group_scores`
view (a group's score is the sum of its leaves' scores, or its aggregated score in a rubric
scored by its tree of means), one column per group named by its path
(一级指标, or 一级 / 二级 ...), in the scheme's order. The scheme's settings are read from its
stored definition without building the pydantic model (a short command starts fast).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import polars as pl

from warehouse.reader import query
from warehouse.rounding import round_half_up

GROUPS_SQL = """
SELECT unit, rubric, path, depth, position, score
FROM group_scores
WHERE scheme = ? AND year = ? AND depth <= ?
"""


class Publication(NamedTuple):
    """What a scheme says about its published results."""

    decimals: int
    has_adjustments: bool


def publication(db: Path, scheme: str) -> Publication:
    """The scheme's `decimals` (2 when its stored definition predates the field) and whether it
    has 加减分 clauses."""
    found = query(db, "SELECT definition FROM schemes WHERE scheme = ?", [scheme])
    definition = json.loads(found["definition"][0]) if found.height else {}
    return Publication(int(definition.get("decimals", 2)),
                       definition.get("adjustments") is not None)


def yearend_published(db: Path, scheme: str, year: int, unit_type: str | None,
                      stability: pl.DataFrame | None = None,
                      levels: int | None = None) -> pl.DataFrame:
    """`egov scores` year-end: `queries.yearend_scores` shaped by the scheme (see above); group
    columns come before the stability and `sample` columns."""
    from warehouse.queries import yearend_scores

    settings = publication(db, scheme)
    frame = yearend_scores(db, scheme, year, unit_type, stability=stability,
                           decimals=settings.decimals)
    frame = frame.with_columns(pl.col("grade").fill_null(""))
    if not settings.has_adjustments:
        frame = frame.drop("bonus", "penalty", strict=False)
    if not levels:
        return frame
    groups = group_score_columns(db, scheme, year, levels)
    named = [c for c in groups.columns if c != "unit"]
    if not named:
        return frame
    clash = {c: f"{c}(分组)" for c in named if c in frame.columns}
    groups = groups.rename(clash)  # a group named like a column (a stage): say it is the group
    named = [clash.get(c, c) for c in named]
    groups = groups.with_columns(round_half_up(pl.col(c), settings.decimals) for c in named)
    tail = [c for c in ("prev_total", "prev_rank", "rank_change",  # issue 17: before sample
                        "rank_median", "rank_p05", "rank_p95", "sample") if c in frame.columns]
    joined = frame.join(groups, on="unit", how="left", maintain_order="left")
    return joined.select(pl.exclude(*tail), *tail)


def group_score_columns(db: Path, scheme: str, year: int, levels: int) -> pl.DataFrame:
    """unit, then one column per group of depth ≤ `levels` (null for a unit whose rubric does
    not have that group), unrounded."""
    frame = query(db, GROUPS_SQL, [scheme, year, levels])
    if frame.is_empty():
        return pl.DataFrame(schema={"unit": pl.String})
    order = (frame.select("rubric", "position", "path").unique()
             .sort("rubric", "position")["path"].unique(maintain_order=True).to_list())
    wide = frame.pivot(on="path", index="unit", values="score", aggregate_function="first")
    return wide.select("unit", *order)
