"""`egov serve` for a real warehouse (issue 22, item 12): no sample data, no demo account, no
anonymous reading set, and no start on an address other machines reach before an account
exists; the container image, compose file and Caddyfile wired as README's deployment says."""

from __future__ import annotations

import ipaddress
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT

from dashboard import serve as server
from egov.cli import main
from pipelines.access.accounts import AccountStore

PASSWORD = "correct horse battery staple"


@pytest.fixture()
def started(monkeypatch):
    """Records the server start instead of starting one."""
    calls = []
    monkeypatch.setattr(server, "run", lambda db, **kw: calls.append((db, kw)))
    monkeypatch.delenv("EGOV_ADDRESS", raising=False)
    return calls


@pytest.fixture()
def real_db(demo_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "office" / "egov.duckdb"
    db.parent.mkdir()
    shutil.copy(demo_db, db)
    return db


def test_serve_refuses_the_network_without_an_account(real_db, started):
    result = CliRunner().invoke(main, ["serve", "--db", str(real_db), "--address", "0.0.0.0",
                                       "--no-browser"])
    assert result.exit_code == 1, result.output
    assert "egov user add" in result.output and "未启动" in result.output
    assert started == []
    assert not AccountStore.for_warehouse(real_db).has_accounts()  # no demo account made


def test_serve_with_an_account_serves_the_network_without_anonymous_readers(real_db, started):
    AccountStore.for_warehouse(real_db).add("管理员", "admin", PASSWORD)
    result = CliRunner().invoke(main, ["serve", "--db", str(real_db), "--address", "0.0.0.0",
                                       "--no-browser"])
    assert result.exit_code == 0, result.output
    (db, kw), = started
    assert db == real_db and kw["address"] == "0.0.0.0" and kw["anonymous_viewers"] is False
    assert [a.name for a in AccountStore.for_warehouse(real_db).list()] == ["管理员"]


def test_serve_on_this_machine_needs_no_account_but_builds_nothing(tmp_path, real_db, started):
    result = CliRunner().invoke(main, ["serve", "--db", str(real_db), "--no-browser"])
    assert result.exit_code == 0 and started[0][1]["address"] == "127.0.0.1"
    missing = tmp_path / "none.duckdb"
    result = CliRunner().invoke(main, ["serve", "--db", str(missing), "--no-browser"])
    assert result.exit_code == 1 and "egov demo" in result.output
    assert not missing.exists()  # no sample warehouse built


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("::1", True), ("localhost", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("192.168.1.20", False), ("::", False), ("egov.example.gov.cn", False)])
def test_loopback(address, loopback):
    assert server.is_loopback(address) is loopback


def test_compose_puts_the_dashboard_behind_caddy_with_data_on_volumes():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    egov, caddy = services["egov"], services["caddy"]
    assert "ports" not in egov  # reached through the proxy only
    assert egov["expose"] == ["8501"]
    assert {"egov-data:/data", "egov-backups:/backups"} <= set(egov["volumes"])
    assert egov["environment"]["EGOV_DB"].startswith("/data/")
    health = " ".join(egov["healthcheck"]["test"])
    assert "http://127.0.0.1:8501/_stcore/health" in health
    assert caddy["image"].startswith("caddy:")
    assert "443:443" in caddy["ports"]
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert caddy["depends_on"]["egov"]["condition"] == "service_healthy"
    assert set(compose["volumes"]) >= {"egov-data", "egov-backups", "caddy-data"}
    caddyfile = (ROOT / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"reverse_proxy\s+egov:8501", caddyfile)


def test_compose_trusts_forwarded_addresses_from_caddy_alone():
    """The dashboard takes the client address (sign-in throttling) from X-Forwarded-For only
    from Caddy's fixed address: not from everyone (*), not from a default that is not Caddy."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    egov, caddy = compose["services"]["egov"], compose["services"]["caddy"]
    trusted = egov["environment"]["FORWARDED_ALLOW_IPS"]
    (network, settings), = caddy["networks"].items()
    assert trusted == settings["ipv4_address"]
    assert network in egov["networks"]
    subnet = compose["networks"][network]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(trusted) in ipaddress.ip_network(subnet)


def test_the_image_serves_the_warehouse_on_its_volume():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, flags=re.M)
    assert cmd
    args = yaml.safe_load(cmd.group(1))
    assert args[:2] == ["egov", "serve"]
    assert args[args.index("--db") + 1] == "/data/warehouse/egov.duckdb"
    assert args[args.index("--port") + 1] == "8501"
    assert "uv sync --frozen --no-dev" in dockerfile and "USER egov" in dockerfile
    assert "/_stcore/health" in dockerfile
    assert ".venv" in (ROOT / ".dockerignore").read_text(encoding="utf-8")


def test_the_served_dashboard_watches_no_files():
    """egov demo / serve start Streamlit without its file watcher: watching walked the paths of
    every imported module after each new session's first run (0.3–0.6 s of CPU a visitor, see
    dashboard/serve.py) for a reload an office's server never needs."""
    cmd = server.command(8501)
    assert cmd[cmd.index("--server.fileWatcherType") + 1] == "none"
