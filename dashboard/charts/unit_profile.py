"""Charts of one unit: its monthly points against its type's median, its rank by month, and its
score per first-level category against the maximum."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.charts import palette
from dashboard.charts.encodings import bar_height, month_x, points_text, series_lines
from dashboard.charts.look import DEFAULT_WIDTH, Titling, finish


def unit_vs_median(frame: pl.DataFrame, *, year: int, unit: str,
                   titling: Titling) -> alt.TopLevelMixin:
    """A unit's monthly points against its type's median. `frame`: month, series, points
    (series: the unit's name or 类型中位数)."""
    chart = series_lines(
        frame, x=month_x(year), y=alt.Y("points:Q", title="当月得分"),
        names=[unit, "类型中位数"], colors=[palette.ACCENT, palette.MEDIAN],
        dashed=["类型中位数"],
        tooltip=[alt.Tooltip("month:N", title="月份"), alt.Tooltip("series:N", title="系列"),
                 alt.Tooltip("points:Q", title="得分", format=".2~f")],
        width=DEFAULT_WIDTH, height=260,
    )
    return finish(chart, titling)


def rank_history(frame: pl.DataFrame, *, year: int, peers: int,
                 titling: Titling) -> alt.TopLevelMixin:
    """Rank by month on an inverted axis. `frame`: month, series (当月排名 / 累计排名), rank."""
    names = ["当月排名", "累计排名"]
    chart = alt.Chart(frame).mark_line(point=True, strokeWidth=2.2).encode(
        x=month_x(year),
        y=alt.Y("rank:Q", title=f"名次(共{peers}个单位)",
                scale=alt.Scale(domain=[0.5, peers + 0.5], reverse=True, nice=False),
                axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=names, range=[palette.MEDIAN, palette.ACCENT])),
        tooltip=[alt.Tooltip("month:N", title="月份"), alt.Tooltip("series:N", title="系列"),
                 alt.Tooltip("rank:Q", title="名次")],
    ).properties(width=DEFAULT_WIDTH, height=240)
    return finish(chart, titling)


def category_vs_max(frame: pl.DataFrame, *, titling: Titling) -> alt.TopLevelMixin:
    """Score per first-level category drawn over a grey bar of the category's maximum.
    `frame`: node, node_position, score, max_points."""
    # as the 通报 writes points: 18.6, 25 (not 18.60, 25.0)
    data = frame.with_columns(label=pl.format("{} / {}", points_text("score"),
                                              points_text("max_points")))
    order = data.sort("node_position")["node"].to_list()
    base = alt.Chart(data).encode(y=alt.Y("node:N", sort=order, title=None))
    full = base.mark_bar(color=palette.MAX_POINTS, height={"band": 0.7}).encode(
        x=alt.X("max_points:Q", title="得分 / 分值"),
    )
    got = base.mark_bar(color=palette.ACCENT, height={"band": 0.45}).encode(
        x="score:Q",
        tooltip=[alt.Tooltip("node:N", title="一级指标"),
                 alt.Tooltip("score:Q", title="得分", format=".2~f"),
                 alt.Tooltip("max_points:Q", title="分值", format=".2~f")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=10, color=palette.SUBTLE_TEXT).encode(
        x="max_points:Q", text="label:N",
    )
    chart = alt.layer(full, got, text, width=DEFAULT_WIDTH, height=bar_height(data.height) + 20)
    return finish(chart, titling)
