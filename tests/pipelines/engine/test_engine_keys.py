"""score_indicators matches input rows to the grid by integer keys (not a text join): the order
of its rows is fixed, and rows the scheme has no cell for are left out, as a join left them."""

from __future__ import annotations

import polars as pl

from pipelines.engine.scoring import score_indicators
from pipelines.schemes.checks import load_scheme_text
from warehouse.database import table_schema

SCHEME = """
id: keys-2024
name: 键测试
jurisdiction: 县
year: 2024
documents: [{number: 县发1号, title: 办法}]
unit_types: [{name: 部门}, {name: 乡镇}]
stages: [{id: yearend, name: 年终考评, basis: rubric, weight: 1}]
rubrics:
  - id: dept
    name: 部门细则
    unit_types: [部门]
    max_points: 100
    missing_input: zero
    default_rule: {kind: assessor_score}
    categories:
      - name: 工作
        children:
          - {code: Z, max_points: 60}
          - {code: A, max_points: 40}
  - id: town
    name: 乡镇细则
    unit_types: [乡镇]
    max_points: 100
    missing_input: full
    default_rule: {kind: deduction}
    categories:
      - name: 工作
        children:
          - {code: A, max_points: 70}
          - {code: B, max_points: 30}
"""


def rows(table: str, items: list[dict]) -> pl.DataFrame:
    schema = table_schema(table)
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in items], schema=schema)


def test_rows_in_unit_and_leaf_order_and_unmatched_rows_left_out():
    scheme = load_scheme_text(SCHEME, "keys.yaml")
    units = pl.DataFrame({"unit": ["乙镇", "财政局", "甲镇"],
                          "unit_type": ["乡镇", "部门", "乡镇"]})
    base = {"scheme": "keys-2024", "year": 2024, "load_id": 1, "exempt": False}
    inputs = rows("yearend_inputs", [
        {**base, "unit": "财政局", "indicator": "A", "score": 50.0},  # above 40: clipped
        {**base, "unit": "财政局", "indicator": "Z", "score": 12.5},
        {**base, "unit": "财政局", "indicator": "B", "score": 9.0},  # not in 部门's rubric
        {**base, "unit": "甲镇", "indicator": "A", "deduction": 5.0, "exempt": None},
        {**base, "unit": "甲镇", "indicator": "B", "deduction": 1.0, "exempt": True},
        {**base, "unit": "外县", "indicator": "A", "score": 1.0},  # not a unit of the scheme
        {**base, "unit": "乙镇", "indicator": "Q", "deduction": 1.0},  # no such code
    ])
    out = score_indicators(scheme, units, inputs)
    assert out.select("unit", "code", "score", "exempt", "has_input").rows() == [
        ("乙镇", "A", 70.0, False, False),  # missing input in a deduction rubric: full marks
        ("乙镇", "B", 30.0, False, False),
        ("甲镇", "A", 65.0, False, True),  # exempt left blank: not exempt
        ("甲镇", "B", 0.0, True, True),
        ("财政局", "Z", 12.5, False, True),
        ("财政局", "A", 40.0, False, True),
    ]
    assert sorted(out["unit"].unique()) == out["unit"].unique(maintain_order=True).to_list()
