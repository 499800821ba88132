"""scheme_changes and change_summary (pipelines/years/indicators.py): what changed in a scheme
from one year to the next, found within each unit type's rubric where a scheme numbers each
rubric on its own (Yueyang, Shengzhou), and the 通报's phrase for it, every claim read off the
indicator lists of tests/rubrics_case.py. A one-rubric scheme (Jintan, years_case) reads as
it did."""

from __future__ import annotations

import polars as pl
import pytest
import rubrics_case as case

from pipelines.schemes.checks import load_scheme_text
from pipelines.schemes.model import Scheme
from pipelines.years.indicators import CHANGE_SCHEMA, change_summary, scheme_changes
from pipelines.years.sample import sample_next_scheme


@pytest.fixture(scope="module")
def duo() -> tuple[Scheme, Scheme]:
    return tuple(load_scheme_text(case.scheme_text(y), f"duo-{y}.yaml") for y in (2024, 2025))


def test_changes_are_found_within_each_rubric(duo):
    """Read off RUBRICS (tests/rubrics_case.py): (change, previous code, code, name, what,
    unit types; None = every type). Failed before: codes were looked up over the whole scheme,
    so 镇's 4 (previous_code 3) was matched to 部门's 3 宣传报道 and 镇's changes went unseen."""
    got = scheme_changes(*duo)
    assert got.schema == pl.Schema(CHANGE_SCHEMA)
    assert got.rows() == [
        ("added", None, "9", "数据安全", "5分", None),
        ("points", "1", "1", "工作机制", "60分→55分", "部门"),
        ("added", None, "2", "政务公开", "30分", "部门"),
        ("dropped", "2", None, "信息公开", "30分", "部门"),
        ("renumbered", "3", "4", "政务服务", "3→4", "镇、街道"),
        ("renamed", "3", "4", "政务服务", "便民服务→政务服务", "镇、街道"),
        ("points", "2", "2", "工作机制", "30分→20分", "镇、街道"),
        ("points", "3", "4", "政务服务", "20分→25分", "镇、街道"),
    ]


def test_the_notice_names_the_unit_types_a_change_belongs_to(duo):
    """The 通报's phrases: a change of every type first and without a type, as a one-rubric
    scheme's; then each rubric's, led by its unit types, as the notice writes a type's clause
    elsewhere (「部门2个可比单位中…」)."""
    assert change_summary(scheme_changes(*duo)) == [
        "新增指标1项（9 数据安全）",
        "部门分值调整1项（工作机制 60分→55分），新增指标1项（2 政务公开），"
        "删去指标1项（2 信息公开）",
        "镇、街道改编号1项（政务服务 3→4），更名指标1项（4 便民服务→政务服务），"
        "分值调整2项（工作机制 30分→20分；政务服务 20分→25分）",
    ]


def _renamed(scheme: Scheme, rubric_index: int, code: str, name: str) -> Scheme:
    """`scheme` as the next year, with one rubric's indicator `code` renamed (same code)."""
    data = scheme.model_dump()
    data.update(id=f"{scheme.series}-{scheme.year + 1}", year=scheme.year + 1)

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            if node.get("code") == code:
                node["name"] = name
            walk(node.get("children") or [])

    walk(data["rubrics"][rubric_index]["categories"])
    return Scheme.model_validate(data)


def test_yueyang_with_one_rubrics_indicator_renamed(schemes):
    """yueyang-2017 as 2018 with 市直's 4 (监督考核, 3分, schemes/yueyang-2017.yaml) renamed:
    that rubric drops one and adds one; 县市区's 4 (教育培训) is untouched. Failed before: the
    change list was empty (4 was looked up in 县市区's rubric, whose name had not changed)."""
    y17 = schemes["yueyang-2017"]
    assert [r.unit_types for r in y17.rubrics] == [["县市区"], ["市直及中省驻岳单位"]]
    y18 = _renamed(y17, 1, "4", "考核监督")
    got = scheme_changes(y17, y18)
    assert got.rows() == [
        ("added", None, "4", "考核监督", "3分", "市直及中省驻岳单位"),
        ("dropped", "4", None, "监督考核", "3分", "市直及中省驻岳单位")]
    assert change_summary(got) == [
        "市直及中省驻岳单位新增指标1项（4 考核监督），删去指标1项（4 监督考核）"]
    # the same code renamed in both rubrics: each rubric's own, under its own types
    both = _renamed(_renamed(y17, 1, "4", "考核监督"), 0, "4", "教育实践").model_copy(
        update={"id": "yueyang-2018", "year": 2018})
    assert change_summary(scheme_changes(y17, both)) == [
        "县市区新增指标1项（4 教育实践），删去指标1项（4 教育培训）",
        "市直及中省驻岳单位新增指标1项（4 考核监督），删去指标1项（4 监督考核）"]
    assert scheme_changes(y17, y17.model_copy(update={"id": "yueyang-2018",
                                                      "year": 2018})).is_empty()


# What the one-rubric schemes gave before the change list was found per rubric: the sample's
# jintan-2014 against jintan-2013 (pipelines/years/sample.py) and years_case's hubin years.
JINTAN_ROWS = [
    ("weights", None, None, None, "平时考评 60%→50%、年终考评 40%→50%", None),
    ("renumbered", "8", "129", "绩效考核", "8→129", None),
    ("points", "4", "4", "业务培训", "1分→1.5分", None),
    ("points", "5", "5", "材料报送", "1分→0.5分", None),
    ("added", None, "6", "政务新媒体", "1分", None),
    ("dropped", "6", None, "加入工作群", "1分", None),
]
JINTAN_SUMMARY = [
    "权重调整（平时考评 60%→50%、年终考评 40%→50%）",
    "改编号1项（绩效考核 8→129）",
    "分值调整2项（业务培训 1分→1.5分；材料报送 1分→0.5分）",
    "新增指标1项（6 政务新媒体）",
    "删去指标1项（6 加入工作群）",
]


def test_a_one_rubric_scheme_reads_as_before(schemes):
    j13 = schemes["jintan-2013"]
    got = scheme_changes(j13, sample_next_scheme(j13))
    assert got.rows() == JINTAN_ROWS
    assert change_summary(got) == JINTAN_SUMMARY


def test_the_notice_sentence_of_two_rubrics_changes(duo):
    """notices/_years.j2 writes the phrases into its one sentence on the scheme, in order: the
    change of every type, then 部门's, then 镇、街道's, each rubric's kinds joined by 「，」."""
    from pipelines.notice import render

    years = {"has_previous": True, "previous_year": 2024, "previous_scheme_name": "某办法",
             "gap": "与上年相比", "renamed": [], "merged": [], "split": [], "type_changed": [],
             "new_units": [], "move_places": 3, "types": [],
             "scheme_changes": change_summary(scheme_changes(*duo))}
    text = render.environment().get_template("_years.j2").render(years=years)
    assert ("本年度考核方案较上年有调整：新增指标1项（9 数据安全）；部门分值调整1项（工作机制 "
            "60分→55分），新增指标1项（2 政务公开），删去指标1项（2 信息公开）；镇、街道改编号1项"
            "（政务服务 3→4），更名指标1项（4 便民服务→政务服务），分值调整2项（工作机制 "
            "30分→20分；政务服务 20分→25分）。"
            "两个年度的总分依据不同的考核方案，比较时请予注意。") in text
