"""Each unit's feedback sheet (反馈单, issue 18 item 3): read back with python-docx, converted by
LibreOffice, and its ledger XLSX filled in and loaded back as `rectification`.

Warehouse (hand-computed): yueyang-2017, four 县市区 units, deduction rubric. A loses 1 on 1
领导重视 (3 points) and 2 on 2 机构建设 (4 points) and gets 加分 省级 +1: 100 − 3 + 1 = 98; B and D
lose 0.5 on 1: 99.5 (tied, both 第2名); C loses nothing: 100. All 优秀 (≥ 90).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import skip_unless
from docx import Document

from pipelines.cycle.feedback import FeedbackError, gather, write_feedback
from pipelines.loading import ingest
from warehouse import queries

UNITS = "方案,单位,单位类型\n" + "".join(
    f"yueyang-2017,{u},县市区\n" for u in ("A县", "B县", "C县", "D县"))
YEAREND = """方案,年度,单位,指标,扣分,说明
yueyang-2017,2017,A县,1,1,未专题研究
yueyang-2017,2017,A县,2,2,机构不全
yueyang-2017,2017,B县,1,0.5,
yueyang-2017,2017,D县,1,0.5,
"""
ADJUSTMENTS = "方案,年度,单位,类别,级别,事由\nyueyang-2017,2017,A县,加分,省级,获省政府通报表扬\n"
DAY = dt.date(2018, 1, 15)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    db = tmp_path / "feedback.duckdb"
    ingest(db, [write(tmp_path / "units.csv", UNITS), write(tmp_path / "yearend.csv", YEAREND),
                write(tmp_path / "adjustments.csv", ADJUSTMENTS)])
    return db


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_one_units_sheet_states_total_rank_grade_lost_points_and_adjustments(db, tmp_path):
    out = tmp_path / "A县.docx"
    written = write_feedback(db, "yueyang-2017", 2017, out, unit="A县", day=DAY)
    assert written.paths == [out, tmp_path / "A县_整改台账.xlsx"]
    doc = Document(str(out))
    body = texts(doc)
    # the evaluation's name from the scheme (Yueyang's 政务公开政务服务 evaluation), never a
    # default 「电子政务绩效考核」 (issue 19, 通报 point 4)
    assert "2017年度政务公开政务服务工作考评结果反馈单" in body
    assert not any("电子政务" in line for line in body)
    assert any("现将你单位2017年度政务公开政务服务工作考评结果反馈如下。" in line for line in body)
    assert doc.core_properties.keywords == "反馈单; 政务公开政务服务工作考评"
    assert "A县：" in body
    assert "你单位2017年度考核总分98分,在县市区4个单位中第4名,等次为优秀。" in body
    assert ("你单位共有2项指标失分,合计失分3分;失分最多的是指标2「机构建设」,失2分。"
            "各项失分情况见附件1。") in body
    assert "加分1分(省级):获省政府通报表扬。" in body
    assert "计入总分的加分1分、减分0分(按方案封顶后)。" in body
    assert "2018年1月15日" in body
    lost, rectify = doc.tables
    rows = cells(lost)
    assert rows[0] == ["指标编号", "指标名称", "分值", "得分", "失分", "考核要点", "说明",
                       "考核单位"]
    assert [r[:5] + r[6:7] for r in rows[1:]] == [
        ["2", "机构建设", "4", "2", "2", "机构不全"],  # most points lost first
        ["1", "领导重视", "3", "2", "1", "未专题研究"],
    ]
    assert rows[1][5]  # the indicator's 考核要点 from the scheme
    assert cells(rectify) == [["问题", "整改措施", "责任人", "完成时限"]] + [[""] * 4] * 3


def test_ties_are_stated_and_a_unit_without_losses_says_so(db, tmp_path):
    sheets = {fb.unit: fb for fb in gather(db, "yueyang-2017", 2017)}
    assert sheets["B县"].result_sentence() == (
        "你单位2017年度考核总分99.5分,在县市区4个单位中并列第2名,等次为优秀。")
    assert sheets["D县"].result_sentence().endswith("并列第2名,等次为优秀。")
    assert sheets["C县"].result_sentence().endswith("中第1名,等次为优秀。")
    assert sheets["C县"].lost_sentence() == "你单位在各项指标上均未失分。"
    assert sheets["C县"].adjustment_lines() == ["你单位本年度无加减分。"]


def test_all_units_give_a_zip_of_one_sheet_and_ledger_per_unit_and_issue_is_recorded(db, tmp_path):
    out = tmp_path / "反馈单.zip"
    write_feedback(db, "yueyang-2017", 2017, out, day=DAY)
    with zipfile.ZipFile(out) as zf:
        names = sorted(zf.namelist())
        assert names == sorted(f"{u}_{kind}" for u in ("A县", "B县", "C县", "D县")
                               for kind in ("反馈单.docx", "整改台账.xlsx"))
        doc = Document(io.BytesIO(zf.read("B县_反馈单.docx")))
    assert cells(doc.tables[0])[1][:5] == ["1", "领导重视", "3", "2.5", "0.5"]
    issued = queries.table(db, "feedback_issued", "yueyang-2017")
    assert sorted(issued["unit"]) == ["A县", "B县", "C县", "D县"]
    first = issued["issued_at"].max()
    write_feedback(db, "yueyang-2017", 2017, out, day=DAY)  # again: the first issue stands
    assert queries.table(db, "feedback_issued", "yueyang-2017")["issued_at"].max() == first


def test_the_ledger_is_prefilled_and_loads_back_once_filled_in(db, tmp_path):
    write_feedback(db, "yueyang-2017", 2017, tmp_path / "A县.docx", unit="A县", day=DAY)
    path = tmp_path / "A县_整改台账.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["方案", "年度", "单位", "指标", "问题", "整改措施", "责任人", "完成时限",
                       "状态", "说明"]
    assert rows[1][:5] == ["yueyang-2017", "2017", "A县", "2", "指标2「机构建设」失2分"]
    assert rows[1][8] == "未整改" and rows[2][3] == "1"
    for r in (2, 3):
        ws.cell(r, 6, "召开专题会议整改")
        ws.cell(r, 7, "张三")
        ws.cell(r, 8, dt.datetime(2018, 3, 31))
    wb.save(path)
    ingest(db, [path])
    ledger = queries.table(db, "rectifications", "yueyang-2017").sort("indicator")
    assert ledger.select("indicator", "owner", "due", "status").rows() == [
        ("1", "张三", dt.date(2018, 3, 31), "未整改"),
        ("2", "张三", dt.date(2018, 3, 31), "未整改")]


def test_unknown_unit_and_wrong_year_are_refused(db, tmp_path):
    with pytest.raises(FeedbackError, match="火星县"):
        write_feedback(db, "yueyang-2017", 2017, tmp_path / "x.docx", unit="火星县")
    with pytest.raises(FeedbackError, match="2017"):
        write_feedback(db, "yueyang-2017", 2016, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_the_sheet_converts_to_pdf_with_libreoffice(db, tmp_path):
    skip_unless(SOFFICE is not None,
                "LibreOffice (apt-get install libreoffice-writer-nogui) is needed for the PDF")
    from pypdf import PdfReader

    out = tmp_path / "A县.docx"
    write_feedback(db, "yueyang-2017", 2017, out, unit="A县", day=DAY, record=False)
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=180)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "A县.pdf").pages)
    assert "反馈单" in text and "机构建设" in text and "整改表" in text
