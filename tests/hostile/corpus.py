"""The hostile-input corpus: each case builds its file(s) in a temporary folder and names the
command, the exit code and a phrase the report must hold.

Files are made when a case runs (bombs are streamed into the zip, never held whole), so nothing
large is committed. Cases that need a large file to cross a limit lower the limit through its
EGOV_MAX_* variable instead, which exercises the same check at a size a test can afford.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile.builders import (
    CONTENT_HEADERS,
    grid_xlsx,
    repeated,
    rows_xml,
    sheet_xml,
    write_xlsx,
)

ROW = ["jintan-2013", "2013-01", "儒林镇", 1, 3, 0, 0]
HIDDEN_ROW = ["jintan-2013", "2013-02", "儒林镇", 1, 9, 0, 0]
UNITS_HEADERS = ["方案", "单位", "单位类型", "别名"]
# The units every corpus warehouse holds before a case runs.
BASE_UNITS = [
    ["jintan-2013", "儒林镇", "区镇", ""],
    ["jintan-2013", "金坛市档案局", "政府部门", "档案局"],
    ["jintan-2013", "金坛市教育局", "政府部门", "教育局"],
]
SCHEME = Path(__file__).resolve().parents[2] / "schemes" / "yueyang-2017.yaml"


@dataclass(frozen=True)
class Case:
    """One hostile input: `build(folder)` writes it and returns the command's arguments after
    `egov` (with {db} standing for the warehouse); the run must exit `code` with `phrase` in its
    output (stderr, or stdout on success); `env` lowers a limit for the case."""

    name: str
    build: Callable[[Path], list[str]]
    code: int
    phrase: str | None
    env: dict[str, str] = field(default_factory=dict)
    defect: str = ""  # the issue 11 defect it pins, where it pins one


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


def _ingest(name: str, data: bytes | Callable[[Path], Path]) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        if callable(data):
            path = data(folder / name)
        else:
            path = folder / name
            path.write_bytes(data)
        return ["ingest", "--db", "{db}", str(path)]
    return build


def _scheme(name: str, text: str | bytes | Callable[[Path], Path], command: str = "check"
            ) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        path = folder / name
        if callable(text):
            text(path)
        elif isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        if command == "check":
            return ["scheme", "check", str(path)]
        return ["scheme", "add", "--db", "{db}", str(path)]
    return build


def content_csv(*rows: list[object]) -> bytes:
    return csv_bytes([CONTENT_HEADERS, *rows])


def scheme_with(old: str, new: str, *, count: int = 1) -> str:
    """The Yueyang scheme file with one piece of text replaced (it must occur)."""
    text = SCHEME.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, count)


# ---------------------------------------------------------------- workbooks ------------------

def _xfd(path: Path) -> Path:
    body = rows_xml([CONTENT_HEADERS, ROW])
    return write_xlsx(path, {"内容保障月报": sheet_xml(
        [*body, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])})


def _dimension(path: Path) -> Path:
    return write_xlsx(path, {"内容保障月报": sheet_xml(rows_xml([CONTENT_HEADERS, ROW]),
                                                   dimension="A1:XFD1048576")})


def _far_row(path: Path) -> Path:
    return write_xlsx(path, {"内容保障月报": sheet_xml(
        [*rows_xml([CONTENT_HEADERS, ROW]), '<row r="999999"><c r="Z999999"><v>1</v></c></row>'])})


def _unaddressed(path: Path) -> Path:
    return write_xlsx(path, {"内容保障月报": sheet_xml(
        ["<row>", *repeated("<c><v>1</v></c>", 20_000), "</row>",
         '<row r="1000000"><c><v>1</v></c></row>'])})


def _row_number_past_excel(path: Path) -> Path:
    return write_xlsx(path, {"内容保障月报": sheet_xml(
        [*rows_xml([CONTENT_HEADERS]), '<row r="99999999"><c r="A99999999"><v>1</v></c></row>'])})


def _bomb(megabytes: int) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        cell = '<c r="A2"><v>1</v></c>'
        times = megabytes * 1024 * 1024 // len(cell)
        return write_xlsx(path, {"内容保障月报": sheet_xml(
            [*rows_xml([CONTENT_HEADERS]), '<row r="2">', *repeated(cell, times), "</row>"])})
    return build


def _shared_strings_bomb(path: Path) -> Path:
    strings = "<si><t>" + "x" * 1000 + "</t></si>"
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + strings * 15_000 + "</sst>").encode()
    return grid_xlsx(path, [CONTENT_HEADERS, ROW], extra={"xl/sharedStrings.xml": sst})


def _many_entries(path: Path) -> Path:
    grid_xlsx(path, [CONTENT_HEADERS, ROW])
    with zipfile.ZipFile(path, "a") as z:
        for i in range(10_001):
            z.writestr(f"customXml/item{i}.xml", "")
    return path


def _hidden(state: str, name: str = "隐藏数据") -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        write_xlsx(path, {"内容保障月报": sheet_xml(rows_xml([CONTENT_HEADERS, ROW])),
                          name: sheet_xml(rows_xml([CONTENT_HEADERS, HIDDEN_ROW]))},
                   hidden=(name,))
        if state == "veryHidden":
            data = path.read_bytes()
            with zipfile.ZipFile(path) as z:
                parts = {i.filename: z.read(i) for i in z.infolist()}
            parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
                b'state="hidden"', b'state="veryHidden"')
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                for n, d in parts.items():
                    z.writestr(n, d)
            assert data != path.read_bytes()
        return path
    return build


def _many_sheets(path: Path) -> Path:
    bad = [["jintan-2013", "2013-13", "火星镇", "x", "-1", "y", "z"]] * 10
    return write_xlsx(path, {f"表{i}": sheet_xml(rows_xml([CONTENT_HEADERS, *bad]))
                             for i in range(40)})


def _truncated(path: Path) -> Path:
    grid_xlsx(path, [CONTENT_HEADERS, *[ROW] * 200])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _doctype(entity: str) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        head = ('<?xml version="1.0"?><!DOCTYPE worksheet [' + entity + "]>"
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        body = "".join(rows_xml([CONTENT_HEADERS])) + \
            '<row r="2"><c r="A2" t="inlineStr"><is><t>&a;</t></is></c></row>'
        return write_xlsx(path, {"内容保障月报": [head, "<sheetData>", body,
                                               "</sheetData></worksheet>"]})
    return build


LAUGHS = ('<!ENTITY a0 "lol">' + "".join(
    f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)) +
    '<!ENTITY a "&a9;">')


def _broken_xml(path: Path) -> Path:
    return write_xlsx(path, {"内容保障月报": ['<worksheet><sheetData><row r="1"><c r="A1"']})


def _encrypted_entry(path: Path) -> Path:
    grid_xlsx(path, [CONTENT_HEADERS, ROW])
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag bit of every entry in the central directory.
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        data[at + 8] |= 1
        at += 4
    path.write_bytes(bytes(data))
    return path


def _cells(*cells: object) -> bytes:
    return content_csv(["jintan-2013", "2013-01", *cells])


# ---------------------------------------------------------------- YAML -----------------------

def _laughs(levels: int, width: int) -> str:
    """The Yueyang scheme with one more 一级指标 per level, each holding `width` copies of the
    level before: a few hundred bytes that expand to width ** (levels - 1) indicators."""
    nodes = ["&n0 {name: x, children: [{code: z, max_points: 1}]}"] + [
        f"&n{i} {{name: x, children: [" + ", ".join([f"*n{i - 1}"] * width) + "]}"
        for i in range(1, levels)]
    return scheme_with("  categories:\n",
                       "  categories:\n" + "".join(f"  - {n}\n" for n in nodes))


def _flat_laughs(levels: int, width: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _huge_yaml(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("id: x\nname: y\nnotes:\n")
        line = "  - " + "x" * 100 + "\n"
        out.write(line * 60_000)
    return path


def _workbook_scheme(path: Path) -> Path:
    return write_xlsx(path, {"指标": sheet_xml(
        ['<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
         '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])})


CASES: list[Case] = [
    # -- workbooks that cost more than they hold (defects 1, 4) --------------------------------
    Case("xfd-cell", _ingest("a.xlsx", _xfd), 1, "XFD", defect="1"),
    Case("declared-range-xfd", _ingest("a.xlsx", _dimension), 1, "列数过多"),
    Case("far-row-and-column", _ingest("a.xlsx", _far_row), 1, "单元格过多"),
    Case("cells-without-address", _ingest("a.xlsx", _unaddressed), 1, "单元格过多"),
    Case("row-past-excel", _ingest("a.xlsx", _row_number_past_excel), 1, "行数过多"),
    Case("zip-bomb-total", _ingest("a.xlsx", _bomb(30)), 1, "解压后过大",
         env={"EGOV_MAX_UNZIPPED_MB": "20"}, defect="4"),
    Case("zip-bomb-ratio", _ingest("a.xlsx", _bomb(15)), 1, "压缩比", defect="4"),
    Case("shared-strings-bomb", _ingest("a.xlsx", _shared_strings_bomb), 1, "压缩比"),
    Case("zip-entries", _ingest("a.xlsx", _many_entries), 1, "内部文件过多"),
    Case("xlsx-too-large", _ingest("a.xlsx", lambda p: grid_xlsx(
        p, [CONTENT_HEADERS, ROW], extra={"xl/media/image1.png": os.urandom(1_500_000)})), 1,
         "文件过大", env={"EGOV_MAX_FILE_MB": "1"}),
    Case("xlsx-rows-over-limit", _ingest("a.xlsx", lambda p: grid_xlsx(
        p, [CONTENT_HEADERS, *[ROW] * 60])),
         1, "行数过多", env={"EGOV_MAX_ROWS": "50"}),
    Case("xlsx-columns-over-limit", _ingest("a.xlsx", lambda p: grid_xlsx(
        p, [CONTENT_HEADERS + [f"x{i}" for i in range(10)], ROW])), 1, "列数过多",
         env={"EGOV_MAX_COLUMNS": "12"}),
    Case("csv-too-large", _ingest("a.csv", content_csv(*[ROW] * 30_000)), 1, "文件过大",
         env={"EGOV_MAX_FILE_MB": "1"}, defect="4"),
    Case("csv-rows-over-limit", _ingest("a.csv", content_csv(*[ROW] * 2_000)), 1, "行数过多",
         env={"EGOV_MAX_ROWS": "1000"}),
    Case("csv-cells-over-limit", _ingest("a.csv", b"," * 200_000 + b"\n"), 1, "单元格过多",
         env={"EGOV_MAX_CELLS": "100000"}),
    # -- damaged or disguised workbooks -------------------------------------------------------
    Case("xlsx-is-text", _ingest("a.xlsx", b"just some text"), 1, "无法作为 Excel"),
    Case("xlsx-empty", _ingest("a.xlsx", b""), 1, "无法作为 Excel"),
    Case("xlsx-truncated", _ingest("a.xlsx", _truncated), 1, "无法"),
    Case("xlsx-broken-xml", _ingest("a.xlsx", _broken_xml), 1, "无法读取此工作表"),
    Case("xlsx-encrypted-entry", _ingest("a.xlsx", _encrypted_entry), 1, "已损坏"),
    Case("xls-is-text", _ingest("a.xls", b"\xd0\xcf\x11\xe0 not really"), 1, "无法作为 Excel"),
    Case("ods-is-zip-of-nothing", _ingest("a.ods", lambda p: _zip_of(p, {"x": b"y"})), 1,
         "无法作为 Excel"),
    Case("billion-laughs-sheet", _ingest("a.xlsx", _doctype(LAUGHS)), 1, "无法读取此工作表"),
    Case("external-entity-sheet", _ingest("a.xlsx", _doctype(
        '<!ENTITY a SYSTEM "file:///etc/passwd">')), 1, "无法读取此工作表"),
    Case("unsupported-suffix", _ingest("a.txt", content_csv(ROW)), 1, "不支持的文件类型"),
    # -- hidden data, reports that would never end (defect 13) --------------------------------
    Case("hidden-sheet-with-rows", _ingest("a.xlsx", _hidden("hidden")), 1, "隐藏的工作表中有数据",
         defect="13"),
    Case("very-hidden-sheet-with-rows", _ingest("a.xlsx", _hidden("veryHidden")), 1,
         "隐藏的工作表中有数据"),
    Case("hidden-helper-sheet-is-fine", _ingest("a.xlsx", _hidden("hidden", "_lists")), 0,
         "已写入"),
    Case("many-sheets-of-errors", _ingest("a.xlsx", _many_sheets), 1, "个问题未列出",
         defect="13"),
    Case("long-value-echo", _ingest("a.csv", _cells("儒" * 100_000, 1, 1, 0, 0)), 1, "个字符",
         defect="13"),
    # -- what reaches the terminal (defect 12) ------------------------------------------------
    Case("ansi-escape-in-cell", _ingest("a.csv", _cells("\x1b[31m红\x1b[0m", 1, 1, 0, 0)), 1,
         "\\x1b[31m", defect="12"),
    Case("rtl-override-in-cell", _ingest("a.csv", _cells("局\u202e育教", 1, 1, 0, 0)), 1,
         "\\u202e"),
    Case("bell-and-backspace", _ingest("a.csv", _cells("儒林镇\x07\x08\x08", "x", 1, 0, 0)), 1,
         "\\x07"),
    Case("newline-in-value", _ingest("a.csv", _cells("火星\n镇", 1, 1, 0, 0)), 1, "\\x0a"),
    Case("zero-width-unit-matches", _ingest("a.csv", _cells("儒林\u200b镇", 1, 1, 0, 0)), 0,
         "已写入", defect="12"),
    Case("lrm-unit-matches", _ingest("a.csv", _cells("\u200e儒林镇", 1, 1, 0, 0)), 0, "已写入"),
    Case("soft-hyphen-alias-matches", _ingest("a.csv", _cells("教\u00ad育局", 1, 1, 0, 0)), 0,
         "已写入"),
    Case("rtl-override-unit-new", _ingest("a.csv", csv_bytes(
        [UNITS_HEADERS, ["jintan-2013", "\u202e儒林镇", "区镇", ""]])), 0, "替换 replaced 1"),
    # -- cells the readers must survive -------------------------------------------------------
    Case("nul-in-csv", _ingest("a.csv", _cells("儒林\x00镇", 1, 1, 0, 0)), 1, "\\x00"),
    Case("csv-undecodable", _ingest("a.csv", bytes(range(128, 256)) * 50), 1, "编码"),
    Case("csv-empty", _ingest("a.csv", b""), 1, "没有数据表"),
    Case("csv-only-bom", _ingest("a.csv", b"\xef\xbb\xbf"), 1, "没有数据表"),
    Case("csv-headers-only-garbage", _ingest("a.csv", csv_bytes([[f"h{i}" for i in range(500)]])),
         1, "无法识别表格类型"),
    Case("csv-count-3e9", _ingest("a.csv", _cells("儒林镇", 1, 3_000_000_000, 0, 0)), 1,
         "不能大于"),
    Case("csv-count-1e308", _ingest("a.csv", _cells("儒林镇", 1, "1e308", 0, 0)), 1, "不能大于"),
    Case("csv-count-1e20", _ingest("a.csv", _cells("儒林镇", 1, "1e20", 0, 0)), 1, "不能大于"),
    Case("csv-field-over-csv-limit", _ingest("a.csv", _cells("儒林镇", 1, "9" * 140_000, 0, 0)),
         1, "单元格过长"),
    Case("csv-formula-unit", _ingest("a.csv", _cells("=HYPERLINK(\"http://x\",\"y\")", 1, 1, 0,
                                                     0)), 1, "未知的单位"),
    Case("csv-duplicates", _ingest("a.csv", content_csv(*[ROW] * 100)), 1, "重复"),
    Case("excel-max-cell", _ingest("a.xlsx", lambda p: grid_xlsx(
        p, [CONTENT_HEADERS, ["jintan-2013", "2013-01", "儒" * 32_767, 1, 1, 0, 0]])), 1,
         "个字符"),
    Case("sheet-name-escape", _ingest("a.xlsx", lambda p: write_xlsx(
        p, {"表\u202e名": sheet_xml(rows_xml([CONTENT_HEADERS, ["x", "y", "z", 1, 1, 0, 0]]))})),
         1, "\\u202e"),
    # -- scheme files (defects 2, 8) ----------------------------------------------------------
    Case("yaml-laughs-indicators", _scheme("s.yaml", _laughs(9, 9)), 1, "节点", defect="2"),
    Case("yaml-laughs-small", _scheme("s.yaml", _laughs(7, 8)), 1, "节点", defect="2"),
    Case("yaml-laughs-flat", _scheme("s.yaml", _flat_laughs(10, 10)), 1, "节点"),
    Case("yaml-laughs-merge-keys", _scheme("s.yaml", "a: &a {x: 1, y: 2}\n" + "".join(
        f"b{i}: &b{i} {{<<: *{'a' if i == 0 else f'b{i - 1}'}, z{i}: [" +
        ", ".join([f"*{'a' if i == 0 else f'b{i - 1}'}"] * 10) + "]}\n" for i in range(8))),
         1, "节点"),
    Case("yaml-inf-target", _scheme("s.yaml", scheme_with("max_points: 100", "max_points: .inf")),
         1, "有限", defect="8"),
    Case("yaml-nan-grade", _scheme("s.yaml", scheme_with("min: 60", "min: .nan")), 1, "有限",
         defect="8"),
    Case("yaml-minus-inf", _scheme("s.yaml", scheme_with("min: 60", "min: -.inf")), 1, "有限"),
    Case("yaml-1e400", _scheme("s.yaml", scheme_with("min: 60", "min: 1e400")), 1, "有限"),
    Case("yaml-nan-add", _scheme("s.yaml", scheme_with("min: 60", "min: .nan"), "add"), 1,
         "有限", defect="8"),
    Case("yaml-python-tag", _scheme("s.yaml", "id: !!python/object/apply:os.system [ls]\n"), 1,
         "YAML"),
    Case("yaml-flow-nesting", _scheme("s.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n"), 1,
         "YAML"),
    Case("yaml-block-nesting", _scheme("s.yaml", "".join(
        " " * i + f"k{i}:\n" for i in range(1500)) + " " * 1500 + "v\n"), 1, "YAML 语法错误"),
    Case("yaml-too-large", _scheme("s.yaml", _huge_yaml), 1, "文件过大"),
    Case("yaml-not-utf8", _scheme("s.yaml", "id: 岳阳".encode("gb18030")), 1, "UTF-8"),
    Case("yaml-empty", _scheme("s.yaml", ""), 1, "映射"),
    Case("yaml-path-id", _scheme("s.yaml", scheme_with("id: yueyang-2017", "id: ../../etc")), 1,
         "id"),
    Case("yaml-ansi-name-ok", _scheme("s.yaml", scheme_with(
        "name: 2017年度", 'name: "\\e[31m红\\e[0m"\n# ')), 0, "\\x1b[31m"),
    Case("scheme-workbook-xfd", _scheme("s.xlsx", _workbook_scheme), 1, "列数过多"),
]


def _zip_of(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path
