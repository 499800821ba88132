"""Cached reads of the warehouse for the pages: thin wrappers over `warehouse.reads`.

Every read is cached by `st.cache_data` on (query, warehouse path, the file's mtime and size,
arguments). A rebuilt warehouse is published by an atomic rename, which changes the mtime, so the
next page run reads the new file without anyone clearing a cache.

One cached dispatcher serves every query: `st.cache_data` keys on the function's source, so a
decorator applied to many small wrappers with identical bodies would let them share entries.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import polars as pl
import streamlit as st

from egov import paths
from warehouse import years_queries
from warehouse.reads import indicators as indicator_reads
from warehouse.reads import loads as load_reads
from warehouse.reads import method as method_reads
from warehouse.reads import rankings as ranking_reads
from warehouse.reads import targets as target_reads
from warehouse.reads import units as unit_reads
from warehouse.reads import view as view_reads

_MODULES = (view_reads, ranking_reads, target_reads, indicator_reads, unit_reads, method_reads,
            load_reads, years_queries)


def _key(query: Callable[..., Any]) -> str:
    return f"{query.__module__}.{query.__name__}"


# Every read of warehouse.reads, by its dotted name: the cache keys on the name, not the function.
_QUERIES: dict[str, Callable[..., Any]] = {
    _key(fn): fn for module in _MODULES for name, fn in vars(module).items()
    if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_")
}

P = ParamSpec("P")
R = TypeVar("R")


def db_path() -> Path:
    """The warehouse the dashboard reads: env var EGOV_DB, else warehouse/egov.duckdb."""
    return Path(os.environ.get("EGOV_DB") or paths.DEFAULT_DB)


def stamp(db: Path) -> tuple[int, int]:
    """The file's modification time (ns) and size: changes whenever a new warehouse is published."""
    info = db.stat()
    return info.st_mtime_ns, info.st_size


def _in_script_run() -> bool:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True) is not None


# Set by `warming()`: reads outside a script run go through the cache too.
_WARMING = False


@contextmanager
def warming() -> Iterator[None]:
    """Within: reads fill the pages' cache although no script runs, as when the server's launcher
    (dashboard/warm.py) reads the first page's view in its main thread before it serves. Not for
    a lazy download's thread, which reads directly (see `read`)."""
    global _WARMING
    _WARMING = True
    try:
        yield
    finally:
        _WARMING = False


@st.cache_data(show_spinner=False, max_entries=512, ttl=6 * 3600)
def _cached(name: str, db: str, file_stamp: tuple[int, int], args: tuple, kwargs: tuple) -> Any:
    del file_stamp  # only part of the cache key
    return _QUERIES[name](Path(db), *(list(a) if isinstance(a, tuple) else a for a in args),
                          **{k: list(v) if isinstance(v, tuple) else v for k, v in kwargs})


def read(query: Callable[Concatenate[Path, P], R], db: Path, *args: P.args,
         **kwargs: P.kwargs) -> R:
    """Run `query` (a read of warehouse.reads) on `db`, cached."""
    name = _key(query)
    if _QUERIES.get(name) is not query:
        raise KeyError(f"unknown dashboard query {name}")
    if not (_WARMING or _in_script_run()):
        # A lazy download runs on its own thread, outside any script run: read directly.
        return query(db, *args, **kwargs)
    clean = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    kw = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))
    return _cached(name, str(db), stamp(db), clean, kw)


# Named wrappers for the reads every page makes, so pages read like prose.


def schemes(db: Path) -> pl.DataFrame:
    """Schemes in the warehouse."""
    return read(view_reads.schemes, db)


def scheme_row(db: Path, scheme: str) -> dict[str, Any]:
    """One scheme's row as a dict (name, jurisdiction, year, has_content, has_grades, ...)."""
    frame = schemes(db).filter(pl.col("scheme") == scheme)
    return frame.row(0, named=True) if frame.height else {}


def unit_types(db: Path, scheme: str) -> pl.DataFrame:
    """Unit types of a scheme in order."""
    return read(view_reads.unit_types, db, scheme)


def units(db: Path, scheme: str) -> pl.DataFrame:
    """Units of a scheme with unit type and the sample flag."""
    return read(view_reads.units, db, scheme)


def periods(db: Path, scheme: str) -> pl.DataFrame:
    """(year, month) pairs with data; month NULL for a year-end-only year."""
    return read(view_reads.periods, db, scheme)


def is_sample(db: Path, scheme: str, unit_type: str | None = None,
              units_: tuple[str, ...] = ()) -> bool:
    """Whether any unit in view is sample data (示例数据)."""
    return bool(read(view_reads.is_sample, db, scheme, unit_type, list(units_)))


def grades(db: Path, scheme: str) -> pl.DataFrame:
    """Grade bands, best first."""
    return read(view_reads.grades, db, scheme)


def last_loaded(db: Path) -> str:
    """The time of the latest load, formatted for a source line ('' if none)."""
    frame = read(view_reads.last_load, db)
    when = frame["loaded_at"][0] if frame.height else None
    return when.strftime("%Y-%m-%d %H:%M") if when is not None else ""


