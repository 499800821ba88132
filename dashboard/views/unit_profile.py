"""单位: one unit's profile: monthly points against its type's median, rank history, scores by
category against the maximum, and the indicators where it lost most, with the seed's 考核要点.

The page is a list of sections (functions below), `main()` last."""

from __future__ import annotations

import dataclasses

import polars as pl
import streamlit as st

from dashboard.access.cycle_scope import allowed_units, scoped_options
from dashboard.charts import charts
from dashboard.kit import data, filters, widgets
from dashboard.sections import years_view
from dashboard.sections.cycle_feedback import feedback_section
from pipelines.notice import formats as fmt


def unit_choice(f: filters.Filters, units: pl.DataFrame) -> str:
    """The unit to show: the picker follows the sidebar's first focus unit when that changes;
    else it keeps its unit while that is still an option (a change of scheme or type may remove
    it). A unit account sees its own unit only."""
    options = scoped_options(f, units["unit"].to_list())
    focus = f.units[0] if f.units and f.units[0] in options else None
    follow = focus if focus != st.session_state.get("_up_focus") else None
    st.session_state["_up_focus"] = focus
    filters.page_choice("unit", "up-unit", options, focus or options[0], follow=follow)
    unit = st.selectbox("单位", options, key="up-unit", help="默认取侧栏「关注单位」中的第一个。")
    filters.remember("unit", unit)
    return unit


def headline_section(f: filters.Filters, unit: str, unit_type: str) -> None:
    """The unit's type, year-end total, place among its type and grade."""
    results, _ = data.yearend_ranking(f.db, f.scheme, f.year, unit_type)
    mine = results.filter(pl.col("unit") == unit)
    cols = st.columns(4)
    cols[0].metric("单位类型", unit_type)
    if not mine.height:
        cols[1].metric(f"{f.year}年度总分", "—")
        return
    r = mine.row(0, named=True)
    cols[1].metric(f"{f.year}年度总分", fmt.points(r["total"]))
    ranked = results["rank"].count()  # 不排名 units take no place
    cols[2].metric("同类排名", "不排名" if r["rank"] is None else f"第{r['rank']}名 / {ranked}",
                   help="该单位照常计分、公布,不参与排名" if r["rank"] is None else None)
    cols[3].metric("等次", r["grade"] or "不设等次")


def monthly_section(f: filters.Filters, view: filters.Filters, unit: str,
                    unit_type: str) -> None:
    """平时考评: the unit's monthly points against its type's median, its month and
    year-to-date ranks, and the table of both (up to the chosen month)."""
    st.subheader("平时考评:月度得分与排名")
    if not f.has_monthly:
        widgets.nothing_to_show(
            f"{f.jurisdiction}的考核方案没有按月计分的平时考评,所以没有月度得分与名次走势。"
        )
        return
    own = data.unit_months(f.db, f.scheme, f.year, unit, unit_type)
    median = data.monthly_median(f.db, f.scheme, f.year, unit_type)
    # the units placed in the type's latest month: the rank chart's scale
    peers = int(median.filter(pl.col("month") == median["month"].max())["ranked"].sum())
    if f.month:
        own = own.filter(pl.col("month") <= f.month)
        median = median.filter(pl.col("month") <= f.month)
    lines = pl.concat([
        own.select("month", series=pl.lit(unit), points=pl.col("points")),
        median.select("month", series=pl.lit("类型中位数"), points=pl.col("median_points")),
    ])
    chart = widgets.LazyChart(
        charts.unit_vs_median, lines, year=f.year, unit=unit,
        titling=widgets.titling(view, f"{unit} 月度得分与{unit_type}中位数"),
    )
    widgets.show_chart(chart, name=f"{unit}_月度得分", key="up-monthly")
    ranks = pl.concat([
        own.select("month", series=pl.lit("当月排名"), rank=pl.col("rank")),
        own.select("month", series=pl.lit("累计排名"), rank=pl.col("ytd_rank")),
    ]).drop_nulls("rank")
    if ranks.is_empty() and own.height:  # 不排名: scored every month, never placed
        st.caption(f"{widgets.md(unit)}照常计分,不参与排名,没有名次走势。")
    else:
        chart = widgets.LazyChart(charts.rank_history, ranks, year=f.year, peers=peers,
                                  titling=widgets.titling(view, f"{unit} 在{unit_type}中的名次"))
        widgets.show_chart(chart, name=f"{unit}_名次走势", key="up-ranks")
    table = own.select(
        pl.col("month").alias("月份"), pl.col("points").alias("当月得分"),
        pl.col("rank").alias("当月排名"), pl.col("ytd_points").alias("累计得分"),
        pl.col("ytd_rank").alias("累计排名"),
    ).join(median.select(pl.col("month").alias("月份"),
                         pl.col("median_points").alias("类型中位数")), on="月份", how="left")
    widgets.show_table(table, name=f"{unit}_月度得分", filters=view, key="up-monthly-t",
                       unit_label=unit_type)


