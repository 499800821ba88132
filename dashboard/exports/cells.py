"""What the XLSX, CSV and PDF exports share: the sample marks, the grade fills, and how a value
is shown in a table cell."""

from __future__ import annotations

import math
import unicodedata
from datetime import date
from typing import Any

import polars as pl

from warehouse.rounding import round_half_up

SAMPLE_TITLE_SUFFIX = "(示例数据)"
SAMPLE_FOOTER = "示例数据,仅供演示"

# Light fills that stay readable in colour and on a greyscale printer.
GRADE_FILLS: dict[str, str] = {
    "优秀": "#E2EFDA",  # green
    "良好": "#DDEBF7",  # blue
    "合格": "#DDEBF7",  # blue
    "基本合格": "#FFF2CC",  # amber
    "不合格": "#F8D7DA",  # red
}
HEADER_FILL = "#D9D9D9"

# --------------------------------------------------------------------------------------------
# Table helpers shared by the XLSX, CSV and PDF exports
# --------------------------------------------------------------------------------------------


def _display_width(text: str) -> int:
    """Width in half-width character cells: CJK and full-width characters count as 2, and so do
    "ambiguous" ones such as — and …, which CJK fonts draw full width."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1 for ch in text)


def _is_float(dtype: pl.DataType) -> bool:
    return dtype.is_float() or dtype.is_decimal()


def _rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Float columns rounded half-up to 2 decimals: exports are output, and the project's rounding
    contract is half-up for output only (2.675 -> 2.68, which Python's round() gives as 2.67)."""
    floats = [name for name, dtype in frame.schema.items() if _is_float(dtype)]
    return frame.with_columns(
        round_half_up(pl.col(name).cast(pl.Float64)).alias(name) for name in floats
    )


def _cell_text(value: Any, dtype: pl.DataType) -> str:
    """A value as the table shows it: floats with 2 decimals, booleans as 是/否, nulls empty."""
    if value is None:
        return ""
    if _is_float(dtype):
        return "" if math.isnan(value) else f"{value:.2f}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _full_title(title: str, sample: bool) -> str:
    if sample and not title.endswith(SAMPLE_TITLE_SUFFIX):
        return title + SAMPLE_TITLE_SUFFIX
    return title


def _labelled(label: str, value: str) -> str:
    """`单位类型: 县市区` from "县市区"; a value that already carries its label is kept as is."""
    return value if (":" in value or "：" in value) else f"{label}: {value}"


def _grade_of(row: dict[str, Any], grade_column: str | None) -> str | None:
    if grade_column is None:
        return None
    value = row.get(grade_column)
    return str(value) if value is not None else None
