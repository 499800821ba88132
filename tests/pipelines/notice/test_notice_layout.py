"""The 通报's layout measured on the PDF LibreOffice prints (GB/T 9704-2012): the grid of 28
characters by 22 lines filling the 156 × 225 mm 版心, the 落款 (成文日期 右空四字, 署名 centred over
it, one blank line above, never alone on a page), headings kept with their text, the 版头 and
版记 an office sets, and titles as inverted trapezoids."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date

import pytest
from conftest import skip_unless
from docx import Document
from docx.shared import Pt

from pipelines.notice import build_notice
from pipelines.notice.docx_writer import _width, title_lines
from pipelines.notice.render import NOTICES_DIR

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (210 - 26) * MM           # the 版心's edges, in PDF points
TOP, BOTTOM = 37 * MM, (297 - 35) * MM
DAY = date(2014, 1, 10)
CJK = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]+$")


@dataclass
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    text: str
    y1: float = 0.0


@pytest.fixture(scope="module")
def printed(demo_db, tmp_path_factory):
    """The Jintan year-end notice with the office's 版头 and 版记 set, as LibreOffice prints it:
    the .docx and the PDF's text lines with their boxes (pdftotext -bbox-layout)."""
    skip_unless(SOFFICE is not None and PDFTOTEXT is not None,
                "LibreOffice and poppler-utils are needed to measure the PDF")
    base = tmp_path_factory.mktemp("layout")
    own = base / "notices"
    shutil.copytree(NOTICES_DIR, own)
    settings = (own / "settings.yaml").read_text(encoding="utf-8")
    settings = settings.replace(
        "    signature: 金坛市电子政务绩效考核领导小组办公室\n",
        "    signature: 金坛市电子政务绩效考核领导小组办公室\n"
        "    banner: 金坛市电子政务绩效考核领导小组办公室文件\n"
        "    copy_to: 市委办公室，市人大办公室，市政协办公室\n"
        "    printer: 金坛市电子政务绩效考核领导小组办公室\n", 1)
    (own / "settings.yaml").write_text(settings, encoding="utf-8")
    path = base / "notice.docx"
    path.write_bytes(build_notice(demo_db, "jintan-2013", 2013, day=DAY, templates=own,
                                  doc_number="坛电政办〔2014〕1号"))
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{base}/lo",
                    "--convert-to", "pdf", "--outdir", str(base), str(path)],
                   check=True, capture_output=True, timeout=180)
    html = subprocess.run([PDFTOTEXT, "-bbox-layout", str(path.with_suffix(".pdf")), "-"],
                          check=True, capture_output=True, text=True).stdout
    lines = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                             r'yMax="([\d.]+)">(.*?)</line>', page, re.S):
            text = "".join(re.findall(r">([^<]+)</word>", m.group(5)))
            lines.append(Line(number, float(m.group(1)), float(m.group(2)),
                              float(m.group(3)), text, float(m.group(4))))
    return Document(str(path)), lines


def body_lines(lines: list[Line], page: int) -> list[Line]:
    """The lines of a page inside the 版心 (not the page number)."""
    return [ln for ln in lines if ln.page == page and ln.y0 < BOTTOM - 5]


def test_the_grid_is_28_characters_by_22_lines(printed):
    doc, lines = printed
    # characters a line: full lines of 3号 Chinese text only (no half-width digits; not the 2号
    # title), from the left edge of the 版心 to its right edge, hold 28 characters
    titles = {t for p in doc.paragraphs if p.style.name == "通报标题" for t in p.text.split("\n")}
    full = [ln for ln in lines if CJK.match(ln.text) and abs(ln.x0 - LEFT) < 2
            and ln.x1 > RIGHT - 16 and ln.text not in titles]
    assert full, "no full line of Chinese text to measure"
    assert {len(ln.text) for ln in full} == {28}, [(len(ln.text), ln.text) for ln in full]
    # lines a page: the text pages (before the 附件) hold 22 lines at a pitch filling 225 mm
    text_pages = sorted({ln.page for ln in lines if "下一步要求" in ln.text})
    counts = [len(body_lines(lines, p)) for p in range(2, text_pages[0])]
    assert counts and max(counts) == 22, counts
    page2 = body_lines(lines, 2)
    pitch = (page2[-1].y0 - page2[0].y0) / (len(page2) - 1)
    assert pitch * 22 == pytest.approx(225 * MM, abs=1.5)       # 22 × 28.95 pt = 225 mm


def test_signature_and_date_are_placed_for_the_seal_and_not_alone(printed):
    doc, lines = printed
    sig = next(ln for ln in lines if ln.text == "金坛市电子政务绩效考核领导小组办公室"
               and ln.x0 > LEFT + 30)
    day = next(ln for ln in lines if ln.text == "2014年1月10日")
    assert day.page == sig.page and day.y0 > sig.y0
    assert RIGHT - day.x1 == pytest.approx(4 * 16, abs=4)       # 成文日期 右空四字
    # 署名 centred over the date where it fits; this one (18 characters) is wider than the date
    # and its four characters on each side, so it stands flush right
    assert RIGHT - sig.x1 == pytest.approx(0, abs=4)
    above = [ln for ln in lines if ln.page == sig.page and ln.y0 < sig.y0]
    assert above and sig.y0 - above[-1].y0 == pytest.approx(2 * 28.95, abs=2)  # 空一行
    # not alone: the page of the 落款 carries text of the body (the last lines of 下一步要求)
    assert any(not ln.text.startswith(("附件", "—")) for ln in above)
    paragraphs = doc.paragraphs
    i = next(k for k, p in enumerate(paragraphs) if p.text == "2014年1月10日")
    assert paragraphs[i].paragraph_format.right_indent == Pt(64)
    assert paragraphs[i - 1].paragraph_format.right_indent == Pt(0)
    assert [p.text for p in paragraphs[i - 3:i - 1]] == ["附件：2013年度考核结果排名表", ""]