def categories_section(f: filters.Filters, view: filters.Filters, unit: str) -> None:
    """年终评分: the unit's score on each first-level category against its maximum."""
    st.subheader("年终评分:各一级指标得分")
    cats = data.level_scores(f.db, f.scheme, f.year, 1, units=[unit])
    if cats.is_empty():
        widgets.nothing_to_show(f"{unit}在{f.year}年度还没有年终评分结果。")
        return
    chart = widgets.LazyChart(charts.category_vs_max, cats.filter(pl.col("max_points") > 0),
                              titling=widgets.titling(view, f"{unit} 各一级指标得分",
                                                      f"{f.year}年度"))
    widgets.show_chart(chart, name=f"{unit}_一级指标得分", key="up-cats")


def losses_section(f: filters.Filters, view: filters.Filters, unit: str,
                   unit_type: str) -> None:
    """失分最多的指标: the unit's ten largest losses with the seed's 考核要点 and the office
    the scheme names for each."""
    st.subheader("失分最多的指标")
    losses = data.unit_losses(f.db, f.scheme, f.year, unit, 10)
    if losses.is_empty():
        widgets.nothing_to_show(f"{unit}在{f.year}年度的年终评分没有失分。")
        return
    office = ("牵头科室" if losses["lead_office"].is_not_null().any() else
              "牵头考核单位" if losses["assessing_bodies"].is_not_null().any() else None)
    table = losses.select(
        pl.col("code").alias("编号"), pl.col("name").alias("指标"),
        pl.col("category").alias("一级指标"), pl.col("max_points").alias("分值"),
        pl.col("score").alias("得分"), pl.col("lost").alias("失分"),
        pl.col("criteria").alias("考核要点"), pl.col("source").alias("出处"),
        *([pl.coalesce("lead_office", "assessing_bodies").alias(office)] if office else []),
    )
    widgets.show_table(
        table, name=f"{unit}_失分最多的指标", filters=view, key="up-losses",
        unit_label=unit_type, wrap=True,
        column_config={"考核要点": st.column_config.TextColumn("考核要点", width="large")},
    )


def main() -> None:
    """The page."""
    f = filters.current()
    widgets.page_header("单位画像", f)
    units = data.units(f.db, f.scheme)
    if f.unit_type:
        units = units.filter(pl.col("unit_type") == f.unit_type)
    if units.is_empty():
        widgets.nothing_to_show("本方案还没有被考核单位。请先导入单位名录(units)。")
        st.stop()
    unit = unit_choice(f, units)
    row = units.filter(pl.col("unit") == unit).row(0, named=True)
    unit_type = row["unit_type"]
    view = dataclasses.replace(f, sample=bool(row["is_sample"]))  # this unit's 示例数据 mark
    headline_section(f, unit, unit_type)
    years_view.unit_section(view, unit)  # the unit over the years of the series (issue 17)
    monthly_section(f, view, unit, unit_type)
    categories_section(f, view, unit)
    losses_section(f, view, unit, unit_type)
    feedback_section(f, unit, allowed_units(f))  # 反馈单 (pipelines/cycle/feedback.py)


main()
