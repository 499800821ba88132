"""The 预警 on the 总览 page and the rules on the 数据与方法 page, through Streamlit's AppTest."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.sections import alerts
from pipelines.notice import warnings as warn

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EGOV_DB", str(demo_db))

    def open_app(page: str = "overview", **params: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.query_params.update(params)
        at.run()
        if page != "overview":
            at.switch_page(f"views/{page}.py").run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return open_app


def test_overview_shows_a_screen_of_warnings_in_order_and_the_rest_behind_a_filter(app,
                                                                                  demo_db):
    at = app(scheme="jintan-2013", period="2013-06")
    frame = warn.early_warnings(demo_db, "jintan-2013", 2013, "2013-06")
    assert frame.height > 8
    lines = [t.value for t in at.main.text if "：" in t.value]
    want = [r["subject"] + (f"({r['unit_type']})" if r["unit_type"] else "") + "：" + r["detail"]
            for r in frame.head(8).iter_rows(named=True)]
    assert lines == want                         # a screen, ranked by consequence
    rest = [e for e in at.main.expander if e.label.startswith("其余")]
    assert [e.label for e in rest] == [f"其余 {frame.height - 8} 条预警(按类别筛选,可导出 XLSX)"]
    # the rest is read and drawn only when the expander is opened
    assert not [d for d in at.main.dataframe if "说明" in d.value.columns]
    at.session_state[alerts.REST_KEY] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    # the table's 说明 is read whole: rows tall enough for Streamlit to wrap a cell's text
    # (taller than 4rem), not cut at the column's edge (pages point 6)
    table = next(d for d in at.main.dataframe if "说明" in d.value.columns)
    assert table.proto.row_height > 64
    assert table.value["说明"].tolist() == frame["detail"].to_list()[8:]  # every other kind


def test_method_page_states_the_warning_rules(app):
    at = app("data_method", scheme="jintan-2013", period="year")
    assert "预警规则" in [h.value for h in at.main.subheader]
    notes = next(d for d in at.main.dataframe if {"适用范围", "解释"} <= set(d.value.columns))
    assert notes.proto.row_height > 64                 # long 解释 wrap, not cut
    text = " ".join(m.value for m in at.main.markdown)
    assert "低20个百分点及以上" in text and "384" in text


def test_notice_button_shows_its_steps_then_offers_the_draft(app, demo_db):
    from pipelines.notice import build_notice

    steps: list[tuple[float, str]] = []
    build_notice(demo_db, "jintan-2013", 2013, progress=lambda s, w: steps.append((s, w)))
    shares = [s for s, _ in steps]
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] == 1.0
    assert any("附件" in w for _, w in steps)
    at = app(scheme="jintan-2013", period="2013-06")
    def notice_downloads() -> list:
        return [d for d in at.get("download_button") if d.key == "notice-docx"]

    assert not notice_downloads()                   # nothing built yet
    at.sidebar.button(key="notice-build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    downloads = notice_downloads()
    assert len(downloads) == 1 and downloads[0].label == "下载通报 Word 稿"
    view, name, data = at.session_state["notice-docx-built"]
    assert name.endswith("_2013年6月_示例数据.docx") and data[:2] == b"PK"


def test_notice_download_is_named_for_the_schemes_evaluation(app):
    """Yueyang's draft is named for its 政务公开政务服务 evaluation, as its 通报 is titled (it was
    岳阳市电子政务绩效考核通报_2017年度…, whatever the scheme)."""
    at = app(scheme="yueyang-2017")
    at.sidebar.button(key="notice-build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    _, name, _ = at.session_state["notice-docx-built"]
    assert name == "岳阳市政务公开政务服务工作考评通报_2017年度_示例数据.docx"


def test_overview_names_first_and_last_of_each_type_for_the_month_shown(app, demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    month = con.sql("SELECT unit, unit_type, points, rank FROM monthly_points WHERE scheme = "
                    "'jintan-2013' AND month = '2013-06'").pl()
    con.close()
    at = app(scheme="jintan-2013", period="2013-06")
    metrics = {m.label: m.value for m in at.main.metric}
    top, bottom = month["points"].max(), month["points"].min()
    assert metrics["最高 / 最低(2013年6月得分)"] == f"{top:g} / {bottom:g}"
    table = next(pl.from_pandas(t.value) for t in at.table  # a plain table (pages point 7)
                 if "第一名" in list(t.value.columns))
    for r in table.iter_rows(named=True):
        part = month.filter(pl.col("unit_type") == r["单位类型"])
        first = sorted(part.filter(pl.col("rank") == part["rank"].min())["unit"])
        assert r["第一名"] == "、".join(first)
        if part.height > 1:
            last = sorted(part.filter(pl.col("rank") == part["rank"].max())["unit"])
            assert r["末位"] == "、".join(last)
        else:
            assert not r["末位"]                      # one unit: no last
    assert "直溪镇" in table.filter(pl.col("单位类型") == "区镇")["末位"][0]


def test_after_a_revert_the_batch_is_no_longer_chosen_or_armed_and_is_marked(demo_db, tmp_path,
                                                                             monkeypatch):
    import shutil as sh

    from pipelines.access.accounts import AccountStore
    from pipelines.loading import ingest

    db = tmp_path / "egov.duckdb"
    sh.copy(demo_db, db)
    monkeypatch.setenv("EGOV_DB", str(db))
    monkeypatch.delenv("EGOV_ANONYMOUS", raising=False)
    AccountStore.for_warehouse(db).add("editor1", "editor", "a good password 1")
    fix = tmp_path / "更正.csv"
    fix.write_bytes(("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                     "jintan-2013,2013-06,金城镇,1,777,0,0\n").encode())
    ingest(db, [fix])
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["scheme"] = "jintan-2013"
    at.run()
    at.text_input(key="signin-name").input("editor1")
    at.text_input(key="signin-password").input("a good password 1")
    at.button[0].click()
    at.run()
    at.switch_page("views/upload.py").run()
    assert not at.exception, [e.message for e in at.exception]
    loaded = at.selectbox(key="up-revert-batch").value
    at.checkbox(key="up-revert-sure").check().run()
    at.button(key="up-revert").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(f"已撤销批次 {loaded}" in s.value for s in at.success)
    # the reverted batch is not offered, not chosen, and the confirmation is not ticked
    assert at.selectbox(key="up-revert-batch").value != loaded
    assert not at.checkbox(key="up-revert-sure").value
    assert at.button(key="up-revert").disabled
    # the list of batches marks it reverted, and the revert as the batch that reverted it
    batches = next(pl.from_pandas(d.value) for d in at.dataframe
                   if "状态" in list(d.value.columns))
    status = dict(zip(batches["批次"], batches["状态"], strict=True))
    revert_batch = at.selectbox(key="up-revert-batch").value
    assert status[loaded].startswith("已被批次") and status[revert_batch] == f"撤销批次 {loaded}"


def test_compare_page_offers_the_scheme_in_force_as_a_draft_and_heads_by_name(
        demo_db, jintan_draft, tmp_path, monkeypatch):
    import yaml
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from dashboard.lab import lab_data
    from egov.cli import main

    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    result = CliRunner().invoke(main, ["scheme", "add", "--db", str(db), str(jintan_draft)])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("EGOV_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params.update({"scheme": "jintan-2013", "period": "year"})
    at.run()
    at.switch_page("views/scheme_compare.py").run()
    assert not at.exception, [e.message for e in at.exception]
    keys = {d.key for d in at.get("download_button")}
    assert {"cmp-draft-yaml", "cmp-draft-xlsx"} <= keys
    # what the buttons give: the scheme in force, as egov scheme export writes it
    text = lab_data.scheme_draft(db, "jintan-2013", ".yaml").decode("utf-8")
    assert yaml.safe_load(text)["id"] == "jintan-2013"
    book = tmp_path / "draft.xlsx"
    book.write_bytes(lab_data.scheme_draft(db, "jintan-2013", ".xlsx"))
    assert load_workbook(book).sheetnames
    # compared with the draft in the warehouse: headed by names, never by ids
    at.radio(key="cmp-source").set_value("数据仓库中的其他方案").run()
    assert not at.exception, [e.message for e in at.exception]
    heads = [h.value for h in at.subheader]
    assert "金坛市电子政务绩效考核办法(试行) → 草案「" in heads[0]
    assert not any("jintan-2013" in h or "jintan-draft" in h for h in heads)
