"""The Streamlit dashboard, page by page and scheme by scheme, through Streamlit's AppTest.

Each case opens the app on a scheme through the query string (as a shared link would), switches
to a page, checks the page's key element carries real content, then changes another filter in
the sidebar and checks the page again and that the URL followed.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest
from ui_language import assert_one_language

APP = ROOT / "dashboard" / "app.py"
SCHEMES = ["jintan-2013", "yueyang-2017", "shengzhou-2020", "huaibei-2019"]
PAGES = ["overview", "rankings", "targets", "indicators", "unit_profile", "data_method"]
TITLES = {"overview": "总览", "rankings": "排名", "targets": "目标", "indicators": "指标",
          "unit_profile": "单位画像", "data_method": "数据与方法"}
# The unit type each case switches to in the sidebar (the second type where there is one).
OTHER_TYPE = {"jintan-2013": "政府部门", "yueyang-2017": "市直及中省驻岳单位",
              "shengzhou-2020": "市级部门", "huaibei-2019": "市直单位"}
STATUSES = {"达争", "达保", "未达", "完成", "未完成"}  # the last two: a floor alone


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    """A factory: the app opened with these query parameters on a page."""
    monkeypatch.setenv("EGOV_DB", str(demo_db))

    def open_app(page: str = "overview", **params: str | list[str]) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.query_params.update(params)
        at.run()
        if page != "overview":
            at.switch_page(f"views/{page}.py").run()
        assert_ok(at)
        return at

    return open_app


def assert_ok(at: AppTest) -> None:
    """No exception on the page."""
    assert not at.exception, [e.message for e in at.exception]


def charts(at: AppTest) -> list:
    """The Altair charts drawn in the main area."""
    return list(at.main.get("vega_lite_chart"))


def infos(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def frames(at: AppTest) -> list[pl.DataFrame]:
    """The page's tables: its data grids, then its plain tables (widgets.show_table's `plain`)."""
    return ([pl.from_pandas(d.value) for d in at.dataframe]
            + [pl.from_pandas(t.value) for t in at.table])


def check_page(at: AppTest, scheme: str, page: str) -> None:
    """The page's key element with real content, per scheme."""
    assert [t.value for t in at.title] == [TITLES[page]]
    assert_one_language(at)  # Chinese labels, English only in tooltips (pages point 5)
    # every demo unit is sample data: the page says so
    assert any("示例数据" in c.value for c in at.caption)
    has_targets = scheme == "jintan-2013"
    if page == "overview":
        # no data grid: the first page loads without the grid's code (pages point 7)
        assert not at.dataframe
        if has_targets:
            card = [m for m in at.metric if m.label == "在常州市保二争一"]
            assert len(card) == 1 and card[0].value.startswith("第")
            # one bordered metric a card: the status in the delta's place, no arrow, the levels
            # beside it
            assert card[0].delta in STATUSES and card[0].proto.show_border
            assert card[0].proto.direction == card[0].proto.NONE
            assert card[0].proto.delta_description == "保 第2名 · 争 第1名"
            # the targets' table is the 目标 page's, a link away, on the same view
            [link] = [p for p in at.get("page_link") if "「目标」页" in p.proto.label]
            assert link.proto.page == "targets"
            assert f"scheme={scheme}" in link.proto.query_string
        else:
            assert "没有设定年度目标" in infos(at)
            assert "没有按月计分的平时考评" in infos(at)
        assert charts(at), "grade distribution (or score spread) chart"
    elif page == "rankings":
        tables = [f for f in frames(at) if "排名" in f.columns]
        assert tables and charts(at)
        for table in tables:
            check_competition_ranks(table)
    elif page == "targets":
        if has_targets:
            table = next(f for f in frames(at) if "要求" in f.columns)
            assert set(table["状态"].to_list()) <= STATUSES
            assert len(charts(at)) == table.height  # one chart per target with figures
        else:
            assert "没有设定年度目标" in infos(at)
            assert not charts(at)
    elif page == "indicators":
        assert len(charts(at)) >= 4  # three heat maps and the lost-points chart at least
        subheaders = [s.value for s in at.subheader]
        assert "各单位一级指标得分率" in subheaders
        if scheme == "huaibei-2019":
            assert "按牵头科室的失分" in subheaders
            offices = next(f for f in frames(at)
                           if "牵头科室" in f.columns and "失分合计" in f.columns)
            assert offices.height > 0 and offices["失分合计"].sum() > 0
    elif page == "unit_profile":
        ranks = {m.label: m.value for m in at.metric}
        assert ranks["同类排名"].startswith("第")
        if scheme == "jintan-2013":
            assert len(charts(at)) == 3  # monthly vs median, rank history, categories
        else:
            assert "没有按月计分的平时考评" in infos(at)
            assert len(charts(at)) == 1
    elif page == "data_method":
        notes = next(f for f in frames(at) if "解释" in f.columns and "适用范围" in f.columns)
        assert notes.height > 0
        labels = [b.label for b in at.get("download_button")]
        assert "单位名录模板" in labels and "年终评分模板" in labels
        assert ("内容保障月报模板" in labels) == (scheme == "jintan-2013")


