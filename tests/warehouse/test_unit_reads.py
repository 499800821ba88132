"""The 单位 page's reads (warehouse/reads/units.py): one unit's months and the type's count of
placed units give what the page took from every unit's months of the type before (issue 21
goal 5: a page reads what it shows, not the whole type)."""

from __future__ import annotations

import polars as pl

from warehouse.reads import units, view

SCHEME, YEAR = "jintan-2013", 2013


def test_a_units_months_are_its_rows_of_the_types_series(demo_db):
    for unit_type in view.unit_types(demo_db, SCHEME)["unit_type"]:
        series = units.monthly_series(demo_db, SCHEME, YEAR, unit_type)
        assert series.height
        for unit in series["unit"].unique().sort().to_list()[:5]:
            own = units.unit_months(demo_db, SCHEME, YEAR, unit, unit_type)
            assert own.equals(series.filter(pl.col("unit") == unit).sort("month"))
            assert own.height == series["month"].n_unique()


def test_the_types_months_count_the_units_scored_and_placed(demo_db):
    """`ranked` (the rank chart's scale) counts only placed units: 不排名 units take no place."""
    for unit_type in view.unit_types(demo_db, SCHEME)["unit_type"]:
        series = units.monthly_series(demo_db, SCHEME, YEAR, unit_type)
        median = units.monthly_median(demo_db, SCHEME, YEAR, unit_type)
        per_month = series.group_by("month").agg(units=pl.len(), ranked=pl.col("rank").count())
        assert median.select("month", "units", "ranked").sort("month").equals(
            per_month.sort("month").cast({"units": pl.Int64, "ranked": pl.Int64}))
