"""`egov scheme check` on bad files: every kind of problem has its own bad file, in the YAML text
form and in the workbook form, and each report names the place (YAML line; sheet, Excel row and
column), the value, and what is wrong in Chinese and English.

Each bad file is the valid example of docs/schemes.md with one thing broken."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ROOT

from egov.cli import main
from pipelines.inputs.problems import Problem
from pipelines.schemes.admin import check_scheme_file
from pipelines.schemes.checks import SchemeRejected, load_scheme_text
from pipelines.schemes.workbook import write_scheme_workbook

DOC = ROOT / "docs" / "schemes.md"


@pytest.fixture(scope="module")
def example() -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- example: shifan-2024 -->\s*```yaml\n(.*?)```", text, re.S)
    assert m
    return m.group(1)


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(SchemeRejected) as caught:
        check_scheme_file(path)
    problems = caught.value.problems
    for p in problems:  # every problem is bilingual and names its file
        assert p.file == str(path)
        assert p.problem_zh and p.problem_en
        assert re.search(r"[\u4e00-\u9fff]", p.problem_zh)
        assert re.search(r"[a-z]", p.problem_en)
    return problems


def the_problem(path: Path) -> Problem:
    problems = problems_of(path)
    assert len(problems) == 1, [p.render() for p in problems]
    return problems[0]


# ---------------------------------------------------------------------------------------------
# YAML text form
# ---------------------------------------------------------------------------------------------


def bad_yaml(tmp_path: Path, text: str, old: str, new: str, nth: int = 1) -> tuple[Path, int]:
    """The example with the nth occurrence of `old` replaced; returns the file and the line."""
    at = -1
    for _ in range(nth):
        at = text.index(old, at + 1)
    line = text.count("\n", 0, at) + 1
    path = tmp_path / "bad.yaml"
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return path, line


def test_yaml_unknown_rule_kind(tmp_path, example):
    path, line = bad_yaml(tmp_path, example, "rule: {kind: ratio}", "rule: {kind: ratios}")
    p = the_problem(path)
    assert p.row == line
    assert p.column.endswith("children.1.rule")
    assert "计分规则" in p.problem_zh and "rule kind" in p.problem_en


def test_yaml_missing_rule_parameter(tmp_path, example):
    path, line = bad_yaml(tmp_path, example, "{kind: rate_target, target: 0.8}",
                          "{kind: rate_target}")
    p = the_problem(path)
    assert (p.row, p.column.rsplit(".", 2)[-2:]) == (line, ["rule", "target"])
    assert "缺少必填字段" in p.problem_zh and "missing" in p.problem_en


def test_yaml_missing_per_event_points(tmp_path, example):
    path, line = bad_yaml(tmp_path, example, "{kind: per_event, points_each: 2, cap: 10}",
                          "{kind: per_event, cap: 10}")
    p = the_problem(path)
    assert p.row == line and p.column.endswith("rule.points_each")


def test_yaml_duplicate_code(tmp_path, example):
    path, line = bad_yaml(tmp_path, example, 'code: "4"', 'code: "3"')
    p = the_problem(path)
    assert (p.row, p.value) == (line, "3")
    assert "重复" in p.problem_zh and "twice" in p.problem_en


def test_yaml_leaves_do_not_sum_to_their_group(tmp_path, example):
    path, line = bad_yaml(tmp_path, example, "max_points: 30\n            children",
                          "max_points: 25\n            children")
    p = the_problem(path)
    assert (p.row, p.value) == (line, "25")
    assert "网上办事" in p.problem_zh and "sum to 30" in p.problem_en


def test_yaml_rubric_does_not_sum_to_its_total(tmp_path, example):
    path, line = bad_yaml(tmp_path, example, "max_points: 100\n    default_rule",
                          "max_points: 90\n    default_rule")
    p = the_problem(path)
    assert (p.row, p.column) == (line, "rubrics.0.max_points")
    assert "合计 100" in p.problem_zh and "not the rubric's stated 90" in p.problem_en


def test_yaml_rubric_with_a_changed_leaf_reports_group_and_rubric(tmp_path, example):
    """A leaf's points changed: its category and the rubric no longer add up, both reported."""
    path, _ = bad_yaml(tmp_path, example, "name: 信息公开\n            max_points: 30",
                       "name: 信息公开\n            max_points: 25")
    problems = problems_of(path)
    assert {p.column for p in problems} == {"rubrics.0.categories.2.max_points",
                                            "rubrics.0.max_points"}


