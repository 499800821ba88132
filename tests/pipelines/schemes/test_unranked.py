"""Units scored and published but not ranked (issue 20 item 8): a unit type written
`ranked: false`, or a unit marked 不排名 是 in the unit list, gets its total and grade but no
rank, and takes no place: the others are ranked among themselves alone (before: every unit was
ranked, and results.rank was NOT NULL)."""

from __future__ import annotations

import json

import pytest
from test_scheme_format import YEAREND_COLUMNS, run, write_csv, yearend_rows

from pipelines.loading import ingest
from pipelines.schemes.admin import add_scheme
from pipelines.stability_on_demand import stability_of

INDEX = """
id: guests-2024
series: guests
name: 示范指数(含观察员)
jurisdiction: 示范
year: 2024
documents: [{number: "1", title: 示范指数}]
unit_types:
  - {name: 成员}
  - {name: 观察员, ranked: false, interpretation: "观察员照常计分公布,不排名次。"}
stages: [{id: yearend, name: 年终, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: 示范指数
    unit_types: [成员, 观察员]
    max_points: 100
    missing_input: zero
    categories:
      - {code: "1", name: 在线服务, max_points: 100}
grades:
  bands: [{name: 优秀, min: 90}, {name: 一般, min: null}]
"""

# 丙 (a member marked 不排名) and 丁 (an observer) score above every ranked unit.
SCORES = {"甲": 80, "乙": 90, "丙": 95, "丁": 99, "戊": 90}
# The year before, every member ranked: 甲 1st, 乙 2nd, 丙 3rd, 戊 4th.
SCORES_2023 = {"甲": 99, "乙": 90, "丙": 80, "丁": 60, "戊": 70}


@pytest.fixture(scope="module")
def guests_db(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("guests")
    db = base / "egov.duckdb"
    before = base / "guests-2023.yaml"
    before.write_text(INDEX.replace("2024", "2023"), encoding="utf-8")
    add_scheme(db, before, replace=False)
    path = base / "guests.yaml"
    path.write_text(INDEX, encoding="utf-8")
    add_scheme(db, path, replace=False)
    ingest(db, [
        write_csv(base / "units-2023.csv", ["方案", "单位", "单位类型"],
                  [["guests-2023", u, "观察员" if u == "丁" else "成员"] for u in SCORES_2023]),
        write_csv(base / "yearend-2023.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                  yearend_rows("guests-2023", 2023,
                               {u: {"1": {"得分": s}} for u, s in SCORES_2023.items()})),
    ])
    ingest(db, [
        write_csv(base / "units.csv", ["方案", "单位", "单位类型", "不排名"],
                  [["guests-2024", "甲", "成员", ""], ["guests-2024", "乙", "成员", "否"],
                   ["guests-2024", "丙", "成员", "是"], ["guests-2024", "丁", "观察员", ""],
                   ["guests-2024", "戊", "成员", ""]]),
        write_csv(base / "yearend.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                  yearend_rows("guests-2024", 2024,
                               {u: {"1": {"得分": s}} for u, s in SCORES.items()})),
    ])
    return db


def test_unranked_units_are_scored_but_get_no_rank(guests_db):
    """乙 and 戊 tie first (90), 甲 third; 丙 (95) and 丁 (99) take no place."""
    code, out, err = run("scores", "--db", guests_db, "--scheme", "guests-2024", "--year",
                         "2024", "--format", "json")
    assert code == 0, err
    got = {r["unit"]: (r["total"], r["grade"], r["rank"]) for r in json.loads(out)}
    assert got == {"乙": (90, "优秀", 1), "戊": (90, "优秀", 1), "甲": (80, "一般", 3),
                   "丙": (95, "优秀", None), "丁": (99, "优秀", None)}
    code, out, err = run("scores", "--db", guests_db, "--scheme", "guests-2024", "--year",
                         "2024", "--format", "csv")
    assert code == 0, err
    lines = out.splitlines()
    rank_at = lines[0].split(",").index("rank")
    assert {line.split(",")[2]: line.split(",")[rank_at] for line in lines[1:]} == {
        "乙": "1", "戊": "1", "甲": "3", "丙": "", "丁": ""}


def test_rank_change_against_the_previous_year_skips_unranked_units(guests_db):
    """rank_change = previous rank − rank: 甲 1 → 3 (−2), 乙 2 → 1 (+1), 戊 4 → 1 (+3); 丙
    ranked 3rd before and not ranked now, and 丁 (an observer both years): empty."""
    code, out, err = run("scores", "--db", guests_db, "--scheme", "guests-2024", "--year",
                         "2024", "--format", "json")
    assert code == 0, err
    got = {r["unit"]: (r["prev_rank"], r["rank_change"]) for r in json.loads(out)}
    assert got == {"甲": (1, -2), "乙": (2, 1), "戊": (4, 3), "丙": (3, None),
                   "丁": (None, None)}


