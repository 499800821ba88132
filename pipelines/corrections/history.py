"""The load history: every load, revert and refused attempt, with who, when, files and outcome."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.corrections.journal import refused_attempts
from warehouse import database

SCHEMA = {
    "load_id": pl.Int32, "batch": pl.Int32, "loaded_at": pl.Datetime("us"), "user": pl.String,
    "kind": pl.String, "file": pl.String, "sha256": pl.String, "rows": pl.Int32,
    "replaced_rows": pl.Int32, "outcome": pl.String,
}


def loads(db: Path) -> pl.DataFrame:
    """The warehouse's loads with their batch and outcome (loaded, reverted by N, revert of N).
    A warehouse written before loads had a batch or a user shows each load as its own batch."""
    if not Path(db).exists():
        return pl.DataFrame(schema=SCHEMA)
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = database.as_declared("loads", con.sql("SELECT * FROM loads").pl())
    finally:
        con.close()
    frame = frame.with_columns(batch=pl.coalesce("batch", "load_id"),
                               user=pl.col("loaded_by").fill_null("")).sort("load_id")
    reverted = frame.filter(pl.col("reverts").is_not_null()).select(
        pl.col("reverts").alias("batch"), pl.col("batch").alias("reverted_by")).unique("batch")
    frame = frame.join(reverted, on="batch", how="left")
    outcome = (
        pl.when(pl.col("reverts").is_not_null())
        .then(pl.format("撤销 revert of {}", pl.col("reverts")))
        .when(pl.col("reverted_by").is_not_null())
        .then(pl.format("已被撤销 reverted by {}", pl.col("reverted_by")))
        .otherwise(pl.lit("已载入 loaded"))
    )
    return frame.with_columns(outcome=outcome).select(list(SCHEMA)).cast(SCHEMA)


def refused(db: Path) -> pl.DataFrame:
    """Refused attempts from the journal, one row per file."""
    rows = []
    for entry in refused_attempts(db):
        try:
            at = datetime.fromisoformat(str(entry.get("at")))
        except ValueError:
            at = None
        for f in entry["files"] or [{}]:
            rows.append({"loaded_at": at, "user": str(entry.get("user", "")), "kind": "",
                         "file": str(f.get("file", "")), "sha256": str(f.get("sha256", "")),
                         "outcome": f"被拒绝 refused ({entry.get('problems', '?')} 个问题 "
                                    "problems)"})
    return pl.DataFrame(rows, schema=SCHEMA) if rows else pl.DataFrame(schema=SCHEMA)


def history(db: Path) -> pl.DataFrame:
    """Loads and refused attempts together, in time order (oldest first)."""
    return pl.concat([loads(db), refused(db)]).sort("loaded_at", "load_id", nulls_last=True)
