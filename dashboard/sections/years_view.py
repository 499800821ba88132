"""Sections the pages add for the years of an evaluation (issue 17): the comparison with the
previous year of the scheme's series. Each is one function a page calls; the figures come from
the warehouse's year views (warehouse/years_queries.py) and pipelines/years/, never computed
here.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import polars as pl
import streamlit as st

from dashboard.charts import charts, palette
from dashboard.kit import data, filters, widgets
from pipelines.engine.targets import verdict_column
from warehouse import years_queries as yq

YEARS_COLUMNS = {"year": "年度", "scheme_name": "考核方案", "unit": "当年名称",
                 "unit_type": "单位类型", "total": "总分", "rank": "同类排名", "grade": "等次"}


def previous_of(f: filters.Filters) -> dict | None:
    """The previous year of the view's scheme in its series: {series, year, scheme, name,
    prev_year, prev_scheme, prev_name}, or None."""
    if not data.read(yq.has_years, f.db):
        return None
    years = data.read(yq.series_of, f.db)
    row = years.filter(pl.col("scheme") == f.scheme)
    if row.is_empty() or row["prev_scheme"][0] is None:
        return None
    r = row.row(0, named=True)
    prev_name = years.filter(pl.col("scheme") == r["prev_scheme"])["name"][0]
    return {**r, "prev_name": prev_name}


def schemes_note(f: filters.Filters, what: str = "较上年的比较") -> None:
    """Say that the comparison puts totals of two different schemes side by side."""
    prev = previous_of(f)
    if prev is None:
        return
    st.caption(f"{what}:{f.year}年总分依据「{widgets.md(prev['name'])}」,{prev['prev_year']}年"
               f"依据「{widgets.md(prev['prev_name'])}」。两个年度的总分来自不同的考核方案,"
               "分值、权重和指标可能不同(差异见「数据与方法」)。")


def ranking_section(f: filters.Filters) -> None:
    """排名: how the 较上年 column reads, the schemes behind it, and the merged, renamed and
    re-typed units of the year."""
    prev = previous_of(f)
    if prev is None or not f.is_year_end:
        return
    st.caption(f"「较上年」:与{prev['prev_year']}年度同类单位中的名次相比,↑ 上升、↓ 下降、— 持平;"
               "「新」为上年没有的单位,「合并」为由几个单位合并而成(无单一的上年名次),"
               "「类型变更」为单位类型与上年不同(名次不可比)。")
    schemes_note(f)


def unit_section(f: filters.Filters, unit: str) -> None:
    """单位: the unit's total, rank (axis reversed) and grade over the years of the series, with
    each year's scheme named and a note where the schemes differ."""
    if previous_of(f) is None:
        return
    # the years up to the one in view (a later year is not part of this year's story)
    years = data.read(yq.unit_years, f.db, f.scheme, unit).filter(pl.col("year") <= f.year)
    if years["year"].n_unique() < 2:
        return
    st.subheader("历年成绩")
    schemes = years["scheme"].unique().to_list()
    if len(schemes) > 1:
        st.caption("各年度依据各自的考核方案计分(见表中「考核方案」),总分与名次在不同方案之间"
                   "比较时请注意方案的差异。")
    merged = years.group_by("year").len().filter(pl.col("len") > 1)["year"].to_list()
    if merged:
        st.caption(f"{'、'.join(f'{y}年' for y in sorted(merged))}的成绩为合并前各单位的成绩,"
                   "分别列出。")
    titling = charts.Titling(f"{unit} 历年总分与名次", "", f.source, f.sample)
    widgets.show_chart(years_chart(years, titling), name=f"{unit}_历年成绩", key="yr-unit")
    table = years.select([pl.col(c).alias(n) for c, n in YEARS_COLUMNS.items()])
    widgets.show_table(table, name=f"{unit}历年成绩", filters=f, key="yr-unit-t",
                       grade_column="等次")


def years_chart(years: pl.DataFrame, titling: charts.Titling) -> alt.TopLevelMixin:
    """Total (left) and rank on a reversed axis (right) by year; a merged year has a point per
    merged unit. `years`: year, unit, total, rank, grade, scheme_name, units_of_type."""
    frame = years.with_columns(pl.col("year").cast(pl.String))
    base = alt.Chart(frame).encode(
        x=alt.X("year:O", title="年度"),
        detail="unit:N",
        tooltip=[alt.Tooltip("year:N", title="年度"), alt.Tooltip("unit:N", title="当年名称"),
                 alt.Tooltip("scheme_name:N", title="考核方案"),
                 alt.Tooltip("total:Q", title="总分", format=".2~f"),
                 alt.Tooltip("rank:Q", title="名次"), alt.Tooltip("grade:N", title="等次")])
    peers = int(years["units_of_type"].max() or 1)
    total = base.mark_line(point=True, strokeWidth=2.2, color=palette.ACCENT).encode(
        y=alt.Y("total:Q", title="总分", scale=alt.Scale(zero=False)))
    rank = base.mark_line(point=True, strokeDash=[4, 3], color=palette.MEDIAN).encode(
        y=alt.Y("rank:Q", title="同类名次(虚线,越高越好)",
                scale=alt.Scale(domain=[0.5, peers + 0.5], reverse=True, nice=False),
                axis=alt.Axis(tickMinStep=1, format="d")))
    chart = alt.layer(total, rank).resolve_scale(y="independent").properties(
        width=charts.DEFAULT_WIDTH, height=240)
    return charts.finish(chart, titling)