def test_headings_never_end_a_page(printed):
    doc, lines = printed
    for page in sorted({ln.page for ln in lines}):
        inside = body_lines(lines, page)
        if inside:
            last = inside[-1].text
            heading = r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\S{0,12}$"
            assert not re.match(heading, last), (page, last)
    for p in doc.paragraphs:
        if re.match(r"^[一二三四五]、|^（[一二三四五]）", p.text):
            assert p.style.paragraph_format.keep_with_next


def test_letterhead_and_record_from_the_settings(printed):
    doc, lines = printed
    first = [ln.text for ln in lines if ln.page == 1]
    assert first[:2] == ["金坛市电子政务绩效考核领导小组办公室文件", "坛电政办〔2014〕1号"]
    banner = doc.paragraphs[0]
    assert banner.runs[0].font.color.rgb is not None and str(banner.runs[0].font.color.rgb) == \
        "FF0000"
    assert 'w:color="FF0000"' in doc.paragraphs[1]._p.xml            # the red rule
    last = [ln.text for ln in lines if ln.page == max(ln.page for ln in lines)]
    assert "抄送：市委办公室，市人大办公室，市政协办公室。" in last
    assert "2014年1月10日印发" in last


def test_the_record_sits_at_the_foot_of_the_last_page(printed):
    """GB/T 9704 7.4: the 版记 on the last page, its last element on the last line of the 版心
    (it followed the last 附件 table, mid-page)."""
    _, lines = printed
    last_page = max(ln.page for ln in lines)
    copy = next(ln for ln in lines if ln.text.startswith("抄送："))
    issued = next(ln for ln in lines if ln.text == "2014年1月10日印发")
    printer = next(ln for ln in lines if ln.text == "金坛市电子政务绩效考核领导小组办公室"
                   and ln.page == last_page and abs(ln.y0 - issued.y0) < 1)
    assert copy.page == issued.page == last_page
    assert BOTTOM - 28.95 < issued.y1 <= BOTTOM           # on the last line of the 版心
    assert copy.y0 < issued.y0
    rest = [ln for ln in body_lines(lines, last_page) if ln.y0 > copy.y0 - 1]
    assert {ln.text for ln in rest} == {copy.text, printer.text, issued.text}  # nothing below
    assert copy.x0 - LEFT == pytest.approx(14, abs=2)     # 抄送 左空一字 (4号)
    assert printer.x0 - LEFT == pytest.approx(14, abs=2)  # 印发机关 左空一字
    assert RIGHT - issued.x1 == pytest.approx(14, abs=2)  # 印发日期 右空一字


def test_a_short_signature_is_centred_over_the_date(demo_db, tmp_path):
    own = tmp_path / "notices"
    shutil.copytree(NOTICES_DIR, own)
    (own / "settings.yaml").write_text(
        "default:\n  office: 测试办\n  recipients: 各单位\n  signature: 测试办公室\n",
        encoding="utf-8")
    doc = Document(io.BytesIO(build_notice(demo_db, "huaibei-2019", 2019, day=DAY,
                                           templates=own)))
    paragraphs = doc.paragraphs
    i = next(k for k, p in enumerate(paragraphs) if p.text == "2014年1月10日")
    # date 6.5 characters wide (digits half), signature 5: 4 + (6.5 − 5) / 2 = 4.75 characters
    assert paragraphs[i - 1].text == "测试办公室"
    assert paragraphs[i - 1].paragraph_format.right_indent == Pt(4.75 * 16)


@pytest.mark.parametrize("title", [
    "金坛市电子政务绩效考核领导小组办公室\n关于2013年度电子政务绩效考核结果的通报",
    "岳阳市政务公开政务服务工作领导小组办公室\n关于2017年度政务公开政务服务工作考评结果的通报",
    "嵊州市政府数字化转型工作领导小组办公室\n关于2020年度政府数字化转型工作考核评价结果的通报",
    "金坛市电子政务绩效考核领导小组办公室\n关于2013年6月内容保障考核情况的通报\n（示例数据）",
])
def test_titles_are_inverted_trapezoids_of_whole_words(title):
    lines = title_lines(title)
    main = [ln for ln in lines if not ln.startswith("（")]
    widths = [_width(ln) for ln in main]
    assert max(widths) <= 20                                       # 20 2号 characters a line
    assert widths == sorted(widths, reverse=True)                  # 上长下短
    assert "".join(lines) == title.replace("\n", "")
    for ln in main[1:]:                                            # words stay whole
        assert ln.startswith(("关于", "结果的通报", "情况的通报")) or \
            re.match(r"^\d{4}年", ln), lines


def test_the_ranking_tables_are_one_annex_in_xiaosi(printed):
    """Layout list: the 附件 tables were 10.5 pt, each on pages of its own (a one-unit type took
    a page). Now one 附件 in 小四 (12 pt), a table per unit type following on: the 广播电视台's
    one-unit table shares its page with the 垂直管理单位's."""
    doc, lines = printed
    assert doc.styles["表格文字"].font.size == Pt(12)
    assert doc.styles["表头"].font.size == Pt(12)
    labels = [p for p in doc.paragraphs if p.text == "附件"]
    assert len(labels) == 1 and labels[0].paragraph_format.page_break_before
    assert not any(p.paragraph_format.page_break_before for p in doc.paragraphs
                   if p.text.endswith("考核结果排名表"))
    page_of = {ln.text: ln.page for ln in lines if ln.text.endswith("考核结果排名表")}
    assert page_of["2013年度广播电视台考核结果排名表"] == \
        page_of["2013年度垂直管理单位考核结果排名表"]
