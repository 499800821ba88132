"""A click on a bar or a heat-map cell drills (issue 19, pages point 6; dashboard/kit/drill.py):
Streamlit's selection events, as Chromium sends them (tests/dashboard/test_browser.py clicks a
real bar), turned into the change a drop-down or a link makes; the charts that drill carry the
click selection; an AppTest run follows a click to the 单位 page with the view kept."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard.charts import charts
from dashboard.charts.encodings import DRILL
from dashboard.kit import drill
from dashboard.kit.drill import Drill

# The events Streamlit hands the chart's callback: a click on a ranking bar and on a heat-map
# cell (recorded from Chromium), and the event before any click (VegaLiteStateSerde).
CLICK_BAR = {"selection": {"drill": [{"unit": "东城街道"}]}}
CLICK_CELL = {"selection": {"drill": [{"node": "政务信息资源交换共享和开发利用"}]}}
NO_CLICK = {"selection": {"drill": {}}}
VIEW = {"series": ["jintan"], "scheme": ["jintan-2013"], "year": ["2013"], "period": ["year"],
        "type": ["区镇"], "cat": ["内容保障"]}
TITLING = charts.Titling(what="区镇 年终考核排名", when="2013年度", source="数据来源: 测试",
                          sample=False)


def test_picked_reads_the_clicked_marks_field_from_streamlits_event() -> None:
    assert drill.picked(CLICK_BAR, "unit") == "东城街道"
    assert drill.picked(CLICK_CELL, "node") == "政务信息资源交换共享和开发利用"
    assert drill.picked(NO_CLICK, "unit") is None
    assert drill.picked(None, "unit") is None
    assert drill.picked(CLICK_BAR, "node") is None  # another field: not this chart's click
    assert drill.picked({"selection": {}}, "unit") is None
    assert drill.picked({"selection": {"drill": [{"rank": 3}]}}, "rank") == "3"


def test_a_click_on_the_same_page_sets_the_pickers_value_and_redraws_the_chart() -> None:
    state: dict = {"ind-cat": "内容保障"}
    to_category = Drill(field="node", param="cat", key="ind-cat")
    assert drill.chart_key("ind-heat1", state) == "chart-ind-heat1-0"
    assert drill.react(state, "ind-heat1", to_category, CLICK_CELL, VIEW)
    assert state["ind-cat"] == "政务信息资源交换共享和开发利用"
    assert drill.chart_key("ind-heat1", state) == "chart-ind-heat1-1"  # fresh: no selection
    assert drill.chart_key("ind-heat2", state) == "chart-ind-heat2-0"
    assert "_egov_drill_go" not in state  # no other page


def test_a_click_that_opens_another_page_takes_the_view_along() -> None:
    state: dict = {}
    assert drill.react(state, "rk-区镇", drill.TO_UNIT, CLICK_BAR, VIEW)
    page, query = state["_egov_drill_go"]
    assert page == "views/unit_profile.py"
    # the sidebar's view kept, this page's own picker (cat) left here, the unit asked for
    assert query == {"series": ["jintan"], "scheme": ["jintan-2013"], "year": ["2013"],
                     "period": ["year"], "type": ["区镇"], "unit": ["东城街道"]}
    state = {}
    assert drill.react(state, "ov-dist", drill.TO_TYPE_RANKING,
                       {"selection": {"drill": [{"unit_type": "政府部门"}]}}, VIEW)
    assert state["_egov_drill_go"] == ("views/rankings.py", {**{k: v for k, v in VIEW.items()
                                                               if k != "cat"},
                                                            "type": ["政府部门"]})


def test_no_click_changes_nothing_and_a_label_maps_to_the_pickers_value() -> None:
    state: dict = {"ind-code": "001"}
    to_code = Drill(field="label", param="code", key="ind-code",
                    values=(("002 网站 建设", "002"),))
    assert not drill.react(state, "ind-lost", to_code, NO_CLICK, VIEW)
    assert state == {"ind-code": "001"}
    assert drill.react(state, "ind-lost", to_code,
                       {"selection": {"drill": [{"label": "002 网站 建设"}]}}, VIEW)
    assert state["ind-code"] == "002"  # the code, though the label holds spaces


def _selection(chart) -> dict:
    spec = chart.to_dict()
    params = [p for p in spec.get("params", []) if p.get("name") == DRILL]
    assert len(params) == 1, spec.get("params")
    return params[0]["select"]


@pytest.mark.parametrize(("name", "field"), [
    ("ranking_bars", "unit"), ("heatmap", "node"), ("lost_points", "label"),
    ("indicator_spread", "unit"), ("movers", "unit"), ("grade_distribution", "unit_type")])
def test_the_charts_that_drill_select_the_clicked_marks_field(name: str, field: str) -> None:
    units = pl.DataFrame({"unit": ["甲镇", "乙镇"], "unit_type": ["区镇"] * 2, "rank": [1, 2],
                          "total": [96.5, 63.0], "score": [4.0, 2.5], "max_points": [5.0] * 2,
                          "exempt": [False, False], "change": [2, -1], "prev_rank": [3, 1]})
    built = {
        "ranking_bars": lambda: charts.ranking_bars(units, value="total", value_title="总分",
                                                    titling=TITLING, unit_types=["区镇"]),
        "heatmap": lambda: charts.heatmap(
            units.with_columns(node=pl.lit("内容保障"), node_position=pl.lit(1)),
            level_title="一级指标", titling=TITLING),
        "lost_points": lambda: charts.lost_points(pl.DataFrame(
            {"label": ["001 甲"], "avg_lost": [1.5], "share_losing": [0.5], "max_points": [6.0],
             "units_losing": [2], "units_scored": [4], "office": ["信息中心"]}), titling=TITLING),
        "indicator_spread": lambda: charts.indicator_spread(units, titling=TITLING,
                                                            unit_types=["区镇"]),
        "movers": lambda: charts.movers(units, titling=TITLING),
        "grade_distribution": lambda: charts.grade_distribution(pl.DataFrame(
            {"unit_type": ["区镇"], "grade": ["优秀"], "grade_position": [1], "units": [2]}),
            grades=["优秀"], unit_types=["区镇"], titling=TITLING),
    }[name]()
    select = _selection(built)
    assert select["type"] == "point" and select["fields"] == [field]
    assert select["on"] == "click" and select["toggle"] is False
    assert DRILL in drill.selections(built.to_dict())  # so draw() gives it on_select


def test_selections_are_found_in_every_view_a_spec_composes_and_values_are_not() -> None:
    """drill.selections reads Vega-Lite's params itself (it used Streamlit's private helper):
    a selection at the top, in a layer, in a concat's view and in a facet's spec; a param with
    a value and no select is no selection."""
    point = {"select": {"type": "point"}}
    spec = {"params": [{"name": "top", **point}, {"name": "size", "value": 3}],
            "layer": [{"mark": "bar", "params": [{"name": "in_layer", **point}]},
                      {"mark": "text"}],
            "hconcat": [{"vconcat": [{"params": [{"name": "deep", **point}]}]}],
            "spec": {"params": [{"name": "faceted", **point}]}}
    assert drill.selections(spec) == {"top", "in_layer", "deep", "faceted"}
    assert drill.selections({"mark": "bar"}) == set()
    assert drill.selections({"params": [{"name": "", **point}, "malformed"]}) == set()


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("EGOV_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params.update({"scheme": "jintan-2013", "period": "year", "type": "区镇"})
    at.run()
    at.switch_page("views/rankings.py").run()
    assert not at.exception
    return at


def test_a_bar_clicked_on_the_ranking_opens_the_units_profile_on_the_same_view(app) -> None:
    """What the ranking bar's callback records (react, with Chromium's event) makes the next run
    open the 单位 page on that unit, the sidebar's scheme, period and type unchanged."""
    assert [t.value for t in app.title] == ["排名"]
    state: dict = {}
    view = {k: list(v) for k, v in app.session_state["_egov_qp_written"].items()}
    drill.react(state, "rk-区镇", drill.TO_UNIT, {"selection": {"drill": [{"unit": "儒林镇"}]}},
                view)
    for k, v in state.items():
        app.session_state[k] = v
    app.run()
    assert not app.exception
    assert [t.value for t in app.title] == ["单位画像"]
    assert app.main.selectbox(key="up-unit").value == "儒林镇"
    sidebar = {s.label: s.value for s in app.sidebar.selectbox}
    assert sidebar["年度"] == 2013 and sidebar["期间"] == "year" and sidebar["单位类型"] == "区镇"
    assert app.query_params["unit"] == "儒林镇" and app.query_params["scheme"] == "jintan-2013"
