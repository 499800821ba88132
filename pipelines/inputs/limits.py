"""Limits on what one input may cost, checked before the expensive work.

A hostile or broken file must be refused with a report, not abort the process: a workbook whose
one cell sits in XFD1048576 makes the Excel reader allocate a grid of 17 billion cells; a 2 MB
workbook can unzip to gigabytes of XML; a scheme file of 1 KB can expand, through YAML aliases,
to millions of nodes. Each limit below is a documented setting (README, "Limits"), read from an
environment variable when set, and each refusal is an ordinary `Problem` (exit 1, nothing loaded).

This module holds the settings; `file_checks.check_input_file` checks an input file against them
before it is parsed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


class LimitSettingError(ValueError):
    """An EGOV_MAX_* environment variable that is not a positive whole number."""


@dataclass(frozen=True)
class Limits:
    """The limits in force. Field -> environment variable: see `ENV`.

    Defaults fit a province's year (6,000 units: ~0.8M rows per file, ~40 MB as CSV) with room
    to spare, and keep the worst file within about 1 GB of memory.
    """

    max_file_mb: int = 100  # any input file (workbook or CSV), on disk
    max_rows: int = 2_000_000  # rows per sheet or CSV file (Excel itself stops at 1,048,576)
    max_columns: int = 64  # columns per sheet (the widest template has 14)
    max_cells: int = 10_000_000  # cells per sheet: rows x columns of the used range
    max_unzipped_mb: int = 500  # a workbook's entries once unzipped, all together
    max_zip_ratio: int = 100  # unzipped / zipped size, checked once over 10 MB unzipped
    max_scheme_mb: int = 5  # a scheme file (the largest built-in is 57 KB)
    max_yaml_nodes: int = 100_000  # YAML nodes after expanding aliases (built-ins: <= 2,907)
    max_problems: int = 200  # problems listed in a report; the rest are counted
    max_echo: int = 200  # characters of a value echoed in a report
    max_notice_seconds: int = 20  # rendering one 通报 from its templates (6,000 units: < 1 s)
    max_notice_mb: int = 5  # the 通报 text a template renders, UTF-8 (built-ins: ~10 KB)

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB


MB = 1024 * 1024

ENV: dict[str, str] = {f.name: "EGOV_" + f.name.upper() for f in fields(Limits)}


def current() -> Limits:
    """The limits in force: the defaults, overridden by any EGOV_MAX_* environment variable."""
    values = {}
    for name, var in ENV.items():
        raw = os.environ.get(var)
        if raw is None or raw.strip() == "":
            continue
        try:
            value = int(raw.strip())
        except ValueError:
            value = 0
        if value <= 0:
            raise LimitSettingError(
                f"环境变量 {var} 应为正整数,现为「{raw}」 / {var} must be a positive whole "
                f"number, not '{raw}'")
        values[name] = value
    return Limits(**values)


def setting(name: str) -> str:
    """How a report names the setting of a limit: (设置 setting EGOV_MAX_...)."""
    return f"(设置 setting {ENV[name]})"
