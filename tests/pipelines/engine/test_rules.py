"""Each rule kind against its seed example, computed by hand from the seed text.

The rule parameters are read from the scheme files, so a wrong transcription fails here too.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.engine import rules
from pipelines.rules.registry import kind_of
from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import content_items_frame, iter_leaves


def leaf(scheme: Scheme, rubric_id: str, code: str):
    rubric = next(r for r in scheme.rubrics if r.id == rubric_id)
    return next(lf for lf in iter_leaves(rubric) if lf.indicator.code == code)


def apply(leaf_, **inputs) -> list[float]:
    """Apply a leaf's rule to one row per value given."""
    n = len(next(iter(inputs.values())))
    frame = pl.DataFrame(
        {"unit": [f"u{i}" for i in range(n)], "max_points": [leaf_.indicator.max_points] * n,
         **inputs}
    )
    return kind_of(leaf_.rule).score(frame, leaf_.rule)["score"].to_list()


# ---------------------------------------------------------------- 000 Jintan 附件1 ------------


def test_points_per_item_and_adoption_bonus(schemes):
    """附件1: 区镇信息 每条1分, 政策解读 每条3分, 专题 每个专题10分, 视频访谈(主要负责人) 每次5分;
    备注1: 常州市级录用1条加2分, 省级录用1条加5分.
    By hand: 4×1 + 2×3 + 1×10 + 1×5 = 25 item points; 3 city adoptions ×2 + 1 province ×5 = 11."""
    jintan = schemes["jintan-2013"]
    items = content_items_frame(jintan).select("item", "points")
    assert dict(items.filter(pl.col("item").is_in([1, 16, 17, 20])).iter_rows()) == {
        1: 1.0, 16: 3.0, 17: 10.0, 20: 5.0}
    tallies = pl.DataFrame({
        "unit": ["金城镇"] * 4, "month": ["2013-03"] * 4, "item": [1, 16, 17, 20],
        "count": [4, 2, 1, 1], "city_adopted": [2, 1, 0, 0], "province_adopted": [1, 0, 0, 0],
    }, schema_overrides={"item": pl.Int32})
    bonus = jintan.content.adoption_bonus
    out = rules.content_points(tallies, items, bonus.city, bonus.province).row(0, named=True)
    assert out["item_points"] == 25
    assert out["adoption_points"] == 11
    assert out["points"] == 36


@pytest.mark.parametrize(
    ("unit_type", "p", "expected"),
    [
        ("区镇", 450, 45.0),        # 60 × 450/600, 不足部分不计分 of the bonus
        ("区镇", 600, 60.0),        # exactly the full mark
        ("区镇", 1099, 60.0),       # 499 over: not a full 500
        ("区镇", 1100, 60.3),       # 每满500分加0.3分
        ("政府部门", 1450, 60.6),   # 850 over: two full 300s
        ("垂直管理单位", 1200, 60.6),  # 600 over: exactly two 300s
        ("广播电视台", 1450, 60.0),  # 850 over: not a full 1000
        ("广播电视台", 2600, 60.6),  # 2000 over: two full 1000s
    ],
)
def test_full_mark_with_excess_bonus_by_unit_type(schemes, unit_type, p, expected):
    """附件1 备注2: 全年满分600分, 超过部分区(镇)每满500分加0.3分, 政府部门/垂直管理单位每满
    300分加0.3分, 广播电视台每满1000分加0.3分;
    docs/contract.md: 60 × min(P, 600)/600 + 0.3 × ⌊max(P−600,0)/step⌋."""
    fm = schemes["jintan-2013"].content.full_mark
    annual = pl.DataFrame({"unit": ["x"], "content_points": [float(p)],
                           "excess_step": [fm.excess_step_by_unit_type[unit_type]]})
    out = rules.full_mark_stage(annual, 60.0, fm.points, fm.excess_bonus)
    assert out["points"][0] == pytest.approx(expected)


# ---------------------------------------------------------------- leaf rules -----------------


def test_assessor_score_within_max(schemes):
    """附件2 序号1 重视程度 分值0.5: the assessor's 0.4 stands."""
    one = leaf(schemes["jintan-2013"], "yearend", "1")
    assert one.indicator.max_points == 0.5
    assert apply(one, score=[0.4, 0.5, 0.0]) == [0.4, 0.5, 0.0]


def test_deduction_floored_at_zero(schemes):
    """001 县市区 领导重视 3分: 未专题研究的扣1分, 未列入分工的扣1分 -> 1.
    工作规划及制度建设 3分: 未下发要点的扣1分 + 制度缺5项 × 0.5 = 3.5 -> 扣完为止 -> 0."""
    yy = schemes["yueyang-2017"]
    leader = leaf(yy, "county", "1")
    plan = leaf(yy, "county", "6")
    assert (leader.indicator.max_points, plan.indicator.max_points) == (3, 3)
    assert apply(leader, deduction=[2.0, 0.0]) == [1.0, 3.0]
    assert apply(plan, deduction=[1 + 5 * 0.5]) == [0.0]


