"""The cycle's import columns: 评分来源 of a 年终评分 row and the 整改台账 (rectification) kind.

Both are validated like every kind (pipelines/inputs/validation.py calls these), each problem
naming file, Excel row, column and value in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from pipelines.cycle.statuses import RECTIFICATION_STATUSES
from pipelines.inputs.normalize import NormalizeError, clean_text, parse_year
from pipelines.inputs.sheet_check import SheetCheck

# 评分来源 of a 年终评分 row (blank is 核定), and 状态 of a 整改台账 row.
BASES = ("自评", "核定")

SELF = "自评"
VERIFIED = "核定"
_BASIS_WORDS = {"自评": SELF, "self": SELF, "核定": VERIFIED, "verified": VERIFIED}
_STATUS_WORDS = {s: s for s in RECTIFICATION_STATUSES} | {
    "open": "未整改", "in progress": "整改中", "done": "已整改"}


def parse_basis(value: object) -> str | None:
    """评分来源: 自评 or 核定 (self / verified, any case); blank -> None (read as 核定)."""
    text = clean_text(value)
    if text is None:
        return None
    found = _BASIS_WORDS.get(text.casefold())
    if found is None:
        raise NormalizeError("评分来源应为 " + " 或 ".join(BASES),
                             "the basis must be 自评 (self-assessed) or 核定 (verified)")
    return found


def basis_column(check: SheetCheck) -> pl.Series:
    """Each row's 评分来源 (核定 where the column is absent or blank)."""
    return check.parse("basis", parse_basis, dtype=pl.String).fill_null(VERIFIED).alias("basis")


def parse_status(value: object) -> str | None:
    """状态 of a ledger row: 未整改, 整改中 or 已整改 (open / in progress / done)."""
    text = clean_text(value)
    if text is None:
        return None
    found = _STATUS_WORDS.get(text.casefold())
    if found is None:
        raise NormalizeError("状态应为 " + "、".join(RECTIFICATION_STATUSES) + " 之一",
                             "the status must be one of 未整改 (open), 整改中 (in progress), "
                             "已整改 (done)")
    return found


def parse_date(value: object) -> dt.date | None:
    """完成时限: a date (an Excel date cell, 2026-03-31, 2026/3/31, 2026年3月31日); blank ->
    None; anything else NormalizeError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(value)
    if text is None:
        return None
    folded = (text.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
              .replace(".", "-"))
    if " " in folded:  # 2026-03-31 00:00:00 from a date cell read as text
        folded = folded.split(" ", 1)[0]
    try:
        year, month, day = (int(p) for p in folded.split("-"))
        return dt.date(year, month, day)
    except (ValueError, TypeError):
        raise NormalizeError("应为日期,如 2026-03-31",
                             "a date is expected, e.g. 2026-03-31") from None


def rectification_rows(check: Any) -> dict[str, Any]:
    """Validate a 整改台账 sheet: the columns of its rows, for `KIND.located`. Scheme, year (the
    scheme's), unit (name or alias), indicator (a code of the unit's rubric), issue, measure,
    owner and status required, due a date."""
    from pipelines.inputs.normalize import code_key

    schemes = check.schemes()
    years = check.parse("year", parse_year, required=True, dtype=pl.Int64)
    check.check_year(schemes, years)
    units = check.units(schemes)
    codes = check.parse("indicator", code_key, required=True, dtype=pl.String)
    indicators = check.ctx.dims["indicators"].select("scheme", "rubric", "code")
    indicators = indicators.with_columns(
        _code=pl.Series([code_key(c) for c in indicators["code"]], dtype=pl.String))
    rows = pl.DataFrame({"scheme": schemes, "_code": codes}).hstack(units.select("rubric"))
    joined = rows.join(indicators.unique(["scheme", "rubric", "_code"]),
                       on=["scheme", "rubric", "_code"], how="left", maintain_order="left")
    unknown = (joined["rubric"].is_not_null() & joined["_code"].is_not_null()
               & joined["code"].is_null())
    check.add_many(unknown, "indicator", "未知的指标编号:不在该单位适用的年终评分细则中",
                   "unknown indicator code for the unit's rubric")
    issue = check.text("issue", required=True)
    measure = check.text("measure", required=True)
    owner = check.text("owner", required=True)
    due = check.parse("due", parse_date, required=True, dtype=pl.Date)
    status = check.parse("status", parse_status, required=True, dtype=pl.String)
    note = check.text("note")
    return {
        "scheme": schemes, "year": years, "unit": units["unit"], "indicator": joined["code"],
        "issue": issue, "measure": measure, "owner": owner, "due": due, "status": status,
        "note": note,
    }


__all__ = ["SELF", "VERIFIED", "basis_column", "parse_basis", "parse_date",
           "parse_status", "rectification_rows"]


def split_by_basis(sheets: list, problems: list) -> list:
    """Each 年终评分 sheet with a 评分来源 column as up to two sheets: its 自评 rows (kind
    `selfassessment`) and its 核定 or blank rows (kind `yearend`), each validated by the same
    rules and loaded into its own table. A 评分来源 that is neither is a problem naming its row
    (appended to `problems`); such rows go to neither sheet."""
    from dataclasses import replace

    from pipelines.inputs.problems import Problem

    out = []
    for sheet in sheets:
        if sheet.kind not in ("yearend", "selfassessment") or "basis" not in sheet.frame.columns:
            out.append(sheet)
            continue
        cells = sheet.frame.get_column("basis")
        bases: dict[object, str | None] = {}
        for cell in cells.unique().to_list():
            try:
                bases[cell] = parse_basis(cell) or VERIFIED
            except NormalizeError as err:
                bases[cell] = None
                rows = sheet.row_numbers.filter(cells == cell) if cell is not None else \
                    sheet.row_numbers.filter(cells.is_null())
                problems += [Problem(sheet.file, sheet.sheet, int(r), sheet.header("basis"),
                                     str(cell), err.zh, err.en) for r in rows.to_list()]
        basis = cells.replace_strict(bases, default=None, return_dtype=pl.String)
        for kind, want in (("yearend", VERIFIED), ("selfassessment", SELF)):
            mask = (basis == want).fill_null(False)
            if mask.any():
                out.append(replace(sheet, kind=kind, frame=sheet.frame.filter(mask),
                                   row_numbers=sheet.row_numbers.filter(mask)))
        if not (basis.is_not_null()).any():
            out.append(sheet)  # no row at all (or every 评分来源 wrong): checked as it came
    return out
