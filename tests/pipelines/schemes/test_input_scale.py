"""Input scale (issue 20 item 5): an actual value declared on a 0~100 (or any) scale. A value
outside the scale is refused, a percentage on a scale is refused, and a 1 on a 0~100 scale is
1 of 100, never 100% (docs/schemes.md#尺度-input-scale)."""

from __future__ import annotations

import json

import pytest
from test_scheme_format import YEAREND_COLUMNS, run, write_csv, yearend_rows

from pipelines.inputs.problems import InputRejected
from pipelines.loading import ingest
from pipelines.schemes.admin import add_scheme
from pipelines.schemes.checks import SchemeRejected, load_scheme_text
from pipelines.schemes.workbook import read_scheme_workbook, write_scheme_workbook

SCALED = """
id: scaled-2026
name: 示范指数
jurisdiction: 示范市
year: 2026
documents: [{number: "1", title: 示范指数}]
unit_types: [{name: 区}]
stages: [{id: yearend, name: 年终, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: 示范指数
    unit_types: [区]
    max_points: 100
    missing_input: zero
    categories:
      - code: "1"
        name: 在线服务指数
        max_points: 60
        rule: {kind: rate_target, target: 1.0, scale: [0, 100]}
      - code: "2"
        name: 网上办理率
        max_points: 40
        rule: {kind: rate_target, target: 0.8}
"""


@pytest.fixture(scope="module")
def scaled_db(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("scaled")
    db = tmp / "egov.duckdb"
    path = tmp / "scaled.yaml"
    path.write_text(SCALED, encoding="utf-8")
    add_scheme(db, path, replace=False)
    ingest(db, [write_csv(tmp / "units.csv", ["方案", "单位", "单位类型"],
                          [["scaled-2026", u, "区"] for u in ("甲区", "乙区", "丙区")])])
    return db, tmp


def load(scaled_db, rows: dict) -> None:
    db, tmp = scaled_db
    ingest(db, [write_csv(tmp / "yearend.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                          yearend_rows("scaled-2026", 2026, rows))])


def test_values_on_a_scale_score_as_their_share_of_it(scaled_db):
    """甲: 60 × 72/100 + 40 × min(1, 0.6/0.8) = 43.2 + 30 = 73.2; 乙: a 1 on 0~100 is 1 of 100:
    60 × 0.01 + 40 × 1 = 40.6 (read as 100% it would be 100); 丙: 100 of 100 and 90% = 100."""
    load(scaled_db, {"甲区": {"1": {"实际值": 72}, "2": {"实际值": "60%"}},
                     "乙区": {"1": {"实际值": 1}, "2": {"实际值": 0.8}},
                     "丙区": {"1": {"实际值": 100}, "2": {"实际值": "90%"}}})
    code, out, err = run("scores", "--db", scaled_db[0], "--scheme", "scaled-2026", "--year",
                         "2026", "--format", "json")
    assert code == 0, err
    assert {r["unit"]: r["total"] for r in json.loads(out)} == {
        "甲区": 73.2, "乙区": 40.6, "丙区": 100}


@pytest.mark.parametrize(("value", "zh", "en"), [
    (101, "实际值 101 不在该指标的尺度 0~100 之内", "outside the indicator's scale 0~100"),
    (-1, "实际值 -1 不在该指标的尺度 0~100 之内", "outside the indicator's scale 0~100"),
    ("72%", "该指标的实际值按尺度 0~100 填写数值,不写百分号", "not a percentage"),
])
def test_a_value_off_the_scale_or_a_percentage_is_refused(scaled_db, value, zh, en):
    with pytest.raises(InputRejected) as err:
        load(scaled_db, {"甲区": {"1": {"实际值": 50}}, "乙区": {"1": {"实际值": value}}})
    report = str(err.value)
    assert "yearend.csv" in report and "第3行 row 3" in report and "实际值" in report
    assert zh in report and en in report


def test_a_scale_must_run_upwards_and_round_trips_through_the_workbook(tmp_path):
    with pytest.raises(SchemeRejected) as err:
        load_scheme_text(SCALED.replace("scale: [0, 100]", "scale: [100, 0]"), "s.yaml")
    assert "尺度的下限须小于上限" in str(err.value) and "rubrics.0.categories.0.rule.scale" \
        in str(err.value)
    scheme = load_scheme_text(SCALED, "s.yaml")
    assert read_scheme_workbook(write_scheme_workbook(scheme, tmp_path / "s.xlsx")) == scheme
