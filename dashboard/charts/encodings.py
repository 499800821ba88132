"""Encodings the builders share: the Jan–Dec month axis, bold labels for picked units, lines per
series with dashed ones, independent colour scales, and the height of a bar chart."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import altair as alt
import polars as pl

from dashboard.charts.look import ROW_HEIGHT


def _month_domain(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def month_x(year: int, field: str = "month") -> alt.X:
    """Months on a fixed Jan–Dec axis, labelled 1月 … 12月."""
    return alt.X(
        f"{field}:O",
        scale=alt.Scale(domain=_month_domain(year)),
        axis=alt.Axis(labelExpr="toNumber(slice(datum.value, 5)) + '月'", title=None),
    )


def points_expr(field: str) -> str:
    """A Vega expression writing a score as the 通报 does (pipelines.notice.formats.points):
    two decimals, whole points whole (63, 96.50; never 63.00)."""
    value = f"datum[{field!r}]"
    return (f"isValid({value}) ? (abs({value} - round({value})) < 0.005 ? "
            f"format({value}, 'd') : format({value}, '.2f')) : ''")


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
