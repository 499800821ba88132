"""Scoped loads (issue 18 "Bad input and access"): an account of assessing bodies loads 年终评分
rows of its own indicators only; a unit account its own 自评 and 整改台账 rows only. Everything
else is refused with the row named, and nothing is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cycle.scope import Scope, acting_within
from pipelines.inputs.problems import InputRejected
from pipelines.loading import ingest
from warehouse import queries

# shengzhou-2020, 乡镇(街道): 1 and 2 by 市大数据中心 (得分), 24 by 市委网信办 (得分).
UNITS = "方案,单位,单位类型\nshengzhou-2020,甲镇,乡镇(街道)\nshengzhou-2020,乙镇,乡镇(街道)\n"
HEADER = "方案,年度,单位,指标,得分,评分来源\n"
LEDGER = ("方案,年度,单位,指标,问题,整改措施,责任人,完成时限,状态\n"
          "shengzhou-2020,2020,{unit},1,培训不足,组织培训,张三,2021-03-31,整改中\n")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    db = tmp_path / "scope.duckdb"
    ingest(db, [write(tmp_path / "units.csv", UNITS)])
    return db


def rows(db: Path, table: str) -> int:
    return queries.table(db, table, "shengzhou-2020").height


def test_a_body_account_loads_its_own_indicators(db, tmp_path):
    path = write(tmp_path / "大数据.csv", HEADER + "shengzhou-2020,2020,甲镇,1,2,\n"
                                                  "shengzhou-2020,2020,乙镇,2,3,\n")
    with acting_within(Scope(bodies=("市大数据中心",))):
        ingest(db, [path])
    assert rows(db, "yearend_inputs") == 2


def test_a_body_account_is_refused_another_bodys_indicator_with_the_row_and_owner(db, tmp_path):
    path = write(tmp_path / "混.csv", HEADER + "shengzhou-2020,2020,甲镇,1,2,\n"
                                              "shengzhou-2020,2020,甲镇,24,1,\n")
    with acting_within(Scope(bodies=("市大数据中心",))), pytest.raises(InputRejected) as err:
        ingest(db, [path])
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "指标", "24")
    assert "市委网信办" in problem.problem_zh
    assert rows(db, "yearend_inputs") == 0  # nothing half-loaded


def test_a_body_account_is_refused_other_kinds(db, tmp_path):
    path = write(tmp_path / "台账.csv", LEDGER.format(unit="甲镇"))
    with acting_within(Scope(bodies=("市大数据中心",))), pytest.raises(InputRejected) as err:
        ingest(db, [path])
    assert err.value.problems[0].row == 2 and "只能导入" in err.value.problems[0].problem_zh


def test_a_unit_account_loads_its_own_self_assessment_and_ledger(db, tmp_path):
    own = write(tmp_path / "自评.csv", HEADER + "shengzhou-2020,2020,甲镇,1,2,自评\n")
    ledger = write(tmp_path / "台账.csv", LEDGER.format(unit="甲镇"))
    with acting_within(Scope(unit="甲镇")):
        ingest(db, [own, ledger])
    assert rows(db, "self_assessments") == 1 and rows(db, "rectifications") == 1


@pytest.mark.parametrize(("text", "row", "column"), [
    (HEADER + "shengzhou-2020,2020,甲镇,1,2,自评\nshengzhou-2020,2020,甲镇,2,3,核定\n",
     3, "评分来源"),
    (HEADER + "shengzhou-2020,2020,乙镇,1,2,自评\n", 2, "单位"),
    (LEDGER.format(unit="乙镇"), 2, "单位"),
])
def test_a_unit_account_is_refused_verified_rows_and_other_units(db, tmp_path, text, row,
                                                                  column):
    path = write(tmp_path / "x.csv", text)
    with acting_within(Scope(unit="甲镇")), pytest.raises(InputRejected) as err:
        ingest(db, [path])
    assert [(p.row, p.column) for p in err.value.problems] == [(row, column)]
    assert rows(db, "self_assessments") == rows(db, "yearend_inputs") == 0
    assert rows(db, "rectifications") == 0


def test_without_a_scope_everything_loads(db, tmp_path):
    path = write(tmp_path / "all.csv", HEADER + "shengzhou-2020,2020,甲镇,24,1,\n")
    ingest(db, [path])
    assert rows(db, "yearend_inputs") == 1
