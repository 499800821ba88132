"""Apply a validated load to an existing warehouse without rebuilding it: the monthly routine.

A full rebuild reads every fact of every scheme, rescores them all and writes every table again:
for a 6,000-unit year that is 1.6M fact rows to move for a month of 70,000. Here instead:

1. the warehouse file is copied beside itself (a plain file copy: about 0.1 s for a 6,000-unit
   year, a small part of the load; readers keep the old file open meanwhile);
2. the load is merged into the copy by key, in SQL, with the same rules as `loading._merge`
   (rows with the same key replace older ones; a units file replaces the units and their
   aliases; an adjustments file replaces that unit's 加分 or 减分 of the year);
3. only the schemes the load touches are rescored (a scheme is one scheme-year): their facts are
   read back, scored by the same engine, and their rows of every result table replaced;
4. the copy is checkpointed and renamed over the warehouse: a reader sees the old warehouse or
   the new one, never half; a crash (kill -9 included) leaves the old file whole.

`loading.ingest` takes this path whenever the warehouse exists and its scheme definitions are
the built-in ones as they are now (otherwise everything must be rescored: the full rebuild).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from pipelines.engine.scoring import Facts, Results, score_all
from pipelines.engine.unranked import unranked_of
from pipelines.inputs.kinds import KINDS
from pipelines.inputs.kinds import units as unit_list
from pipelines.phases import phase
from pipelines.schemes.model import Scheme
from pipelines.years.units import previous_names_of
from warehouse import database

# Result tables recomputed per scheme (each has a `scheme` column).
RESULT_TABLES = ("indicator_scores", "stage_scores", "results", "monthly_points",
                 "target_progress", "group_shares")
# Tables a warehouse written before rank stability was computed on demand still holds
# (pipelines/stability_on_demand.py): no longer kept up to date, so dropped at its next load
# rather than left stale (the curated Parquet would copy them).
DROPPED_TABLES = ("rank_stability", "indicator_weights")


def apply(db: Path, write: Callable[[duckdb.DuckDBPyConnection], set[str]],
          schemes: dict[str, Scheme], score: Callable[..., Results] = score_all) -> None:
    """Copy the warehouse, let `write` merge the load into the copy (it returns the scheme ids it
    touched), rescore those schemes with `score` (the engine's `score_all`), and rename the copy
    into place. All or nothing."""
    tmp = database.temporary_beside(db)
    try:
        phase("delta-copy")
        shutil.copyfile(db, tmp)
        con = duckdb.connect(str(tmp))
        try:
            con.execute("BEGIN TRANSACTION")
            phase("delta-merge")
            touched = write(con)
            for table in DROPPED_TABLES:
                con.execute(f"DROP TABLE IF EXISTS {table}")
            phase("delta-rescore")
            rescore(con, [schemes[s] for s in sorted(touched) if s in schemes], score)
            phase("delta-commit")
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, db)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            leftover.unlink(missing_ok=True)


def merge(con: duckdb.DuckDBPyConnection, kind: str, rows: pl.DataFrame, load_id: int,
          is_sample: bool, key: list[str]) -> int:
    """Replace rows with the same key by these rows, in the warehouse `con` holds; return how
    many were replaced. The same contract as `loading._merge`, in SQL."""
    if kind == unit_list.KIND.kind:
        return _merge_units(con, rows, load_id, is_sample)
    table = KINDS[kind].table
    columns = [c for c in _columns(con, table) if c != "load_id"]
    new = rows.select(columns).with_columns(load_id=pl.lit(load_id, dtype=pl.Int32))
    con.register("incoming", database.as_arrow(new))
    try:
        on = " AND ".join(f"t.{k} = i.{k}" for k in key)
        replaced = 0
        if has_rows(con, table):  # DELETE answers with the number of rows it removed
            replaced = con.execute(
                f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM "
                f"(SELECT DISTINCT {', '.join(key)} FROM incoming) i WHERE {on})").fetchone()[0]
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
    finally:
        con.unregister("incoming")
    return int(replaced)


def _merge_units(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame, load_id: int,
                 is_sample: bool) -> int:
    units = rows.select("scheme", "unit", "unit_type",
                       previous_names_of(rows).alias("previous_names"),
                       unranked_of(rows)).with_columns(
        is_sample=pl.lit(is_sample), load_id=pl.lit(load_id, dtype=pl.Int32))
    aliases = rows.select("scheme", "unit", "aliases").explode("aliases").drop_nulls(
        "aliases").select("scheme", alias="aliases", unit="unit").unique(
        ["scheme", "alias"], keep="last", maintain_order=True)
    con.register("incoming", database.as_arrow(units))
    con.register("incoming_aliases", database.as_arrow(aliases))
    try:
        on = "t.scheme = i.scheme AND t.unit = i.unit"
        replaced = con.sql(f"SELECT count(*) FROM units t WHERE EXISTS "
                           f"(SELECT 1 FROM incoming i WHERE {on})").fetchall()[0][0]
        con.execute(f"DELETE FROM units t WHERE EXISTS (SELECT 1 FROM incoming i WHERE {on})")
        con.execute("INSERT INTO units BY NAME SELECT * FROM incoming")
        # Aliases: a redefined unit's old aliases go, and so does any alias taken by a new one.
        con.execute(f"DELETE FROM unit_aliases t WHERE EXISTS "
                    f"(SELECT 1 FROM incoming i WHERE {on})")
        con.execute("DELETE FROM unit_aliases t WHERE EXISTS (SELECT 1 FROM incoming_aliases i "
                    "WHERE t.scheme = i.scheme AND t.alias = i.alias)")
        con.execute("INSERT INTO unit_aliases BY NAME SELECT * FROM incoming_aliases")
    finally:
        con.unregister("incoming")
        con.unregister("incoming_aliases")
    return int(replaced)


def rescore(con: duckdb.DuckDBPyConnection, schemes: list[Scheme],
            score: Callable[..., Results] = score_all) -> None:
    """Recompute every result table's rows of these schemes from their facts in `con`, one
    scheme (one scheme-year) at a time: only its facts and results are in memory at once."""
    for scheme in schemes:
        _rescore_one(con, scheme, score)


def _rescore_one(con: duckdb.DuckDBPyConnection, scheme: Scheme,
                 score: Callable[..., Results]) -> None:
    def facts(table: str) -> pl.DataFrame:
        return con.sql(f"SELECT * FROM {table} WHERE scheme = ?", params=[scheme.id]).pl()

    phase("rescore-facts")
    facts_ = Facts(
        units=facts("units"), content_tallies=facts("content_tallies"),
        yearend_inputs=facts("yearend_inputs"), adjustment_inputs=facts("adjustment_inputs"),
        metric_values=facts("metric_values"),
    )
    phase("rescore-score")
    results = score([scheme], facts_)
    del facts_
    tables = results.tables()
    del results
    phase("rescore-write")
    for name in RESULT_TABLES:
        con.execute(f"DELETE FROM {name} WHERE scheme = ?", [scheme.id])
        frame = tables.pop(name, None)
        if frame is None or frame.is_empty():
            continue
        con.register("incoming", database.as_arrow(frame))
        try:
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming")
        finally:
            con.unregister("incoming")
        del frame


def has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `table` holds any row (a load into an empty table replaces nothing)."""
    return bool(con.sql(f"SELECT 1 FROM {table} LIMIT 1").fetchall())


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position", params=[table]).fetchall()]
