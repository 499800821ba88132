"""The years sections' reads (warehouse/years_queries.py): `target_years` (each target's status
at its last month with figures in each year of a series) and `indicator_rates` (each unit type's
points scored ÷ points available per indicator, exempt units left out), on warehouses written
row by row so that every expected value is read off the rows below.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from warehouse import database
from warehouse.years_queries import indicator_rates, target_years

# scheme: (series, year); other-2025 is another series' year, alone-2025 a scheme of no series.
SCHEMES = {"hubin-2024": ("hubin", 2024), "hubin-2025": ("hubin", 2025),
           "hubin-2026": ("hubin", 2026), "other-2025": ("other", 2025),
           "alone-2025": (None, 2025)}

# scheme: [(target code, name, position)]. T2 is not a target of 2025 and comes back in 2026;
# T3 is new in 2025; T4 is a target of 2025 with no figures loaded; T1 moves from first to
# second place in 2025 and is renamed in 2026 (its code keeps it one target).
TARGETS = {
    "hubin-2024": [("T1", "保二争一", 0), ("T2", "公开文件超过2000件", 1)],
    "hubin-2025": [("T3", "办件超过350件", 0), ("T1", "保二争一", 1), ("T4", "答复率", 2)],
    "hubin-2026": [("T1", "保三争一", 0), ("T2", "公开文件超过2000件", 1)],
    "other-2025": [("T1", "保二争一", 0)],
    "alone-2025": [("T1", "保二争一", 0)],
}

# (scheme, target, month, status), in no particular order: the read must take each target's
# own latest month, not the last row written nor the year's latest month.
PROGRESS = [
    # 2024: T1 reported in March, June and December (December: 达争), rows out of order;
    # T2 has no figure for December: its last month is November (未达), not its January 达保.
    ("hubin-2024", "T1", "2024-06", "达保"), ("hubin-2024", "T1", "2024-12", "达争"),
    ("hubin-2024", "T1", "2024-03", "未达"),
    ("hubin-2024", "T2", "2024-11", "未达"), ("hubin-2024", "T2", "2024-01", "达保"),
    # 2025: T1 last reported in June, T3 in December (each its own last month);
    # October sorts after September (months are YYYY-MM text).
    ("hubin-2025", "T1", "2025-09", "未达"), ("hubin-2025", "T1", "2025-10", "达保"),
    ("hubin-2025", "T3", "2025-12", "达争"), ("hubin-2025", "T3", "2025-02", "未达"),
    # 2026: both targets' last month is September (a tie of month: each keeps its own status).
    ("hubin-2026", "T1", "2026-09", "未达"), ("hubin-2026", "T2", "2026-09", "达争"),
    ("hubin-2026", "T1", "2026-08", "达争"),
    # other series and no series: never in hubin's years.
    ("other-2025", "T1", "2025-12", "未达"), ("alone-2025", "T1", "2025-12", "达争"),
]

# Read off PROGRESS by hand: (year, target, name that year, position that year, status; None
# for a target of that year without figures).
HUBIN_YEARS = [
    (2024, "T1", "保二争一", 0, "达争"),
    (2024, "T2", "公开文件超过2000件", 1, "未达"),
    (2025, "T3", "办件超过350件", 0, "达争"),
    (2025, "T1", "保二争一", 1, "达保"),
    (2025, "T4", "答复率", 2, None),
    (2026, "T1", "保三争一", 0, "未达"),
    (2026, "T2", "公开文件超过2000件", 1, "达争"),
]


def _schemes_frame(ids: dict[str, tuple[str | None, int]]) -> pl.DataFrame:
    return pl.DataFrame([
        {"scheme": s, "name": f"{s} 考核办法", "jurisdiction": "湖滨区", "year": year,
         "series": series, "total_points": 100.0, "has_content": False, "has_grades": False,
         "builtin": False, "version": 1, "added_at": datetime(2026, 1, 1), "documents": "",
         "definition": "{}"} for s, (series, year) in ids.items()],
        schema=database.table_schema("schemes"))


def _targets_frame() -> pl.DataFrame:
    return pl.DataFrame([
        {"scheme": s, "target": code, "name": name, "text": name, "measure": "rank",
         "direction": "lower_better", "strict": False, "floor": 2.0, "stretch": 1.0,
         "aggregate": "last", "unit": "名", "position": position}
        for s, targets in TARGETS.items() for code, name, position in targets],
        schema=database.table_schema("targets"))


def _progress_frame() -> pl.DataFrame:
    # value, actual and the levels are not read by target_years: only month and status are.
    return pl.DataFrame([
        {"scheme": s, "year": SCHEMES[s][1], "target": t, "month": month, "value": 1.0,
         "actual": 1.0, "floor": 2.0, "stretch": 1.0, "status": status,
         "projected_status": status}
        for s, t, month, status in PROGRESS], schema=database.table_schema("target_progress"))


@pytest.fixture(scope="module")
def targets_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("years-reads") / "egov.duckdb"
    database.create(db, {"schemes": _schemes_frame(SCHEMES), "targets": _targets_frame(),
                         "target_progress": _progress_frame()})
    return db


def test_each_target_takes_its_own_last_month_of_each_year_of_the_series(targets_db):
    got = target_years(targets_db, "hubin")
    assert got.columns == ["year", "target", "name", "position", "status", "stretch"]
    assert got.drop("stretch").rows() == HUBIN_YEARS
    assert got["stretch"].to_list() == [1.0] * len(HUBIN_YEARS)  # the targets' own (page: 完成)


def test_a_target_missing_in_a_year_has_no_row_and_one_without_figures_no_status(targets_db):
    """T2 is no target of 2025: no row. T4 is, but no month of 2025 has its figures: a row
    without status (the 目标 page's 无数据). Failed before: T4 was left out like T2."""
    got = target_years(targets_db, "hubin")
    per_year = {y: sorted(got.filter(pl.col("year") == y)["target"]) for y in (2024, 2025, 2026)}
    assert per_year == {2024: ["T1", "T2"], 2025: ["T1", "T3", "T4"], 2026: ["T1", "T2"]}
    assert got.filter(pl.col("status").is_null()).select("year", "target").rows() == [
        (2025, "T4")]


def test_other_series_and_schemes_of_no_series_stay_out(targets_db):
    assert target_years(targets_db, "other").rows() == [(2025, "T1", "保二争一", 0, "未达", 1.0)]
    assert target_years(targets_db, "no-such-series").is_empty()


# ---------------------------------------------------------------- indicator_rates -----------

# (scheme, unit, unit type, code, max points, score, exempt). The exempt rows carry their
# points as the engine writes them (score 0, max_points the indicator's).
SCORES = [
    # A1 部门: 财政局 45/60, 教育局 30/60, 水利局 exempt → (45 + 30) / (60 + 60) = 0.625
    # (counting the exempt unit would give 75 / 180).
    ("hubin-2025", "财政局", "部门", "A1", 60.0, 45.0, False),
    ("hubin-2025", "教育局", "部门", "A1", 60.0, 30.0, False),
    ("hubin-2025", "水利局", "部门", "A1", 60.0, 0.0, True),
    # A1 镇: 尧塘镇 60/60, 金城街道 48/60 → 108 / 120 = 0.9
    ("hubin-2025", "尧塘镇", "镇", "A1", 60.0, 60.0, False),
    ("hubin-2025", "金城街道", "镇", "A1", 60.0, 48.0, False),
    # B2 部门: every unit exempt → no points available, no rate.
    ("hubin-2025", "财政局", "部门", "B2", 30.0, 0.0, True),
    ("hubin-2025", "教育局", "部门", "B2", 30.0, 0.0, True),
    # B2 镇: 尧塘镇 exempt, 金城街道 7.5/30 → 0.25
    ("hubin-2025", "尧塘镇", "镇", "B2", 30.0, 0.0, True),
    ("hubin-2025", "金城街道", "镇", "B2", 30.0, 7.5, False),
    # Z0 (a 0-point indicator): 0 of 0 is no rate, not a division by zero.
    ("hubin-2025", "财政局", "部门", "Z0", 0.0, 0.0, False),
    # hubin-2024 A1 部门: 卫生局 50/50, 计生委 20/50 → 0.7
    ("hubin-2024", "卫生局", "部门", "A1", 50.0, 50.0, False),
    ("hubin-2024", "计生委", "部门", "A1", 50.0, 20.0, False),
    # a scheme not asked for
    ("other-2025", "财政局", "部门", "A1", 60.0, 1.0, False),
]


@pytest.fixture(scope="module")
def rates_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("years-rates") / "egov.duckdb"
    rows = [{"scheme": s, "year": SCHEMES[s][1], "unit": unit, "unit_type": unit_type,
             "rubric": "main", "code": code, "max_points": max_points, "score": score,
             "lost": 0.0 if exempt else max_points - score, "exempt": exempt,
             "has_input": True} for s, unit, unit_type, code, max_points, score, exempt in SCORES]
    database.create(db, {"schemes": _schemes_frame(SCHEMES), "indicator_scores": pl.DataFrame(
        rows, schema=database.table_schema("indicator_scores"))})
    return db


def test_rates_are_points_scored_over_available_per_type_exempt_left_out(rates_db):
    got = indicator_rates(rates_db, ["hubin-2024", "hubin-2025"])
    assert got.columns == ["scheme", "code", "unit_type", "rate"]
    assert got.rows() == [("hubin-2024", "A1", "部门", 0.7),
                          ("hubin-2025", "A1", "部门", 0.625),
                          ("hubin-2025", "A1", "镇", 0.9),
                          ("hubin-2025", "B2", "镇", 0.25)]


def test_only_the_schemes_asked_for_are_read(rates_db):
    assert indicator_rates(rates_db, ["other-2025"]).rows() == [
        ("other-2025", "A1", "部门", 1 / 60)]
    assert indicator_rates(rates_db, []).is_empty()

