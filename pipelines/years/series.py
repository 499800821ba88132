"""The series (考核系列) a scheme belongs to, and the previous year of each scheme.

A scheme file may say `series: ID`: the evaluation it is one year of. The schemes of a series
must have different years; the previous year of a scheme is the latest earlier year of its
series (not necessarily the year before: a gap is stated, 「与2015年相比」).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.inputs.problems import Problem
from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import iter_leaves


@dataclass(frozen=True)
class SeriesYear:
    """One year of a series: the scheme that scores it."""

    series: str
    year: int
    scheme: str


def series_years(schemes: Iterable[Scheme], series: str) -> list[SeriesYear]:
    """The years of `series`, earliest first."""
    return sorted((SeriesYear(series, s.year, s.id) for s in schemes if s.series == series),
                  key=lambda y: y.year)


def previous_scheme(scheme: Scheme, schemes: Iterable[Scheme]) -> Scheme | None:
    """The scheme of the latest earlier year of `scheme`'s series, or None (no series, or the
    series' first year)."""
    if scheme.series is None:
        return None
    earlier = [s for s in schemes if s.series == scheme.series and s.year < scheme.year]
    return max(earlier, key=lambda s: s.year) if earlier else None


def gap_phrase(year: int, previous_year: int) -> str:
    """How a comparison names the previous year: 「与上年相比」 for the year before, else
    「与2015年相比」 (the gap stated)."""
    return "与上年相比" if year - previous_year == 1 else f"与{previous_year}年相比"


def series_conflicts(new: Scheme, existing: Iterable[Scheme], file: str) -> list[Problem]:
    """A second scheme of the same series and year (other than the one `new` replaces)."""
    if new.series is None:
        return []
    return [Problem(
        file, None, None, "series", new.series,
        f"系列「{new.series}」的 {new.year} 年已有方案「{s.id}」:同一系列每年只能有一个方案"
        "(改 year,或改用另一个 series)",
        f"series {new.series} already has scheme {s.id} for {new.year}: a series has one scheme "
        "a year (change year, or use another series)",
    ) for s in existing if s.id != new.id and s.series == new.series and s.year == new.year]


def previous_code_problems(new: Scheme, existing: Iterable[Scheme], file: str) -> list[Problem]:
    """`previous_code` naming no indicator of the previous year's scheme (of the same rubric's
    unit types), or set where the series has no earlier year."""
    previous = previous_scheme(new, [s for s in existing if s.id != new.id])
    problems = []
    for ri, rubric in enumerate(new.rubrics):
        old_codes = _previous_codes(previous, rubric.unit_types) if previous else set()
        for leaf in (lf.indicator for lf in iter_leaves(rubric)):
            if leaf.previous_code is None:
                continue
            if previous is None:
                zh = (f"previous_code「{leaf.previous_code}」:本方案没有上一年度的方案"
                      "(series 未设置,或该系列没有更早的年度)")
                en = (f"previous_code {leaf.previous_code}: the scheme has no previous year (no "
                      "series, or no earlier year in it)")
            elif leaf.previous_code not in old_codes:
                zh = (f"上一年度方案「{previous.id}」适用于这些单位类型的评分细则中没有编号为"
                      f"「{leaf.previous_code}」的指标")
                en = (f"no indicator {leaf.previous_code} in the previous year's scheme "
                      f"{previous.id} for these unit types")
            else:
                continue
            problems.append(Problem(file, None, None,
                                    f"rubrics.{ri} ({rubric.id}) 指标 {leaf.code} previous_code",
                                    leaf.previous_code, zh, en))
    return problems


def _previous_codes(previous: Scheme, unit_types: list[str]) -> set[str]:
    return {lf.indicator.code for r in previous.rubrics if set(r.unit_types) & set(unit_types)
            for lf in iter_leaves(r)}


def describe_series(scheme: Scheme, schemes: Iterable[Scheme]) -> list[str]:
    """Lines for `egov scheme check/add`: the scheme's series and the years it has."""
    if scheme.series is None:
        return ["系列 series: 未设置 none (该方案不与其他年度比较 / compared with no other year)"]
    years = series_years([*(s for s in schemes if s.id != scheme.id), scheme], scheme.series)
    listed = "、".join(f"{y.year}({y.scheme})" for y in years)
    lines = [f"系列 series: {scheme.series};年度 years: {listed}"]
    previous = previous_scheme(scheme, [s for s in schemes if s.id != scheme.id])
    if previous is None:
        lines.append(f"上一年度 previous year: 无 none ({scheme.year} 是该系列最早的年度 / the "
                     "series' first year)")
    else:
        lines.append(f"上一年度 previous year: {previous.year}({previous.id}),"
                     f"{gap_phrase(scheme.year, previous.year)}")
    return lines
