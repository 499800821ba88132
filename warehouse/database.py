"""The DuckDB warehouse file: create it, read its state back, and publish a new one atomically.

Every write builds a complete new file beside the old one and renames it into place, so a reader
sees the old warehouse or the new one, never half of one, and a failed load leaves the old file
untouched. A load into an existing warehouse goes through `pipelines/delta.py` instead: a copy of
the file, changed in place and renamed over it (the same guarantee, without rewriting every table).
"""

from __future__ import annotations

import functools
import glob
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

if TYPE_CHECKING:
    import pyarrow

SQL_DIR = Path(__file__).with_name("sql")
SCHEMA_SQL = SQL_DIR / "schema.sql"
VIEWS_DIR = SQL_DIR / "views"

FACT_TABLES = ("content_tallies", "yearend_inputs", "adjustment_inputs", "metric_values",
               "self_assessments", "rectifications")
# The cycle's records (pipelines/cycle/): deadlines, spot-check draws, feedback issued.
CYCLE_RECORDS = ("cycle_deadlines", "spot_checks", "feedback_issued")
# The state without the facts: what validating a load needs.
CATALOG_TABLES = ("schemes", "scheme_history", "units", "unit_aliases", "loads")
STATE_TABLES = (*CATALOG_TABLES, *FACT_TABLES, "superseded_rows", "revisions", *CYCLE_RECORDS)
# State tables that a warehouse written by an earlier version lacks.
ADDED_TABLES = ("superseded_rows", "revisions", "self_assessments", "rectifications",
                *CYCLE_RECORDS)


@dataclass
class WarehouseState:
    """What the warehouse holds that is not derived: schemes, units, facts and load history.

    Dimension and result tables are recomputed from this on every write.
    """

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.tables[name]

    def replace(self, **tables: pl.DataFrame) -> WarehouseState:
        return WarehouseState({**self.tables, **tables})


def empty_state() -> WarehouseState:
    """A state with every state table present and empty, typed as schema.sql declares."""
    con = duckdb.connect()
    try:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        return WarehouseState({t: con.sql(f"SELECT * FROM {t}").pl() for t in STATE_TABLES})
    finally:
        con.close()


def read_state(path: Path, tables: tuple[str, ...] = STATE_TABLES) -> WarehouseState:
    """The state tables of an existing warehouse file (or only these of them)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        present = {r[0] for r in con.sql("SELECT table_name FROM information_schema.tables")
                   .fetchall()}
        # Tables added since a warehouse was written start empty; any other missing table
        # fails (a file that is not an egov warehouse).
        return WarehouseState({t: pl.DataFrame(schema=table_schema(t))
                               if t in ADDED_TABLES and t not in present
                               else as_declared(t, con.sql(f"SELECT * FROM {t}").pl())
                               for t in tables})
    finally:
        con.close()


def as_declared(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A table of a warehouse written before a column was added: the new columns as NULL."""
    declared = table_schema(table)
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in declared.items()
               if name not in frame.columns]
    return frame.with_columns(missing) if missing else frame


def table_schema(table: str) -> dict[str, pl.DataType]:
    """The Polars schema of a warehouse table as schema.sql declares it."""
    return dict(_declared_schemas()[table])


@functools.cache
def _declared_schemas() -> dict[str, pl.Schema]:
    con = duckdb.connect()
    try:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        names = [r[0] for r in con.sql("SELECT table_name FROM information_schema.tables")
                 .fetchall()]
        return {name: con.sql(f"SELECT * FROM {name}").pl().schema for name in names}
    finally:
        con.close()


def temporary_beside(path: Path) -> Path:
    """A new, empty temporary file beside `path` for the next version of the warehouse, after
    sweeping what killed writers left. The writer's process id in the name tells a later writer
    whether the file is a leftover."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{path.name}.{os.getpid()}.", suffix=".tmp",
                                    dir=path.parent)
    os.close(fd)
    return Path(tmp_name)


def publish(path: Path, tables: dict[str, pl.DataFrame]) -> None:
    """Write a complete warehouse to a temporary file beside `path`, then rename it into place.

    `tables` holds every table of schema.sql (missing ones stay empty); each is taken out of the
    dict as it is written (see `create`). Views are created from `sql/views/*.sql` in name order.
    """
    tmp = temporary_beside(path)
    try:
        create(tmp, tables)
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            leftover.unlink(missing_ok=True)


def create(path: Path, tables: dict[str, pl.DataFrame]) -> None:
    """Write a complete warehouse into the new file `path` (an empty file there is replaced):
    schema.sql's tables filled from `tables`, then the views. Not renamed anywhere: `publish`
    and `pipelines/delta.py` do that.

    Each frame is popped from `tables` as it is written and dropped: a caller that hands over
    its only references frees each table (hundreds of MB at 60,000 units) once DuckDB has it,
    instead of holding every frame until the last is written."""
    path.unlink(missing_ok=True)  # DuckDB must create the file itself
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        con.execute("SET preserve_insertion_order = false")  # faster bulk inserts
        for name in list(tables):
            frame = tables.pop(name)
            if frame.is_empty():
                continue
            con.register("incoming", as_arrow(frame))
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming")
            con.unregister("incoming")
            del frame
        for view in sorted(VIEWS_DIR.glob("*.sql")):
            con.execute(view.read_text(encoding="utf-8"))
        con.execute("CHECKPOINT")
    finally:
        con.close()


def as_arrow(frame: pl.DataFrame) -> pyarrow.Table:
    """The frame as an Arrow table for DuckDB to read, without copying its strings.

    `to_arrow()` converts Polars' string columns (Arrow string views) to the older large_string
    layout: a copy of every string. At 60,000 units that copy of the indicator scores' codes and
    unit names alone was about 0.6 GB on top of the frames at publish. DuckDB reads string views
    as they are, to the same values (tests/warehouse/test_warehouse.py)."""
    return frame.to_arrow(compat_level=pl.CompatLevel.newest())


LEFTOVER_AGE = 3600  # seconds: a temporary file without a writer's pid is a leftover after this


def sweep_leftovers(path: Path) -> list[Path]:
    """Remove the temporary files a writer killed mid-publish (kill -9, power cut) left beside
    `path`: `<name>.<pid>.<random>.tmp` and its `.wal`, when process <pid> is gone (older names
    without a pid: after LEFTOVER_AGE). A live writer's file, ours included, is left alone.
    Returns what was removed."""
    removed = []
    for leftover in path.parent.glob(f"{glob.escape(path.name)}.*.tmp*"):
        if not (leftover.name.endswith(".tmp") or leftover.name.endswith(".tmp.wal")):
            continue
        middle = leftover.name[len(path.name) + 1:].split(".")[0]
        if middle.isdigit():
            pid = int(middle)
            if pid == os.getpid() or _alive(pid):
                continue
        else:
            try:
                if time.time() - leftover.stat().st_mtime < LEFTOVER_AGE:
                    continue
            except FileNotFoundError:
                continue
        try:
            leftover.unlink()
            removed.append(leftover)
        except FileNotFoundError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection for pages and reports."""
    return duckdb.connect(str(path), read_only=True)


def now() -> datetime:
    return datetime.now().replace(microsecond=0)
