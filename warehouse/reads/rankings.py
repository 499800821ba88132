"""The 排名 page's reads (and the briefing pack's): year-end and monthly rankings with the
previous period's ranks, stage points and units per grade (rank stability and indicator
weights are computed on demand: pipelines/stability_on_demand.py, dashboard/lab/lab_data.py)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.reader import query
from warehouse.years_queries import has_years

YEAREND_SQL = """
SELECT r.unit_type, t.position AS type_position, r.rank, r.unit, r.total, r.grade,
       g.position AS grade_position, r.stages_total, r.bonus, r.penalty,
       coalesce(u.is_sample, false) AS is_sample, p.rank AS prev_rank
FROM results r
JOIN unit_types t ON t.scheme = r.scheme AND t.unit_type = r.unit_type
LEFT JOIN units u ON u.scheme = r.scheme AND u.unit = r.unit
LEFT JOIN grades g ON g.scheme = r.scheme AND g.grade = r.grade
LEFT JOIN results p ON p.scheme = r.scheme AND p.unit = r.unit AND p.year = r.year - 1
WHERE r.scheme = ? AND r.year = ? AND (?::VARCHAR IS NULL OR r.unit_type = ?)
ORDER BY t.position, r.rank, r.unit
"""
# A warehouse with the year views compares with the previous year of the scheme's series.
PREVIOUS_YEAR_JOIN = ("LEFT JOIN results p ON p.scheme = r.scheme AND p.unit = r.unit "
                      "AND p.year = r.year - 1")
YEARS_JOIN = "LEFT JOIN results_vs_previous p ON p.scheme = r.scheme AND p.unit = r.unit"


def yearend_ranking(db: Path, scheme: str, year: int, unit_type: str | None) -> pl.DataFrame:
    """Year-end results per unit (unrounded), with the previous year's rank where there is one
    (the previous year of the scheme's series, warehouse/years_queries.py; none for a merged unit
    or one whose unit type changed)."""
    sql = YEAREND_SQL
    if has_years(db):
        sql = sql.replace(PREVIOUS_YEAR_JOIN, YEARS_JOIN).replace(
            "p.rank AS prev_rank", "CASE WHEN NOT p.type_changed THEN p.prev_rank END AS prev_rank"
            ", p.prev_units, p.type_changed")
    return query(db, sql, [scheme, year, unit_type, unit_type])


def stage_points(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Each unit's points per stage (long form), stages in the scheme's order."""
    return query(
        db,
        "SELECT s.unit, st.name AS stage_name, st.position, s.points, s.raw_points, "
        "s.max_points, s.excess_bonus FROM stage_scores s "
        "JOIN stages st ON st.scheme = s.scheme AND st.stage = s.stage "
        "WHERE s.scheme = ? AND s.year = ? ORDER BY st.position, s.unit",
        [scheme, year],
    )


# The month's rows, and for each unit its previous reported month's ranks: an aggregate over the
# earlier months (arg_max) rather than a window over the whole year, which sorted every unit's
# twelve months to keep one (395 ms → see BENCHMARKS.md at 6,000 units).
MONTHLY_SQL = """
WITH cur AS (
    SELECT * FROM monthly_points
    WHERE scheme = ? AND year = ? AND month = ? AND (?::VARCHAR IS NULL OR unit_type = ?)
), prev AS (
    SELECT unit, max(month) AS prev_month, arg_max(rank, month) AS prev_rank,
           arg_max(ytd_rank, month) AS prev_ytd_rank
    FROM monthly_points
    WHERE scheme = ? AND year = ? AND month < ? AND (?::VARCHAR IS NULL OR unit_type = ?)
    GROUP BY unit
)
SELECT m.unit_type, t.position AS type_position, m.month, m.rank, m.unit, m.points,
       m.item_points, m.adoption_points, m.ytd_points, m.ytd_rank, p.prev_rank,
       p.prev_ytd_rank, p.prev_month, coalesce(u.is_sample, false) AS is_sample
FROM cur m
JOIN unit_types t ON t.scheme = m.scheme AND t.unit_type = m.unit_type
LEFT JOIN prev p ON p.unit = m.unit
LEFT JOIN units u ON u.scheme = m.scheme AND u.unit = m.unit
ORDER BY t.position, m.rank, m.unit
"""


def monthly_ranking(db: Path, scheme: str, year: int, month: str,
                         unit_type: str | None) -> pl.DataFrame:
    """One month's monthly points and ranks per unit, with the previous reported month's ranks."""
    return query(db, MONTHLY_SQL, [scheme, year, month, unit_type, unit_type,
                                              scheme, year, month, unit_type, unit_type])


def grade_distribution(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Units per unit type and grade (grades with no unit are listed with 0)."""
    return query(
        db,
        "SELECT t.unit_type, t.position AS type_position, g.grade, g.position AS grade_position, "
        "count(r.unit) AS units FROM unit_types t CROSS JOIN grades g "
        "LEFT JOIN results r ON r.scheme = t.scheme AND r.unit_type = t.unit_type "
        "  AND r.grade = g.grade AND r.year = ? "
        "WHERE t.scheme = ? AND g.scheme = ? "
        "GROUP BY ALL ORDER BY t.position, g.position",
        [year, scheme, scheme],
    )
