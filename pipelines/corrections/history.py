"""The load history: every load, revert and refused attempt, with who, when, files and outcome."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.corrections.journal import refused_attempts

SCHEMA = {
    "load_id": pl.Int32, "batch": pl.Int32, "loaded_at": pl.Datetime("us"), "user": pl.String,
    "kind": pl.String, "file": pl.String, "sha256": pl.String, "rows": pl.Int32,
    "replaced_rows": pl.Int32, "outcome": pl.String,
}


def loads(db: Path) -> pl.DataFrame:
    """The warehouse's loads with their batch and outcome (loaded, reverted by N, revert of N)."""
    if not Path(db).exists():
        return pl.DataFrame(schema=SCHEMA)
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = con.sql(
            "SELECT l.load_id, coalesce(l.batch, l.load_id) AS batch, l.loaded_at, "
            "coalesce(l.loaded_by, '') AS user, l.kind, l.file, l.sha256, l.rows, "
            "l.replaced_rows, l.reverts, r.batch AS reverted_by "
            "FROM loads l LEFT JOIN (SELECT DISTINCT batch, reverts FROM loads "
            "WHERE reverts IS NOT NULL) r ON r.reverts = coalesce(l.batch, l.load_id) "
            "ORDER BY l.load_id").pl()
    finally:
        con.close()
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
