"""Cached calls of the scheme lab for the pages: the comparison is run by pipelines.scheme_lab
and rank stability by pipelines.stability_on_demand (the same engine as every published score);
this module only caches them per warehouse file (and draft), and turns a rejected draft into its
list of problems for display."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import streamlit as st

from dashboard.kit import data

if TYPE_CHECKING:  # the 排名 page imports this module: the engine (numpy) only when it computes
    from pipelines.engine.compare import Comparison


@dataclass(frozen=True)
class Outcome:
    """A comparison, or the problems that stopped it (a draft failing the scheme checks)."""

    comparison: Comparison | None
    problems: pl.DataFrame | None = None


def _problems(err) -> pl.DataFrame:
    rows = [{"文件": p.file, "工作表": p.sheet or "", "行": p.row, "列": p.column or "",
             "值": p.value or "", "问题": p.problem_zh, "problem": p.problem_en}
            for p in err.problems]
    return pl.DataFrame(rows, schema={"文件": pl.String, "工作表": pl.String, "行": pl.Int64,
                                      "列": pl.String, "值": pl.String, "问题": pl.String,
                                      "problem": pl.String})


@st.cache_data(show_spinner="正在按两个方案计分…", max_entries=32, ttl=3600)
def _draft(db: str, stamp: tuple[int, int], scheme: str, name: str, digest: str,
           content: bytes) -> Outcome:
    del stamp, digest  # cache key only
    from pipelines.inputs.problems import InputRejected
    from pipelines.scheme_lab import compare_draft_bytes

    try:
        return Outcome(compare_draft_bytes(Path(db), scheme, name, content))
    except InputRejected as err:
        return Outcome(None, _problems(err))


@st.cache_data(show_spinner="正在按两个方案计分…", max_entries=32, ttl=3600)
def _other(db: str, stamp: tuple[int, int], scheme: str, other: str) -> Outcome:
    del stamp
    from pipelines.scheme_lab import compare_schemes

    return Outcome(compare_schemes(Path(db), scheme, other))


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _comparable(db: str, stamp: tuple[int, int], scheme: str) -> list[str]:
    del stamp
    from pipelines.scheme_lab import comparable_schemes

    return comparable_schemes(Path(db), scheme)


@st.cache_data(show_spinner="正在计算排名稳定性…", max_entries=32, ttl=3600)
def _stability(db: str, stamp: tuple[int, int], scheme: str,
               year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    del stamp  # cache key only: a new warehouse file (a load) computes them again
    from pipelines.stability_on_demand import named_weights, stability_of, unit_intervals

    found = stability_of(Path(db), scheme, year)
    return unit_intervals(found), named_weights(Path(db), scheme, found)


def rank_stability(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Each unit's rank with its median and 5–95% interval under 1,000 random weightings
    (unit, unit_type, rank, rank_median, rank_p05, rank_p95, band, draws), computed when first
    asked for this warehouse file and cached with the indicators' weights."""
    return _stability(str(db), data.stamp(db), scheme, year)[0]


def indicator_weights(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Each indicator's nominal and effective weight with its and its rubric's name (computed
    with `rank_stability`, from the same cache entry)."""
    return _stability(str(db), data.stamp(db), scheme, year)[1]


def compare_upload(db: Path, scheme: str, name: str, content: bytes) -> Outcome:
    """The data loaded under `scheme` scored under it and under an uploaded draft file."""
    digest = hashlib.sha256(content).hexdigest()
    return _draft(str(db), data.stamp(db), scheme, name, digest, content)


def compare_with(db: Path, scheme: str, other: str) -> Outcome:
    """The data loaded under `scheme` scored under it and under another warehouse scheme."""
    return _other(str(db), data.stamp(db), scheme, other)


def comparable(db: Path, scheme: str) -> list[str]:
    """Warehouse schemes that can score the units loaded under `scheme`."""
    return _comparable(str(db), data.stamp(db), scheme)


def scheme_draft(db: Path, scheme: str, suffix: str) -> bytes:
    """The scheme in force as a draft to edit: its file (.yaml) or workbook (.xlsx), as
    `egov scheme export` writes it (built when the download is clicked)."""
    import tempfile

    from pipelines.schemes.admin import export_scheme

    with tempfile.TemporaryDirectory(prefix="egov-draft-") as folder:
        out = Path(folder) / f"{scheme}{suffix}"
        export_scheme(db, scheme, out)
        return out.read_bytes()
