"""The 本月名次变化 section of the overview: the units whose year-to-date rank moved most against
the previous month, as a chart (a click opens the unit's profile) and a table. Its chart is also
made by the server's warming (dashboard/warm.py), so the first visitor finds its spec cached."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.charts import charts
from dashboard.kit import data, drill, filters, widgets
from dashboard.kit.filters import Filters

SHOWN = 10  # the largest moves, up or down, and the units tied with the last of them ...
TIES_UP_TO = 20  # ... as long as that makes no more than this many bars
DETAILS_KEY = "ov-movers-open"  # the expander of the table of the moves


def largest_moves(ranking: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """(the units of a month's `ranking` whose year-to-date rank moved most against the previous
    month, by the size of the move, then by unit; the number of other units that moved).

    The `SHOWN` largest moves, and every unit tied with the last of them (a cut inside a tie
    would drop a unit that moved as far as one shown) unless that makes more than `TIES_UP_TO`;
    then only `SHOWN`, the rest counted."""
    moved = (ranking.filter(pl.col("ytd_change").is_not_null() & (pl.col("ytd_change") != 0))
             .with_columns(change=pl.col("ytd_change"), rank=pl.col("ytd_rank"),
                           prev_rank=pl.col("prev_ytd_rank"))
             .sort(pl.col("change").abs(), "unit", descending=[True, False]))
    if moved.height <= SHOWN:
        return moved, 0
    cut = abs(moved["change"][SHOWN - 1])
    with_ties = moved.filter(pl.col("change").abs() >= cut)
    shown = with_ties if with_ties.height <= TIES_UP_TO else moved.head(SHOWN)
    return shown, moved.height - shown.height


def month_movers(f: Filters) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """(the ranking of the latest month of view `f`, its largest moves and the number of other
    units that moved: `largest_moves`)."""
    ranking = data.monthly_ranking(f.db, f.scheme, f.year, f.latest_month, f.unit_type)
    return ranking, *largest_moves(ranking)


def movers_chart(f: Filters, moved: pl.DataFrame) -> widgets.LazyChart:
    """The chart of `moved` (from `month_movers`), titled for view `f`."""
    when = filters.period_label(f.latest_month, f.year)
    return widgets.LazyChart(charts.movers, moved,
                             titling=widgets.titling(f, "累计排名升降最大的单位", when))


def section(f: Filters) -> None:
    """Draw the section: the chart and table of the month's movers, or why there are none."""
    st.subheader("本月名次变化")
    if not f.has_monthly:
        widgets.nothing_to_show(
            f"{f.jurisdiction}的考核方案只有年度考核,没有按月计分的平时考评,因此没有月度名次变化。"
        )
        return
    month = f.latest_month
    ranking, moved, others = month_movers(f)
    when = filters.period_label(month, f.year)
    if moved.is_empty():
        st.caption(f"{when}各单位累计排名与上月相同。"
                   if ranking["prev_month"].is_not_null().any()
                   else f"{when}是本年度第一个月,没有上月可比。")
        return
    hidden = (f"另有{others}个单位累计排名有变化,未列出(见排名页)。" if others else "")
    st.caption("按累计得分排名(平时考评)与上月相比,升降最大的单位;正数为上升。"
               f"{hidden}点击条形,打开该单位的单位画像。")
    widgets.show_chart(movers_chart(f, moved), name=f"名次变化_{month}", key="ov-movers",
                       drill=drill.TO_UNIT)
    # the figures behind the bars, in an expander that runs only when opened: the overview's
    # first screen holds no data grid (dashboard/views/overview.py)
    details = st.expander("名次变化明细(上月与本月累计排名、累计得分;可导出)", key=DETAILS_KEY,
                          on_change="rerun")
    if not details.open:
        return
    table = moved.select(
        pl.col("unit_type").alias("单位类型"), pl.col("unit").alias("单位"),
        pl.col("prev_rank").alias("上月累计排名"), pl.col("rank").alias("本月累计排名"),
        data.change_label(pl.col("change"), pl.col("prev_rank")).alias("变化"),
        pl.col("ytd_points").alias("累计得分"),
    )
    with details:
        widgets.show_table(table, name="本月名次变化", filters=f, key="ov-movers-t")
