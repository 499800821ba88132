"""An input file checked against the limits before it is parsed (`limits.py` holds them).

`check_input_file` is the one call the readers make before a file is parsed: it looks only at the
file's size and, for a workbook, at its zip directory and streams each worksheet's XML through a
few byte counts (no XML tree is built), so it costs a fraction of the parse it protects.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from pipelines.inputs.limits import MB, Limits, current, setting
from pipelines.inputs.problems import Problem

ZIP_RATIO_FLOOR = 10 * MB  # small files may compress very well (an empty styles.xml): no ratio
MAX_ZIP_ENTRIES = 10_000


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB"


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def check_input_file(path: Path, file: str,
                     skipped_sheet: Callable[[str], bool] = lambda name: False) -> list[Problem]:
    """Problems that refuse this input file before it is parsed (none: go ahead and read it).

    Every file: its size. A CSV: its rows and cells (separators counted in its bytes). A
    workbook (a zip): the number of entries, their unzipped total and ratio, and per worksheet
    the rows, columns and cells its XML addresses; a hidden sheet that holds values (unless
    `skipped_sheet(name)`: the template's own helper sheets) is refused, since the reader would
    skip data the clerk cannot see.
    """
    limits = current()
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        return [_file_problem(
            file, _mb(size),
            f"文件过大:{_mb(size)},上限为 {limits.max_file_mb} MB {setting('max_file_mb')}",
            f"the file is too large: {_mb(size)}, over the limit of {limits.max_file_mb} MB "
            f"{setting('max_file_mb')}")]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _check_csv(path, file, limits)
    if zipfile.is_zipfile(path):
        return _check_zip(path, file, limits, skipped_sheet)
    return []  # not a zip: the Excel reader reports what it is


def _file_problem(file: str, value: str | None, zh: str, en: str,
                  sheet: str | None = None) -> Problem:
    return Problem(file, sheet, None, None, value, zh, en)


def _check_csv(path: Path, file: str, limits: Limits) -> list[Problem]:
    rows = cells = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(4 * MB), b""):
            newlines = block.count(b"\n")
            rows += newlines
            cells += newlines + block.count(b",")
    rows += 1  # the last line may lack its newline
    problems = []
    if rows > limits.max_rows:
        problems.append(_file_problem(
            file, f"{rows:,}",
            f"行数过多:约 {rows:,} 行,上限为 {limits.max_rows:,} 行 {setting('max_rows')};"
            "请分成几个文件导入",
            f"too many rows: about {rows:,}, over the limit of {limits.max_rows:,} "
            f"{setting('max_rows')}; split the file"))
    elif cells > limits.max_cells:
        problems.append(_file_problem(
            file, f"{cells:,}",
            f"单元格过多:约 {cells:,} 个,上限为 {limits.max_cells:,} 个 {setting('max_cells')}",
            f"too many cells: about {cells:,}, over the limit of {limits.max_cells:,} "
            f"{setting('max_cells')}"))
    return problems


# ---------------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------------

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHUNK = 4 * MB
_ROW_REF = re.compile(rb'<row\b[^>]*?\sr="([0-9]+)"')
# A cell address worth a closer look: two or more column letters, or a row of 7+ digits.
_WIDE_REF = re.compile(rb' r="((?:[A-Z]{2,}|[A-Z]*[0-9]{7,})[A-Z0-9]*)"')
_ANY_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]+)([0-9]+)"')
_DIMENSION = re.compile(rb'<dimension\b[^>]*?\sref="([^"]*)"')
_VALUE = re.compile(rb"<(?:v|is)[\s>]")
_REF = re.compile(r"^\$?([A-Za-z]{1,7})\$?([0-9]{1,12})$")


@dataclass
class _SheetStats:
    cells: int = 0
    rows: int = 0
    addressed: int = 0  # elements carrying an r="..." address
    max_row: int = 0
    wide_col: int = 0  # the widest column seen among the addresses worth a closer look
    has_value: bool = False
    dimension: str | None = None


def column_number(letters: str) -> int:
    """A = 1, Z = 26, AA = 27, XFD = 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _ref(text: str) -> tuple[int, int] | None:
    m = _REF.match(text.strip())
    return (int(m.group(2)), column_number(m.group(1))) if m else None


def _check_zip(path: Path, file: str, limits: Limits,
               skipped_sheet: Callable[[str], bool]) -> list[Problem]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                return [_file_problem(
                    file, f"{len(infos):,}",
                    f"工作簿内部文件过多({len(infos):,} 个,上限 {MAX_ZIP_ENTRIES:,}),"
                    "不是正常的工作簿",
                    f"the workbook holds {len(infos):,} parts (limit {MAX_ZIP_ENTRIES:,}): not "
                    "an ordinary workbook")]
            declared = sum(i.file_size for i in infos)
            zipped = sum(i.compress_size for i in infos)
            problem = _unzipped_problem(file, declared, zipped, limits)
            if problem:
                return [problem]
            names = _sheet_names(archive)
            problems: list[Problem] = []
            total = 0
            for info in infos:
                is_sheet = info.filename.startswith("xl/worksheets/") and \
                    info.filename.endswith(".xml")
                name = names.get(info.filename, (PurePosixPath(info.filename).stem, False))
                stats = _SheetStats() if is_sheet else None
                budget = limits.max_unzipped_mb * MB - total
                read = _stream(archive, info, budget, stats)
                total += read
                problem = _unzipped_problem(file, total, zipped, limits)
                if problem:
                    return [problem]
                if stats is not None:
                    sheet_name, hidden = name
                    problems += _sheet_problems(
                        file, sheet_name, stats, limits,
                        lambda info=info: _exact_width(archive, info))
                    if hidden and stats.has_value and not skipped_sheet(sheet_name):
                        problems.append(_file_problem(
                            file, None,
                            "隐藏的工作表中有数据:导入时不会读取隐藏的工作表;请取消隐藏并核对后"
                            "重新导入,或删除该工作表",
                            "a hidden sheet holds data: hidden sheets are not read; unhide and "
                            "check it, then load again, or delete the sheet",
                            sheet=sheet_name))
            return problems
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError,
            RuntimeError, ValueError, OSError) as err:  # RuntimeError: an encrypted part
        return [_file_problem(
            file, None, f"工作簿已损坏或加密,无法解压: {err}",
            f"the workbook is damaged or encrypted and cannot be unzipped: {err}")]


