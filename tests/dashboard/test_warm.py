"""The server's launcher warms the first page before it serves (issue 19 pages point 7,
dashboard/warm.py): the view it reads is the one the overview shows a visitor who opens the
dashboard without a link, and that visitor's first run reads none of those again."""

from __future__ import annotations

import functools
import sys
import threading
import time
import traceback
from pathlib import Path

import pytest
import streamlit as st
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard import warm
from dashboard.charts import charts
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

    built: list[str] = []  # charts built (their spec is cached): by the warming, not the page
    for name in ("movers", "grade_distribution"):
        builder = getattr(charts, name)
        monkeypatch.setattr(charts, name, functools.wraps(builder)(
            lambda *a, _name=name, _builder=builder, **k: built.append(_name)
            or _builder(*a, **k)))

    view = warm.warm(demo_db)
    warmed, reads[:] = set(reads), []
    assert sorted(built) == ["grade_distribution", "movers"]
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
    assert sorted(built) == ["grade_distribution", "movers"]  # both charts too


def test_a_missing_warehouse_is_not_warmed_and_does_not_stop_the_launch(tmp_path: Path):
    assert warm.warm(tmp_path / "none.duckdb") is None
    warm.warm_logged(tmp_path / "none.duckdb")  # no exception: the server starts regardless


def test_a_page_run_waits_for_the_warming_reads_and_then_reads_nothing_again(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    """The launcher's order (dashboard/launch.py): the reads start in their thread once the
    runtime has started (`ready`), and a page run begun meanwhile waits for them, then finds the
    caches filled: the 预警 is computed once, by the warming thread."""
    monkeypatch.setenv("EGOV_DB", str(demo_db))
    st.cache_data.clear()
    computing_threads: list[str] = []
    early = notice_warnings.early_warnings
    monkeypatch.setattr(notice_warnings, "early_warnings",
                        lambda *a, **k: computing_threads.append(
                            threading.current_thread().name) or early(*a, **k))
    warm.import_first_page_modules()
    gate = threading.Event()
    thread = warm.start_reading(demo_db, ready=gate.is_set, poll=0.01)
    try:
        at = AppTest.from_file(str(APP), default_timeout=90)
        visitor = threading.Thread(target=at.run)
        visitor.start()
        deadline = time.monotonic() + 30
        while not _a_thread_is_in("wait_until_warm"):  # the page run, stopped at its start
            assert visitor.is_alive() and time.monotonic() < deadline, "the page did not wait"
            time.sleep(0.01)
        assert computing_threads == []
    finally:
        gate.set()
    thread.join(60)
    visitor.join(90)
    assert not thread.is_alive() and not visitor.is_alive()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["总览"]
    assert computing_threads == [warm.THREAD_NAME]


def test_failed_warming_reads_release_the_waiting_pages(tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture):
    broken = tmp_path / "egov.duckdb"
    broken.write_text("not a warehouse", encoding="utf-8")
    thread = warm.start_reading(broken, ready=lambda: True)
    thread.join(30)
    assert not thread.is_alive()
    started = time.monotonic()
    warm.wait_until_warm(limit=5)
    assert time.monotonic() - started < 1  # released, not timed out
    assert "warming the first page failed" in caplog.text


def test_a_page_waits_no_longer_than_the_limit(caplog: pytest.LogCaptureFixture,
                                               tmp_path: Path):
    gate = threading.Event()
    thread = warm.start_reading(tmp_path / "none.duckdb", ready=gate.is_set, poll=0.01)
    try:
        started = time.monotonic()
        warm.wait_until_warm(limit=0.2)
        assert 0.2 <= time.monotonic() - started < 2
        assert "took over" in caplog.text
    finally:
        gate.set()
        thread.join(30)
    warm.wait_until_warm(limit=0)  # over: no wait, no warning


def test_the_runtime_check_is_false_without_a_streamlit_runtime():
    assert warm.runtime_started() is False


def _a_thread_is_in(function: str) -> bool:
    """Whether some thread of this process is now inside a call of `function`."""
    return any(function in {f.f_code.co_name for f, _ in traceback.walk_stack(frame)}
               for frame in sys._current_frames().values())


def test_the_direct_run_check_is_skipped(monkeypatch: pytest.MonkeyPatch):
    """Streamlit's check at a process's first element (inspect.stack over every frame: 0.27 s
    of the first visitor's run) is marked done by the launcher. Fails when a Streamlit upgrade
    renames the flag: look at `skip_direct_run_check` again."""
    from streamlit import delta_generator, env_util

    assert hasattr(delta_generator, "_use_warning_has_been_displayed")
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    checked: list[bool] = []
    monkeypatch.setattr(env_util, "is_repl", lambda: checked.append(True) or False)
    warm.skip_direct_run_check()
    delta_generator._maybe_print_use_warning()
    assert checked == []
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    delta_generator._maybe_print_use_warning()
    assert checked == [True]  # without the launcher's step, the check runs
