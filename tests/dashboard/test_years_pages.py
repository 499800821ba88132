"""The 排名 and 单位 pages on two years of a series (tests/years_case.py), in AppTest and in
Chromium: the 较上年 column and the unit's years, against hand-computed values."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import years_case as case
from conftest import ROOT
from streamlit.testing.v1 import AppTest
from test_browser import CHROMIUM, dashboard, wait_for_run

APP = ROOT / "dashboard" / "app.py"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return case.build(tmp_path_factory.mktemp("years-pages"))


def open_page(db: Path, monkeypatch, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("EGOV_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    # a link followed to this page: its query string, not what the app last wrote
    at.run()
    at.switch_page(f"views/{page}.py")
    at.query_params.clear()
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def frames(at: AppTest) -> list[pl.DataFrame]:
    """The page's tables: its data grids, then its plain tables (widgets.show_table's `plain`)."""
    return ([pl.from_pandas(d.value) for d in at.dataframe]
            + [pl.from_pandas(t.value) for t in at.table])


# 2025 against 2024, hand-computed from years_case (rank change = 2024 rank − 2025 rank).
CHANGES = {"卫生计生委": "合并", "财政局": "↑1", "教育局": "↓1", "开发区": "类型变更",
           "水利局": "新", "尧塘镇": "↑1", "金城街道": "↓1"}


def test_the_ranking_page_shows_the_change_against_last_year(db, monkeypatch):
    at = open_page(db, monkeypatch, "rankings", scheme="hubin-2025", period="year")
    tables = [f for f in frames(at) if "较上年" in f.columns]
    got = {u: c for t in tables for u, c in zip(t["单位"], t["较上年"], strict=True)}
    assert got == CHANGES
    captions = " ".join(c.value for c in at.caption)
    assert "2025年总分依据「湖滨区2025年度电子政务考核办法」" in captions
    assert "来自不同的考核方案" in captions


def test_the_first_year_has_no_change_column(db, monkeypatch):
    at = open_page(db, monkeypatch, "rankings", scheme="hubin-2024", period="year")
    assert not [f for f in frames(at) if "较上年" in f.columns]


def test_the_unit_page_shows_the_unit_over_the_years(db, monkeypatch):
    at = open_page(db, monkeypatch, "unit_profile", scheme="hubin-2025", period="year",
                   unit="金城街道")
    [years] = [f for f in frames(at) if "当年名称" in f.columns]
    assert years.select("年度", "当年名称", "总分", "同类排名", "等次").rows() == [
        (2024, "金城镇", 95.0, 1, "优秀"), (2025, "金城街道", 86.0, 2, "良好")]
    assert years["考核方案"].to_list() == ["湖滨区2024年度电子政务考核办法",
                                       "湖滨区2025年度电子政务考核办法"]
    assert any("依据各自的考核方案" in c.value for c in at.caption)
    assert any(h.value == "历年成绩" for h in at.subheader)


def test_a_merged_unit_lists_each_merged_units_previous_year(db, monkeypatch):
    at = open_page(db, monkeypatch, "unit_profile", scheme="hubin-2025", period="year",
                   unit="卫生计生委")
    [years] = [f for f in frames(at) if "当年名称" in f.columns]
    assert years.select("年度", "当年名称", "总分", "同类排名").rows() == [
        (2024, "卫生局", 90.0, 1), (2024, "计生委", 70.0, 4), (2025, "卫生计生委", 92.0, 1)]
    assert any("合并前各单位的成绩" in c.value for c in at.caption)


def test_the_overview_counts_rises_and_falls(db, monkeypatch):
    at = open_page(db, monkeypatch, "overview", scheme="hubin-2025", period="year")
    [table] = [f for f in frames(at) if "名次上升" in f.columns]
    assert table.select("单位类型", "可比单位", "名次上升", "名次下降", "等次提高",
                        "等次降低").rows() == [("部门", 2, 1, 1, 0, 2), ("镇", 2, 1, 1, 1, 1)]
    assert table["上升最多"].to_list() == ["财政局(第3→2名)升1位", "尧塘镇(第2→1名)升1位"]


@pytest.mark.browser
def test_the_unit_and_ranking_pages_in_chromium(db):
    from playwright.sync_api import sync_playwright

    with dashboard(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{url}/unit?scheme=hubin-2025&period=year&unit=金城街道",
                      wait_until="networkidle")
            main = page.locator('[data-testid="stMain"]')
            main.get_by_text("历年成绩").first.wait_for(timeout=90_000)
            wait_for_run(page)
            text = main.inner_text()
            assert "依据各自的考核方案" in text
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=90_000)
            page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=90_000)
            assert "第2名 / 2" in main.inner_text()  # 2025's rank (the table is a canvas)
            assert page.locator('[data-testid="stException"]').count() == 0
            page.goto(f"{url}/rankings?scheme=hubin-2025&period=year", wait_until="networkidle")
            main.get_by_text("较上年").first.wait_for(timeout=90_000)
            wait_for_run(page)
            assert "来自不同的考核方案" in main.inner_text()
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            browser.close()


def test_the_sidebar_picks_the_series_and_year_and_the_url_holds_both(db, monkeypatch):
    at = open_page(db, monkeypatch, "rankings", series="hubin", year="2024", period="year")
    assert at.sidebar.selectbox(key="f_series").value == "hubin"
    assert at.sidebar.selectbox(key="f_year").options == ["2024年", "2025年"]
    assert at.sidebar.selectbox(key="f_year").value == 2024
    assert not [f for f in frames(at) if "较上年" in f.columns]  # 2024: the series' first year
    at.sidebar.selectbox(key="f_year").set_value(2025).run()
    assert not at.exception
    assert at.query_params["series"] == ["hubin"] or at.query_params["series"] == "hubin"
    assert "2025" in str(at.query_params["year"]) and "hubin-2025" in str(at.query_params["scheme"])
    assert [f for f in frames(at) if "较上年" in f.columns]


def test_the_demo_opens_on_the_latest_year_of_its_series(demo_db, monkeypatch):
    # The sample's jintan series has 2013 and 2014: a first visit opens 2014, where the
    # year-over-year views have a previous year to show.
    monkeypatch.setenv("EGOV_DB", str(demo_db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.sidebar.selectbox(key="f_series").value == "jintan"
    assert at.sidebar.selectbox(key="f_year").value == 2014
    assert "jintan-2014" in str(at.query_params["scheme"])
    # 总览 counts the rises and falls against 2013 (none without a previous year).
    [table] = [f for f in frames(at) if "名次上升" in f.columns]
    assert table["可比单位"].sum() > 0


@pytest.mark.parametrize(("page", "section", "column"), [
    ("indicators", "历年得分率(跨年度对应的指标)", "2013年"),
    ("targets", "历年目标完成情况", "2013年"),
])
def test_the_demos_latest_year_draws_the_years_sections(demo_db, monkeypatch, page, section,
                                                        column):
    """The demo's default view (jintan-2014, whose series has 2013): the 指标 and 目标 pages draw
    their years sections to the end. Before, both stopped at the error page (the section's
    reads indicator_lines, indicator_rates and target_years did not exist)."""
    monkeypatch.setenv("EGOV_DB", str(demo_db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert section in [s.value for s in at.subheader]
    [table] = [f for f in frames(at) if column in f.columns]
    assert "2014年" in table.columns and table.height
    if page == "indicators":  # score rates in percent
        rates = table.select(pl.col("2013年", "2014年")).to_numpy()
        assert ((rates >= 0) & (rates <= 100)).all()
    else:
        assert set(table["2014年"].drop_nulls()) <= {"达争", "达保", "未达", "完成", "未完成"}


def test_the_rates_table_takes_each_lines_own_type_and_lists_the_years_in_order():
    """指标's 历年得分率 table (years_view.rates_by_year) from hand-made lines and rates of three
    years: a line's cell is its own unit type's rate on that year's code (镇's line 9 starts in
    2025, so 镇's 2024 rate on code 9 is not its); years run 2024, 2025, 2026 whatever order the
    lines come in; rows keep the latest year's order (镇 before 部门, 9 before 10); a year with no
    rate is empty. Failed before (the page's join, pivot and sort, then inline): rates were
    joined on scheme and code only, so each line took every type's rate (部门's 9 had a second row
    under 镇's name, 镇's 9 a 2024 cell of 10.0), and rows were sorted by code as text (10 before
    9)."""
    from dashboard.sections.years_view import rates_by_year
    from pipelines.years.indicators import LINE_SCHEMA

    lines = pl.DataFrame([
        # (scheme, code that year, unit type, line code, name, year), earlier years first
        ("hubin-2025", "9", "镇", "9", "便民服务", 2025),
        ("hubin-2025", "9", "部门", "9", "工作机制", 2025),
        ("hubin-2025", "B", "部门", "10", "信息公开", 2025),
        ("hubin-2024", "9", "部门", "9", "工作机制", 2024),
        ("hubin-2024", "A", "部门", "10", "信息公开", 2024),
        ("hubin-2026", "9", "镇", "9", "便民服务", 2026),
        ("hubin-2026", "9", "部门", "9", "工作机制", 2026),
        ("hubin-2026", "10", "部门", "10", "信息公开", 2026),
    ], schema=LINE_SCHEMA, orient="row")
    rates = pl.DataFrame([
        ("hubin-2024", "9", "部门", 0.7), ("hubin-2025", "9", "部门", 0.75),
        ("hubin-2026", "9", "部门", 0.85),
        ("hubin-2024", "A", "部门", 0.5), ("hubin-2025", "B", "部门", 0.625),
        ("hubin-2024", "9", "镇", 0.1), ("hubin-2025", "9", "镇", 0.9),
        ("hubin-2026", "9", "镇", 1.0),
    ], schema={"scheme": pl.String, "code": pl.String, "unit_type": pl.String,
               "rate": pl.Float64}, orient="row")
    table = rates_by_year(lines, rates)
    assert table.columns == ["unit_type", "line_code", "name", "2024年", "2025年", "2026年"]
    assert table.rows() == [("镇", "9", "便民服务", None, 90.0, 100.0),
                            ("部门", "9", "工作机制", 70.0, 75.0, 85.0),
                            ("部门", "10", "信息公开", 50.0, 62.5, None)]
    assert rates_by_year(lines, rates.filter(pl.col("scheme") == "other")).is_empty()


def _change_table(at: AppTest) -> pl.DataFrame:
    [table] = [f for f in frames(at) if "变化" in f.columns and "内容" in f.columns]
    return table  # an empty code (a new or dropped indicator) shows as ""


def test_the_method_page_lists_a_one_rubric_schemes_changes(db, monkeypatch):
    """数据与方法 for hubin-2025 against 2024 (years_case's docstring states the changes): one
    rubric scores both types, so no 单位类型 column."""
    at = open_page(db, monkeypatch, "data_method", scheme="hubin-2025", period="year")
    table = _change_table(at)
    assert table.columns == ["变化", "2024年编号", "2025年编号", "指标", "内容"]
    assert table.rows() == [
        ("改编号", "A2", "B2", "信息公开", "A2→B2"),
        ("分值调整", "A1", "A1", "工作机制", "50分→60分"),
        ("分值调整", "A2", "B2", "信息公开", "40分→30分"),
        ("新增", "", "A3", "数据共享", "10分"),
        ("删去", "A4", "", "宣传报道", "10分")]


def test_the_method_page_says_whose_rubric_a_change_is_in(tmp_path, monkeypatch):
    """数据与方法 for duo-2025 (tests/rubrics_case.py: a rubric for 部门, one for 镇 and 街道,
    each numbered from 1): each change with the unit types of its rubric, 各类单位 for the one
    found alike in both. Failed before: 镇's 4 (previous_code 3) was matched to 部门's 3, and the
    table had no unit types."""
    import rubrics_case
    from click.testing import CliRunner

    from egov.cli import main

    db = tmp_path / "egov.duckdb"
    for path in rubrics_case.write_schemes(tmp_path):
        result = CliRunner().invoke(main, ["scheme", "add", "--db", str(db), str(path)])
        assert result.exit_code == 0, result.output
    at = open_page(db, monkeypatch, "data_method", scheme="duo-2025", period="year")
    table = _change_table(at)
    assert table.select("变化", "单位类型", "2024年编号", "2025年编号", "内容").rows() == [
        ("新增", "各类单位", "", "9", "5分"),
        ("分值调整", "部门", "1", "1", "60分→55分"),
        ("新增", "部门", "", "2", "30分"),
        ("删去", "部门", "2", "", "30分"),
        ("改编号", "镇、街道", "3", "4", "3→4"),
        ("更名", "镇、街道", "3", "4", "便民服务→政务服务"),
        ("分值调整", "镇、街道", "2", "2", "30分→20分"),
        ("分值调整", "镇、街道", "3", "4", "20分→25分")]


@pytest.fixture(scope="module")
def targets_db(tmp_path_factory) -> Path:
    """years_case with two targets a year: 2024's figures loaded, none of 2025 yet."""
    return case.build_with_targets(tmp_path_factory.mktemp("years-targets"))


def years_targets(at: AppTest) -> pl.DataFrame:
    [table] = [f for f in frames(at) if "2024年" in f.columns and "目标" in f.columns]
    return table


def test_the_targets_page_shows_earlier_years_before_this_years_first_figure(targets_db,
                                                                             monkeypatch):
    """2025 has no figures yet: one sentence says so, and the years table (case.METRICS_2024:
    T1 达争, T2 完成: a floor alone) has 2025's column as 无数据. Failed before: the page stopped
    at the sentence, so the earlier years were not shown."""
    at = open_page(targets_db, monkeypatch, "targets", scheme="hubin-2025", period="year")
    assert [i.value.replace("\\", "") for i in at.info] == [
        "2025年还没有报送目标数据(目标数据模板 metrics)。"]
    assert "历年目标完成情况" in [s.value for s in at.subheader]
    assert years_targets(at).rows() == [("在全市排名", "达争", "无数据"),
                                        ("公开文件", "完成", "无数据")]
    assert len(at.dataframe) == 1  # no status table of 2025


def test_a_target_without_figures_this_year_reads_no_figures(targets_db, tmp_path, monkeypatch):
    """2025 with T1's March figure only (case.METRICS_2025: 2nd, 达保): T2 stays in the years
    table as 无数据, the word the status table uses. Failed before: T2 was left out."""
    import shutil

    db = tmp_path / "egov.duckdb"
    shutil.copy(targets_db, db)
    case.ingest_metrics(db, tmp_path / "目标数据2025.csv", case.METRICS_2025)
    at = open_page(db, monkeypatch, "targets", scheme="hubin-2025", period="year")
    [status] = [f for f in frames(at) if "状态" in f.columns]
    assert status.select("目标", "状态").rows() == [("在全市排名", "达保"), ("公开文件", "无数据")]
    assert years_targets(at).rows() == [("在全市排名", "达争", "达保"),
                                        ("公开文件", "完成", "无数据")]
