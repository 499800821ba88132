"""What a load changed in the published results: before and after, per unit and period.

Computed in the pipeline when a load is published (the old results are read from the warehouse
file about to be replaced, the new ones are the fresh scoring) and kept in the `revisions` table,
so the 数据与方法 page can show a correction's effect without computing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from pipelines.engine.scoring import Results

TOLERANCE = 1e-9
SCHEMA = {
    "batch": pl.Int32, "scheme": pl.String, "year": pl.Int32, "period": pl.String,
    "unit": pl.String, "unit_type": pl.String, "measure": pl.String, "before": pl.Float64,
    "after": pl.Float64, "rank_before": pl.Int32, "rank_after": pl.Int32,
}
_YEAR = ("SELECT scheme, year, CAST(year AS VARCHAR) AS period, unit, unit_type, "
         "'total' AS measure, total AS value, rank FROM results")
_MONTH = ("SELECT scheme, year, month AS period, unit, unit_type, 'points' AS measure, "
          "points AS value, rank FROM monthly_points")
_KEY = ["scheme", "year", "period", "unit", "measure"]


def published(db: Path) -> pl.DataFrame:
    """The results a warehouse file holds now, in the long form the revisions compare."""
    if not Path(db).exists():
        return _long_empty()
    con = duckdb.connect(str(db), read_only=True)
    try:
        return pl.concat([con.sql(_YEAR).pl(), con.sql(_MONTH).pl()]).cast(_long_schema())
    finally:
        con.close()


def fresh(results: Results) -> pl.DataFrame:
    """Freshly scored results in the same long form."""
    year = results.results.select(
        "scheme", "year", period=pl.col("year").cast(pl.String), unit="unit",
        unit_type="unit_type", measure=pl.lit("total"), value="total", rank="rank")
    month = results.monthly_points.select(
        "scheme", "year", period="month", unit="unit", unit_type="unit_type",
        measure=pl.lit("points"), value="points", rank="rank")
    return pl.concat([year.cast(_long_schema()), month.cast(_long_schema())])


def changes(before: pl.DataFrame, after: pl.DataFrame, batch: int) -> pl.DataFrame:
    """Rows whose value or rank differs (or that appear or disappear), tagged with the load."""
    joined = before.join(after, on=_KEY, how="full", coalesce=True, suffix="_after",
                         nulls_equal=True)
    moved = (
        (pl.col("value").is_null() != pl.col("value_after").is_null())
        | ((pl.col("value") - pl.col("value_after")).abs() > TOLERANCE)
        # ne_missing: a unit that becomes unranked (rank NULL, 不排名) moved too
        | pl.col("rank").ne_missing(pl.col("rank_after"))
    ).fill_null(False)
    return joined.filter(moved).select(
        batch=pl.lit(batch, dtype=pl.Int32), scheme="scheme", year="year", period="period",
        unit="unit", unit_type=pl.coalesce("unit_type_after", "unit_type"), measure="measure",
        before="value", after="value_after", rank_before="rank", rank_after="rank_after",
    ).cast(SCHEMA).sort("scheme", "period", "unit_type", "unit")


def record(db: Path, previous: pl.DataFrame, results: Results, batch: int) -> pl.DataFrame:
    """`revisions` after a load: the earlier record plus this load's changes against `db`."""
    return pl.concat([previous.cast(SCHEMA), changes(published(db), fresh(results), batch)])


def _long_schema() -> dict[str, pl.DataType]:
    return {"scheme": pl.String, "year": pl.Int32, "period": pl.String, "unit": pl.String,
            "unit_type": pl.String, "measure": pl.String, "value": pl.Float64,
            "rank": pl.Int32}


def _long_empty() -> pl.DataFrame:
    return pl.DataFrame(schema=_long_schema())


class Recorder:
    """For the incremental load (`pipelines/delta.py`): wraps the scoring function so that, when
    the touched schemes are rescored inside the warehouse copy, their changes are recorded in
    that copy's `revisions` before the old results are replaced. `bind` gives it the copy."""

    def __init__(self, score: Callable[..., Results], batch: int):
        self.score, self.batch = score, batch
        self.con: duckdb.DuckDBPyConnection | None = None

    def bind(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def __call__(self, schemes, facts) -> Results:
        results = self.score(schemes, facts)
        if self.con is not None:
            ids = [s.id for s in schemes]
            where = " WHERE list_contains(?, scheme)"
            before = pl.concat([self.con.sql(_YEAR + where, params=[ids]).pl(),
                                self.con.sql(_MONTH + where, params=[ids]).pl()]
                               ).cast(_long_schema())
            found = changes(before, fresh(results), self.batch)
            if found.height:
                self.con.register("egov_revisions", found.to_arrow())
                try:
                    self.con.execute("INSERT INTO revisions BY NAME SELECT * FROM egov_revisions")
                finally:
                    self.con.unregister("egov_revisions")
        return results