def test_rank_stability_leaves_unranked_units_out(guests_db):
    frame = stability_of(guests_db, "guests-2024", 2024).units
    assert sorted(frame["unit"].to_list()) == ["乙", "戊", "甲"]
    code, out, err = run("scores", "--db", guests_db, "--scheme", "guests-2024", "--year",
                         "2024", "--format", "json", "--stability")
    assert code == 0, err
    rows = {r["unit"]: r for r in json.loads(out)}
    assert rows["丁"]["rank_median"] is None and rows["甲"]["rank_median"] == 3



def test_the_notice_names_places_among_ranked_units_and_marks_the_others(guests_db):
    """The 通报: 乙、戊 tie first (not 丙 95 or 丁 99); 丙 is said not to be ranked; the 附件
    prints 不排名 in its rank cell and — in its 较上年 cell."""
    from pipelines.notice.facts import gather
    from pipelines.notice.render import render

    facts = gather(guests_db, "guests-2024", 2024)
    members = next(t for t in facts["types"] if t["name"] == "成员")
    assert [(p["rank"], p["units"]) for p in members["top"]] == [(1, ["乙", "戊"])]
    assert members["unranked"] == ["丙"]
    text = "".join(block.text for block in render(facts))
    assert "丙照常计分，不参与排名。" in text
    annex = {a.title: a for a in facts["annexes"]}
    table = annex["2024年度成员考核结果排名表"]
    assert table.columns == ["排名", "较上年", "单位", "年终", "总分", "等次"]
    assert [row[:3] for row in table.rows] == [["1", "↑1", "乙"], ["1", "↑3", "戊"],
                                               ["3", "↓2", "甲"], ["不排名", "—", "丙"]]
    assert annex["2024年度观察员考核结果排名表"].rows[0][:3] == ["不排名", "—", "丁"]


def test_the_feedback_form_of_an_unranked_unit_names_no_place(guests_db):
    """反馈单: 丙 is 'not ranked' (before: 「第None名」); 甲 is third of the 3 ranked members."""
    from pipelines.cycle.feedback import gather

    by_unit = {f.unit: f for f in gather(guests_db, "guests-2024", 2024)}
    assert by_unit["丙"].result_sentence() == (
        "你单位2024年度考核总分95分,照常计分,不参与排名,等次为优秀。")
    assert by_unit["甲"].result_sentence() == (
        "你单位2024年度考核总分80分,在成员3个单位中第3名,等次为一般。")


def test_an_unranked_type_round_trips_through_the_workbook(tmp_path):
    from pipelines.schemes.checks import load_scheme_text
    from pipelines.schemes.workbook import read_scheme_workbook, write_scheme_workbook

    scheme = load_scheme_text(INDEX, "guests.yaml")
    assert [t.ranked for t in scheme.unit_types] == [True, False]
    book = write_scheme_workbook(scheme, tmp_path / "guests.xlsx")
    assert read_scheme_workbook(book) == scheme


def test_the_pages_show_unranked_units_without_a_place(guests_db, monkeypatch):
    """排名: 丙 listed as not ranked under 成员, its 排名 cell empty; 观察员 (no ranked unit)
    draws no ranking chart. 单位: 丙's 同类排名 reads 不排名; 甲's is 3rd of the 3 ranked."""
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("EGOV_DB", str(guests_db))
    app = str(ROOT / "dashboard" / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.query_params.update({"scheme": "guests-2024"})
    at.run()
    at.switch_page("views/rankings.py").run()
    assert not at.exception, [e.message for e in at.exception]
    captions = [c.value for c in at.caption]
    assert any("不参与排名" in c and "丙" in c for c in captions), captions
    assert any("不参与排名" in c and "丁" in c for c in captions), captions
    tables = [t.value for t in at.dataframe]
    members = next(t for t in tables if "丙" in t["单位"].tolist())
    row = members[members["单位"] == "丙"].iloc[0]
    assert row["排名"] != row["排名"] or row["排名"] is None  # empty (NaN/None), not a place
    at.switch_page("views/unit_profile.py").run()
    for unit, shown in (("丙", "不排名"), ("甲", "第3名 / 3")):
        at.selectbox(key="up-unit").set_value(unit).run()
        assert not at.exception, [e.message for e in at.exception]
        assert {m.label: m.value for m in at.metric}["同类排名"] == shown
