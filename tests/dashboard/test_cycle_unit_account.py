"""A unit account (an editor scoped to one unit, pipelines/cycle/accounts.py) in the dashboard,
through AppTest: only its own unit's pages, its own unit whatever the URL asks, its own rows on
the cycle pages, and only its own 自评 and 整改台账 rows load from its uploads."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest
from test_access_dashboard import sign_in

from pipelines.access.accounts import AccountStore
from pipelines.cycle.accounts import ScopeStore

APP = ROOT / "dashboard" / "app.py"
PASSWORD = "unit account pass 7"
UNIT, OTHER = "华容县", "平江县"


@pytest.fixture()
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, copy)
    monkeypatch.setenv("EGOV_DB", str(copy))
    monkeypatch.delenv("EGOV_ANONYMOUS", raising=False)
    AccountStore.for_warehouse(copy).add("hr", "editor", PASSWORD)
    ScopeStore.for_warehouse(copy).set("hr", unit=UNIT)
    return copy


def signed_in(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"scheme": "yueyang-2017", **params})
    at.run()
    return sign_in(at, "hr", PASSWORD)


def test_a_unit_account_gets_only_its_own_pages_and_no_all_unit_materials(db):
    at = signed_in()
    assert not at.exception, [e.message for e in at.exception]
    labels = [b.label for b in at.sidebar.button] + [b.label for b in at.get("download_button")]
    assert not any("通报" in label or "简报" in label or "材料" in label for label in labels)
    with pytest.raises(ValueError, match="Known pages") as err:  # not in its navigation
        at.switch_page("views/rankings.py")
    known = str(err.value).split("Known pages: ", 1)[1]
    assert [Path(p).name for p in known.strip(" .[]").replace("'", "").split(", ")] == [
        "unit_profile.py", "self_check.py", "rectification.py", "upload.py"]


def test_a_unit_account_cannot_open_another_unit_by_url(db):
    at = signed_in(unit=OTHER)
    at.switch_page("views/unit_profile.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="up-unit").options == [UNIT]
    assert at.selectbox(key="up-unit").value == UNIT
    labels = [b.label for b in at.get("download_button")]
    assert f"{UNIT} 反馈单与整改台账" in labels and "全部单位反馈单(.zip)" not in labels


def test_the_cycle_pages_show_only_the_units_own_rows(db):
    at = signed_in()
    at.switch_page("views/rectification.py").run()
    assert not at.exception, [e.message for e in at.exception]
    for frame in (pl.from_pandas(d.value) for d in at.dataframe):
        if "单位" in frame.columns:
            assert set(frame["单位"].to_list()) <= {UNIT}
    warnings = " ".join(w.value for w in at.warning)
    assert OTHER not in warnings
    at.switch_page("views/self_check.py").run()
    for frame in (pl.from_pandas(d.value) for d in at.dataframe):
        if "单位" in frame.columns:
            assert set(frame["单位"].to_list()) <= {UNIT}