def _unzipped_problem(file: str, unzipped: int, zipped: int, limits: Limits) -> Problem | None:
    if unzipped > limits.max_unzipped_mb * MB:
        return _file_problem(
            file, _mb(unzipped),
            f"工作簿解压后过大:超过 {limits.max_unzipped_mb} MB {setting('max_unzipped_mb')}",
            f"the workbook unzips to more than {limits.max_unzipped_mb} MB "
            f"{setting('max_unzipped_mb')}")
    if unzipped > ZIP_RATIO_FLOOR and unzipped > limits.max_zip_ratio * max(zipped, 1):
        ratio = unzipped // max(zipped, 1)
        return _file_problem(
            file, f"{ratio}:1",
            f"工作簿压缩比异常(解压后为压缩时的 {ratio} 倍,上限 {limits.max_zip_ratio} 倍"
            f" {setting('max_zip_ratio')}),疑为压缩炸弹",
            f"the workbook unzips to {ratio} times its size (limit {limits.max_zip_ratio} "
            f"{setting('max_zip_ratio')}): a zip bomb?")
    return None


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int,
            stats: _SheetStats | None) -> int:
    """Unzip one entry in chunks, counting its real size (the directory may lie) and stopping
    one chunk past `budget`; for a worksheet, count what `_SheetStats` holds."""
    read = 0
    carry = b""
    with archive.open(info) as handle:
        while True:
            block = handle.read(_CHUNK)
            if not block:
                break
            read += len(block)
            if stats is not None:
                data = carry + block
                cut = data.rfind(b">") + 1  # whole tags only; the rest waits for the next chunk
                carry, data = data[cut:], data[:cut]
                if len(carry) > _CHUNK:  # no tag end in 4 MB: count it as it is
                    data, carry = data + carry, b""
                _count(data, stats)
            if read > budget:
                break
    if stats is not None and carry:
        _count(carry, stats)
    return read


def _count(data: bytes, stats: _SheetStats) -> None:
    stats.cells += data.count(b"<c ") + data.count(b"<c>")
    stats.rows += data.count(b"<row ") + data.count(b"<row>")
    stats.addressed += data.count(b' r="')
    rows = _ROW_REF.findall(data)
    if rows:
        stats.max_row = max(stats.max_row, max(int(r) for r in rows))
    for ref in _WIDE_REF.findall(data):
        row, col = _ref(ref.decode("ascii")) or (0, 0)
        stats.max_row = max(stats.max_row, row)
        stats.wide_col = max(stats.wide_col, col)
    if not stats.has_value and _VALUE.search(data):
        stats.has_value = True
    if stats.dimension is None:
        m = _DIMENSION.search(data)
        if m:
            stats.dimension = m.group(1).decode("ascii", "replace")


