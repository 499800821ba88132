"""The rectification ledger (整改台账, issue 18 item 4): a new import kind, validated with each
problem named, loaded, replaced by key, recorded and revertible like every kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from pipelines.corrections.revert import revert
from pipelines.inputs.problems import InputRejected
from pipelines.loading import ingest
from warehouse import queries

UNITS = "方案,单位,单位类型\nyueyang-2017,A县,县市区\nyueyang-2017,B县,县市区\n"
HEADER = "方案,年度,单位,指标,问题,整改措施,责任人,完成时限,状态,说明\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    db = tmp_path / "ledger.duckdb"
    ingest(db, [write(tmp_path / "units.csv", UNITS)])
    return db


def ledger(db: Path) -> list[tuple]:
    frame = queries.table(db, "rectifications", "yueyang-2017").sort("unit", "indicator")
    return frame.select("unit", "indicator", "issue", "owner", "due", "status").rows()


def test_a_ledger_loads_with_dates_in_any_usual_form(db, tmp_path):
    path = write(tmp_path / "整改台账.csv", HEADER
                 + "yueyang-2017,2017,A县,1,未专题研究,召开专题会,张三,2018-03-31,整改中,\n"
                 + "yueyang-2017,2017,A县,2,机构不全,补设机构,李四,2018/2/28,已整改,已完成\n"
                 + "yueyang-2017,2017,B县,3,经费未列支,列入预算,王五,2018年4月1日,未整改,\n")
    summary = ingest(db, [path])
    assert [(f["kind"], f["rows"]) for f in summary.files] == [("rectification", 3)]
    assert ledger(db) == [
        ("A县", "1", "未专题研究", "张三", dt.date(2018, 3, 31), "整改中"),
        ("A县", "2", "机构不全", "李四", dt.date(2018, 2, 28), "已整改"),
        ("B县", "3", "经费未列支", "王五", dt.date(2018, 4, 1), "未整改"),
    ]


def test_an_excel_date_cell_is_read_as_the_date(db, tmp_path):
    path = tmp_path / "整改台账.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("整改台账")
    ws.write_row(0, 0, HEADER.strip().split(","))
    ws.write_row(1, 0, ["yueyang-2017", 2017, "A县", "1", "未专题研究", "召开专题会", "张三"])
    ws.write_datetime(1, 7, dt.datetime(2018, 3, 31), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_string(1, 8, "未整改")
    wb.close()
    ingest(db, [path])
    assert ledger(db)[0][4] == dt.date(2018, 3, 31)


def test_bad_rows_are_refused_with_row_column_and_value_named(db, tmp_path):
    path = write(tmp_path / "bad.csv", HEADER
                 + "yueyang-2017,2017,A县,1,未专题研究,召开专题会,张三,明年,整改中,\n"
                 + "yueyang-2017,2017,A县,99,目录不全,补全目录,李四,2018-02-28,完成了,\n"
                 + "yueyang-2017,2017,A县,2,,补全目录,,2018-02-28,未整改,\n")
    with pytest.raises(InputRejected) as err:
        ingest(db, [path])
    problems = {(p.row, p.column, p.value) for p in err.value.problems}
    assert (2, "完成时限", "明年") in problems
    assert (3, "指标", "99") in problems
    assert (3, "状态", "完成了") in problems
    assert {(4, "问题"), (4, "责任人")} <= {(p.row, p.column) for p in err.value.problems}
    assert ledger(db) == []


def test_a_ledger_sent_again_replaces_by_key_and_a_revert_brings_the_old_rows_back(db, tmp_path):
    first = write(tmp_path / "1.csv", HEADER
                  + "yueyang-2017,2017,A县,1,未专题研究,召开专题会,张三,2018-03-31,整改中,\n")
    ingest(db, [first])
    second = write(tmp_path / "2.csv", HEADER
                   + "yueyang-2017,2017,A县,1,未专题研究,召开专题会,张三,2018-03-31,已整改,\n")
    summary = ingest(db, [second])
    assert summary.files[0]["replaced_rows"] == 1
    assert [r[5] for r in ledger(db)] == ["已整改"]
    last = queries.table(db, "loads")["load_id"].max()
    revert(db, int(last))
    assert [r[5] for r in ledger(db)] == ["整改中"]
