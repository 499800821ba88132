"""Small writes of the cycle into the warehouse: a deadline, a spot-check draw, a feedback sheet
issued. Each goes through the same lock and atomic copy-and-rename as a load
(`pipelines/delta.apply`), so a reader sees the warehouse before or after, never half.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from pipelines.access.identity import current_user
from pipelines.corrections import superseded
from warehouse import database


def write_records(db: Path, write: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Run `write` on a copy of the warehouse and rename it into place (the caller holds the
    writer lock). A warehouse written before the cycle's tables existed is first rebuilt whole,
    which adds them."""
    from pipelines import delta
    from pipelines.loading import rescore_and_publish, with_builtin_schemes

    if not superseded.kept_in(db):
        rescore_and_publish(db, with_builtin_schemes(database.read_state(db)))

    def run(con: duckdb.DuckDBPyConnection) -> set[str]:
        write(con)
        return set()  # nothing to rescore: no fact changed

    delta.apply(db, run, {})


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Append rows to `table` (values as parameters, by column name)."""
    frame = pl.DataFrame(rows, schema=database.table_schema(table))
    con.register("egov_cycle_rows", frame.to_arrow())
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM egov_cycle_rows")
    finally:
        con.unregister("egov_cycle_rows")


def record_load(con: duckdb.DuckDBPyConnection, kind: str, description: str, schemes: str,
                rows: int) -> int:
    """A line in the load history (`egov history`) for a cycle event that loads no file: the
    description stands in the file column. Returns its load id."""
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchall()[0][0]
    insert(con, "loads", [{
        "load_id": load_id, "file": description, "sha256": "", "kind": kind,
        "schemes": schemes, "rows": rows, "replaced_rows": 0, "loaded_at": database.now(),
        "batch": load_id, "loaded_by": current_user(), "reverts": None,
    }])
    return int(load_id)
