"""`egov scheme export` then `egov scheme add --replace`: every built-in scheme, in both forms,
comes back as the same scheme and scores the sample data identically; `add` keeps history and
refuses what it must."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from conftest import TESTS

from egov.cli import main
from pipelines.loading import open_state
from pipelines.schemes.admin import add_scheme, check_scheme_file, scheme_yaml
from pipelines.schemes.checks import SchemeRejected, load_scheme_file, load_scheme_text
from pipelines.schemes.model import Scheme
from warehouse import queries

LAKESIDE = TESTS / "fixtures" / "schemes" / "lakeside-2025.yaml"
SCHEME_YEARS = {"jintan-2013": 2013, "yueyang-2017": 2017, "shengzhou-2020": 2020,
                "huaibei-2019": 2019}


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def results_of(db: Path) -> dict[str, pl.DataFrame]:
    """Everything scored per scheme: year-end results, indicator scores, monthly points."""
    out = {}
    for scheme, year in SCHEME_YEARS.items():
        out[f"{scheme} yearend"] = queries.yearend_scores(db, scheme, year, None)
        for table in ("indicator_scores", "stage_scores", "monthly_points", "target_progress"):
            frame = queries.table(db, table, scheme)
            out[f"{scheme} {table}"] = frame.sort(frame.columns)
    return out


@pytest.mark.parametrize("scheme_id", sorted(SCHEME_YEARS))
def test_yaml_export_reads_back_as_the_same_scheme(schemes, scheme_id):
    text = scheme_yaml(schemes[scheme_id])
    assert load_scheme_text(text, "export.yaml") == schemes[scheme_id]
    assert "\nid: " in text and "version" not in text


def test_export_then_add_gives_identical_scores(demo_db, tmp_path):
    """Each built-in, exported as .yaml and as .xlsx, replaces itself in a copy of the sample
    warehouse; every result table stays exactly as it was."""
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    before = results_of(db)
    assert not before["jintan-2013 monthly_points"].is_empty()
    assert not before["yueyang-2017 indicator_scores"].is_empty()
    for scheme_id in SCHEME_YEARS:
        for suffix in (".yaml", ".xlsx"):
            out = tmp_path / f"{scheme_id}{suffix}"
            code, msg, err = run("scheme", "export", scheme_id, "--db", db, "--out", out)
            assert code == 0, err
            assert out.exists() and str(out) in msg
            code, msg, err = run("scheme", "add", "--db", db, "--replace", out)
            assert code == 0, err
            assert "scheme replaced" in msg and "warning" not in msg
    after = results_of(db)
    for key, frame in before.items():
        assert after[key].equals(frame), key

    state = open_state(db)
    rows = {r["scheme"]: r for r in state["schemes"].iter_rows(named=True)}
    for scheme_id in SCHEME_YEARS:
        assert (rows[scheme_id]["builtin"], rows[scheme_id]["version"]) == (False, 3)
    history = state["scheme_history"].filter(pl.col("scheme") == "jintan-2013")
    assert sorted(history["version"].to_list()) == [1, 2]


def test_add_refuses_an_existing_id_and_replace_keeps_history(tmp_path, schemes):
    db = tmp_path / "egov.duckdb"
    original = schemes["jintan-2013"]
    edited = original.model_copy(update={"name": "金坛市电子政务绩效考核办法(2014年修订稿)"})
    path = tmp_path / "jintan.yaml"
    path.write_text(scheme_yaml(edited), encoding="utf-8")

    code, _, err = run("scheme", "add", "--db", db, path)
    assert code == 1
    assert "已有内置方案「jintan-2013」" in err and "--replace" in err

    code, msg, err = run("scheme", "add", "--db", db, "--replace", path)
    assert code == 0, err
    assert "1 → 2" in msg
    state = open_state(db)  # refreshes built-ins from schemes/, except replaced ones
    row = state["schemes"].filter(pl.col("scheme") == "jintan-2013").row(0, named=True)
    assert (row["builtin"], row["version"], row["name"]) == (False, 2, edited.name)
    [old] = state["scheme_history"].iter_rows(named=True)
    assert (old["scheme"], old["version"]) == ("jintan-2013", 1)
    assert Scheme.model_validate_json(old["definition"]) == original
    assert old["replaced_at"] >= old["added_at"]

    code, out, _ = run("scheme", "export", "jintan-2013", "--db", db, "--out",
                       tmp_path / "again.yaml")
    assert code == 0
    assert load_scheme_file(tmp_path / "again.yaml") == edited


def test_an_added_scheme_exports_and_adds_elsewhere(tmp_path):
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert run("scheme", "add", "--db", first, LAKESIDE)[0] == 0
    for suffix in (".yaml", ".xlsx"):
        out = tmp_path / f"lakeside{suffix}"
        assert run("scheme", "export", "lakeside-2025", "--db", first, "--out", out)[0] == 0
        assert check_scheme_file(out) == load_scheme_file(LAKESIDE)
    code, msg, err = run("scheme", "add", "--db", second, tmp_path / "lakeside.xlsx")
    assert code == 0, err
    assert "lakeside-2025" in queries.scheme_ids(second)


def test_replace_refuses_to_drop_a_unit_type_that_has_units(demo_db, tmp_path, schemes):
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    scheme = schemes["yueyang-2017"]
    renamed = scheme.model_copy(update={
        "unit_types": [scheme.unit_types[0], scheme.unit_types[1].model_copy(
            update={"name": "市直单位"})],
        "rubrics": [scheme.rubrics[0], scheme.rubrics[1].model_copy(
            update={"unit_types": ["市直单位"]})],
    })
    path = tmp_path / "yueyang.yaml"
    path.write_text(scheme_yaml(renamed), encoding="utf-8")
    with pytest.raises(SchemeRejected) as caught:
        add_scheme(db, path, replace=True)
    [problem] = caught.value.problems
    assert problem.value == "市直及中省驻岳单位" and "lacks" in problem.problem_en


def test_replace_warns_about_loaded_rows_the_new_scheme_does_not_use(demo_db, tmp_path,
                                                                     schemes):
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    text = scheme_yaml(schemes["huaibei-2019"]).replace("code: '035'", "code: '036'")
    path = tmp_path / "huaibei.yaml"
    path.write_text(text, encoding="utf-8")
    code, msg, err = run("scheme", "add", "--db", db, "--replace", path)
    assert code == 0, err
    assert "warning" in msg and "035" in msg


def test_export_usage_errors_exit_2(tmp_path):
    db = tmp_path / "egov.duckdb"
    code, _, err = run("scheme", "export", "nowhere-2030", "--db", db, "--out",
                       tmp_path / "x.yaml")
    assert code == 2 and "nowhere-2030" in err
    code, _, err = run("scheme", "export", "jintan-2013", "--db", db, "--out",
                       tmp_path / "x.json")
    assert code == 2 and ".yaml" in err
