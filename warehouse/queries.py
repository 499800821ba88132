"""Every read of the warehouse, as parameterised SQL. Pages and commands call these; none builds
SQL from user text (values go in as parameters, never into the statement)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.rounding import round_half_up
from pipelines.scheme_model import Scheme
from warehouse.database import connect_read_only


def _query(db: Path, sql: str, params: list | None = None) -> pl.DataFrame:
    con = connect_read_only(db)
    try:
        return con.sql(sql, params=params or []).pl()
    finally:
        con.close()


def scheme_ids(db: Path) -> list[str]:
    return _query(db, "SELECT scheme FROM schemes ORDER BY added_at, scheme")["scheme"].to_list()


def load_schemes(db: Path) -> list[Scheme]:
    """The scheme models the warehouse holds (built-in and added)."""
    frame = _query(db, "SELECT definition FROM schemes ORDER BY added_at, scheme")
    return [Scheme.model_validate_json(d) for d in frame["definition"]]


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
       r.stages_total, r.bonus, r.penalty
FROM results r
JOIN unit_types t ON t.scheme = r.scheme AND t.unit_type = r.unit_type
WHERE r.scheme = ? AND r.year = ? AND (? IS NULL OR r.unit_type = ?)
ORDER BY t.position, r.rank, r.unit
"""

STAGES_SQL = """
SELECT s.unit, st.name AS stage_name, s.points
FROM stage_scores s JOIN stages st ON st.scheme = s.scheme AND st.stage = s.stage
WHERE s.scheme = ? AND s.year = ?
ORDER BY st.position
"""


def yearend_scores(db: Path, scheme: str, year: int, unit_type: str | None) -> pl.DataFrame:
    """CONTRACT `egov scores` year-end: scheme,year,unit,unit_type,total,grade,rank, then each
    stage's points, bonus and penalty; scores rounded half-up to 2 decimals."""
    frame = _query(db, YEAREND_SQL, [scheme, year, unit_type, unit_type])
    stages = _query(db, STAGES_SQL, [scheme, year])
    if not stages.is_empty():
        order = stages["stage_name"].unique(maintain_order=True).to_list()
        wide = stages.pivot(on="stage_name", index="unit", values="points").select("unit", *order)
        frame = frame.join(wide, on="unit", how="left", maintain_order="left")
    numeric = [c for c, t in frame.schema.items() if t == pl.Float64]
    return frame.with_columns(round_half_up(pl.col(c)) for c in numeric).drop("stages_total")


MONTHLY_SQL = """
SELECT m.scheme, m.month, m.unit, m.unit_type, m.points, m.ytd_points, m.rank, m.ytd_rank,
       m.item_points, m.adoption_points
FROM monthly_points m
JOIN unit_types t ON t.scheme = m.scheme AND t.unit_type = m.unit_type
WHERE m.scheme = ? AND m.month = ? AND (? IS NULL OR m.unit_type = ?)
ORDER BY t.position, m.rank, m.unit
"""


def monthly_scores(db: Path, scheme: str, month: str, unit_type: str | None) -> pl.DataFrame:
    """CONTRACT `egov scores --month`: scheme,month,unit,unit_type,points,ytd_points,rank."""
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


