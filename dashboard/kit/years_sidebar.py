"""The sidebar's evaluation picker (issue 17): an evaluation is a series (the schemes of its
years) or a scheme of no series; the year picks the scheme. Kept apart from the pages' sections
(dashboard/sections/years_view.py) so the sidebar imports nothing of the pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard.kit import data
from warehouse import years_queries as yq


@dataclass(frozen=True)
class Evaluations:
    """The evaluations the sidebar offers: a series (its years' schemes), or a scheme that
    belongs to none (itself, one year). `keys` in the order offered."""

    keys: list[str]
    labels: dict[str, str]
    years: dict[str, list[int]]
    scheme: dict[tuple[str, int], str]
    of_scheme: dict[str, str]  # scheme id → its evaluation key


def evaluations(db: Path, schemes: pl.DataFrame) -> Evaluations:
    """The sidebar's evaluations from the schemes frame (dashboard.data.schemes) and the
    warehouse's series (none in a warehouse written before the year views)."""
    series = _series(str(db), data.stamp(db))
    frame = schemes.join(series, on="scheme", how="left").with_columns(
        key=pl.coalesce("series", "scheme"))
    keys, labels, years, scheme_of, of_scheme = [], {}, {}, {}, {}
    for r in frame.iter_rows(named=True):
        key = r["key"]
        if key not in years:
            keys.append(key)
            years[key] = []
        years[key].append(int(r["year"]))
        scheme_of[(key, int(r["year"]))] = r["scheme"]
        of_scheme[r["scheme"]] = key
        labels.setdefault(key, r["jurisdiction"])
    for key in keys:
        years[key].sort()
        span = (f"{years[key][0]}年" if len(years[key]) == 1
                else f"{years[key][0]}–{years[key][-1]}年")
        labels[key] = f"{labels[key]} · {span}"
    # Two evaluations of one place and span (a draft beside the scheme in force) would show one
    # label, and the selectbox tells options apart by label: name them by key too.
    repeated = {v for v in labels.values() if list(labels.values()).count(v) > 1}
    labels = {k: f"{v} ({k})" if v in repeated else v for k, v in labels.items()}
    return Evaluations(keys, labels, years, scheme_of, of_scheme)


@st.cache_data(show_spinner=False, max_entries=16, ttl=6 * 3600)
def _series(db: str, stamp: tuple[int, int]) -> pl.DataFrame:
    del stamp  # only part of the key: a new warehouse file is read afresh
    if not yq.has_years(Path(db)):
        return pl.DataFrame(schema={"scheme": pl.String, "series": pl.String})
    return yq.series_of(Path(db)).select("scheme", "series")