def check_competition_ranks(table: pl.DataFrame) -> None:
    """Rows are in rank order from 1; equal totals share a rank; the next rank skips."""
    value = "总分" if "总分" in table.columns else "当月得分"
    if "单位类型" in table.columns:
        groups = table.partition_by("单位类型", maintain_order=True)
    else:
        groups = [table]
    for group in groups:
        ranks, values = group["排名"].to_list(), group[value].to_list()
        assert ranks[0] == 1
        for i in range(1, len(ranks)):
            if values[i] == values[i - 1]:
                assert ranks[i] == ranks[i - 1]
            else:
                assert ranks[i] == i + 1


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_page_for_scheme(app, scheme: str, page: str) -> None:
    at = app(page, scheme=scheme)
    assert at.query_params["scheme"] == scheme
    check_page(at, scheme, page)

    # Change another filter in the sidebar: the page redraws and the URL follows.
    at.sidebar.selectbox(key="f_type").select(OTHER_TYPE[scheme]).run()
    assert_ok(at)
    assert at.query_params["type"] == OTHER_TYPE[scheme]
    assert [t.value for t in at.title] == [TITLES[page]]
    if page == "rankings":
        # The ranking of the type, then (year-end) its 排名稳定性 section.
        heads = [s.value for s in at.subheader]
        assert heads[0] == OTHER_TYPE[scheme]
        assert set(heads[1:]) <= {f"{OTHER_TYPE[scheme]}:稳定区间", "指标的名义权重与有效权重"}
        for table in frames(at):
            if "排名" in table.columns:
                check_competition_ranks(table)
    else:
        check_page(at, scheme, page)


def test_yueyang_ranking_ties(app) -> None:
    """岳阳 year-end: the first row is rank 1, and two units with equal totals share rank 7."""
    at = app("rankings", scheme="yueyang-2017")
    tables = [f for f in frames(at) if "排名" in f.columns]
    assert [t["排名"][0] for t in tables] == [1, 1]
    municipal = tables[1]
    tied = municipal.filter(pl.col("排名") == 7)
    assert tied.height == 2 and tied["总分"].n_unique() == 1
    assert 8 not in municipal["排名"].to_list()
    assert any("并列名次" in c.value for c in at.caption)


def test_query_string_reproduces_view(app) -> None:
    """A link with scheme, period, type and units opens on exactly that view."""
    at = app("rankings", scheme="jintan-2013", year="2013", period="2013-05", type="区镇",
             units=["金城镇", "儒林镇"])
    assert at.sidebar.selectbox(key="f_series").value == "jintan"
    assert at.sidebar.selectbox(key="f_year").value == 2013
    assert at.sidebar.selectbox(key="f_period").value == "2013-05"
    assert at.sidebar.selectbox(key="f_type").value == "区镇"
    assert at.sidebar.multiselect(key="f_units").value == ["金城镇", "儒林镇"]
    table = frames(at)[0]
    assert "较上月" in table.columns and "累计排名" in table.columns  # the monthly ranking
    assert [s.value for s in at.subheader] == ["区镇"]
    assert at.query_params["units"] == ["金城镇", "儒林镇"]


