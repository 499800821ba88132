"""Ratios above 1: refused as a typo by default, capped at the points where the rule says so."""

from __future__ import annotations

import shutil

import polars as pl
from click.testing import CliRunner
from test_validation import at, validate, write_xlsx

from egov.cli import main
from pipelines.rules.kinds.ratio import KIND as RATIO
from pipelines.rules.kinds.ratio import Ratio


def test_the_rule_caps_a_share_above_one_at_the_points():
    rows = pl.DataFrame({"max_points": [3.0, 3.0], "numerator": [5.0, 2.0],
                         "denominator": [4.0, 4.0]})
    scored = RATIO.score(rows, Ratio(above_one="cap"))
    assert scored["score"].to_list() == [3.0, 1.5]
    assert Ratio().above_one == "refuse"


def test_huaibei_027_caps_and_021_refuses(tmp_path, input_ctx):
    frame, problems = validate(tmp_path, input_ctx, [
        ["方案", "年度", "单位", "指标", "分子", "分母"],
        ["huaibei-2019", 2019, "淮北市数据资源局", "027", 5, 4],
        ["huaibei-2019", 2019, "淮北市数据资源局", "021", 5, 4],
    ])
    p = at(problems, 3, "分子")
    assert "above_one: refuse" in p.problem_en and "above_one: refuse" in p.problem_zh
    assert len(problems) == 1
    # The 027 row has no problem: it stays in the frame (the 021 row is left out).
    assert frame["indicator"].to_list() == ["027"] and frame["numerator"].to_list() == [5.0]

def test_scheme_check_and_import_report_say_which_applies(demo_db, tmp_path):
    from conftest import SCHEMES_DIR

    out = CliRunner().invoke(main, ["scheme", "check", str(SCHEMES_DIR / "huaibei-2019.yaml")])
    assert out.exit_code == 0
    assert "指标 027: 分子大于分母时按满分计" in out.stdout and "above_one: cap" in out.stdout
    assert "指标 021: 分子大于分母时拒收该行" in out.stdout

    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    unit = CliRunner().invoke(main, ["scores", "--db", str(db), "--scheme", "huaibei-2019",
                                     "--year", "2019", "--format", "csv"]).stdout.splitlines()[1]
    unit = unit.split(",")[2]
    book = write_xlsx(tmp_path / "年终评分.xlsx", {"数据": [
        ["方案", "年度", "单位", "指标", "分子", "分母"],
        ["huaibei-2019", 2019, unit, "027", 12, 10],
    ]})
    out = CliRunner().invoke(main, ["ingest", "--db", str(db), str(book)])
    assert out.exit_code == 0, out.stderr
    assert "指标 027 有 1 行分子大于分母,按满分计" in out.stdout
    scores = CliRunner().invoke(main, ["scores", "--db", str(db), "--scheme", "huaibei-2019",
                                       "--year", "2019", "--format", "json"])
    assert scores.exit_code == 0
