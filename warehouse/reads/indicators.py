"""The 指标 page's reads: scores per unit and tree node at one level, where points were lost
(per indicator and per responsible office), one indicator across units, each unit's share of
the available points."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.reader import UNIT_FILTER, query, units_param

# Indicator results grouped at one level of the tree. The level picks one of three fixed
# statements (never user text); the filters are parameters.
_LEVEL_KEYS = {
    1: "i.category",
    2: "coalesce(i.level2, i.name)",
    3: "i.code || ' ' || i.name",
}


_LEVEL_SQL = """
SELECT s.unit, s.unit_type, s.rubric, {key} AS node, min(i.position) AS node_position,
       sum(CASE WHEN s.exempt THEN 0 ELSE s.score END) AS score,
       sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END) AS max_points,
       sum(s.lost) AS lost, bool_and(s.exempt) AS exempt,
       coalesce(bool_or(u.is_sample), false) AS is_sample
FROM indicator_scores s
JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code
LEFT JOIN units u ON u.scheme = s.scheme AND u.unit = s.unit
WHERE s.scheme = ? AND s.year = ? AND (?::VARCHAR IS NULL OR s.unit_type = ?)
  AND (?::VARCHAR IS NULL OR s.rubric = ?)
  AND (?::VARCHAR IS NULL OR i.category = ?)
  AND (?::VARCHAR IS NULL OR coalesce(i.level2, i.name) = ?)
  AND {units}
GROUP BY s.unit, s.unit_type, s.rubric, node
ORDER BY s.rubric, node_position, s.unit
"""


def level_scores(db: Path, scheme: str, year: int, level: int, *,
                      unit_type: str | None = None, rubric: str | None = None,
                      category: str | None = None, level2: str | None = None,
                      units: list[str] | tuple[str, ...] | None = None) -> pl.DataFrame:
    """Score, available max and lost points per unit and tree node at `level` (1 一级指标,
    2 二级指标, 3 leaf indicators), optionally inside one category and one second-level node.
    Exempt indicators are left out of score and max, as the rubric leaves them out."""
    sql = _LEVEL_SQL.format(key=_LEVEL_KEYS[level], units=UNIT_FILTER.format(col="s.unit"))
    u = units_param(units)
    return query(db, sql, [scheme, year, unit_type, unit_type, rubric, rubric, category,
                            category, level2, level2, u, u])


def lost_points(db: Path, scheme: str, year: int, unit_type: str | None,
                     units: list[str] | tuple[str, ...] | None = None,
                     rubric: str | None = None) -> pl.DataFrame:
    """Per indicator: points lost over the units in view, as a sum and as the average per unit
    scored (`avg_lost`, exempt units left out), units that lost any and their share of the units
    scored (`share_losing`), and the indicator's lead office; most lost per unit first."""
    u = units_param(units)
    # Aggregate the scores per indicator first, then join the indicators' text: grouping the
    # joined rows by every text column cost 640 ms at 6,000 units (vs ~100 ms).
    return query(
        db,
        "WITH s AS (SELECT s.rubric, s.code, sum(s.lost) AS lost, "
        "count(*) FILTER (WHERE s.lost > 0) AS units_losing, "
        "count(*) FILTER (WHERE NOT s.exempt) AS units_scored, "
        "sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END) AS available "
        "FROM indicator_scores s "
        "WHERE s.scheme = ? AND s.year = ? AND (?::VARCHAR IS NULL OR s.unit_type = ?) "
        "AND (?::VARCHAR IS NULL OR s.rubric = ?) AND " + UNIT_FILTER.format(col="s.unit")
        + " GROUP BY s.rubric, s.code) "
        "SELECT i.rubric, i.position, i.code, i.name, i.category, "
        "coalesce(i.level2, i.name) AS level2, i.max_points, s.lost, s.units_losing, "
        "s.units_scored, s.available, s.lost / nullif(s.units_scored, 0) AS avg_lost, "
        "s.units_losing::DOUBLE / nullif(s.units_scored, 0) AS share_losing, "
        "i.lead_office, i.supporting_offices, i.assessing_bodies, i.criteria, i.scoring_text "
        "FROM s JOIN indicators i ON i.scheme = ? AND i.rubric = s.rubric AND i.code = s.code "
        "ORDER BY avg_lost DESC NULLS LAST, s.lost DESC, i.rubric, i.position",
        [scheme, year, unit_type, unit_type, rubric, rubric, u, u, scheme],
    )


