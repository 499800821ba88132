"""排名: the month's or the year-end ranking per unit type, with rank changes and grades."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import filters, stability_view, widgets

f = filters.current()
widgets.page_header("排名", f)

mode, raw, shown = widgets.ranking_section(f)
shown = stability_view.with_intervals(f, mode, raw, shown)  # 稳定区间 beside 排名
if mode == "monthly":
    st.caption("平时考评按当月内容保障得分排名;「累计排名」按年初至今得分。"
               "年终考核结果请在侧栏「期间」选择「年终」。")
elif f.month and not f.has_monthly:
    st.caption(f"{widgets.md(f.jurisdiction)}的考核方案没有按月计分的平时考评,只有年度考核,这里显示年终排名。")
else:
    st.caption("年终考核结果:总分 = 各阶段得分 + 加分 − 减分;名次在同类单位内排列。")

if raw.is_empty():
    widgets.nothing_to_show(f"{f.period_label}还没有考核结果。")
    st.stop()

st.caption("名次相同者并列,下一名次顺延(如 1、2、2、4)。侧栏「关注单位」在图中突出显示。")
only_picked = bool(f.units) and st.toggle("只看关注单位", value=False, key="rk-only")

types = [t for t in f.unit_types if t in raw["unit_type"].to_list()]
for unit_type in types:
    st.subheader(widgets.md(unit_type))
    chart = widgets.ranking_chart(f, mode, raw, unit_type)
    widgets.show_chart(chart, name=f"{unit_type}排名_{f.period_label}", key=f"rk-{unit_type}")
    part_raw = raw.filter(pl.col("unit_type") == unit_type)
    part = shown.filter(pl.Series(raw["unit_type"] == unit_type))
    if only_picked:
        part = part.filter(pl.Series(part_raw["unit"].is_in(list(f.units))))
    if "单位类型" in part.columns:
        part = part.drop("单位类型")
    ties = part_raw.group_by("rank").len().filter(pl.col("len") > 1)["rank"].sort().to_list()
    if ties:
        st.caption("并列名次: " + "、".join(f"第{r}名" for r in ties))
    widgets.show_table(
        part, name=f"{unit_type}排名", filters=f, key=f"rk-t-{unit_type}", unit_label=unit_type,
        grade_column="等次" if "等次" in part.columns else None,
        column_config={"排名": st.column_config.NumberColumn("排名", format="%d")},
        height=widgets.table_height(part.height),
    )

stability_view.section(f, mode, raw)
