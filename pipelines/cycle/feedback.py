"""Each unit's feedback sheet (反馈单) and its rectification ledger to fill (整改台账).

Jintan 63号 七: 市政府办在综合评估工作结束后40个工作日内向各单位反馈考核结果; Yueyang 四(三):
将考核中发现的问题及时向被考核对象反馈…被考核对象要制定整改方案,限时整改到位.

The sheet is written by the 通报's Word writer (`pipelines/notice/docx_writer.write_docx`, GB/T
9704 layout) from the warehouse: the unit's total, rank within its type (ties stated) and grade;
the indicators where it lost points, most lost first (附件1: 指标编号, 指标名称, 分值, 得分, 失分,
考核要点, 说明, 考核单位); its 加减分 with their reasons; and an empty 整改 table (附件2: 问题,
整改措施, 责任人, 完成时限). Beside it an XLSX 整改台账 in the `rectification` import template,
prefilled with the unit's lost indicators, for the unit to fill in and load back.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.cycle.statuses import RECTIFICATION_STATUSES
from pipelines.inputs.kinds.rectification import KIND as LEDGER  # not the registry: see there
from pipelines.notice.annex import Annex
from pipelines.notice.formats import number, points
from pipelines.notice.render import BODY, HEADING1, PLAIN, TITLE, Block, settings

LOST_COLUMNS = ["指标编号", "指标名称", "分值", "得分", "失分", "考核要点", "说明", "考核单位"]
RECTIFY_COLUMNS = ["问题", "整改措施", "责任人", "完成时限"]
CRITERIA_CHARS = 120  # a long 考核要点 is cut in the table (the scheme holds it whole)


class FeedbackError(ValueError):
    """An option that names nothing: a scheme of another year, an unknown unit."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class UnitFeedback:
    """One unit's 反馈单: the facts, ready to write."""

    scheme: str
    year: int
    unit: str
    unit_type: str
    total: float
    rank: int | None  # None: a unit scored but not ranked (不排名)
    tied: bool
    type_units: int
    grade: str | None
    bonus: float
    penalty: float
    lost: pl.DataFrame        # code, name, max_points, score, lost, criteria, note, body
    adjustments: pl.DataFrame  # kind, clause, level, reason, points
    sample: bool

    def result_sentence(self) -> str:
        """你单位总分 96.5 分,在县市区 9 个单位中(并列)排第 2 名,等次为优秀。"""
        grade = f",等次为{self.grade}" if self.grade else ""
        if self.rank is None:  # 不排名: scored and published, never placed
            return (f"你单位{self.year}年度考核总分{points(self.total)}分,照常计分,"
                    f"不参与排名{grade}。")
        place = f"{'并列' if self.tied else ''}第{self.rank}名"
        return (f"你单位{self.year}年度考核总分{points(self.total)}分,在{self.unit_type}"
                f"{self.type_units}个单位中{place}{grade}。")

    def lost_sentence(self) -> str:
        if self.lost.is_empty():
            return "你单位在各项指标上均未失分。"
        first = self.lost.row(0, named=True)
        return (f"你单位共有{self.lost.height}项指标失分,合计失分{number(self.lost['lost'].sum())}"
                f"分;失分最多的是指标{first['code']}「{first['name']}」,失{number(first['lost'])}"
                "分。各项失分情况见附件1。")

    def lost_rows(self) -> list[list[str]]:
        """The 附件1 table, most points lost first."""
        return [[r["code"], r["name"], number(r["max_points"]), number(r["score"]),
                 number(r["lost"]), _cut(r["criteria"] or ""), r["note"] or "", r["body"] or ""]
                for r in self.lost.iter_rows(named=True)]

    def adjustment_lines(self) -> list[str]:
        """One sentence per 加分/减分 row, then the totals counted (after the scheme's caps)."""
        lines = []
        for r in self.adjustments.iter_rows(named=True):
            level = f"({r['level']})" if r["level"] else ""
            lines.append(f"{r['kind']}{number(r['points'])}分{level}:{r['reason']}。")
        if lines:
            lines.append(f"计入总分的加分{number(self.bonus)}分、减分{number(self.penalty)}分"
                         "(按方案封顶后)。")
        return lines or ["你单位本年度无加减分。"]


