"""The 单位 page's reads: a unit's months beside its type's median, and where it lost most."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.reader import query


def monthly_series(db: Path, scheme: str, year: int, unit_type: str | None) -> pl.DataFrame:
    """Every month's points and ranks of every unit (of a type), for history charts."""
    return query(
        db,
        "SELECT m.month, m.unit, m.unit_type, m.points, m.ytd_points, m.rank, m.ytd_rank "
        "FROM monthly_points m WHERE m.scheme = ? AND m.year = ? "
        "AND (?::VARCHAR IS NULL OR m.unit_type = ?) ORDER BY m.month, m.unit",
        [scheme, year, unit_type, unit_type],
    )


def unit_months(db: Path, scheme: str, year: int, unit: str, unit_type: str) -> pl.DataFrame:
    """One unit's months of `monthly_series`: its points and ranks, month by month."""
    return query(
        db,
        "SELECT m.month, m.unit, m.unit_type, m.points, m.ytd_points, m.rank, m.ytd_rank "
        "FROM monthly_points m WHERE m.scheme = ? AND m.year = ? AND m.unit = ? "
        "AND m.unit_type = ? ORDER BY m.month",
        [scheme, year, unit, unit_type],
    )


def monthly_median(db: Path, scheme: str, year: int, unit_type: str) -> pl.DataFrame:
    """The median monthly and year-to-date points of a unit type, per month, with the units
    scored (`units`) and placed (`ranked`: 不排名 units take no place)."""
    return query(
        db,
        "SELECT month, median(points) AS median_points, median(ytd_points) AS median_ytd, "
        "count(*) AS units, count(rank) AS ranked FROM monthly_points "
        "WHERE scheme = ? AND year = ? AND unit_type = ? GROUP BY month ORDER BY month",
        [scheme, year, unit_type],
    )


def unit_losses(db: Path, scheme: str, year: int, unit: str, limit: int) -> pl.DataFrame:
    """A unit's indicators where it lost most, with the seed's 考核要点 / 评分细则 and source."""
    return query(
        db,
        "SELECT i.code, i.name, i.category, s.max_points, s.score, s.lost, "
        "coalesce(i.criteria, i.scoring_text) AS criteria, i.source, i.lead_office, "
        "i.assessing_bodies "
        "FROM indicator_scores s "
        "JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code "
        "WHERE s.scheme = ? AND s.year = ? AND s.unit = ? AND s.lost > 0 "
        "ORDER BY s.lost DESC, i.position LIMIT ?",
        [scheme, year, unit, limit],
    )
