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