def test_rate_against_target(schemes):
    """003 表一 序号15 人员日均活跃率 5分, 用户日均活跃率92%: 0.69 -> 5 × 0.69/0.92 = 3.75;
    above the target scores the max."""
    active = leaf(schemes["shengzhou-2020"], "town", "15")
    assert active.rule.target == 0.92
    assert apply(active, actual=[0.69, 0.92, 0.99]) == pytest.approx([3.75, 5.0, 5.0])


def test_ratio_formula(schemes):
    """004 #021 得分=挂接具体数据资源的目录数/部门目录总数*3分: 45 of 60 -> 2.25."""
    hooked = leaf(schemes["huaibei-2019"], "annual", "021")
    assert apply(hooked, numerator=[45.0, 60.0], denominator=[60.0, 60.0]) == [2.25, 3.0]


def test_rank_tiers(schemes):
    """004 #028 16个地市排名: 前5名 2分, 5-10名 1分, 10名以后不得分 (docs/contract.md: 6-10 is
    5-10名)."""
    ranked = leaf(schemes["huaibei-2019"], "annual", "028")
    assert ranked.rule.peers == 16
    assert apply(ranked, place=[1, 5, 6, 10, 11, 16]) == [2.0, 2.0, 1.0, 1.0, 0.0, 0.0]


def test_points_per_event_up_to_cap(schemes):
    """004 #003 培训情况: 一次得1分,最高2分; #029 每有一类 0.5分, 得满1分为止."""
    training = leaf(schemes["huaibei-2019"], "annual", "003")
    assert apply(training, times=[0.0, 1.0, 2.0, 5.0]) == [0.0, 1.0, 2.0, 2.0]
    licences = leaf(schemes["huaibei-2019"], "annual", "029")
    assert apply(licences, times=[1.0, 2.0, 3.0]) == [0.5, 1.0, 1.0]


def test_discrete_choice(schemes):
    """004 #006 是否通过专线接入: 是,得3分; 否,得1分; 未接入,不得分."""
    network = leaf(schemes["huaibei-2019"], "annual", "006")
    options = network.rule.options
    assert sorted(options.values()) == [0, 1, 3]
    by_points = {v: k for k, v in options.items()}
    assert apply(network, choice=[by_points[3], by_points[1], by_points[0]]) == [3.0, 1.0, 0.0]


# ---------------------------------------------------------------- adjustments, stages --------


def test_capped_bonus_by_level(schemes):
    """000 加分: 国家级荣誉3 + 省级示范1 + 国家级认可5 + 省级认可3 = 12, 附加分10分封顶 -> 10.
    001 加、减分: 省级表扬 +1, 市级 +0.5 ×2; 省级批评 −1 (no cap)."""
    jintan, yueyang = schemes["jintan-2013"], schemes["yueyang-2017"]
    levels = {c.number: c.levels for c in jintan.adjustments.clauses}
    events = pl.DataFrame({
        "unit": ["教育局"] * 4, "kind": ["加分"] * 4,
        "points": [levels[2]["国家级"], levels[3]["省级"], levels[4]["国家级"], levels[4]["省级"]],
    })
    assert events["points"].sum() == 12
    out = rules.capped_adjustments(events, jintan.adjustments.bonus_cap, None).row(0, named=True)
    assert (out["bonus"], out["bonus_uncapped"], out["penalty"]) == (10.0, 12.0, 0.0)

    yy = {(c.kind, lv): p for c in yueyang.adjustments.clauses for lv, p in c.levels.items()}
    events = pl.DataFrame({
        "unit": ["华容县"] * 4, "kind": ["加分", "加分", "加分", "减分"],
        "points": [yy[("加分", "省级")], yy[("加分", "市级")], yy[("加分", "市级")],
                   yy[("减分", "省级")]],
    })
    out = rules.capped_adjustments(events, None, None).row(0, named=True)
    assert (out["bonus"], out["penalty"]) == (2.0, 1.0)


def test_weighted_stages(schemes):
    """000 五、考核方式: 平时考评占总分的60%, 年终考评占40%:
    a 年终 rubric Σ of 85 contributes 34."""
    jintan = schemes["jintan-2013"]
    weights = {s.id: s.weight for s in jintan.stages}
    assert weights == {"monthly": 0.6, "yearend": 0.4}
    frame = pl.DataFrame({"raw": [85.0, 100.0]})
    out = frame.select(rules.weighted_stage(pl.col("raw"), 0.4, 100, 100))["raw"].to_list()
    assert out == pytest.approx([34.0, 40.0])


