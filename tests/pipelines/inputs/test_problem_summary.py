"""A report cut at max_problems ends with the rest counted by column and reason (issue 20 item 5:
before, 「另有 3665 个问题」 said how many, not what)."""

from __future__ import annotations

from pipelines.inputs.problems import InputRejected, Problem


def problem(row: int, column: str, zh: str, en: str) -> Problem:
    return Problem("年终评分.xlsx", "数据", row, column, "x", zh, en)


def test_the_unlisted_problems_are_summarised_by_column_and_reason(monkeypatch):
    monkeypatch.setenv("EGOV_MAX_PROBLEMS", "3")
    problems = (
        [problem(r, "得分", "得分超过该指标的分值", "score above max") for r in range(2, 32)]
        + [problem(r, "单位", "未知单位", "unknown unit") for r in range(40, 52)]
        + [problem(60, "指标", "未知指标", "unknown indicator")]
    )
    report = InputRejected(problems).report().splitlines()
    # Sorted by file, row: the first three listed are rows 2-4 of 得分; 40 are left.
    assert "另有 40 个问题未列出" in report[4]
    assert report[5].startswith("  未列出的问题按列与原因汇总")
    assert report[6:] == [
        "    列 column「得分」 27 个 problem(s): 得分超过该指标的分值 / score above max",
        "    列 column「单位」 12 个 problem(s): 未知单位 / unknown unit",
        "    列 column「指标」 1 个 problem(s): 未知指标 / unknown indicator",
    ]


def test_more_than_ten_reasons_count_the_rest(monkeypatch):
    monkeypatch.setenv("EGOV_MAX_PROBLEMS", "1")
    problems = [problem(2, "指标", "未知指标", "unknown")] + [
        problem(10 + i, f"列{i:02d}", f"原因{i}", f"reason {i}") for i in range(12)]
    lines = InputRejected(problems).report().splitlines()
    assert len([line for line in lines if line.startswith("    列 column")]) == 10
    assert lines[-1] == "    … 其余 2 种原因共 2 个 / 2 more in 2 other reason(s)"


def test_a_report_that_lists_everything_has_no_summary(monkeypatch):
    monkeypatch.setenv("EGOV_MAX_PROBLEMS", "5")
    report = InputRejected([problem(2, "得分", "a", "b")]).report()
    assert "汇总" not in report and "另有" not in report
