"""The cycle's pages (自评与核实, 报送进度, 整改) and the 单位 page's 反馈单 section, by AppTest
on the sample warehouse (pipelines/cycle/sample.py: 自评 with differences, two bodies behind in
shengzhou with a deadline in 3 days, a yueyang ledger with open, done and overdue items)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from pipelines.cycle.ledger import items
from pipelines.cycle.selfcheck import TOTAL, selfcheck

APP = ROOT / "dashboard" / "app.py"


@pytest.fixture
def open_page(demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EGOV_DB", str(demo_db))

    def run(page: str, **params: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.query_params.update(params)
        at.run()
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return run


def frames(at: AppTest) -> list[pl.DataFrame]:
    return [pl.from_pandas(d.value) for d in at.dataframe]


def test_self_check_page_shows_the_units_totals_and_largest_gaps_first(open_page, demo_db):
    at = open_page("self_check", scheme="yueyang-2017")
    expected = selfcheck(demo_db, "yueyang-2017", 2017)
    totals = expected.filter(pl.col("indicator") == TOTAL)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["报送自评的单位"] == str(totals.height)
    shown_totals, shown_rows, *_ = frames(at)
    assert shown_totals["单位"].to_list() == totals["unit"].to_list()
    assert shown_totals["差值"].to_list() == pytest.approx(totals["difference"].to_list())
    gaps = shown_rows["差值"].drop_nulls().abs().to_list()
    assert gaps == sorted(gaps, reverse=True) and gaps[0] > 0


def test_self_check_page_says_why_it_is_empty(open_page):
    at = open_page("self_check", scheme="huaibei-2019")  # the sample has no 自评 for huaibei
    assert "还没有单位报送自评" in " ".join(i.value for i in at.info)


def test_progress_page_warns_of_the_two_bodies_behind(open_page):
    at = open_page("progress", scheme="shengzhou-2020")
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert len(warnings) == 2
    assert any(w.startswith("市委办(档案局):已报 30/42 行") for w in warnings)
    assert any(w.startswith("市委政法委:已报 62/82 行") for w in warnings)
    assert all("还有 3 天" in w for w in warnings)
    bodies = frames(at)[0]
    assert bodies["考核单位"][:2].to_list() == ["市委办(档案局)", "市委政法委"]  # least first
    assert "报送时限" in " ".join(c.value for c in at.sidebar.caption)


def test_rectification_page_counts_open_done_and_overdue(open_page, demo_db):
    at = open_page("rectification", scheme="yueyang-2017")
    ledger = items(demo_db, "yueyang-2017", 2017)
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics == {"整改事项": ledger.height,
                       "已完成": int((ledger["state"] == "done").sum()),
                       "未完成(未到期)": int((ledger["state"] == "open").sum()),
                       "已逾期": int((ledger["state"] == "overdue").sum())}
    assert min(metrics.values()) > 0
    warnings = [w.value.replace("\\", "") for w in at.warning]
    overdue = [w for w in warnings if "已过" in w and "完成时限" in w]
    no_ledger = [w for w in warnings if "尚未报送整改台账" in w]
    assert len(overdue) == metrics["已逾期"] and len(no_ledger) == 3


def test_unit_page_offers_the_feedback_sheet(open_page):
    at = open_page("unit_profile", scheme="yueyang-2017")
    at.selectbox(key="up-unit").set_value("华容县").run()
    assert "反馈单" in [s.value for s in at.subheader]
    labels = [b.label for b in at.get("download_button")]
    assert "华容县 反馈单与整改台账" in labels and "全部单位反馈单(.zip)" in labels
