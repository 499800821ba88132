"""Account scopes kept beside the accounts file (pipelines/cycle/accounts.py)."""

from __future__ import annotations

import pytest

from pipelines.cycle.accounts import ScopeError, ScopeStore
from pipelines.cycle.scope import Scope


def test_scopes_are_kept_by_folded_name_and_cleared(tmp_path):
    store = ScopeStore.for_warehouse(tmp_path / "egov.duckdb")
    assert store.path.name == "egov.accounts.scopes.json"
    store.set("DataCenter", bodies=["市大数据中心", " 市委网信办 "])
    assert store.get("ｄａｔａcenter") == Scope(bodies=("市大数据中心", "市委网信办"))
    assert store.describe("datacenter") == "考核单位 市大数据中心、市委网信办"
    store.set("华容", unit="华容县")
    assert store.get("华容") == Scope(unit="华容县") and store.describe("华容") == "单位 华容县"
    store.remove("datacenter")
    assert store.get("DataCenter") is None and store.get(None) is None


def test_a_scope_is_bodies_or_a_unit_not_both(tmp_path):
    store = ScopeStore.for_warehouse(tmp_path / "egov.duckdb")
    with pytest.raises(ScopeError):
        store.set("x", bodies=["市大数据中心"], unit="华容县")
    assert store.get("x") is None


def test_egov_user_scope_changes_an_editors_scope(tmp_path):
    from click.testing import CliRunner

    from egov.cli import main
    from pipelines.access.accounts import AccountStore

    db = tmp_path / "egov.duckdb"
    accounts = AccountStore.for_warehouse(db)
    accounts.add("数据中心", "editor", "a good password")
    accounts.add("读者", "viewer", "a good password")
    scopes = ScopeStore.for_warehouse(db)

    def run(*args: str):
        return CliRunner().invoke(main, ["user", "scope", "--db", str(db), *args])

    done = run("数据中心", "--body", "市大数据中心", "--body", "市委网信办")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.strip() == ("账户范围已更新 scope changed: 数据中心 (考核单位 "
                                   "市大数据中心、市委网信办)")
    assert scopes.get("数据中心") == Scope(bodies=("市大数据中心", "市委网信办"))
    assert run("数据中心", "--unit", "华容县").exit_code == 0  # replaces the bodies
    assert scopes.get("数据中心") == Scope(unit="华容县")
    assert run("数据中心", "--clear").exit_code == 0
    assert scopes.get("数据中心") is None
    # a viewer is not scoped, an unknown account is named: exit 1, nothing kept
    refused = run("读者", "--unit", "华容县")
    assert refused.exit_code == 1 and "只有编辑(editor)账户可以限定范围" in refused.stderr
    assert scopes.get("读者") is None
    missing = run("无此人", "--clear")
    assert missing.exit_code == 1 and "没有这个账户 no such account: 无此人" in missing.stderr
    # one of --body, --unit, --clear: a usage error otherwise
    assert run("数据中心", "--body", "市大数据中心", "--unit", "华容县").exit_code == 2
    assert run("数据中心").exit_code == 2
