"""Whole-scheme worked examples: docs/contract.md's scoring decisions, redone by hand."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.engine.scoring import Facts, score_scheme
from pipelines.schemes.tables import iter_leaves
from warehouse.database import table_schema


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """Rows for a warehouse fact table, typed as schema.sql declares, missing columns null."""
    schema = table_schema(table)
    full = [{c: r.get(c) for c in schema} for r in rows]
    return pl.DataFrame(full, schema=schema)


def facts(scheme: str, units, content=(), yearend=(), adjustments=(), metrics=()) -> Facts:
    def fill(rows, defaults):
        return [{"scheme": scheme, "load_id": 1, **defaults, **r} for r in rows]

    return Facts(
        units=frame("units", fill([{"unit": u, "unit_type": t} for u, t in units],
                                  {"is_sample": False})),
        content_tallies=frame("content_tallies", fill(content, {"year": 2013, "city_adopted": 0,
                                                                "province_adopted": 0})),
        yearend_inputs=frame("yearend_inputs", fill(yearend, {"exempt": False})),
        adjustment_inputs=frame("adjustment_inputs", fill(adjustments, {"reason": "r"})),
        metric_values=frame("metric_values", fill(metrics, {})),
    )


def by_unit(results: pl.DataFrame) -> dict[str, dict]:
    return {r["unit"]: r for r in results.iter_rows(named=True)}


def test_jintan_total_is_monthly_plus_yearend_plus_capped_bonus(schemes):
    """金城镇 (区镇): P = 300 + (800 + 2 × 10 城市录用) = 1120 -> 平时 60 + 0.3 × ⌊520/500⌋ = 60.3;
    年终: all 128 indicators at full marks except 序号1 (0.3 of 0.5) and 序号2 (not scored: 0 of
    1.5) -> Σ 98.3 -> 0.4 × 98.3 = 39.32; 加分 1 + 2 + 2 + 5 + 3 = 13 -> 封顶 10; total 109.62 优秀.
    教育局 (政府部门): P = 100 × 1 + 50 × 3 (政策解读) = 250 -> 60 × 250/600 = 25;
    年终: only 组织管理 (序号1-8, 7分) scored in full -> 0.4 × 7 = 2.8; total 27.8 不合格."""
    jintan = schemes["jintan-2013"]
    leaves = {lf.indicator.code: lf.indicator.max_points for lf in iter_leaves(jintan.rubrics[0])}
    town_rows = [{"year": 2013, "unit": "金城镇", "indicator": c, "score": m}
                 for c, m in leaves.items() if c not in ("1", "2")]
    town_rows.append({"year": 2013, "unit": "金城镇", "indicator": "1", "score": 0.3})
    dept_rows = [{"year": 2013, "unit": "教育局", "indicator": str(c), "score": leaves[str(c)]}
                 for c in range(1, 9)]
    f = facts(
        "jintan-2013",
        units=[("金城镇", "区镇"), ("教育局", "政府部门")],
        content=[
            {"month": "2013-01", "unit": "金城镇", "item": 1, "count": 300},
            {"month": "2013-02", "unit": "金城镇", "item": 1, "count": 800, "city_adopted": 10},
            {"month": "2013-01", "unit": "教育局", "item": 2, "count": 100},
            {"month": "2013-01", "unit": "教育局", "item": 16, "count": 50},
        ],
        yearend=town_rows + dept_rows,
        adjustments=[
            {"year": 2013, "unit": "金城镇", "kind": "加分", "clause": 1, "points": 1.0},
            {"year": 2013, "unit": "金城镇", "kind": "加分", "clause": 2, "level": "省级",
             "points": 2.0},
            {"year": 2013, "unit": "金城镇", "kind": "加分", "clause": 3, "level": "国家级",
             "points": 2.0},
            {"year": 2013, "unit": "金城镇", "kind": "加分", "clause": 4, "level": "国家级",
             "points": 5.0},
            {"year": 2013, "unit": "金城镇", "kind": "加分", "clause": 4, "level": "省级",
             "points": 3.0},
        ],
    )
    out = score_scheme(jintan, f)
    res = by_unit(out.results)
    assert res["金城镇"]["total"] == pytest.approx(109.62)
    assert res["金城镇"]["bonus"] == 10
    assert res["金城镇"]["grade"] == "优秀"
    assert res["教育局"]["total"] == pytest.approx(27.8)
    assert res["教育局"]["grade"] == "不合格"
    assert (res["金城镇"]["rank"], res["教育局"]["rank"]) == (1, 1)  # ranks within unit type

    stages = {(r["unit"], r["stage"]): r for r in out.stage_scores.iter_rows(named=True)}
    assert stages[("金城镇", "monthly")]["raw_points"] == 1120
    assert stages[("金城镇", "monthly")]["excess_bonus"] == pytest.approx(0.3)
    assert stages[("金城镇", "yearend")]["raw_points"] == pytest.approx(98.3)
    assert stages[("教育局", "monthly")]["points"] == pytest.approx(25)

    monthly = {(r["unit"], r["month"]): r for r in out.monthly_points.iter_rows(named=True)}
    assert monthly[("金城镇", "2013-02")]["points"] == 820
    assert monthly[("金城镇", "2013-02")]["ytd_points"] == 1120
    assert monthly[("教育局", "2013-02")]["points"] == 0  # reported nothing that month
    assert monthly[("教育局", "2013-01")]["ytd_points"] == 250

    lost = {(r["unit"], r["code"]): r["lost"] for r in out.indicator_scores.iter_rows(named=True)}
    assert lost[("金城镇", "1")] == pytest.approx(0.2)
    assert lost[("金城镇", "2")] == pytest.approx(1.5)
    assert out.indicator_scores.height == 2 * 128


def test_yueyang_deductions_exemption_and_adjustments(schemes):
    """华容县 (县市区): 序号1 领导重视 扣2 -> 1 of 3; 序号6 工作规划 扣3.5 -> 0 of 3 (扣完为止);
    序号37 便民服务 (3分) exempt; the rest not entered = nothing deducted (倒扣分).
    earned = 100 − 2 − 3 − 3 = 92 of 97 available -> 100 × 92/97 = 94.8454;
    加分 省级 +1, 减分 市级 −0.5 -> 95.3454 优秀.
    市直: 市财政局 序号18 (数据库, 4分) 扣4 -> 96 优秀; 市教育局 扣10 + 扣2 -> 88 良好;
    市公安局 扣12 of the 19-point 主动公开 -> 88: a tie, both rank 2 (1, 2, 2)."""
    yy = schemes["yueyang-2017"]
    f = facts(
        "yueyang-2017",
        units=[("华容县", "县市区"), ("市财政局", "市直及中省驻岳单位"),
               ("市教育局", "市直及中省驻岳单位"), ("市公安局", "市直及中省驻岳单位")],
        yearend=[
            {"year": 2017, "unit": "华容县", "indicator": "1", "deduction": 2.0},
            {"year": 2017, "unit": "华容县", "indicator": "6", "deduction": 3.5},
            {"year": 2017, "unit": "华容县", "indicator": "37", "exempt": True},
            {"year": 2017, "unit": "市财政局", "indicator": "18", "deduction": 4.0},
            {"year": 2017, "unit": "市教育局", "indicator": "9", "deduction": 10.0},
            {"year": 2017, "unit": "市教育局", "indicator": "1", "deduction": 2.0},
            {"year": 2017, "unit": "市公安局", "indicator": "9", "deduction": 12.0},
        ],
        adjustments=[
            {"year": 2017, "unit": "华容县", "kind": "加分", "clause": 1, "level": "省级",
             "points": 1.0},
            {"year": 2017, "unit": "华容县", "kind": "减分", "clause": 1, "level": "市级",
             "points": 0.5},
        ],
    )
    out = score_scheme(yy, f)
    res = by_unit(out.results)
    assert res["华容县"]["stages_total"] == pytest.approx(100 * 92 / 97)
    assert res["华容县"]["total"] == pytest.approx(100 * 92 / 97 + 0.5)
    assert res["华容县"]["grade"] == "优秀"
    assert res["市财政局"]["total"] == 96
    assert res["市教育局"]["total"] == 88 and res["市教育局"]["grade"] == "良好"
    assert res["市公安局"]["total"] == 88
    assert [res[u]["rank"] for u in ("市财政局", "市教育局", "市公安局")] == [1, 2, 2]
    exempt = out.indicator_scores.filter(pl.col("exempt"))
    assert exempt.select("unit", "code", "lost").rows() == [("华容县", "37", 0.0)]


def test_shengzhou_rates_and_no_grades(schemes):
    """剡湖街道 (乡镇(街道)): 序号15 活跃率 0.69 against 92% -> 5 × 0.75 = 3.75; 序号14 激活率 0.9
    against 100% -> 3 × 0.9 = 2.7; nothing else entered -> 0 (missing_input: zero). No grades."""
    sz = schemes["shengzhou-2020"]
    f = facts("shengzhou-2020", units=[("剡湖街道", "乡镇(街道)")], yearend=[
        {"year": 2020, "unit": "剡湖街道", "indicator": "15", "actual": 0.69},
        {"year": 2020, "unit": "剡湖街道", "indicator": "14", "actual": 0.9},
    ])
    res = by_unit(score_scheme(sz, f).results)["剡湖街道"]
    assert res["total"] == pytest.approx(3.75 + 2.7)
    assert res["grade"] is None


def test_huaibei_formulas(schemes):
    """市教育局: 003 培训 3次 -> 2 (封顶); 006 专线接入 -> 3; 021 挂接 45/60 -> 2.25;
    028 第7名 -> 1; total 8.25 (others not entered)."""
    hb = schemes["huaibei-2019"]
    options = next(lf.rule.options for r in hb.rubrics for lf in iter_leaves(r)
                   if lf.indicator.code == "006")
    top = max(options, key=options.get)
    f = facts("huaibei-2019", units=[("市教育局", "市直单位")], yearend=[
        {"year": 2019, "unit": "市教育局", "indicator": "003", "times": 3.0},
        {"year": 2019, "unit": "市教育局", "indicator": "006", "choice": top},
        {"year": 2019, "unit": "市教育局", "indicator": "021", "numerator": 45.0,
         "denominator": 60.0},
        {"year": 2019, "unit": "市教育局", "indicator": "028", "place": 7},
    ])
    res = by_unit(score_scheme(hb, f).results)["市教育局"]
    assert res["total"] == pytest.approx(2 + 3 + 2.25 + 1)


def test_jintan_targets(schemes):
    """保二争一: Changzhou rank 3 in January (未达), 2 in June (达保), 1 in December (达争).
    主动公开文件超过2000件: 150/month for 6 months = 900 by June; pace 2000 × 6/12 = 1000;
    projection 900/6 × 12 = 1800 -> 未达 projected; December total 2100 -> 达保."""
    jintan = schemes["jintan-2013"]
    docs = [{"month": f"2013-{m:02d}", "metric": "open_documents", "year": 2013,
             "value": 150.0 if m <= 6 else 200.0} for m in range(1, 13)]
    ranks = [{"month": m, "metric": "changzhou_rank", "year": 2013, "value": v}
             for m, v in (("2013-01", 3.0), ("2013-06", 2.0), ("2013-12", 1.0))]
    out = score_scheme(jintan, facts("jintan-2013", units=[], metrics=docs + ranks))
    prog = {(r["target"], r["month"]): r for r in out.target_progress.iter_rows(named=True)}
    assert [prog[("changzhou_rank", m)]["status"] for m in ("2013-01", "2013-06", "2013-12")] \
        == ["未达", "达保", "达争"]
    june = prog[("open_documents", "2013-06")]
    assert (june["actual"], june["pace"], june["projection"]) == (900, 1000, 1800)
    assert june["projected_status"] == "未达"
    december = prog[("open_documents", "2013-12")]
    assert december["actual"] == 900 + 6 * 200
    assert december["status"] == "达保"