def gather(db: Path, scheme_id: str, year: int, unit: str | None = None,
           units: list[str] | None = None) -> list[UnitFeedback]:
    """The facts of each unit's sheet (one unit, the units of a scope, or every unit)."""
    from warehouse import cycle_queries as q
    from warehouse.queries import scheme_years

    # The scheme's year from the warehouse's table (not the scheme models: validating every
    # stored definition cost a tenth of a second of each command).
    years = {s.id: s.year for s in scheme_years(db)}
    if scheme_id not in years:
        raise FeedbackError(f"未知的方案「{scheme_id}」", f"unknown scheme '{scheme_id}'")
    if years[scheme_id] != year:
        raise FeedbackError(f"方案「{scheme_id}」的年度为 {years[scheme_id]},不是 {year}",
                            f"the scheme's year is {years[scheme_id]}, not {year}")
    wanted = [unit] if unit is not None else units
    results = q.unit_results(db, scheme_id, year, None)  # ranks need the whole type
    if wanted is not None:
        results = results.filter(pl.col("unit").is_in(wanted))
    if unit is not None and results.is_empty():
        raise FeedbackError(f"方案「{scheme_id}」{year}年没有单位「{unit}」的考核结果",
                            f"no result for unit '{unit}' in {scheme_id} {year}")
    names = results["unit"].to_list()
    lost = q.lost_points(db, scheme_id, year, names).partition_by("unit", as_dict=True)
    adjust = q.adjustments(db, scheme_id, year, names).partition_by("unit", as_dict=True)
    empty_lost = pl.DataFrame(schema=q.lost_points(db, scheme_id, year, []).schema)
    empty_adj = pl.DataFrame(schema=q.adjustments(db, scheme_id, year, []).schema)
    out = []
    for r in results.iter_rows(named=True):
        out.append(UnitFeedback(
            scheme_id, year, r["unit"], r["unit_type"], r["total"], r["rank"],
            r["sharing_rank"] > 1, r["type_units"], r["grade"], r["bonus"], r["penalty"],
            lost.get((r["unit"],), empty_lost), adjust.get((r["unit"],), empty_adj),
            bool(r["sample"])))
    return out


def blocks(fb: UnitFeedback, office: dict[str, str], scheme_name: str, documents: str,
           evaluation: str) -> list[Block]:
    """The sheet's paragraphs: title, 主送 (the unit), the results, lost points, 加减分, 整改.
    `evaluation` is the evaluation's name as the 通报's title gives it
    (pipelines.notice.naming.evaluation: 政务公开政务服务工作考评 for Yueyang's scheme)."""
    out = [Block(TITLE, office["office"]),
           Block(TITLE, f"{fb.year}年度{evaluation}结果反馈单")]
    if fb.sample:
        out.append(Block(TITLE, "（示例数据）"))
    docs = f"（{documents}）" if documents else ""
    out += [
        Block(PLAIN, f"{fb.unit}："),
        Block(BODY, f"根据《{scheme_name}》{docs},现将你单位{fb.year}年度{evaluation}"
                    "结果反馈如下。"),
        Block(HEADING1, "一、考核结果"),
        Block(BODY, fb.result_sentence()),
        Block(HEADING1, "二、失分情况"),
        Block(BODY, fb.lost_sentence()),
        Block(HEADING1, "三、加减分情况"),
        *(Block(BODY, line) for line in fb.adjustment_lines()),
        Block(HEADING1, "四、整改要求"),
        Block(BODY, "请对照失分指标查找问题、制定整改方案,限时整改到位,填写整改表(附件2)及"
                    "随本反馈单下发的整改台账(XLSX),报送考核办公室。"),
    ]
    return out


