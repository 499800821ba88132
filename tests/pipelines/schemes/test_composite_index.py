"""Issue 20 «Done when»: a small index written in weights, with not-applicable values (item 2),
a repeated block (item 4), min-max normalisation and a geometric mean (items 3, 6), every total
checked by hand; rank stability and the scheme lab run on it; the bad inputs are refused.

The index (tests/fixtures/composite-2026.yaml, 100 points, geometric over two halves):
服务 (weight 1/2) is a block repeated for the life events 出生 and 就业 (each item 25 points),
indicators 1 (2/3) and 2 (1/3), a unit's missing child taking the mean of the present ones;
设施 (1/2): 3 min-max (1/2), 4 (1/4), 5 (1/4), a missing child rescaling the others' weights.

By hand (shares):
  甲 出生 = 2/3·0.9 + 1/3·0.6 = 0.8; 就业 = 0.8 (2 not applicable: the mean of the present);
     服务 = 0.8; 设施 = 1/2·0 (20 is the type's min) + 1/4·0.8 + 1/4·0.4 = 0.3;
     total = 100·√(0.8·0.3) = 48.99
  乙 出生 = 就业 = 服务 = 0.5; 设施 = (1/2·1 + 1/4·1.0) / (3/4) = 1 (4 not applicable);
     total = 100·√0.5 = 70.71
  丙 出生 = 2/3·1.0 + 1/3·0.4 = 0.8; 就业 = 2/3·0.4 + 1/3·1.0 = 0.6; 服务 = 0.7;
     设施 = 1/2·0.5 + 1/4·0.6 + 1/4·0.6 = 0.55; total = 100·√(0.7·0.55) = 62.05
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from test_scheme_format import run, write_csv

from pipelines.inputs.problems import InputRejected
from pipelines.loading import ingest
from pipelines.schemes.admin import add_scheme
from pipelines.schemes.checks import SchemeRejected, load_scheme_text
from warehouse.reader import query

INDEX = (Path(__file__).parents[2] / "fixtures" / "composite-2026.yaml").read_text(
    encoding="utf-8")

# unit -> rows of (indicator, item, actual, not applicable)
ROWS = {
    "甲": [("1", "出生", 0.9), ("2", "出生", 0.6), ("1", "就业", 0.8), ("2", "就业", None),
           ("3", "", 20), ("4", "", 0.8), ("5", "", 0.4)],
    "乙": [("1", "出生", 0.5), ("2", "出生", 0.5), ("1", "就业", 0.5), ("2", "就业", 0.5),
           ("3", "", 60), ("4", "", None), ("5", "", 1.0)],
    "丙": [("1", "出生", 1.0), ("2", "出生", 0.4), ("1", "就业", 0.4), ("2", "就业", 1.0),
           ("3", "", 40), ("4", "", 0.6), ("5", "", 0.6)],
}
HEADER = ["方案", "年度", "单位", "指标", "项目", "实际值", "不适用"]


def yearend(path: Path, rows: dict = ROWS) -> Path:
    return write_csv(path, HEADER, [
        ["composite-2026", 2026, unit, code, item, "" if value is None else value,
         "是" if value is None else ""]
        for unit, entries in rows.items() for code, item, value in entries])


@pytest.fixture(scope="module")
def index_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("composite")
    db = base / "egov.duckdb"
    path = base / "composite-2026.yaml"
    path.write_text(INDEX, encoding="utf-8")
    add_scheme(db, path, replace=False)
    ingest(db, [write_csv(base / "units.csv", ["方案", "单位", "单位类型"],
                          [["composite-2026", u, "区"] for u in ROWS]),
                yearend(base / "yearend.csv")])
    return db


def test_every_total_by_hand(index_db):
    code, out, err = run("scores", "--db", index_db, "--scheme", "composite-2026", "--year",
                         "2026", "--format", "json")
    assert code == 0, err
    got = {r["unit"]: (r["total"], r["rank"]) for r in json.loads(out)}
    assert got == {"乙": (round(100 * math.sqrt(0.5), 2), 1),
                   "丙": (round(100 * math.sqrt(0.7 * 0.55), 2), 2),
                   "甲": (round(100 * math.sqrt(0.8 * 0.3), 2), 3)}
    assert got["甲"][0] == 48.99 and got["丙"][0] == 62.05 and got["乙"][0] == 70.71


def test_the_block_is_expanded_and_rolls_up_per_item_and_per_indicator(index_db):
    """Each item is a group of 25 points (--levels 2: 服务 / 出生); each indicator rolls up over
    the items (view repeated_indicator_scores): 甲's 1 = 0.9·50/3 + 0.8·50/3 = 28.33 of 33.33."""
    code, out, err = run("scores", "--db", index_db, "--scheme", "composite-2026", "--year",
                         "2026", "--format", "json", "--levels", "2")
    assert code == 0, err
    rows = {r["unit"]: r for r in json.loads(out)}
    # Every group's score is its aggregated share × its points (服务, 设施 50; an item 25).
    groups = ("服务", "服务 / 出生", "服务 / 就业", "设施")
    assert {u: tuple(r[g] for g in groups) for u, r in rows.items()} == {
        "甲": (40, 20, 20, 15), "乙": (25, 12.5, 12.5, 50), "丙": (35, 20, 15, 27.5)}
    codes = query(index_db, "SELECT code FROM indicators WHERE scheme = 'composite-2026' "
                            "ORDER BY position", [])["code"].to_list()
    assert codes == ["1·出生", "2·出生", "1·就业", "2·就业", "3", "4", "5"]
    per = query(index_db, "SELECT unit, code, score, max_points, items FROM "
                          "repeated_indicator_scores WHERE unit = '甲' ORDER BY code", [])
    assert per["code"].to_list() == ["1", "2"]
    assert per["score"].to_list() == pytest.approx([(0.9 + 0.8) * 50 / 3, 0.6 * 50 / 6])
    assert per["max_points"].to_list() == pytest.approx([100 / 3, 50 / 6])
    assert per["items"].to_list() == [2, 1]


