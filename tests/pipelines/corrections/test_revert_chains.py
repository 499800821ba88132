"""History stays truthful when a revert is reverted (issue 22, item 9): after `egov revert A`
(load R1) and `egov revert R1` (load R2), load A is in effect again and says so, R1 says it was
reverted by R2, `egov revert A` works again, and no label is cut at its slash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from dashboard.kit import revisions
from egov.cli import main
from pipelines.corrections.history import Chain, file_label, revert_chains
from warehouse import queries
from warehouse.reads import loads


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def outcomes(db: Path) -> dict[int, str]:
    code, out, err = run("history", "--db", str(db), "--format", "json")
    assert code == 0, err
    return {e["load_id"]: e["outcome"] for e in json.loads(out) if e["load_id"] is not None}


def tally(db: Path) -> list[int]:
    t = queries.table(db, "content_tallies", "jintan-2013")
    return t.filter((pl.col("unit") == "金城镇") & (pl.col("month") == "2013-06")
                    & (pl.col("item") == 1))["count"].to_list()


@pytest.fixture()
def db(demo_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, copy)
    return copy


def last_load(db: Path) -> int:
    return max(outcomes(db))


def test_reverting_a_revert_puts_the_load_back_and_the_history_says_so(db, tmp_path):
    original = tally(db)
    fix = tmp_path / "更正.csv"
    fix.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                   "jintan-2013,2013-06,金城镇,1,500,0,0\n", encoding="utf-8")
    assert run("ingest", "--db", str(db), str(fix))[0] == 0
    a = last_load(db)
    assert run("revert", "--db", str(db), str(a))[0] == 0
    r1 = last_load(db)
    assert run("revert", "--db", str(db), str(r1))[0] == 0
    r2 = last_load(db)
    assert tally(db) == [500]  # the correction is in effect again

    seen = outcomes(db)
    assert "已被撤销" not in seen[a]
    assert seen[a] == (f"已载入 loaded (被批次 {r1} 撤销后由批次 {r2} 恢复 / reverted by {r1}, "
                       f"restored by {r2})")
    assert seen[r1] == f"撤销 revert of {a}; 已被撤销 reverted by {r2}"
    assert seen[r2] == f"撤销 revert of {r1}"

    # A can be reverted again: its rows (brought back by r2) go, the original count returns
    code, out, err = run("revert", "--db", str(db), str(a))
    assert code == 0, err
    r3 = last_load(db)
    assert f"已撤销批次 {a}" in out and f"批次 {r2}" in out
    assert tally(db) == original
    seen = outcomes(db)
    assert seen[a] == f"已被撤销 reverted by {r3}"
    assert seen[r2] == f"撤销 revert of {r1}; 已被撤销 reverted by {r3}"
    assert seen[r1] == (f"撤销 revert of {a}; 被批次 {r2} 撤销后由批次 {r3} 恢复 / reverted by "
                        f"{r2}, restored by {r3}")
    # and now A is undone: a fourth revert of A is refused, naming the revert to undo instead
    code, _, err = run("revert", "--db", str(db), str(a))
    assert code == 1 and f"already reverted by load {r3}" in err

    # the dashboard's list: A offered for revert only while in effect; labels whole
    batches = revisions.with_status(loads.load_batches(db, "jintan-2013"))
    rows = {r["batch"]: r for r in batches.iter_rows(named=True)}
    assert not rows[a]["in_effect"] and rows[r1]["in_effect"] and not rows[r2]["in_effect"]
    assert revisions.batch_label(rows[a]).endswith(f"(已被批次 {r3} 撤销)")
    assert revisions.batch_label(rows[r1]).endswith(
        f"撤销批次 {a}(被批次 {r2} 撤销后由批次 {r3} 恢复)")
    table = revisions.batches_table(batches)
    assert table.filter(pl.col("批次") == r1)["文件"].to_list() == [f"撤销批次 {a}"]


def test_file_labels():
    assert file_label("/srv/egov/uploads/x/更正.csv", "content") == "更正.csv"
    assert file_label(r"C:\data\更正.csv", "content") == "更正.csv"
    assert file_label("(撤销批次 13 / revert of load 13)", "revert") == \
        "(撤销批次 13 / revert of load 13)"


def test_chains_alternate():
    frame = pl.DataFrame({"batch": [6, 7, 8, 9, 10], "reverts": [None, 6, 7, 8, None]},
                         schema={"batch": pl.Int32, "reverts": pl.Int32})
    chains = revert_chains(frame)
    assert chains[6] == Chain(6, (7, 8, 9))
    assert [chains[b].in_effect for b in (6, 7, 8, 9, 10)] == [False, True, False, True, True]
    assert chains[6].undone_by == 9 and chains[7].restored_by == 9 and chains[7].undone_by == 8
    assert chains[10].label() == "" and chains[10].outcome(None) == "已载入 loaded"
def test_the_history_table_keeps_a_reverts_label_whole(db, tmp_path):
    fix = tmp_path / "更正.csv"
    fix.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                   "jintan-2013,2013-06,金城镇,1,9,0,0\n", encoding="utf-8")
    assert run("ingest", "--db", str(db), str(fix))[0] == 0
    a = last_load(db)
    assert run("revert", "--db", str(db), str(a))[0] == 0
    code, out, _ = run("history", "--db", str(db))
    assert code == 0
    assert f"(撤销批次 {a} / revert of load {a})" in out
    assert "\n revert of load" not in out and "│ revert of load" not in out


