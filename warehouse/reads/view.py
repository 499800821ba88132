"""The reads every page makes for its view: the sidebar's schemes, unit types, units and
periods; whether sample units are in view; grade bands and stages; the last load."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.reader import UNIT_FILTER, query, units_param


def schemes(db: Path) -> pl.DataFrame:
    """Schemes for the sidebar: id, name, jurisdiction, year, stages present, documents."""
    return query(
        db,
        "SELECT scheme, name, jurisdiction, year, total_points, has_content, has_grades, "
        "builtin, version, added_at, documents FROM schemes ORDER BY builtin DESC, scheme",
    )


def unit_types(db: Path, scheme: str) -> pl.DataFrame:
    """Unit types of a scheme in the scheme's order, with the rubric each one is scored by."""
    return query(
        db,
        "SELECT t.unit_type, t.position, t.rubric, r.name AS rubric_name, t.description "
        "FROM unit_types t LEFT JOIN rubrics r ON r.scheme = t.scheme AND r.rubric = t.rubric "
        "WHERE t.scheme = ? ORDER BY t.position",
        [scheme],
    )


def units(db: Path, scheme: str) -> pl.DataFrame:
    """Units of a scheme, by unit type order then name, with the sample-data flag."""
    return query(
        db,
        "SELECT u.unit, u.unit_type, u.is_sample FROM units u "
        "LEFT JOIN unit_types t ON t.scheme = u.scheme AND t.unit_type = u.unit_type "
        "WHERE u.scheme = ? ORDER BY t.position, u.unit",
        [scheme],
    )


def periods(db: Path, scheme: str) -> pl.DataFrame:
    """Every (year, month) with results for a scheme; month is NULL for a year with year-end
    results only. Months come from the monthly stage and from the target figures."""
    return query(
        db,
        "SELECT DISTINCT year, month FROM ("
        "  SELECT year, NULL::VARCHAR AS month FROM results WHERE scheme = ?"
        "  UNION ALL SELECT year, month FROM monthly_points WHERE scheme = ?"
        "  UNION ALL SELECT year, month FROM target_progress WHERE scheme = ?"
        ") ORDER BY year, month NULLS FIRST",
        [scheme, scheme, scheme],
    )


def is_sample(db: Path, scheme: str, unit_type: str | None,
                   units: list[str] | tuple[str, ...] | None = None) -> bool:
    """Whether any unit in view (scheme, optional type, optional units) is sample data."""
    u = units_param(units)
    frame = query(
        db,
        "SELECT coalesce(bool_or(is_sample), false) AS sample FROM units "
        "WHERE scheme = ? AND (?::VARCHAR IS NULL OR unit_type = ?) AND "
        + UNIT_FILTER.format(col="unit"),
        [scheme, unit_type, unit_type, u, u],
    )
    return bool(frame["sample"][0])


def grades(db: Path, scheme: str) -> pl.DataFrame:
    """Grade bands of a scheme, best first (empty for schemes without grades)."""
    return query(
        db,
        "SELECT grade, min_points, position FROM grades WHERE scheme = ? ORDER BY position",
        [scheme],
    )


def stages(db: Path, scheme: str) -> pl.DataFrame:
    """Stages of a scheme with weight and max points, in order."""
    return query(
        db,
        "SELECT stage, name, basis, weight, max_points, position FROM stages "
        "WHERE scheme = ? ORDER BY position",
        [scheme],
    )


def last_load(db: Path) -> pl.DataFrame:
    """When the warehouse was last loaded, and how many loads it holds."""
    return query(db, "SELECT max(loaded_at) AS loaded_at, count(*) AS loads FROM loads")
