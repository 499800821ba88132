"""Numbers as a 通报 writes them: 第2名, 2131件, 98.96%, 96.52分, 2013年6月."""

from __future__ import annotations

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
    """A score with two decimals, as the ranking tables print it: 96.5 → '96.50'."""
    return f"{half_up(value):.2f}"


def target_value(value: float | None, unit: str) -> str:
    """A target figure: 第2名, 2131件, 98.96%, 137.4个/日; '—' when missing."""
    if value is None:
        return "—"
    if unit == "名":
        return f"第{value:g}名"
    if unit == "%":
        return f"{number(value * 100)}%"
    return f"{number(value)}{unit}"


def amount(value: float, unit: str) -> str:
    """A difference or a monthly need in the target's unit: 192.5件, 3个名次, 0.16个百分点."""
    if unit == "名":
        return f"{value:g}个名次"
    if unit == "%":
        return f"{number(value * 100)}个百分点"
    return f"{number(value)}{unit}"


def month_label(month: str) -> str:
    """2013-06 → 2013年6月."""
    return f"{month[:4]}年{int(month[5:7])}月"


def cn_date(day) -> str:
    """A date as GB/T 9704 writes the 成文日期 (Arabic numerals): 2013年12月31日."""
    return f"{day.year}年{day.month}月{day.day}日"
