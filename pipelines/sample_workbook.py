"""The sample workbooks' writer (示例数据), shared by `pipelines/sample_data.py` and the cycle's
sample (`pipelines/cycle/sample.py`), which sample_data calls: kept apart so neither imports the
other back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from pipelines.inputs.kinds import InputKind
from pipelines.schemes.model import Scheme

SAMPLE_LABEL = "示例数据"


def write_workbook(
    path: Path,
    scheme: Scheme,
    template: InputKind,
    header: list[str],
    rows: list[list[object]],
    extra_sheets: dict[str, list[list[object]]],
) -> None:
    """One data sheet named after the template (marked 示例数据), then any extra sheets.

    The document's creation time is fixed, so the same rows give byte-identical files.
    """
    workbook = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
    workbook.set_properties(
        {
            "title": f"{template.zh}({SAMPLE_LABEL})",
            "subject": f"{scheme.name} {SAMPLE_LABEL}",
            "author": "egov sample_data",
            "comments": f"{SAMPLE_LABEL}:由程序按随机种子生成,不是真实考核数据。",
            "created": datetime(scheme.year, 12, 31, 12, 0, 0),
        }
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet = workbook.add_worksheet(f"{template.zh}({SAMPLE_LABEL})")
    sheet.write_row(0, 0, header, bold)
    write_rows(sheet, rows)
    for c, name in enumerate(header):
        sheet.set_column(c, c, max(8, 2.2 * len(name) + 2))
    sheet.freeze_panes(1, 0)
    for title, lines in extra_sheets.items():
        note = workbook.add_worksheet(title)
        note.set_column(0, 0, 90)
        for r, line in enumerate(lines):
            note.write_row(r, 0, line)
    workbook.close()


def write_rows(sheet: Any, rows: list[list[object]]) -> None:
    """The rows below the header row: text as text (never turned into a number), numbers as
    numbers, None as an empty cell."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