# --- the page's own reads: each a read of warehouse.reads under its own name and signature (so a
# type checker and a reader see what a page asks for), cached like `read`.


def _cached_read(query: Callable[Concatenate[Path, P], R]) -> Callable[Concatenate[Path, P], R]:
    """`query` (a read of warehouse.reads) cached by `read`, with its signature."""

    @functools.wraps(query)
    def cached(db: Path, *args: P.args, **kwargs: P.kwargs) -> R:
        return read(query, db, *args, **kwargs)

    return cached


# 排名 and the briefing pack
grade_distribution = _cached_read(ranking_reads.grade_distribution)
# 目标 and 总览
target_progress = _cached_read(target_reads.target_progress)
target_status = _cached_read(target_reads.target_status)
# 指标 and 单位
level_scores = _cached_read(indicator_reads.level_scores)
lost_points = _cached_read(indicator_reads.lost_points)
indicator_spread = _cached_read(indicator_reads.indicator_spread)
lost_by_office = _cached_read(indicator_reads.lost_by_office)
unit_shares = _cached_read(indicator_reads.unit_shares)
unit_losses = _cached_read(unit_reads.unit_losses)
unit_months = _cached_read(unit_reads.unit_months)
monthly_median = _cached_read(unit_reads.monthly_median)
# 数据与方法 and 导入与更正
stages = _cached_read(view_reads.stages)
rubric_categories = _cached_read(method_reads.rubric_categories)
indicator_rules = _cached_read(method_reads.indicator_rules)
interpretations = _cached_read(method_reads.interpretations)
not_applicable_marks = _cached_read(method_reads.not_applicable_marks)
clauses = _cached_read(method_reads.clauses)
content_items = _cached_read(method_reads.content_items)
targets = _cached_read(target_reads.targets)
loads = _cached_read(method_reads.loads)
load_batches = _cached_read(load_reads.load_batches)
# what a load changed: counted, and a screen of it (the whole, for an export, is read on click
# by dashboard/kit/revisions.py, never kept here: tens of thousands of rows for a large load)
revision_counts = _cached_read(load_reads.revision_counts)
revision_rows = _cached_read(load_reads.revision_rows)


# --- shaped reads: ranking tables and the like, as pages and the briefing pack show them ------


def change_label(change: pl.Expr, previous: pl.Expr) -> pl.Expr:
    """↑2 / ↓1 / — (no move) / 新 (no previous rank) from a rank change (positive = up); a
    unit not ranked now (不排名) is labelled by `unranked_label`."""
    return (
        pl.when(previous.is_null()).then(pl.lit("新"))
        .when(change > 0).then(pl.format("↑{}", change))
        .when(change < 0).then(pl.format("↓{}", change.abs()))
        .otherwise(pl.lit("—"))
    )


def unranked_label(label: pl.Expr, rank: str = "rank") -> pl.Expr:
    """A change label, or 不排名 where the unit has no rank (scored, published, never placed)."""
    return pl.when(pl.col(rank).is_null()).then(pl.lit("不排名")).otherwise(label)


def yearend_ranking(db: Path, scheme: str, year: int,
                    unit_type: str | None) -> tuple[pl.DataFrame, list[str]]:
    """Year-end results with one column per stage (named as the scheme names it) and the rank
    change against the previous year where the warehouse holds one. Returns (frame, stage
    names)."""
    frame = read(ranking_reads.yearend_ranking, db, scheme, year, unit_type)
    stages = read(ranking_reads.stage_points, db, scheme, year)
    names = stages.sort("position")["stage_name"].unique(maintain_order=True).to_list()
    if stages.height:
        wide = stages.pivot(on="stage_name", index="unit", values="points").select("unit", *names)
        frame = frame.join(wide, on="unit", how="left", maintain_order="left")
    frame = frame.with_columns(change=(pl.col("prev_rank") - pl.col("rank")))
    return frame, names


def monthly_ranking(db: Path, scheme: str, year: int, month: str,
                    unit_type: str | None) -> pl.DataFrame:
    """One month's points and ranks with the change against the previous month, for the month's
    rank (`change`) and the year-to-date rank (`ytd_change`); positive = moved up."""
    frame = read(ranking_reads.monthly_ranking, db, scheme, year, month, unit_type)
    return frame.with_columns(
        change=pl.col("prev_rank") - pl.col("rank"),
        ytd_change=pl.col("prev_ytd_rank") - pl.col("ytd_rank"),
    )


def yearend_display(frame: pl.DataFrame, stage_names: list[str], *, has_grades: bool,
                    with_type: bool) -> pl.DataFrame:
    """The year-end ranking as a 通报 table: 排名, 变化 (when a previous year exists), 单位,
    stage scores, 加分, 减分, 总分, 等次."""
    cols: list[pl.Expr] = []
    if with_type:
        cols.append(pl.col("unit_type").alias("单位类型"))
    cols.append(pl.col("rank").alias("排名"))
    if frame["prev_rank"].is_not_null().any():
        label = change_label(pl.col("change"), pl.col("prev_rank"))
        if "prev_units" in frame.columns:  # the previous year of the series (issue 17)
            label = (pl.when(pl.col("prev_units") > 1).then(pl.lit("合并"))
                     .when(pl.col("type_changed")).then(pl.lit("类型变更")).otherwise(label))
        cols.append(unranked_label(label).alias("较上年"))
    cols.append(pl.col("unit").alias("单位"))
    cols += [pl.col(n) for n in stage_names if n in frame.columns]
    if frame["bonus"].abs().sum() > 0:
        cols.append(pl.col("bonus").alias("加分"))
    if frame["penalty"].abs().sum() > 0:
        cols.append(pl.col("penalty").alias("减分"))
    cols.append(pl.col("total").alias("总分"))
    if has_grades:
        cols.append(pl.col("grade").alias("等次"))
    return frame.select(cols)