def test_the_method_page_lists_the_not_applicable_marks(index_db):
    from warehouse.reads.method import not_applicable_marks

    marks = not_applicable_marks(index_db, "composite-2026", 2026)
    assert sorted((r["unit"], r["code"], r["not_applicable"])
                  for r in marks.iter_rows(named=True)) == [("乙", "4", "rescale"),
                                                            ("甲", "2·就业", "mean")]


def test_rank_stability_and_the_scheme_lab_run_on_it(index_db, tmp_path):
    code, out, err = run("scores", "--db", index_db, "--scheme", "composite-2026", "--year",
                         "2026", "--format", "json", "--stability")
    assert code == 0, err
    rows = {r["unit"]: r for r in json.loads(out)}
    assert all(1 <= rows[u]["rank_p05"] <= rows[u]["rank_median"] <= rows[u]["rank_p95"] <= 3
               for u in rows)
    # A draft giving 服务 3/4 and 设施 1/4: 甲 = 100·0.8^¾·0.3^¼ = 62.59, 乙 = 100·0.5^¾ = 59.46,
    # 丙 = 100·0.7^¾·0.55^¼ = 65.51.
    draft = tmp_path / "draft.yaml"
    draft.write_text(INDEX.replace("      - name: 服务\n        weight: 1/2",
                                   "      - name: 服务\n        weight: 3/4")
                     .replace("      - name: 设施\n        weight: 1/2",
                              "      - name: 设施\n        weight: 1/4"), encoding="utf-8")
    code, out, err = run("scheme", "compare", "composite-2026", draft, "--db", index_db,
                         "--format", "json")
    assert code == 0, err
    got = {u["unit"]: u["draft_total"] for u in json.loads(out)["units"]}
    assert got == {"甲": round(100 * 0.8 ** 0.75 * 0.3 ** 0.25, 2),
                   "乙": round(100 * 0.5 ** 0.75, 2),
                   "丙": round(100 * 0.7 ** 0.75 * 0.55 ** 0.25, 2)}


