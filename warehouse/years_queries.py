"""Reads of the years of a series (views of warehouse/sql/views/50_years.sql): each result
against the previous year of its series, and each unit's line across the years.

The matching of units and years is in the views (pipelines/years/ checks what is loaded), so
these reads only select; nothing here scores.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.reader import query
from warehouse.rounding import round_half_up

YEAR_VIEWS = ("series_years", "unit_links", "unit_previous", "results_vs_previous",
              "unit_lineage")


def has_years(db: Path) -> bool:
    """Whether the warehouse has the year views (a warehouse written before them has not, until
    its next load rebuilds it)."""
    found = query(db, "SELECT count(*) AS n FROM information_schema.tables "
                      "WHERE table_name IN ('series_years', 'results_vs_previous', "
                      "'unit_lineage')")
    return found["n"][0] == 3


PREVIOUS_COLUMNS = ("prev_total", "prev_rank", "rank_change")


def previous_columns(db: Path, scheme: str, year: int, decimals: int = 2) -> pl.DataFrame:
    """CONTRACT `egov scores` year-end: per unit `prev_total,prev_rank,rank_change` against the
    previous year of the scheme's series (rank_change = previous rank − rank, positive = up);
    null where there is no previous year, no matched unit, a merger (several previous units: no
    single figure) or, for rank_change, a unit whose type changed (ranks are within a type).
    prev_total is rounded half-up to `decimals`, as totals are."""
    if not has_years(db):
        return pl.DataFrame(schema={"unit": pl.String, "prev_total": pl.Float64,
                                    "prev_rank": pl.Int32, "rank_change": pl.Int32})
    frame = query(db, "SELECT unit, prev_total, prev_rank, rank_change "
                      "FROM results_vs_previous WHERE scheme = ? AND year = ?", [scheme, year])
    return frame.with_columns(round_half_up(pl.col("prev_total"), decimals),
                              pl.col("prev_rank").cast(pl.Int32),
                              pl.col("rank_change").cast(pl.Int32))


def series_of(db: Path) -> pl.DataFrame:
    """Every year of every series: series, year, scheme, the scheme's name, prev_scheme and
    prev_year, earliest first; empty without the views."""
    if not has_years(db):
        return pl.DataFrame(schema={"series": pl.String, "year": pl.Int32, "scheme": pl.String,
                                    "name": pl.String, "prev_scheme": pl.String,
                                    "prev_year": pl.Int32})
    return query(db, "SELECT y.series, y.year, y.scheme, s.name, y.prev_scheme, y.prev_year "
                     "FROM series_years y JOIN schemes s ON s.scheme = y.scheme "
                     "ORDER BY y.series, y.year")


TREND_SQL = """
WITH picked AS (
    SELECT DISTINCT latest_scheme, latest_unit FROM unit_lineage
    WHERE series = $series AND ($unit IS NULL OR unit = $unit OR latest_unit = $unit)
)
SELECT l.series, r.year, r.scheme, l.latest_unit AS unit, r.unit AS unit_name_that_year,
       r.unit_type, r.total, r.rank, r.grade, coalesce(u.is_sample, false) AS sample
