"""A flat index (issue 20 item 8): scored items directly under the rubric, no group above them
(before: refused with 「code: unknown field」). Each item stands as a 一级指标 of its own."""

from __future__ import annotations

import json

from test_scheme_format import YEAREND_COLUMNS, run, write_csv, yearend_rows

from pipelines.loading import ingest
from pipelines.schemes.admin import add_scheme
from pipelines.schemes.checks import SchemeRejected, load_scheme_text
from pipelines.schemes.workbook import read_scheme_workbook, write_scheme_workbook

FLAT = """
id: flat-2024
name: 示范指数
jurisdiction: 示范
year: 2024
documents: [{number: "1", title: 示范指数}]
unit_types: [{name: 成员}]
stages: [{id: yearend, name: 年终, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: 示范指数
    unit_types: [成员]
    max_points: 100
    missing_input: zero
    categories:
      - {code: "1", name: 在线服务, max_points: 60}
      - code: "2"
        name: 电信基础设施
        max_points: 40
        rule: {kind: rate_target, target: 1.0}
"""


def test_a_flat_index_passes_the_check_and_round_trips_as_a_workbook(tmp_path):
    scheme = load_scheme_text(FLAT, "flat.yaml")
    assert [c.code for c in scheme.rubrics[0].categories] == ["1", "2"]
    book = write_scheme_workbook(scheme, tmp_path / "flat.xlsx")
    assert read_scheme_workbook(book) == scheme


def test_egov_schemes_lists_each_flat_item_as_a_category(tmp_path):
    """An item without a name shows its code, as the tables and pages name it."""
    db = tmp_path / "egov.duckdb"
    path = tmp_path / "flat.yaml"
    path.write_text(FLAT.replace("        name: 电信基础设施\n", ""), encoding="utf-8")
    add_scheme(db, path, replace=False)
    code, out, err = run("schemes", "--db", db, "--format", "json")
    assert code == 0, err
    flat = next(s for s in json.loads(out) if s["scheme"] == "flat-2024")
    assert flat["rubrics"][0]["categories"] == [
        {"name": "在线服务", "max_points": 60}, {"name": "2", "max_points": 40}]


def test_a_flat_item_named_like_a_category_is_refused():
    text = FLAT.replace("      - {code: \"1\", name: 在线服务, max_points: 60}",
                        "      - {code: \"1\", name: 在线服务, max_points: 30}\n"
                        "      - {name: 在线服务, children: [{code: \"3\", max_points: 30}]}")
    try:
        load_scheme_text(text, "flat.yaml")
    except SchemeRejected as err:
        assert "一级指标名称重复" in str(err)
    else:
        raise AssertionError("two top-level entries named 在线服务 were accepted")


def test_a_flat_index_scores_by_hand(tmp_path):
    """成员甲: 48 + 40 × 0.85 = 82; 成员乙: 60 + 40 × min(1, 1.0) = 100."""
    db = tmp_path / "egov.duckdb"
    path = tmp_path / "flat.yaml"
    path.write_text(FLAT, encoding="utf-8")
    add_scheme(db, path, replace=False)
    ingest(db, [
        write_csv(tmp_path / "units.csv", ["方案", "单位", "单位类型"],
                  [["flat-2024", "成员甲", "成员"], ["flat-2024", "成员乙", "成员"]]),
        write_csv(tmp_path / "yearend.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                  yearend_rows("flat-2024", 2024, {
                      "成员甲": {"1": {"得分": 48}, "2": {"实际值": "85%"}},
                      "成员乙": {"1": {"得分": 60}, "2": {"实际值": "100%"}}})),
    ])
    code, out, err = run("scores", "--db", db, "--scheme", "flat-2024", "--year", "2024",
                         "--format", "json", "--levels", "1")
    assert code == 0, err
    got = {r["unit"]: (r["total"], r["rank"], r["在线服务"], r["电信基础设施"])
           for r in json.loads(out)}
    assert got == {"成员甲": (82, 2, 48, 34), "成员乙": (100, 1, 60, 40)}
    # Rank stability works on it (成员乙 leads on both items: first under every weighting) ...
    code, out, err = run("scores", "--db", db, "--scheme", "flat-2024", "--year", "2024",
                         "--format", "json", "--stability")
    assert code == 0, err
    assert {r["unit"]: (r["rank_p05"], r["rank_p95"]) for r in json.loads(out)} == {
        "成员甲": (2, 2), "成员乙": (1, 1)}
    # ... and so does the scheme lab: a draft giving 在线服务 90 points and 电信基础设施 10 scores
    # the same inputs: 成员甲 48 (the assessor's score stands) + 10 × 0.85 = 56.5, 成员乙 60 + 10.
    draft = tmp_path / "draft.yaml"
    draft.write_text(FLAT.replace("max_points: 60", "max_points: 90")
                     .replace("max_points: 40", "max_points: 10"), encoding="utf-8")
    code, out, err = run("scheme", "compare", "flat-2024", draft, "--db", db, "--format", "json")
    assert code == 0, err
    assert {u["unit"]: (u["draft_total"], u["draft_rank"]) for u in json.loads(out)["units"]} \
        == {"成员甲": (56.5, 2), "成员乙": (70, 1)}


def test_every_page_opens_on_a_flat_index(tmp_path, monkeypatch):
    """Each item is its own 一级指标: the pages that drill from categories have one per item."""
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "egov.duckdb"
    path = tmp_path / "flat.yaml"
    path.write_text(FLAT, encoding="utf-8")
    add_scheme(db, path, replace=False)
    ingest(db, [
        write_csv(tmp_path / "units.csv", ["方案", "单位", "单位类型"],
                  [["flat-2024", "成员甲", "成员"], ["flat-2024", "成员乙", "成员"]]),
        write_csv(tmp_path / "yearend.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                  yearend_rows("flat-2024", 2024, {
                      "成员甲": {"1": {"得分": 48}, "2": {"实际值": "85%"}},
                      "成员乙": {"1": {"得分": 60}, "2": {"实际值": "100%"}}})),
    ])
    monkeypatch.setenv("EGOV_DB", str(db))
    app = ROOT / "dashboard" / "app.py"
    for page in ("rankings", "indicators", "unit_profile", "data_method"):
        at = AppTest.from_file(str(app), default_timeout=60)
        at.query_params.update({"scheme": "flat-2024"})
        at.run()
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, [e.message for e in at.exception])
        if page == "indicators":
            shown = " ".join(str(s.value) for s in at.selectbox)
            assert "在线服务" in shown, shown
