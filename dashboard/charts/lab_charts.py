"""Charts of the scheme lab: the rank slope between two schemes, and rank stability intervals.

Builders like those of dashboard.charts.charts: a frame in, a finished chart out (same title block,
font, sample mark), no Streamlit, no warehouse access. The pages choose which units to draw.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.charts import palette
from dashboard.charts.look import DEFAULT_WIDTH, ROW_HEIGHT, Titling, finish

BASE_LABEL = "现行方案"
DRAFT_LABEL = "草案"


def rank_slope(frame: pl.DataFrame, *, base: str, draft: str, titling: Titling
               ) -> alt.TopLevelMixin:
    """Each unit's rank under the scheme in force (left) and under the draft (right), joined by a
    line; up in green, down in red, unchanged grey. Rank 1 on top.

    `frame`: unit, rank, draft_rank, rank_change (positive = up under the draft).
    """
    long = pl.concat([
        frame.select("unit", "rank_change", side=pl.lit(f"{BASE_LABEL} {base}"),
                     place=pl.col("rank")),
        frame.select("unit", "rank_change", side=pl.lit(f"{DRAFT_LABEL} {draft}"),
                     place=pl.col("draft_rank")),
    ]).with_columns(
        move=pl.when(pl.col("rank_change") > 0).then(pl.lit("上升"))
        .when(pl.col("rank_change") < 0).then(pl.lit("下降")).otherwise(pl.lit("不变")))
    sides = [f"{BASE_LABEL} {base}", f"{DRAFT_LABEL} {draft}"]
    top = int(max(frame["rank"].max() or 1, frame["draft_rank"].max() or 1))
    color = alt.Color("move:N", title="名次", scale=alt.Scale(
        domain=["上升", "下降", "不变"], range=[palette.STRETCH, "#c0392b", "#9e9e9e"]))
    x = alt.X("side:N", sort=sides, title=None, axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("place:Q", title="名次", scale=alt.Scale(reverse=True, domain=[1, top], nice=False),
              axis=alt.Axis(tickMinStep=1, format="d"))
    tooltip = [alt.Tooltip("unit:N", title="单位"), alt.Tooltip("side:N", title="方案"),
               alt.Tooltip("place:Q", title="名次"),
               alt.Tooltip("rank_change:Q", title="名次变化(+为上升)")]
    base_chart = alt.Chart(long).encode(x=x, y=y, color=color, tooltip=tooltip)
    lines = base_chart.mark_line(point=True, strokeWidth=2).encode(detail="unit:N")
    left = base_chart.transform_filter(alt.datum.side == sides[0]).mark_text(
        align="right", dx=-8, fontSize=11).encode(text="unit:N")
    right = base_chart.transform_filter(alt.datum.side == sides[1]).mark_text(
        align="left", dx=8, fontSize=11).encode(text="unit:N")
    height = max(240, min(640, 24 * top))
    chart = alt.layer(lines, left, right, width=DEFAULT_WIDTH // 2, height=height)
    return finish(chart, titling)


def stability_intervals(frame: pl.DataFrame, *, band: float, draws: int, titling: Titling
                        ) -> alt.TopLevelMixin:
    """Per unit (rows in rank order): the 5–95% rank interval under perturbed weights as a bar,
    the median as a tick and the published rank as a dot. Rank 1 on the left.

    `frame`: unit, rank, rank_median, rank_p05, rank_p95.
    """
    data = frame.with_columns(
        interval=pl.format("第{}–{}名", "rank_p05", "rank_p95"),
        width=(pl.col("rank_p95") - pl.col("rank_p05")),
    )
    order = data.sort("rank", "unit")["unit"].to_list()
    top = int(data["rank_p95"].max() or 1)
    y = alt.Y("unit:N", sort=order, title=None)
    x_scale = alt.Scale(domain=[0.5, top + 0.5], nice=False)
    tooltip = [alt.Tooltip("unit:N", title="单位"), alt.Tooltip("rank:Q", title="名次"),
               alt.Tooltip("interval:N", title=f"稳定区间(5–95%,{draws}次)"),
               alt.Tooltip("rank_median:Q", title="名次中位数")]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height={"band": 0.55}, color="#9ecae1", cornerRadius=3).encode(
        x=alt.X("lo:Q", title=f"名次(权重在 ±{band:.0%} 内随机变动 {draws} 次)", scale=x_scale,
                axis=alt.Axis(tickMinStep=1, format="d")),
        x2="hi:Q",
    ).transform_calculate(lo="datum.rank_p05 - 0.4", hi="datum.rank_p95 + 0.4")
    median = base.mark_tick(color=palette.TEXT, thickness=2, size=ROW_HEIGHT * 0.7).encode(
        x=alt.X("rank_median:Q", scale=x_scale))
    dots = base.mark_point(filled=True, size=45, color="#08519c").encode(
        x=alt.X("rank:Q", scale=x_scale))
    chart = alt.layer(bars, median, dots, width=DEFAULT_WIDTH,
                      height=max(120, ROW_HEIGHT * data.height))
    return finish(chart, titling)
