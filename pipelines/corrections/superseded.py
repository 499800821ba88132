"""Rows a load replaced, kept so a revert can bring them back.

A load replaces the rows whose key it loads again (docs/contract.md: scheme, period, unit, item
or indicator and part; a unit's 加分 or 减分 of a year; a unit by scheme and name). Those rows
leave the fact tables; here they are kept in `superseded_rows` as JSON, tagged with the load
(batch) that replaced them. The record is taken by comparing the state before and after the
merge, so it does not depend on how the merge is done.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from pipelines.inputs.kinds import KINDS

# Tables whose rows carry a load_id, with the key a load replaces by (each import kind's
# replace key: docs/contract.md, "Import templates"; a year-end row's includes its part).
KEYED_TABLES: dict[str, tuple[str, ...]] = {spec.table: spec.replace_key
                                            for spec in KINDS.values()}
ALIASES = "unit_aliases"
ALIAS_KEY = ("scheme", "alias", "unit")


def encode(frame: pl.DataFrame, table: str, superseded_by: int) -> pl.DataFrame:
    """Rows of `table` as `superseded_rows` rows (every column as JSON)."""
    return frame.select(
        table_name=pl.lit(table, dtype=pl.String),
        superseded_by=pl.lit(superseded_by, dtype=pl.Int32),
        row_json=pl.struct(pl.all()).struct.json_encode(),
    )


def decode(superseded: pl.DataFrame, table: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The kept rows of `table` (from `superseded_rows` rows), typed as the table."""
    rows = superseded.filter(pl.col("table_name") == table)["row_json"]
    if rows.is_empty():
        return pl.DataFrame(schema=schema)
    return rows.str.json_decode(pl.Struct(schema)).struct.unnest().select(list(schema))


def record(before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame],
           load_ids: Iterable[int], batch: int) -> pl.DataFrame:
    """`superseded_rows` after a load: the earlier record plus every row this load replaced.

    `before`/`after` are the state tables around the merge; `load_ids` the ids the load's files
    got; `batch` the load's number.
    """
    ids = list(load_ids)
    parts = [before["superseded_rows"]]
    for table, key in KEYED_TABLES.items():
        old, new = before[table], after[table]
        if old.is_empty():  # nothing to replace (a first load): no pass over the new rows
            continue
        # A semi join keeps each old row once however often its key comes again: no unique().
        keys = new.lazy().filter(pl.col("load_id").is_in(ids)).select(key)
        replaced = old.lazy().join(keys, on=list(key), how="semi", nulls_equal=True).collect()
        if replaced.height:
            parts.append(encode(replaced, table, batch))
    dropped = before[ALIASES].join(after[ALIASES], on=list(ALIAS_KEY), how="anti")
    if dropped.height:
        parts.append(encode(dropped, ALIASES, batch))
    return pl.concat([p.cast(before["superseded_rows"].schema) for p in parts])


# ------------------------------------------------------------- in place (pipelines/delta.py) ---
# The incremental load merges in SQL inside a copy of the warehouse; the replaced rows are kept
# there too, by the same keys, before the merge deletes them.



def kept_in(db: Path) -> bool:
    """Whether the warehouse file already has the tables and columns corrections need (one
    written by an earlier version is rebuilt whole by its next load, which adds them)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute(
            "SELECT count(*) FROM information_schema.columns WHERE "
            "(table_name = 'superseded_rows' AND column_name = 'row_json') OR "
            "(table_name = 'revisions' AND column_name = 'batch') OR "
            "(table_name = 'loads' AND column_name IN ('batch', 'loaded_by', 'reverts'))"
        ).fetchone()[0]
        # The cycle's tables (pipelines/cycle/): a warehouse without them is rebuilt whole.
        cycle = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
            "('self_assessments', 'rectifications', 'cycle_deadlines', 'spot_checks', "
            "'feedback_issued')").fetchone()[0]
        # issue 20 item 8: units.unranked, and results.rank nullable (an unranked unit)
        unranked = con.execute(
            "SELECT count(*) FROM information_schema.columns WHERE "
            "(table_name = 'units' AND column_name = 'unranked') OR "
            "(table_name = 'results' AND column_name = 'rank' AND is_nullable = 'YES') OR "
            # issue 20: the groups of a tree of means (a warehouse without them is rebuilt)
            "(table_name = 'group_shares' AND column_name = 'share')"
        ).fetchone()[0]
    finally:
        con.close()
    return found == 5 and cycle == 5 and unranked == 3


def capture(con: duckdb.DuckDBPyConnection, parts: list[tuple[str, pl.DataFrame]],
            batch: int) -> None:
    """Before a load's rows are merged into `con`: keep every row they will replace (by kind
    and key) in `superseded_rows`, tagged with the load."""
    for kind, rows in parts:
        table = KINDS[kind].table
        key = list(KEYED_TABLES[table])
        if not con.sql(f"SELECT 1 FROM {table} LIMIT 1").fetchall() and (
                table != "units" or not con.sql("SELECT 1 FROM unit_aliases LIMIT 1").fetchall()):
            continue  # nothing there yet to replace (the first load into a warehouse)
        con.register("egov_replacing", rows.select(key).unique().to_arrow())
        try:
            on = " AND ".join(f"t.{k} = i.{k}" for k in key)
            con.execute(
                f"INSERT INTO superseded_rows SELECT '{table}', ?, to_json(t)::VARCHAR "
                f"FROM {table} t WHERE EXISTS (SELECT 1 FROM egov_replacing i WHERE {on})",
                [batch])
            if table == "units":
                aliases = rows.select("scheme", "unit", "aliases").explode("aliases")
                con.register("egov_new_aliases", aliases.drop_nulls("aliases").select(
                    "scheme", alias="aliases").to_arrow())
                try:
                    con.execute(
                        "INSERT INTO superseded_rows SELECT 'unit_aliases', ?, "
                        "to_json(t)::VARCHAR FROM unit_aliases t WHERE EXISTS (SELECT 1 FROM "
                        "egov_replacing i WHERE t.scheme = i.scheme AND t.unit = i.unit) OR "
                        "EXISTS (SELECT 1 FROM egov_new_aliases a WHERE t.scheme = a.scheme "
                        "AND t.alias = a.alias)", [batch])
                finally:
                    con.unregister("egov_new_aliases")
        finally:
            con.unregister("egov_replacing")
