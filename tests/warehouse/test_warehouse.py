"""The warehouse: relationships hold, publishing is atomic, curated Parquet mirrors the tables."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.inputs.problems import InputRejected
from pipelines.loading import ingest, open_state, rescore_and_publish
from warehouse.database import SQL_DIR, connect_read_only

CHECKS = (SQL_DIR / "checks" / "relationships.sql").read_text(encoding="utf-8")


def relationship_checks() -> list[tuple[str, str]]:
    parts = re.split(r"^-- check: (\w+)\n", CHECKS, flags=re.MULTILINE)
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts), 2)]


@pytest.mark.parametrize(("name", "sql"), relationship_checks(), ids=lambda v: v[:40])
def test_relationship_holds_on_the_demo_warehouse(demo_db, name, sql):
    con = connect_read_only(demo_db)
    try:
        offending = con.sql(sql).pl()
    finally:
        con.close()
    assert offending.is_empty(), f"{name}: {offending.head()}"


def test_scores_within_max_check_catches_a_bad_row(demo_db, tmp_path):
    db = tmp_path / "broken.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE indicator_scores SET score = max_points + 1 WHERE rowid = 0")
    sql = dict(relationship_checks())["scores_within_max"]
    assert con.sql(sql).pl().height == 1
    con.close()


def test_a_reader_sees_the_old_warehouse_or_the_new_one(demo_db, tmp_path):
    """Publishing renames a complete new file into place: an open reader keeps a consistent old
    view; a new reader sees the new one; no temporary file is left behind."""
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    reader = connect_read_only(db)
    before = reader.sql("SELECT count(*) FROM units").fetchall()[0][0]

    state = open_state(db)
    fewer = state["units"].filter(pl.col("scheme") != "huaibei-2019")
    rescore_and_publish(db, state.replace(units=fewer))

    assert reader.sql("SELECT count(*) FROM units").fetchall()[0][0] == before
    reader.close()
    fresh = connect_read_only(db)
    after = fresh.sql("SELECT count(*) FROM units").fetchall()[0][0]
    results = fresh.sql("SELECT count(*) FROM results WHERE scheme = 'huaibei-2019'").fetchall()
    fresh.close()
    assert after == before - 16
    assert results[0][0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["egov.duckdb"]


def test_a_rejected_load_changes_nothing(demo_db, tmp_path):
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    before = db.read_bytes()
    good = tmp_path / "good.csv"
    header = "方案,年度,单位,指标,得分\n"
    good.write_text(header + "huaibei-2019,2019,市教育局,008,4\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "huaibei-2019,2019,市教育局,004,9\n", encoding="utf-8")
    with pytest.raises(InputRejected) as err:
        ingest(db, [good, bad])
    assert len(err.value.problems) == 1
    problem = err.value.problems[0]
    assert (Path(problem.file).name, problem.row, problem.column, problem.value) == (
        "bad.csv", 2, "得分", "9")
    assert db.read_bytes() == before


def test_curated_parquet_mirrors_the_warehouse(demo_dirs):
    curated = demo_dirs["curated"]
    con = connect_read_only(demo_dirs["db"])
    try:
        for table in ("results", "indicator_scores", "monthly_points", "target_progress", "loads"):
            parquet = pl.read_parquet(curated / f"{table}.parquet")
            assert parquet.height == con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    finally:
        con.close()


def test_load_history_records_every_file(demo_db):
    con = connect_read_only(demo_db)
    try:
        loads = con.sql("SELECT * FROM loads").pl()
    finally:
        con.close()
    # 5 schemes × units + yearend (jintan-2014 the sample's 示例方案), Jintan 2013/2014
    # content/metrics/adjustments, Yueyang adjustments; the cycle's sample: 2 self-assessment
    # sheets, 1 整改台账, 1 recorded deadline (no file, so no hash)
    assert loads.height == 21
    files = loads.filter(pl.col("kind") != "deadline")
    assert files["sha256"].str.len_chars().unique().to_list() == [64]
    assert set(loads["kind"]) == {"units", "content", "yearend", "adjustments", "metrics",
                                  "selfassessment", "rectification", "deadline"}
    assert set(loads["schemes"]) == {"jintan-2013", "jintan-2014", "yueyang-2017",
                                     "shengzhou-2020", "huaibei-2019"}
    jintan = loads.filter((pl.col("schemes") == "jintan-2013")
                          & (pl.col("kind") != "selfassessment"))["file"]
    assert jintan.str.contains("jintan-2013").all() and jintan.len() == 5


def test_frames_reach_duckdb_through_string_views_unchanged(tmp_path):
    """`database.as_arrow` hands Polars' string views to DuckDB without converting them: short
    strings (kept inside the view), long and non-ASCII ones (kept in a buffer), empty strings,
    nulls and lists of strings come back as they went in."""
    from datetime import datetime

    from warehouse.database import as_arrow

    frame = pl.DataFrame({
        "unit": ["甲", "", None, "金坛市人民政府办公室信息公开科", "a" * 40],
        "code": ["1.1.1", "x", "长长长长长长长长长长长长长", None, ""],
        "names": [["乙", "a" * 30], [], None, ["丙"], [""]],
        "score": [1.5, None, 0.1 + 0.2, -0.0, 1e-300],
        "rank": pl.Series([1, None, 3, 4, 5], dtype=pl.Int32),
        "exempt": [True, False, None, True, False],
        "loaded_at": [datetime(2026, 12, 6, 16, 0), None, datetime(2013, 1, 1), None, None],
    })
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    try:
        con.execute("CREATE TABLE t (unit VARCHAR, code VARCHAR, names VARCHAR[], "
                    "score DOUBLE, rank INTEGER, exempt BOOLEAN, loaded_at TIMESTAMP)")
        con.register("incoming", as_arrow(frame))
        con.execute("INSERT INTO t BY NAME SELECT * FROM incoming")
        con.unregister("incoming")
        back = con.sql("SELECT * FROM t").pl()
    finally:
        con.close()
    assert back.equals(frame.with_columns(pl.col("loaded_at").cast(back.schema["loaded_at"])))
