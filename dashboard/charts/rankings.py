"""Charts of the rankings: units as bars in rank order, units per grade, the score histogram of
a whole ranking, and the units that moved most."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from dashboard.charts import palette
from dashboard.charts.encodings import bar_height, bold_if, drillable, points_text
from dashboard.charts.look import DEFAULT_WIDTH, GAP_PREFIX, Titling, check_rows, finish


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
        .alias("grade") if use_grade else pl.lit(None).alias("_g"),
        value_text=points_text(value),
    )
    if use_grade:
        # the legend names the grades drawn, not every grade of the scheme
        drawn = set(data["grade"].drop_nulls())
        domain, colors = palette.grade_scale(
            [g for g in [*grades, palette.NO_GRADE] if g in drawn])
        color = alt.Color("grade:N", title="等次", scale=alt.Scale(domain=domain, range=colors),
                          sort=domain)
    else:
        domain, colors = palette.unit_type_scale(
            list(unit_types),
            data["unit_type"].drop_nulls().unique(maintain_order=True).to_list())
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
        axis=alt.Axis(labelFontWeight=bold_if(highlight), labelColor=alt.expr(
            f"indexof(datum.value, '{GAP_PREFIX}') == 0 ? '{palette.SUBTLE_TEXT}' : "
            f"'{palette.TEXT}'"), labelLimit=320),
    )
    tooltip = [alt.Tooltip("rank:Q", title="排名"), alt.Tooltip("unit:N", title="单位"),
               alt.Tooltip(f"{value}:Q", title=value_title, format=".2~f")]
    if use_grade:
        tooltip.append(alt.Tooltip("grade:N", title="等次"))
    base = alt.Chart(data).encode(y=y)
    bars = drillable(base.mark_bar(cornerRadiusEnd=2, height={"band": 0.75}, cursor="pointer")
                     .encode(x=alt.X(f"{value}:Q", title=value_title), color=color,
                             tooltip=tooltip), "unit")
    if highlight:
        picked = alt.FieldOneOfPredicate(field="unit", oneOf=list(highlight))
        bars = bars.encode(
            opacity=alt.condition(picked, alt.value(1.0), alt.value(0.35)),
            stroke=alt.condition(picked, alt.value(palette.TEXT), alt.value(None)),
        )
    labels = base.mark_text(align="left", dx=4, fontSize=10, color=palette.SUBTLE_TEXT).encode(
        x=alt.X(f"{value}:Q"),
        text=alt.Text("value_text:N"),
    )
    chart = alt.layer(bars, labels, width=DEFAULT_WIDTH,
                      height=bar_height(frame["unit"].n_unique()))
    return finish(chart, titling)


def grade_distribution(
    frame: pl.DataFrame, *, grades: Sequence[str], unit_types: Sequence[str], titling: Titling
) -> alt.TopLevelMixin:
    """Units per grade, one stacked bar per unit type. `frame`: unit_type, grade,
    grade_position, units."""
    drawn = set(frame.filter(pl.col("units") > 0)["grade"])
    domain, colors = palette.grade_scale([g for g in grades if g in drawn])
    bars = alt.Chart(frame).mark_bar(height={"band": 0.6}, cursor="pointer").encode(
        y=alt.Y("unit_type:N", sort=list(unit_types), title=None),
        x=alt.X("sum(units):Q", title="单位数", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("grade:N", title="等次", scale=alt.Scale(domain=domain, range=colors),
                        sort=domain),
        order=alt.Order("grade_position:Q", sort="ascending"),
        tooltip=[alt.Tooltip("unit_type:N", title="单位类型"),
                 alt.Tooltip("grade:N", title="等次"), alt.Tooltip("units:Q", title="单位数")],
    )
    chart = drillable(bars, "unit_type").properties(width=DEFAULT_WIDTH,
                                                    height=max(90, 44 * len(unit_types)))
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
    drawn = frame["unit_type"].unique(maintain_order=True).to_list()
    types = list(unit_types) or drawn
    domain, colors = palette.unit_type_scale(types, drawn)
    bars = alt.Chart(frame).mark_bar(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("bin_start:Q", bin="binned", title=value_title,
                scale=alt.Scale(zero=False)),
        x2="bin_end:Q",
        y=alt.Y("sum(units):Q", title="单位数", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("unit_type:N", title="单位类型",
                        scale=alt.Scale(domain=domain, range=colors),
                        legend=alt.Legend() if len(types) > 1 else None),
        tooltip=[alt.Tooltip("unit_type:N", title="单位类型"),
                 alt.Tooltip("bin_start:Q", title="从", format=".2~f"),
                 alt.Tooltip("bin_end:Q", title="到", format=".2~f"),
                 alt.Tooltip("units:Q", title="单位数")],
    )
    layers: list[alt.Chart] = [bars]
    if marks is not None and marks.height:
        check_rows(marks.height)
        picked = marks.with_columns(label=pl.format("{} 第{}名", pl.col("unit"), pl.col("rank")))
        layers.append(alt.Chart(picked).mark_rule(color=palette.TEXT, strokeWidth=1.5).encode(
            x="value:Q",
            tooltip=[alt.Tooltip("unit:N", title="单位"), alt.Tooltip("rank:Q", title="排名"),
                     alt.Tooltip("value:Q", title=value_title, format=".2~f")]))
        # up from the foot of the plot beside its rule (from the top it ran up into the legend
        # and title above the plot)
        layers.append(alt.Chart(picked).mark_text(
            angle=270, align="left", baseline="bottom", dx=4, dy=-3, fontSize=10,
            color=palette.TEXT, fontWeight="bold").encode(
            x="value:Q", y=alt.value("height"), text="label:N"))
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
    # room beyond the longest bar on each side for its 「3→5」 label (a fall's label ran over
    # the axis and the unit names), and whole places on the axis
    low, high = min(int(frame["change"].min()), 0), max(int(frame["change"].max()), 0)
    pad = max(1, round((high - low) * 0.25))
    x_scale = alt.Scale(domain=[low - (pad if low < 0 else 0), high + (pad if high > 0 else 0)],
                        nice=False)
    bars = base.mark_bar(height={"band": 0.7}, cursor="pointer").encode(
        x=alt.X("change:Q", title="名次变化(正数为上升)", scale=x_scale,
                axis=alt.Axis(tickMinStep=1, format="d")),
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
    chart = alt.layer(drillable(bars, "unit"), rises, falls, width=DEFAULT_WIDTH,
                      height=bar_height(frame.height))
    return finish(chart, titling)