def annexes(fb: UnitFeedback) -> list[Annex]:
    """附件1 the lost indicators; 附件2 the empty 整改 table (a row per lost indicator, 3 to 10)."""
    blank_rows = max(3, min(fb.lost.height, 10))
    return [Annex(f"{fb.unit}失分指标明细", LOST_COLUMNS,
                  fb.lost_rows() or [["—", "无失分指标", "", "", "", "", "", ""]]),
            Annex(f"{fb.unit}整改表", RECTIFY_COLUMNS, [[""] * 4 for _ in range(blank_rows)])]


def docx_bytes(fb: UnitFeedback, office: dict[str, str], scheme_name: str, documents: str,
               day: date, evaluation: str) -> bytes:
    """One unit's 反馈单 as .docx bytes, laid out by the 通报's GB/T 9704 writer.

    The writer lays out everything, the 附件 tables included, from header-only tables; their
    rows are added here with the writer's cell style set by its id: python-docx's style setter
    searches every style for each cell (about 2 s a sheet on a busy machine, against the 1 s
    aimed at for all the sample's sheets)."""
    from pipelines.notice.docx_writer import Letterhead, write_docx

    head = Letterhead(office["signature"], day, f"{fb.unit}{fb.year}年度考核结果反馈单",
                      fb.sample, keywords=f"反馈单; {evaluation}")
    tables = annexes(fb)
    shells = [Annex(a.title, a.columns, []) for a in tables]
    return write_docx(blocks(fb, office, scheme_name, documents, evaluation), shells, head,
                      finish=lambda doc: _fill(doc, tables))


def _fill(doc, tables: list[Annex]) -> None:
    """Each annex table's rows added to the writer's document before it is saved (not read
    back from its bytes and saved again: a second parse and write of every sheet), its columns
    sized by their text as the writer sizes them (`docx_writer._width`, scaled to the 156 mm
    type area)."""
    from docx.shared import Mm

    from pipelines.notice.docx_writer import _width

    style_id = doc.styles["表格文字"].style_id
    for table, annex in zip(doc.tables, tables, strict=True):
        need = [max([_width(name), *(_width(row[i]) for row in annex.rows)]) + 1.2
                for i, name in enumerate(annex.columns)]
        widths = [Mm(156.0 * n / sum(need)) for n in need]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for cell, width in zip(table.rows[0].cells, widths, strict=True):
            cell.width = width
        for row in annex.rows:
            cells = table.add_row().cells
            for cell, value, width in zip(cells, row, widths, strict=True):
                cell.width = width
                paragraph = cell.paragraphs[0]
                paragraph._p.style = style_id
                if value:
                    paragraph.add_run(value)


def ledger_bytes(fb: UnitFeedback) -> bytes:
    """The unit's 整改台账 to fill: the `rectification` template's columns, one row per lost
    indicator with 问题 prefilled (editable) and 状态 未整改; 状态 a drop-down list."""
    import xlsxwriter

    columns = LEDGER.columns
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    try:
        ws = wb.add_worksheet(LEDGER.zh)
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        day = wb.add_format({"num_format": "yyyy-mm-dd"})
        for j, col in enumerate(columns):
            ws.write_string(0, j, col.zh, head)
            ws.set_column(j, j, 30 if col.name in ("issue", "measure", "note") else 14,
                          day if col.name == "due" else None)
        rows = fb.lost.iter_rows(named=True)
        n = 0
        for n, r in enumerate(rows, start=1):
            values = {"scheme": fb.scheme, "year": str(fb.year), "unit": fb.unit,
                      "indicator": r["code"],
                      "issue": f"指标{r['code']}「{r['name']}」失{number(r['lost'])}分",
                      "status": RECTIFICATION_STATUSES[0]}
            for j, col in enumerate(columns):
                if col.name in values:  # text cells: never read as a formula
                    ws.write_string(n, j, values[col.name])
        status = next(j for j, c in enumerate(columns) if c.name == "status")
        ws.data_validation(1, status, max(n, 1) + 50, status,
                           {"validate": "list", "source": list(RECTIFICATION_STATUSES)})
        ws.freeze_panes(1, 0)
        if fb.sample:
            ws.write_string(max(n, 1) + 2, 0, "示例数据:演示用样本数据,非真实考核结果")
    finally:
        wb.close()
    return buffer.getvalue()


