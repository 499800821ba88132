"""Reads of the warehouse for the 通报 and the 预警 (pipelines/notice/): who reported, which
indicators a unit type lost points on, each unit's stage points. Values go in as parameters."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.reader import query


def latest_month(db: Path, scheme: str, year: int, until: str | None) -> str | None:
    """The latest month up to `until` (all months when None) with monthly points or target
    figures: the 'current month' of a view."""
    frame = query(
        db,
        "SELECT max(month) AS month FROM ("
        "  SELECT month FROM monthly_points WHERE scheme = ? AND year = ?"
        "  UNION ALL SELECT month FROM target_progress WHERE scheme = ? AND year = ?"
        ") WHERE ?::VARCHAR IS NULL OR month <= ?",
        [scheme, year, scheme, year, until, until],
    )
    return frame["month"][0] if frame.height else None


def content_months(db: Path, scheme: str, year: int) -> list[str]:
    """The months of a year for which any unit sent a 内容保障月报 (monthly tally)."""
    frame = query(
        db,
        "SELECT DISTINCT month FROM content_tallies WHERE scheme = ? AND year = ? ORDER BY month",
        [scheme, year],
    )
    return frame["month"].to_list()


def units_without_tallies(db: Path, scheme: str, month: str) -> pl.DataFrame:
    """Units of the scheme with no row in the month's 内容保障月报 (they did not report)."""
    return query(
        db,
        "SELECT u.unit, u.unit_type FROM units u "
        "JOIN unit_types t ON t.scheme = u.scheme AND t.unit_type = u.unit_type "
        "WHERE u.scheme = ? AND NOT EXISTS (SELECT 1 FROM content_tallies c "
        "  WHERE c.scheme = u.scheme AND c.unit = u.unit AND c.month = ?) "
        "ORDER BY t.position, u.unit",
        [scheme, month],
    )


def units_without_yearend_input(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Units scored for the year without a single 年终评分 row of their own (not reported); empty
    when nobody has year-end input yet (the year-end assessment has not started)."""
    return query(
        db,
        "WITH s AS (SELECT unit, unit_type, bool_or(has_input) AS reported "
        "  FROM indicator_scores WHERE scheme = ? AND year = ? GROUP BY ALL) "
        "SELECT s.unit, s.unit_type FROM s "
        "JOIN unit_types t ON t.scheme = ? AND t.unit_type = s.unit_type "
        "WHERE NOT s.reported AND (SELECT bool_or(reported) FROM s) "
        "ORDER BY t.position, s.unit",
        [scheme, year, scheme],
    )


def indicator_losses_by_type(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Per unit type and indicator: units that lost points, units scored (not exempt), points lost,
    the indicator's 一级/二级 node and its 牵头科室 or 牵头考核单位; most lost first."""
    return query(
        db,
        "SELECT s.unit_type, t.position AS type_position, i.rubric, i.code, i.name, i.category, "
        "coalesce(i.level2, i.name) AS level2, i.position, i.max_points, "
        "count(*) FILTER (WHERE s.lost > 0) AS units_losing, "
        "count(*) FILTER (WHERE NOT s.exempt) AS units_scored, sum(s.lost) AS lost, "
        "sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END) AS available, "
        "i.lead_office, i.assessing_bodies "
        "FROM indicator_scores s "
        "JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code "
        "JOIN unit_types t ON t.scheme = s.scheme AND t.unit_type = s.unit_type "
        "WHERE s.scheme = ? AND s.year = ? GROUP BY ALL "
        "ORDER BY t.position, lost DESC, i.position",
        [scheme, year],
    )


def stage_points(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Each unit's points per stage with the stage's basis (content | rubric)."""
    return query(
        db,
        "SELECT s.unit, s.unit_type, s.stage, st.basis, s.points FROM stage_scores s "
        "JOIN stages st ON st.scheme = s.scheme AND st.stage = s.stage "
        "WHERE s.scheme = ? AND s.year = ? ORDER BY s.unit, st.position",
        [scheme, year],
    )
