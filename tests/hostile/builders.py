"""Hand-made workbooks for hostile-input tests: the zip parts of an .xlsx written directly, so a
test can place a cell where no spreadsheet program would, lie in the zip directory, or pack
gigabytes of XML into a few kilobytes. Everything is built in a temporary folder when a test
asks for it; nothing large is committed."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{overrides}</Types>"
)
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}">'

CONTENT_HEADERS = ["方案", "月份", "单位", "项目", "条数", "市级录用", "省级录用"]


def column_letters(n: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_xml(ref: str | None, value: object) -> str:
    """One cell: numbers as numbers, text as an inline string; `ref` None leaves out r=."""
    r = f' r="{ref}"' if ref else ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"<c{r}><v>{value}</v></c>"
    return f'<c{r} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def rows_xml(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """<row> elements for a grid starting at A1 (None leaves a cell out)."""
    for i, row in enumerate(rows, start=1):
        cells = "".join(cell_xml(f"{column_letters(j)}{i}", v)
                        for j, v in enumerate(row, start=1) if v is not None)
        yield f'<row r="{i}">{cells}</row>'


def sheet_xml(body: str | Iterable[str], dimension: str | None = None) -> Iterator[str]:
    """A worksheet's XML in pieces (so a bomb can be streamed into the zip)."""
    yield SHEET_HEAD
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    if isinstance(body, str):
        yield body
    else:
        yield from body
    yield "</sheetData></worksheet>"


def write_xlsx(path: Path, sheets: dict[str, Iterable[str]], *,
               hidden: tuple[str, ...] = (), extra: dict[str, bytes] | None = None,
               compresslevel: int = 6) -> Path:
    """A workbook from worksheet XML pieces, one entry per sheet, written chunk by chunk."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
        for i in range(1, len(sheets) + 1))
    book = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>']
    rels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    for i, name in enumerate(sheets, start=1):
        state = ' state="hidden"' if name in hidden else ""
        book.append(f'<sheet name="{escape(name)}" sheetId="{i}"{state} r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" '
                    f'Target="worksheets/sheet{i}.xml"/>')
    book.append("</sheets></workbook>")
    rels.append("</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(overrides=overrides))
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", "".join(book))
        z.writestr("xl/_rels/workbook.xml.rels", "".join(rels))
        for i, pieces in enumerate(sheets.values(), start=1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out:
                buffer = []
                size = 0
                for piece in pieces:
                    buffer.append(piece)
                    size += len(piece)
                    if size > 1 << 20:
                        out.write("".join(buffer).encode("utf-8"))
                        buffer, size = [], 0
                out.write("".join(buffer).encode("utf-8"))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def grid_xlsx(path: Path, rows: list[list[object]], **kw) -> Path:
    """A one-sheet workbook named 内容保障月报 holding this grid from A1."""
    return write_xlsx(path, {"内容保障月报": sheet_xml(rows_xml(rows))}, **kw)


def repeated(piece: str, times: int, per_chunk: int = 10_000) -> Iterator[str]:
    """`piece` repeated `times` times, in chunks (a bomb's body, never held whole)."""
    chunk = piece * per_chunk
    full, rest = divmod(times, per_chunk)
    for _ in range(full):
        yield chunk
    yield piece * rest
