"""Issue 17's done-when case: two years of a series (tests/years_case.py) with a renamed unit, a
merger, units trading places and a unit changing type, checked against hand-computed values:
`egov scores` (the three new columns), `egov trend`, the year-end 通报 paragraph; any load order
gives the same; reverting the earlier year clears only the later year's previous-year columns."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import years_case as case
from click.testing import CliRunner

from egov.cli import main
from pipelines.years.trend import trend_table


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return case.build(tmp_path_factory.mktemp("years"))


# Hand-computed from years_case: 2025 ranks within type, 2024 ranks, rank change = 2024 − 2025.
EXPECTED_2025 = {
    # unit: (total, rank, grade, prev_total, prev_rank, rank_change)
    "卫生计生委": ("92.0", "1", "优秀", "", "", ""),      # merger: no single previous figure
    "财政局": ("88.0", "2", "良好", "80.0", "3", "1"),   # trades places with 教育局
    "教育局": ("78.0", "3", "一般", "85.0", "2", "-1"),
    "开发区": ("65.0", "4", "一般", "80.0", "3", ""),    # 镇 → 部门: no rank change
    "水利局": ("60.0", "5", "一般", "", "", ""),          # new
    "尧塘镇": ("90.0", "1", "优秀", "88.0", "2", "1"),
    "金城街道": ("86.0", "2", "良好", "95.0", "1", "-1"),  # renamed from 金城镇
}


def test_scores_adds_the_previous_year_columns_before_sample(db):
    code, out, err = run("scores", "--db", db, "--scheme", "hubin-2025", "--year", "2025",
                         "--format", "csv")
    assert code == 0, err
    header = out.splitlines()[0].split(",")
    assert header[-4:] == ["prev_total", "prev_rank", "rank_change", "sample"]
    got = {r["unit"]: (r["total"], r["rank"], r["grade"], r["prev_total"], r["prev_rank"],
                       r["rank_change"]) for r in rows(out)}
    assert got == EXPECTED_2025


def test_the_first_year_has_empty_previous_columns(db):
    code, out, _ = run("scores", "--db", db, "--scheme", "hubin-2024", "--year", "2024",
                       "--format", "csv")
    assert code == 0
    assert all(r["prev_total"] == r["prev_rank"] == r["rank_change"] == "" for r in rows(out))


def scores_of(db: Path, scheme: str, year: int) -> str:
    return run("scores", "--db", db, "--scheme", scheme, "--year", year, "--format", "csv")[1]


def test_loading_the_years_in_either_order_gives_the_same_results(db, tmp_path):
    reversed_db = case.build(tmp_path, order=(2025, 2024))
    for scheme, year in (("hubin-2024", 2024), ("hubin-2025", 2025)):
        assert scores_of(reversed_db, scheme, year) == scores_of(db, scheme, year)
    assert trend_table(reversed_db, "hubin").equals(trend_table(db, "hubin"))


def test_reverting_the_earlier_year_clears_only_the_later_years_previous_columns(tmp_path):
    db = case.build(tmp_path)
    before = rows(scores_of(db, "hubin-2025", 2025))
    history = json.loads(run("history", "--db", db, "--format", "json")[1])
    [first_year] = {h["batch"] for h in history if h["file"].endswith("2024.csv")}
    code, _, err = run("revert", "--db", db, str(first_year))
    assert code == 0, err
    after = rows(scores_of(db, "hubin-2025", 2025))
    new_columns = ("prev_total", "prev_rank", "rank_change")
    assert all(r[c] == "" for r in after for c in new_columns)
    strip = [{k: v for k, v in r.items() if k not in new_columns} for r in before]
    assert [{k: v for k, v in r.items() if k not in new_columns} for r in after] == strip


def notice_paragraphs(db: Path, scheme: str, year: int, month: str | None = None) -> list[str]:
    from pipelines.notice import facts, render

    return [b.text for b in render.render(facts.gather(db, scheme, year, month))]


# Hand-written from EXPECTED_2025 and the two scheme files of years_case.
YEAREND_PARAGRAPH = (
    "与上年相比（2024年度，依据《湖滨区2024年度电子政务考核办法》）："
    "部门2个可比单位中名次上升1个、下降1个、持平0个，"
    "名次升降均不足3位；"
    "考核等次提高0个、降低2个；"
    "镇2个可比单位中名次上升1个、下降1个、持平0个，"
    "名次升降均不足3位；"
    "考核等次提高1个、降低1个。"
    "金城镇更名为金城街道，按原单位的上年成绩比较。"
    "卫生局、计生委合并为卫生计生委，合并后的单位无单一的上年名次，不作名次比较。"
    "开发区的单位类型较上年有变化，不作名次比较。"
    "水利局为本年度新纳入考核的单位。"
    "本年度考核方案较上年有调整：改编号1项（信息公开 A2→B2）；"
    "分值调整2项（工作机制 50分→60分；信息公开 40分→30分）；"
    "新增指标1项（A3 数据共享）；删去指标1项（A4 宣传报道）。"
    "两个年度的总分依据不同的考核方案，比较时请予注意。"
)
# LEDGER_2024 of years_case: 3 items, 2 已整改.
RECTIFIED_PARAGRAPH = "2024年度考核反馈的问题列入整改台账3项，已整改2项，尚未完成1项。"


def test_the_yearend_notice_compares_with_the_previous_year(db):
    paragraphs = notice_paragraphs(db, "hubin-2025", 2025)
    assert YEAREND_PARAGRAPH in paragraphs
    assert paragraphs[paragraphs.index(YEAREND_PARAGRAPH) + 1] == RECTIFIED_PARAGRAPH
    assert not any("无上年度考核结果" in p for p in paragraphs)
    first_year = notice_paragraphs(db, "hubin-2024", 2024)
    assert not any(p.startswith("与上年相比") for p in first_year)


def test_trend_lists_each_unit_under_its_latest_name(db):
    code, out, err = run("trend", "--db", db, "--series", "hubin", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == ("series,year,scheme,unit,unit_name_that_year,unit_type,total,"
                                   "rank,grade,sample")
    got = [(r["year"], r["unit"], r["unit_name_that_year"], r["unit_type"], r["total"],
            r["rank"], r["grade"]) for r in rows(out)]
    assert got == [
        # by latest type (部门 first, as the scheme lists them), then name, then year
        ("2024", "卫生计生委", "卫生局", "部门", "90.0", "1", "优秀"),
        ("2024", "卫生计生委", "计生委", "部门", "70.0", "4", "一般"),
        ("2025", "卫生计生委", "卫生计生委", "部门", "92.0", "1", "优秀"),
        ("2024", "开发区", "开发区", "镇", "80.0", "3", "良好"),
        ("2025", "开发区", "开发区", "部门", "65.0", "4", "一般"),
        ("2024", "教育局", "教育局", "部门", "85.0", "2", "良好"),
        ("2025", "教育局", "教育局", "部门", "78.0", "3", "一般"),
        ("2025", "水利局", "水利局", "部门", "60.0", "5", "一般"),
        ("2024", "财政局", "财政局", "部门", "80.0", "3", "良好"),
        ("2025", "财政局", "财政局", "部门", "88.0", "2", "良好"),
        ("2024", "尧塘镇", "尧塘镇", "镇", "88.0", "2", "良好"),
        ("2025", "尧塘镇", "尧塘镇", "镇", "90.0", "1", "优秀"),
        ("2024", "金城街道", "金城镇", "镇", "95.0", "1", "优秀"),
        ("2025", "金城街道", "金城街道", "镇", "86.0", "2", "良好"),
    ]
    code, out, _ = run("trend", "--db", db, "--series", "hubin", "--unit", "金城镇",
                       "--format", "json")
    assert code == 0
    assert [(r["year"], r["unit"], r["unit_name_that_year"]) for r in json.loads(out)] == [
        (2024, "金城街道", "金城镇"), (2025, "金城街道", "金城街道")]
    code, out, _ = run("trend", "--db", db, "--series", "hubin", "--unit-type", "镇",
                       "--format", "csv")
    assert {r["unit"] for r in rows(out)} == {"尧塘镇", "金城街道"}


def test_trend_refuses_an_unknown_series(db):
    code, _, err = run("trend", "--db", db, "--series", "nowhere")
    assert code == 2 and "nowhere" in err