def test_a_not_applicable_mark_where_the_group_allows_none_is_refused(tmp_path):
    text = INDEX.replace("        not_applicable: {method: rescale}\n", "")
    db = tmp_path / "egov.duckdb"
    path = tmp_path / "composite-2026.yaml"
    path.write_text(text, encoding="utf-8")
    add_scheme(db, path, replace=False)
    with pytest.raises(InputRejected) as err:
        ingest(db, [write_csv(tmp_path / "units.csv", ["方案", "单位", "单位类型"],
                              [["composite-2026", u, "区"] for u in ROWS]),
                    yearend(tmp_path / "年终评分.csv")])
    problems = [p for p in err.value.problems if p.column == "不适用"]
    assert len(problems) == 1, [str(p) for p in err.value.problems]
    p = problems[0]
    assert p.file.endswith("年终评分.csv") and p.row == 14  # 乙's indicator 4 (header row 1)
    assert "不允许标为不适用" in p.problem_zh and "does not allow" in p.problem_en


@pytest.mark.parametrize("items, zh, en", [
    ("[]", "项目列表为空", "item list is empty"),
    ("[出生, 就业, 出生]", "项目「出生」写了两次", "names the item '出生' twice"),
])
def test_a_repeated_block_with_no_or_a_repeated_item_is_refused(items, zh, en):
    text = INDEX.replace("repeat: {items: [出生, 就业], label: 生命事件}",
                         f"repeat: {{items: {items}, label: 生命事件}}")
    with pytest.raises(SchemeRejected) as err:
        load_scheme_text(text, "composite-2026.yaml")
    message = str(err.value)
    assert zh in message and en in message and "composite-2026.yaml" in message
    assert "repeat.items" in message


def test_the_index_round_trips_through_the_workbook(tmp_path):
    """不适用时 and 重复项目/项目名称 on the 指标分组 sheet carry not_applicable and repeat."""
    from pipelines.schemes.workbook import read_scheme_workbook, write_scheme_workbook

    scheme = load_scheme_text(INDEX, "composite-2026.yaml")
    book = write_scheme_workbook(scheme, tmp_path / "composite.xlsx")
    again = read_scheme_workbook(book)
    assert again == scheme
    service = again.rubrics[0].categories[0]
    assert service.repeat.items == ["出生", "就业"] and service.repeat.label == "生命事件"
    assert service.not_applicable.method == "mean"


def test_a_part_not_applicable_rescales_the_present_parts():
    """A composite of parts A (2 points, per event 1 each) and B (2, choice): a unit with B
    not applicable and 1 event scores 1 × 4/2 = 2; with both not applicable the indicator is not
    applicable; with none marked, the plain sum (1 + 2 = 3)."""
    import polars as pl

    from pipelines.rules.kinds.parts import KIND
    from pipelines.schemes.model import Indicator

    leaf = Indicator.model_validate({"code": "9", "max_points": 4, "rule": {
        "kind": "parts", "parts": [
            {"name": "A", "max_points": 2, "rule": {"kind": "per_event", "points_each": 1}},
            {"name": "B", "max_points": 2, "rule": {"kind": "choice", "options": {"是": 2}}}]}})
    rows = pl.DataFrame({
        "unit": ["甲", "甲", "乙", "乙", "丙", "丙"], "part": ["A", "B"] * 3,
        "exempt": [False, True, True, True, False, False],
        "times": [1.0, None, None, None, 1.0, None],
        "choice": [None, None, None, None, None, "是"]})
    got = KIND.score_parts(rows, leaf.rule, missing_full=False).sort("unit")
    assert dict(zip(got["unit"], zip(got["score"], got["exempt"], strict=True), strict=True)) \
        == {"甲": (2.0, False), "乙": (0.0, True), "丙": (3.0, False)}


def test_the_method_page_shows_which_units_had_which_indicators_not_applicable(index_db,
                                                                                 monkeypatch):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("EGOV_DB", str(index_db))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params.update({"scheme": "composite-2026"})
    at.run()
    at.switch_page("views/data_method.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert "不适用(豁免)的指标" in [s.value for s in at.subheader]
    table = next(t.value for t in at.dataframe if "合成方式" in t.value.columns)
    assert sorted(zip(table["单位"], table["编号"], table["合成方式"], strict=True)) == [
        ("乙", "4", "按权重折算"), ("甲", "2·就业", "平均")]
