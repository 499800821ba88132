"""The 导入与更正 and 数据与方法 pages' reads: the loads as batches (who, when, which files,
reverted or not) and what a batch changed in the results: counted, a screen of it, or whole
(for an export, read when it is clicked)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.reader import query


def load_batches(db: Path, scheme: str | None = None) -> pl.DataFrame:
    """One row per load (the files one command loaded), newest first: when, who, file names,
    kinds, rows, and whether it was reverted or is a revert. With `scheme`, only loads that
    touched it (a revert carries the schemes of the load it undid)."""
    where = "WHERE list_contains(string_split(l.schemes, ','), ?)" if scheme else ""
    if not _has_corrections(db):
        return pl.DataFrame(schema=_BATCH_SCHEMA)
    return query(db, f"""
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


def revisions(db: Path, batch: int, scheme: str | None = None) -> pl.DataFrame:
    """What load `batch` changed in the results (year-end totals and month points, with ranks),
    optionally for one scheme."""
    extra = " AND scheme = ?" if scheme else ""
    if not _has_corrections(db):
        return pl.DataFrame(schema=_REVISION_SCHEMA)
    return query(db, "SELECT scheme, year, period, unit, unit_type, measure, before, after,"
                           " rank_before, rank_after FROM revisions WHERE batch = ?" + extra +
                           " ORDER BY scheme, measure DESC, period, unit_type, unit",
                       [batch, scheme] if scheme else [batch])


def revision_counts(db: Path, batch: int, scheme: str | None = None) -> pl.DataFrame:
    """One row counting what load `batch` changed (optionally for one scheme): `totals`
    (year-end totals changed), `moved` (of those, ranks changed, gained or lost), `months`
    (month points changed) and `rows` (every revision row). Counted in SQL, so a page that
    shows a screen of a large load's changes need not read them all."""
    extra = " AND scheme = ?" if scheme else ""
    if not _has_corrections(db):
        return pl.DataFrame({"totals": [0], "moved": [0], "months": [0], "rows": [0]},
                            schema=dict.fromkeys(("totals", "moved", "months", "rows"),
                                                 pl.Int64))
    return query(db, "SELECT count(*) FILTER (measure = 'total')::BIGINT AS totals, "
                     "count(*) FILTER (measure = 'total' AND (rank_before IS NULL OR "
                     "rank_after IS NULL OR rank_before <> rank_after))::BIGINT AS moved, "
                     "count(*) FILTER (measure = 'points')::BIGINT AS months, "
                     "count(*)::BIGINT AS rows FROM revisions WHERE batch = ?" + extra,
                 [batch, scheme] if scheme else [batch])


def revision_rows(db: Path, batch: int, scheme: str | None = None, *, search: str = "",
                  limit: int = 500) -> pl.DataFrame:
    """The first `limit` rows of what load `batch` changed, in the order the 更正记录 table
    shows them (year-end totals first, then months by period; within each the largest change
    first), optionally only units whose name contains `search`; `matched` counts every row that
    matches, shown or not."""
    extra = " AND scheme = ?" if scheme else ""
    if not _has_corrections(db):
        return pl.DataFrame(schema={**_REVISION_SCHEMA, "matched": pl.Int64})
    params: list = [batch, *([scheme] if scheme else []), search, search, limit]
    return query(db, "SELECT scheme, year, period, unit, unit_type, measure, before, after, "
                     "rank_before, rank_after, count(*) OVER ()::BIGINT AS matched "
                     "FROM revisions WHERE batch = ?" + extra +
                     " AND (? = '' OR contains(unit, ?)) "
                     "ORDER BY measure <> 'total', period NULLS LAST, "
                     "abs(after - before) DESC NULLS LAST, scheme, unit_type, unit LIMIT ?",
                 params)


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
    found = query(db, "SELECT count(*) AS n FROM information_schema.columns WHERE "
                            "(table_name = 'loads' AND column_name = 'batch') OR "
                            "(table_name = 'revisions' AND column_name = 'batch')")
    return found["n"][0] == 2
