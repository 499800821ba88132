"""排名: the month's or the year-end ranking per unit type, with rank changes and grades.

Built for any number of units: per unit type, a bar chart of the top and bottom places and the
highlighted units (every unit where a type has few), a histogram of all the type's scores, and
the full ranking as a searchable, sortable table. Each section says how many units it leaves out.
The page is a list of sections (functions below), so a new column or section slots in per type.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.charts import charts
from dashboard.kit import data, drill, filters, widgets
from dashboard.lab import stability_view
from dashboard.sections import years_view


def intro(f: filters.Filters, mode: str) -> None:
    """What the ranking is and how to read it."""
    if mode == "monthly":
        st.caption("平时考评按当月内容保障得分排名;「累计排名」按年初至今得分。"
                   "年终考核结果请在侧栏「期间」选择「年终」。")
    elif f.month and not f.has_monthly:
        st.caption(f"{widgets.md(f.jurisdiction)}的考核方案没有按月计分的平时考评,只有年度考核,"
                   "这里显示年终排名。")
    else:
        st.caption("年终考核结果:总分 = 各阶段得分 + 加分 − 减分;名次在同类单位内排列。")


def chart_section(f: filters.Filters, mode: str, raw: pl.DataFrame, unit_type: str) -> None:
    """The ranking bars (top and bottom places and the highlighted units) and, where units are
    left out of them, the histogram of all the type's scores."""
    chart, hidden = widgets.ranking_chart(f, mode, raw, unit_type)
    widgets.show_chart(chart, name=f"{unit_type}排名_{f.period_label}", key=f"rk-{unit_type}",
                       drill=drill.TO_UNIT)
    if hidden:
        st.caption(widgets.hidden_note(hidden))
        histogram = widgets.ranking_histogram(f, mode, raw, unit_type)
        widgets.show_chart(histogram, name=f"{unit_type}得分分布_{f.period_label}",
                           key=f"rk-hist-{unit_type}")


def ties_note(part_raw: pl.DataFrame, limit: int = 10) -> None:
    """Which places are shared (the first `limit` of them, and how many there are)."""
    ties = (part_raw.drop_nulls("rank").group_by("rank").len().filter(pl.col("len") > 1)["rank"]
            .sort().to_list())
    if not ties:
        return
    listed = "、".join(f"第{r}名" for r in ties[:limit])
    more = f" 等 {len(ties)} 处" if len(ties) > limit else ""
    st.caption(f"并列名次: {listed}{more}")


def type_table(f: filters.Filters, part_raw: pl.DataFrame, part: pl.DataFrame,
               unit_type: str, only_picked: bool) -> pl.DataFrame:
    """The rows of the full table for this type after the search box and the focus toggle."""
    if "单位类型" in part.columns:
        part = part.drop("单位类型")
    if only_picked:
        part = part.filter(pl.Series(part_raw["unit"].is_in(list(f.units))))
    if part_raw.height > widgets.SEARCH_FROM:
        query = st.text_input("搜索单位", key=f"rk-q-{unit_type}",
                              placeholder="输入单位名称的一部分",
                              help="在完整排名中查找;点击列名可按该列排序。").strip()
        if query:
            part = part.filter(pl.col("单位").str.contains(query, literal=True))
            st.caption(f"「{widgets.md(query)}」匹配 {part.height} 个单位"
                       f"(共 {part_raw.height} 个)。")
    return part


def table_section(f: filters.Filters, part_raw: pl.DataFrame, part: pl.DataFrame,
                  unit_type: str, only_picked: bool) -> None:
    """The full ranking of the type: searchable, sortable, every row in its exports."""
    ties_note(part_raw)
    table = type_table(f, part_raw, part, unit_type, only_picked)
    widgets.show_table(
        table, name=f"{unit_type}排名", filters=f, key=f"rk-t-{unit_type}", unit_label=unit_type,
        grade_column="等次" if "等次" in table.columns else None,
        column_config={"排名": st.column_config.NumberColumn("排名", format="%d")},
        height=widgets.table_height(table.height),
        export=part.drop("单位类型", strict=False),  # every unit of the type, whatever is searched
    )


def type_section(f: filters.Filters, mode: str, raw: pl.DataFrame, shown: pl.DataFrame,
                 unit_type: str, only_picked: bool) -> None:
    """Everything the page shows for one unit type."""
    part_raw = raw.filter(pl.col("unit_type") == unit_type)
    part = shown.filter(pl.Series(raw["unit_type"] == unit_type))
    st.subheader(widgets.md(unit_type))
    if part_raw.height > 2 * data.TOP_N + 5:
        st.caption(f"共 {part_raw.height} 个单位。")
    unranked = part_raw.filter(pl.col("rank").is_null())["unit"].sort().to_list()
    if part_raw.height > len(unranked):
        chart_section(f, mode, raw, unit_type)
    if unranked:
        st.caption(f"不参与排名(照常计分、公布,排名列为空):{widgets.md('、'.join(unranked))}")
    table_section(f, part_raw, part, unit_type, only_picked)


def main() -> None:
    """The page."""
    f = filters.current()
    widgets.page_header("排名", f)
    mode, raw, shown = widgets.ranking_section(f)
    shown = stability_view.with_intervals(f, mode, raw, shown)  # 稳定区间 beside 排名
    intro(f, mode)
    years_view.ranking_section(f)  # 较上年: the previous year of the series
    if raw.is_empty():
        widgets.nothing_to_show(f"{f.period_label}还没有考核结果。")
        st.stop()
    st.caption("名次相同者并列,下一名次顺延(如 1、2、2、4)。侧栏「关注单位」在图中突出显示,"
               f"单位多时图中只画前{data.TOP_N}名、后{data.TOP_N}名与关注单位"
               f"(每图最多 {charts.MAX_ROWS} 行),其余见分布图与完整排名表。"
               "点击图中的条形,打开该单位的单位画像。")
    only_picked = bool(f.units) and st.toggle("只看关注单位", value=False, key="rk-only")
    types = [t for t in f.unit_types if t in raw["unit_type"].to_list()]
    for unit_type in types:
        type_section(f, mode, raw, shown, unit_type, only_picked)
    stability_view.section(f, mode, raw)


main()
