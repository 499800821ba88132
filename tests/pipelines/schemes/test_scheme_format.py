"""docs/schemes.md is the format: its example passes `scheme check` and scores as its worked
example says, every field and rule kind is documented, and a scheme that is not among the seeds
(written from the docs alone: tests/fixtures/schemes/lakeside-2025.yaml) works everywhere once
added: ingest, scores, schemes, template and the dashboard pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from conftest import ROOT, TESTS

from egov.cli import main
from pipelines.engine.scoring import Facts, score_scheme
from pipelines.loading import ingest
from pipelines.rules.registry import KINDS
from pipelines.schemes import model as scheme_model
from pipelines.schemes.admin import add_scheme
from pipelines.schemes.checks import load_scheme_text
from pipelines.schemes.model import RULE_KINDS
from warehouse import database, queries

DOC = ROOT / "docs" / "schemes.md"
FIXTURES = TESTS / "fixtures" / "schemes"
LAKESIDE = FIXTURES / "lakeside-2025.yaml"

YEAREND_COLUMNS = ["得分", "扣分", "实际值", "分子", "分母", "次数", "名次", "选项", "豁免"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def doc_example() -> str:
    """The complete example scheme of docs/schemes.md (the yaml block after its marker)."""
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- example: shifan-2024 -->\s*```yaml\n(.*?)```", text, re.S)
    assert m, "docs/schemes.md lost its example scheme"
    return m.group(1)


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


def yearend_rows(scheme: str, year: int, values: dict[str, dict[str, dict[str, object]]]
                 ) -> list[list[object]]:
    """One 年终评分 row per unit and indicator; `values[unit][code]` maps a column to a value."""
    return [[scheme, year, unit, code, *(cells.get(c) for c in YEAREND_COLUMNS)]
            for unit, codes in values.items() for code, cells in codes.items()]


# ---------------------------------------------------------------------------------------------
# The documented example
# ---------------------------------------------------------------------------------------------

SHIFAN_UNITS = [["shifan-2024", "城关镇", "乡镇"], ["shifan-2024", "河口镇", "乡镇"],
                ["shifan-2024", "农业农村局", "县级部门"]]
# The worked example's inputs, exactly as the table of docs/schemes.md gives them.
SHIFAN_YEAREND = {
    "城关镇": {"1": {"得分": 9}, "2": {"次数": 4}, "3": {"实际值": "72%"},
               "4": {"分子": 45, "分母": 50}, "5": {"选项": "非专线接入"}, "6": {"名次": 5},
               "7": {"扣分": 3.5}},
    "河口镇": {"1": {"得分": 10}, "2": {"次数": 7}, "3": {"实际值": "85%"},
               "4": {"分子": 48, "分母": 50}, "5": {"选项": "专线接入"}, "6": {"名次": 2},
               "7": {"扣分": 1}},
    "农业农村局": {"1": {"得分": 8}, "2": {"次数": 2}, "3": {"实际值": "60%"},
                   "4": {"分子": 30, "分母": 40}, "5": {"选项": "未接入"}, "6": {"名次": 9},
                   "7": {"扣分": 12}},
}
SHIFAN_ADJUSTMENTS = [
    ["shifan-2024", 2024, "城关镇", "加分", 1, "省级", "省级表彰"],
    ["shifan-2024", 2024, "城关镇", "加分", 1, "市级", "市级表彰"],
    ["shifan-2024", 2024, "城关镇", "减分", 1, None, "通报批评"],
    ["shifan-2024", 2024, "河口镇", "加分", 1, "省级", "省级表彰一"],
    ["shifan-2024", 2024, "河口镇", "加分", 1, "省级", "省级表彰二"],
    ["shifan-2024", 2024, "河口镇", "加分", 1, "市级", "市级表彰一"],
    ["shifan-2024", 2024, "河口镇", "加分", 1, "市级", "市级表彰二"],
]
# unit: (indicator scores by code, rubric sum, bonus, penalty, total, grade, rank)
SHIFAN_EXPECTED = {
    "城关镇": ({"1": 9, "2": 8, "3": 18, "4": 9, "5": 5, "6": 6, "7": 26.5},
               81.5, 3, 1, 83.5, "良好", 2),
    "河口镇": ({"1": 10, "2": 10, "3": 20, "4": 9.6, "5": 10, "6": 10, "7": 29},
               98.6, 5, 0, 103.6, "优秀", 1),
    "农业农村局": ({"1": 8, "2": 4, "3": 15, "4": 7.5, "5": 0, "6": 0, "7": 18},
                   52.5, 0, 0, 52.5, "不合格", 1),
}


def test_docs_example_passes_scheme_check(tmp_path):
    path = tmp_path / "shifan.yaml"
    path.write_text(doc_example(), encoding="utf-8")
    code, out, err = run("scheme", "check", path)
    assert code == 0, err
    assert "shifan-2024" in out


def test_docs_check_report_is_what_the_command_prints(tmp_path):
    """The example report in docs/schemes.md is the real output for the mistakes it names."""
    bad = (doc_example().replace('code: "4"', 'code: "3"')
           .replace("{name: 不合格, min: null}", "{name: 不合格, min: 50}")
           .replace("name: 网上办事           # 二级指标(分组)\n            max_points: 30",
                    "name: 网上办事           # 二级指标(分组)\n            max_points: 35"))
    path = tmp_path / "示范县2025.yaml"
    path.write_text(bad, encoding="utf-8")
    code, _, err = run("scheme", "check", path)
    assert code == 1
    doc = DOC.read_text(encoding="utf-8")
    lines = err.replace(str(path), "示范县2025.yaml").strip().splitlines()
    assert len(lines) == 4
    for line in lines:
        assert line in doc, line


def test_docs_describe_every_field_and_rule_kind():
    """Every field of the model and every rule kind is named in docs/schemes.md."""
    text = DOC.read_text(encoding="utf-8")
    for kind in RULE_KINDS:
        assert f"`{kind}`" in text, kind
    models = [getattr(scheme_model, n) for n in dir(scheme_model)]
    models += [m for kind in KINDS.values() for m in (kind.model, *kind.nested_models)]
    for model in models:
        if isinstance(model, type) and issubclass(model, scheme_model.Strict) \
                and model is not scheme_model.Strict:
            for name in model.model_fields:
                assert re.search(rf"\b{name}\b", text), f"{model.__name__}.{name} undocumented"


def test_docs_worked_example_scores_exactly_as_documented(tmp_path):
    db = tmp_path / "egov.duckdb"
    path = tmp_path / "shifan.yaml"
    path.write_text(doc_example(), encoding="utf-8")
    add_scheme(db, path, replace=False)
    files = [
        write_csv(tmp_path / "units.csv", ["方案", "单位", "单位类型"], SHIFAN_UNITS),
        write_csv(tmp_path / "yearend.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                  yearend_rows("shifan-2024", 2024, SHIFAN_YEAREND)),
        write_csv(tmp_path / "adjustments.csv",
                  ["方案", "年度", "单位", "类别", "项目", "级别", "事由"], SHIFAN_ADJUSTMENTS),
    ]
    ingest(db, files)

    scores = queries.table(db, "indicator_scores", "shifan-2024")
    results = {r["unit"]: r for r in queries.yearend_scores(db, "shifan-2024", 2024, None)
               .iter_rows(named=True)}
    doc = DOC.read_text(encoding="utf-8")
    for unit, (by_code, rubric, bonus, penalty, total, grade, rank) in SHIFAN_EXPECTED.items():
        got = {r["code"]: r["score"] for r in scores.filter(pl.col("unit") == unit)
               .iter_rows(named=True)}
        assert got == pytest.approx(by_code), unit
        r = results[unit]
        assert (r["年终考评"], r["bonus"], r["penalty"], r["total"]) \
            == pytest.approx((rubric, bonus, penalty, total)), unit
        assert (r["grade"], r["rank"]) == (grade, rank), unit
        assert f"**{total:g}**" in doc and grade in doc  # the doc shows the same figures


def test_docs_claim_a_missing_deduction_row_scores_zero():
    """The worked example's note: without a row for indicator 7, 农业农村局 totals 34.5."""
    scheme = load_scheme_text(doc_example(), "docs/schemes.md")
    units = pl.DataFrame({"scheme": ["shifan-2024"], "unit": ["农业农村局"],
                          "unit_type": ["县级部门"]})
    inputs = {"1": {"score": 8.0}, "2": {"times": 2.0}, "3": {"actual": 0.6},
              "4": {"numerator": 30.0, "denominator": 40.0}, "5": {"choice": "未接入"},
              "6": {"place": 9}}
    schema = database.table_schema("yearend_inputs")
    rows = [{c: None for c in schema} | {"scheme": "shifan-2024", "year": 2024,
                                         "unit": "农业农村局", "indicator": code,
                                         "exempt": False, "load_id": 1} | values
            for code, values in inputs.items()]
    facts = Facts(units, pl.DataFrame(schema=database.table_schema("content_tallies")),
                  pl.DataFrame(rows, schema=schema),
                  pl.DataFrame(schema=database.table_schema("adjustment_inputs")),
                  pl.DataFrame(schema=database.table_schema("metric_values")))
    result = score_scheme(scheme, facts).results.row(0, named=True)
    assert result["total"] == pytest.approx(34.5)
    assert "34.5" in DOC.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# A new scheme, end to end
