"""Self-assessment beside the verified score (issue 18 item 2): 评分来源 自评 rows are validated by
the same rules, stored apart and never change results; `selfcheck` compares them with the
verified scores; `spotcheck` draws units reproducibly and records the draw.

The warehouse: four 县市区 units of yueyang-2017, a deduction rubric (missing input = full
points): indicator 1 领导重视 3 points, 2 机构建设 4 points, 3 经费保障 2 points.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from selfcheck_case import UNITS, YEAREND, write

from pipelines.cycle.selfcheck import SelfcheckError, selfcheck
from pipelines.cycle.spotcheck import draw_units, spotcheck
from pipelines.inputs.problems import InputRejected
from pipelines.loading import ingest
from warehouse import queries


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    db = tmp_path / "cycle.duckdb"
    ingest(db, [write(tmp_path / "units.csv", UNITS), write(tmp_path / "yearend.csv", YEAREND)])
    return db


def totals(db: Path) -> dict[str, float]:
    frame = queries.table(db, "results", "yueyang-2017")
    return dict(frame.select("unit", "total").iter_rows())


def test_self_assessed_rows_are_stored_apart_and_never_change_results(db):
    assert totals(db) == {"A县": 97.0, "B县": 99.5, "C县": 100.0, "D县": 99.5}
    assert queries.table(db, "yearend_inputs", "yueyang-2017").height == 4
    stored = queries.table(db, "self_assessments", "yueyang-2017")
    assert sorted(stored.select("unit", "indicator").iter_rows()) == [
        ("A县", "1"), ("A县", "2"), ("A县", "3"), ("B县", "1")]


def test_a_file_of_self_assessed_rows_only_is_one_load_of_its_own_kind(db, tmp_path):
    before = totals(db)
    path = write(tmp_path / "自评.csv", "方案,年度,单位,指标,扣分,评分来源\n"
                                       "yueyang-2017,2017,C县,1,3,自评\n")
    summary = ingest(db, [path])
    assert [(f["kind"], f["rows"]) for f in summary.files] == [("selfassessment", 1)]
    assert totals(db) == before


def test_self_assessed_rows_are_validated_by_the_same_rules(tmp_path, db):
    bad = write(tmp_path / "bad.csv", "方案,年度,单位,指标,扣分,评分来源\n"
                                     "yueyang-2017,2017,A县,1,-1,自评\n"
                                     "yueyang-2017,2017,A县,2,1,自己评\n")
    with pytest.raises(InputRejected) as err:
        ingest(db, [bad])
    report = err.value.report()
    assert "第2行 row 2" in report and "扣分" in report  # a negative deduction
    assert "第3行 row 3" in report and "评分来源" in report and "自己评" in report
    assert totals(db)["A县"] == 97.0


def test_selfcheck_rows_largest_gap_first_then_one_sided_then_unit_totals(db):
    out = selfcheck(db, "yueyang-2017", 2017)
    assert out.columns == ["unit", "unit_type", "indicator", "part", "self_points",
                           "verified_points", "difference"]
    rows = out.select("unit", "indicator", "self_points", "verified_points",
                      "difference").rows()
    assert rows == [
        ("A县", "2", 3.5, 2.0, 1.5),   # 4 − 0.5 claimed, 4 − 2 verified
        ("A县", "1", 3.0, 2.0, 1.0),
        ("B县", "1", 2.5, 2.5, 0.0),
        ("A县", "3", 2.0, None, None),  # self-assessed only (one-sided rows by unit)
        ("D县", "1", None, 2.5, None),  # verified only
        ("A县", "合计", 6.5, 4.0, 2.5),  # the indicators with both sides
        ("B县", "合计", 2.5, 2.5, 0.0),
    ]


def test_selfcheck_for_one_unit_and_refusals(db):
    out = selfcheck(db, "yueyang-2017", 2017, unit="B县")
    assert out["indicator"].to_list() == ["1", "合计"]
    with pytest.raises(SelfcheckError, match="火星县"):
        selfcheck(db, "yueyang-2017", 2017, unit="火星县")
    with pytest.raises(SelfcheckError, match="2017"):
        selfcheck(db, "yueyang-2017", 2018)


def test_weighted_draw_by_hand():
    # random.Random(1).random() gives 0.134364, 0.847434, 0.763775 in turn; weights 3.5, 1, 1:
    # keys A 0.134364^(1/3.5) = 0.5636, B 0.8474, C 0.7638 -> B, then C, then A.
    weights = {"A县": 3.5, "B县": 1.0, "C县": 1.0}
    assert draw_units(["C县", "A县", "B县"], 3, 1, weights) == ["B县", "C县", "A县"]
    # A larger weight lifts A: 0.134364^(1/100) = 0.9801 is the largest key.
    assert draw_units(["A县", "B县", "C县"], 1, 1, {**weights, "A县": 100.0}) == ["A县"]


def test_spotcheck_is_recorded_and_reproducible(db):
    first = spotcheck(db, "yueyang-2017", 2017, 2, seed=42, weighted=True)
    again = spotcheck(db, "yueyang-2017", 2017, 2, seed=42, weighted=True)
    assert first.units == again.units and len(first.units) == 2
    # weights: 1 + Σ|difference|: A 1 + 1.5 + 1.0 = 3.5, the others 1
    assert first.weights.get("A县", 3.5) == 3.5
    assert set(first.weights.values()) <= {3.5, 1.0}
    draws = queries.table(db, "spot_checks", "yueyang-2017").sort("draw")
    assert draws["draw"].to_list() == [1, 2]
    assert json.loads(draws["units"][0]) == first.units
    assert draws["seed"].to_list() == [42, 42] and draws["weighted"].all()
    from pipelines.corrections.history import history

    lines = history(db).filter(pl.col("kind") == "spotcheck")
    assert lines.height == 2 and set(lines["outcome"]) == {"抽查 drawn"}
    assert "seed=42" in lines["file"][0] and "、".join(first.units) in lines["file"][0]
    assert totals(db) == {"A县": 97.0, "B县": 99.5, "C县": 100.0, "D县": 99.5}


def test_spotcheck_refuses_more_units_than_exist(db):
    with pytest.raises(SelfcheckError, match="--units 5"):
        spotcheck(db, "yueyang-2017", 2017, 5, seed=1)
    with pytest.raises(SelfcheckError, match="--units 0"):
        spotcheck(db, "yueyang-2017", 2017, 0, seed=1)
    assert queries.table(db, "spot_checks").is_empty()


def test_a_spotcheck_line_cannot_be_reverted(db):
    from pipelines.corrections.revert import RevertRefused, revert

    draw = spotcheck(db, "yueyang-2017", 2017, 1, seed=3)
    with pytest.raises(RevertRefused):
        revert(db, draw.load_id)
