"""AppTest of the 方案比较 page and of the stability display on the 排名 page."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from egov.cli import main

APP = ROOT / "dashboard" / "app.py"


@pytest.fixture(scope="module")
def draft_db(demo_db: Path, jintan_draft: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse with the 50/50 Jintan draft added as a scheme (jintan-draft)."""
    db = tmp_path_factory.mktemp("lab") / "egov.duckdb"
    shutil.copy(demo_db, db)
    result = CliRunner().invoke(main, ["scheme", "add", "--db", str(db), str(jintan_draft)])
    assert result.exit_code == 0, result.output
    return db


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("EGOV_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params.update(params)
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def frames(at: AppTest) -> list[pl.DataFrame]:
    return [pl.from_pandas(d.value) for d in at.dataframe]


def test_compare_page_with_a_warehouse_scheme(draft_db, monkeypatch):
    at = open_page(draft_db, monkeypatch, "scheme_compare", scheme="jintan-2013", period="year")
    assert [t.value for t in at.title] == ["方案比较"]
    assert any("示例数据" in c.value for c in at.caption)
    at.radio(key="cmp-source").set_value("数据仓库中的其他方案").run()
    assert not at.exception, [e.message for e in at.exception]
    # the demo also holds jintan-2014 (the sample's next year), offered first
    at.selectbox(key="cmp-other").set_value("jintan-draft").run()
    assert at.selectbox(key="cmp-other").value == "jintan-draft"
    assert not at.exception, [e.message for e in at.exception]
    tables = frames(at)
    units = next(t for t in tables if "草案名次" in t.columns)
    assert units.height == 32
    assert (units["名次变化"] == units["现行名次"] - units["草案名次"]).all()
    corr = next(t for t in tables if "Spearman 相关" in t.columns)
    assert set(corr["单位类型"]) == {"区镇", "政府部门", "垂直管理单位", "广播电视台"}
    changes = next(t for t in tables if "改动" in t.columns)
    assert "阶段权重 stage weights" in changes["改动"].to_list()
    unscored = next(t for t in tables if "原因" in t.columns)
    assert set(unscored["项目"]) == {"指标 1"}
    slopes = list(at.main.get("vega_lite_chart"))
    assert len(slopes) == 4  # one slope chart per unit type
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["比较的单位"] == "32"


def test_compare_page_waits_for_an_upload(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "scheme_compare", scheme="jintan-2013", period="year")
    assert at.radio(key="cmp-source").value == "上传草案文件"
    assert not list(at.main.get("vega_lite_chart"))
    at.radio(key="cmp-source").set_value("数据仓库中的其他方案").run()
    # The demo's other scheme for Jintan's unit types is the sample's next year (jintan-2014)
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="cmp-other").value == "jintan-2014"


def test_upload_path_compares_and_reports_a_bad_draft(demo_db, jintan_draft):
    from pipelines.inputs.problems import InputRejected
    from pipelines.scheme_lab import compare_draft_bytes

    result = compare_draft_bytes(demo_db, "jintan-2013", "金坛草案.yaml",
                                 jintan_draft.read_bytes())
    assert result.draft == "jintan-draft" and result.units.height == 32
    bad = jintan_draft.read_text(encoding="utf-8").replace("  weight: 0.5\n", "  weight: 0.9\n", 1)
    with pytest.raises(InputRejected) as err:
        compare_draft_bytes(demo_db, "jintan-2013", "坏草案.yaml", bad.encode())
    assert any("stage weights must sum to 1" in p.problem_en for p in err.value.problems)


def test_rankings_show_the_stability_interval_and_its_chart(demo_db, monkeypatch):
    from pipelines.engine.stability import rank_stability
    from pipelines.loading import open_state, score_state

    at = open_page(demo_db, monkeypatch, "rankings", scheme="jintan-2013", period="year")
    tables = [t for t in frames(at) if "稳定区间" in t.columns]
    assert len(tables) == 4  # one ranking table per unit type, each with the interval column
    columns = tables[0].columns
    assert columns.index("稳定区间") == columns.index("排名") + 1
    # The column says what the pipeline computed for each unit.
    schemes, results = score_state(open_state(demo_db))
    jintan = next(s for s in schemes if s.id == "jintan-2013")
    expected = {r["unit"]: (r["rank_p05"], r["rank_p95"])
                for r in rank_stability(jintan, results).units.iter_rows(named=True)}
    for table in tables:
        for unit, text in zip(table["单位"], table["稳定区间"], strict=True):
            lo, hi = expected[unit]
            assert text == (f"第{lo}名" if lo == hi else f"第{lo}–{hi}名")
    assert [h.value for h in at.header] == ["排名稳定性"]
    subheads = [s.value for s in at.subheader]
    assert "政府部门:稳定区间" in subheads and "指标的名义权重与有效权重" in subheads
    assert len(list(at.main.get("vega_lite_chart"))) == 8  # 4 rankings + 4 interval charts
    weights = next(t for t in frames(at) if "有效权重(%)" in t.columns)
    assert weights.height == 128


def test_monthly_rankings_have_no_interval(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "rankings", scheme="jintan-2013", period="2013-06")
    assert not [t for t in frames(at) if "稳定区间" in t.columns]
    assert not at.header
