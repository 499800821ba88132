"""A visitor never sees a traceback or a server path (issue 22, item 3): Streamlit's error details
are off outside development, and an unexpected error in a page shows a short Chinese message
with an id that the server log holds with the traceback."""

from __future__ import annotations

import logging
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard import serve
from dashboard.kit import widgets

APP = ROOT / "dashboard" / "app.py"


def test_error_details_are_off_outside_development(monkeypatch):
    monkeypatch.delenv("EGOV_DEBUG", raising=False)
    cmd = serve.command(8501)
    assert cmd[cmd.index("--client.showErrorDetails") + 1] == "none"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    monkeypatch.setenv("EGOV_DEBUG", "1")
    cmd = serve.command(8501)
    assert cmd[cmd.index("--client.showErrorDetails") + 1] == "full"


def test_the_server_imports_the_pages_libraries_before_any_session():
    cmd = serve.command(8501)
    assert cmd[1:4] == ["-m", "dashboard.launch", "run"]


@pytest.mark.error_page
def test_a_page_error_shows_an_id_the_log_holds(demo_db, tmp_path, monkeypatch, caplog):
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("EGOV_DB", str(db))
    monkeypatch.delenv("EGOV_ANONYMOUS", raising=False)

    def broken(*args, **kwargs):
        raise RuntimeError("boom in /srv/egov/secret/path.py")

    monkeypatch.setattr(widgets, "page_header", broken)
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["scheme"] = "jintan-2013"
    with caplog.at_level(logging.ERROR, logger="egov.dashboard"):
        at.run()
        at.switch_page("views/rankings.py").run()
    assert not at.exception, [e.value for e in at.exception]  # Streamlit's own error box
    shown = [e.value for e in at.error if "页面出错了" in e.value]
    assert shown, [e.value for e in at.error]
    found = re.search(r"错误编号 (E-\d{8}-\d{6}-[0-9a-f]{4})", shown[-1])
    assert found, shown[-1]
    assert "boom" not in shown[-1] and "/srv" not in shown[-1] and "Traceback" not in shown[-1]
    logged = [r for r in caplog.records if r.name == "egov.dashboard"
              and found.group(1) in r.getMessage()]
    assert logged and logged[-1].exc_info is not None
    assert "boom in /srv/egov/secret/path.py" in str(logged[-1].exc_info[1])


@pytest.mark.parametrize("module", ["dashboard.preload", "dashboard.launch"])
def test_the_launcher_modules_import(module):
    __import__(module)
    assert Path(ROOT / "dashboard" / "launch.py").is_file()
