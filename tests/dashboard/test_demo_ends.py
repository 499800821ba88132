"""The demo ends once real data is loaded (issue 19, pages point 4): `egov demo` opens the sample
warehouse to anonymous readers (EGOV_ANONYMOUS=demo), and that reading stops, without a restart,
as soon as the warehouse holds real data; pages over real units carry no 示例数据 label."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from pipelines.access.accounts import AccountStore
from pipelines.loading import ingest

APP = ROOT / "dashboard" / "app.py"
PASSWORD = "Lantern-Harbour-47"


def open_app(scheme: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["scheme"] = scheme
    return at.run()


def sample_labels(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if "示例数据" in c.value]


def signin_form(at: AppTest) -> bool:
    return any(t.key == "signin-name" for t in at.text_input)


@pytest.fixture()
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample warehouse served as `egov demo` serves it, with an account made."""
    copy = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, copy)
    monkeypatch.setenv("EGOV_DB", str(copy))
    monkeypatch.setenv("EGOV_ANONYMOUS", "demo")
    AccountStore.for_warehouse(copy).add("viewer1", "viewer", PASSWORD)
    return copy


def test_real_data_ends_anonymous_reading_and_the_sample_label(db: Path, demo_dirs,
                                                               tmp_path: Path) -> None:
    at = open_app("huaibei-2019")
    assert not at.exception and not signin_form(at)  # the demo: anyone reads the sample
    assert [t.value for t in at.title] == ["总览"] and sample_labels(at)

    # The office loads its own huaibei-2019 units and year-end scores (not flagged sample).
    office = tmp_path / "office"
    shutil.copytree(demo_dirs["raw"] / "sample" / "huaibei-2019", office)
    ingest(db, sorted(office.iterdir()))

    at = open_app("huaibei-2019")
    assert not at.exception
    # anonymous reading ended, without restarting the server
    assert signin_form(at) and "总览" not in [t.value for t in at.title]
    at.text_input(key="signin-name").input("viewer1")
    at.text_input(key="signin-password").input(PASSWORD)
    at.button[0].click()
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["总览"]
    assert sample_labels(at) == []  # real units: never called 示例数据
