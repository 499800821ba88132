"""The cycle's commands (issue 18): exit codes, columns and hand-computed values.

Warehouse as in test_cycle_selfcheck: yueyang-2017, four 县市区 units; A claims 3 and 3.5 on
indicators 1 and 2 where 2 and 2 were verified, and 2 on 3 (no verified row); B claims what was
verified (2.5); D has a verified row only.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from selfcheck_case import UNITS, YEAREND, write

from egov.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    db = tmp_path / "cli.duckdb"
    code, _, err = run("ingest", "--db", str(db), str(write(tmp_path / "units.csv", UNITS)),
                       str(write(tmp_path / "yearend.csv", YEAREND)))
    assert code == 0, err
    return db


def test_selfcheck_csv_columns_and_values(db):
    code, out, err = run("selfcheck", "--db", str(db), "--scheme", "yueyang-2017", "--year",
                         "2017", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["unit", "unit_type", "indicator", "part", "self_points",
                             "verified_points", "difference"]
    assert [(r["unit"], r["indicator"], r["self_points"], r["verified_points"], r["difference"])
            for r in rows] == [
        ("A县", "2", "3.5", "2.0", "1.5"), ("A县", "1", "3.0", "2.0", "1.0"),
        ("B县", "1", "2.5", "2.5", "0.0"), ("A县", "3", "2.0", "", ""),
        ("D县", "1", "", "2.5", ""), ("A县", "合计", "6.5", "4.0", "2.5"),
        ("B县", "合计", "2.5", "2.5", "0.0")]


def test_selfcheck_json_for_one_unit_and_usage_errors(db):
    code, out, _ = run("selfcheck", "--db", str(db), "--scheme", "yueyang-2017", "--year", "2017",
                       "--unit", "B县", "--format", "json")
    assert code == 0
    assert [(r["indicator"], r["difference"]) for r in json.loads(out)] == [("1", 0.0),
                                                                            ("合计", 0.0)]
    code, _, err = run("selfcheck", "--db", str(db), "--scheme", "yueyang-2017", "--year", "2016")
    assert code == 2 and "2017" in err
    code, _, err = run("selfcheck", "--db", str(db), "--scheme", "yueyang-2017", "--year", "2017",
                       "--unit", "火星县")
    assert code == 2 and "火星县" in err


def test_spotcheck_draws_again_with_the_same_seed_and_refuses_too_many(db):
    args = ["spotcheck", "--db", str(db), "--scheme", "yueyang-2017", "--year", "2017",
            "--units", "2", "--seed", "9", "--weighted"]
    code, first, err = run(*args)
    assert code == 0, err
    code, again, _ = run(*args)
    assert first.splitlines()[1:] == again.splitlines()[1:]
    assert "#1" in first and "#2" in again and "seed 9" in first
    code, out, _ = run("history", "--db", str(db), "--format", "json")
    drawn = [h for h in json.loads(out) if h["kind"] == "spotcheck"]
    assert len(drawn) == 2 and all(h["outcome"] == "抽查 drawn" for h in drawn)
    code, _, err = run("spotcheck", "--db", str(db), "--scheme", "yueyang-2017", "--year",
                       "2017", "--units", "5")
    assert code == 2 and "--units 5" in err


def test_feedback_writes_a_docx_and_its_ledger_or_a_zip(db, tmp_path):
    code, out, err = run("feedback", "--db", str(db), "--scheme", "yueyang-2017", "--year",
                         "2017", "--unit", "A县", "--out", str(tmp_path / "A县.docx"))
    assert code == 0, err
    assert (tmp_path / "A县.docx").exists() and (tmp_path / "A县_整改台账.xlsx").exists()
    code, out, err = run("feedback", "--db", str(db), "--scheme", "yueyang-2017", "--year",
                         "2017", "--out", str(tmp_path / "all.zip"))
    assert code == 0 and "4 个单位" in out
    code, _, err = run("feedback", "--db", str(db), "--scheme", "yueyang-2017", "--year",
                       "2017", "--out", str(tmp_path / "all.docx"))
    assert code == 2 and ".zip" in err


def test_deadline_is_set_recorded_and_checked(db):
    code, out, err = run("deadline", "--db", str(db), "--scheme", "yueyang-2017", "--year",
                         "2017", "--date", "2018-01-20")
    assert code == 0, err
    assert "2018-01-20" in out
    from pipelines.cycle.deadlines import deadline_of

    assert str(deadline_of(db, "yueyang-2017", 2017)) == "2018-01-20"
    code, _, err = run("deadline", "--db", str(db), "--scheme", "yueyang-2017", "--year", "2017",
                       "--date", "2018-02-30")
    assert code == 2 and "--date" in err
    code, out, _ = run("history", "--db", str(db), "--format", "json")
    assert [h["outcome"] for h in json.loads(out) if h["kind"] == "deadline"] == [
        "时限 deadline set"]


def test_user_add_scopes_an_account_to_bodies_or_to_a_unit(tmp_path):
    from pipelines.cycle.accounts import ScopeStore
    from pipelines.cycle.scope import Scope

    db = tmp_path / "egov.duckdb"
    result = CliRunner().invoke(
        main, ["user", "add", "dsj", "--db", str(db), "--role", "editor", "--body", "市大数据中心",
               "--body", "市委网信办", "--password-stdin"], input="a long pass phrase 9\n",
        catch_exceptions=False)
    code = result.exit_code
    assert code == 0
    assert ScopeStore.for_warehouse(db).get("dsj") == Scope(bodies=("市大数据中心", "市委网信办"))
    result = CliRunner().invoke(
        main, ["user", "add", "hr", "--db", str(db), "--role", "unit", "--unit", "华容县",
               "--password-stdin"], input="a long pass phrase 9\n", catch_exceptions=False)
    assert result.exit_code == 0 and "单位 华容县" in result.stdout
    assert ScopeStore.for_warehouse(db).get("hr") == Scope(unit="华容县")
    from pipelines.access.accounts import AccountStore

    assert AccountStore.for_warehouse(db).get("hr").role == "editor"
    bad = CliRunner().invoke(main, ["user", "add", "x", "--db", str(db), "--role", "unit",
                                    "--password-stdin"], input="a long pass phrase 9\n")
    assert bad.exit_code == 2 and "--unit" in bad.stderr
    CliRunner().invoke(main, ["user", "remove", "hr", "--db", str(db)], catch_exceptions=False)
    assert ScopeStore.for_warehouse(db).get("hr") is None