def test_yaml_grade_band_gap(tmp_path, example):
    path, line = bad_yaml(tmp_path, example, "{name: 不合格, min: null}",
                          "{name: 不合格, min: 50}")
    p = the_problem(path)
    assert (p.row, p.column) == (line, "grades.bands.3.min")
    assert "最低等次" in p.problem_zh and "gap" in p.problem_en


def test_yaml_grade_bands_out_of_order(tmp_path, example):
    path, line = bad_yaml(tmp_path, example, "{name: 良好, min: 80}", "{name: 良好, min: 95}")
    p = the_problem(path)
    assert (p.row, p.column) == (line, "grades.bands.1.min")
    assert "递减" in p.problem_zh and "decrease" in p.problem_en


def test_yaml_unknown_field(tmp_path, example):
    path, line = bad_yaml(tmp_path, example, "scoring_text: 每发现", "scoring_txt: 每发现")
    p = the_problem(path)
    assert p.row == line and p.column.endswith("scoring_txt")
    assert "未知字段" in p.problem_zh and "unknown field" in p.problem_en


def test_yaml_syntax_error_names_the_line(tmp_path, example):
    path, line = bad_yaml(tmp_path, example, "    weight: 1", "    weight: [1")
    p = the_problem(path)
    assert p.row is not None and p.row >= line
    assert "YAML" in p.problem_zh and "syntax" in p.problem_en


def test_yaml_stage_weights_must_sum_to_one(tmp_path, example):
    path, _ = bad_yaml(tmp_path, example, "    weight: 1", "    weight: 0.9")
    p = the_problem(path)
    assert p.column == "stages" and "权重" in p.problem_zh and "sum to 1" in p.problem_en


def test_yaml_rate_target_above_one(tmp_path, example):
    path, _ = bad_yaml(tmp_path, example, "target: 0.8", "target: 80")
    p = the_problem(path)
    assert "0.92" in p.problem_zh and "fraction" in p.problem_en


def test_yaml_unit_type_without_rubric(tmp_path, example):
    path, _ = bad_yaml(tmp_path, example, "unit_types: [乡镇, 县级部门]", "unit_types: [乡镇]")
    p = the_problem(path)
    assert p.value == "县级部门" and "no rubric" in p.problem_en


def test_yaml_every_problem_is_listed_at_once(tmp_path, example):
    text = example.replace('code: "4"', 'code: "3"').replace(
        "{name: 不合格, min: null}", "{name: 不合格, min: 50}").replace(
        "{kind: per_event, points_each: 2, cap: 10}", "{kind: per_event, points_each: 2, cap: 12}")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    assert len(problems) == 3
    assert sorted(p.row for p in problems) == [p.row for p in problems]  # in file order


def test_yaml_a_bad_rule_does_not_hide_a_duplicate_code(tmp_path, example):
    """Shape errors inside a rule are set aside for the cross-field checks."""
    text = example.replace("rule: {kind: ratio}", "rule: {kind: ratios}").replace(
        'code: "6"', 'code: "5"')
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    assert [p.column.rsplit(".", 1)[-1] for p in problems] == ["rule", "code"]


def test_check_command_prints_every_problem_and_exits_1(tmp_path, example):
    path, _ = bad_yaml(tmp_path, example, 'code: "4"', 'code: "3"')
    result = CliRunner().invoke(main, ["scheme", "check", str(path)])
    assert result.exit_code == 1
    assert "指标编号 3 重复" in result.stderr and "Scheme rejected: 1 problem" in result.stderr
    good = tmp_path / "good.yaml"
    good.write_text(example, encoding="utf-8")
    result = CliRunner().invoke(main, ["scheme", "check", str(good)])
    assert result.exit_code == 0 and "shifan-2024" in result.stdout


def test_unsupported_file_type(tmp_path, example):
    path = tmp_path / "scheme.txt"
    path.write_text(example, encoding="utf-8")
    p = the_problem(path)
    assert ".yaml" in p.problem_zh and "unsupported" in p.problem_en


# ---------------------------------------------------------------------------------------------
# Workbook form
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_workbook(tmp_path_factory, example) -> Path:
    path = tmp_path_factory.mktemp("wb") / "good.xlsx"
    write_scheme_workbook(load_scheme_text(example, "example"), path)
    return path


