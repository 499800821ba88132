"""Every read of the warehouse, as parameterised SQL. Pages and commands call these; none builds
SQL from user text (values go in as parameters, never into the statement)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import polars as pl

from warehouse.database import connect_read_only
from warehouse.rounding import round_half_up
from warehouse.years_queries import has_years, previous_columns


def _frame(con, sql: str, params: list | None) -> pl.DataFrame:
    """The result of `sql` as a Polars frame, read through the Arrow C stream interface: the
    frame `.pl()` gives, without importing pyarrow (and numpy with it), which cost a short command
    such as `egov scores` most of its start-up."""
    return pl.DataFrame(con.sql(sql, params=params or []))


def _query(db: Path, sql: str, params: list | None = None) -> pl.DataFrame:
    """A read through the process's attaching reader (below): a command's second and later reads
    cost an ATTACH (~4 ms) instead of opening the file again (~25 ms)."""
    return _READER.read(db, sql, params)


def _connected_query(db: Path, sql: str, params: list | None = None) -> pl.DataFrame:
    """A read on a read-only connection of its own."""
    con = connect_read_only(db)
    try:
        return _frame(con, sql, params)
    finally:
        con.close()


def scheme_ids(db: Path) -> list[str]:
    return _query(db, "SELECT scheme FROM schemes ORDER BY added_at, scheme")["scheme"].to_list()


def scheme_definitions(db: Path) -> list[str]:
    """The definitions (JSON) of the schemes the warehouse holds, built-in and added, in the
    order they were added (`pipelines.schemes.stored.load_schemes` reads them as models)."""
    frame = _query(db, "SELECT definition FROM schemes ORDER BY added_at, scheme")
    return frame["definition"].to_list()


class SchemeYear(NamedTuple):
    """A scheme's id and year: what checking a period needs, read without building the model."""

    id: str
    year: int


def scheme_years(db: Path) -> list[SchemeYear]:
    """Each scheme's id and year, in the order of scheme_definitions."""
    frame = _query(db, "SELECT scheme, year FROM schemes ORDER BY added_at, scheme")
    return [SchemeYear(scheme, year) for scheme, year in frame.iter_rows()]


def units(db: Path, scheme: str) -> pl.DataFrame:
    return _query(
        db,
        "SELECT u.unit, u.unit_type, string_agg(a.alias, '、' ORDER BY a.alias) AS aliases "
        "FROM units u LEFT JOIN unit_aliases a ON a.scheme = u.scheme AND a.unit = u.unit "
        "WHERE u.scheme = ? GROUP BY u.unit, u.unit_type ORDER BY u.unit_type, u.unit",
        [scheme],
    )


YEAREND_SQL = """
SELECT r.scheme, r.year, r.unit, r.unit_type, r.total, r.grade, r.rank,
       r.stages_total, r.bonus, r.penalty, u.is_sample AS sample
FROM results r
JOIN unit_types t ON t.scheme = r.scheme AND t.unit_type = r.unit_type
JOIN units u ON u.scheme = r.scheme AND u.unit = r.unit
WHERE r.scheme = ? AND r.year = ? AND (? IS NULL OR r.unit_type = ?)
ORDER BY t.position, r.rank, r.unit
"""

STAGES_SQL = """
SELECT s.unit, st.name AS stage_name, s.points
FROM stage_scores s JOIN stages st ON st.scheme = s.scheme AND st.stage = s.stage
WHERE s.scheme = ? AND s.year = ?
ORDER BY st.position
"""


