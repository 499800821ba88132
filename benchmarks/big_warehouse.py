"""A large warehouse for page tests and page benchmarks, made quickly from the sample data.

The sample warehouse (107 units over four schemes, 示例数据) is copied `copies` times in Polars:
each copy of a unit gets a numbered name (儒林镇·0007) and its year-end inputs scaled by a seeded
factor (scores and deductions only shrink, so every input stays valid), its monthly tallies
shifted by a seeded amount; then the whole state is scored and published through the ordinary
`pipelines.loading.rescore_and_publish`. Scores are therefore computed by the engine, never
invented here. Used by the 2,000-unit test fixture and by `benchmarks/bench_pages.py --units N`.

Run: uv run python benchmarks/big_warehouse.py --units 6000 [--scheme jintan-2013|all] --db OUT
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import polars as pl

FACT_TABLES = ("content_tallies", "yearend_inputs", "adjustment_inputs")


def _copies_for(units: int, sample_units: int) -> int:
    return max(1, -(-units // sample_units))


def replicate_state(state, copies: int, seed: int = 2013, scheme: str | None = None):
    """The sample state with every unit repeated `copies` times (only the units of `scheme`
    when one is named; the other schemes keep their sample units)."""
    from warehouse.database import WarehouseState

    tables = dict(state.tables)
    k = pl.DataFrame({"copy": list(range(copies))}, schema={"copy": pl.Int32})

    def renamed(frame: pl.DataFrame) -> pl.DataFrame:
        out = frame.join(k, how="cross")
        if scheme is not None:
            out = out.filter((pl.col("scheme") == scheme) | (pl.col("copy") == 0))
        out = out.with_columns(
            unit=pl.when(pl.col("copy") == 0).then(pl.col("unit"))
            .otherwise(pl.format("{}·{}", pl.col("unit"), pl.col("copy").cast(pl.String)
                                 .str.zfill(4))))
        # A seeded factor per (unit, copy) in [0.55, 1]: copy 0 keeps the sample's own inputs.
        factor = (pl.when(pl.col("copy") == 0).then(pl.lit(1.0)).otherwise(
            0.55 + 0.45 * ((pl.col("unit").hash(seed) % 1000).cast(pl.Float64) / 999)))
        return out.with_columns(_factor=factor)

    units = renamed(tables["units"])
    tables["units"] = units.drop("copy", "_factor").cast(tables["units"].schema)
    tables["unit_aliases"] = tables["unit_aliases"].clear()

    year = renamed(tables["yearend_inputs"])
    scaled = {c: pl.col(c) * pl.col("_factor") for c in ("score", "deduction")
              if c in year.columns}
    tables["yearend_inputs"] = year.with_columns(**scaled).drop("copy", "_factor").cast(
        tables["yearend_inputs"].schema)

    content = renamed(tables["content_tallies"])
    tables["content_tallies"] = content.with_columns(
        count=(pl.col("count") * pl.col("_factor") * 1.2).round(0).cast(pl.Int64),
    ).with_columns(
        city_adopted=pl.min_horizontal("city_adopted", "count"),
        province_adopted=pl.min_horizontal("province_adopted", "count"),
    ).drop("copy", "_factor").cast(tables["content_tallies"].schema)

    adj = renamed(tables["adjustment_inputs"])
    tables["adjustment_inputs"] = adj.filter(pl.col("_factor") > 0.8).drop(
        "copy", "_factor").cast(tables["adjustment_inputs"].schema)
    return WarehouseState(tables)


def build_big_warehouse(db: Path, units: int, *, scheme: str | None = "jintan-2013",
                        work: Path | None = None, sample_db: Path | None = None) -> Path:
    """A warehouse of at least `units` units of `scheme` (of all schemes together when `scheme`
    is None), built from the sample."""
    from pipelines.loading import open_state, rescore_and_publish

    if sample_db is None:
        from pipelines.demo import build_sample_warehouse

        base = Path(work or tempfile.mkdtemp())
        sample_db = base / "sample.duckdb"
        build_sample_warehouse(sample_db, raw_dir=base / "raw", curated_dir=base / "curated")
    state = open_state(sample_db)
    base_units = state["units"]
    if scheme is not None:
        base_units = base_units.filter(pl.col("scheme") == scheme)
    copies = _copies_for(units, base_units.height)
    rescore_and_publish(db, replicate_state(state, copies, scheme=scheme))
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=6000)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--scheme", default="jintan-2013",
                        help="the scheme to grow (`all` for every scheme together)")
    parser.add_argument("--sample-db", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    build_big_warehouse(args.db, args.units, sample_db=args.sample_db,
                        scheme=None if args.scheme == "all" else args.scheme)
    print(f"built {args.db} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