FROM unit_lineage l
JOIN picked p ON p.latest_scheme = l.latest_scheme AND p.latest_unit = l.latest_unit
JOIN results r ON r.scheme = l.scheme AND r.unit = l.unit
JOIN units lu ON lu.scheme = l.latest_scheme AND lu.unit = l.latest_unit
JOIN unit_types lt ON lt.scheme = lu.scheme AND lt.unit_type = lu.unit_type
LEFT JOIN units u ON u.scheme = r.scheme AND u.unit = r.unit
WHERE l.series = $series AND ($unit_type IS NULL OR lu.unit_type = $unit_type)
ORDER BY lt.position, l.latest_unit, r.year, r.unit
"""

TREND_COLUMNS = ("series", "year", "scheme", "unit", "unit_name_that_year", "unit_type",
                 "total", "rank", "grade")


def trend(db: Path, series: str, unit_type: str | None = None,
          unit: str | None = None) -> pl.DataFrame:
    """CONTRACT `egov trend`: one row per unit and year of the series, the unit under its latest
    name (`unit`) and the name it had that year; `unit_type` is the type that year. --unit-type
    picks units by their latest type, --unit by any of their names; then `sample`."""
    frame = query(db, TREND_SQL, {"series": series, "unit_type": unit_type, "unit": unit})
    return frame.with_columns(round_half_up(pl.col("total"))).select(*TREND_COLUMNS, "sample")


def unit_years(db: Path, scheme: str, unit: str) -> pl.DataFrame:
    """Every year of the line `unit` of `scheme` belongs to (unrounded), with each year's scheme
    name: the 单位 page's history. A merged unit's earlier years hold a row per merged unit."""
    return query(db, """
        WITH mine AS (SELECT DISTINCT latest_scheme, latest_unit, series FROM unit_lineage
                      WHERE scheme = ? AND unit = ?)
        SELECT r.year, r.scheme, s.name AS scheme_name, r.unit, r.unit_type, r.total, r.rank,
               r.grade, (SELECT count(*) FROM results c WHERE c.scheme = r.scheme
                         AND c.unit_type = r.unit_type) AS units_of_type
        FROM unit_lineage l JOIN mine m ON m.latest_scheme = l.latest_scheme
             AND m.latest_unit = l.latest_unit AND m.series = l.series
        JOIN results r ON r.scheme = l.scheme AND r.unit = l.unit
        JOIN schemes s ON s.scheme = r.scheme
        ORDER BY r.year, r.unit""", [scheme, unit])


def versus_previous(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Each result of a scheme-year beside the previous year's (unrounded): prev_total,
    prev_rank, prev_grade, rank_change, prev_unit_names, prev_units, type_changed."""
    return query(db, "SELECT v.*, t.position AS type_position FROM results_vs_previous v "
                     "JOIN unit_types t ON t.scheme = v.scheme AND t.unit_type = v.unit_type "
                     "WHERE v.scheme = ? AND v.year = ? ORDER BY t.position, v.rank, v.unit",
                 [scheme, year])


def previous_units(db: Path, scheme: str, unit: str) -> pl.DataFrame:
    """The previous year's unit(s) a unit is matched to, with their results: a merger has
    several."""
    return query(db, "SELECT * FROM unit_previous WHERE scheme = ? AND unit = ? "
                     "ORDER BY prev_unit", [scheme, unit])


def links(db: Path, scheme: str) -> pl.DataFrame:
    """unit_links of a scheme: unit, prev_scheme, prev_unit, by_previous_name."""
    return query(db, "SELECT unit, prev_scheme, prev_unit, by_previous_name FROM unit_links "
                     "WHERE scheme = ? ORDER BY unit, prev_unit", [scheme])


def grade_positions(db: Path, scheme: str) -> dict[str, int]:
    """A scheme's grades by position (0 = best)."""
    frame = query(db, "SELECT grade, position FROM grades WHERE scheme = ?", [scheme])
    return dict(zip(frame["grade"].to_list(), frame["position"].to_list(), strict=True))


def unit_types_of(db: Path, schemes: list[str]) -> list[str]:
    """The unit types of these schemes, in the order their schemes list them."""
    frame = query(db, "SELECT unit_type, min(position) AS p FROM unit_types "
                      "WHERE list_contains(?, scheme) GROUP BY unit_type ORDER BY p, unit_type",
                  [schemes])
    return frame["unit_type"].to_list()


def target_years(db: Path, series: str) -> pl.DataFrame:
    """Each target of each year of the series with its status at the last month with its
    figures that year: year, target (its code, which matches targets across years), name,
    position, status (达争 / 达保 / 未达; NULL for a target of that year without figures), stretch
    (NULL for a target with a floor alone)."""
    return query(db, """
        WITH last AS (SELECT scheme, year, target, max(month) AS month FROM target_progress
                      GROUP BY scheme, year, target)
        SELECT y.year, t.target, t.name, t.position, p.status, t.stretch
        FROM series_years y
        JOIN targets t ON t.scheme = y.scheme
        LEFT JOIN last l ON l.scheme = t.scheme AND l.year = y.year AND l.target = t.target
        LEFT JOIN target_progress p ON p.scheme = l.scheme AND p.year = l.year
             AND p.target = l.target AND p.month = l.month
        WHERE y.series = ? ORDER BY y.year, t.position""", [series])


def indicator_rates(db: Path, schemes: list[str]) -> pl.DataFrame:
    """Each unit type's score rate on each indicator of these schemes: points scored ÷ points
    available over the units scored on it (exempt units left out): scheme, code, unit_type,
    rate."""
    return query(db, "SELECT scheme, code, unit_type, sum(score) / sum(max_points) AS rate "
                     "FROM indicator_scores WHERE list_contains(?, scheme) AND NOT exempt "
                     "GROUP BY scheme, code, unit_type HAVING sum(max_points) > 0 "
                     "ORDER BY scheme, code, unit_type", [schemes])