def test_exemption_rescales(schemes):
    """001 说明: a unit without the task explains in writing; docs/contract.md: exempt indicators
    leave the rubric, total = 100 × earned / available max. Exempt from 便民服务 (3分): 80 earned of
    97 available -> 100 × 80/97 = 82.4742..."""
    scores = pl.DataFrame({
        "unit": ["君山区"] * 3, "score": [78.0, 2.0, 0.0], "max_points": [95.0, 2.0, 3.0],
        "exempt": [False, False, True],
    })
    out = rules.rubric_score(scores, 100.0).row(0, named=True)
    assert out["available"] == 97
    assert out["rubric_points"] == pytest.approx(100 * 80 / 97)
    no_exemption = rules.rubric_score(scores.with_columns(exempt=pl.lit(False)), 100.0)
    assert no_exemption["rubric_points"][0] == 80


def test_grades_and_ties():
    """001 三、考核等次: 优秀(90分以上,含90分), 良好(80—90分,含80分) ...; docs/contract.md: ties
    share the best rank (1, 2, 2, 4), computed before rounding, float noise aside (0.1+0.2 ties
    0.3)."""
    bands = [("优秀", 90.0), ("良好", 80.0), ("合格", 60.0), ("不合格", None)]
    frame = pl.DataFrame({"total": [90.0, 89.99, 80.0, 59.999, 0.1 + 0.2, 0.3],
                          "group": ["a"] * 6})
    out = frame.with_columns(grade=rules.grade(pl.col("total"), bands),
                             rank=rules.competition_rank(pl.col("total"), "group"))
    assert out["grade"].to_list() == ["优秀", "良好", "良好", "不合格", "不合格", "不合格"]
    assert out["rank"].to_list() == [1, 2, 3, 4, 5, 5]


# ---------------------------------------------------------------- invariants -----------------


@settings(max_examples=200, deadline=None)
@given(
    max_points=st.floats(min_value=0.1, max_value=50),
    value=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    target=st.floats(min_value=0.01, max_value=2),
)
def test_a_score_never_exceeds_its_max_nor_drops_below_zero(max_points, value, target):
    from pipelines.rules.kinds.assessor_score import AssessorScore
    from pipelines.rules.kinds.deduction import Deduction
    from pipelines.rules.kinds.per_event import PerEvent
    from pipelines.rules.kinds.rank_tiers import RankTier, RankTiers
    from pipelines.rules.kinds.rate_target import RateTarget
    from pipelines.rules.kinds.ratio import Ratio

    frame = pl.DataFrame({
        "unit": ["u"], "max_points": [max_points], "score": [value], "deduction": [value],
        "actual": [value], "numerator": [value], "denominator": [value + 1.0],
        "times": [value], "place": [int(value) % 20 + 1],
    })
    cases = [
        AssessorScore(), Deduction(), RateTarget(target=target), Ratio(),
        PerEvent(points_each=target), RankTiers(peers=20, tiers=[RankTier(up_to=5, points=50)]),
    ]
    for rule in cases:
        score = kind_of(rule).score(frame, rule)["score"][0]
        assert 0 <= score <= max_points + 1e-12, rule.kind


@settings(max_examples=200, deadline=None)
@given(p=st.floats(min_value=0, max_value=20000, allow_nan=False),
       step=st.sampled_from([300.0, 500.0, 1000.0]))
def test_content_stage_monotonic_and_bounded(p, step):
    """More content points never lower the 平时 stage; below the full mark it stays within 60."""
    annual = pl.DataFrame({"unit": ["a", "b"], "content_points": [p, p + 1.0],
                           "excess_step": [step, step]})
    out = rules.full_mark_stage(annual, 60.0, 600.0, 0.3)["points"].to_list()
    assert out[0] <= out[1] + 1e-12
    if p <= 600:
        assert out[0] <= 60 + 1e-12
    assert out[0] <= 60 + 0.3 * max(p - 600, 0) / step + 1e-9


def test_output_rounding_is_half_up_to_two_decimals():
    """docs/contract.md: scores are rounded half-up to 2 decimals for output only."""
    from warehouse.rounding import round_half_up

    values = pl.DataFrame({"x": [2.675, 2.665, 103.6, 0.125, 89.994999, 1.005, -2.675]})
    out = values.select(round_half_up(pl.col("x")))["x"].to_list()
    assert out == [2.68, 2.67, 103.6, 0.13, 89.99, 1.01, -2.67]
    assert [repr(v) for v in out[:3]] == ["2.68", "2.67", "103.6"]


@settings(max_examples=300, deadline=None)
@given(cents=st.integers(min_value=0, max_value=10_000_000))
def test_rounding_keeps_values_that_have_two_decimals(cents):
    from warehouse.rounding import round_half_up

    value = cents / 100
    out = pl.DataFrame({"x": [value]}).select(round_half_up(pl.col("x")))["x"][0]
    assert repr(out) == repr(value)
