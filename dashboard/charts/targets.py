"""Charts of the year's targets: a cumulative figure against its pace and projection, a rank
against the 保/争 bands, a monthly rate or level against its floor; `target_chart` picks one."""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.charts import palette
from dashboard.charts.encodings import independent_colors, month_x, series_lines
from dashboard.charts.look import DEFAULT_WIDTH, Titling, finish


def target_chart(frame: pl.DataFrame, *, year: int, titling: Titling) -> alt.TopLevelMixin:
    """The chart that suits a target's measure. `frame`: one target's rows of target_progress
    joined with targets (measure, unit, month, value, actual, floor, stretch, pace, projection)."""
    measure = frame["measure"][0]
    if measure == "cumulative":
        return cumulative_target(frame, year=year, titling=titling)
    if measure == "rank":
        return rank_target(frame, year=year, titling=titling)
    return monthly_target(frame, year=year, titling=titling)


def _level_rules(floor: float, stretch: float | None, unit: str, fmt: str) -> pl.DataFrame:
    def show(v: float) -> str:
        return f"{v:.0%}" if fmt == "%" else f"{v:,.0f}{unit}" if v >= 100 else f"{v:g}{unit}"

    rows = [{"level": floor, "band": "保", "label": f"保 {show(floor)}"}]
    if stretch is not None:
        rows.append({"level": stretch, "band": "争", "label": f"争 {show(stretch)}"})
    return pl.DataFrame(rows)


def _rule_layers(rules: pl.DataFrame, y_field: str = "level") -> list[alt.Chart]:
    color = alt.Color("band:N", scale=alt.Scale(domain=["保", "争"],
                                                range=[palette.FLOOR, palette.STRETCH]),
                      legend=None)
    line = alt.Chart(rules).mark_rule(strokeDash=[2, 2], strokeWidth=1.5).encode(
        y=f"{y_field}:Q", color=color
    )
    # the label right of the plot, level with its rule: never over a line of the figures
    text = alt.Chart(rules).mark_text(align="left", baseline="middle", dx=6, fontSize=11,
                                      fontWeight="bold").encode(
        y=f"{y_field}:Q", x=alt.value("width"), text="label:N", color=color
    )
    return [line, text]


def cumulative_target(frame: pl.DataFrame, *, year: int, titling: Titling) -> alt.TopLevelMixin:
    """Cumulative figure by month against the annual floor (and stretch), with the pace line
    (where the figure should stand by now) and the projection to year end as a dashed segment."""
    unit = frame["unit"][0]
    floor, stretch = frame["floor"][0], frame["stretch"][0]
    series = pl.concat([
        frame.select("month", value=pl.col("actual"), series=pl.lit("累计完成")),
        frame.select("month", value=pl.col("pace"), series=pl.lit("进度线")),
    ])
    last = frame.sort("month").tail(1)
    if last["month"][0] != f"{year}-12" and last["projection"][0] is not None:
        series = pl.concat([series, pl.DataFrame({
            "month": [last["month"][0], f"{year}-12"],
            "value": [last["actual"][0], last["projection"][0]],
            "series": ["年末预测", "年末预测"],
        })])
    drawn = set(series["series"])
    names = [n for n in ("累计完成", "进度线", "年末预测") if n in drawn]  # the legend: drawn
    lines = series_lines(
        series, x=month_x(year),
        y=alt.Y("value:Q", title=f"累计({unit})", axis=alt.Axis(format=",.0f")),
        names=names, colors=[palette.ACCENT, palette.PACE, palette.PROJECTION],
        dashed=["进度线", "年末预测"],
        tooltip=[alt.Tooltip("month:N", title="月份"), alt.Tooltip("series:N", title="系列"),
                 alt.Tooltip("value:Q", title=unit, format=",.1f")],
    )
    rules = _level_rules(floor, stretch, unit, unit)
    # Independent colours: the 保/争 rules have their own scale, without a legend.
    chart = alt.layer(lines, *_rule_layers(rules), resolve=independent_colors(),
                      width=DEFAULT_WIDTH, height=280)
    return finish(chart, titling)