def yearend_scores(db: Path, scheme: str, year: int, unit_type: str | None,
                   stability: bool = False, decimals: int = 2) -> pl.DataFrame:
    """`egov scores` year-end (docs/contract.md): scheme,year,unit,unit_type,total,grade,rank,
    then bonus, penalty, each stage's points, prev_total, prev_rank, rank_change (against the
    previous year of the series, warehouse/years_queries.py) and `sample` (示例数据); scores
    rounded half-up to
    `decimals` (2, or the scheme's own `decimals` where `egov scores` passes it).
    With `stability`, the rank interval columns rank_median, rank_p05, rank_p95 (table
    rank_stability) come before `sample`."""
    frame = _query(db, YEAREND_SQL, [scheme, year, unit_type, unit_type])
    stages = _query(db, STAGES_SQL, [scheme, year])
    if not stages.is_empty():
        order = stages["stage_name"].unique(maintain_order=True).to_list()
        wide = stages.pivot(on="stage_name", index="unit", values="points").select("unit", *order)
        frame = frame.join(wide, on="unit", how="left", maintain_order="left")
    numeric = [c for c, t in frame.schema.items() if t == pl.Float64]
    frame = frame.with_columns(round_half_up(pl.col(c), decimals) for c in numeric
                               ).drop("stages_total")
    frame = frame.join(previous_columns(db, scheme, year, decimals), on="unit", how="left",
                       maintain_order="left")  # issue 17: against the series' previous year
    if stability:
        frame = frame.join(rank_stability(db, scheme, year).select(
            "unit", "rank_median", "rank_p05", "rank_p95"), on="unit", how="left",
            maintain_order="left")
    return frame.select(pl.exclude("sample"), "sample")  # the 示例数据 flag last


