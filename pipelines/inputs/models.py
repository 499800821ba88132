"""The pandera models of the range checks (validation's third pass), and pandera imported
without pandas.

pandera's top-level package imports pandas (0.3-0.5 s) whenever pandas is installed, for its
pandas API, which egov does not use, and its first validation looks for pandas' check backends.
While pandas is not loaded yet, both happen as in a Polars-only install (a set-up pandera
supports, GH #2387: its `__init__` then registers the built-in checks itself), so `egov ingest`
never loads pandas. This module is imported on the first validation of a sheet, not with the
input stack, so commands that never validate do not import pandera at all.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl

from pipelines.inputs.sheet_check import TOLERANCE

# Optional dependencies of pandera that egov does not use: pandas (its pandas API) and hypothesis
# (its data synthesis, imported when the built-in checks are registered: 0.3 s).
_UNUSED = ("pandas", "hypothesis")


class _Unavailable(importlib.abc.MetaPathFinder):
    """Makes `import pandas` (or hypothesis) fail as it would where it is not installed."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None


@contextmanager
def pandas_unloaded() -> Iterator[None]:
    """While pandas (or hypothesis) is not loaded, pandera sees an install without it: importing
    pandera and its first validation (which looks for pandas' check backends and registers the
    built-in checks' data strategies) do not load it. Where it is loaded already (hypothesis
    under the tests), or where other Python threads run (the dashboard's sessions), nothing
    changes."""
    names = tuple(n for n in _UNUSED if n not in sys.modules)
    # Only where no other Python thread could import them meanwhile (the CLI; not a server,
    # whose sessions run in threads): the finder is process-wide while it is in place.
    if not names or threading.active_count() > 1:
        yield
        return
    finder = _Unavailable(names)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def _import_pandera_polars() -> Any:
    with pandas_unloaded():
        import pandera.polars

    return pandera.polars


pa = _import_pandera_polars()

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