def _sheet_problems(file: str, sheet: str, stats: _SheetStats, limits: Limits,
                    exact_width: Callable[[], int]) -> list[Problem]:
    """Rows, columns and cells of one worksheet against the limits (`exact_width` reads the
    sheet again for its widest column, only when the quick bound is over the limit)."""
    rows = max(stats.max_row, stats.rows)
    if stats.addressed < stats.cells + stats.rows:
        # Cells without an address are placed one after another: a row may run as wide as the
        # sheet's cell count.
        cols = max(stats.wide_col, min(stats.cells, 16_384), 26 if stats.cells else 0)
    else:
        cols = stats.wide_col or (26 if stats.cells else 0)
    declared = _dimension_size(stats.dimension)
    if declared:
        rows, cols = max(rows, declared[0]), max(cols, declared[1]) if declared[1] > 26 else cols
    problems = []

    def refuse(value: str, zh: str, en: str) -> None:
        problems.append(_file_problem(file, value, zh, en, sheet=sheet))

    if rows > limits.max_rows:
        refuse(f"{rows:,}",
               f"行数过多:使用到第 {rows:,} 行,上限为 {limits.max_rows:,} 行 "
               f"{setting('max_rows')}",
               f"too many rows: the sheet reaches row {rows:,}, over the limit of "
               f"{limits.max_rows:,} {setting('max_rows')}")
    if limits.max_columns < 26 and stats.cells and not stats.wide_col:
        stats.wide_col = exact_width()  # single-letter columns are only counted when they matter
    if stats.wide_col > limits.max_columns or (declared and declared[1] > limits.max_columns):
        wide = max(stats.wide_col, declared[1] if declared else 0)
        refuse(_column_letters(wide),
               f"列数过多:使用到第 {wide:,} 列({_column_letters(wide)}),上限为 "
               f"{limits.max_columns} 列 {setting('max_columns')}",
               f"too many columns: the sheet reaches column {_column_letters(wide)} ({wide:,}), "
               f"over the limit of {limits.max_columns} {setting('max_columns')}")
    if problems:
        return problems
    if rows * cols > limits.max_cells or stats.cells > limits.max_cells:
        # The quick bound says too many: count the real width before refusing.
        if stats.addressed >= stats.cells + stats.rows and rows * cols > limits.max_cells:
            cols = stats.wide_col or exact_width()
        area = max(rows * cols, stats.cells)
        if area > limits.max_cells:
            refuse(f"{area:,}",
                   f"单元格过多:使用区域约 {area:,} 个单元格,上限为 {limits.max_cells:,} 个 "
                   f"{setting('max_cells')}",
                   f"too many cells: the used range spans about {area:,} cells, over the limit of "
                   f"{limits.max_cells:,} {setting('max_cells')}")
    return problems


def _exact_width(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The widest column any cell of this worksheet addresses (a second, full pass)."""
    widest = 0
    carry = b""
    with archive.open(info) as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            data = carry + block
            cut = data.rfind(b">") + 1
            carry, data = data[cut:], data[:cut]
            letters = {m for m, _ in _ANY_REF.findall(data)}
            if letters:
                widest = max(widest, max(column_number(x.decode()) for x in letters))
    return widest


def _dimension_size(ref: str | None) -> tuple[int, int] | None:
    """(rows, columns) a <dimension ref="A1:G300"> declares, or None."""
    if not ref:
        return None
    last = ref.split(":")[-1]
    return _ref(last)


def _column_letters(n: int) -> str:
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters or "?"


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, tuple[str, bool]]:
    """Worksheet part name -> (sheet name, hidden) from xl/workbook.xml and its relationships."""
    try:
        book = ElementTree.fromstring(_small(archive, "xl/workbook.xml"))
        rels = ElementTree.fromstring(_small(archive, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, ValueError):
        return {}
    targets = {}
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id")] = str(PurePosixPath(part))
    out = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_NS_REL}id"))
        if part:
            out[part] = (sheet.get("name", part), sheet.get("state", "visible") != "visible")
    return out


def _small(archive: zipfile.ZipFile, name: str, limit: int = 8 * MB) -> bytes:
    """An entry expected to be small (workbook.xml, its relationships): refused past `limit`."""
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{name} is larger than {limit} bytes")
    return data
