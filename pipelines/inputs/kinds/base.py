"""What an import kind declares: its columns, facts, keys, warehouse table, validator and
template sheet (the declaration; `pipelines/inputs/validation.py` runs it, as pandera keeps its
`api/` apart from its `backends/`).

A kind module (`pipelines/inputs/kinds/<kind>.py`) holds one `KIND = InputKind(...)` and the
functions it names; the registry (`pipelines/inputs/kinds/__init__.py`) finds it. See
docs/contract.md, "Adding an import kind".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from pipelines.inputs.sheet_check import SheetCheck
    from pipelines.schemes.model import Scheme


@dataclass(frozen=True)
class Column:
    """One column of an import template."""

    name: str  # canonical English name
    zh: str  # Chinese header
    required: bool = True
    dtype: str = "str"  # str | int | float | month | year | bool
    # What the column holds, in Chinese and English: the template's 说明 sheet and drop-down tip.
    help: tuple[str, str] = ("", "")
    # Formatted as text in the template, so that Excel keeps "001" and "2013-01" as typed.
    text: bool = False
    # A wide column in the template (names, reasons, notes).
    wide: bool = False
    # A drop-down that warns instead of refusing (the column also takes aliases or names).
    loose_list: bool = False


# A validator checks one sheet (`check`) and gives the rows without problems, typed like the
# kind's facts with the location columns (`InputKind.located`); a unit list also gives its
# aliases (None for every other kind).
Validator = Callable[["SheetCheck"], tuple[pl.DataFrame, "pl.DataFrame | None"]]


def _all_columns(kind: InputKind, scheme: Scheme) -> list[Column]:
    return list(kind.columns)


def _no_lists(scheme: Scheme) -> dict[str, list[str]]:
    return {}


def _no_notes(path: Path, rows: pl.DataFrame, schemes: dict[str, Scheme]) -> list[str]:
    return []


@dataclass(frozen=True)
class InputKind:
    """One kind of import workbook, declared once.

    The readers tell a sheet's kind from its headers (`columns`); validation runs `validate` and
    checks `key` across the load; the load merges the rows into `table` replacing the rows with
    the same `replace_key`; the template writer lays out `columns_for(scheme)` with the drop-down
    lists `lists(scheme)` and the reference table `reference(scheme)`.
    """

    kind: str  # the name in commands and the load history: `egov template KIND`
    zh: str  # Chinese name of the template (its data sheet's name)
    columns: tuple[Column, ...]
    # Columns that identify a row: the same key twice in one load is an error (none: a row is
    # its own key).
    key: tuple[str, ...]
    # The warehouse table the rows go to, and its columns without load_id
    # (warehouse/sql/schema.sql).
    table: str
    facts: dict[str, pl.DataType]
    # Rows with the same replace key replace the rows loaded earlier.
    replace_key: tuple[str, ...]
    # The column whose cell names a row in messages about the row as a whole (duplicates).
    naming: str
    validate: Validator
    # Loaded in this order (lower first): a kind others refer to (the unit list) comes first.
    order: int
    # The columns of the empty template for this scheme (all by default).
    columns_for: Callable[[InputKind, Scheme], list[Column]] = _all_columns
    # The kind's own drop-down values per column for this scheme (besides the shared lists).
    lists: Callable[[Scheme], dict[str, list[str]]] = _no_lists
    # The scheme's table a clerk needs beside the template: (header, rows).
    reference: Callable[[Scheme], tuple[list[str], list[list[Any]]]] | None = None
    # Keys never repeat within a load, so all of a load's files of the kind can be merged at
    # once (the unit list and the adjustments are merged file by file).
    batched: bool = False
    # How some of a file's accepted rows were read, for the load's report (e.g. ratios above 1
    # capped at full points).
    load_notes: Callable[[Path, pl.DataFrame, dict[str, Scheme]], list[str]] = _no_notes

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def by_header(self) -> dict[str, Column]:
        """Chinese and English header -> column."""
        out: dict[str, Column] = {}
        for c in self.columns:
            out[c.zh] = c
            out[c.name] = c
        return out

    def column(self, name: str) -> Column | None:
        """The column of this canonical name (None when the kind has none)."""
        return next((c for c in self.columns if c.name == name), None)

    def located(self, check: SheetCheck, data: dict[str, Any]) -> pl.DataFrame:
        """The rows of `check` without problems, typed like the facts, with location columns."""
        from pipelines.inputs.sheet_check import LOCATION_SCHEMA

        return check.located(self.facts, LOCATION_SCHEMA, self.naming, data)


# Columns every kind shares.
SCHEME = Column("scheme", "方案", help=("考核方案编号,如 jintan-2013",
                                        "the scheme id, e.g. jintan-2013"), text=True)
UNIT = Column("unit", "单位", help=("被考核单位名称(单位名录中的名称或别名)",
                                    "the unit's name as in the units list, or one of its aliases"),
              text=True, wide=True, loose_list=True)
MONTH = ("月份,写作 YYYY-MM,如 2013-01", "the month as YYYY-MM, e.g. 2013-01")
YEAR = ("考核年度,如 2013", "the year assessed, e.g. 2013")

# Closed vocabularies of the templates (the shared drop-down lists).
ADJUSTMENT_KINDS = ("加分", "减分")
LEVELS = ("国家级", "省级", "市级", "县级")
