"""Numbers as a 通报 writes them: 第2名, 2131件, 98.96%, 96.52分, 2013年6月."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def half_up(value: float, places: int = 2) -> float:
    """Rounded half-up (docs/contract.md: scores are rounded half-up to 2 decimals for output)."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def number(value: float, places: int = 2) -> str:
    """2131 → '2131'; 161.5 → '161.5'; 84529.166 → '84529.17' (no trailing zeros, no thousands
    separator: a 通报 writes 2131件)."""
    text = f"{half_up(value, places):.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def points(value: float) -> str:
    """A score as a 通报 prints it, in its text and its 附件 tables alike, and as the dashboard's
    charts label it: half-up to two decimals without trailing zeros (96.5 → '96.5', 63.0 → '63',
    not '96.50' or '63.00'; 84.256 → '84.26')."""
    return number(value)


# Units that count things: a count is whole (「还需月均84530件」, never 84529.17件). Rates such
# as 个/日 and scores (分) keep their decimals.
COUNT_UNITS = frozenset({"件", "个", "条", "次", "项", "家", "篇", "人"})


def is_count(unit: str) -> bool:
    """Whether figures in this unit are counts of things (whole numbers)."""
    return unit in COUNT_UNITS


def percent(share: float) -> str:
    """A share as a percentage without trailing zeros: 0.4 → '40%', 0.8125 → '81.25%'."""
    return f"{number(share * 100)}%"


def target_value(value: float | None, unit: str) -> str:
    """A target figure: 第2名, 2131件, 98.96%, 137.4个/日; '—' when missing."""
    if value is None:
        return "—"
    if unit == "名":
        return f"第{value:g}名"
    if unit == "%":
        return f"{number(value * 100)}%"
    return f"{number(value)}{unit}"


def amount(value: float, unit: str, *, up: bool = False) -> str:
    """A difference or a monthly need in the target's unit: 1155件, 3个名次, 0.16个百分点,
    12.6个/日. Counts are whole: `up` rounds a count up (what a month must bring: 192.5 → 193,
    since 192 a month would fall short), otherwise half-up."""
    if unit == "名":
        return f"{value:g}个名次"
    if unit == "%":
        return f"{number(value * 100)}个百分点"
    if is_count(unit):
        whole = math.ceil(value - 1e-9) if up else half_up(value, 0)
        return f"{whole:.0f}{unit}"
    return f"{number(value)}{unit}"


def month_label(month: str) -> str:
    """2013-06 → 2013年6月."""
    return f"{month[:4]}年{int(month[5:7])}月"


def cn_date(day) -> str:
    """A date as GB/T 9704 writes the 成文日期 (Arabic numerals): 2013年12月31日."""
    return f"{day.year}年{day.month}月{day.day}日"
