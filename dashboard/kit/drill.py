"""Click a bar or a heat-map cell to drill (issue 19, pages point 6); the drop-downs stay.

A chart that drills carries the click selection `DRILL` over the field naming what a mark stands
for (dashboard.charts.encodings.drillable). `widgets.show_chart(..., drill=Drill(...))` draws it
with Streamlit's `on_select`: a click reruns the app, and before the page runs, the chart's
callback makes the change a picker would make:

- on the same page, the picker's value (widget `key`): the 指标 page's 下钻:一级指标 follows a
  click on the 一级指标 heat map, and the page is drawn for it, its drop-down showing it;
- on another page (`page`), that page opened with the view's query string and the picker's
  query-string key (`param`): a bar of the 排名 page opens the 单位 page on that unit, as the link
  `unit?scheme=…&unit=金城镇` would. The sidebar's filters read the same view from the link.

So the drop-downs stay the one state: a click only sets what a drop-down or a link sets, and the
URL follows as it does for them (filters.remember / the sidebar's query string). After a click the
chart is drawn under a new key (`chart_key`), without the selection, so the same bar or cell
clicked again after a drop-down moved on drills again.

`picked` and `react` turn Streamlit's selection event into that change without a script run
(tests/dashboard/test_drill.py, with the events Streamlit sends); `follow` (app.py, before the
sidebar) opens the page a click asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboard.charts.encodings import DRILL
from dashboard.kit import filters

_ROUNDS = "_egov_drill_rounds"  # per chart: how many clicks it has followed (its key's suffix)
_GO = "_egov_drill_go"          # the page and query string a click asked for


@dataclass(frozen=True)
class Drill:
    """Where a click on a chart's mark leads.

    field:  the clicked mark's field (unit, node, label, unit_type), as the chart selects it;
    param:  the picker's query-string key (filters.PAGE_PARAMS, or `type` for the sidebar's
            unit type);
    key:    the picker's widget key on this page (None when the click opens another page);
    page:   the page to open, as st.switch_page takes it (views/unit_profile.py); None: this page;
    values: (clicked value, picker value) pairs where they differ (a 三级指标 label → its code).
    """

    field: str
    param: str
    key: str | None = None
    page: str | None = None
    values: tuple[tuple[str, str], ...] = ()

    def value(self, clicked: str) -> str:
        """The picker's value for the clicked mark's value."""
        return dict(self.values).get(clicked, clicked)


def picked(event: Mapping[str, Any] | None, field: str) -> str | None:
    """The `field` of the mark clicked, from Streamlit's selection event for a chart: the event
    is {"selection": {"drill": [{"unit": "金城镇"}]}} after a click on a mark (the point
    selection's `vlPoint.or`), {"selection": {"drill": {}}} before any click or after the
    selection is emptied; None then, and for anything else."""
    if not event:
        return None
    selection = event.get("selection") or {}
    points = selection.get(DRILL) if isinstance(selection, Mapping) else None
    if not isinstance(points, list) or not points or not isinstance(points[0], Mapping):
        return None
    value = points[0].get(field)
    return None if value is None else str(value)


def react(state: MutableMapping[str, Any], key: str, drill: Drill,
          event: Mapping[str, Any] | None, view: Mapping[str, list[str]]) -> bool:
    """The state change a click on the chart `key` makes (the chart's callback; `state` is
    st.session_state, `view` the query string the app last wrote for the view shown). Sets the
    picker's value on this page, or records the page to open with the view's query string and
    the clicked value (the other page's pickers left out: they are that page's own); counts the
    click so the chart is drawn fresh. Returns whether the click led anywhere."""
    clicked = picked(event, drill.field)
    if clicked is None:
        return False
    value = drill.value(clicked)
    rounds = dict(state.get(_ROUNDS) or {})
    rounds[key] = rounds.get(key, 0) + 1
    state[_ROUNDS] = rounds
    if drill.page is None:
        state[drill.key] = value
    else:
        query = {k: list(v) for k, v in view.items() if k not in filters.PAGE_PARAMS}
        query[drill.param] = [value]
        state[_GO] = (drill.page, query)
    return True


def chart_key(key: str, state: Mapping[str, Any] | None = None) -> str:
    """The widget key of the chart `key` now: a new one after each click it followed."""
    state = st.session_state if state is None else state
    return f"chart-{key}-{(state.get(_ROUNDS) or {}).get(key, 0)}"


def selections(spec: Mapping[str, Any]) -> set[str]:
    """The names of the selection parameters of a Vega-Lite spec, at its top or in any view it
    composes (layer, concat, hconcat, vconcat, facet's and repeat's `spec`): what Streamlit's
    `on_select` accepts as `selection_mode` (Vega-Lite's params: a `name` and a `select`)."""
    names = {param["name"] for param in spec.get("params") or ()
             if isinstance(param, Mapping) and param.get("name") and param.get("select")}
    for composed in ("layer", "concat", "hconcat", "vconcat"):
        for view in spec.get(composed) or ():
            if isinstance(view, Mapping):
                names |= selections(view)
    if isinstance(spec.get("spec"), Mapping):
        names |= selections(spec["spec"])
    return names


def draw(spec: dict[str, Any], key: str, drill: Drill) -> None:
    """Draw a chart's cached spec full width with its click drilling as `drill` says (charts
    without the DRILL selection, e.g. a histogram where a scheme has no grades, are drawn as
    they are)."""
    if DRILL not in selections(spec):
        st.vega_lite_chart(spec=spec, width="stretch", theme=None, key=f"chart-{key}")
        return
    widget = chart_key(key)

    def clicked() -> None:
        state = st.session_state
        react(state, key, drill, state.get(widget), filters.view_params())

    st.vega_lite_chart(spec=spec, width="stretch", theme=None, key=widget, on_select=clicked,
                       selection_mode=DRILL)


def follow() -> None:
    """Open the page a click asked for, on the view it was made in (app.py calls this before the
    sidebar, so the sidebar reads the view from the link as a shared link is read)."""
    go = st.session_state.pop(_GO, None)
    if go is not None:
        page, query = go
        st.switch_page(page, query_params=query)


# The clicks several pages share: a unit's bar opens its 单位画像; a unit type's bar its ranking.
TO_UNIT = Drill(field="unit", param="unit", page="views/unit_profile.py")
TO_TYPE_RANKING = Drill(field="unit_type", param="type", page="views/rankings.py")