def rank_target(frame: pl.DataFrame, *, year: int, titling: Titling) -> alt.TopLevelMixin:
    """Rank by month on an inverted axis (1 at the top) over the 争 band (at or above the
    stretch) and the 保 band (down to the floor)."""
    floor, stretch = frame["floor"][0], frame["stretch"][0]
    worst = max(float(frame["actual"].max() or floor), floor) + 1
    bands = [{"top": 0.5, "bottom": floor + 0.5, "band": "保", "label": f"保 前{floor:g}名"}]
    if stretch is not None:
        bands = [
            {"top": 0.5, "bottom": stretch + 0.5, "band": "争", "label": f"争 第{stretch:g}名"
             if stretch == 1 else f"争 前{stretch:g}名"},
            {"top": stretch + 0.5, "bottom": floor + 0.5, "band": "保",
             "label": f"保 前{floor:g}名"},
        ]
    band_frame = pl.DataFrame(bands)
    y_scale = alt.Scale(domain=[0.5, worst + 0.5], reverse=True, nice=False)
    color = alt.Color("band:N", scale=alt.Scale(domain=["保", "争"],
                                                range=[palette.FLOOR, palette.STRETCH]),
                      legend=None)
    rect = alt.Chart(band_frame).mark_rect(opacity=0.12).encode(
        y=alt.Y("top:Q", scale=y_scale), y2="bottom:Q", color=color,
    )
    band_text = alt.Chart(band_frame).mark_text(align="right", baseline="top", dx=-4, dy=4,
                                                fontSize=11, fontWeight="bold").encode(
        y=alt.Y("top:Q", scale=y_scale), x=alt.value("width"), text="label:N", color=color,
    )
    line = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=60), color=palette.ACCENT,
                                      strokeWidth=2.2).encode(
        x=month_x(year),
        y=alt.Y("actual:Q", title="名次", scale=y_scale,
                axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("month:N", title="月份"), alt.Tooltip("actual:Q", title="名次"),
                 alt.Tooltip("status:N", title="状态")],
    )
    chart = alt.layer(rect, band_text, line, width=DEFAULT_WIDTH, height=240)
    return finish(chart, titling)


def monthly_target(frame: pl.DataFrame, *, year: int, titling: Titling) -> alt.TopLevelMixin:
    """A rate, level or count by month: the month's figure, the figure to date where it is an
    average, and the floor line."""
    unit = frame["unit"][0]
    is_rate = unit == "%"
    fmt = ".1%" if is_rate else ",.1f"
    series = frame.select("month", value=pl.col("value"), series=pl.lit("当月"))
    names = ["当月"]
    if frame["aggregate"][0] == "mean":
        series = pl.concat([series, frame.select("month", value=pl.col("actual"),
                                                 series=pl.lit("累计平均"))])
        names.append("累计平均")
    values = [*series["value"].to_list(), frame["floor"][0]]
    if frame["stretch"][0] is not None:
        values.append(frame["stretch"][0])
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.15 or (abs(hi) * 0.05 or 1)
    lines = alt.Chart(series).mark_line(point=True, strokeWidth=2.2).encode(
        x=month_x(year),
        y=alt.Y("value:Q", title="%" if is_rate else unit,
                scale=alt.Scale(domain=[max(lo - pad, 0), hi + pad], nice=False),
                axis=alt.Axis(format=".1%" if is_rate else ",.0f")),
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=["当月", "累计平均"], range=[palette.ACCENT, palette.PROJECTION])),
        tooltip=[alt.Tooltip("month:N", title="月份"), alt.Tooltip("series:N", title="系列"),
                 alt.Tooltip("value:Q", title="数值", format=fmt)],
    )
    rules = _level_rules(frame["floor"][0], frame["stretch"][0], "" if is_rate else unit,
                         "%" if is_rate else unit)
    chart = alt.layer(lines, *_rule_layers(rules), resolve=independent_colors(),
                      width=DEFAULT_WIDTH, height=240)
    return finish(chart, titling)
