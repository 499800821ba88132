"""`egov trend`: every unit's results across the years of a series, under its latest name."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse import years_queries as yq


class TrendUsageError(ValueError):
    """An unknown series or unit type: the command line's usage error (exit 2)."""


def trend_table(db: Path, series: str, unit_type: str | None = None,
                unit: str | None = None) -> pl.DataFrame:
    """CONTRACT `egov trend`: series,year,scheme,unit,unit_name_that_year,unit_type,total,rank,
    grade (then `sample`), one row per unit and year; `unit` is the unit's latest name. Raises
    TrendUsageError for a series the warehouse does not hold or a unit type none of its years
    has."""
    years = yq.series_of(db)
    known = years["series"].unique(maintain_order=True).to_list()
    if series not in known:
        raise TrendUsageError(
            f"--series: 未知的考核系列 unknown series '{series}'; "
            f"可用 known: {', '.join(known) or '(无 none)'}")
    if unit_type is not None:
        schemes = years.filter(pl.col("series") == series)["scheme"].to_list()
        types = yq.unit_types_of(db, schemes)
        if unit_type not in types:
            raise TrendUsageError(
                f"--unit-type: 系列 {series} 没有单位类型「{unit_type}」 / the series has no "
                f"unit type '{unit_type}'; 可用 known: {', '.join(types)}")
    return yq.trend(db, series, unit_type, unit)
