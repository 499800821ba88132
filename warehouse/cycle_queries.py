"""Reads of the warehouse for the office's cycle (pipelines/cycle/, the cycle pages): each unit's
result and lost points for its 反馈单, its 加减分, the rectification ledger, the deadlines, the
spot-check draws and who loaded which assessing body's rows. Values go in as parameters only."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.reader import query


def unit_results(db: Path, scheme: str, year: int, units: list[str] | None = None
                 ) -> pl.DataFrame:
    """Each unit's total, grade, rank within its type, how many ranked units its type has and
    how many share its rank, bonus and penalty (after caps), and the sample flag; in the
    scheme's order. A unit not ranked (不排名) has rank NULL and is not counted in type_units."""
    return query(
        db,
        "SELECT r.unit, r.unit_type, r.total, r.grade, r.rank, r.bonus, r.penalty, "
        "  count(r.rank) OVER (PARTITION BY r.unit_type) AS type_units, "
        "  count(*) OVER (PARTITION BY r.unit_type, r.rank) AS sharing_rank, "
        "  u.is_sample AS sample "
        "FROM results r JOIN units u ON u.scheme = r.scheme AND u.unit = r.unit "
        "JOIN unit_types t ON t.scheme = r.scheme AND t.unit_type = r.unit_type "
        "WHERE r.scheme = ? AND r.year = ? AND (?::VARCHAR[] IS NULL OR list_contains(?, r.unit)) "
        "ORDER BY t.position, r.rank, r.unit",
        [scheme, year, units, units],
    )


def lost_points(db: Path, scheme: str, year: int, units: list[str] | None = None
                ) -> pl.DataFrame:
    """Per unit, every indicator where it lost points: code, name, max points, score, lost, the
    indicator's 考核要点 (criteria), the assessor's notes from the input (说明, parts joined by
    ';') and the assessing body (考核单位: assessing_bodies, else lead_office); most lost first."""
    return query(
        db,
        "WITH notes AS ("
        "  SELECT unit, indicator, string_agg(note, '；' ORDER BY part) AS note "
        "  FROM yearend_inputs WHERE scheme = ? AND year = ? AND note IS NOT NULL "
        "  GROUP BY unit, indicator) "
        "SELECT s.unit, s.code, i.name, s.max_points, s.score, s.lost, i.criteria, n.note, "
        "  coalesce(i.assessing_bodies, i.lead_office) AS body, i.position "
        "FROM indicator_scores s "
        "JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code "
        "LEFT JOIN notes n ON n.unit = s.unit AND n.indicator = s.code "
        "WHERE s.scheme = ? AND s.year = ? AND s.lost > 0 AND NOT s.exempt "
        "  AND (?::VARCHAR[] IS NULL OR list_contains(?, s.unit)) "
        "ORDER BY s.unit, s.lost DESC, i.position",
        [scheme, year, scheme, year, units, units],
    )


def adjustments(db: Path, scheme: str, year: int, units: list[str] | None = None
                ) -> pl.DataFrame:
    """Every 加分 and 减分 row loaded for the units: kind, clause, level, reason, points."""
    return query(
        db,
        "SELECT unit, kind, clause, level, reason, points FROM adjustment_inputs "
        "WHERE scheme = ? AND year = ? AND (?::VARCHAR[] IS NULL OR list_contains(?, unit)) "
        "ORDER BY unit, kind, clause, reason",
        [scheme, year, units, units],
    )


def scheme_header(db: Path, scheme: str) -> dict:
    """The scheme's name, jurisdiction, year and documents (文号)."""
    frame = query(db, "SELECT name, jurisdiction, year, documents FROM schemes "
                            "WHERE scheme = ?", [scheme])
    return frame.row(0, named=True) if frame.height else {}


def feedback_issued(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """The units whose 反馈单 was issued, and when."""
    return query(db, "SELECT unit, issued_at, issued_by FROM feedback_issued "
                           "WHERE scheme = ? AND year = ? ORDER BY unit", [scheme, year])


def rectifications(db: Path, scheme: str, year: int, units: list[str] | None = None
                   ) -> pl.DataFrame:
    """The ledger rows of the scheme-year (with the indicator's name), by unit and indicator."""
    return query(
        db,
        "SELECT r.unit, u.unit_type, r.indicator, i.name AS indicator_name, r.issue, r.measure, "
        "  r.owner, r.due, r.status, r.note "
        "FROM rectifications r JOIN units u ON u.scheme = r.scheme AND u.unit = r.unit "
        "LEFT JOIN (SELECT DISTINCT code, first(name) AS name FROM indicators WHERE scheme = ? "
        "  GROUP BY code) i ON i.code = r.indicator "
        "WHERE r.scheme = ? AND r.year = ? AND (?::VARCHAR[] IS NULL OR list_contains(?, r.unit)) "
        "ORDER BY r.unit, r.indicator, r.issue",
        [scheme, scheme, year, units, units],
    )


def deadline(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """The deadline set for the assessing bodies' rows of a scheme-year (none, or one row)."""
    return query(db, "SELECT due, set_by, set_at FROM cycle_deadlines "
                           "WHERE scheme = ? AND year = ?", [scheme, year])


def body_rows(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Per indicator of the scheme (and rubric: two rubrics may use one code): its bodies
    (assessing_bodies, else lead_office; '' for none), the units expected (those of the unit
    types its rubric scores), the units with a
    verified 年终评分 row, who loaded them and when (the latest)."""
    return query(
        db,
        "WITH expected AS ("
        "  SELECT t.rubric, count(*) AS expected FROM units u JOIN unit_types t "
        "  ON t.scheme = u.scheme AND t.unit_type = u.unit_type WHERE u.scheme = ? "
        "  GROUP BY t.rubric), "
        "got AS ("
        "  SELECT y.indicator, t.rubric, count(DISTINCT y.unit) AS loaded, "
        "    string_agg(DISTINCT l.loaded_by, '、') AS loaded_by, max(l.loaded_at) AS last_loaded "
        "  FROM yearend_inputs y JOIN units u ON u.scheme = y.scheme AND u.unit = y.unit "
        "  JOIN unit_types t ON t.scheme = u.scheme AND t.unit_type = u.unit_type "
        "  LEFT JOIN loads l ON l.load_id = y.load_id "
        "  WHERE y.scheme = ? AND y.year = ? GROUP BY y.indicator, t.rubric) "
        "SELECT r.name AS rubric, i.code AS indicator, i.name, i.position, "
        "  coalesce(i.assessing_bodies, i.lead_office, '') AS bodies, "
        "  e.expected::BIGINT AS expected, coalesce(g.loaded, 0)::BIGINT AS loaded, "
        "  g.loaded_by, g.last_loaded "
        "FROM indicators i JOIN rubrics r ON r.scheme = i.scheme AND r.rubric = i.rubric "
        "JOIN expected e ON e.rubric = i.rubric "
        "LEFT JOIN got g ON g.indicator = i.code AND g.rubric = i.rubric "
        "WHERE i.scheme = ? ORDER BY r.position, i.position",
        [scheme, scheme, year, scheme],
    )
