"""Corrections: the load history (who, when, files with hashes, outcome, refused attempts) and
`egov revert`, which undoes a load as a new recorded load and can itself be undone."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from egov.cli import main
from pipelines.access.identity import os_user
from warehouse import queries
from warehouse.reads import loads


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def history(db: Path) -> list[dict]:
    code, out, err = run("history", "--db", str(db), "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture()
def db(demo_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, copy)
    return copy


def tally(db: Path, unit: str, month: str, item: int) -> list[int]:
    t = queries.table(db, "content_tallies", "jintan-2013")
    return t.filter((pl.col("unit") == unit) & (pl.col("month") == month)
                    & (pl.col("item") == item))["count"].to_list()


def correction(tmp_path: Path, count: int, name: str = "更正.csv") -> Path:
    path = tmp_path / name
    path.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                    f"jintan-2013,2013-06,金城镇,1,{count},0,0\n", encoding="utf-8")
    return path


def results(db: Path) -> pl.DataFrame:
    return queries.table(db, "results").sort("scheme", "unit")


def test_history_lists_a_load_with_user_file_hash_rows_and_outcome(db, tmp_path):
    fix = correction(tmp_path, 500)
    assert run("ingest", "--db", str(db), str(fix))[0] == 0
    last = history(db)[-1]
    assert last["file"] == str(fix) and last["kind"] == "content"
    assert last["sha256"] == hashlib.sha256(fix.read_bytes()).hexdigest()
    assert (last["rows"], last["replaced_rows"]) == (1, 1)
    assert last["user"] == os_user() and last["outcome"] == "已载入 loaded"
    assert last["batch"] == last["load_id"]
    code, out, _ = run("history", "--db", str(db), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[-1]["file"] == str(fix)
    assert {"load_id", "batch", "loaded_at", "user", "kind", "file", "sha256", "rows",
            "replaced_rows", "outcome"} <= set(rows[0])
    code, out, _ = run("history", "--db", str(db))
    assert code == 0 and fix.name in out


def test_a_refused_load_is_in_the_history_and_changes_no_data(db, tmp_path):
    before = db.read_bytes()
    bad = tmp_path / "坏.csv"
    bad.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                   "jintan-2013,2013-06,火星镇,1,5,0,0\n"
                   "jintan-2013,2013-06,金城镇,99,5,0,0\n", encoding="utf-8")
    assert run("ingest", "--db", str(db), str(bad))[0] == 1
    assert db.read_bytes() == before
    last = history(db)[-1]
    assert last["file"] == str(bad) and last["load_id"] is None
    assert last["outcome"] == "被拒绝 refused (2 个问题 problems)"
    assert last["sha256"] == hashlib.sha256(bad.read_bytes()).hexdigest()


def test_revisions_record_what_a_load_changed(db, tmp_path):
    old_points = queries.table(db, "monthly_points", "jintan-2013").filter(
        (pl.col("unit") == "金城镇") & (pl.col("month") == "2013-06"))["points"][0]
    old_count = tally(db, "金城镇", "2013-06", 1)[0]
    assert run("ingest", "--db", str(db), str(correction(tmp_path, old_count + 10)))[0] == 0
    batch = history(db)[-1]["batch"]
    rev = queries.table(db, "revisions").filter(pl.col("batch") == batch)
    month = rev.filter((pl.col("unit") == "金城镇") & (pl.col("period") == "2013-06"))
    # item 1 of 附件1 is worth 1 point per item (jintan-2013.yaml): +10 items = +10 points
    assert month["before"][0] == pytest.approx(old_points)
    assert month["after"][0] == pytest.approx(old_points + 10)
    year = rev.filter((pl.col("unit") == "金城镇") & (pl.col("period") == "2013"))
    assert year.height == 1 and year["measure"][0] == "total"
    # nothing outside jintan-2013 moved
    assert set(rev["scheme"]) == {"jintan-2013"}


def test_revert_restores_the_replaced_rows_and_the_results(db, tmp_path):
    original_count = tally(db, "金城镇", "2013-06", 1)
    original = results(db)
    assert run("ingest", "--db", str(db), str(correction(tmp_path, 500)))[0] == 0
    load = history(db)[-1]["load_id"]
    assert tally(db, "金城镇", "2013-06", 1) == [500]
    assert not results(db).equals(original)

    code, out, err = run("revert", "--db", str(db), str(load))
    assert code == 0, err
    assert "恢复 restored 1" in out and "移除 removed 1" in out
    assert tally(db, "金城镇", "2013-06", 1) == original_count
    after = results(db)
    assert after.select("unit", "total", "rank").equals(original.select("unit", "total", "rank"))
    entries = history(db)
    revert_row = entries[-1]
    assert revert_row["kind"] == "revert" and revert_row["outcome"] == f"撤销 revert of {load}"
    assert next(e for e in entries if e["load_id"] == load)["outcome"] == \
        f"已被撤销 reverted by {revert_row['load_id']}"

    # the same load cannot be reverted twice; the revert itself can, re-applying the correction
    code, _, err = run("revert", "--db", str(db), str(load))
    assert code == 1 and "已被批次" in err and "already reverted" in err
    assert run("revert", "--db", str(db), str(revert_row["load_id"]))[0] == 0
    assert tally(db, "金城镇", "2013-06", 1) == [500]


def test_revert_of_a_new_key_removes_it(db, tmp_path):
    """A load that added rows (nothing replaced): revert removes them."""
    fix = tmp_path / "新月.csv"
    fix.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                   "jintan-2013,2013-12,金城镇,45,3,0,0\n", encoding="utf-8")
    had = tally(db, "金城镇", "2013-12", 45)
    assert run("ingest", "--db", str(db), str(fix))[0] == 0
    assert tally(db, "金城镇", "2013-12", 45) == [3]
    load = history(db)[-1]["load_id"]
    assert run("revert", "--db", str(db), str(load))[0] == 0
    assert tally(db, "金城镇", "2013-12", 45) == had


def test_a_later_correction_survives_reverting_an_earlier_one(db, tmp_path):
    original = tally(db, "金城镇", "2013-06", 1)
    assert run("ingest", "--db", str(db), str(correction(tmp_path, 500, "a.csv")))[0] == 0
    first = history(db)[-1]["load_id"]
    assert run("ingest", "--db", str(db), str(correction(tmp_path, 600, "b.csv")))[0] == 0
    code, out, _ = run("revert", "--db", str(db), str(first))
    assert code == 0 and "later loads" in out
    assert tally(db, "金城镇", "2013-06", 1) == [600]
    second = history(db)[-2]["load_id"]
    assert run("revert", "--db", str(db), str(second))[0] == 0
    # b replaced a's row, so reverting b brings a's row back (a is reverted, but its row was
    # no longer current when a was reverted)
    assert tally(db, "金城镇", "2013-06", 1) == [500]
    assert original != [500]


def test_reverting_units_that_later_loads_use_is_refused(db, tmp_path):
    units = tmp_path / "单位.csv"
    units.write_text("方案,单位,单位类型\njintan-2013,新设镇,区镇\n", encoding="utf-8")
    assert run("ingest", "--db", str(db), str(units))[0] == 0
    units_load = history(db)[-1]["load_id"]
    month = tmp_path / "月报.csv"
    month.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                     "jintan-2013,2013-06,新设镇,1,5,0,0\n", encoding="utf-8")
    assert run("ingest", "--db", str(db), str(month))[0] == 0
    month_load = history(db)[-1]["load_id"]
    before = db.read_bytes()
    code, _, err = run("revert", "--db", str(db), str(units_load))
    assert code == 1 and "新设镇" in err and "revert those loads first" in err
    assert db.read_bytes() == before
    assert run("revert", "--db", str(db), str(month_load))[0] == 0
    assert run("revert", "--db", str(db), str(units_load))[0] == 0
    assert "新设镇" not in queries.table(db, "units", "jintan-2013")["unit"].to_list()


def test_revert_of_an_unknown_load_is_a_report(db):
    code, out, err = run("revert", "--db", str(db), "9999")
    assert code == 1 and "9999" in err and "egov history" in err
    assert run("revert", "--db", str(db), "abc")[0] == 2


def test_a_warehouse_from_before_corrections_still_loads_lists_and_reverts(db, tmp_path):
    import duckdb

    con = duckdb.connect(str(db))
    for column in ("batch", "loaded_by", "reverts"):
        con.execute(f"ALTER TABLE loads DROP COLUMN {column}")
    con.execute("DROP TABLE revisions")
    con.execute("DROP TABLE superseded_rows")
    con.close()
    old = history(db)
    assert old and all(e["batch"] == e["load_id"] and e["user"] == "" for e in old)
    assert loads.load_batches(db, "jintan-2013").is_empty()
    assert run("ingest", "--db", str(db), str(correction(tmp_path, 321)))[0] == 0
    load = history(db)[-1]["load_id"]
    assert run("revert", "--db", str(db), str(load))[0] == 0
    assert tally(db, "金城镇", "2013-06", 1) != [321]


def test_reverting_a_reloaded_part_brings_back_that_part_and_keeps_the_others(db, tmp_path):
    """A composite indicator's parts are rows of their own (key: scheme, year, unit, indicator,
    part): a load of one part replaces that part only, and its revert brings that part back."""
    def parts() -> list[tuple]:
        t = queries.table(db, "yearend_inputs", "huaibei-2019")
        return sorted(t.filter((pl.col("unit") == "市交通运输局") & (pl.col("indicator") == "001"))
                      .select("part", "times").rows())

    before = parts()
    assert before == [("工作对接", 1.0), ("调研座谈会议", 2.0)]
    fix = tmp_path / "分项更正.csv"
    fix.write_text("方案,年度,单位,指标,分项,次数\n"
                   "huaibei-2019,2019,市交通运输局,001,调研座谈会议,3\n", encoding="utf-8")
    assert run("ingest", "--db", str(db), str(fix))[0] == 0
    assert parts() == [("工作对接", 1.0), ("调研座谈会议", 3.0)]
    load = history(db)[-1]
    assert load["replaced_rows"] == 1
    code, out, err = run("revert", "--db", str(db), str(load["load_id"]))
    assert code == 0, err
    assert parts() == before
    assert "恢复 restored 1 行" in out