def edit(src: Path, dst: Path, sheet: str, where: dict[str, object] | None,
         changes: dict[str, object]) -> int:
    """Copy the workbook, set `changes` (header -> value) on the first row of `sheet` matching
    `where` (header -> value; None: a new row at the end); return that Excel row."""
    wb = openpyxl.load_workbook(src)
    ws = wb[sheet]
    headers = {c.value: c.column for c in ws[1] if c.value is not None}
    row = None
    if where is None:
        row = ws.max_row + 1
    else:
        for r in range(2, ws.max_row + 1):
            if all(str(ws.cell(r, headers[h]).value) == str(v) for h, v in where.items()):
                row = r
                break
    assert row is not None, where
    for header, value in changes.items():
        if header not in headers:  # a new column
            headers[header] = ws.max_column + 1
            ws.cell(1, headers[header]).value = header
        ws.cell(row, headers[header]).value = value  # ws.cell(r, c, None) would not clear it
    wb.save(dst)
    return row


def bad_book(tmp_path, good, sheet, where, changes) -> tuple[Path, int]:
    path = tmp_path / "bad.xlsx"
    return path, edit(good, path, sheet, where, changes)


def test_workbook_round_trip_is_clean(good_workbook, example):
    assert check_scheme_file(good_workbook) == load_scheme_text(example, "example")


def test_workbook_unknown_rule_kind(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "4"}, {"计分规则": "ratios"})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column, p.value) == ("指标", row, "计分规则", "ratios")
    assert "未知的计分规则" in p.problem_zh and "unknown rule kind" in p.problem_en


def test_workbook_missing_rule_parameter(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "3"}, {"目标值": None})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("指标", row, "目标值")
    assert "缺少必填字段" in p.problem_zh and "missing" in p.problem_en


def test_workbook_duplicate_code(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "4"}, {"编号": "3"})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column, p.value) == ("指标", row, "编号", "3")
    assert "重复" in p.problem_zh and "twice" in p.problem_en


def test_workbook_leaves_do_not_sum_to_their_group(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标分组",
                         {"一级指标": "平台应用", "二级指标": "网上办事"}, {"分值": 25})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("指标分组", row, "分值")
    assert "网上办事" in p.problem_zh and "sum to 30" in p.problem_en


def test_workbook_rubric_does_not_sum_to_its_total(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "评分细则", {"细则代码": "main"}, {"总分": 90})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("评分细则", row, "总分")
    assert "合计 100" in p.problem_zh and "stated 90" in p.problem_en


def test_workbook_grade_band_gap(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "等次", {"等次": "不合格"}, {"下限": 50})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("等次", row, "下限")
    assert "最低等次" in p.problem_zh and "gap" in p.problem_en


def test_workbook_grade_bands_out_of_order(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "等次", {"等次": "良好"}, {"下限": 95})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("等次", row, "下限")
    assert "decrease" in p.problem_en


def test_workbook_unknown_header(tmp_path, good_workbook):
    path, _ = bad_book(tmp_path, good_workbook, "指标", {"编号": "1"}, {"分 值 备注": "x"})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("指标", 1, "分 值 备注")
    assert "列标题" in p.problem_zh and "unknown column header" in p.problem_en


def test_workbook_missing_required_column(tmp_path, good_workbook):
    path = tmp_path / "bad.xlsx"
    wb = openpyxl.load_workbook(good_workbook)
    ws = wb["指标"]
    # 权重 stands in for 分值 in an index written in weights: without both, 分值 is missing.
    for header in ("分值", "权重"):
        ws.delete_cols(next(c.column for c in ws[1] if c.value == header))
    wb.save(path)
    problems = problems_of(path)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("指标", 1, "分值")]
    assert "缺少必填列" in problems[0].problem_zh


def test_workbook_missing_sheet(tmp_path, good_workbook):
    path = tmp_path / "bad.xlsx"
    wb = openpyxl.load_workbook(good_workbook)
    del wb["考评阶段"]
    wb.save(path)
    problems = problems_of(path)
    assert ("考评阶段", None) in {(p.sheet, p.row) for p in problems}
    assert any("缺少工作表" in p.problem_zh for p in problems)


def test_workbook_malformed_options(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "5"},
                         {"选项": "专线接入 10, 未接入 0"})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("指标", row, "选项")
    assert "是=3;否=1" in p.problem_zh and "options" in p.problem_en


def test_workbook_malformed_tiers(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "6"}, {"分档": "1-3=10;5-6=6"})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("指标", row, "分档")
    assert "不连续" in p.problem_zh and "gap" in p.problem_en


def test_workbook_tier_beyond_peers(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "6"}, {"参评数": 5})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("指标", row, "计分规则")
    assert "参评总数" in p.problem_zh and "peers" in p.problem_en