def test_a_page_opened_before_the_first_run_drew_the_sidebar_keeps_the_link(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sign-in → navigation race: a session opened on a link (the sign-in's redirect opens a
    new one) whose first run is stopped by a click on a navigation link before its sidebar has
    put the view into the URL; the click's run has no query string. The page opened must show
    the link's scheme and period, not the series' defaults (jintan-2014, its last month)."""
    import streamlit as st

    from dashboard.kit import filters

    monkeypatch.setenv("EGOV_DB", str(demo_db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"scheme": "jintan-2013", "period": "year"})
    with monkeypatch.context() as first_run:  # stopped where the sidebar would begin
        first_run.setattr(filters, "sidebar", lambda db: st.stop())
        at.run()
    assert_ok(at)
    at.query_params.clear()  # a navigation link sends no query string
    at.switch_page("views/rankings.py").run()
    assert_ok(at)
    assert at.sidebar.selectbox(key="f_year").value == 2013
    assert at.sidebar.selectbox(key="f_period").value == "year"
    assert at.query_params["scheme"] == "jintan-2013" and at.query_params["period"] == "year"
    # from then on the session's own choices rule: a later link-less run keeps them
    at.sidebar.selectbox(key="f_period").select("2013-05").run()
    at.query_params.clear()
    at.switch_page("views/overview.py").run()
    assert at.sidebar.selectbox(key="f_period").value == "2013-05"


def test_switching_scheme_takes_the_new_schemes_defaults(app) -> None:
    """From 岳阳 (year-end only) to 金坛: its latest year (the sample's 2014), the latest
    month, all types, no focus units."""
    at = app("overview", scheme="yueyang-2017", type="县市区", units="汨罗市")
    at.sidebar.selectbox(key="f_series").select("jintan").run()
    assert_ok(at)
    assert at.sidebar.selectbox(key="f_period").value == "2014-12"
    assert at.sidebar.selectbox(key="f_type").value == "全部类型"
    assert at.sidebar.multiselect(key="f_units").value == []
    assert dict(at.query_params) == {"series": "jintan", "scheme": "jintan-2014",
                                     "year": "2014", "period": "2014-12"}


def test_bad_query_values_fall_back(app) -> None:
    """Unknown values in a hand-edited link fall back to defaults instead of failing."""
    at = app("overview", scheme="nowhere-1999", period="2099-13", type="火星", units="无此单位")
    assert at.sidebar.selectbox(key="f_series").value == "jintan"
    assert at.sidebar.selectbox(key="f_year").value == 2014  # the series' latest year
    assert at.sidebar.selectbox(key="f_type").value == "全部类型"
    assert at.sidebar.multiselect(key="f_units").value == []


def test_year_end_period_and_sample_badge(app) -> None:
    """期间=年终 shows the year-end ranking with grades; sample units are marked 示例数据."""
    at = app("rankings", scheme="jintan-2013", period="year")
    table = frames(at)[0]
    assert {"平时考评", "年终考评", "总分", "等次"} <= set(table.columns)
    assert any("示例数据" in c.value for c in at.caption)


def test_briefing_pack_is_a_pdf(demo_db: Path) -> None:
    """The 「生成通报材料」 pack for a small scheme: a PDF with the sample mark."""
    from dashboard.kit import data, filters, widgets

    info = data.scheme_row(demo_db, "huaibei-2019")  # outside a script run: read directly
    view = filters.Filters(db=demo_db, scheme="huaibei-2019", year=2019, period="year",
                           unit_type=None, units=(), months=(), info=info,
                           unit_types=("市直单位",), sample=True)
    pdf = widgets.briefing_pack(view)
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize(("scheme", "year", "title"), [
    ("yueyang-2017", 2017, "岳阳市政务公开政务服务工作考评年终考核结果通报"),
    ("jintan-2013", 2013, "金坛市电子政务绩效考核年终考核结果通报"),
])
def test_briefing_pack_is_titled_with_the_schemes_evaluation(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch, scheme: str, year: int,
        title: str) -> None:
    """The pack's title names the evaluation as the 通报 does, from the scheme (Yueyang's is the
    政务公开政务服务 evaluation; it was titled 电子政务绩效考核 whatever the scheme). The PDF
    writer is replaced by one that records what it was asked to write (no drawing)."""
    from dashboard.kit import data, filters, widgets

    asked: dict = {}

    class Exports:
        @staticmethod
        def briefing_pdf(**kwargs) -> bytes:
            asked.update(kwargs)
            return b"%PDF"

    monkeypatch.setattr(widgets, "_exports", lambda: Exports)
    info = data.scheme_row(demo_db, scheme)
    types = tuple(data.unit_types(demo_db, scheme)["unit_type"])
    view = filters.Filters(db=demo_db, scheme=scheme, year=year, period="year", unit_type=None,
                           units=(), months=(), info=info, unit_types=types, sample=True)
    assert widgets.briefing_pack(view) == b"%PDF"
    assert asked["title"] == title


@pytest.mark.parametrize("page", PAGES)
def test_pages_on_a_fresh_warehouse(tmp_path_factory, monkeypatch, page: str) -> None:
    """A warehouse with the built-in schemes and no data yet: every page says what is missing."""
    from pipelines.loading import ensure_warehouse

    db = tmp_path_factory.getbasetemp() / "fresh" / "egov.duckdb"
    if not db.exists():
        db.parent.mkdir(exist_ok=True)
        ensure_warehouse(db)
    monkeypatch.setenv("EGOV_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["scheme"] = "jintan-2013"
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert_ok(at)
    assert [t.value for t in at.title] == [TITLES[page]]
    assert at.info or page == "data_method"
    assert not any("示例数据" in c.value for c in at.caption)  # no sample units, no badge


def test_missing_warehouse_explains_how_to_start(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EGOV_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert_ok(at)
    assert "egov demo" in at.error[0].value


# ---------------------------------------------------------------- many units ------------------
# The pages over a warehouse of 2,000 units (conftest.big_db): no chart draws more rows than a
# person can read, every page says what it leaves out, the full ranking stays a searchable table.


def chart_rows(at: AppTest) -> list[tuple[str, int]]:
    """(title, rows of data shipped to the browser) for every chart in the main area."""
    import json

    import pyarrow as pa

    out = []
    for chart in charts(at):
        spec = json.loads(chart.proto.spec)
        title = spec.get("title", {})
        rows = sum(pa.ipc.open_stream(d.data.data).read_all().num_rows
                   for d in chart.proto.datasets)
        out.append((title.get("text", "") if isinstance(title, dict) else str(title), rows))
    return out


@pytest.fixture
def big_app(big_db: Path, monkeypatch: pytest.MonkeyPatch):
    """The app over the 2,000-unit warehouse, opened on a page with these query parameters."""
    monkeypatch.setenv("EGOV_DB", str(big_db))

    def open_app(page: str = "overview", **params: str | list[str]) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.query_params.update({"scheme": "jintan-2013", **params})
        at.run()
        if page != "overview":
            at.switch_page(f"views/{page}.py").run()
        assert_ok(at)
        return at

    return open_app


def big_units(big_db: Path) -> pl.DataFrame:
    from warehouse.reads import view

    return view.units(big_db, "jintan-2013")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_at_2000_units_draws_readable_charts(big_app, big_db, page: str) -> None:
    from dashboard.charts import charts as chart_builders

    assert big_units(big_db).height >= 2000
    at = big_app(page)
    assert [t.value for t in at.title] == [TITLES[page]]
    for title, rows in chart_rows(at):
        # a chart's rows: one per unit or bin at most MAX_ROWS, a heat map's cells per unit
        assert rows <= chart_builders.MAX_ROWS * 12, (title, rows)
    if page == "rankings":
        captions = " ".join(c.value for c in at.caption)
        assert "个单位未显示" in captions


def test_ranking_at_2000_units_top_bottom_histogram_and_full_table(big_app, big_db) -> None:
    """Per type: the bar chart holds the top and bottom places and the highlighted unit, the
    histogram counts every unit, the table holds every unit and the caption the number hidden."""
    units = big_units(big_db)
    towns = units.filter(pl.col("unit_type") == "区镇")
    pick = towns.sort("unit")["unit"][len(towns) // 2]  # a unit in the middle of the list
    at = big_app("rankings", period="year", type="区镇", units=pick)
    rows = chart_rows(at)
    (bars_title, _), (hist_title, _) = rows[:2]  # the ranking bars and the histogram first
    assert "前10名与后10名" in bars_title and f"全部{towns.height}个单位" in hist_title
    table = frames(at)[0]
    assert table.height == towns.height  # every unit of the type
    # Competition ranks in order (ties share a place, the next place skips). Ties are decided on
    # unrounded totals, so two totals shown equal to 2 decimals may hold different places.
    ranks = table["排名"].to_list()
    assert ranks[0] == 1
    assert all(r == ranks[i - 1] or r == i + 1 for i, r in enumerate(ranks) if i)
    assert {"较上年", "排名", "单位", "总分"} & set(table.columns)
    spec = json.loads(charts(at)[0].proto.spec)
    domain = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert pick in domain  # the highlighted unit is always drawn
    shown = [u for u in domain if not u.startswith("⋯")]
    hidden = towns.height - len(shown)
    assert any(f"另有 {hidden} 个单位未显示" in c.value for c in at.caption)
    # the top ten places are drawn
    top = table.filter(pl.col("排名") <= 10)["单位"].to_list()
    assert set(top) <= set(shown)

    # The search box narrows the full table to the matching units.
    at.text_input(key="rk-q-区镇").input(pick).run()
    assert_ok(at)
    found = frames(at)[0]
    assert found["单位"].to_list() == [pick]


def test_indicators_at_2000_units_heat_map_in_view_and_lost_per_unit(big_app, big_db) -> None:
    at = big_app("indicators", period="year")
    n_units = big_units(big_db).height
    captions = " ".join(c.value for c in at.caption)
    assert "热力图显示得分率最高的 30 个单位" in captions
    assert f"另有 {n_units - 30} 个单位未显示" in captions
    heat = json.loads(charts(at)[0].proto.spec)
    assert len(heat["layer"][0]["encoding"]["y"]["sort"]) == 30
    lost = next(f for f in frames(at) if "平均失分" in f.columns)
    assert "失分合计" not in lost.columns
    # the average lost per unit can never exceed the indicator's points
    assert (lost["平均失分"] <= lost["分值"] + 1e-9).all()
    assert lost["参评单位数"].max() == n_units

    # The lowest 10 by share instead, then a search.
    at.segmented_control(key="ind-order").set_value("得分率最低").run()
    at.number_input(key="ind-n").set_value(10).run()
    assert_ok(at)
    assert any(f"另有 {n_units - 10} 个单位未显示" in c.value for c in at.caption)
    at.text_input(key="ind-q").input("儒林镇").run()
    assert_ok(at)
    heat = json.loads(charts(at)[0].proto.spec)
    assert heat["layer"][0]["encoding"]["y"]["sort"]
    assert all("儒林镇" in u for u in heat["layer"][0]["encoding"]["y"]["sort"])


def test_method_page_at_2000_units_shows_a_screen_of_the_loads_changes(big_app, big_db) -> None:
    """The 2,000-unit load changed every unit's total and twelve months: the 更正记录 table
    holds a screen of them (the page reads no more: issue 21 goal 5) and says how many rows it
    leaves out; the search reaches every row."""
    from dashboard.kit import revisions
    from warehouse.reads import loads

    batch = loads.load_batches(big_db, "jintan-2013")["batch"][0]
    whole = loads.revisions(big_db, batch, "jintan-2013")
    total = whole.height
    assert total > revisions.SHOWN
    at = big_app("data_method", period="year")
    table = next(f for f in frames(at) if "名次变化" in f.columns)
    assert table.height == revisions.SHOWN
    assert set(table["指标"]) == {"年终总分"}  # totals first
    captions = " ".join(c.value for c in at.caption)
    assert f"另有 {total - revisions.SHOWN} 行未显示" in captions
    assert f"全部 {total} 行" in captions

    unit = whole.filter(pl.col("before").is_null())["unit"].sort()[-1]  # a unit this load added
    at.text_input(key="dm-revision-q").input(unit).run()
    assert_ok(at)
    found = next(f for f in frames(at) if "名次变化" in f.columns)
    wanted = whole.filter(pl.col("unit").str.contains(unit, literal=True)).height
    assert wanted > 1  # its total and its months
    assert found.height == wanted and all(unit in u for u in found["单位"])
    assert any(f"匹配 {wanted} 行(共 {total} 行)" in c.value for c in at.caption)


def test_briefing_pack_at_2000_units_lists_top_and_bottom_and_attaches_every_row(big_db) -> None:
    """The PDF's ranking lists the top and bottom places per type and says how many it leaves
    out; the full ranking (every unit) is attached as XLSX; progress is reported to the end."""
    import io

    from pypdf import PdfReader

    from dashboard.kit import data, filters, widgets

    info = data.scheme_row(big_db, "jintan-2013")
    types = tuple(data.unit_types(big_db, "jintan-2013")["unit_type"].to_list())
    view = filters.Filters(db=big_db, scheme="jintan-2013", year=2013, period="year",
                           unit_type="广播电视台", units=(), months=(), info=info,
                           unit_types=types, sample=True)
    steps: list[float] = []
    pdf = widgets.briefing_pack(view, progress=lambda fraction, what: steps.append(fraction))
    assert steps[0] == 0.0 and steps[-1] == 1.0 and steps == sorted(steps)
    reader = PdfReader(io.BytesIO(pdf))
    import re

    text = reader.pages[1].extract_text().replace("\n", "")
    n_type = big_units(big_db).filter(pl.col("unit_type") == "广播电视台").height
    hidden = int(re.search(r"另有 (\d+) 个单位见附件", text)[1])
    assert 0 < hidden <= n_type - 20  # ties at the edges are listed whole
    attached = reader.attachments
    assert len(attached) == 1
    (name, contents), = attached.items()
    assert name.endswith(".xlsx")
    sheet = pl.read_excel(io.BytesIO(contents[0]), read_options={"header_row": 3})
    assert sheet.filter(pl.col("单位").is_not_null()).height == n_type


def test_target_cards_say_done_for_a_floor_alone_as_the_notice_counts(app, demo_db) -> None:
    """总览's target cards at Jintan's year end: 达争/达保/未达 for the targets with both levels,
    完成/未完成 for those with a floor alone, the same counts as the 通报's section 三 (which says
    「完成8项、未完成2项」 of the ten with one level). Failed before: those ten said 达保/未达."""
    from collections import Counter

    from pipelines.notice import facts
    from warehouse.reads import targets as target_reads

    at = app(scheme="jintan-2013", period="year")
    status = target_reads.target_status(demo_db, "jintan-2013", 2013, None)
    cards = [m for m in at.main.metric if m.label in set(status["text"])]
    assert len(cards) == status.height == 12
    badges = Counter(m.delta for m in cards)  # each card's status, in the delta's place
    one_level = status.filter(pl.col("stretch").is_null())
    assert one_level.height == 10
    assert badges == Counter(
        ("完成" if s != "未达" else "未完成") if x is None else s
        for s, x in status.select("status", "stretch").iter_rows())
    said = facts.target_counts([facts._target(r, None) for r in status.iter_rows(named=True)])
    assert badges["完成"] == said["完成"] and badges["未完成"] == said["未完成"]
    assert badges["完成"] + badges["未完成"] == 10
