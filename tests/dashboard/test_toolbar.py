"""No 「Deploy」 button: `egov demo` (dashboard/serve.py) and a plain `streamlit run` (which reads
.streamlit/config.toml in the project root) both ask for the minimal toolbar."""

from __future__ import annotations

import tomllib

from conftest import ROOT

from dashboard import serve


def test_serve_and_config_agree_on_the_minimal_toolbar():
    cmd = serve.command(8501)
    assert cmd[cmd.index("--client.toolbarMode") + 1] == "minimal"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["toolbarMode"] == "minimal"
    assert config["theme"]["base"] == cmd[cmd.index("--theme.base") + 1]
