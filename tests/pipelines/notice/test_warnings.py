"""预警 (early warnings) on the sample warehouse, checked against figures worked out by hand or
recomputed independently from the warehouse's result tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.notice import warnings as warn


def kinds(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    return frame.filter(pl.col("kind") == kind)


def test_target_warnings_say_what_each_remaining_month_must_bring(demo_db):
    w = kinds(warn.early_warnings(demo_db, "jintan-2013", 2013, "2013-06"), warn.TARGET)
    by = {r["subject"]: r for r in w.iter_rows(named=True)}
    # 主动公开文件超过2000件: 845 by June, projected 845 × 12 / 6 = 1690 < 2000:
    # (2000 − 845) / 6 = 192.5 a month
    docs = by["政府信息主动公开文件超过2000件"]
    assert docs["severity"] == warn.HIGH and docs["need"] == pytest.approx(192.5)
    assert "按当前进度年末预计1690件" in docs["detail"] and "还需月均193件" in docs["detail"]
    # 省政府门户网站 > 350: 161.5 by June → (350 − 161.5) / 6 = 31.4166… → 31.42分
    assert "还需月均31.42分" in by["省政府门户网站内容保障得分超过350分"]["detail"]
    # 常州门户 > 2500: 1358 by June, projected 2716: reaches the floor, no stretch → no warning
    assert "保障常州政府门户网站得分超过2500分" not in by
    # 接通率 99% (mean of months): 98.9633% over 6 months → the other 6 must average
    # (0.99 × 12 − 0.989633… × 6) / 6 = 0.990367 → 99.04%
    assert "其余各月需平均达到99.04%" in by["接通率达99%"]["detail"]
    # 保二争一 at 2nd: the floor is held, the stretch is not: a 中 warning
    assert by["在常州市保二争一"]["severity"] == warn.MEDIUM
    assert "争先目标第1名" in by["在常州市保二争一"]["detail"]
    assert all(link == "/targets?scheme=jintan-2013&year=2013&period=2013-06"
               for link in w["link"])


def test_a_month_with_a_unit_that_did_not_report(demo_db, tmp_path):
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM content_tallies WHERE unit = '金城镇' AND month = '2013-12'")
    con.close()
    w = kinds(warn.early_warnings(db, "jintan-2013", 2013, "2013-12"), warn.UNREPORTED)
    assert w["subject"].to_list() == ["金城镇"]
    assert w["severity"].to_list() == [warn.HIGH]
    assert "2013年12月未报送内容保障月报" in w["detail"][0]
    assert w["link"][0].startswith("/rankings?scheme=jintan-2013&year=2013&period=2013-12")
    # the sample itself: everyone reported every month
    assert kinds(warn.early_warnings(demo_db, "jintan-2013", 2013, "2013-12"),
                 warn.UNREPORTED).is_empty()


def test_rank_falls_of_three_places_match_the_monthly_ranks(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    ranks = con.sql("SELECT unit, month, ytd_rank FROM monthly_points "
                    "WHERE scheme = 'jintan-2013'").pl()
    con.close()
    ranks = ranks.sort("unit", "month").with_columns(
        prev=pl.col("ytd_rank").shift(1).over("unit"))
    found_any = False
    for month in sorted(ranks["month"].unique()):
        want = sorted(ranks.filter((pl.col("month") == month)
                                   & (pl.col("ytd_rank") - pl.col("prev") >= 3))["unit"])
        got = kinds(warn.early_warnings(demo_db, "jintan-2013", 2013, month), warn.RANK_FALL)
        assert sorted(got["subject"]) == want, month
        found_any |= bool(want)
    assert found_any, "the sample should show at least one fall of 3 places in some month"


def test_projected_total_is_the_monthly_stage_at_the_current_pace(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    ytd = con.sql("SELECT ytd_points FROM monthly_points WHERE scheme = 'jintan-2013' "
                  "AND month = '2013-06' AND unit = '尧塘镇'").fetchall()[0][0]
    yearend = con.sql("SELECT points FROM stage_scores WHERE scheme = 'jintan-2013' "
                      "AND unit = '尧塘镇' AND stage <> (SELECT stage FROM stages WHERE "
                      "scheme = 'jintan-2013' AND basis = 'content')").fetchall()[0][0]
    bonus = con.sql("SELECT bonus - penalty FROM results WHERE scheme = 'jintan-2013' "
                    "AND unit = '尧塘镇'").fetchall()[0][0]
    con.close()
    projected = ytd * 12 / 6  # below 600 in the sample: no excess bonus
    assert projected < 600
    want = 60 * projected / 600 + yearend + bonus
    model = warn.scheme_by_id(demo_db, "jintan-2013")
    got = warn.projected_totals(demo_db, model, 2013, "2013-06")
    assert got.filter(pl.col("unit") == "尧塘镇")["total"][0] == pytest.approx(want)
    # December's projection is the year's total as scored
    dec = warn.projected_totals(demo_db, model, 2013, "2013-12")
    con = duckdb.connect(str(demo_db), read_only=True)
    totals = con.sql("SELECT unit, total FROM results WHERE scheme = 'jintan-2013'").pl()
    con.close()
    joined = dec.join(totals, on="unit", suffix="_scored")
    assert joined.height == 32
    assert (joined["total"] - joined["total_scored"]).abs().max() < 1e-9
    grade = kinds(warn.early_warnings(demo_db, "jintan-2013", 2013, "2013-06"), warn.GRADE)
    assert "尧塘镇" in grade["subject"].to_list()


def test_indicators_far_below_their_types_other_indicators(demo_db, tmp_path):
    """The sample's rates are even (no indicator 20 points below its type's others): no 指标
    预警 at all, where the old rule (more than half of a type lost points) gave 384. Then one
    indicator made weak for one type, by hand: 政府部门 lose every point of 56 热点专访."""
    assert kinds(warn.early_warnings(demo_db, "jintan-2013", 2013), warn.INDICATOR).is_empty()
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE indicator_scores SET lost = max_points, score = 0 "
                "WHERE scheme = 'jintan-2013' AND unit_type = '政府部门' AND code = '56'")
    others = con.execute(
        "SELECT 1 - sum(lost) / sum(max_points) FROM indicator_scores WHERE scheme = "
        "'jintan-2013' AND unit_type = '政府部门' AND code <> '56' AND NOT exempt").fetchall()[0][0]
    con.close()
    got = kinds(warn.early_warnings(db, "jintan-2013", 2013), warn.INDICATOR)
    assert got["subject"].to_list() == ["56 热点专访"]
    assert got["unit_type"].to_list() == ["政府部门"]
    detail = got["detail"][0]
    assert detail.startswith("政府部门得分率0%，本类单位其余指标得分率")
    assert "16个单位中16个失分" in detail
    assert f"其余指标得分率{round(others * 100, 2):g}%" in detail
    assert "code=56" in got["link"][0] and got["link"][0].startswith("/indicators?")


def test_warnings_are_ranked_by_consequence(demo_db):
    frame = warn.early_warnings(demo_db, "jintan-2013", 2013, "2013-06")
    high = frame.filter(pl.col("severity") == warn.HIGH)["kind"].to_list()
    order = [warn.KIND_ORDER.index(k) for k in high]
    assert order == sorted(order) and high[0] == warn.TARGET
    # within the floor-missing targets, the largest shortfall against its floor first
    targets = frame.filter((pl.col("kind") == warn.TARGET) & (pl.col("severity") == warn.HIGH))
    assert targets["weight"].to_list() == sorted(targets["weight"].to_list(), reverse=True)
    # below a grade line: the lowest projected total first
    grades = kinds(frame, warn.GRADE)
    assert grades["subject"][0] == "金坛经济开发区"


def test_summary_counts_every_kind(demo_db):
    frame = warn.early_warnings(demo_db, "jintan-2013", 2013, "2013-06")
    counts = warn.summary(frame)
    assert list(counts) == warn.KIND_ORDER and sum(counts.values()) == frame.height
    assert frame["severity"].to_list() == sorted(frame["severity"].to_list(),
                                                 key=lambda s: s != warn.HIGH)


def test_link_keeps_the_view(tmp_path: Path):
    assert warn.link("unit", scheme="s", type=None, unit="金城镇") == \
        "/unit?scheme=s&unit=%E9%87%91%E5%9F%8E%E9%95%87"
