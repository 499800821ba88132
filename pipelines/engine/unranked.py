"""Units scored and published but not ranked (issue 20 item 8, docs/schemes.md 不排名).

An index that ranks its members only still scores and publishes its guests: a unit type written
`ranked: false` in the scheme, or a unit marked 不排名 是 in the unit list, gets its totals, grade
and group scores like any unit, but no rank (NULL in `results.rank` and the monthly ranks), and
takes no place: the ranked units of its type are ranked among themselves alone.
"""

from __future__ import annotations

import polars as pl

from pipelines.schemes.model import Scheme


def unranked_of(rows: pl.DataFrame) -> pl.Expr:
    """The units table's `unranked` for a loaded units frame (null where the file had no 不排名
    column: a unit list of earlier versions loads as before)."""
    if "unranked" in rows.columns:
        return pl.col("unranked").cast(pl.Boolean)
    return pl.lit(None, dtype=pl.Boolean).alias("unranked")


def with_ranked(scheme: Scheme, units: pl.DataFrame) -> pl.DataFrame:
    """`units` (unit, unit_type and, where loaded, unranked) with a `ranked` column: false for a
    unit marked 不排名 or of a unit type the scheme does not rank."""
    unranked_types = [t.name for t in scheme.unit_types if not t.ranked]
    marked = (pl.col("unranked").fill_null(False) if "unranked" in units.columns
              else pl.lit(False))
    return units.with_columns(
        ranked=~(marked | pl.col("unit_type").is_in(unranked_types)))


def only_ranked(value: pl.Expr) -> pl.Expr:
    """`value` where the unit is ranked, else null: ranked over it, an unranked unit gets no
    rank and takes no place (needs the `ranked` column of `with_ranked`)."""
    return pl.when(pl.col("ranked")).then(value)
