"""Hostile and implausible cells (issue 11, items 3, 9 and 11): each is a normal problem naming its
row, never a traceback, and the duplicate report stays linear in the rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.inputs.load import read_inputs
from pipelines.inputs.problems import InputRejected, Problem

CONTENT = "方案,月份,单位,项目,条数,市级录用,省级录用\n"
METRICS = "方案,月份,指标,数值\n"


def rejected(tmp_path: Path, ctx, name: str, text: str) -> list[Problem]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputRejected) as err:
        read_inputs([path], ctx)
    return err.value.problems


def test_n_identical_rows_give_n_problems_each_naming_the_first(tmp_path, input_ctx):
    n = 1_500
    row = "jintan-2013,2013-01,儒林镇,1,3,0,0\n"
    problems = rejected(tmp_path, input_ctx, "dup.csv", CONTENT + row * n)
    assert len(problems) == n
    by_row = {p.row: p for p in problems}
    # The first occurrence names a few later copies and counts them all.
    assert "row 3" in by_row[2].problem_en and f"{n - 1 - 5} more" in by_row[2].problem_en
    assert f"等共 {n - 1} 处" in by_row[2].problem_zh
    # Every later copy names the first occurrence only.
    assert "dup.csv row 2:" in by_row[n + 1].problem_en
    assert "row 3" not in by_row[n + 1].problem_en
    # Linear: under a thousand characters per row (the path included), not n places per row.
    assert sum(len(p.render()) for p in problems) < 1_000 * n


def test_cell_longer_than_excel_allows_is_a_problem_on_its_row(tmp_path, input_ctx):
    huge = "镇" * 131_073
    text = (CONTENT + "jintan-2013,2013-01,儒林镇,1,3,0,0\n"
            + f"jintan-2013,2013-01,{huge},2,3,0,0\n")
    problems = rejected(tmp_path, input_ctx, "long.csv", text)
    [p] = problems
    assert (p.row, p.column) == (3, "单位")
    assert "too long" in p.problem_en and "131,073" in p.problem_en
    assert len(p.value) < 100  # the value is shown cut, not echoed whole


def test_cell_over_the_csv_module_limit_inside_quotes_is_a_problem(tmp_path, input_ctx):
    huge = "x" * 200_000
    text = CONTENT + f'jintan-2013,2013-01,儒林镇,1,3,0,0\njintan-2013,2013-01,"{huge}",2,3,0,0\n'
    problems = rejected(tmp_path, input_ctx, "quoted.csv", text)
    assert [p.row for p in problems] == [3]


@pytest.mark.parametrize("count", ["3000000000", "1e308", "1e20", "1e309"])
def test_counts_beyond_any_real_figure_are_problems_on_their_row(tmp_path, input_ctx, count):
    text = (CONTENT + "jintan-2013,2013-01,儒林镇,1,3,0,0\n"
            + f"jintan-2013,2013-01,儒林镇,2,{count},0,0\n")
    problems = rejected(tmp_path, input_ctx, "big.csv", text)
    [p] = problems
    assert (p.row, p.column, p.value) == (3, "条数", count)
    assert "above" in p.problem_en or "too large" in p.problem_en


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("power_cases", "1e309", "too large"),
        ("power_cases", "1e20", "too large"),
        ("power_cases", "inf", "a number is expected"),
        ("power_cases", "nan", "a number is expected"),
        ("power_cases", "-5", "must not be below 0"),
        ("hotline_connect_rate", "92", "a rate cannot be above 100%"),
        ("hotline_connect_rate", "150%", "a rate cannot be above 100%"),
        ("changzhou_rank", "2.5", "a rank is a whole number from 1"),
    ],
)
def test_implausible_target_figures_are_refused(tmp_path, input_ctx, metric, value, expected):
    text = METRICS + f"jintan-2013,2013-01,{metric},{value}\n"
    [p] = rejected(tmp_path, input_ctx, "m.csv", text)
    assert (p.row, p.column, p.value) == (2, "数值", value)
    assert expected in p.problem_en


def test_rate_hint_names_the_percentage(tmp_path, input_ctx):
    [p] = rejected(tmp_path, input_ctx, "m.csv",
                   METRICS + "jintan-2013,2013-01,hotline_connect_rate,92\n")
    assert "「92%」" in p.problem_zh and "0.92" in p.problem_zh


def test_plausible_target_figures_still_load(tmp_path, input_ctx):
    path = tmp_path / "ok.csv"
    path.write_text(METRICS + "jintan-2013,2013-01,hotline_connect_rate,92%\n"
                    "jintan-2013,2013-01,power_cases,\"1,050,000\"\n"
                    "jintan-2013,2013-01,changzhou_rank,2\n", encoding="utf-8")
    loaded = read_inputs([path], input_ctx)
    assert sorted(loaded.frames["metrics"]["value"].to_list()) == [0.92, 2.0, 1_050_000.0]


def test_yearend_rate_above_100_percent_is_refused(tmp_path, input_ctx):
    text = ("方案,年度,单位,指标,实际值\n"
            "shengzhou-2020,2020,甘霖镇,15,150%\n")
    [p] = rejected(tmp_path, input_ctx, "y.csv", text)
    assert (p.row, p.column, p.value) == (2, "实际值", "150%")
    assert "above 100%" in p.problem_en