def monthly_display(frame: pl.DataFrame, *, with_type: bool) -> pl.DataFrame:
    """A month's ranking as a table: 排名, 较上月, 单位, 条目得分, 录用加分, 当月得分, 累计得分,
    累计排名, 累计较上月."""
    cols: list[pl.Expr] = []
    if with_type:
        cols.append(pl.col("unit_type").alias("单位类型"))
    cols += [
        pl.col("rank").alias("排名"),
        unranked_label(change_label(pl.col("change"), pl.col("prev_rank"))).alias("较上月"),
        pl.col("unit").alias("单位"),
        pl.col("item_points").alias("条目得分"),
        pl.col("adoption_points").alias("录用加分"),
        pl.col("points").alias("当月得分"),
        pl.col("ytd_points").alias("累计得分"),
        pl.col("ytd_rank").alias("累计排名"),
        unranked_label(change_label(pl.col("ytd_change"), pl.col("prev_ytd_rank")),
                       "ytd_rank").alias("累计较上月"),
    ]
    return frame.select(cols)


# --- many units: what a chart shows and what it leaves out -------------------------------------

TOP_N = 10  # a ranking chart shows the top and bottom TOP_N of each unit type


def top_bottom(part: pl.DataFrame, *, n: int = TOP_N,
               highlight: tuple[str, ...] | list[str] = (),
               gap_prefix: str = "⋯") -> tuple[pl.DataFrame, int]:
    """The rows of one unit type's ranking (in rank order) that a chart draws: the top `n` and
    bottom `n` places (ties kept whole: every unit sharing a place shown) and the highlighted
    units; each run of rows left out becomes one gap row (`unit` = "⋯ 第11–1870名 …", other
    values null). A ranking short enough to read (at most 2n + 5 rows) is drawn whole.
    Returns (rows to draw, number of units left out)."""
    rows = part.height
    if rows <= 2 * n + 5:
        return part, 0
    ranks = part["rank"].to_list()
    bottom_rank = ranks[rows - n]
    keep = ((pl.col("rank") <= n) | (pl.col("rank") >= bottom_rank)
            | pl.col("unit").is_in(list(highlight)))
    flags = part.select(keep.alias("keep"))["keep"].to_list()
    pieces: list[pl.DataFrame] = []
    start = 0
    hidden = 0
    i = 0
    while i < rows:
        if flags[i]:
            i += 1
            continue
        j = i
        while j < rows and not flags[j]:
            j += 1
        pieces.append(part.slice(start, i - start))
        count = j - i
        hidden += count
        places = (f"第{ranks[i]}–{ranks[j - 1]}名" if ranks[i] != ranks[j - 1]
                  else f"第{ranks[i]}名")
        label = f"{gap_prefix} {places} {count}个单位未显示"
        pieces.append(pl.DataFrame({"unit": [label], "rank": [ranks[i]]},
                                   schema={"unit": pl.String, "rank": part.schema["rank"]}))
        start = i = j
    pieces.append(part.slice(start, rows - start))
    return pl.concat(pieces, how="diagonal_relaxed"), hidden


def _nice_step(span: float, bins: int) -> float:
    """A round bin width (1, 2, 2.5 or 5 × 10^k) giving about `bins` bins over `span`."""
    import math

    if span <= 0:
        return 1.0
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def histogram_bins(frame: pl.DataFrame, value: str, *, by: str = "unit_type",
                   bins: int = 24) -> pl.DataFrame:
    """Units per value bin (round bin widths) and per `by`: bin_start, bin_end, `by`, units.
    Binned here, on the server, so a chart of thousands of units sends a few dozen rows."""
    values = frame.select(pl.col(value).drop_nulls())[value]
    if values.is_empty():
        return pl.DataFrame(schema={"bin_start": pl.Float64, "bin_end": pl.Float64,
                                    by: pl.String, "units": pl.UInt32})
    lo, hi = float(values.min()), float(values.max())
    step = _nice_step(hi - lo, bins)
    start = (lo // step) * step
    return (
        frame.filter(pl.col(value).is_not_null())
        .with_columns(_bin=((pl.col(value) - start) / step).floor().cast(pl.Int64))
        .group_by("_bin", by).agg(units=pl.len())
        .with_columns(bin_start=start + pl.col("_bin") * step,
                      bin_end=start + (pl.col("_bin") + 1) * step)
        .sort("_bin", by).select("bin_start", "bin_end", by, "units")
    )
