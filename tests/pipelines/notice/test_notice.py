"""The 通报 draft (.docx): generated from the sample warehouse for every built-in scheme (year-end)
and for Jintan's months, read back with python-docx, its numbers checked against `egov scores`,
its layout against GB/T 9704-2012, and one converted to PDF with LibreOffice."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import skip_unless
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from egov.cli import main
from pipelines.notice import build_notice, render, sandbox
from pipelines.notice import formats as fmt
from pipelines.notice.render import NOTICES_DIR

YEAR_END = [("jintan-2013", 2013), ("yueyang-2017", 2017), ("shengzhou-2020", 2020),
            ("huaibei-2019", 2019)]
DAY = date(2014, 1, 10)
# The 附件's columns per scheme: rank, unit, the scheme's stages, 加分/减分 where any unit has
# them, the total, 等次 where the scheme grades (no column of egov scores' year comparison:
# the sample's first years have no previous year)
HEADERS = {
    "jintan-2013": ["排名", "单位", "平时考评", "年终考评", "加分", "总分", "等次"],
    "yueyang-2017": ["排名", "单位", "年度考评", "加分", "减分", "总分", "等次"],
    "shengzhou-2020": ["排名", "单位", "年度考核", "总分"],
    "huaibei-2019": ["排名", "单位", "年终考评", "总分"],
}
SCORE_COLUMNS = {"加分": "bonus", "减分": "penalty", "总分": "total"}


def scores(db: Path, *args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["scores", "--db", str(db), *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def notice(db: Path, tmp_path: Path, scheme: str, year: int, month: str | None = None):
    out = tmp_path / f"{scheme}-{month or year}.docx"
    args = ["notice", "--db", str(db), "--scheme", scheme, "--year", str(year), "--out", str(out)]
    if month:
        args += ["--month", month]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return Document(str(out)), out


def text_of(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def first_place_phrase(rows: list[dict[str, str]], value: str) -> str:
    """How the notice must name the first place of a unit type: one unit, or a tie (points as
    the notice prints them: no trailing zeros)."""
    first = sorted(r["unit"] for r in rows if r["rank"] == "1")
    value_of = {r["unit"]: fmt.number(float(r[value])) for r in rows}
    if len(first) == 1:
        return f"{first[0]}（{value_of[first[0]]}分）"
    return "、".join(first) + f"并列第1名（均为{value_of[first[0]]}分）"


@pytest.mark.parametrize(("scheme", "year"), YEAR_END, ids=[s for s, _ in YEAR_END])
def test_year_end_notice_states_the_scores_of_egov_scores(demo_db, tmp_path, scheme, year):
    doc, _ = notice(demo_db, tmp_path, scheme, year)
    text = text_of(doc)
    rows = scores(demo_db, "--scheme", scheme, "--year", str(year))
    assert "示例数据" in doc.paragraphs[0].text + doc.paragraphs[1].text + doc.paragraphs[2].text
    types = list(dict.fromkeys(r["unit_type"] for r in rows))
    assert f"本次考核共有{len(rows)}个被考核单位" in text
    for unit_type in types:
        part = [r for r in rows if r["unit_type"] == unit_type]
        assert f"{unit_type}{len(part)}个" in text
        if len(part) > 1:
            assert first_place_phrase(part, "total") in text
    # 附件: one real table per unit type, every unit with the total egov scores prints
    assert len(doc.tables) == len(types)
    for table, unit_type in zip(doc.tables, types, strict=True):
        header = [c.text for c in table.rows[0].cells]
        assert header == HEADERS[scheme]
        trpr = table.rows[0]._tr.trPr
        assert trpr is not None and trpr.find(qn("w:tblHeader")) is not None
        got = {row.cells[header.index("单位")].text:
               (row.cells[header.index("总分")].text, row.cells[0].text)
               for row in table.rows[1:]}
        want = {r["unit"]: (r["total"], r["rank"]) for r in rows if r["unit_type"] == unit_type}
        assert {u: (float(t), r) for u, (t, r) in got.items()} == \
               {u: (float(t), r) for u, (t, r) in want.items()}
        # one rule for every score of the document, text and every table alike
        # (formats.number, as the text prints 「63.8分」): no trailing zeros (加分 10 in one
        # table was 10.00 in the next, 63.80 in a table beside 63.8分 in the text)
        by_unit = {r["unit"]: r for r in rows}
        for row in table.rows[1:]:
            cells = dict(zip(header, (c.text for c in row.cells), strict=True))
            score = by_unit[cells["单位"]]
            for name in header[2:]:
                if name != "等次":
                    assert cells[name] == fmt.number(float(score[SCORE_COLUMNS.get(name, name)]))


def test_monthly_notice_for_jintan_states_the_months_scores(demo_db, tmp_path):
    doc, _ = notice(demo_db, tmp_path, "jintan-2013", 2013, "2013-06")
    text = text_of(doc)
    rows = scores(demo_db, "--scheme", "jintan-2013", "--year", "2013", "--month", "2013-06")
    assert "关于2013年6月内容保障考核情况的通报" in doc.paragraphs[0].text
    total = sum(float(r["points"]) for r in rows)
    assert f"合计{total:g}分" in text
    for unit_type in dict.fromkeys(r["unit_type"] for r in rows):
        part = [r for r in rows if r["unit_type"] == unit_type]
        if len(part) > 1:
            assert first_place_phrase(part, "points") in text
        ytd_first = [r for r in part if r["ytd_rank"] == "1"]
        if len(part) > 1 and len(ytd_first) == 1:
            unit, points = ytd_first[0]["unit"], float(ytd_first[0]["ytd_points"])
            assert f"全年累计得分第1名{unit}（{fmt.number(points)}分）" in text
    # the cumulative target behind its pace, by hand: 主动公开文件 845 by June, floor 2000 →
    # (2000 − 845) / 6 = 192.5 a month: 193 documents (a count is whole; 192 would fall short)
    assert "其余各月须月均完成193件" in text
    assert len(doc.tables) == 4
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header == ["排名", "较上月", "单位", "条目得分", "录用加分", "当月得分", "累计得分",
                      "累计排名"]


def test_every_month_of_jintan_has_a_notice(demo_db, tmp_path):
    for m in range(1, 13):
        data = build_notice(demo_db, "jintan-2013", 2013, f"2013-{m:02d}", day=DAY)
        assert data[:2] == b"PK"
    first = Document(io.BytesIO(build_notice(demo_db, "jintan-2013", 2013, "2013-01", day=DAY)))
    assert "本月为本年度首次排名" in text_of(first)


def test_layout_follows_gb_t_9704(demo_db):
    doc = Document(io.BytesIO(build_notice(demo_db, "huaibei-2019", 2019, day=DAY)))
    section = doc.sections[0]
    def mm(*lengths) -> list[float]:
        return [round(length.mm, 1) for length in lengths]

    assert mm(section.page_width, section.page_height) == [210, 297]
    assert mm(section.top_margin, section.bottom_margin) == [37, 35]
    assert mm(section.left_margin, section.right_margin) == [28, 26]

    def east_asian(style) -> str:
        return style.element.rPr.rFonts.get(qn("w:eastAsia"))

    paragraphs = doc.paragraphs
    title = paragraphs[0]
    assert title.style.font.size == Pt(22) and east_asian(title.style) == "方正小标宋简体"
    body = next(p for p in paragraphs if p.text.startswith("根据"))
    assert body.style.font.size == Pt(16) and east_asian(body.style) == "仿宋_GB2312"
    assert body.style.paragraph_format.line_spacing == Pt(28.95)   # 22 lines in 225 mm
    assert body.style.paragraph_format.first_line_indent == Pt(32)
    h1 = next(p for p in paragraphs if p.text == "一、基本情况")
    assert east_asian(h1.style) == "黑体"
    h2 = next(p for p in paragraphs if p.text.startswith("（一）"))
    assert east_asian(h2.style) == "楷体_GB2312"
    assert paragraphs[1].text == "市直各单位："            # 主送, from notices/settings.yaml
    assert paragraphs[1].style.paragraph_format.first_line_indent == Pt(0)
    texts = [p.text for p in paragraphs]
    assert "淮北市电子政务工作领导小组办公室" in texts    # 落款
    assert "2014年1月10日" in texts                      # 成文日期
    assert any(t.startswith("附件：") for t in texts)
    # page numbers 「— N —」 with a PAGE field, on odd (right) and even (left) pages
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and footer.paragraphs[0].text.startswith("— ")
    # the named fonts fall back to fonts every Chinese Word/WPS has
    fonts = next(p for p in doc.part.package.iter_parts()
                 if str(p.partname) == "/word/fontTable.xml").blob.decode("utf-8")
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:val="仿宋"' in fonts and 'w:val="86"' in fonts


def test_wording_comes_from_the_offices_templates(demo_db, tmp_path):
    """An office edits its copy of notices/: its 主送, 落款 and 下一步要求 are in the draft."""
    own = tmp_path / "notices"
    shutil.copytree(NOTICES_DIR, own)
    (own / "settings.yaml").write_text(
        "default:\n  office: 测试办公室\n  recipients: 各测试单位\n  signature: 测试办公室\n",
        encoding="utf-8")
    yearend = (own / "yearend.j2").read_text(encoding="utf-8")
    (own / "yearend.j2").write_text(
        yearend.replace("各单位要对照考核结果和失分指标",
                        "请各单位于三月底前完成整改，对照考核结果和失分指标"),
        encoding="utf-8")
    doc = Document(io.BytesIO(build_notice(demo_db, "yueyang-2017", 2017, day=DAY,
                                           templates=own)))
    text = text_of(doc)
    assert "各测试单位：" in text and "请各单位于三月底前完成整改" in text
    assert doc.paragraphs[0].text.startswith("测试办公室")


def test_a_broken_template_is_invalid_input(demo_db, tmp_path):
    own = tmp_path / "notices"
    shutil.copytree(NOTICES_DIR, own)
    (own / "yearend.j2").write_text("# {{ office }\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["notice", "--db", str(demo_db), "--scheme", "yueyang-2017",
                                       "--year", "2017", "--out", str(tmp_path / "x.docx"),
                                       "--templates", str(own)])
    assert result.exit_code == 1
    assert "通报模板有误" in result.output and "notice template error" in result.output
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--scheme", "huaibei-2019", "--year", "2019", "--month", "2019-06"], "没有按月计分"),
    (["--scheme", "nope", "--year", "2019"], "未知方案"),
    (["--scheme", "jintan-2013", "--year", "2014"], "考核年度"),
    (["--scheme", "jintan-2013", "--year", "2013", "--month", "June"], "YYYY-MM"),
])
def test_notice_usage_errors_exit_2(demo_db, tmp_path, args, message):
    result = CliRunner().invoke(main, ["notice", "--db", str(demo_db), *args,
                                       "--out", str(tmp_path / "n.docx")])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_title_lines_and_markup():
    blocks = render.parse("# 甲办公室\n# 关于乙的通报\n\n> 丙:\n\n## 一、基本\n正文一\n正文二\n\n"
                          "### （一）分项\n")
    assert [(b.kind, b.text) for b in blocks] == [
        ("title", "甲办公室\n关于乙的通报"), ("plain", "丙:"), ("heading1", "一、基本"),
        ("body", "正文一正文二"), ("heading2", "（一）分项")]
    assert [sandbox.cn_number(n) for n in (1, 10, 12, 20, 21)] == ["一", "十", "十二", "二十",
                                                                   "二十一"]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_notice_converts_to_pdf_with_libreoffice(demo_db, tmp_path):
    skip_unless(SOFFICE is not None,
                "LibreOffice (apt-get install libreoffice-writer-nogui) is needed for the PDF")
    from pypdf import PdfReader

    _, path = notice(demo_db, tmp_path, "jintan-2013", 2013, "2013-06")
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = PdfReader(str(path.with_suffix(".pdf")))
    # the text (title, results, targets, warnings, requirements) runs 4-6 pages; then the one
    # 附件 whose four ranking tables follow each other (the one-unit type takes no page alone)
    assert 5 <= len(pdf.pages) <= 9
    first = pdf.pages[0].extract_text().replace(" ", "")
    assert "金坛市电子政务绩效考核领导小组办公室" in first and "示例数据" in first
    last = pdf.pages[-1].extract_text().replace(" ", "")
    assert "广播电视台内容保障得分排名表" in last
    numbers = [p.extract_text().replace(" ", "") for p in pdf.pages]
    assert any("—1—" in t for t in numbers[:1]) and any("—2—" in t for t in numbers[1:2])