def indicator_spread(db: Path, scheme: str, year: int, rubric: str,
                          code: str) -> pl.DataFrame:
    """One indicator's score for every unit scored by its rubric."""
    return query(
        db,
        "SELECT s.unit, s.unit_type, s.score, s.max_points, s.lost, s.exempt, s.has_input, "
        "coalesce(u.is_sample, false) AS is_sample FROM indicator_scores s "
        "LEFT JOIN units u ON u.scheme = s.scheme AND u.unit = s.unit "
        "WHERE s.scheme = ? AND s.year = ? AND s.rubric = ? AND s.code = ? "
        "ORDER BY s.score DESC, s.unit",
        [scheme, year, rubric, code],
    )


_OFFICE_COLUMNS = {"lead_office": "i.lead_office", "assessing_bodies": "i.assessing_bodies"}


def lost_by_office(db: Path, scheme: str, year: int, unit_type: str | None,
                        units: list[str] | tuple[str, ...] | None = None,
                        rubric: str | None = None, by: str = "lead_office") -> pl.DataFrame:
    """Points lost per responsible office: the lead office (牵头科室, Huaibei) or, with
    by="assessing_bodies", the lead assessing body (牵头考核单位, Shengzhou); summed, and averaged
    per unit scored (`avg_lost`), most lost per unit first."""
    column = _OFFICE_COLUMNS[by]
    u = units_param(units)
    return query(
        db,
        f"SELECT {column} AS office, sum(s.lost) AS lost, "
        "sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END) AS available, "
        "count(DISTINCT i.code) AS indicators, count(DISTINCT s.unit) AS units, "
        "sum(s.lost) / nullif(count(DISTINCT s.unit), 0) AS avg_lost FROM indicator_scores s "
        "JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code "
        f"WHERE s.scheme = ? AND s.year = ? AND {column} IS NOT NULL "
        "AND (?::VARCHAR IS NULL OR s.unit_type = ?) AND (?::VARCHAR IS NULL OR s.rubric = ?) "
        "AND " + UNIT_FILTER.format(col="s.unit")
        + " GROUP BY office ORDER BY avg_lost DESC, office",
        [scheme, year, unit_type, unit_type, rubric, rubric, u, u],
    )


def unit_shares(db: Path, scheme: str, year: int, *, rubric: str | None = None,
                     unit_type: str | None = None,
                     units: list[str] | tuple[str, ...] | None = None) -> pl.DataFrame:
    """Each unit's share of the available points over all its indicators (exempt ones left out),
    best first: the order in which the heat map picks the units in view."""
    u = units_param(units)
    return query(
        db,
        "SELECT s.unit, s.unit_type, sum(CASE WHEN s.exempt THEN 0 ELSE s.score END) AS score, "
        "sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END) AS max_points, "
        "sum(CASE WHEN s.exempt THEN 0 ELSE s.score END) "
        "  / nullif(sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END), 0) AS share "
        "FROM indicator_scores s WHERE s.scheme = ? AND s.year = ? "
        "AND (?::VARCHAR IS NULL OR s.rubric = ?) AND (?::VARCHAR IS NULL OR s.unit_type = ?) "
        "AND " + UNIT_FILTER.format(col="s.unit")
        + " GROUP BY s.unit, s.unit_type ORDER BY share DESC NULLS LAST, s.unit",
        [scheme, year, rubric, rubric, unit_type, unit_type, u, u],
    )
