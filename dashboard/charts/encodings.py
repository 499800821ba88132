"""Encodings the builders share: the Jan–Dec month axis, bold labels for picked units, lines per
series with dashed ones, independent colour scales, the height of a bar chart, and the click that
drills (`drillable`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import altair as alt
import polars as pl

from dashboard.charts.look import ROW_HEIGHT
from pipelines.notice.formats import points


def _month_domain(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def month_x(year: int, field: str = "month") -> alt.X:
    """Months on a fixed Jan–Dec axis, labelled 1月 … 12月."""
    return alt.X(
        f"{field}:O",
        scale=alt.Scale(domain=_month_domain(year)),
        axis=alt.Axis(labelExpr="toNumber(slice(datum.value, 5)) + '月'", title=None),
    )


def points_text(column: str) -> pl.Expr:
    """A score as text for a label, written as the 通报 writes it
    (pipelines.notice.formats.points: half-up to two decimals without trailing zeros: 96.5, 63,
    84.25; never 96.50 or 63.00); empty where the score is missing (a gap row)."""
    return pl.col(column).map_elements(points, return_dtype=pl.String).fill_null("")


def bold_if(units: Sequence[str]) -> alt.ExprRef | str:
    """Axis label weight: bold for the highlighted units."""
    if not units:
        return "normal"
    return alt.expr(f"indexof({json.dumps(list(units), ensure_ascii=False)}, datum.value) >= 0"
                    " ? 'bold' : 'normal'")


def series_lines(data: pl.DataFrame, *, x: alt.X, y: alt.Y, names: list[str],
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


def independent_colors() -> alt.Resolve:
    """Independent colour scales for the layers: what `.resolve_scale(color="independent")` sets,
    given when the layer is made (each later call on a layered chart copies all its layers)."""
    return alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))


def bar_height(n: int) -> int:
    """The plot height of a horizontal bar chart of `n` rows (at least 120 px)."""
    return max(120, ROW_HEIGHT * n)


# The point selection a chart that drills carries (issue 19, pages point 6): a click on a bar or a
# heat-map cell selects what the mark stands for; dashboard.kit.drill reads it from Streamlit's
# selection event and sets the page's picker (or opens the page) that shows it.
DRILL = "drill"


def drillable(layer: alt.Chart, field: str) -> alt.Chart:
    """`layer` (the bars or the cells) with the click selection DRILL over `field` of the mark
    clicked (unit, node, label, unit_type). The other layers of the chart (labels, rules) have no
    tooltip and no selection, so Vega-Lite makes them ignore the pointer and a click on a bar's
    label or a cell's percentage reaches the bar or the cell beneath. The chart draws the same:
    the selection changes no colour."""
    return layer.add_params(alt.selection_point(name=DRILL, fields=[field], on="click",
                                                clear=False, toggle=False))
