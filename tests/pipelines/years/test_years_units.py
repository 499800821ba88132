"""上年名称 [previous_name]: names checked against the previous year of the series, spellings
resolved, loops and schemes without a previous year refused with the row named."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.inputs.context import LoadContext
from pipelines.years.units import parse_previous_names, previous_name_problems


@pytest.fixture(scope="module")
def ctx(schemes) -> LoadContext:
    j14 = schemes["jintan-2013"].model_copy(update={"id": "jintan-2014", "year": 2014})
    known = pl.DataFrame({"scheme": ["jintan-2013"] * 3,
                          "unit": ["卫生局", "计生委", "金城镇"],
                          "unit_type": ["政府部门", "政府部门", "区镇"]})
    aliases = pl.DataFrame({"scheme": ["jintan-2013"], "alias": ["金坛卫生局"],
                            "unit": ["卫生局"]})
    return LoadContext({s.id: s for s in (*schemes.values(), j14)}, units=known,
                       aliases=aliases)


def rows(*units: tuple[str, str, str | None]) -> pl.DataFrame:
    return pl.DataFrame({
        "scheme": [u[0] for u in units], "unit": [u[1] for u in units],
        "previous_names": [parse_previous_names(u[2]) for u in units],
        "_file": ["单位名录.csv"] * len(units), "_sheet": [None] * len(units),
        "_row": list(range(2, 2 + len(units))),
    }, schema_overrides={"_sheet": pl.String, "_row": pl.Int32})


NO_ALIASES = pl.DataFrame(schema={"scheme": pl.String, "alias": pl.String, "unit": pl.String})


def test_a_merger_and_an_alias_resolve_to_the_previous_years_names(ctx):
    frame, problems = previous_name_problems(
        rows(("jintan-2014", "卫生计生委", "金坛卫生局、 计生委"),
             ("jintan-2014", "金城镇", None)), NO_ALIASES, ctx)
    assert problems == []
    assert frame["previous_names"].to_list() == ["卫生局、计生委", None]


def test_a_name_that_was_no_unit_of_the_previous_year_is_refused_with_the_row(ctx):
    _, problems = previous_name_problems(
        rows(("jintan-2014", "金城镇", None), ("jintan-2014", "卫生计生委", "卫生局、火星局")),
        NO_ALIASES, ctx)
    [p] = problems
    assert (p.file, p.row, p.column, p.value) == ("单位名录.csv", 3, "上年名称", "火星局")
    assert "不是上一年度(2013,方案「jintan-2013」)的单位" in p.problem_zh


def test_the_first_year_of_a_series_takes_no_previous_name(ctx):
    _, [p] = previous_name_problems(rows(("jintan-2013", "卫生局", "卫生处")), NO_ALIASES, ctx)
    assert p.row == 2 and "没有上一年度" in p.problem_zh


def test_a_loop_is_refused_on_every_row_of_it(ctx):
    # 卫生局 and 计生委 swap names: each names the other, a circle.
    _, problems = previous_name_problems(
        rows(("jintan-2014", "卫生局", "计生委"), ("jintan-2014", "计生委", "卫生局"),
             ("jintan-2014", "金城镇", "金城镇")), NO_ALIASES, ctx)
    assert sorted(p.row for p in problems) == [2, 3]
    assert all("成环" in p.problem_zh for p in problems)


def test_a_year_whose_previous_year_has_no_units_yet_is_accepted_as_typed(schemes):
    j14 = schemes["jintan-2013"].model_copy(update={"id": "jintan-2014", "year": 2014})
    empty = LoadContext({s.id: s for s in (*schemes.values(), j14)})
    frame, problems = previous_name_problems(rows(("jintan-2014", "卫生计生委", "卫生局")),
                                             NO_ALIASES, empty)
    assert problems == [] and frame["previous_names"].to_list() == ["卫生局"]
