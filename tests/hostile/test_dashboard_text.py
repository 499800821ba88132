"""Texts from scheme files and unit names are never rendered as Markdown on any page (issue 11,
defect 7): a scheme whose name, jurisdiction, document number and interpretations hold Markdown
links, images, Streamlit colour directives and formulas, with units named likewise, shows them
as typed on every page (AppTest)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from dashboard.kit.text import md
from egov.cli import main
from tests.hostile.corpus import SCHEME, UNITS_HEADERS, csv_bytes

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = ["overview", "rankings", "targets", "indicators", "unit_profile", "data_method"]
IMAGE = "![追踪](http://evil.example/pixel.png)"
LINK = "[点此领奖](http://evil.example/)"
HOSTILE_UNITS = [f"{LINK}县", f"{IMAGE}局", ":orange[红色]县", "$x^2$县", "**粗体**县"]
# A Markdown link or image, a Streamlit directive or an inline formula left unescaped.
# (The pages' own :gray[...] and :orange[**示例数据**] are theirs; the hostile texts use others.)
UNESCAPED = re.compile(r"(?<!\\)\]\((?!\))|(?<!\\):orange\[(?:红色|岳阳)|(?<!\\)\$x|"
                       r"(?<!\\)\*\*粗体")


def test_md_shows_text_as_typed():
    assert md(IMAGE) == r"\!\[追踪\]\(http\://evil\.example/pixel\.png\)"
    assert not UNESCAPED.search(md(f"{LINK} :orange[x] $x^2$ **粗体**"))
    assert md("教育局") == "教育局"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("md")
    text = SCHEME.read_text(encoding="utf-8")
    text = text.replace("id: yueyang-2017", "id: hostile-2017", 1)
    text = text.replace("series: yueyang\n", "series: hostile\n", 1)  # one scheme a year
    text = text.replace("name: 2017年度全市政务公开政务服务工作考评细则",
                        f'name: "{IMAGE} {LINK}"', 1)
    text = text.replace("jurisdiction: 岳阳市", 'jurisdiction: ":orange[岳阳] $x^2$"', 1)
    text = text.replace("- number: 岳公开办发〔2017〕2号", f'- number: "{LINK}"', 1)
    text = text.replace("interpretation: 原文只规定年度一次考评",
                        f'interpretation: "{IMAGE} **粗体** 原文只规定年度一次考评', 1)
    text = text.replace("故年度考评占全部100分。", '故年度考评占全部100分。"', 1)
    scheme = folder / "hostile.yaml"
    scheme.write_text(text, encoding="utf-8")
    db = folder / "egov.duckdb"
    runner = CliRunner()
    result = runner.invoke(main, ["scheme", "add", "--db", str(db), str(scheme)])
    assert result.exit_code == 0, result.output
    units = folder / "units.csv"
    units.write_bytes(csv_bytes([UNITS_HEADERS, *[["hostile-2017", u, "县市区", ""]
                                                  for u in HOSTILE_UNITS]]))
    result = runner.invoke(main, ["ingest", "--db", str(db), str(units)])
    assert result.exit_code == 0, result.output
    return db


def rendered_texts(at: AppTest) -> list[str]:
    """What the page handed to Markdown-rendering elements."""
    texts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning",
                 "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    texts += [str(m.label) for m in at.metric]
    texts += [str(e.label) for e in at.expander]
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_scheme_or_unit_text_as_markdown(page, hostile_db, monkeypatch):
    monkeypatch.setenv("EGOV_DB", str(hostile_db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"scheme": "hostile-2017", "units": HOSTILE_UNITS[0]})
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    texts = rendered_texts(at)
    assert any("evil" in t or "岳阳" in t for t in texts)  # the hostile text is on the page
    offending = [t for t in texts if UNESCAPED.search(t)]
    assert not offending, offending
