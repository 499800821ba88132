"""The commands' reads of the warehouse, as parameterised SQL: `egov scores` (year-end and
monthly, docs/contract.md), the schemes it holds, a scheme's units, and `table` for tests and
exports. None builds SQL from user text (values go in as parameters, never into the statement).
The dashboard's reads are in warehouse/reads/, one module per page; how a read runs is
warehouse/reader.py."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import polars as pl

from warehouse.database import connect_read_only
from warehouse.reader import query
from warehouse.rounding import round_half_up
from warehouse.years_queries import previous_columns


def scheme_ids(db: Path) -> list[str]:
    return query(db, "SELECT scheme FROM schemes ORDER BY added_at, scheme")["scheme"].to_list()


def scheme_definitions(db: Path) -> list[str]:
    """The definitions (JSON) of the schemes the warehouse holds, built-in and added, in the
    order they were added (`pipelines.schemes.stored.load_schemes` reads them as models)."""
    frame = query(db, "SELECT definition FROM schemes ORDER BY added_at, scheme")
    return frame["definition"].to_list()


def scheme_definition(db: Path, scheme: str) -> str | None:
    """The definition (JSON) of one scheme, None when the warehouse holds no such scheme."""
    found = query(db, "SELECT definition FROM schemes WHERE scheme = ?", [scheme])
    return found["definition"][0] if found.height else None


class SchemeYear(NamedTuple):
    """A scheme's id and year: what checking a period needs, read without building the model."""

    id: str
    year: int


def scheme_years(db: Path) -> list[SchemeYear]:
    """Each scheme's id and year, in the order of scheme_definitions."""
    frame = query(db, "SELECT scheme, year FROM schemes ORDER BY added_at, scheme")
    return [SchemeYear(scheme, year) for scheme, year in frame.iter_rows()]


def units(db: Path, scheme: str) -> pl.DataFrame:
    return query(
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
                   stability: pl.DataFrame | None = None, decimals: int = 2) -> pl.DataFrame:
    """`egov scores` year-end (docs/contract.md): scheme,year,unit,unit_type,total,grade,rank,
    then bonus, penalty, each stage's points, prev_total, prev_rank, rank_change (against the
    previous year of the series, warehouse/years_queries.py) and `sample` (示例数据); scores
    rounded half-up to
    `decimals` (2, or the scheme's own `decimals` where `egov scores` passes it).
    With `stability` (per unit: rank_median, rank_p05, rank_p95, computed on demand by
    pipelines/stability_on_demand.py, which the warehouse does not import), those columns come
    before `sample`."""
    frame = query(db, YEAREND_SQL, [scheme, year, unit_type, unit_type])
    stages = query(db, STAGES_SQL, [scheme, year])
    if not stages.is_empty():
        order = stages["stage_name"].unique(maintain_order=True).to_list()
        wide = stages.pivot(on="stage_name", index="unit", values="points").select("unit", *order)
        frame = frame.join(wide, on="unit", how="left", maintain_order="left")
    numeric = [c for c, t in frame.schema.items() if t == pl.Float64]
    frame = frame.with_columns(round_half_up(pl.col(c), decimals) for c in numeric
                               ).drop("stages_total")
    frame = frame.join(previous_columns(db, scheme, year, decimals), on="unit", how="left",
                       maintain_order="left")  # issue 17: against the series' previous year
    if stability is not None:
        frame = frame.join(stability.select(
            "unit", "rank_median", "rank_p05", "rank_p95"), on="unit", how="left",
            maintain_order="left")
    return frame.select(pl.exclude("sample"), "sample")  # the 示例数据 flag last


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
    frame = query(db, MONTHLY_SQL, [scheme, month, unit_type, unit_type])
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
