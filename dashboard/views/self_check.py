"""自评与核实: each unit's self-assessment (评分来源 自评) beside the verified score, the largest
gaps first, and the spot-check draws (Jintan 63号 五(二) 抽查、核实). Computed in
pipelines/cycle/selfcheck.py; this page only draws."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.access.cycle_scope import allowed_units
from dashboard.kit import filters, widgets
from pipelines.cycle.selfcheck import TOTAL, selfcheck
from pipelines.cycle.spotcheck import draws

LABELS = {"unit": "单位", "unit_type": "单位类型", "indicator": "指标", "part": "分项",
          "self_points": "自评分", "verified_points": "核定分", "difference": "差值"}


def rows_in_view(f: filters.Filters, scope: list[str] | None) -> pl.DataFrame:
    """The self-check rows of the units in view (the account's scope, the sidebar's type and
    units)."""
    rows = selfcheck(f.db, f.scheme, f.year, units=scope)
    if f.unit_type:
        rows = rows.filter(pl.col("unit_type") == f.unit_type)
    if f.units:
        rows = rows.filter(pl.col("unit").is_in(list(f.units)))
    return rows


def key_figures(indicators: pl.DataFrame, totals: pl.DataFrame) -> None:
    """How many units reported, how many indicators compare, and which way they differ."""
    st.caption("自评分按与核定分相同的计分规则计算,只用于对照,不计入结果。差值 = 自评 − 核定,"
               "正数表示单位自评高于核定;单位合计只计两边都有的指标。")
    compared = indicators.filter(pl.col("difference").is_not_null())
    cols = st.columns(4)
    cols[0].metric("报送自评的单位", totals.height)
    cols[1].metric("对照的指标(单位×指标)", compared.height)
    cols[2].metric("自评高于核定", int((compared["difference"] > 0).sum()))
    cols[3].metric("自评低于核定", int((compared["difference"] < 0).sum()))


def tables_section(f: filters.Filters, indicators: pl.DataFrame, totals: pl.DataFrame) -> None:
    """Per unit totals, then the indicators with the largest gaps."""
    st.subheader("各单位自评与核定合计")
    widgets.show_table(totals.drop("indicator", "part").rename(LABELS, strict=False),
                       name="自评与核定合计", filters=f, key="sc-totals")
    st.subheader("差距最大的指标")
    st.caption("按差值绝对值从大到小;只有一方的指标(只自评或只核定)排在后面。")
    widgets.show_table(indicators.rename(LABELS, strict=False), name="自评与核定对照", filters=f,
                       key="sc-rows",
                       height=widgets.table_height(indicators.height))


def draws_section(f: filters.Filters, scope: list[str] | None) -> None:
    """The spot-check draws (a unit account sees whether there were any, not who was drawn)."""
    st.subheader("抽查记录")
    drawn = draws(f.db, f.scheme, f.year)
    if drawn.is_empty():
        st.caption("尚未抽查。`egov spotcheck --scheme ID --year YYYY --units N [--seed S] "
                   "[--weighted]` 抽取需实地核实的单位,并记入导入历史,可按种子重现。")
        return
    shown = drawn.with_columns(
        units=pl.col("units").str.json_decode(pl.List(pl.String)).list.join("、"),
        weighted=pl.when(pl.col("weighted")).then(pl.lit("按差距加权")).otherwise(pl.lit("等概率")))
    if scope is not None:  # a unit account sees only whether it was drawn
        shown = shown.with_columns(units=pl.lit("(仅对考核办可见)"))
    widgets.show_table(shown.rename({"draw": "次序", "seed": "随机种子", "weighted": "方式",
                                     "requested": "抽取数", "units": "抽中单位",
                                     "drawn_by": "抽取人", "drawn_at": "时间"}),
                       name="抽查记录", filters=f, key="sc-draws")


def main() -> None:
    """The page."""
    f = filters.current()
    widgets.page_header("自评与核实", f)
    scope = allowed_units(f)
    rows = rows_in_view(f, scope)
    indicators = rows.filter(pl.col("indicator") != TOTAL)
    totals = rows.filter(pl.col("indicator") == TOTAL)
    if indicators.filter(pl.col("self_points").is_not_null()).is_empty():
        widgets.nothing_to_show(
            f"{f.year}年度还没有单位报送自评。自评在年终评分模板中填写,「评分来源」列填「自评」"
            "(不填为「核定」);自评分单独保存,不计入考核结果。")
        st.stop()
    key_figures(indicators, totals)
    tables_section(f, indicators, totals)
    draws_section(f, scope)


main()
