"""The curated Parquet as the hand-over to a distributed engine: hive-partitioned by scheme and
year, read by a second engine (DuckDB's read_parquet, Polars' scan_parquet) to the same totals."""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.database import connect_read_only


def test_fact_and_result_tables_are_partitioned_by_scheme_and_year(demo_dirs):
    curated = demo_dirs["curated"]
    parts = sorted(p.relative_to(curated).as_posix()
                   for p in (curated / "results.parquet").rglob("*.parquet"))
    assert parts and all(p.startswith("results.parquet/scheme=") and "/year=" in p for p in parts)
    assert "results.parquet/scheme=jintan-2013/year=2013/data_0.parquet" in parts
    assert (curated / "content_tallies.parquet" / "scheme=jintan-2013" / "year=2013").is_dir()
    # Tables without a scheme-year (the load history, dimensions) stay one file.
    assert (curated / "loads.parquet").is_file()


def test_duckdb_hive_read_finds_the_warehouse_totals(demo_dirs):
    curated = demo_dirs["curated"]
    con = connect_read_only(demo_dirs["db"])
    try:
        expected = con.sql("SELECT scheme, year, count(*), round(sum(total), 6) FROM results "
                           "GROUP BY ALL ORDER BY ALL").fetchall()
        content = con.sql("SELECT scheme, year, sum(count) FROM content_tallies "
                          "GROUP BY ALL ORDER BY ALL").fetchall()
    finally:
        con.close()
    other = duckdb.connect()
    glob = str(curated / "results.parquet" / "**" / "*.parquet")
    found = other.sql("SELECT scheme, year, count(*), round(sum(total), 6) FROM "
                      "read_parquet(?, hive_partitioning = true) GROUP BY ALL ORDER BY ALL",
                      params=[glob]).fetchall()
    assert found == expected and len(found) == 5  # four schemes and the sample jintan-2014
    glob = str(curated / "content_tallies.parquet" / "**" / "*.parquet")
    assert other.sql("SELECT scheme, year, sum(count) FROM read_parquet(?, hive_partitioning = "
                     "true) GROUP BY ALL ORDER BY ALL", params=[glob]).fetchall() == content


def test_polars_scan_finds_the_same_ranks_and_partitions_prune(demo_dirs):
    curated = demo_dirs["curated"]
    lazy = pl.scan_parquet(curated / "results.parquet", hive_partitioning=True)
    jintan = lazy.filter(pl.col("scheme") == "jintan-2013").select(
        "unit", "total", "rank").collect().sort("unit")
    con = connect_read_only(demo_dirs["db"])
    try:
        expected = con.sql("SELECT unit, total, rank FROM results WHERE scheme = 'jintan-2013' "
                           "ORDER BY unit").pl()
    finally:
        con.close()
    assert jintan.height == expected.height > 0
    assert jintan["unit"].to_list() == expected["unit"].to_list()
    assert jintan["total"].to_list() == expected["total"].to_list()
    assert jintan["rank"].cast(pl.Int64).to_list() == expected["rank"].cast(pl.Int64).to_list()