# ---------------------------------------------------------------------------------------------

LAKESIDE_UNITS = [["lakeside-2025", "东湖街道", "街道"], ["lakeside-2025", "西湖街道", "街道"],
                  ["lakeside-2025", "南湖街道", "街道"], ["lakeside-2025", "财政局", "区级部门"],
                  ["lakeside-2025", "教育局", "区级部门"]]
LAKESIDE_YEAREND = {
    # A1 reads the rubric's default rule (rate_target 0.9); A2 0.98; A3 0.95.
    "东湖街道": {"A1": {"实际值": "81%"}, "A2": {"实际值": 0.98}, "A3": {"实际值": "76%"}},
    "西湖街道": {"A1": {"实际值": 0.99}, "A2": {"实际值": 0.8232}, "A3": {"实际值": "57%"}},
    "南湖街道": {"A2": {"实际值": "49%"}, "A3": {"实际值": "95%"}},  # A1 not reported: 0
    # Deduction rubric: missing rows score full marks; 教育局 is exempt from B1 (rescaled).
    "财政局": {"B1": {"扣分": 2}, "B3": {"扣分": 50}},
    "教育局": {"B1": {"豁免": "是"}, "B2": {"扣分": 4}, "B3": {"扣分": 0}},
}
# By hand: 东湖 40×0.81/0.9 + 30 + 30×0.76/0.95 = 36 + 30 + 24 = 90 (A);
# 西湖 40 + 30×0.84 + 30×0.6 = 40 + 25.2 + 18 = 83.2 (B); 南湖 0 + 15 + 30 = 45 (C);
# 财政局 18 + 40 + max(0, 40−50) = 58 (C); 教育局 100 × (36 + 40) / 80 = 95 (A).
LAKESIDE_EXPECTED = {
    "东湖街道": (90.0, "A", 1), "西湖街道": (83.2, "B", 2), "南湖街道": (45.0, "C", 3),
    "教育局": (95.0, "A", 1), "财政局": (58.0, "C", 2),
}


