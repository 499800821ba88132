"""Series (考核系列): built-in schemes declare theirs; one scheme a year per series; the previous
year is the latest earlier year of the series; previous_code names an indicator of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from egov.cli import main
from pipelines.schemes.admin import scheme_yaml
from pipelines.schemes.checks import SchemeRejected, load_scheme_text
from pipelines.schemes.model import Scheme
from pipelines.years.series import describe_series, gap_phrase, previous_scheme, series_years


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_builtin_schemes_declare_their_series(schemes):
    assert {s.id: s.series for s in schemes.values()} == {
        "jintan-2013": "jintan", "yueyang-2017": "yueyang", "shengzhou-2020": "shengzhou",
        "huaibei-2019": "huaibei"}


def test_a_series_id_with_characters_not_allowed_is_refused_with_the_field(schemes):
    text = scheme_yaml(schemes["jintan-2013"]).replace("series: jintan", "series: 金坛 2013")
    with pytest.raises(SchemeRejected) as err:
        load_scheme_text(text, "bad.yaml")
    [problem] = err.value.problems
    assert (problem.file, problem.column, problem.value) == ("bad.yaml", "series", "金坛 2013")
    assert "series 只能用小写字母" in problem.problem_zh
    assert problem.row == text.split("\n").index("series: 金坛 2013") + 1


def test_previous_year_is_the_latest_earlier_year_and_a_gap_is_stated(schemes):
    j13 = schemes["jintan-2013"]
    j15 = j13.model_copy(update={"id": "jintan-2015", "year": 2015})
    j16 = j13.model_copy(update={"id": "jintan-2016", "year": 2016})
    other = schemes["yueyang-2017"]
    every = [j16, other, j13, j15]
    assert previous_scheme(j16, every) is j15
    assert previous_scheme(j15, every) is j13
    assert previous_scheme(j13, every) is None
    assert previous_scheme(other, every) is None
    assert [y.year for y in series_years(every, "jintan")] == [2013, 2015, 2016]
    assert gap_phrase(2015, 2013) == "与2013年相比" and gap_phrase(2016, 2015) == "与上年相比"
    assert describe_series(j15, every)[1].endswith("2013(jintan-2013),与2013年相比")


def test_add_reports_the_series_and_refuses_a_second_scheme_of_the_same_year(tmp_path: Path,
                                                                           schemes):
    db = tmp_path / "egov.duckdb"
    next_year = schemes["jintan-2013"].model_copy(update={"id": "jintan-2014", "year": 2014})
    path = tmp_path / "jintan-2014.yaml"
    path.write_text(scheme_yaml(next_year), encoding="utf-8")
    code, out, err = run("scheme", "add", "--db", db, path)
    assert code == 0, err
    assert "系列 series: jintan;年度 years: 2013(jintan-2013)、2014(jintan-2014)" in out
    assert "上一年度 previous year: 2013(jintan-2013),与上年相比" in out

    twin = next_year.model_copy(update={"id": "jintan-2014b"})
    twin_path = tmp_path / "twin.yaml"
    twin_path.write_text(scheme_yaml(twin), encoding="utf-8")
    code, _, err = run("scheme", "add", "--db", db, twin_path)
    assert code == 1
    assert str(twin_path) in err and "series" in err
    assert "系列「jintan」的 2014 年已有方案「jintan-2014」" in err
    from warehouse import queries
    assert "jintan-2014b" not in queries.scheme_ids(db)


def test_check_reports_the_series_and_its_years_in_the_warehouse(tmp_path: Path, schemes,
                                                                 demo_db: Path):
    # The sample warehouse holds jintan-2013 and the sample's jintan-2014.
    j16 = schemes["jintan-2013"].model_copy(update={"id": "jintan-2016", "year": 2016})
    (tmp_path / "j16.yaml").write_text(scheme_yaml(j16), encoding="utf-8")
    code, out, err = run("scheme", "check", "--db", demo_db, tmp_path / "j16.yaml")
    assert code == 0, err
    assert out.splitlines()[1:3] == [
        "系列 series: jintan;年度 years: 2013(jintan-2013)、2014(jintan-2014)、2016(jintan-2016)",
        "上一年度 previous year: 2014(jintan-2014),与2014年相比"]
    # Without a warehouse the built-in schemes are the years there are; nothing is written.
    code, out, _ = run("scheme", "check", "--db", tmp_path / "new.duckdb", tmp_path / "j16.yaml")
    assert "年度 years: 2013(jintan-2013)、2016(jintan-2016)" in out
    assert not (tmp_path / "new.duckdb").exists()
    # A second scheme of the series' 2014 is refused by check as add refuses it.
    twin = j16.model_copy(update={"id": "jintan-2014b", "year": 2014})
    (tmp_path / "twin.yaml").write_text(scheme_yaml(twin), encoding="utf-8")
    code, _, err = run("scheme", "check", "--db", demo_db, tmp_path / "twin.yaml")
    assert code == 1 and "系列「jintan」的 2014 年已有方案「jintan-2014」" in err


def test_previous_code_must_name_an_indicator_of_the_previous_year(tmp_path: Path, schemes):
    db = tmp_path / "egov.duckdb"
    data = schemes["jintan-2013"].model_dump()
    data.update(id="jintan-2014", year=2014)
    # The first leaf of the year-end rubric says it was numbered 999 last year: jintan-2013 has
    # no indicator 999.
    node = data["rubrics"][0]["categories"][0]
    while "children" in node:
        node = node["children"][0]
    node["previous_code"] = "999"
    bad = scheme_yaml(Scheme.model_validate(data))
    assert "previous_code: '999'" in bad
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    code, _, err = run("scheme", "add", "--db", db, path)
    assert code == 1
    assert "previous_code" in err and "「999」" in err and "jintan-2013" in err