def test_workbook_parameter_of_another_rule(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "4"}, {"目标值": 0.9})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("指标", row, "目标值")
    assert "不使用此参数" in p.problem_zh and "takes no target" in p.problem_en


def test_workbook_parameter_without_rule(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "1"}, {"每次分值": 1})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("指标", row, "计分规则")
    assert "未选择计分规则" in p.problem_zh and "no rule kind" in p.problem_en


def test_workbook_rate_target_typed_as_a_whole_number(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "3"}, {"目标值": 80})
    p = the_problem(path)
    assert (p.sheet, p.row) == ("指标", row)
    assert "大于 1" in p.problem_zh and "above 1" in p.problem_en


def test_workbook_group_row_without_indicators(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标分组", None,
                         {"细则": "main", "一级指标": "平台应用", "二级指标": "网上服务",
                          "分值": 30})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column, p.value) == ("指标分组", row, "二级指标",
                                                   "平台应用 / 网上服务")
    assert "no indicator" in p.problem_en


def test_workbook_level_gap(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "5"}, {"三级指标": "外网"})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column) == ("指标", row, "三级指标")
    assert "二级指标" in p.problem_zh and "blank" in p.problem_en


def test_workbook_unknown_rubric(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "7"}, {"细则": "mian"})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column, p.value) == ("指标", row, "细则", "mian")
    assert "no such rubric" in p.problem_en


def test_workbook_stage_weights_must_sum_to_one(tmp_path, good_workbook):
    path, _ = bad_book(tmp_path, good_workbook, "考评阶段", {"阶段代码": "yearend"},
                       {"权重": "90%"})
    p = the_problem(path)
    assert p.sheet == "考评阶段" and "sum to 1" in p.problem_en


def test_workbook_unit_type_without_rubric(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "单位类型", None, {"单位类型": "街道"})
    p = the_problem(path)
    assert (p.sheet, p.row, p.value) == ("单位类型", row, "街道")
    assert "no rubric" in p.problem_en


def test_workbook_unknown_header_field(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "方案", None,
                         {"字段": "主管部门", "值": "县政府办"})
    p = the_problem(path)
    assert (p.sheet, p.row, p.value) == ("方案", row, "主管部门")
    assert "未知字段" in p.problem_zh


def test_workbook_bad_number_names_its_cell(tmp_path, good_workbook):
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "2"}, {"分值": "十分"})
    p = the_problem(path)
    assert (p.sheet, p.row, p.column, p.value) == ("指标", row, "分值", "十分")
    assert "应为数字" in p.problem_zh and "number" in p.problem_en


def test_workbook_every_problem_is_listed_at_once(tmp_path, good_workbook):
    step = tmp_path / "step.xlsx"
    edit(good_workbook, step, "指标", {"编号": "4"}, {"计分规则": "ratios"})
    edit(step, step, "指标", {"编号": "5"}, {"选项": "专线接入"})
    path = tmp_path / "bad.xlsx"
    edit(step, path, "方案", {"field": "year"}, {"值": "二〇二四"})
    problems = problems_of(path)
    assert {(p.sheet, p.column) for p in problems} == {
        ("指标", "计分规则"), ("指标", "选项"), ("方案", "年度 [year]")}


def test_workbook_a_bad_cell_does_not_hide_cross_field_problems(tmp_path, good_workbook):
    step = tmp_path / "step.xlsx"
    edit(good_workbook, step, "指标", {"编号": "5"}, {"选项": "专线接入 10, 未接入 0"})
    edit(step, step, "指标", {"编号": "4"}, {"编号": "3"})
    path = tmp_path / "bad.xlsx"
    edit(step, path, "等次", {"等次": "不合格"}, {"下限": 50})
    problems = problems_of(path)
    assert [(p.sheet, p.column) for p in problems] == [
        ("指标", "编号"), ("指标", "选项"), ("等次", "下限")]


def test_workbook_a_dropped_row_does_not_report_spurious_sums(tmp_path, good_workbook):
    """An indicator row with an unknown 细则 is left out; the sums it would break are not
    reported, only the row itself."""
    path, row = bad_book(tmp_path, good_workbook, "指标", {"编号": "2"}, {"细则": "other"})
    assert [(p.sheet, p.row, p.column) for p in problems_of(path)] == [("指标", row, "细则")]


def test_workbook_that_is_not_a_workbook(tmp_path, example):
    path = tmp_path / "scheme.xlsx"
    path.write_text(example, encoding="utf-8")
    p = the_problem(path)
    assert p.sheet is None and ".xlsx" in p.problem_zh and "cannot read" in p.problem_en
