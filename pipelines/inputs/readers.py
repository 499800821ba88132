"""Read the offices' workbooks and CSV files into raw sheets of text, and tell each sheet's kind.

Every cell is read as text so that validation sees what the user typed ("3.5" stays "3.5", not a
silently rounded integer). An Excel date cell arrives as "2013-01-01 00:00:00", which
`normalize.parse_month` reads as a month. Rows keep the numbers Excel shows: the header is row 1
(or the first non-empty row), blank rows are skipped but counted.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from pipelines.inputs.file_checks import check_input_file
from pipelines.inputs.kinds import KINDS, InputKind
from pipelines.inputs.normalize import clean_text, match_key
from pipelines.inputs.problems import InputRejected, Problem

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv",)
# Sheets that explain the template rather than hold data.
INSTRUCTION_SHEETS = ("说明", "填表说明")
# Tried in this order: Excel on a Chinese Windows writes GB18030 (GBK); utf-8-sig also reads
# plain UTF-8 and strips a BOM.
CSV_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")


@dataclass
class RawSheet:
    """One sheet (or one CSV file) as text, with canonical English column names.

    `frame` has one String column per header, renamed to the template's canonical name;
    `row_numbers` holds the Excel row number of each frame row (Int64); `headers` maps the
    canonical name back to the header as the user wrote it, for messages; `header_row` is the
    header's Excel row (1 unless the sheet starts with blank rows).
    """

    file: str
    sheet: str | None
    kind: str
    frame: pl.DataFrame
    row_numbers: pl.Series
    headers: dict[str, str] = field(default_factory=dict)
    header_row: int = 1

    @property
    def rows(self) -> list[int]:
        """The Excel row number of each frame row, as a list (for small sheets and tests)."""
        return self.row_numbers.to_list()

    @property
    def template(self) -> InputKind:
        """The kind this sheet was recognised as."""
        return KINDS[self.kind]

    def header(self, column: str) -> str:
        """The header as the user wrote it (or the template's Chinese header when absent)."""
        if column in self.headers:
            return self.headers[column]
        cols = {c.name: c for c in self.template.columns}
        return cols[column].zh if column in cols else column


# ---------------------------------------------------------------------------------------------
# Headers -> kind
# ---------------------------------------------------------------------------------------------


def _template_keys(template: InputKind) -> dict[str, str]:
    """match_key of every accepted header -> canonical column name."""
    return {match_key(h): c.name for h, c in template.by_header().items()}


def _expected_text() -> tuple[str, str]:
    zh = "; ".join(
        f"{t.zh}({t.kind}): " + "、".join(c.zh for c in t.required) for t in KINDS.values()
    )
    en = "; ".join(
        f"{t.kind}: " + ", ".join(c.name for c in t.required) for t in KINDS.values()
    )
    return zh, en


def match_headers(
    headers: Sequence[str | None], file: str, sheet: str | None
) -> tuple[str | None, dict[int, str], list[Problem]]:
    """Tell a sheet's kind from its headers.

    Returns the kind (None when no template fits), the canonical column name of each header
    position, and the header-level problems: no template fits, an unknown (misspelt?) header, the
    same column twice.
    """
    keys = [match_key(h) for h in headers]
    present = {k for k in keys if k}
    candidates: list[tuple[int, int, str]] = []
    closest: tuple[int, str] | None = None
    for kind, template in KINDS.items():
        accepted = _template_keys(template)
        have = {accepted[k] for k in present if k in accepted}
        n_required = sum(1 for c in template.required if c.name in have)
        if n_required == len(template.required):
            unknown = sum(1 for k in present if k not in accepted)
            # Fewest unknown headers first, then the most specific template.
            candidates.append((unknown, -len(template.required), kind))
        elif closest is None or n_required > closest[0]:
            closest = (n_required, kind)
    shown = "、".join(clean_text(h) or "(空)" for h in headers if clean_text(h)) or "(无)"
    if not candidates:
        zh_exp, en_exp = _expected_text()
        zh = f"无法识别表格类型:找到的表头为 {shown};各模板必需的表头为 {zh_exp}"
        en = f"cannot tell the template from the headers found ({shown}); expected one of {en_exp}"
        if closest and closest[0] > 0:
            t = KINDS[closest[1]]
            have_keys = present & set(_template_keys(t))
            have_cols = {_template_keys(t)[k] for k in have_keys}
            missing = [c for c in t.required if c.name not in have_cols]
            zh += f"。最接近「{t.zh}」,缺少:" + "、".join(c.zh for c in missing)
            en += f". Closest is {t.kind}, missing: " + ", ".join(
                f"{c.zh} [{c.name}]" for c in missing
            )
        return None, {}, [Problem(file, sheet, 1, None, None, zh, en)]

    kind = sorted(candidates)[0][2]
    template = KINDS[kind]
    accepted = _template_keys(template)
    names: dict[int, str] = {}
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    allowed_zh = "、".join(c.zh for c in template.columns)
    allowed_en = ", ".join(c.name for c in template.columns)
    for pos, (raw, key) in enumerate(zip(headers, keys, strict=True)):
        if not key:
            continue
        header = clean_text(raw) or ""
        name = accepted.get(key)
        if name is None:
            problems.append(
                Problem(
                    file, sheet, 1, header, header,
                    f"未知的列(拼写错误?);「{template.zh}」可用的列为:{allowed_zh}",
                    f"unknown column (misspelt?); the {kind} template accepts: {allowed_en}",
                )
            )
        elif name in seen:
            problems.append(
                Problem(
                    file, sheet, 1, header, header,
                    f"列重复:与「{seen[name]}」是同一列",
                    f"the same column twice: it repeats '{seen[name]}'",
                )
            )
        else:
            seen[name] = header
            names[pos] = name
    return kind, names, problems


def detect_kind(headers: Sequence[str | None], file: str = "", sheet: str | None = None) -> str:
    """The template kind whose required headers (Chinese or English, trimmed) are all present.

    Raises InputRejected when no template fits, or a header is unknown or repeated, with problems
    naming the file and sheet, the headers found and the templates expected.
    """
    kind, _, problems = match_headers(headers, file, sheet)
    if problems or kind is None:
        raise InputRejected(problems)
    return kind


# ---------------------------------------------------------------------------------------------
# Grids of text -> RawSheet
# ---------------------------------------------------------------------------------------------


# The longest cell Excel can hold; a longer one (only a CSV can have it) is refused, not read.
MAX_CELL_CHARS = 32_767
_CSV_FIELD_LIMIT = 1 << 30
# Cells that may be blank: null, or made only of whitespace and invisible characters. Python's
# str.strip() also strips \x1c-\x1f, hence the extra range; `clean_text` decides exactly.
_MAYBE_BLANK = r"^[\s\x1c-\x1f\u200b\u200c\u200d\u2060\ufeff]*$"


def _surely_filled(col: pl.Series) -> pl.Series:
    """Cells that cannot be blank, told by their first character alone (a comparison of bytes,
    no pattern): every character `clean_text` strips or removes (whitespace, \\x1c-\\x1f, the
    format characters) is below "!" or in U+0080..U+3FFF or from U+F000, so a cell starting with
    a printable ASCII character or one in U+4000..U+EFFF (the CJK ideographs) holds something."""
    return (col.is_between("!", "\x7f", closed="left")
            | col.is_between("\u4000", "\uf000", closed="left")).fill_null(False)


def _blank_mask(frame: pl.DataFrame) -> pl.DataFrame:
    """One Boolean column per column of `frame`: is the cell blank (clean_text gives None)?

    Only the few cells not `_surely_filled` go through the pattern and `clean_text`."""
    out = {}
    for name in frame.columns:
        col = frame.get_column(name)
        maybe = col.is_not_null() & ~_surely_filled(col)
        blank = col.is_null()
        if maybe.any():
            candidates = col.filter(maybe)
            candidates = candidates.filter(candidates.str.contains(_MAYBE_BLANK)).unique()
            blank_texts = [v for v in candidates.to_list() if clean_text(v) is None]
            if blank_texts:
                blank = blank | col.is_in(pl.Series(blank_texts, dtype=pl.String).implode())
        out[name] = blank
    return pl.DataFrame(out)


def _nonblank_rows(grid: pl.DataFrame) -> pl.Series:
    """The positions of the rows holding something. A row with a `_surely_filled` cell holds
    something; only the rows without one (blank rows, rows of spaces: few) are checked cell by
    cell, and each column is looked at only on the rows still undecided."""
    undecided = pl.int_range(grid.height, eager=True, dtype=pl.UInt32)
    for name in grid.columns:
        cells = grid.get_column(name)
        if undecided.len() < grid.height:
            cells = cells.gather(undecided)
        undecided = undecided.filter(~_surely_filled(cells))
        if undecided.len() == 0:
            return pl.int_range(grid.height, eager=True, dtype=pl.UInt32)
    blank_rows = _blank_mask(grid[undecided]).select(pl.all_horizontal(pl.all())).to_series()
    blank_at = undecided.filter(blank_rows)
    is_blank = pl.int_range(grid.height, eager=True, dtype=pl.UInt32).is_in(blank_at.implode())
    return (~is_blank).arg_true().cast(pl.UInt32)


def _sheet_from_frame(
    grid: pl.DataFrame, file: str, sheet: str | None
) -> tuple[RawSheet | None, list[Problem]]:
    """Build a RawSheet from a frame of text cells by position (frame row i is Excel row i + 1).

    Whole columns at a time: no Python object per cell. Blank rows are skipped but counted; the
    first non-blank row is the header.
    """
    if grid.width == 0 or grid.height == 0:
        return None, []
    positions = [f"c{i}" for i in range(grid.width)]
    grid = grid.rename(dict(zip(grid.columns, positions, strict=True))).with_columns(
        pl.col(c).cast(pl.String) for c in positions)
    indices = _nonblank_rows(grid)
    if indices.len() == 0:
        return None, []  # an empty sheet (Excel's default Sheet2) holds nothing to load
    header_index = int(indices[0])
    header_row = header_index + 1
    headers = list(grid.row(header_index))
    kind, names, problems = match_headers(headers, file, sheet)
    # Header problems are reported on the header's own row.
    problems = [
        Problem(p.file, p.sheet, header_row, p.column, p.value, p.problem_zh, p.problem_en)
        for p in problems
    ]
    data = indices.filter(indices > header_index)
    unheaded = [positions[pos] for pos in range(grid.width) if clean_text(headers[pos]) is None]
    data_blank = _blank_mask(grid.select(unheaded)[data]) if unheaded else None
    for pos in range(grid.width):
        if clean_text(headers[pos]) is not None:
            continue
        assert data_blank is not None
        filled = (~data_blank.get_column(positions[pos])).arg_true()
        if filled.len():
            first = int(data[int(filled[0])])
            problems.append(
                Problem(
                    file, sheet, first + 1, _column_letter(pos), grid[first, positions[pos]],
                    f"第{_column_letter(pos)}列没有表头却有数据",
                    f"column {_column_letter(pos)} has data but no header",
                )
            )
    if kind is None:
        return None, problems
    first, last = (int(data[0]), int(data[-1])) if data.len() else (0, -1)
    # No blank rows among the data (the usual case): a slice, not a gather.
    contiguous = last - first + 1 == data.len()
    rows_frame = grid.slice(first, data.len()) if contiguous else grid[data]
    frame = rows_frame.select(pl.col(positions[pos]).alias(name) for pos, name in names.items())
    rows = (data + 1).cast(pl.Int64).alias("_row")
    frame, rows, long_problems = _drop_overlong(
        frame, rows, file, sheet,
        {name: clean_text(headers[pos]) or name for pos, name in names.items()})
    raw = RawSheet(
        file=file,
        sheet=sheet,
        kind=kind,
        frame=frame,
        row_numbers=rows,
        headers={name: clean_text(headers[pos]) or name for pos, name in names.items()},
        header_row=header_row,
    )
    return raw, problems + long_problems


def _drop_overlong(
    frame: pl.DataFrame, rows: pl.Series, file: str, sheet: str | None, headers: dict[str, str]
) -> tuple[pl.DataFrame, pl.Series, list[Problem]]:
    """Cells longer than Excel allows are problems; their rows are left out of the frame."""
    if frame.height == 0:
        return frame, rows, []
    # A cell of more characters than the limit has more bytes too: count characters only then.
    long_bytes = (pl.col(c).str.len_bytes() > MAX_CELL_CHARS for c in frame.columns)
    if not frame.select(pl.any_horizontal(long_bytes).fill_null(False).any()).item():
        return frame, rows, []
    too_long = frame.select(
        (pl.col(c).str.len_chars().fill_null(0) > MAX_CELL_CHARS).alias(c) for c in frame.columns)
    any_long = too_long.select(pl.any_horizontal(pl.all())).to_series()
    if not any_long.any():
        return frame, rows, []
    problems = []
    for c in frame.columns:
        for i in too_long.get_column(c).arg_true().to_list():
            cell = frame[i, c]
            problems.append(Problem(
                file, sheet, int(rows[i]), headers[c], cell[:20] + f"…(共 {len(cell):,} 字符)",
                f"单元格过长:{len(cell):,} 个字符,超过 Excel 单元格上限 {MAX_CELL_CHARS:,}",
                f"the cell is too long: {len(cell):,} characters, above Excel's limit of "
                f"{MAX_CELL_CHARS:,}",
            ))
    return frame.filter(~any_long), rows.filter(~any_long), problems


def _sheet_from_grid(
    grid: list[list[str | None]], file: str, sheet: str | None
) -> tuple[RawSheet | None, list[Problem]]:
    """Build a RawSheet from rows of cells (row i of the grid is Excel row i + 1)."""
    width = max((len(row) for row in grid), default=0)
    columns = {f"c{pos}": [row[pos] if pos < len(row) else None for row in grid]
               for pos in range(width)}
    frame = pl.DataFrame(columns, schema={name: pl.String for name in columns})
    return _sheet_from_frame(frame, file, sheet)


def _column_letter(pos: int) -> str:
    letters = ""
    pos += 1
    while pos:
        pos, rem = divmod(pos - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _skipped_sheet(name: str) -> bool:
    trimmed = clean_text(name) or ""
    return trimmed in INSTRUCTION_SHEETS or trimmed.startswith("_")


def _read_excel(path: Path, file: str) -> tuple[list[RawSheet], list[Problem]]:
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as err:  # fastexcel raises several error types for a file it cannot open
        return [], [
            Problem(file, None, None, None, None, f"无法作为 Excel 工作簿读取: {err}",
                    f"cannot be read as an Excel workbook: {err}")
        ]
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    for name in reader.sheet_names:
        if _skipped_sheet(name):
            continue
        # header_row=None with skip_rows=0 keeps leading blank rows, so positions are Excel rows;
        # every cell as text so validation sees what was typed.
        try:
            loaded = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            if loaded.visible != "visible":
                continue
            frame = loaded.to_polars()
        except Exception as err:  # a sheet fastexcel cannot read is reported, not a crash
            problems.append(
                Problem(file, name, None, None, None, f"无法读取此工作表: {err}",
                        f"this sheet cannot be read: {err}")
            )
            continue
        raw, found = _sheet_from_frame(frame, file, name)
        problems += found
        if raw is not None:
            sheets.append(raw)
    return sheets, problems


def _decode_csv(data: bytes) -> tuple[str | None, str | None]:
    """The text and the encoding it was read in (None, None when no encoding fits)."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None, None


def _read_csv(path: Path, file: str) -> tuple[list[RawSheet], list[Problem]]:
    data = path.read_bytes()
    # UTF-8 (the usual case) goes to Polars as it is, without a Python string of the whole file:
    # Polars refuses bytes that are not UTF-8, and the file is then decoded as below.
    frame = _fast_csv(data.removeprefix(b"\xef\xbb\xbf"))
    text = None
    if frame is None:
        text, encoding = _decode_csv(data)
        if text is None:
            return [], [
                Problem(file, None, None, None, None,
                        "无法识别文件编码:请另存为 UTF-8 或 GB18030(GBK)编码的 CSV",
                        "unknown text encoding: save the CSV as UTF-8 or GB18030 (GBK)")
            ]
        text = text.removeprefix("\ufeff")
        if encoding == "gb18030":
            frame = _fast_csv(text.encode("utf-8"))
    if frame is not None:
        raw, problems = _sheet_from_frame(frame, file, None)
        return ([raw] if raw is not None else []), problems
    # Each CSV record is one spreadsheet row, as Excel shows the file. A field longer than the
    # csv module's default limit (131,072) is read whole and refused with its row by the length
    # check, like any cell over Excel's limit.
    assert text is not None
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        grid: list[list[str | None]] = [
            [cell if cell != "" else None for cell in record]
            for record in csv.reader(io.StringIO(text, newline=""))
        ]
    except csv.Error as err:  # e.g. a field over the csv module's limit
        return [], [
            Problem(file, None, None, None, None, f"无法作为 CSV 读取: {err}",
                    f"cannot be read as CSV: {err}")
        ]
    raw, problems = _sheet_from_grid(grid, file, None)
    return ([raw] if raw is not None else []), problems


# A carriage return that does not end a CRLF line (the csv module reads it as a line break).
_LONE_CR = re.compile(rb"\r(?!\n)")


def _fast_csv(utf8: bytes) -> pl.DataFrame | None:
    """The CSV (UTF-8 bytes without a BOM) as a frame of text cells by position, read by Polars,
    or None when the file needs the exact (slower) csv-module path: bytes that are not UTF-8,
    quoted fields (which may hold line breaks), lone CR line ends, or rows longer than the first
    row. The checks look at bytes: '"', CR and LF are never part of a multi-byte character in
    UTF-8 or GB18030."""
    lone_cr = b"\r" in utf8 and _LONE_CR.search(utf8) is not None
    if b'"' in utf8 or lone_cr or not utf8 or utf8.isspace():
        return None
    try:
        frame = pl.read_csv(io.BytesIO(utf8), has_header=False, infer_schema=False,
                            quote_char=None, raise_if_empty=False)
    except pl.exceptions.PolarsError:
        return None
    # Without quotes an empty field can only be read as null (a quoted "" is the slow path).
    return frame


def read_file_checked(path: Path | str) -> tuple[list[RawSheet], list[Problem]]:
    """Every data sheet of the file, and every header-level problem found (never raises)."""
    path = Path(path)
    file = str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        return [], [Problem(file, None, None, None, None, "文件不存在", "file not found")]
    if refused := check_input_file(path, file, _skipped_sheet):  # file_checks.py, before parsing
        return [], refused
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, file)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, file)
    return [], [
        Problem(file, None, None, None, suffix or None,
                "不支持的文件类型:请使用 .xlsx 或 .csv", "unsupported file type: use .xlsx or .csv")
    ]


def read_file(path: Path | str) -> list[RawSheet]:
    """Read an .xlsx workbook (every visible sheet but 说明/填表说明 and "_" sheets) or a CSV file.

    Returns one RawSheet per data sheet; raises InputRejected listing every header-level problem of
    the file (unknown template, misspelt or repeated header, unreadable file or encoding).
    """
    sheets, problems = read_file_checked(path)
    if problems:
        raise InputRejected(problems)
    return sheets
