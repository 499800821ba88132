"""`egov scheme compare`: a draft scored on the loaded data, against a hand computation."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from egov.cli import main
from pipelines.engine.compare import compare, group_ranks
from pipelines.engine.scoring import Facts
from pipelines.schemes.checks import load_scheme_text
from warehouse import database

BASE = """
id: tiny-2024
name: 小县考核
jurisdiction: 小县
year: 2024
documents: [{number: 小政发1号, title: 小县考核办法}]
unit_types: [{name: 部门}]
stages: [{id: yearend, name: 年终考评, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: 细则
    unit_types: [部门]
    max_points: 100
    missing_input: zero
    categories:
      - name: 工作
        children:
          - {code: A, max_points: %(a)s, rule: {kind: ratio}}
          - {code: B, max_points: %(b)s, rule: {kind: ratio}}
%(c)s
grades:
  bands: [{name: 优秀, min: 70}, {name: 合格, min: 60}, {name: 不合格, min: null}]
"""
C_LEAF = "          - {code: C, max_points: 20}"

# unit: (A numerator of 10, B numerator of 10, C assessor score)
UNITS = {"U1": (10, 2, 20), "U2": (5, 9, 10), "U3": (8, 5, 5), "U4": (2, 10, 0)}


def tiny_facts() -> Facts:
    state = database.empty_state()
    units = pl.DataFrame(
        [{"scheme": "tiny-2024", "unit": u, "unit_type": "部门", "is_sample": False, "load_id": 1}
         for u in UNITS], schema=state["units"].schema)
    rows = []
    for u, (a, b, c) in UNITS.items():
        for code, num in (("A", a), ("B", b)):
            rows.append({"scheme": "tiny-2024", "year": 2024, "unit": u, "indicator": code,
                         "numerator": float(num), "denominator": 10.0, "exempt": False,
                         "load_id": 1})
        rows.append({"scheme": "tiny-2024", "year": 2024, "unit": u, "indicator": "C",
                     "score": float(c), "exempt": False, "load_id": 1})
    yearend = pl.DataFrame(rows, schema=state["yearend_inputs"].schema)
    return Facts(units, state["content_tallies"], yearend, state["adjustment_inputs"],
                 state["metric_values"])


def test_rank_changes_match_a_hand_computation():
    """Base: A 40 + B 40 + C 20; draft: A 30 + B 70, C dropped.

    U1: 40+8+20 = 68 → 30+14 = 44;  U2: 20+36+10 = 66 → 15+63 = 78
    U3: 32+20+5 = 57 → 24+35 = 59;  U4: 8+40+0 = 48 → 6+70 = 76
    Ranks 1,2,3,4 → 4,1,3,2: changes −3, +1, 0, +2. Spearman 1 − 6·14/(4·15) = −0.4;
    Kendall: 2 concordant, 4 discordant pairs → −1/3.
    """
    base = load_scheme_text(BASE % {"a": 40, "b": 40, "c": C_LEAF}, "base.yaml")
    draft = load_scheme_text(BASE % {"a": 30, "b": 70, "c": ""}, "draft.yaml")
    result = compare(base, draft, tiny_facts())
    got = {r["unit"]: r for r in result.units.iter_rows(named=True)}
    assert {u: (r["total"], r["draft_total"]) for u, r in got.items()} == {
        "U1": (68, 44), "U2": (66, 78), "U3": (57, 59), "U4": (48, 76)}
    assert {u: (r["rank"], r["draft_rank"], r["rank_change"]) for u, r in got.items()} == {
        "U1": (1, 4, -3), "U2": (2, 1, 1), "U3": (3, 3, 0), "U4": (4, 2, 2)}
    assert {u: (r["grade"], r["draft_grade"]) for u, r in got.items()} == {
        "U1": ("合格", "不合格"), "U2": ("合格", "优秀"), "U3": ("不合格", "不合格"),
        "U4": ("不合格", "优秀")}
    corr = result.correlations.row(0, named=True)
    assert corr["units"] == 4
    assert corr["spearman"] == pytest.approx(-0.4)
    assert corr["kendall"] == pytest.approx(-1 / 3)
    assert sorted(result.grade_changes["unit"]) == ["U1", "U2", "U4"]
    # The dropped indicator's four rows are listed, not lost.
    assert result.unscored.height == 4
    assert set(result.unscored["key"]) == {"指标 C"}
    # One change at a time (by hand): A alone → 58, 61, 49, 46 moves U1 and U2;
    # B alone → 74, 93, 72, 78 moves all four; dropping C → 48, 56, 52, 48 moves all four.
    moved = dict(zip(result.changes["part"], result.changes["units_moved"], strict=True))
    assert moved == {"indicator:A": 2, "indicator:B": 4, "indicator:C": 4}
    what = dict(zip(result.changes["part"], result.changes["what"], strict=True))
    assert what["indicator:C"] == "草案删除 dropped"
    assert "40→30" in what["indicator:A"]


def test_group_ranks_are_competition_ranks_within_groups():
    totals = np.array([[10.0, 20.0, 20.0, 5.0, 1.0, 3.0]])
    groups = np.array(["a", "a", "a", "a", "b", "b"])
    assert group_ranks(totals, groups).tolist() == [[3, 1, 1, 4, 2, 1]]


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_compare_jintan_50_50_draft_on_the_sample(demo_db, jintan_draft):
    code, out, err = run("scheme", "compare", "--db", str(demo_db), "jintan-2013",
                         str(jintan_draft), "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"unit", "unit_type", "total", "rank", "draft_total", "draft_rank", "rank_change",
            "grade", "draft_grade"} <= set(rows[0])
    _, scores_out, _ = run("scores", "--db", str(demo_db), "--scheme", "jintan-2013",
                           "--year", "2013", "--format", "csv")
    published = {r["unit"]: r for r in csv.DictReader(io.StringIO(scores_out))}
    assert len(rows) == len(published)
    for r in rows:  # the base side is the published result
        assert r["total"] == published[r["unit"]]["total"]
        assert r["rank"] == published[r["unit"]]["rank"]
        assert int(r["rank_change"]) == int(r["rank"]) - int(r["draft_rank"])
    # The summary goes to stderr for CSV: correlations, the dropped indicator's rows.
    assert "Spearman" in err and "Kendall" in err
    assert "指标 1" in err and "草案删除 dropped" in err
    assert "平时 60%→50%, 年终 40%→50%" in err


def test_cli_compare_json_parts_add_up(demo_db, jintan_draft):
    code, out, _ = run("scheme", "compare", "--db", str(demo_db), "jintan-2013",
                       str(jintan_draft), "--format", "json", "--year", "2013")
    assert code == 0
    data = json.loads(out)
    assert data["draft"] == "jintan-draft"
    unscored = [r for r in data["unscored"] if r["key"] == "指标 1"]
    units = {r["unit"] for r in data["units"]}
    assert {r["unit"] for r in unscored} == units  # every unit's indicator-1 row is listed
    types = {r["unit_type"] for r in data["correlations"]}
    assert types == {r["unit_type"] for r in data["units"]}


def test_the_parts_of_the_change_add_up_to_the_change(demo_db, jintan_draft):
    from pipelines.engine import compare as cmp
    from pipelines.loading import facts_of, open_state, schemes_of
    from pipelines.schemes.admin import check_scheme_file

    state = open_state(demo_db)
    scheme = next(s for s in schemes_of(state) if s.id == "jintan-2013")
    draft = check_scheme_file(jintan_draft)
    facts = cmp._facts_for(facts_of(state), scheme.id)
    base = cmp.score_all([scheme], facts)
    drafted = cmp.score_all([draft], cmp._draft_facts(facts, draft)[0])
    old_p = cmp._stage_parts(base, cmp._shape(scheme))
    new_p = cmp._stage_parts(drafted, cmp._shape(draft))
    totals_old = base.results.select("unit", "total").join(old_p, on="unit")
    totals_new = drafted.results.select("unit", "total").join(new_p, on="unit")
    for frame, weights in ((totals_old, (0.4, 0.6)), (totals_new, (0.5, 0.5))):
        rebuilt = (100 * weights[0] * frame["rubric_frac"] + 100 * weights[1]
                   * frame["content_frac"] + frame["excess"] + frame["adjust"])
        assert np.allclose(rebuilt.to_numpy(), frame["total"].to_numpy())


def test_cli_compare_errors(demo_db, jintan_draft, tmp_path):
    code, _, err = run("scheme", "compare", "--db", str(demo_db), "nowhere-2000",
                       str(jintan_draft))
    assert code == 2 and "unknown scheme" in err
    code, _, err = run("scheme", "compare", "--db", str(demo_db), "jintan-2013",
                       str(jintan_draft), "--year", "2014")
    assert code == 2 and "2013" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(jintan_draft.read_text(encoding="utf-8").replace(
        "  weight: 0.5\n", "  weight: 0.7\n", 1), encoding="utf-8")
    code, out, err = run("scheme", "compare", "--db", str(demo_db), "jintan-2013", str(bad))
    assert code == 1 and out == ""
    assert "stage weights must sum to 1" in err


def test_part_rows_a_draft_cannot_score_are_listed(demo_db, tmp_path):
    """A Huaibei draft that enters composites as one assessor score cannot use the part rows."""
    from conftest import SCHEMES_DIR

    text = (SCHEMES_DIR / "huaibei-2019.yaml").read_text(encoding="utf-8")
    draft = tmp_path / "huaibei-draft.yaml"
    draft.write_text(text.replace("id: huaibei-2019", "id: huaibei-draft", 1)
                     + "\ncomposite_entry: score\n", encoding="utf-8")
    code, out, _ = run("scheme", "compare", "--db", str(demo_db), "huaibei-2019", str(draft),
                       "--format", "json")
    assert code == 0
    data = json.loads(out)
    keys = {r["key"] for r in data["unscored"]}
    assert "指标 001 分项 调研座谈会议" in keys and "指标 026 分项 系统清理率" in keys
    assert all("not score this indicator by parts" in r["problem_en"] for r in data["unscored"])
    assert len(data["units"]) == 16


def test_rows_a_draft_reads_differently_are_listed_row_by_row(demo_db, tmp_path):
    """A Huaibei draft with a part renamed (001), an option renamed (006 专线接入 → 专线) and a
    choice part read as a ratio (020 目录编制发布): each loaded row it cannot read is listed once,
    in the words of its problem; exempt rows and rows it reads stay scored."""
    from conftest import SCHEMES_DIR

    text = (SCHEMES_DIR / "huaibei-2019.yaml").read_text(encoding="utf-8")
    renamed = (text.replace("id: huaibei-2019", "id: huaibei-draft", 1)
               .replace("- name: 工作对接\n", "- name: 工作对接改\n", 1)
               .replace('"专线接入": 3', '"专线": 3', 1)
               .replace("rule: {kind: choice, options: {是: 2, 否: 0}}", "rule: {kind: ratio}", 1))
    draft = tmp_path / "huaibei-draft.yaml"
    draft.write_text(renamed, encoding="utf-8")
    code, out, _ = run("scheme", "compare", "--db", str(demo_db), "huaibei-2019", str(draft),
                       "--format", "json")
    assert code == 0
    rows = json.loads(out)["unscored"]
    by_key: dict[tuple[str, str], int] = {}
    for r in rows:
        by_key[(r["key"], r["problem_en"])] = by_key.get((r["key"], r["problem_en"]), 0) + 1
    assert by_key == {
        ("指标 001 分项 工作对接", "the draft scores this indicator by parts "
         "(调研座谈会议、工作对接改); the loaded row names none of them; scored as missing "
         "input"): 16,
        ("指标 006", "the option '专线接入' is not one of the draft's options; scored as missing "
         "input"): 14,
        ("指标 020", "the draft's rule (ratio) reads numerator, denominator, which the loaded row "
         "lacks; scored as missing input"): 16,
    }
    zh = {r["problem_zh"] for r in rows if r["key"] == "指标 020"}
    assert zh == {"草案对该指标的计分规则(比值公式)读「numerator、denominator」,已载入的行没有该值;"
                  "按未录入计"}
    assert [r["source"] for r in rows] == ["年终评分"] * 46