def overview_section(f: filters.Filters) -> None:
    """总览: against the previous year, how many units rose, fell, changed grade, and the largest
    moves named (pipelines/years/notice_facts.py: the same figures as the 通报)."""
    prev = previous_of(f)
    if prev is None:
        return
    facts = _year_facts(f.db, f.scheme, f.year)
    if not facts.get("has_previous") or "types" not in facts:
        return
    st.subheader(f"与{prev['prev_year']}年度相比")
    schemes_note(f)
    rows = []
    for t in facts["types"]:
        if f.unit_type and t["name"] != f.unit_type:
            continue
        rows.append({"单位类型": t["name"], "可比单位": t["compared"], "名次上升": t["rose"],
                     "名次下降": t["fell"], "名次持平": t["same"], "等次提高": t["grade_up"],
                     "等次降低": t["grade_down"],
                     "上升最多": _move_text(t["top_rise"], "升"),
                     "下降最多": _move_text(t["top_fall"], "降")})
    if rows:
        widgets.show_table(pl.DataFrame(rows), name="与上年相比", filters=f, key="yr-ov",
                           plain=True)
    notes = []
    notes += [f"{r['previous']}更名为{r['unit']}" for r in facts["renamed"]]
    notes += [f"{'、'.join(r['previous'])}合并为{r['unit']}" for r in facts["merged"]]
    notes += [f"{r['previous']}分设为{'、'.join(r['units'])}" for r in facts["split"]]
    if facts["new_units"]:
        notes.append(f"新纳入考核:{'、'.join(facts['new_units'])}")
    if notes:
        st.caption(widgets.md(";".join(notes) + "。"))


def _move_text(move: dict | None, word: str) -> str:
    if not move:
        return ""
    names = "、".join(f"{u['unit']}(第{u['from']}→{u['to']}名)" for u in move["units"])
    return f"{names}{'并列' if move['tied'] else ''}{word}{move['places']}位"


@st.cache_data(show_spinner=False, max_entries=64, ttl=6 * 3600)
def _facts_cached(db: str, stamp: tuple[int, int], scheme: str, year: int) -> dict:
    del stamp
    from pipelines.notice.warnings import scheme_by_id
    from pipelines.years.notice_facts import years_facts

    return years_facts(Path(db), scheme_by_id(Path(db), scheme), year)["years"]


def _year_facts(db: Path, scheme: str, year: int) -> dict:
    return _facts_cached(str(db), data.stamp(db), scheme, year)


def targets_section(f: filters.Filters) -> None:
    """目标: each target of the year with its result in the earlier years of the series (e.g.
    保二争一 reached in which years), matched by the target's code; shown where an earlier year
    has figures, also before this year's first figure (its column then reads 无数据)."""
    prev = previous_of(f)
    if prev is None:
        return
    frame = data.read(yq.target_years, f.db, prev["series"]).filter(pl.col("year") <= f.year)
    if frame.filter(pl.col("year") < f.year, pl.col("status").is_not_null()).is_empty():
        return
    st.subheader("历年目标完成情况")
    schemes_note(f, "历年目标")
    table = targets_by_year(frame, f.year)
    widgets.show_table(table, name="历年目标完成情况", filters=f, key="yr-tg")
    st.caption("各年度取当年最后一个有数据月份的完成情况;目标按代码对应,某年没有该目标则留空,"
               f"有该目标而没有数据记为「{widgets.NO_FIGURES}」。")


