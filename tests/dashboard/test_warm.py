"""The server's launcher warms the first page before it serves (issue 19 pages point 7,
dashboard/warm.py): the view it reads is the one the overview shows a visitor who opens the
dashboard without a link, and that visitor's first run reads none of those again."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard import warm
from dashboard.kit import data
from pipelines.notice import warnings as notice_warnings

APP = ROOT / "dashboard" / "app.py"


def test_the_overview_s_first_run_finds_what_the_launcher_read(demo_db: Path,
                                                               monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EGOV_DB", str(demo_db))
    st.cache_data.clear()  # as in a new server process
    reads: list[str] = []  # each warehouse read the pages' cache did not hold, by name

    class Recording(dict):
        def __getitem__(self, name):  # the cached reader's lookup: a cache miss
            reads.append(name)
            return super().__getitem__(name)

    monkeypatch.setattr(data, "_QUERIES", Recording(data._QUERIES))
    computed = []  # the 预警, the costliest part of the overview's first run at 6,000 units
    early = notice_warnings.early_warnings
    monkeypatch.setattr(notice_warnings, "early_warnings",
                        lambda *a, **k: computed.append(a[1:]) or early(*a, **k))

    view = warm.warm(demo_db)
    warmed, reads[:] = set(reads), []
    assert view is not None and computed == [(view.scheme, view.year, view.month)]
    assert {"warehouse.reads.rankings.yearend_ranking", "warehouse.reads.targets.target_status",
            "warehouse.reads.view.schemes"} <= warmed

    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()  # a first visitor, without a query string
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["_egov_filters"] == view  # filters.default_view is the sidebar's
    assert [t.value for t in at.title] == ["总览"]
    assert warmed.isdisjoint(reads), sorted(warmed & set(reads))
    assert len(computed) == 1  # the 预警 came from the cache


def test_a_missing_warehouse_is_not_warmed_and_does_not_stop_the_launch(tmp_path: Path):
    assert warm.warm(tmp_path / "none.duckdb") is None
    warm.warm_logged(tmp_path / "none.duckdb")  # no exception: the server starts regardless
