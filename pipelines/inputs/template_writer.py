"""Write an empty import workbook for one template kind and one scheme.

The workbook has one data sheet (named after the template, Chinese headers, frozen header row,
drop-down lists for the columns with a closed set of values), a hidden `_lists` sheet holding
those lists, and a `说明` sheet explaining each column in Chinese and English plus the scheme's
reference table for the kind (indicators, content items, clauses, targets or unit types). What
each kind has in it is declared with the kind (`pipelines/inputs/kinds/<kind>.py`).
Reading the template back gives zero rows and no problems: the reader skips `说明` and `_lists`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipelines.inputs.kinds import KINDS, Column
from pipelines.inputs.kinds import units as unit_list
from pipelines.inputs.kinds.base import ADJUSTMENT_KINDS, LEVELS
from pipelines.schemes.model import Scheme

DATA_ROWS = 5000  # rows covered by the drop-down lists
LISTS_SHEET = "_lists"
HELP_SHEET = "说明"
# Columns wider than the header needs (names, reasons, notes).
WIDE = 28


def template_columns(kind: str, scheme: Scheme) -> list[Column]:
    """The columns of the kind's template for this scheme (the kind's `columns_for`: for
    `yearend` only the input columns the scheme's rules read, and 豁免 only where a rubric
    allows exemption; every other kind has all its columns)."""
    spec = KINDS[kind]
    return spec.columns_for(spec, scheme)


def _lists(kind: str, scheme: Scheme, units: pl.DataFrame) -> dict[str, list[str]]:
    """The drop-down values per column name (empty lists are left out): the lists every
    template shares, then the units (but in the unit list itself), then the kind's own."""
    if "scheme" in units.columns:
        units = units.filter(pl.col("scheme") == scheme.id)
    level_names = list(LEVELS) + ([scheme.county_level_label] if scheme.county_level_label else [])
    lists: dict[str, list[str]] = {
        "scheme": [scheme.id],
        "unit_type": [u.name for u in scheme.unit_types],
        "kind": list(ADJUSTMENT_KINDS),
        "level": level_names,
        "exempt": ["是", "否"],
    }
    if kind != unit_list.KIND.kind and "unit" in units.columns:  # the unit list names them
        lists["unit"] = [u for u in units["unit"].to_list() if u]
    lists |= KINDS[kind].lists(scheme)
    return {k: v for k, v in lists.items() if v}


def write_template(kind: str, scheme: Scheme, units: pl.DataFrame, path: Path | str) -> Path:
    """Write an empty import workbook of `kind` for `scheme` to `path` (.xlsx) and return it.

    `units` holds the units known for the scheme (a `unit` column; a `scheme` column, if
    present, is filtered on); they fill the 单位 drop-down list.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown template kind: {kind}")
    template = KINDS[kind]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = template_columns(kind, scheme)
    lists = _lists(kind, scheme, units)

    wb = xlsxwriter.Workbook(str(path))
    try:
        header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        text = wb.add_format({"num_format": "@"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        title = wb.add_format({"bold": True, "font_size": 13})

        data = wb.add_worksheet(template.zh)
        hidden = wb.add_worksheet(LISTS_SHEET)
        help_ws = wb.add_worksheet(HELP_SHEET)

        # Hidden lists, one column each; drop-downs refer to them (no 255-character limit).
        refs: dict[str, str] = {}
        for j, (name, values) in enumerate(lists.items()):
            hidden.write_string(0, j, name)
            for r, v in enumerate(values, start=1):
                hidden.write_string(r, j, str(v))
            letter = xl_col_to_name(j)
            refs[name] = f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        hidden.hide()

        for j, col in enumerate(columns):
            data.write_string(0, j, col.zh, header)
            width = max(10, 2 * len(col.zh) + 4)
            if col.wide:
                width = WIDE
            data.set_column(j, j, width, text if col.text else None)
            if col.name in refs:
                # Units and metrics also accept aliases and names: warn instead of refusing.
                strict = not col.loose_list
                zh, en = col.help
                data.data_validation(1, j, DATA_ROWS, j, {
                    "validate": "list",
                    "source": refs[col.name],
                    "error_type": "stop" if strict else "warning",
                    "input_title": col.zh[:32],
                    "input_message": f"{zh}\n{en}"[:255],
                })
        data.freeze_panes(1, 0)
        data.activate()

        help_ws.set_column(0, 0, 16)
        help_ws.set_column(1, 1, 18)
        help_ws.set_column(2, 2, 10)
        help_ws.set_column(3, 4, 48, wrap)
        help_ws.set_column(5, 6, 24, wrap)
        help_ws.write(0, 0, f"{template.zh}({kind})· {scheme.name}({scheme.id})", title)
        help_ws.write(1, 0, "每行一条记录;表头为第1行,请勿修改表头。"
                            " One record per row; keep the header row as it is.")
        help_ws.write_row(3, 0, ["列 column", "英文表头 header", "必填 required",
                                 "说明", "description"], header)
        for r, col in enumerate(columns, start=4):
            zh, en = col.help
            required = "是 yes" if col.required else "否 no"
            help_ws.write_row(r, 0, [col.zh, col.name, required, zh, en])
        if template.reference is not None:
            start = 4 + len(columns) + 2
            head, rows = template.reference(scheme)
            help_ws.write_row(start, 0, head, header)
            for r, row in enumerate(rows, start=start + 1):
                help_ws.write_row(r, 0, row)
    finally:
        wb.close()
    return path
