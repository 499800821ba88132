"""Text and number normalisation for the import templates.

Clerks type into Excel on Chinese Windows: full-width spaces and digits, 2013年1月 for a month,
"92%" for a rate, 是/否 for a flag. These functions turn what was typed into canonical values and
raise `ValueError` (with a Chinese and an English reason) when they cannot; callers turn that into
a `Problem` naming the cell.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# The words read as yes and no in a 是/否 cell (folded to lower case).
YES = ("是", "yes", "y", "true", "1")
NO = ("否", "no", "n", "false", "0", "")

# Characters str.strip() keeps but a clerk cannot see: zero-width space/joiners and a stray BOM.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_WS = re.compile(r"\s+")
# Every Unicode format character (category Cf: zero-width space and joiners, LRM/RLM, bidi
# embeddings, overrides and isolates, soft hyphen, word joiner, BOM, tag characters ...), the
# variation selectors and the combining grapheme joiner. None shows, so "教育局\u200b" or
# "\u202e教育局" would display as 教育局 yet be another unit; they are removed wherever a cell is
# read as text. tests/hostile/test_text.py checks this class against unicodedata.
_FORMAT_CHARS = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef]"
)


class NormalizeError(ValueError):
    """A value that cannot be read; carries the reason in Chinese and English."""

    def __init__(self, zh: str, en: str):
        self.zh = zh
        self.en = en
        super().__init__(f"{zh} / {en}")


def clean_text(value: object) -> str | None:
    """The text as typed, trimmed of spaces (full-width U+3000 and NBSP too), with invisible
    format characters (zero-width, bidi marks and overrides, soft hyphen) removed; blank ->
    None."""
    if value is None:
        return None
    text = str(value)
    if not text.isascii():
        text = _FORMAT_CHARS.sub("", text)
    text = text.strip()
    return text or None


def match_key(value: object) -> str | None:
    """A key for matching names: trimmed, NFKC (full-width -> ASCII), no inner spaces, casefolded.

    "乡镇（街道）" and "乡镇(街道)" give the same key; so do " 金坛市　档案局 " and "金坛市档案局".
    """
    text = clean_text(value)
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text)
    text = _WS.sub("", text).strip(_INVISIBLE)
    return text.casefold() or None


def code_key(value: object) -> str | None:
    """A key for indicator codes: like `match_key`, and numbers compare by value.

    Excel turns a typed 001 into the number 1 and a CSV may say 12.0, so "001", "1" and "1.0" all
    give "1"; "40.1" stays "40.1". Codes that are not numbers keep their `match_key`.
    """
    key = match_key(value)
    if key is None:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", key):
        number = Decimal(key).normalize()
        return format(number, "f")
    return key


def _ascii(value: object) -> str | None:
    text = clean_text(value)
    return None if text is None else unicodedata.normalize("NFKC", text).strip()


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(value: object, *, percent: bool = False) -> float | None:
    """A number from what was typed; blank -> None.

    Full-width digits and signs, thousands separators ("1,234.5") and, only where `percent` is
    allowed, a trailing % ("92%" -> 0.92) are read. Anything else raises NormalizeError.
    """
    if isinstance(value, bool):
        raise NormalizeError("应为数字", "a number is expected")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NormalizeError("应为数字", "a number is expected")
        return float(value)
    text = _ascii(value)
    if text is None:
        return None
    text = _WS.sub("", text)
    is_percent = text.endswith("%")
    if is_percent:
        if not percent:
            raise NormalizeError("此列不接受百分数,请填写数值", "a percentage is not accepted here")
        text = text[:-1]
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        raise NormalizeError("应为数字", "a number is expected")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        raise NormalizeError("应为数字", "a number is expected") from None
    if is_percent:
        number /= 100  # Decimal keeps "92%" exactly 0.92 before the one rounding to float
    return float(number)


def parse_int(value: object) -> int | None:
    """A whole number ("3", "3.0", "３"); blank -> None; "3.5" raises NormalizeError."""
    number = parse_number(value)
    if number is None:
        return None
    if number != int(number):
        raise NormalizeError("应为整数", "a whole number is expected")
    return int(number)


_MONTH_PATTERNS = (
    # 2013-01, 2013-1, 2013/01, 2013.01, 2013年1月, 2013年01月份
    re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:月份?)?$"),
    # 201301 (also 201301.0 from a number cell read through a CSV)
    re.compile(r"^(\d{4})(\d{2})(?:\.0+)?$"),
    # An Excel date or datetime cell read as text, or a typed date: 2013-01-15[ 00:00:00]
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月\d{1,2}日$"),
)


_BAD_MONTH = ("月份应写作 YYYY-MM,如 2013-01", "a month is expected as YYYY-MM, e.g. 2013-01")
_BAD_YEAR = ("年度应为四位数字,如 2013", "a year is expected as four digits, e.g. 2013")


def parse_month(value: object) -> str | None:
    """A month as "YYYY-MM"; blank -> None; anything else raises NormalizeError.

    Reads "2013-01", "2013-1", "2013/01", "2013年1月", "201301", and Excel date or datetime
    cells (as objects or as the text a reader makes of them: "2013-01-01 00:00:00").
    """
    if isinstance(value, dt.date):  # datetime is a date too
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = _ascii(value)
    if text is None:
        return None
    for pattern in _MONTH_PATTERNS:
        m = pattern.match(text)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                return f"{year:04d}-{month:02d}"
            break
    raise NormalizeError(*_BAD_MONTH)


def parse_year(value: object) -> int | None:
    """A year from "2013", "2013年", "２０１３", 2013.0; blank -> None; else NormalizeError."""
    if isinstance(value, dt.date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1000 <= value <= 9999:
            return int(value)
        raise NormalizeError(*_BAD_YEAR)
    text = _ascii(value)
    if text is None:
        return None
    m = re.match(r"^(\d{4})(?:\.0+)?\s*(?:年度?)?$", text)
    if not m:
        raise NormalizeError(*_BAD_YEAR)
    return int(m.group(1))


def parse_bool(value: object) -> bool | None:
    """是/否 (also yes/no, y/n, true/false, 1/0, any case); blank -> None; else NormalizeError."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = _ascii(value)
    if text is None:
        return None
    folded = text.casefold()
    if folded.endswith(".0"):  # 1.0 / 0.0 from a number cell
        folded = folded[:-2]
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise NormalizeError("应填 是 或 否", "是 (yes) or 否 (no) is expected")


def split_aliases(value: object) -> list[str]:
    """Aliases from one cell, separated by 、 , , ; or ; (trimmed, blanks dropped, order kept)."""
    text = clean_text(value)
    if text is None:
        return []
    out: list[str] = []
    for part in re.split(r"[、,，;；]", text):
        alias = clean_text(part)
        if alias and alias not in out:
            out.append(alias)
    return out
