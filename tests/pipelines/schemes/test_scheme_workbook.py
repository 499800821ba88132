"""The workbook form of a scheme: the empty template a clerk fills, a workbook typed by hand the way
a clerk would, and exact round trips of every built-in scheme."""

from __future__ import annotations

import re

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ROOT, TESTS

from egov.cli import main
from pipelines.schemes.checks import SchemeRejected, load_scheme_file, load_scheme_text
from pipelines.schemes.model import RULE_KINDS, Node
from pipelines.schemes.workbook import (
    HEADER_FIELDS,
    SHEETS,
    read_scheme_workbook,
    write_scheme_template,
    write_scheme_workbook,
)

DOC = ROOT / "docs" / "schemes.md"
LAKESIDE = TESTS / "fixtures" / "schemes" / "lakeside-2025.yaml"


def doc_example():
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- example: shifan-2024 -->\s*```yaml\n(.*?)```", text, re.S)
    assert m
    return load_scheme_text(m.group(1), "docs/schemes.md")


def headers(ws) -> list[str]:
    return [c.value for c in ws[1] if c.value is not None]


# ---------------------------------------------------------------------------------------------
# The empty template
# ---------------------------------------------------------------------------------------------


def test_template_has_every_sheet_header_and_drop_down(tmp_path):
    path = tmp_path / "方案模板.xlsx"
    result = CliRunner().invoke(main, ["scheme", "template", "--out", str(path)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["说明", "方案"]
    assert set(wb.sheetnames) >= {s.name for s in SHEETS.values()}
    # 方案: one row per header field, Chinese label and English field name, empty values.
    rows = list(wb["方案"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [(f.zh, f.dotted) for f in HEADER_FIELDS]
    assert all(r[2] is None for r in rows)
    # 指标: Chinese headers in the documented order, no data rows.
    ws = wb["指标"]
    assert headers(ws)[:9] == ["细则", "编号", "一级指标", "二级指标", "三级指标", "指标名称",
                               "分值", "权重", "计分规则"]
    assert {"目标值", "每次分值", "封顶", "选项", "分档", "参评数", "考核要点", "牵头科室",
            "配合科室"} <= set(headers(ws))
    assert ws.max_row == 1
    # The rule kind column offers every rule kind as a drop-down list.
    rule_col = openpyxl.utils.get_column_letter(headers(ws).index("计分规则") + 1)
    lists = [dv for dv in ws.data_validations.dataValidation
             if dv.type == "list" and str(dv.sqref).startswith(f"{rule_col}2")]
    assert lists, "no drop-down on 计分规则"
    for kind in RULE_KINDS:
        assert kind in lists[0].formula1
    # The other closed sets have drop-downs too.
    for sheet, header in (("考评阶段", "依据"), ("评分细则", "未录入指标"), ("目标", "方向"),
                          ("加减分", "类别"), ("评分细则", "默认计分规则")):
        ws = wb[sheet]
        col = openpyxl.utils.get_column_letter(headers(ws).index(header) + 1)
        assert any(str(dv.sqref).startswith(f"{col}2") for dv in ws.data_validations.dataValidation
                   ), (sheet, header)


def test_checking_the_empty_template_lists_what_to_fill(tmp_path):
    path = tmp_path / "t.xlsx"
    write_scheme_template(path)
    with pytest.raises(SchemeRejected) as caught:
        read_scheme_workbook(path)
    where = {(p.sheet, p.column) for p in caught.value.problems}
    assert {("方案", "方案代码 [id]"), ("方案", "年度 [year]"), ("文件", None),
            ("考评阶段", None), ("评分细则", None), ("单位类型", None)} <= where


# ---------------------------------------------------------------------------------------------
# A workbook typed by hand
# ---------------------------------------------------------------------------------------------


def _sheet(wb, name: str, header: list[str], rows: list[list[object]]):
    ws = wb.create_sheet(name)
    ws.append(header)
    for row in rows:
        ws.append(row)
    return ws


def test_a_clerks_workbook_gives_the_same_scheme_as_the_yaml(tmp_path):
    """The docs example typed the way a clerk would: Chinese rule names, percentages as text,
    full-width separators, a number typed in the 编号 column, an English header or sheet name
    here and there, blank rows, an extra notes sheet. It reads to exactly the YAML's scheme."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "填表说明", ["随便写点说明"], [["本表不读取"]])
    _sheet(wb, "方案", ["字段", "值"], [
        ["方案代码", "shifan-2024"], ["方案名称", "示范县2024年度政务公开与政务服务工作考核办法"],
        ["地区", " 示范县 "], ["年度", "2024"], ["总分", 100], [None, None],
        ["来源", "示政办发〔2024〕1号"], ["加分封顶", 5],
    ])
    _sheet(wb, "文件", ["文号", "标题"], [
        ["示政办发〔2024〕1号", "关于印发示范县2024年度政务公开与政务服务工作考核办法的通知"]])
    _sheet(wb, "unit_types", ["name", "description"], [
        ["乡镇", "各乡镇人民政府"], ["县级部门", "县政府组成部门、直属机构"]])
    _sheet(wb, "考评阶段", ["阶段代码", "阶段名称", "依据", "权重"],
           [["yearend", "年终考评", "评分细则", "100%"]])
    _sheet(wb, "评分细则", ["细则代码", "细则名称", "适用单位类型", "总分", "默认计分规则",
                        "未录入指标"],
           [["main", "示范县2024年度考核评分细则", "乡镇,县级部门", 100, "考核组评分",
             "按0分"]])
    _sheet(wb, "指标分组", ["一级指标", "二级指标", "分值"], [
        ["组织保障", None, 20], ["平台应用", None, 50], ["平台应用", "网上办事", 30],
        ["公开质量", None, 30]])
    _sheet(wb, "指标", ["编号", "一级指标", "二级指标", "指标名称", "分值 [max_points]",
                      "计分规则", "目标值", "每次分值", "封顶", "选项", "分档", "参评数",
                      "考核要点", "评分办法", "解释"], [
        [1, "组织保障", None, "工作机制", 10, None, None, None, None, None, None, None,
         "成立领导小组,明确分管领导和工作人员。", None, None],
        ["2", "组织保障", None, "业务培训", "１０", "按次计分", None, 2, 10, None, None, None,
         None, "参加县级以上业务培训,每次2分,最高10分。", None],
        [None] * 15,
        ["3", "平台应用", "网上办事", "网上受理率", 20, "rate_target", "80%", None, None, None,
         None, None, None, "网上受理率达到80%得满分,未达到的按比例得分。", None],
        ["4", "平台应用", "网上办事", "按时办结率", 10, "ratio 比值公式", None, None, None, None,
         None, None, None, "得分 = 按时办结件数 / 办件总数 × 10分。", None],
        ["5", "平台应用", None, "电子政务外网接入", 10, "选项计分", None, None, None,
         "专线接入＝10；非专线接入＝5；未接入＝0", None, None, None, None, None],
        ["6", "平台应用", None, "全市排名", 10, "排名分档", None, None, None, None,
         "1-3=10;4-6=6", 12, None, "在全市12个县区中排前3名得10分,4-6名得6分,其余不得分。",
         None],
        ["7", "公开质量", None, "信息公开", 30, "倒扣分", None, None, None, None, None, None,
         None, "每发现一处错误扣0.5分,扣完为止。",
         "本细则未录入的指标按0分计,故没有扣分的单位也须录入 扣分 0。"],
    ])
    _sheet(wb, "加减分", ["类别", "编号", "条款内容", "省级", "市级", "固定分值"], [
        ["加分", 1, "工作受到表彰的,省级每次加2分,市级每次加1分。", 2, 1, None],
        ["减分", 1, "被通报批评的,每次扣1分。", None, None, 1]])
    _sheet(wb, "grades", ["等次", "下限"], [["优秀", 90], ["良好", 80], ["合格", 60],
                                           ["不合格", None]])
    _sheet(wb, "目标", ["代码", "名称", "原文", "类型", "方向", "保底值", "争取值", "汇总方式",
                      "单位"], [
        ["online_rate", "全县网上受理率", "全县网上受理率达到80%,争取90%", "比率", "越高越好",
         "80%", "90%", "各月平均", "%"]])
    path = tmp_path / "clerk.xlsx"
    wb.save(path)
    assert read_scheme_workbook(path) == doc_example()


# ---------------------------------------------------------------------------------------------
# Written by the tool
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme_id", ["jintan-2013", "yueyang-2017", "shengzhou-2020",
                                       "huaibei-2019"])
def test_builtin_scheme_workbook_round_trip_is_exact(schemes, scheme_id, tmp_path):
    path = tmp_path / f"{scheme_id}.xlsx"
    write_scheme_workbook(schemes[scheme_id], path)
    assert read_scheme_workbook(path) == schemes[scheme_id]


def test_written_workbook_reads_like_the_seed_tables(schemes, tmp_path):
    """One row per indicator with its groups, points and rule parameters in plain columns."""
    path = tmp_path / "huaibei.xlsx"
    write_scheme_workbook(schemes["huaibei-2019"], path)
    wb = openpyxl.load_workbook(path)
    ws = wb["指标"]
    head = headers(ws)
    rows = {r[head.index("编号")]: dict(zip(head, r, strict=False))
            for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 35 and "001" in rows  # codes stay text
    assert rows["002"]["选项"] == "两项计划均有=2;仅有其中一项=1;均无=0"
    assert rows["003"]["计分规则"] == "per_event 按次计分(封顶)"  # the kind's one label
    assert (rows["003"]["每次分值"], rows["003"]["封顶"]) == (1, 2)
    assert rows["001"]["配合科室"] == "办公室、信息中心"
    tiers = next(r for r in rows.values() if r["分档"])
    assert (tiers["分档"], tiers["参评数"]) == ("5=2;10=1", 16)
    assert (rows["009"]["一级指标"], rows["009"]["二级指标"], rows["009"]["三级指标"],
            rows["009"]["指标名称"]) == ("重点系统应用", "法制监督平台", "平台应用", None)
    groups = [r for r in wb["指标分组"].iter_rows(min_row=2, values_only=True)]
    assert ("annual", "发展环境", None, None, 14) in [g[:5] for g in groups]

    path = tmp_path / "jintan.xlsx"
    write_scheme_workbook(schemes["jintan-2013"], path)
    wb = openpyxl.load_workbook(path)
    assert wb["指标"].max_row == 1 + 128 and wb["内容保障"].max_row == 1 + 45
    header = {r[1]: r[2] for r in wb["方案"].iter_rows(min_row=2, values_only=True)}
    assert header["content.full_mark.points"] == 600 and header["adjustments.bonus_cap"] == 10
    steps = {r[0]: r[2] for r in wb["单位类型"].iter_rows(min_row=2, values_only=True)}
    assert steps == {"区镇": 500, "政府部门": 300, "垂直管理单位": 300, "广播电视台": 1000}


def test_deeper_trees_get_more_level_columns(tmp_path):
    """A scheme with four levels of groups writes a 四级指标 column and reads back the same."""
    scheme = load_scheme_file(LAKESIDE)
    rubric = scheme.rubrics[0]
    deep = Node(name="第一层", children=[Node(name="第二层", children=[
        Node(name="第三层", children=[Node(name="第四层", children=list(
            rubric.categories[0].children))])])])
    categories = [rubric.categories[0].model_copy(update={"children": [deep]}),
                  *rubric.categories[1:]]
    scheme = scheme.model_copy(update={"rubrics": [
        rubric.model_copy(update={"categories": categories}), *scheme.rubrics[1:]]})
    path = tmp_path / "deep.xlsx"
    write_scheme_workbook(scheme, path)
    assert "四级指标" in headers(openpyxl.load_workbook(path)["指标"])
    assert read_scheme_workbook(path) == scheme


def test_default_rule_with_parameters_round_trips(tmp_path):
    """lakeside-2025's 街道 rubric scores by default as rate_target 0.9: the parameter sits in
    the 评分细则 sheet's 目标值 column."""
    scheme = load_scheme_file(LAKESIDE)
    path = tmp_path / "lakeside.xlsx"
    write_scheme_workbook(scheme, path)
    ws = openpyxl.load_workbook(path)["评分细则"]
    head = headers(ws)
    first = next(ws.iter_rows(min_row=2, values_only=True))
    assert first[head.index("默认计分规则")] == "rate_target 比率对标"
    assert first[head.index("目标值")] == 0.9
    assert read_scheme_workbook(path) == scheme


def test_assessing_bodies_per_category_and_indicator_in_the_workbook(schemes, tmp_path):
    """考核单位 on 指标分组 names the bodies of a first-level category (as `assessing_bodies` on
    a YAML category does); 考核单位 is accepted for an indicator's 牵头考核单位; a workbook
    written before the column loads as it did."""
    yueyang = schemes["yueyang-2017"]
    rubric = yueyang.rubrics[0]
    first = rubric.categories[0].model_copy(update={"assessing_bodies": ["市政务公开办",
                                                                         "市政务服务中心"]})
    scheme = yueyang.model_copy(update={"rubrics": [
        rubric.model_copy(update={"categories": [first, *rubric.categories[1:]]}),
        *yueyang.rubrics[1:]]})
    path = tmp_path / "yueyang.xlsx"
    write_scheme_workbook(scheme, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["指标分组"]
    head = headers(ws)
    [row] = [r for r in ws.iter_rows(min_row=2, values_only=True)
             if r[head.index("细则")] == rubric.id and r[head.index("一级指标")] == first.name
             and r[head.index("二级指标")] is None]
    assert row[head.index("考核单位")] == "市政务公开办、市政务服务中心"
    assert read_scheme_workbook(path) == scheme

    # An older workbook: no 考核单位 column on 指标分组; the indicators' column headed 考核单位.
    ws.delete_cols(head.index("考核单位") + 1)
    indicators = wb["指标"]
    column = headers(indicators).index("牵头考核单位") + 1
    indicators.cell(1, column).value = "考核单位"
    indicators.cell(2, column).value = "市数据局"
    wb.save(path)
    got = read_scheme_workbook(path)
    assert got.rubrics[0].categories[0].assessing_bodies == []
    leaf = got.rubrics[0].categories[0]
    while isinstance(leaf, Node):
        leaf = leaf.children[0]
    assert leaf.assessing_bodies == ["市数据局"]