@pytest.fixture(scope="module")
def lakeside_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with lakeside-2025 added through the command line and its units and
    year-end scores loaded through the ordinary ingest."""
    base = tmp_path_factory.mktemp("lakeside")
    db = base / "egov.duckdb"
    code, out, err = run("scheme", "add", "--db", db, LAKESIDE)
    assert code == 0, err
    assert "lakeside-2025" in out
    files = [
        write_csv(base / "units.csv", ["方案", "单位", "单位类型"], LAKESIDE_UNITS),
        write_csv(base / "yearend.csv", ["方案", "年度", "单位", "指标", *YEAREND_COLUMNS],
                  yearend_rows("lakeside-2025", 2025, LAKESIDE_YEAREND)),
    ]
    code, out, err = run("ingest", "--db", db, *files)
    assert code == 0, err
    return db


def test_new_scheme_scores_units_exactly_as_computed_by_hand(lakeside_db):
    frame = queries.yearend_scores(lakeside_db, "lakeside-2025", 2025, None)
    got = {r["unit"]: (r["total"], r["grade"], r["rank"]) for r in frame.iter_rows(named=True)}
    assert got.keys() == LAKESIDE_EXPECTED.keys()
    for unit, (total, grade, rank) in LAKESIDE_EXPECTED.items():
        assert got[unit] == (pytest.approx(total), grade, rank), unit
    exempt = queries.table(lakeside_db, "indicator_scores", "lakeside-2025").filter(
        pl.col("exempt"))
    assert exempt.select("unit", "code").rows() == [("教育局", "B1")]


def test_new_scheme_works_in_every_command(lakeside_db, tmp_path):
    code, out, err = run("scores", "--db", lakeside_db, "--scheme", "lakeside-2025", "--year",
                         "2025", "--unit-type", "街道", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["unit"], float(r["total"]), r["grade"], r["rank"]) for r in rows] == [
        ("东湖街道", pytest.approx(90), "A", "1"), ("西湖街道", pytest.approx(83.2), "B", "2"),
        ("南湖街道", pytest.approx(45), "C", "3")]

    code, out, err = run("schemes", "--db", lakeside_db, "--format", "json")
    assert code == 0, err
    summary = {s["scheme"]: s for s in json.loads(out)}
    assert {"jintan-2013", "yueyang-2017", "shengzhou-2020", "huaibei-2019",
            "lakeside-2025"} <= set(summary)
    rubrics = summary["lakeside-2025"]["rubrics"]
    assert [(r["rubric"], r["unit_types"], r["max_points"],
             [(c["name"], c["max_points"]) for c in r["categories"]]) for r in rubrics] == [
        ("街道数字政府综合指数", ["街道"], 100, [("网上办理", 40), ("办件质量", 60)]),
        ("区级部门工作考核细则", ["区级部门"], 100, [("基础工作", 60), ("安全管理", 40)]),
    ]

    template = tmp_path / "年终评分.xlsx"
    code, out, err = run("template", "yearend", "--db", lakeside_db, "--scheme",
                         "lakeside-2025", "--out", template)
    assert code == 0, err
    import openpyxl

    wb = openpyxl.load_workbook(template)
    text = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows()
                    for c in row if c.value is not None)
    for code_ in ("A1", "A2", "A3", "B1", "B2", "B3"):
        assert code_ in text


def test_new_scheme_shows_on_every_dashboard_page(lakeside_db, monkeypatch):
    """The dashboard's scheme picker reads the `schemes` table: the added scheme is offered, and
    every page renders it without an error."""
    app = ROOT / "dashboard" / "app.py"
    if not app.exists():
        pytest.skip("dashboard/app.py is not written yet")
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("EGOV_DB", str(lakeside_db))
    at = AppTest.from_file(str(app), default_timeout=60)
    at.query_params["scheme"] = "lakeside-2025"
    at.query_params["year"] = "2025"
    at.run()
    assert not at.exception, at.exception
    picker = next(s for s in at.sidebar.selectbox if s.label == "考核")  # lakeside: no series
    assert "lakeside-2025" in picker.options or any("湖滨区" in o for o in picker.options)
    assert picker.value == "lakeside-2025"
    # Every page a reader gets (导入与更正 and 账户与方案 need an editor or admin sign-in:
    # tests/test_access_dashboard.py covers them).
    pages = sorted(p for p in (ROOT / "dashboard" / "views").glob("*.py")
                   if p.stem not in ("upload", "admin"))
    assert pages
    seen_units = False
    for page in pages:
        at.switch_page(f"views/{page.name}")
        at.run()
        assert not at.exception, (page.name, at.exception)
        shown = " ".join(str(e.value) for e in at.dataframe) + " ".join(
            str(m.value) for m in (*at.markdown, *at.caption, *at.title, *at.header,
                                   *at.subheader))
        seen_units = seen_units or "东湖街道" in shown or "教育局" in shown
    assert seen_units, "no page showed the new scheme's units"


def test_the_field_reference_is_bilingual():
    """Every row of every table in 字段说明 Field reference has its English meaning too."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## 字段说明 Field reference")
    section = text[start:text.index("\n## ", start + 1)]
    rows = [line for line in section.splitlines()
            if line.startswith("| `") and not line.startswith("| `kind` |")]
    assert len(rows) > 50
    for line in rows:
        english = line.rstrip().rstrip("|").rsplit("|", 1)[1]
        assert re.search(r"[a-z]{3,}", english) and not re.search(r"[\u4e00-\u9fff]{6,}",
                                                                    english), line