def safe_name(unit: str) -> str:
    """A unit's name as a file name: path separators and control characters replaced."""
    return "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in unit).strip(
        ". ") or "unit"


@dataclass(frozen=True)
class Written:
    paths: list[Path]
    units: list[str]


def write_feedback(db: Path, scheme_id: str, year: int, out: Path, unit: str | None = None,
                   units: list[str] | None = None, day: date | None = None,
                   record: bool = True) -> Written:
    """`egov feedback`: one unit → OUT (.docx) and OUT's stem + 「_整改台账.xlsx」 beside it;
    every unit (or a scope's units) → OUT (.zip) holding each unit's .docx and .xlsx. The first
    issue of each unit's sheet is recorded (`feedback_issued`) when `record`."""
    from warehouse import cycle_queries as q
    from warehouse.reader import held

    with held(db):  # the reads attach the file once (the record below is written apart)
        sheets = gather(db, scheme_id, year, unit, units)
        header = q.scheme_header(db, scheme_id)
    if not sheets:
        raise FeedbackError(f"方案「{scheme_id}」{year}年没有考核结果", f"no results for "
                            f"{scheme_id} {year}")
    from pipelines.notice.naming import evaluation

    office = settings(scheme_id)
    day = day or date.today()
    named = evaluation(header["name"], header["jurisdiction"])
    out.parent.mkdir(parents=True, exist_ok=True)
    if unit is not None:
        fb = sheets[0]
        docx = docx_bytes(fb, office, header["name"], header["documents"], day, named)
        ledger = out.with_name(f"{out.stem}_整改台账.xlsx")
        _atomic_write(out, docx)
        _atomic_write(ledger, ledger_bytes(fb))
        paths = [out, ledger]
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for fb in sheets:
                name = safe_name(fb.unit)
                zf.writestr(f"{name}_反馈单.docx",
                            docx_bytes(fb, office, header["name"], header["documents"], day, named))
                zf.writestr(f"{name}_整改台账.xlsx", ledger_bytes(fb))
        _atomic_write(out, buffer.getvalue())
        paths = [out]
    names = [fb.unit for fb in sheets]
    if record:
        record_issued(db, scheme_id, year, names)
    return Written(paths, names)


def record_issued(db: Path, scheme_id: str, year: int, units: list[str]) -> None:
    """Record the first issue of these units' sheets (the 整改 page counts 30 days from it)."""
    from warehouse import cycle_queries as q

    done = set(q.feedback_issued(db, scheme_id, year)["unit"].to_list())
    fresh = [u for u in units if u not in done]
    if not fresh:
        return
    # the machinery of a write (the delta copy, the load's checks) only when there is one
    from pipelines.access.lock import writer_lock
    from pipelines.cycle import records

    with writer_lock(db):
        def write(con) -> None:
            con.execute("DELETE FROM feedback_issued WHERE scheme = ? AND year = ? AND "
                        "list_contains(?, unit)", [scheme_id, year, fresh])
            now = records.database.now()
            records.insert(con, "feedback_issued", [
                {"scheme": scheme_id, "year": year, "unit": u, "issued_at": now,
                 "issued_by": records.current_user()} for u in fresh])

        records.write_records(db, write)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CRITERIA_CHARS else text[:CRITERIA_CHARS - 1] + "…"
