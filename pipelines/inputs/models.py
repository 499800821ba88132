"""The pandera models of the range checks (validation's third pass).

pandera is imported without pandas (`pandera_import.py`); this module is imported on the first
validation of a sheet, not with the input stack, so commands that never validate do not import
pandera at all.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from pipelines.inputs.pandera_import import pa
from pipelines.inputs.sheet_check import TOLERANCE

# The most items one unit can plausibly report for one content item in one month; a larger count
# is a typo (or a number pasted into the wrong column), and would not fit the warehouse's INTEGER.
MAX_COUNT = 1_000_000


def _whole(data: Any) -> pl.LazyFrame:
    return data.lazyframe.select((pl.col(data.key) % 1).abs() < TOLERANCE)


class ContentModel(pa.DataFrameModel):
    """Counts are whole and not negative; adopted items never exceed the count."""

    count: float = pa.Field(nullable=True, ge=0, le=MAX_COUNT)
    city_adopted: float = pa.Field(nullable=True, ge=0, le=MAX_COUNT)
    province_adopted: float = pa.Field(nullable=True, ge=0, le=MAX_COUNT)

    @pa.check("count", "city_adopted", "province_adopted", name="whole_number")
    def _whole_number(cls, data: Any) -> pl.LazyFrame:
        return _whole(data)

    @pa.dataframe_check(name="adopted_above_count")
    def _adopted(cls, data: Any) -> pl.LazyFrame:
        c, a, p = pl.col("count"), pl.col("city_adopted"), pl.col("province_adopted")
        ok = (a + p <= c + TOLERANCE) | c.is_null() | (c < 0) | (a < 0) | (p < 0)
        return data.lazyframe.select(ok.fill_null(True))

    class Config:
        strict = False


class YearendModel(pa.DataFrameModel):
    """Inputs are not negative; scores within max; ratios within 0..1; places within peers."""

    score: float = pa.Field(nullable=True, ge=0)
    deduction: float = pa.Field(nullable=True, ge=0)
    actual: float = pa.Field(nullable=True, ge=0)
    numerator: float = pa.Field(nullable=True, ge=0)
    denominator: float = pa.Field(nullable=True, ge=0)
    times: float = pa.Field(nullable=True, ge=0)
    place: float = pa.Field(nullable=True, ge=1)
    max_points: float = pa.Field(nullable=True)
    peers: float = pa.Field(nullable=True)
    is_ratio: bool
    is_rate: bool
    refuses_above_one: bool  # a ratio or rate rule with above_one: refuse (the default)
    scale_low: float = pa.Field(nullable=True)  # the declared scale of 实际值, if any
    scale_high: float = pa.Field(nullable=True)

    @pa.check("place", name="whole_number")
    def _place_whole(cls, data: Any) -> pl.LazyFrame:
        return _whole(data)

    @pa.dataframe_check(name="score_above_max")
    def _score_max(cls, data: Any) -> pl.LazyFrame:
        ok = pl.col("score") <= pl.col("max_points") + TOLERANCE
        return data.lazyframe.select(ok.fill_null(True))

    @pa.dataframe_check(name="place_above_peers")
    def _place_peers(cls, data: Any) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("place") <= pl.col("peers")).fill_null(True))

    @pa.dataframe_check(name="rate_above_one")
    def _rate_above_one(cls, data: Any) -> pl.LazyFrame:
        bad = pl.col("is_rate") & pl.col("refuses_above_one") & (pl.col("actual") > 1 + TOLERANCE)
        return data.lazyframe.select((~bad).fill_null(True))

    @pa.dataframe_check(name="actual_off_scale")
    def _actual_off_scale(cls, data: Any) -> pl.LazyFrame:
        low, high, actual = pl.col("scale_low"), pl.col("scale_high"), pl.col("actual")
        bad = (actual < low - TOLERANCE) | (actual > high + TOLERANCE)
        return data.lazyframe.select((~bad).fill_null(True))

    @pa.dataframe_check(name="ratio_zero_denominator")
    def _zero_denominator(cls, data: Any) -> pl.LazyFrame:
        bad = pl.col("is_ratio") & (pl.col("denominator") == 0)
        return data.lazyframe.select((~bad).fill_null(True))

    @pa.dataframe_check(name="ratio_above_one")
    def _ratio_above_one(cls, data: Any) -> pl.LazyFrame:
        bad = (
            pl.col("is_ratio")
            & pl.col("refuses_above_one")
            & (pl.col("denominator") > 0)
            & (pl.col("numerator") > pl.col("denominator") + TOLERANCE)
        )
        return data.lazyframe.select((~bad).fill_null(True))

    class Config:
        strict = False


class AdjustmentModel(pa.DataFrameModel):
    """Points given are above 0 and within the clause's value for the level."""

    points: float = pa.Field(nullable=True, gt=0)
    expected: float = pa.Field(nullable=True)

    @pa.dataframe_check(name="points_above_clause")
    def _within(cls, data: Any) -> pl.LazyFrame:
        ok = pl.col("points") <= pl.col("expected") + TOLERANCE
        return data.lazyframe.select(ok.fill_null(True))

    class Config:
        strict = False
