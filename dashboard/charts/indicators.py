"""Charts of the indicators: units × indicators heat maps, the indicators where most points
were lost, one indicator across units, and the points lost per responsible office."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from dashboard.charts import palette
from dashboard.charts.encodings import bar_height, bold_if, drillable, points_text
from dashboard.charts.look import DEFAULT_WIDTH, MAX_ROWS, Titling, check_rows, finish


def heatmap(
    frame: pl.DataFrame, *, level_title: str, titling: Titling, highlight: Sequence[str] = ()
) -> alt.TopLevelMixin:
    """Units × tree nodes, coloured by the share of the available maximum scored.
    `frame`: unit, node, node_position, score, max_points (exempt nodes have max 0); at most
    MAX_ROWS units (the page picks the units in view and says how many are hidden)."""
    check_rows(frame["unit"].n_unique())
    data = frame.filter(pl.col("max_points") > 0).with_columns(
        share=pl.col("score") / pl.col("max_points")
    )
    unit_order = (data.group_by("unit").agg(pl.col("score").sum())
                  .sort(["score", "unit"], descending=[True, False])["unit"].to_list())
    node_order = (data.group_by("node").agg(pl.col("node_position").min())
                  .sort("node_position")["node"].to_list())
    base = alt.Chart(data).encode(
        x=alt.X("node:N", sort=node_order, title=level_title,
                axis=alt.Axis(orient="top", labelAngle=-35 if len(node_order) > 6 else 0,
                              labelLimit=160)),
        y=alt.Y("unit:N", sort=unit_order, title=None,
                axis=alt.Axis(labelFontWeight=bold_if(highlight))),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1, cursor="pointer").encode(
        color=alt.Color("share:Q", title="得分率", scale=alt.Scale(
            scheme=palette.HEAT_SCHEME, domain=palette.HEAT_DOMAIN),
            legend=alt.Legend(format=".0%", values=[0, 0.2, 0.4, 0.6, 0.8, 1],
                              gradientLength=320)),
        tooltip=[alt.Tooltip("unit:N", title="单位"), alt.Tooltip("node:N", title=level_title),
                 alt.Tooltip("score:Q", title="得分", format=".2~f"),
                 alt.Tooltip("max_points:Q", title="分值", format=".2~f"),
                 alt.Tooltip("share:Q", title="得分率", format=".0%")],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("share:Q", format=".0%"),
        # white on the dark ends of the scale (deep red, deep blue), dark text between
        color=alt.condition((alt.datum.share >= 0.85) | (alt.datum.share < 0.2),
                            alt.value("white"), alt.value(palette.TEXT)),
    )
    width = max(DEFAULT_WIDTH, 64 * len(node_order))
    chart = alt.layer(drillable(cells, "node"), text, width=width,
                      height=max(48, 24 * len(unit_order)))
    return finish(chart, titling)


def lost_points(frame: pl.DataFrame, *, titling: Titling, top: int = 15,
                office_title: str = "牵头科室") -> alt.TopLevelMixin:
    """The indicators where units lost most, as the average points lost per unit scored (a sum
    over thousands of units would read as nonsense), with the share of units that lost any.
    `frame`: label, avg_lost, share_losing, max_points, units_losing, units_scored, office (may
    be null), sorted most lost first."""
    data = frame.head(min(top, MAX_ROWS)).with_columns(
        pl.col("office").fill_null("—"),
        text=pl.format("{} · {}%单位失分", points_text("avg_lost"),
                       (pl.col("share_losing") * 100).round(0).cast(pl.Int64)),
    )
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=data["label"].to_list(),
                title=None, axis=alt.Axis(labelLimit=260)),
    )
    bars = base.mark_bar(color=palette.STATUS_COLORS["未达"], height={"band": 0.7},
                         cursor="pointer").encode(
        x=alt.X("avg_lost:Q", title="平均每单位失分"),
        tooltip=[alt.Tooltip("label:N", title="指标"),
                 alt.Tooltip("avg_lost:Q", title="平均每单位失分", format=".2~f"),
                 alt.Tooltip("share_losing:Q", title="失分单位占比", format=".0%"),
                 alt.Tooltip("units_losing:Q", title="失分单位数"),
                 alt.Tooltip("units_scored:Q", title="参评单位数"),
                 alt.Tooltip("max_points:Q", title="分值", format=".2~f"),
                 alt.Tooltip("office:N", title=office_title)],
    )
    text = base.mark_text(align="left", dx=4, fontSize=10, color=palette.SUBTLE_TEXT).encode(
        x="avg_lost:Q", text="text:N",
    )
    chart = alt.layer(drillable(bars, "label"), text, width=DEFAULT_WIDTH,
                      height=bar_height(data.height))
    return finish(chart, titling)


def indicator_spread(
    frame: pl.DataFrame, *, titling: Titling, unit_types: Sequence[str] = (),
    highlight: Sequence[str] = (),
) -> alt.TopLevelMixin:
    """One indicator's score for every unit against its maximum (exempt units left out).
    `frame`: unit, unit_type, score, max_points, exempt; at most MAX_ROWS units (larger sets are
    drawn as a histogram by the page)."""
    data = frame.filter(~pl.col("exempt"))
    check_rows(data.height)
    drawn = data["unit_type"].unique(maintain_order=True).to_list()
    domain, colors = palette.unit_type_scale(list(unit_types) or drawn, drawn)
    base = alt.Chart(data).encode(
        y=alt.Y("unit:N", sort=data.sort(["score", "unit"], descending=[True, False])["unit"]
                .to_list(),
                title=None, axis=alt.Axis(labelFontWeight=bold_if(highlight))),
    )
    top = data.select(pl.col("max_points").max()).with_columns(
        label=pl.format("满分 {}", pl.col("max_points").round(2))
    )
    # 满分 named in the axis title rather than a label over the bars or the legend above
    full_title = f"得分(虚线为满分 {top['max_points'][0]:g})" if top.height else "得分"
    bars = base.mark_bar(height={"band": 0.7}, cursor="pointer").encode(
        x=alt.X("score:Q", title=full_title, scale=alt.Scale(domainMin=0)),
        color=alt.Color("unit_type:N", title="单位类型",
                        scale=alt.Scale(domain=domain, range=colors)),
        tooltip=[alt.Tooltip("unit:N", title="单位"),
                 alt.Tooltip("score:Q", title="得分", format=".2~f"),
                 alt.Tooltip("max_points:Q", title="分值", format=".2~f")],
    )
    if highlight:
        picked = alt.FieldOneOfPredicate(field="unit", oneOf=list(highlight))
        bars = bars.encode(opacity=alt.condition(picked, alt.value(1.0), alt.value(0.4)))
    full = alt.Chart(top).mark_rule(color=palette.TEXT, strokeDash=[4, 3]).encode(
        x="max_points:Q"
    )
    chart = alt.layer(drillable(bars, "unit"), full, width=DEFAULT_WIDTH,
                      height=bar_height(data.height))
    return finish(chart, titling)


def office_losses(frame: pl.DataFrame, *, titling: Titling,
                  office_title: str = "牵头科室") -> alt.TopLevelMixin:
    """Points lost per responsible office, averaged per unit scored (a sum over thousands of
    units would not read). `frame`: office, avg_lost, lost, available, indicators, units."""
    check_rows(frame.height, "offices")
    data = frame.with_columns(text=points_text("avg_lost"))
    base = alt.Chart(data).encode(
        y=alt.Y("office:N", sort=frame.sort("avg_lost", descending=True)["office"].to_list(),
                title=office_title),
    )
    bars = base.mark_bar(color=palette.ACCENT, height={"band": 0.7}).encode(
        x=alt.X("avg_lost:Q", title="平均每单位失分"),
        tooltip=[alt.Tooltip("office:N", title=office_title),
                 alt.Tooltip("avg_lost:Q", title="平均每单位失分", format=".2~f"),
                 alt.Tooltip("units:Q", title="参评单位数"),
                 alt.Tooltip("indicators:Q", title="牵头指标数")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=10, color=palette.SUBTLE_TEXT).encode(
        x="avg_lost:Q", text="text:N",
    )
    chart = alt.layer(bars, text, width=DEFAULT_WIDTH, height=bar_height(frame.height))
    return finish(chart, titling)
