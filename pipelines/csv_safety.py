"""CSV cells that a spreadsheet will not run: formula injection neutralised as OWASP recommends.

Excel, LibreOffice and WPS treat a CSV cell that starts with = + - @ (or a tab or carriage
return before one of them) as a formula: a unit name such as `=HYPERLINK("http://…")` or
`=cmd|' /C calc'!A0` in an exported ranking would run when the file is opened. Every text cell
starting with one of those characters gets a leading apostrophe, which the spreadsheet shows as
text and does not evaluate (OWASP, "CSV Injection"). Plain numbers written as text ("-3", "-2.5")
are left alone, so a negative figure still reads as a number; number columns are untouched.
"""

from __future__ import annotations

import re

import polars as pl

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^-\d+(\.\d+)?$"
_PLAIN = re.compile(_PLAIN_NUMBER)


def neutralise_text(value: str) -> str:
    """One cell: an apostrophe before a leading = + - @ tab or CR, unless it is a plain number."""
    if value.startswith(TRIGGERS) and not _PLAIN.match(value):
        return "'" + value
    return value


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of `frame` with its cells neutralised (other columns as they are)."""
    text = [name for name, dtype in frame.schema.items()
            if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)]
    if not text:
        return frame
    return frame.with_columns(_neutralised(pl.col(name).cast(pl.String)).alias(name)
                              for name in text)


def _neutralised(col: pl.Expr) -> pl.Expr:
    risky = col.str.contains(_TRIGGER) & ~col.str.contains(_PLAIN_NUMBER)
    return pl.when(risky).then(pl.lit("'") + col).otherwise(col)