def rank_stability(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Each unit's published rank with its median rank and 5–95% interval under perturbed
    weights (pipelines/engine/stability.py), and the band, draws and seed used."""
    return _query(db, "SELECT * FROM rank_stability WHERE scheme = ? AND year = ? "
                      "ORDER BY unit_type, rank, unit", [scheme, year])


MONTHLY_SQL = """
SELECT m.scheme, m.month, m.unit, m.unit_type, m.points, m.ytd_points, m.rank, m.ytd_rank,
       m.item_points, m.adoption_points, u.is_sample AS sample
FROM monthly_points m
JOIN unit_types t ON t.scheme = m.scheme AND t.unit_type = m.unit_type
JOIN units u ON u.scheme = m.scheme AND u.unit = m.unit
WHERE m.scheme = ? AND m.month = ? AND (? IS NULL OR m.unit_type = ?)
ORDER BY t.position, m.rank, m.unit
"""


def monthly_scores(db: Path, scheme: str, month: str, unit_type: str | None) -> pl.DataFrame:
    """`egov scores --month` (docs/contract.md): scheme,month,unit,unit_type,points,ytd_points,
    rank."""
    frame = _query(db, MONTHLY_SQL, [scheme, month, unit_type, unit_type])
    return frame.with_columns(
        round_half_up(pl.col(c)) for c in ("points", "ytd_points", "item_points",
                                           "adoption_points")
    )


def table(db: Path, name: str, scheme: str | None = None) -> pl.DataFrame:
    """A whole table (for tests and exports); `name` must be a known table, never user text."""
    con = connect_read_only(db)
    try:
        known = {r[0] for r in con.sql("SELECT table_name FROM information_schema.tables")
                 .fetchall()}
        if name not in known:
            raise ValueError(f"unknown table {name}")
        if scheme is None:
            return con.sql(f"SELECT * FROM {name}").pl()
        return con.sql(f"SELECT * FROM {name} WHERE scheme = ?", params=[scheme]).pl()
    finally:
        con.close()




# --- dashboard ---------------------------------------------------------------------------------
# Reads for the Streamlit dashboard (dashboard/kit/data.py caches them). Every value goes in as a
# parameter. A unit list parameter is a VARCHAR[]; an empty list means "all units". These only
# select, join, order and count: ranks, grades, totals, lost points and target status all come
# from the result tables as the scoring pipelines wrote them.

_UNIT_FILTER = "(len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], {col}))"


def _units_param(units: list[str] | tuple[str, ...] | None) -> list[str]:
    return list(units or [])


class _AttachingReader:
    """Runs the dashboard's reads on one private in-memory DuckDB kept for the process.

    Opening a DuckDB file costs ~25 ms (mostly creating a database instance), more than a
    dashboard query itself (1-5 ms), and a page on a cold cache makes 10-20 reads. Attaching the
    warehouse read-only to a DuckDB that is already open, querying and detaching takes ~4 ms. As
    with a connection of its own, the file is open only during the read, and each read sees the
    file now at the path (a rebuilt warehouse is renamed into place). DuckDB attaches a file once
    per instance, so a read that finds the reader busy (another session's read) opens its own
    connection rather than wait.
    """

    alias = "egov_dash"

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._engine = None  # the in-memory DuckDB, opened at the first read

    def read(self, db: Path, sql: str, params: list | None) -> pl.DataFrame:
        import duckdb

        if not self._lock.acquire(blocking=False):
            return _connected_query(db, sql, params)
        try:
            if self._engine is None:
                self._engine = duckdb.connect(":memory:")
            con = self._engine.cursor()
            try:
                con.execute(f"DETACH DATABASE IF EXISTS {self.alias}")
                try:
                    path = str(db).replace("'", "''")
                    con.execute(f"ATTACH '{path}' AS {self.alias} (READ_ONLY)")
                except duckdb.Error:
                    return _connected_query(db, sql, params)  # fails as its own connection would
                try:
                    con.execute(f"USE {self.alias}")
                    return _frame(con, sql, params)
                finally:
                    con.execute("USE memory")
                    con.execute(f"DETACH {self.alias}")
            finally:
                con.close()
        finally:
            self._lock.release()


_READER = _AttachingReader()


def _dash_query(db: Path, sql: str, params: list | None = None) -> pl.DataFrame:
    return _READER.read(db, sql, params)


def dash_schemes(db: Path) -> pl.DataFrame:
    """Schemes for the sidebar: id, name, jurisdiction, year, stages present, documents."""
    return _dash_query(
        db,
        "SELECT scheme, name, jurisdiction, year, total_points, has_content, has_grades, "
        "builtin, version, added_at, documents FROM schemes ORDER BY builtin DESC, scheme",
    )


def dash_unit_types(db: Path, scheme: str) -> pl.DataFrame:
    """Unit types of a scheme in the scheme's order, with the rubric each one is scored by."""
    return _dash_query(
        db,
        "SELECT t.unit_type, t.position, t.rubric, r.name AS rubric_name, t.description "
        "FROM unit_types t LEFT JOIN rubrics r ON r.scheme = t.scheme AND r.rubric = t.rubric "
        "WHERE t.scheme = ? ORDER BY t.position",
        [scheme],
    )


def dash_units(db: Path, scheme: str) -> pl.DataFrame:
    """Units of a scheme, by unit type order then name, with the sample-data flag."""
    return _dash_query(
        db,
        "SELECT u.unit, u.unit_type, u.is_sample FROM units u "
        "LEFT JOIN unit_types t ON t.scheme = u.scheme AND t.unit_type = u.unit_type "
        "WHERE u.scheme = ? ORDER BY t.position, u.unit",
        [scheme],
    )


def dash_periods(db: Path, scheme: str) -> pl.DataFrame:
    """Every (year, month) with results for a scheme; month is NULL for a year with year-end
    results only. Months come from the monthly stage and from the target figures."""
    return _dash_query(
        db,
        "SELECT DISTINCT year, month FROM ("
        "  SELECT year, NULL::VARCHAR AS month FROM results WHERE scheme = ?"
        "  UNION ALL SELECT year, month FROM monthly_points WHERE scheme = ?"
        "  UNION ALL SELECT year, month FROM target_progress WHERE scheme = ?"
        ") ORDER BY year, month NULLS FIRST",
        [scheme, scheme, scheme],
    )


def dash_is_sample(db: Path, scheme: str, unit_type: str | None,
                   units: list[str] | tuple[str, ...] | None = None) -> bool:
    """Whether any unit in view (scheme, optional type, optional units) is sample data."""
    u = _units_param(units)
    frame = _dash_query(
        db,
        "SELECT coalesce(bool_or(is_sample), false) AS sample FROM units "
        "WHERE scheme = ? AND (?::VARCHAR IS NULL OR unit_type = ?) AND "
        + _UNIT_FILTER.format(col="unit"),
        [scheme, unit_type, unit_type, u, u],
    )
    return bool(frame["sample"][0])


def dash_grades(db: Path, scheme: str) -> pl.DataFrame:
    """Grade bands of a scheme, best first (empty for schemes without grades)."""
    return _dash_query(
        db,
        "SELECT grade, min_points, position FROM grades WHERE scheme = ? ORDER BY position",
        [scheme],
    )


def dash_stages(db: Path, scheme: str) -> pl.DataFrame:
    """Stages of a scheme with weight and max points, in order."""
    return _dash_query(
        db,
        "SELECT stage, name, basis, weight, max_points, position FROM stages "
        "WHERE scheme = ? ORDER BY position",
        [scheme],
    )


def dash_last_load(db: Path) -> pl.DataFrame:
    """When the warehouse was last loaded, and how many loads it holds."""
    return _dash_query(db, "SELECT max(loaded_at) AS loaded_at, count(*) AS loads FROM loads")


DASH_YEAREND_SQL = """
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


def dash_yearend_ranking(db: Path, scheme: str, year: int, unit_type: str | None) -> pl.DataFrame:
    """Year-end results per unit (unrounded), with the previous year's rank where there is one
    (the previous year of the scheme's series, warehouse/years_queries.py; none for a merged unit
    or one whose unit type changed)."""
    sql = DASH_YEAREND_SQL
    if has_years(db):
        sql = sql.replace(PREVIOUS_YEAR_JOIN, YEARS_JOIN).replace(
            "p.rank AS prev_rank", "CASE WHEN NOT p.type_changed THEN p.prev_rank END AS prev_rank"
            ", p.prev_units, p.type_changed")
    return _dash_query(db, sql, [scheme, year, unit_type, unit_type])


def dash_stage_points(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Each unit's points per stage (long form), stages in the scheme's order."""
    return _dash_query(
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
DASH_MONTHLY_SQL = """
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


def dash_monthly_ranking(db: Path, scheme: str, year: int, month: str,
                         unit_type: str | None) -> pl.DataFrame:
    """One month's monthly points and ranks per unit, with the previous reported month's ranks."""
    return _dash_query(db, DASH_MONTHLY_SQL, [scheme, year, month, unit_type, unit_type,
                                              scheme, year, month, unit_type, unit_type])


def dash_monthly_series(db: Path, scheme: str, year: int, unit_type: str | None) -> pl.DataFrame:
    """Every month's points and ranks of every unit (of a type), for history charts."""
    return _dash_query(
        db,
        "SELECT m.month, m.unit, m.unit_type, m.points, m.ytd_points, m.rank, m.ytd_rank "
        "FROM monthly_points m WHERE m.scheme = ? AND m.year = ? "
        "AND (?::VARCHAR IS NULL OR m.unit_type = ?) ORDER BY m.month, m.unit",
        [scheme, year, unit_type, unit_type],
    )


def dash_monthly_median(db: Path, scheme: str, year: int, unit_type: str) -> pl.DataFrame:
    """The median monthly and year-to-date points of a unit type, per month."""
    return _dash_query(
        db,
        "SELECT month, median(points) AS median_points, median(ytd_points) AS median_ytd, "
        "count(*) AS units FROM monthly_points WHERE scheme = ? AND year = ? AND unit_type = ? "
        "GROUP BY month ORDER BY month",
        [scheme, year, unit_type],
    )


def dash_grade_distribution(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Units per unit type and grade (grades with no unit are listed with 0)."""
    return _dash_query(
        db,
        "SELECT t.unit_type, t.position AS type_position, g.grade, g.position AS grade_position, "
        "count(r.unit) AS units FROM unit_types t CROSS JOIN grades g "
        "LEFT JOIN results r ON r.scheme = t.scheme AND r.unit_type = t.unit_type "
        "  AND r.grade = g.grade AND r.year = ? "
        "WHERE t.scheme = ? AND g.scheme = ? "
        "GROUP BY ALL ORDER BY t.position, g.position",
        [year, scheme, scheme],
    )


DASH_TARGET_PROGRESS_SQL = """
SELECT p.target, t.name, t.text, t.measure, t.direction, t.strict, t.unit, t.aggregate,
       t.position, p.month, p.value, p.actual, p.floor, p.stretch, p.status,
       p.projected_status, p.pace, p.projection
FROM target_progress p
JOIN targets t ON t.scheme = p.scheme AND t.target = p.target
WHERE p.scheme = ? AND p.year = ? AND (?::VARCHAR IS NULL OR p.month <= ?)
ORDER BY t.position, p.month
"""


def dash_target_progress(db: Path, scheme: str, year: int, until: str | None) -> pl.DataFrame:
    """Every target's monthly figures up to a month (all months when `until` is None)."""
    return _dash_query(db, DASH_TARGET_PROGRESS_SQL, [scheme, year, until, until])


def dash_target_status(db: Path, scheme: str, year: int, until: str | None) -> pl.DataFrame:
    """Each target at its latest reported month up to `until`; targets with no figure yet are
    listed with NULL status."""
    return _dash_query(
        db,
        "WITH p AS (" + DASH_TARGET_PROGRESS_SQL.replace("ORDER BY t.position, p.month", "")
        + " QUALIFY row_number() OVER (PARTITION BY p.target ORDER BY p.month DESC) = 1) "
        "SELECT t.target, t.name, t.text, t.measure, t.direction, t.unit, t.position, "
        "t.floor, t.stretch, p.month, p.value, p.actual, p.status, p.projected_status, p.pace, "
        "p.projection FROM targets t LEFT JOIN p ON p.target = t.target "
        "WHERE t.scheme = ? ORDER BY t.position",
        [scheme, year, until, until, scheme],
    )


def dash_targets(db: Path, scheme: str) -> pl.DataFrame:
    """A scheme's targets as the scheme file states them."""
    return _dash_query(
        db,
        "SELECT target, name, text, measure, direction, strict, floor, stretch, aggregate, unit, "
        "source, interpretation FROM targets WHERE scheme = ? ORDER BY position",
        [scheme],
    )


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


def dash_level_scores(db: Path, scheme: str, year: int, level: int, *,
                      unit_type: str | None = None, rubric: str | None = None,
                      category: str | None = None, level2: str | None = None,
                      units: list[str] | tuple[str, ...] | None = None) -> pl.DataFrame:
    """Score, available max and lost points per unit and tree node at `level` (1 一级指标,
    2 二级指标, 3 leaf indicators), optionally inside one category and one second-level node.
    Exempt indicators are left out of score and max, as the rubric leaves them out."""
    sql = _LEVEL_SQL.format(key=_LEVEL_KEYS[level], units=_UNIT_FILTER.format(col="s.unit"))
    u = _units_param(units)
    return _dash_query(db, sql, [scheme, year, unit_type, unit_type, rubric, rubric, category,
                            category, level2, level2, u, u])


def dash_lost_points(db: Path, scheme: str, year: int, unit_type: str | None,
                     units: list[str] | tuple[str, ...] | None = None,
                     rubric: str | None = None) -> pl.DataFrame:
    """Per indicator: points lost over the units in view, as a sum and as the average per unit
    scored (`avg_lost`, exempt units left out), units that lost any and their share of the units
    scored (`share_losing`), and the indicator's lead office; most lost per unit first."""
    u = _units_param(units)
    # Aggregate the scores per indicator first, then join the indicators' text: grouping the
    # joined rows by every text column cost 640 ms at 6,000 units (vs ~100 ms).
    return _dash_query(
        db,
        "WITH s AS (SELECT s.rubric, s.code, sum(s.lost) AS lost, "
        "count(*) FILTER (WHERE s.lost > 0) AS units_losing, "
        "count(*) FILTER (WHERE NOT s.exempt) AS units_scored, "
        "sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END) AS available "
        "FROM indicator_scores s "
        "WHERE s.scheme = ? AND s.year = ? AND (?::VARCHAR IS NULL OR s.unit_type = ?) "
        "AND (?::VARCHAR IS NULL OR s.rubric = ?) AND " + _UNIT_FILTER.format(col="s.unit")
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


def dash_indicator_spread(db: Path, scheme: str, year: int, rubric: str,
                          code: str) -> pl.DataFrame:
    """One indicator's score for every unit scored by its rubric."""
    return _dash_query(
        db,
        "SELECT s.unit, s.unit_type, s.score, s.max_points, s.lost, s.exempt, s.has_input, "
        "coalesce(u.is_sample, false) AS is_sample FROM indicator_scores s "
        "LEFT JOIN units u ON u.scheme = s.scheme AND u.unit = s.unit "
        "WHERE s.scheme = ? AND s.year = ? AND s.rubric = ? AND s.code = ? "
        "ORDER BY s.score DESC, s.unit",
        [scheme, year, rubric, code],
    )


_OFFICE_COLUMNS = {"lead_office": "i.lead_office", "assessing_bodies": "i.assessing_bodies"}


def dash_lost_by_office(db: Path, scheme: str, year: int, unit_type: str | None,
                        units: list[str] | tuple[str, ...] | None = None,
                        rubric: str | None = None, by: str = "lead_office") -> pl.DataFrame:
    """Points lost per responsible office: the lead office (牵头科室, Huaibei) or, with
    by="assessing_bodies", the lead assessing body (牵头考核单位, Shengzhou); summed, and averaged
    per unit scored (`avg_lost`), most lost per unit first."""
    column = _OFFICE_COLUMNS[by]
    u = _units_param(units)
    return _dash_query(
        db,
        f"SELECT {column} AS office, sum(s.lost) AS lost, "
        "sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END) AS available, "
        "count(DISTINCT i.code) AS indicators, count(DISTINCT s.unit) AS units, "
        "sum(s.lost) / nullif(count(DISTINCT s.unit), 0) AS avg_lost FROM indicator_scores s "
        "JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code "
        f"WHERE s.scheme = ? AND s.year = ? AND {column} IS NOT NULL "
        "AND (?::VARCHAR IS NULL OR s.unit_type = ?) AND (?::VARCHAR IS NULL OR s.rubric = ?) "
        "AND " + _UNIT_FILTER.format(col="s.unit")
        + " GROUP BY office ORDER BY avg_lost DESC, office",
        [scheme, year, unit_type, unit_type, rubric, rubric, u, u],
    )


def dash_unit_losses(db: Path, scheme: str, year: int, unit: str, limit: int) -> pl.DataFrame:
    """A unit's indicators where it lost most, with the seed's 考核要点 / 评分细则 and source."""
    return _dash_query(
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


def dash_loads(db: Path, scheme: str) -> pl.DataFrame:
    """The load history of one scheme's data, newest first."""
    return _dash_query(
        db,
        "SELECT load_id, loaded_at, kind, file, rows, replaced_rows, sha256 FROM loads "
        "WHERE list_contains(string_split(schemes, ','), ?) "
        "ORDER BY loaded_at DESC, load_id DESC",
        [scheme],
    )


def dash_interpretations(db: Path, scheme: str) -> pl.DataFrame:
    """Every interpretation the scheme file states, in file order."""
    return _dash_query(
        db,
        "SELECT scope, source, interpretation FROM interpretations WHERE scheme = ? "
        "ORDER BY position",
        [scheme],
    )


def dash_rubric_categories(db: Path, scheme: str) -> pl.DataFrame:
    """Rubrics with their unit types and first-level categories (max points), in order."""
    return _dash_query(
        db,
        "SELECT r.rubric, r.name AS rubric_name, r.max_points AS rubric_max, r.position, "
        "(SELECT string_agg(t.unit_type, '、' ORDER BY t.position) FROM unit_types t "
        " WHERE t.scheme = r.scheme AND t.rubric = r.rubric) AS unit_types, "
        "g.name AS category, g.max_points, g.weight, g.position AS category_position "
        "FROM rubrics r JOIN indicator_groups g ON g.scheme = r.scheme AND g.rubric = r.rubric "
        "WHERE r.scheme = ? AND g.depth = 1 ORDER BY r.position, g.position",
        [scheme],
    )


def dash_indicator_rules(db: Path, scheme: str) -> pl.DataFrame:
    """Every indicator with its rule, the seed text it comes from and any stated
    interpretation."""
    return _dash_query(
        db,
        "SELECT r.name AS rubric_name, i.code, i.name, i.category, i.max_points, i.weight, "
        "i.rule_kind, "
        "i.input_columns, coalesce(i.criteria, i.scoring_text) AS criteria, i.lead_office, "
        "i.source, i.interpretation FROM indicators i "
        "JOIN rubrics r ON r.scheme = i.scheme AND r.rubric = i.rubric "
        "WHERE i.scheme = ? ORDER BY r.position, i.position",
        [scheme],
    )


def dash_clauses(db: Path, scheme: str) -> pl.DataFrame:
    """Bonus and penalty clauses with their points per level."""
    return _dash_query(
        db,
        "SELECT kind, clause, text, level, points, source FROM clauses WHERE scheme = ? "
        "ORDER BY kind, clause, points DESC",
        [scheme],
    )


def dash_content_items(db: Path, scheme: str) -> pl.DataFrame:
    """The monthly content-guarantee items and their points (Jintan 附件1)."""
    return _dash_query(
        db,
        "SELECT item, category, name, points, per, source FROM content_items WHERE scheme = ? "
        "ORDER BY item",
        [scheme],
    )


def dash_rank_stability(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Rank stability (table rank_stability): unit, unit_type, rank, rank_median, rank_p05,
    rank_p95, band, draws."""
    return _dash_query(
        db,
        "SELECT unit, unit_type, rank, rank_median, rank_p05, rank_p95, band, draws "
        "FROM rank_stability WHERE scheme = ? AND year = ? ORDER BY unit_type, rank, unit",
        [scheme, year],
    )


def dash_indicator_weights(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Nominal and effective weight of each indicator (table indicator_weights), with its name."""
    return _dash_query(
        db,
        "SELECT w.rubric, r.name AS rubric_name, w.code, i.name, w.max_points, "
        "w.nominal_weight, w.correlation, w.effective_weight, w.units "
        "FROM indicator_weights w "
        "JOIN indicators i ON i.scheme = w.scheme AND i.rubric = w.rubric AND i.code = w.code "
        "JOIN rubrics r ON r.scheme = w.scheme AND r.rubric = w.rubric "
        "WHERE w.scheme = ? AND w.year = ? ORDER BY w.rubric, i.position",
        [scheme, year],
    )


def dash_unit_shares(db: Path, scheme: str, year: int, *, rubric: str | None = None,
                     unit_type: str | None = None,
                     units: list[str] | tuple[str, ...] | None = None) -> pl.DataFrame:
    """Each unit's share of the available points over all its indicators (exempt ones left out),
    best first: the order in which the heat map picks the units in view."""
    u = _units_param(units)
    return _dash_query(
        db,
        "SELECT s.unit, s.unit_type, sum(CASE WHEN s.exempt THEN 0 ELSE s.score END) AS score, "
        "sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END) AS max_points, "
        "sum(CASE WHEN s.exempt THEN 0 ELSE s.score END) "
        "  / nullif(sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END), 0) AS share "
        "FROM indicator_scores s WHERE s.scheme = ? AND s.year = ? "
        "AND (?::VARCHAR IS NULL OR s.rubric = ?) AND (?::VARCHAR IS NULL OR s.unit_type = ?) "
        "AND " + _UNIT_FILTER.format(col="s.unit")
        + " GROUP BY s.unit, s.unit_type ORDER BY share DESC NULLS LAST, s.unit",
        [scheme, year, rubric, rubric, unit_type, unit_type, u, u],
    )


# ---------------------------------------------------------------- loads and revisions --------
def dash_load_batches(db: Path, scheme: str | None = None) -> pl.DataFrame:
    """One row per load (the files one command loaded), newest first: when, who, file names,
    kinds, rows, and whether it was reverted or is a revert. With `scheme`, only loads that
    touched it (a revert carries the schemes of the load it undid)."""
    where = "WHERE list_contains(string_split(l.schemes, ','), ?)" if scheme else ""
    if not _has_corrections(db):
        return pl.DataFrame(schema=_BATCH_SCHEMA)
    return _dash_query(db, f"""
        WITH b AS (
            SELECT coalesce(l.batch, l.load_id) AS batch, min(l.loaded_at) AS loaded_at,
                   any_value(coalesce(l.loaded_by, '')) AS loaded_by,
                   string_agg(regexp_replace(l.file, '^.*[/\\\\]', ''), '、' ORDER BY l.load_id)
                       AS files,
                   string_agg(DISTINCT l.kind, '、') AS kinds, sum(l.rows)::BIGINT AS rows,
                   sum(l.replaced_rows)::BIGINT AS replaced_rows, any_value(l.reverts) AS reverts
            FROM loads l {where} GROUP BY 1)
        SELECT b.*, r.batch AS reverted_by FROM b
        LEFT JOIN (SELECT DISTINCT batch, reverts FROM loads WHERE reverts IS NOT NULL) r
            ON r.reverts = b.batch
        ORDER BY b.batch DESC""", [scheme] if scheme else None)


def dash_revisions(db: Path, batch: int, scheme: str | None = None) -> pl.DataFrame:
    """What load `batch` changed in the results (year-end totals and month points, with ranks),
    optionally for one scheme."""
    extra = " AND scheme = ?" if scheme else ""
    if not _has_corrections(db):
        return pl.DataFrame(schema=_REVISION_SCHEMA)
    return _dash_query(db, "SELECT scheme, year, period, unit, unit_type, measure, before, after,"
                           " rank_before, rank_after FROM revisions WHERE batch = ?" + extra +
                           " ORDER BY scheme, measure DESC, period, unit_type, unit",
                       [batch, scheme] if scheme else [batch])


_BATCH_SCHEMA = {"batch": pl.Int32, "loaded_at": pl.Datetime("us"), "loaded_by": pl.String,
                 "files": pl.String, "kinds": pl.String, "rows": pl.Int64,
                 "replaced_rows": pl.Int64, "reverts": pl.Int32, "reverted_by": pl.Int32}
_REVISION_SCHEMA = {"scheme": pl.String, "year": pl.Int32, "period": pl.String,
                    "unit": pl.String, "unit_type": pl.String, "measure": pl.String,
                    "before": pl.Float64, "after": pl.Float64, "rank_before": pl.Int32,
                    "rank_after": pl.Int32}


def _has_corrections(db: Path) -> bool:
    """Whether the warehouse records load batches and revisions (one written before they were
    added has neither until its next load)."""
    found = _dash_query(db, "SELECT count(*) AS n FROM information_schema.columns WHERE "
                            "(table_name = 'loads' AND column_name = 'batch') OR "
                            "(table_name = 'revisions' AND column_name = 'batch')")
    return found["n"][0] == 2
