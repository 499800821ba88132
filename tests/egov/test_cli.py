"""The command line of docs/contract.md: columns, exit codes, all-or-nothing loads, golden
outputs."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil

import pytest
from click.testing import CliRunner
from conftest import TESTS

from egov.cli import main

GOLDEN = TESTS / "golden"
SCHEME_YEARS = {"jintan-2013": 2013, "yueyang-2017": 2017, "shengzhou-2020": 2020,
                "huaibei-2019": 2019}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("scheme", sorted(SCHEME_YEARS))
def test_yearend_scores_csv_matches_golden(demo_db, scheme):
    """`egov scores` CSV: the contract's columns first, one row per unit, and exactly the golden
    file (regenerate with EGOV_UPDATE_GOLDEN=1 after a deliberate change to rules or sample)."""
    code, out, err = run("scores", "--db", str(demo_db), "--scheme", scheme, "--year",
                         str(SCHEME_YEARS[scheme]), "--format", "csv")
    assert code == 0, err
    header = out.splitlines()[0].split(",")
    assert header[:7] == ["scheme", "year", "unit", "unit_type", "total", "grade", "rank"]
    golden = GOLDEN / f"scores-{scheme}.csv"
    if os.environ.get("EGOV_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_ranks_share_the_best_place_on_ties_and_restart_per_unit_type(demo_db):
    code, out, _ = run("scores", "--db", str(demo_db), "--scheme", "yueyang-2017", "--year",
                       "2017", "--format", "csv")
    rows = parse_csv(out)
    for unit_type in {r["unit_type"] for r in rows}:
        of_type = [r for r in rows if r["unit_type"] == unit_type]
        totals = [float(r["total"]) for r in of_type]
        ranks = [int(r["rank"]) for r in of_type]
        assert ranks[0] == 1
        assert totals == sorted(totals, reverse=True)
        for i in range(1, len(of_type)):  # competition ranking: 1, 2, 2, 4
            expected = ranks[i - 1] if totals[i] == totals[i - 1] else i + 1
            assert ranks[i] == expected


def test_monthly_scores_columns_and_unit_type_filter(demo_db):
    code, out, err = run("scores", "--db", str(demo_db), "--scheme", "jintan-2013", "--year",
                         "2013", "--month", "2013-06", "--unit-type", "区镇", "--format", "csv")
    assert code == 0, err
    rows = parse_csv(out)
    assert list(rows[0])[:7] == ["scheme", "month", "unit", "unit_type", "points", "ytd_points",
                                 "rank"]
    assert {r["unit_type"] for r in rows} == {"区镇"}
    assert all(r["month"] == "2013-06" for r in rows)
    assert float(rows[0]["points"]) >= float(rows[-1]["points"])


def test_scores_json_and_table(demo_db):
    code, out, _ = run("scores", "--db", str(demo_db), "--scheme", "huaibei-2019", "--year",
                       "2019", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data) == 16 and data[0]["rank"] == 1
    code, out, _ = run("scores", "--db", str(demo_db), "--scheme", "huaibei-2019", "--year", "2019")
    assert code == 0 and "市直单位" in out


def test_schemes_json_shows_the_seeds_category_sums(tmp_path):
    """A new --db is created holding every built-in scheme; categories as DOMAIN.md sums them."""
    code, out, err = run("schemes", "--db", str(tmp_path / "new.duckdb"), "--format", "json")
    assert code == 0, err
    found = {s["scheme"]: s for s in json.loads(out)}
    assert set(found) == set(SCHEME_YEARS)

    def sums(scheme):
        return [[c["max_points"] for c in r["categories"]] for r in found[scheme]["rubrics"]]

    assert sums("jintan-2013") == [[7, 13, 25, 20, 20, 6, 6.5, 2.5]]
    assert sums("yueyang-2017") == [[15, 35, 39, 6, 5], [10, 35, 50, 5]]
    assert sums("shengzhou-2020") == [[10, 25, 7, 3, 21, 30, 4], [5, 20, 15, 13, 2, 30, 10, 5]]
    assert sums("huaibei-2019") == [[14, 6, 42, 28, 10]]
    assert found["jintan-2013"]["rubrics"][0]["categories"][0]["name"] == "组织管理"
    for s in found.values():
        for r in s["rubrics"]:
            assert r["max_points"] == 100 == sum(c["max_points"] for c in r["categories"])
    assert found["yueyang-2017"]["rubrics"][0]["unit_types"] == ["县市区"]


def test_invalid_input_exits_1_and_leaves_the_warehouse_as_it_was(demo_db, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    before = db.read_bytes()
    bad = tmp_path / "年终评分.csv"
    bad.write_text(
        "方案,年度,单位,指标,扣分\n"
        "yueyang-2017,2017,华容县,1,1\n"
        "yueyang-2017,2017,火星县,2,1\n",
        encoding="utf-8",
    )
    code, out, err = run("ingest", "--db", str(db), str(bad))
    assert code == 1
    assert "第3行 row 3" in err and "火星县" in err and "单位" in err
    assert "nothing was loaded" in err
    assert db.read_bytes() == before


def test_sample_data_is_flagged_in_scores(demo_db):
    """示例数据 wherever it shows: a `sample` column, and a note on stderr."""
    code, out, err = run("scores", "--db", str(demo_db), "--scheme", "jintan-2013", "--year",
                         "2013", "--format", "csv")
    rows = parse_csv(out)
    assert code == 0 and list(rows[0])[-1] == "sample"
    assert {r["sample"] for r in rows} == {"True"}
    assert "示例数据" in err


def test_usage_errors_exit_2(demo_db):
    assert run("scores", "--db", str(demo_db), "--scheme", "nope", "--year", "2013")[0] == 2
    code, _, err = run("scores", "--db", str(demo_db), "--scheme", "jintan-2013", "--year", "2014")
    assert code == 2 and "2013" in err
    assert run("scores", "--db", str(demo_db), "--scheme", "jintan-2013", "--year", "2013",
               "--month", "June")[0] == 2
    assert run("frobnicate")[0] == 2
    assert run("ingest", "--db", str(demo_db), "/no/such/file.xlsx")[0] == 2


def test_ingest_replaces_by_key_and_keeps_history(demo_db, tmp_path):
    """A corrected month replaces the old rows; the load history keeps both loads."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    fix = tmp_path / "内容保障月报.csv"
    fix.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                   "jintan-2013,2013-06,金城镇,1,500,0,0\n", encoding="utf-8")
    code, out, err = run("ingest", "--db", str(db), str(fix))
    assert code == 0, err
    from warehouse import queries

    tallies = queries.table(db, "content_tallies", "jintan-2013")
    row = tallies.filter((tallies["unit"] == "金城镇") & (tallies["month"] == "2013-06")
                         & (tallies["item"] == 1))
    loads = queries.table(db, "loads")
    new_load = loads.filter(loads["file"] == str(fix))
    assert row["count"].to_list() == [500]
    assert row["load_id"].to_list() == new_load["load_id"].to_list()
    assert new_load["replaced_rows"].to_list() == [1]
    assert loads.height > 1


def test_help_is_there_for_a_new_user():
    code, out, _ = run("--help")
    assert code == 0
    for command in ("demo", "build", "ingest", "scores", "schemes", "template", "scheme"):
        assert command in out


def test_template_offers_every_registered_kind_and_refuses_another(tmp_path):
    from pipelines.inputs.kinds import KINDS

    code, out, _ = run("template", "--help")
    assert code == 0 and "{" + "|".join(KINDS) + "}" in "".join(out.split())  # help wraps
    db = tmp_path / "egov.duckdb"
    code, out, _ = run("template", "metrics", "--db", str(db), "--scheme", "jintan-2013",
                       "--out", str(tmp_path / "metrics.xlsx"))
    assert code == 0 and (tmp_path / "metrics.xlsx").is_file()
    code, _, err = run("template", "rectify", "--db", str(db), "--scheme", "jintan-2013",
                       "--out", str(tmp_path / "x.xlsx"))
    assert code == 2 and "'rectify' is not one of 'units', 'content'" in err
