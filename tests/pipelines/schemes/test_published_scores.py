"""`egov scores` as a scheme publishes it: each group's score to a level (--levels N), the
scheme's decimals, an empty (not null) grade without grades, 加减分 columns only with 加减分.
Every figure is the docs/schemes.md worked example (shifan-2024), computed by hand."""

from __future__ import annotations

import json
import re

import pytest
from test_scheme_format import (
    SHIFAN_ADJUSTMENTS,
    SHIFAN_UNITS,
    SHIFAN_YEAREND,
    YEAREND_COLUMNS,
    doc_example,
    run,
    write_csv,
    yearend_rows,
)

from pipelines.loading import ingest
from pipelines.schemes.admin import add_scheme


def load(tmp_path, text: str, yearend=SHIFAN_YEAREND, adjustments=True):
    db = tmp_path / "egov.duckdb"
    path = tmp_path / "shifan.yaml"
    path.write_text(text, encoding="utf-8")
    add_scheme(db, path, replace=False)
    files = [
        write_csv(tmp_path / "units.csv", ["方案", "单位", "单位类型"], SHIFAN_UNITS),
        write_csv(tmp_path / "yearend.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                  yearend_rows("shifan-2024", 2024, yearend)),
    ]
    if adjustments:
        files.append(write_csv(tmp_path / "adjustments.csv",
                               ["方案", "年度", "单位", "类别", "项目", "级别", "事由"],
                               SHIFAN_ADJUSTMENTS))
    ingest(db, files)
    return db


def scores(db, *extra: str) -> dict[str, dict]:
    code, out, err = run("scores", "--db", db, "--scheme", "shifan-2024", "--year", "2024",
                         "--format", "json", *extra)
    assert code == 0, err
    return {r["unit"]: r for r in json.loads(out)}


def test_levels_add_each_groups_score_by_hand(tmp_path):
    """组织保障 = 1 + 2; 平台应用 = 3 + 4 + 5 + 6, of which 网上办事 = 3 + 4; 公开质量 = 7."""
    db = load(tmp_path, doc_example())
    one = scores(db, "--levels", "1")
    groups = ("组织保障", "平台应用", "公开质量")
    assert {u: tuple(r[g] for g in groups) for u, r in one.items()} == {
        "城关镇": (9 + 8, 18 + 9 + 5 + 6, 26.5),
        "河口镇": (10 + 10, 20 + 9.6 + 10 + 10, 29),
        "农业农村局": (8 + 4, 15 + 7.5 + 0 + 0, 18),
    }
    assert "平台应用 / 网上办事" not in one["城关镇"]
    two = scores(db, "--levels", "2")
    assert {u: r["平台应用 / 网上办事"] for u, r in two.items()} == {
        "城关镇": 27, "河口镇": 29.6, "农业农村局": 22.5}
    columns = list(two["城关镇"])
    assert columns.index("年终考评") < columns.index("组织保障") < columns.index("sample")
    for unit, r in one.items():  # the groups add up to the rubric
        assert sum(r[g] for g in groups) == pytest.approx(r["年终考评"]), unit


def test_levels_refused_with_month(tmp_path):
    db = load(tmp_path, doc_example())
    code, _, err = run("scores", "--db", db, "--scheme", "shifan-2024", "--year", "2024",
                       "--month", "2024-06", "--levels", "1")
    assert code == 2 and "--levels" in err


def test_a_scheme_with_adjustments_and_grades_keeps_their_columns(tmp_path):
    db = load(tmp_path, doc_example())
    r = scores(db)["城关镇"]
    assert (r["bonus"], r["penalty"], r["grade"]) == (3, 1, "良好")


def test_without_grades_or_adjustments_grade_is_empty_and_no_bonus_columns(tmp_path):
    text = doc_example()
    text = text[:text.index("adjustments:")] + text[text.index("targets:"):]
    db = load(tmp_path, text, adjustments=False)
    got = scores(db)
    assert {u: (r["total"], r["grade"]) for u, r in got.items()} == {
        "城关镇": (81.5, ""), "河口镇": (98.6, ""), "农业农村局": (52.5, "")}
    assert "bonus" not in got["城关镇"] and "penalty" not in got["城关镇"]
    code, out, _ = run("scores", "--db", db, "--scheme", "shifan-2024", "--year", "2024",
                       "--format", "csv")
    assert out.splitlines()[0].split(",")[:8] == [
        "scheme", "year", "unit", "unit_type", "total", "grade", "rank", "年终考评"]


def test_a_scheme_publishes_its_own_decimals(tmp_path):
    """城关镇 at 72.11%: item 3 scores 20 × 0.7211 / 0.8 = 18.0275, the total 83.5275: 83.53 with
    two decimals (the default), 83.528 where the scheme says decimals: 3."""
    yearend = {**SHIFAN_YEAREND, "城关镇": {**SHIFAN_YEAREND["城关镇"], "3": {"实际值": "72.11%"}}}
    db = load(tmp_path, doc_example(), yearend)
    assert scores(db)["城关镇"]["total"] == 83.53
    three = re.sub(r"^total_points: 100", "total_points: 100\ndecimals: 3", doc_example(),
                   flags=re.M)
    (tmp_path / "three").mkdir()
    db = load(tmp_path / "three", three, yearend)
    r = scores(db, "--levels", "2")["城关镇"]
    assert (r["total"], r["年终考评"], r["平台应用 / 网上办事"]) == (83.528, 81.528, 27.028)
