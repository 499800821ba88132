"""The dashboard listens on this machine only unless told otherwise (issue 11, defect 14)."""

from __future__ import annotations

from dashboard import serve


def _address(cmd: list[str]) -> str:
    return cmd[cmd.index("--server.address") + 1]


def test_default_is_localhost(monkeypatch):
    monkeypatch.delenv("EGOV_ADDRESS", raising=False)
    assert _address(serve.command(8501)) == "127.0.0.1"


def test_office_network_by_option_or_environment(monkeypatch):
    monkeypatch.delenv("EGOV_ADDRESS", raising=False)
    assert _address(serve.command(8501, "0.0.0.0")) == "0.0.0.0"
    monkeypatch.setenv("EGOV_ADDRESS", "192.168.1.20")
    assert _address(serve.command(8501)) == "192.168.1.20"


def test_egov_demo_passes_the_address(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from egov.cli import main

    seen = {}
    monkeypatch.setattr(serve, "run", lambda db, **kw: seen.update(kw))
    db = tmp_path / "egov.duckdb"
    db.write_bytes(b"")  # exists: demo does not build the sample
    assert CliRunner().invoke(main, ["demo", "--db", str(db), "--address", "0.0.0.0",
                                     "--no-browser"]).exit_code == 0
    assert seen["address"] == "0.0.0.0"
    assert CliRunner().invoke(main, ["demo", "--db", str(db), "--no-browser"]).exit_code == 0
    assert seen["address"] is None  # serve.run falls back to 127.0.0.1 / EGOV_ADDRESS