def targets_by_year(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """The years table of target_years' rows: one row per target of `year` in its order, its
    name that year, then a column per year (earliest first) with the status; 无数据 for a target
    of that year without figures, empty where that year had no such target."""
    years = sorted(frame["year"].unique().to_list())
    current = frame.filter(pl.col("year") == year).select("target", "name", "position")
    wide = (frame.with_columns(verdict_column())
            .with_columns(cell=pl.col("status").fill_null(widgets.NO_FIGURES))
            .pivot(on="year", index="target", values="cell"))
    return current.join(wide, on="target", how="left").sort("position").select(
        pl.col("name").alias("目标"), *[pl.col(str(y)).alias(f"{y}年") for y in years])


def indicators_section(f: filters.Filters) -> None:
    """指标: for the indicators matched across the years of the series, each unit type's average
    score rate by year (indicators matched by code and name, or previous_code)."""
    prev = previous_of(f)
    if prev is None:
        return
    lines = _lines_cached(str(f.db), data.stamp(f.db), f.scheme)
    if lines.is_empty():
        return
    schemes = lines["scheme"].unique().to_list()
    rates = data.read(yq.indicator_rates, f.db, schemes)
    if f.unit_type:
        rates = rates.filter(pl.col("unit_type") == f.unit_type)
    wide = rates_by_year(lines, rates)
    if wide.is_empty():
        return
    st.subheader("历年得分率(跨年度对应的指标)")
    schemes_note(f, "历年得分率")
    table = wide.rename({"unit_type": "单位类型", "line_code": f"指标({f.year}年编号)",
                         "name": "指标名称"})
    widgets.show_table(table, name="历年得分率", filters=f, key="yr-ind")
    st.caption("得分率 = 该类单位在该指标上的平均得分 ÷ 分值(%),豁免的不计;只列两年都能对应的"
               "指标(编号和名称相同,或新方案写明 previous_code)。")


def rates_by_year(lines: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    """The score rates of each line (pipelines.years.indicators.indicator_lines) by year, in
    percent to one decimal: unit_type, line_code, name, then 「YYYY年」 per year, earliest first;
    rows in the order of the latest year's lines (the scheme's types and indicators). A line's
    year takes the rate of its own unit type on that year's code (warehouse.years_queries.
    indicator_rates); a year without a rate (every unit exempt, no points) is empty, a line
    with none is left out."""
    joined = lines.join(rates, on=["scheme", "code", "unit_type"], how="inner")
    if joined.is_empty():
        return pl.DataFrame(schema={"unit_type": pl.String, "line_code": pl.String,
                                    "name": pl.String})
    years = sorted(joined["year"].unique().to_list())
    order = (lines.filter(pl.col("year") == lines["year"].max())
             .select("unit_type", "line_code").with_row_index("_order"))
    wide = (joined.with_columns(pl.format("{}年", pl.col("year")).alias("年"),
                                (pl.col("rate") * 100).round(1).alias("rate"))
            .pivot(on="年", index=["unit_type", "line_code", "name"], values="rate",
                   aggregate_function="first"))
    return (wide.join(order, on=["unit_type", "line_code"], how="left").sort("_order")
            .select("unit_type", "line_code", "name", *[f"{y}年" for y in years]))


@st.cache_data(show_spinner=False, max_entries=64, ttl=6 * 3600)
def _lines_cached(db: str, stamp: tuple[int, int], scheme: str) -> pl.DataFrame:
    del stamp
    from pipelines.schemes.stored import load_schemes
    from pipelines.years.indicators import indicator_lines

    return indicator_lines(load_schemes(Path(db)), scheme)


def changes_section(f: filters.Filters) -> None:
    """数据与方法: what changed from the previous year's scheme of the series to this one
    (pipelines/years/indicators.py: weights, indicators renumbered, renamed, repointed, added,
    dropped; with the unit types of a change found in one rubric only)."""
    prev = previous_of(f)
    if prev is None:
        return
    changes = _changes_cached(str(f.db), data.stamp(f.db), prev["prev_scheme"], f.scheme)
    st.subheader(f"与{prev['prev_year']}年方案相比的变化")
    st.caption(f"{prev['prev_year']}年:「{widgets.md(prev['prev_name'])}」;{f.year}年:"
               f"「{widgets.md(prev['name'])}」。指标按编号和名称对应,改了编号的按新方案的 "
               "previous_code 对应;编号相同而名称不同的视为删去一项、新增一项;各类单位的细则"
               "分别编号的,在各自的细则内对应。")
    if changes.is_empty():
        st.caption("两个年度的方案在权重、指标和分值上没有变化。")
        return
    from pipelines.years.indicators import CHANGE_KINDS

    # A scheme with a rubric per unit type (Yueyang) numbers each on its own: say whose.
    by_type = changes["unit_types"].is_not_null().any()
    table = changes.select(
        pl.col("change").replace_strict(CHANGE_KINDS).alias("变化"),
        *([pl.col("unit_types").fill_null("各类单位").alias("单位类型")] if by_type else []),
        pl.col("previous_code").alias(f"{prev['prev_year']}年编号"),
        pl.col("code").alias(f"{f.year}年编号"), pl.col("name").alias("指标"),
        pl.col("what").alias("内容"))
    widgets.show_table(table, name="方案变化", filters=f, key="yr-changes")


@st.cache_data(show_spinner=False, max_entries=64, ttl=6 * 3600)
def _changes_cached(db: str, stamp: tuple[int, int], previous: str, current: str) -> pl.DataFrame:
    del stamp
    from pipelines.schemes.stored import load_schemes
    from pipelines.years.indicators import scheme_changes

    by_id = {s.id: s for s in load_schemes(Path(db))}
    return scheme_changes(by_id[previous], by_id[current])

