"""The 目标 page's reads (and 总览's): each target's monthly figures, its latest status, and the
targets as the scheme file states them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.reader import query

TARGET_PROGRESS_SQL = """
SELECT p.target, t.name, t.text, t.measure, t.direction, t.strict, t.unit, t.aggregate,
       t.position, p.month, p.value, p.actual, p.floor, p.stretch, p.status,
       p.projected_status, p.pace, p.projection
FROM target_progress p
JOIN targets t ON t.scheme = p.scheme AND t.target = p.target
WHERE p.scheme = ? AND p.year = ? AND (?::VARCHAR IS NULL OR p.month <= ?)
ORDER BY t.position, p.month
"""


def target_progress(db: Path, scheme: str, year: int, until: str | None) -> pl.DataFrame:
    """Every target's monthly figures up to a month (all months when `until` is None)."""
    return query(db, TARGET_PROGRESS_SQL, [scheme, year, until, until])


def target_status(db: Path, scheme: str, year: int, until: str | None) -> pl.DataFrame:
    """Each target at its latest reported month up to `until`; targets with no figure yet are
    listed with NULL status."""
    return query(
        db,
        "WITH p AS (" + TARGET_PROGRESS_SQL.replace("ORDER BY t.position, p.month", "")
        + " QUALIFY row_number() OVER (PARTITION BY p.target ORDER BY p.month DESC) = 1) "
        "SELECT t.target, t.name, t.text, t.measure, t.direction, t.unit, t.position, "
        "t.floor, t.stretch, p.month, p.value, p.actual, p.status, p.projected_status, p.pace, "
        "p.projection FROM targets t LEFT JOIN p ON p.target = t.target "
        "WHERE t.scheme = ? ORDER BY t.position",
        [scheme, year, until, until, scheme],
    )


def targets(db: Path, scheme: str) -> pl.DataFrame:
    """A scheme's targets as the scheme file states them."""
    return query(
        db,
        "SELECT target, name, text, measure, direction, strict, floor, stretch, aggregate, unit, "
        "source, interpretation FROM targets WHERE scheme = ? ORDER BY position",
        [scheme],
    )
