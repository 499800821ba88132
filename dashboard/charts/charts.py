"""Altair chart builders: a frame in, a finished chart out. No Streamlit, no warehouse access.

Every builder takes a `Titling` (what, when, source, whether sample data is shown) and returns a
configured top-level chart, so the chart on screen, its PNG/SVG/PDF export and the briefing pack
look the same: Chinese font with a fallback, title saying what and when, the source and, for
sample data, a 示例数据 mark in the subtitle.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import polars as pl

from dashboard.charts import palette

SAMPLE_MARK = "示例数据"
SAMPLE_NOTE = f"【{SAMPLE_MARK}】演示用样本,非真实考核结果"
DEFAULT_WIDTH = 760
ROW_HEIGHT = 20  # px per unit in horizontal bar charts: room for a Chinese label
# The most rows (units, indicators) one chart draws: about what a person reads down a page. Pages
# pick the rows in view (top and bottom, highlighted units, a search) and say how many are hidden;
# a builder refuses more, so neither the page nor an export can draw a wall of bars.
MAX_ROWS = 60
GAP_PREFIX = "⋯"  # a ranking row standing for the units left out between the ones shown


class TooManyMarks(ValueError):
    """A chart was asked to draw more rows than a person can read (MAX_ROWS)."""


def check_rows(n: int, what: str = "单位") -> None:
    """Refuse a chart of more than MAX_ROWS rows."""
    if n > MAX_ROWS:
        raise TooManyMarks(f"{n} {what} in one chart (at most {MAX_ROWS}): pick the rows in view")


@dataclass(frozen=True)
class Titling:
    """What a chart shows and when, where the figures come from, and whether they are sample data.

    `what` and `when` make the title ("区镇 年终排名（2013年度）"); `source` and the sample mark
    make the subtitle lines.
    """

    what: str
    when: str
    source: str
    sample: bool

    @property
    def text(self) -> str:
        """The title line."""
        return f"{self.what}（{self.when}）" if self.when else self.what

    @property
    def subtitle(self) -> list[str]:
        """Subtitle lines: the sample mark first (so it is seen), then the source."""
        lines = [SAMPLE_NOTE] if self.sample else []
        if self.source:
            lines.append(self.source)
        return lines

    def params(self) -> alt.TitleParams:
        """Altair title parameters."""
        return alt.TitleParams(text=self.text, subtitle=self.subtitle or None)


@functools.cache
def _shared_config() -> alt.Config:
    """The shared look as a Vega-Lite config: font, title block anchored left, quiet axes, no
    view border. Built once: each `configure_*` call validates its part against the schema, which
    costs more than the rest of a small chart."""
    return (
        alt.Chart()
        .configure(font=palette.FONT, padding={"left": 8, "right": 16, "top": 8, "bottom": 8})
        .configure_title(
            anchor="start", fontSize=15, fontWeight="bold", color=palette.TEXT,
            subtitleFontSize=11, subtitleColor=palette.SUBTLE_TEXT, subtitlePadding=4, offset=12,
        )
        .configure_axis(
            labelFontSize=11, titleFontSize=12, labelColor=palette.TEXT,
            titleColor=palette.SUBTLE_TEXT, gridColor=palette.GRID, domainColor="#9aa5b1",
            tickColor="#9aa5b1", labelLimit=220,
        )
        .configure_axisX(labelAngle=0)
        .configure_legend(
            labelFontSize=11, titleFontSize=11, orient="top", direction="horizontal",
            titleColor=palette.SUBTLE_TEXT, labelColor=palette.TEXT,
        )
        .configure_view(stroke=None)
    ).config


def finish(chart: alt.TopLevelMixin, titling: Titling) -> alt.TopLevelMixin:
    """Title and the shared look: font, title block anchored left, quiet axes, no view border.

    Sets them on `chart` itself, which the builders have just made and own: `properties()` would
    copy the chart, and copying a layered chart re-copies all its layers (tens of ms each)."""
    # fit-x: the width follows the page (or DEFAULT_WIDTH in exports) while the height stays the
    # plot's own; Streamlit's default "fit" would squeeze the plot under the title block.
    chart.title = titling.params()
    chart.autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    # A copy of the shared config, as `configure_*` would set it. The whole chart is validated
    # against the schema when it is turned into a spec.
    chart.config = _shared_config().copy(deep=True)
    return chart


def _month_domain(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _month_x(year: int, field: str = "month") -> alt.X:
    """Months on a fixed Jan–Dec axis, labelled 1月 … 12月."""
    return alt.X(
        f"{field}:O",
        scale=alt.Scale(domain=_month_domain(year)),
        axis=alt.Axis(labelExpr="toNumber(slice(datum.value, 5)) + '月'", title=None),
    )


def _bold_if(units: Sequence[str]) -> alt.ExprRef | str:
    """Axis label weight: bold for the highlighted units."""
    if not units:
        return "normal"
    return alt.expr(f"indexof({json.dumps(list(units), ensure_ascii=False)}, datum.value) >= 0"
                    " ? 'bold' : 'normal'")


def _series_lines(data: pl.DataFrame, *, x: alt.X, y: alt.Y, names: list[str],
                  colors: list[str], dashed: Sequence[str], tooltip: list,
                  **properties: Any) -> alt.LayerChart:
    """Lines per series with one colour legend; the `dashed` series drawn dashed. (A strokeDash
    encoding next to the colour would either split or swallow the legend.) `properties` (width,
    height) go to the layer chart."""
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=colors))
    base = alt.Chart(data).encode(x=x, y=y, color=color, tooltip=tooltip)
    solid = base.mark_line(point=True, strokeWidth=2.2).transform_filter(
        ~alt.FieldOneOfPredicate(field="series", oneOf=list(dashed)))
    layers = [solid]
    if dashed:
        layers.append(base.mark_line(point=True, strokeWidth=2, strokeDash=[5, 4])
                      .transform_filter(alt.FieldOneOfPredicate(field="series",
                                                                oneOf=list(dashed))))
    return alt.layer(*layers, **properties)


def _independent_colors() -> alt.Resolve:
    """Independent colour scales for the layers: what `.resolve_scale(color="independent")` sets,
    given when the layer is made (each later call on a layered chart copies all its layers)."""
    return alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))


def _bar_height(n: int) -> int:
    return max(120, ROW_HEIGHT * n)


# ---------------------------------------------------------------------------------- rankings --


def ranking_bars(
    frame: pl.DataFrame,
    *,
    value: str,
    value_title: str,
    titling: Titling,
    grades: Sequence[str] = (),
    unit_types: Sequence[str] = (),
    highlight: Sequence[str] = (),
) -> alt.TopLevelMixin:
    """Units as horizontal bars sorted by rank (ties side by side), coloured by grade where the
    scheme has grades, else by unit type; picked units drawn bold and opaque, the others faded.

    `frame` needs unit, rank, `value`, and grade or unit_type. Rows whose unit starts with
    GAP_PREFIX (value null) stand for the units left out there: a grey label, no bar.
    """
    check_rows(frame.height)
    use_grade = bool(grades) and "grade" in frame.columns
    is_gap = pl.col("unit").str.starts_with(GAP_PREFIX)
    data = frame.with_columns(
        pl.when(is_gap).then(None).otherwise(pl.col("grade").fill_null(palette.NO_GRADE))
        .alias("grade") if use_grade else pl.lit(None).alias("_g")
    )
    if use_grade:
        has_none = data["grade"].eq(palette.NO_GRADE).any()
        domain, colors = palette.grade_scale([*grades, *([palette.NO_GRADE] if has_none else [])])
        color = alt.Color("grade:N", title="等次", scale=alt.Scale(domain=domain, range=colors),
                          sort=domain)
    else:
        domain, colors = palette.unit_type_scale(list(unit_types))
        color = alt.Color("unit_type:N", title="单位类型",
                          scale=alt.Scale(domain=domain, range=colors))
    # Rank order; ties keep the order they came in (the table's), so chart and table agree.
    order = data.sort("rank", maintain_order=True)["unit"].to_list()
    y = alt.Y(
        "unit:N",
        sort=order,
        # The domain is given, so a gap row (no bar, no value) still takes its place in the order.
        scale=alt.Scale(domain=order),
        title=None,
        axis=alt.Axis(labelFontWeight=_bold_if(highlight), labelColor=alt.expr(
            f"indexof(datum.value, '{GAP_PREFIX}') == 0 ? '{palette.SUBTLE_TEXT}' : "
            f"'{palette.TEXT}'"), labelLimit=320),
    )
    tooltip = [alt.Tooltip("rank:Q", title="排名"), alt.Tooltip("unit:N", title="单位"),
               alt.Tooltip(f"{value}:Q", title=value_title, format=".2f")]
    if use_grade:
        tooltip.append(alt.Tooltip("grade:N", title="等次"))
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(cornerRadiusEnd=2, height={"band": 0.75}).encode(
        x=alt.X(f"{value}:Q", title=value_title),
        color=color,
        tooltip=tooltip,
    )
    if highlight:
        picked = alt.FieldOneOfPredicate(field="unit", oneOf=list(highlight))
        bars = bars.encode(
            opacity=alt.condition(picked, alt.value(1.0), alt.value(0.35)),
            stroke=alt.condition(picked, alt.value(palette.TEXT), alt.value(None)),
        )
    labels = base.mark_text(align="left", dx=4, fontSize=10, color=palette.SUBTLE_TEXT).encode(
        x=alt.X(f"{value}:Q"),
        text=alt.Text(f"{value}:Q", format=".2f"),
    )
    chart = alt.layer(bars, labels, width=DEFAULT_WIDTH,
                      height=_bar_height(frame["unit"].n_unique()))
    return finish(chart, titling)


def grade_distribution(
    frame: pl.DataFrame, *, grades: Sequence[str], unit_types: Sequence[str], titling: Titling
) -> alt.TopLevelMixin:
    """Units per grade, one stacked bar per unit type. `frame`: unit_type, grade,
    grade_position, units."""
    domain, colors = palette.grade_scale(list(grades))
    bars = alt.Chart(frame).mark_bar(height={"band": 0.6}).encode(
        y=alt.Y("unit_type:N", sort=list(unit_types), title=None),
        x=alt.X("sum(units):Q", title="单位数", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("grade:N", title="等次", scale=alt.Scale(domain=domain, range=colors),
                        sort=domain),
        order=alt.Order("grade_position:Q", sort="ascending"),
        tooltip=[alt.Tooltip("unit_type:N", title="单位类型"),
                 alt.Tooltip("grade:N", title="等次"), alt.Tooltip("units:Q", title="单位数")],
    )
    chart = bars.properties(width=DEFAULT_WIDTH, height=max(90, 44 * len(unit_types)))
    return finish(chart, titling)


def histogram(
    frame: pl.DataFrame, *, value_title: str, titling: Titling,
    unit_types: Sequence[str] = (), marks: pl.DataFrame | None = None,
) -> alt.TopLevelMixin:
    """How many units fall in each score bin, stacked by unit type: the whole of a large ranking
    in a few dozen bars. `frame`: bin_start, bin_end, unit_type, units (binned on the server, see
    dashboard.kit.data.histogram_bins, so thousands of units never reach the browser).
    `marks`: unit, value, rank for units drawn as labelled rules (the highlighted ones)."""
    check_rows(frame["bin_start"].n_unique(), "bins")
    types = list(unit_types) or frame["unit_type"].unique(maintain_order=True).to_list()
    domain, colors = palette.unit_type_scale(types)
    bars = alt.Chart(frame).mark_bar(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("bin_start:Q", bin="binned", title=value_title,
                scale=alt.Scale(zero=False)),
        x2="bin_end:Q",
        y=alt.Y("sum(units):Q", title="单位数", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("unit_type:N", title="单位类型",
                        scale=alt.Scale(domain=domain, range=colors),
                        legend=alt.Legend() if len(types) > 1 else None),
        tooltip=[alt.Tooltip("unit_type:N", title="单位类型"),
                 alt.Tooltip("bin_start:Q", title="从", format=".2f"),
                 alt.Tooltip("bin_end:Q", title="到", format=".2f"),
                 alt.Tooltip("units:Q", title="单位数")],
    )
    layers: list[alt.Chart] = [bars]
    if marks is not None and marks.height:
        check_rows(marks.height)
        picked = marks.with_columns(label=pl.format("{} 第{}名", pl.col("unit"), pl.col("rank")))
        layers.append(alt.Chart(picked).mark_rule(color=palette.TEXT, strokeWidth=1.5).encode(
            x="value:Q",
            tooltip=[alt.Tooltip("unit:N", title="单位"), alt.Tooltip("rank:Q", title="排名"),
                     alt.Tooltip("value:Q", title=value_title, format=".2f")]))
        layers.append(alt.Chart(picked).mark_text(
            angle=270, align="left", baseline="bottom", dx=4, dy=-3, fontSize=10,
            color=palette.TEXT, fontWeight="bold").encode(
            x="value:Q", y=alt.value(0), text="label:N"))
    chart = alt.layer(*layers, width=DEFAULT_WIDTH, height=200)
    return finish(chart, titling)


def movers(frame: pl.DataFrame, *, titling: Titling) -> alt.TopLevelMixin:
    """Change of rank against the previous month (positive = moved up), largest moves first.
    `frame`: unit, unit_type, change, rank, prev_rank."""
    up = alt.datum.change > 0
    data_label = frame.with_columns(
        label=pl.format("{}→{}", pl.col("prev_rank"), pl.col("rank"))
    )
    # An explicit order: a sort by field is dropped when layers filter their data differently.
    order = data_label.sort(["change", "unit"], descending=[True, False])["unit"].to_list()
    base = alt.Chart(data_label).encode(y=alt.Y("unit:N", sort=order, title=None))
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("change:Q", title="名次变化(正数为上升)", axis=alt.Axis(tickMinStep=1)),
        color=alt.condition(up, alt.value(palette.STRETCH),
                            alt.value(palette.STATUS_COLORS["未达"])),
        tooltip=[alt.Tooltip("unit:N", title="单位"),
                 alt.Tooltip("unit_type:N", title="单位类型"),
                 alt.Tooltip("prev_rank:Q", title="上月排名"),
                 alt.Tooltip("rank:Q", title="本月排名"),
                 alt.Tooltip("change:Q", title="变化")],
    )
    # Label each bar beyond its end: right of rises, left of falls.
    text = base.mark_text(fontSize=10, color=palette.SUBTLE_TEXT).encode(
        x=alt.X("change:Q"), text=alt.Text("label:N"),
    )
    rises = text.mark_text(align="left", dx=4, fontSize=10,
                           color=palette.SUBTLE_TEXT).transform_filter(up)
    falls = text.mark_text(align="right", dx=-4, fontSize=10,
                           color=palette.SUBTLE_TEXT).transform_filter(~up)
    chart = alt.layer(bars, rises, falls, width=DEFAULT_WIDTH, height=_bar_height(frame.height))
    return finish(chart, titling)


# ----------------------------------------------------------------------------------- targets --


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
    text = alt.Chart(rules).mark_text(align="left", dx=4, dy=-7, fontSize=11,
                                      fontWeight="bold").encode(
        y=f"{y_field}:Q", x=alt.value(0), text="label:N", color=color
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
    names = ["累计完成", "进度线", "年末预测"]
    lines = _series_lines(
        series, x=_month_x(year),
        y=alt.Y("value:Q", title=f"累计({unit})", axis=alt.Axis(format=",.0f")),
        names=names, colors=[palette.ACCENT, palette.PACE, palette.PROJECTION],
        dashed=["进度线", "年末预测"],
        tooltip=[alt.Tooltip("month:N", title="月份"), alt.Tooltip("series:N", title="系列"),
                 alt.Tooltip("value:Q", title=unit, format=",.1f")],
    )
    rules = _level_rules(floor, stretch, unit, unit)
    # Independent colours: the 保/争 rules have their own scale, without a legend.
    chart = alt.layer(lines, *_rule_layers(rules), resolve=_independent_colors(),
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
        x=_month_x(year),
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
        x=_month_x(year),
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
    chart = alt.layer(lines, *_rule_layers(rules), resolve=_independent_colors(),
                      width=DEFAULT_WIDTH, height=240)
    return finish(chart, titling)


# -------------------------------------------------------------------------------- indicators --


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
                axis=alt.Axis(labelFontWeight=_bold_if(highlight))),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("share:Q", title="得分率", scale=alt.Scale(
            scheme=palette.HEAT_SCHEME, domain=[0, 1]), legend=alt.Legend(format=".0%")),
        tooltip=[alt.Tooltip("unit:N", title="单位"), alt.Tooltip("node:N", title=level_title),
                 alt.Tooltip("score:Q", title="得分", format=".2f"),
                 alt.Tooltip("max_points:Q", title="分值", format=".2f"),
                 alt.Tooltip("share:Q", title="得分率", format=".0%")],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("share:Q", format=".0%"),
        color=alt.condition(alt.datum.share > 0.6, alt.value("white"), alt.value(palette.TEXT)),
    )
    width = max(DEFAULT_WIDTH, 64 * len(node_order))
    chart = alt.layer(cells, text, width=width, height=max(48, 24 * len(unit_order)))
    return finish(chart, titling)


def lost_points(frame: pl.DataFrame, *, titling: Titling, top: int = 15,
                office_title: str = "牵头科室") -> alt.TopLevelMixin:
    """The indicators where units lost most, as the average points lost per unit scored (a sum
    over thousands of units would read as nonsense), with the share of units that lost any.
    `frame`: label, avg_lost, share_losing, max_points, units_losing, units_scored, office (may
    be null), sorted most lost first."""
    data = frame.head(min(top, MAX_ROWS)).with_columns(
        pl.col("office").fill_null("—"),
        text=pl.format("{} · {}%单位失分", pl.col("avg_lost").round(2),
                       (pl.col("share_losing") * 100).round(0).cast(pl.Int64)),
    )
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=data["label"].to_list(),
                title=None, axis=alt.Axis(labelLimit=260)),
    )
    bars = base.mark_bar(color=palette.STATUS_COLORS["未达"], height={"band": 0.7}).encode(
        x=alt.X("avg_lost:Q", title="平均每单位失分"),
        tooltip=[alt.Tooltip("label:N", title="指标"),
                 alt.Tooltip("avg_lost:Q", title="平均每单位失分", format=".2f"),
                 alt.Tooltip("share_losing:Q", title="失分单位占比", format=".0%"),
                 alt.Tooltip("units_losing:Q", title="失分单位数"),
                 alt.Tooltip("units_scored:Q", title="参评单位数"),
                 alt.Tooltip("max_points:Q", title="分值", format=".2f"),
                 alt.Tooltip("office:N", title=office_title)],
    )
    text = base.mark_text(align="left", dx=4, fontSize=10, color=palette.SUBTLE_TEXT).encode(
        x="avg_lost:Q", text="text:N",
    )
    chart = alt.layer(bars, text, width=DEFAULT_WIDTH, height=_bar_height(data.height))
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
    domain, colors = palette.unit_type_scale(list(unit_types) or
                                             data["unit_type"].unique(maintain_order=True)
                                             .to_list())
    base = alt.Chart(data).encode(
        y=alt.Y("unit:N", sort=data.sort(["score", "unit"], descending=[True, False])["unit"]
                .to_list(),
                title=None, axis=alt.Axis(labelFontWeight=_bold_if(highlight))),
    )
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("score:Q", title="得分", scale=alt.Scale(domainMin=0)),
        color=alt.Color("unit_type:N", title="单位类型",
                        scale=alt.Scale(domain=domain, range=colors)),
        tooltip=[alt.Tooltip("unit:N", title="单位"),
                 alt.Tooltip("score:Q", title="得分", format=".2f"),
                 alt.Tooltip("max_points:Q", title="分值", format=".2f")],
    )
    if highlight:
        picked = alt.FieldOneOfPredicate(field="unit", oneOf=list(highlight))
        bars = bars.encode(opacity=alt.condition(picked, alt.value(1.0), alt.value(0.4)))
    top = data.select(pl.col("max_points").max()).with_columns(
        label=pl.format("满分 {}", pl.col("max_points").round(2))
    )
    full = alt.Chart(top).mark_rule(color=palette.TEXT, strokeDash=[4, 3]).encode(
        x="max_points:Q"
    )
    full_text = alt.Chart(top).mark_text(
        align="right", baseline="bottom", dx=-3, dy=-2, fontSize=10, color=palette.TEXT
    ).encode(x="max_points:Q", y=alt.value(0), text="label:N")
    chart = alt.layer(bars, full, full_text, width=DEFAULT_WIDTH,
                      height=_bar_height(data.height))
    return finish(chart, titling)


def office_losses(frame: pl.DataFrame, *, titling: Titling,
                  office_title: str = "牵头科室") -> alt.TopLevelMixin:
    """Points lost per responsible office, averaged per unit scored (a sum over thousands of
    units would not read). `frame`: office, avg_lost, lost, available, indicators, units."""
    check_rows(frame.height, "offices")
    base = alt.Chart(frame).encode(
        y=alt.Y("office:N", sort=frame.sort("avg_lost", descending=True)["office"].to_list(),
                title=office_title),
    )
    bars = base.mark_bar(color=palette.ACCENT, height={"band": 0.7}).encode(
        x=alt.X("avg_lost:Q", title="平均每单位失分"),
        tooltip=[alt.Tooltip("office:N", title=office_title),
                 alt.Tooltip("avg_lost:Q", title="平均每单位失分", format=".2f"),
                 alt.Tooltip("units:Q", title="参评单位数"),
                 alt.Tooltip("indicators:Q", title="牵头指标数")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=10, color=palette.SUBTLE_TEXT).encode(
        x="avg_lost:Q", text=alt.Text("avg_lost:Q", format=".2f"),
    )
    chart = alt.layer(bars, text, width=DEFAULT_WIDTH, height=_bar_height(frame.height))
    return finish(chart, titling)


# ------------------------------------------------------------------------------ unit profile --


def unit_vs_median(frame: pl.DataFrame, *, year: int, unit: str,
                   titling: Titling) -> alt.TopLevelMixin:
    """A unit's monthly points against its type's median. `frame`: month, series, points
    (series: the unit's name or 类型中位数)."""
    chart = _series_lines(
        frame, x=_month_x(year), y=alt.Y("points:Q", title="当月得分"),
        names=[unit, "类型中位数"], colors=[palette.ACCENT, palette.MEDIAN],
        dashed=["类型中位数"],
        tooltip=[alt.Tooltip("month:N", title="月份"), alt.Tooltip("series:N", title="系列"),
                 alt.Tooltip("points:Q", title="得分", format=".2f")],
        width=DEFAULT_WIDTH, height=260,
    )
    return finish(chart, titling)


def rank_history(frame: pl.DataFrame, *, year: int, peers: int,
                 titling: Titling) -> alt.TopLevelMixin:
    """Rank by month on an inverted axis. `frame`: month, series (当月排名 / 累计排名), rank."""
    names = ["当月排名", "累计排名"]
    chart = alt.Chart(frame).mark_line(point=True, strokeWidth=2.2).encode(
        x=_month_x(year),
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
    data = frame.with_columns(label=pl.format("{} / {}", pl.col("score").round(2),
                                              pl.col("max_points").round(2)))
    order = data.sort("node_position")["node"].to_list()
    base = alt.Chart(data).encode(y=alt.Y("node:N", sort=order, title=None))
    full = base.mark_bar(color=palette.MAX_POINTS, height={"band": 0.7}).encode(
        x=alt.X("max_points:Q", title="得分 / 分值"),
    )
    got = base.mark_bar(color=palette.ACCENT, height={"band": 0.45}).encode(
        x="score:Q",
        tooltip=[alt.Tooltip("node:N", title="一级指标"),
                 alt.Tooltip("score:Q", title="得分", format=".2f"),
                 alt.Tooltip("max_points:Q", title="分值", format=".2f")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=10, color=palette.SUBTLE_TEXT).encode(
        x="max_points:Q", text="label:N",
    )
    chart = alt.layer(full, got, text, width=DEFAULT_WIDTH, height=_bar_height(data.height) + 20)
    return finish(chart, titling)
