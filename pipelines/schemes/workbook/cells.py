"""Cell values of the scheme workbook: what a cell of each column kind holds, read and written.

`convert_cell` reads a cell as the model wants it (blank is None, unreadable raises NormalizeError);
`format_options` and `format_tiers` write the two compound kinds so that they read back equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pipelines.inputs.normalize import (
    NormalizeError,
    clean_text,
    parse_bool,
    parse_int,
    parse_number,
)
from pipelines.schemes.workbook.layout import parse_enum

# ---------------------------------------------------------------------------------------------
# Cell values
# ---------------------------------------------------------------------------------------------

_SPLIT_ITEMS = re.compile(r"[;；\n]")
_SPLIT_LIST = re.compile(r"[、,，;；\n]")


def convert_cell(kind: str, value: object) -> Any:
    """What a cell holds, as the model wants it; blank -> None; unreadable -> NormalizeError."""
    if kind.startswith("enum:"):
        return parse_enum(kind[5:], value)
    if kind in ("text", "code"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a code typed as a number: 12, not 12.0
        if value is None:
            return None
        text = str(value).replace("\r\n", "\n")
        return text.strip() or None
    if kind == "number":
        return parse_number(value)
    if kind == "percent":
        return parse_number(value, percent=True)
    if kind == "int":
        return parse_int(value)
    if kind == "bool":
        return parse_bool(value)
    if kind == "list":
        text = clean_text(value)
        if text is None:
            return None
        return [p for p in (clean_text(x) for x in _SPLIT_LIST.split(text)) if p]
    if kind == "range":
        return _parse_range(value)
    if kind == "options":
        return _parse_options(value)
    if kind == "tiers":
        return _parse_tiers(value)
    raise ValueError(f"unknown column kind {kind}")  # pragma: no cover - a layout bug


_RANGE = re.compile(r"^\s*(-?[0-9.]+)\s*(?:~|～|—|–|至|到|-)\s*(-?[0-9.]+)\s*$")


def _parse_range(value: object) -> list[float] | None:
    """尺度 "0~100" (or 0-100, 0–100, 0至100) -> [0, 100]."""
    text = clean_text(value)
    if text is None:
        return None
    m = _RANGE.match(text)
    try:
        if m is None:
            raise ValueError(text)
        return [float(m.group(1)), float(m.group(2))]
    except ValueError:
        raise NormalizeError("尺度应写作 下限~上限,如 0~100",
                             "a scale is written low~high, e.g. 0~100") from None


def format_range(scale: object) -> str:
    """[0, 100] -> "0~100", read back by _parse_range."""
    low, high = scale  # type: ignore[misc]
    return f"{float(low):g}~{float(high):g}"


def _pairs(value: object, what_zh: str, what_en: str, example: str) -> list[tuple[str, str]]:
    text = clean_text(value)
    if text is None:
        return []
    text = text.replace("＝", "=")
    out = []
    for part in _SPLIT_ITEMS.split(text):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise NormalizeError(f"{what_zh}应写作 {example}", f"{what_en} are written {example}")
        left, right = part.rsplit("=", 1)
        out.append((left.strip(), right.strip()))
    return out


def _parse_options(value: object) -> dict[str, float] | None:
    """选项 "是=3;否=1;未接入=0" -> {"是": 3, "否": 1, "未接入": 0}."""
    pairs = _pairs(value, "选项", "options", "是=3;否=1;未接入=0")
    if not pairs:
        return None
    options: dict[str, float] = {}
    for name, points in pairs:
        if not name:
            raise NormalizeError("选项名称不能为空", "an option needs a name")
        if name in options:
            raise NormalizeError(f"选项「{name}」重复", f"the option {name} is given twice")
        number = parse_number(points)
        if number is None:
            raise NormalizeError(f"选项「{name}」缺少分值", f"the option {name} has no points")
        options[name] = number
    return options


def _parse_tiers(value: object) -> list[dict[str, float]] | None:
    """分档 "5=2;10=1" (or "1-5=2;6-10=1") -> [{up_to: 5, points: 2}, {up_to: 10, points: 1}]."""
    pairs = _pairs(value, "分档", "tiers", "5=2;10=1")
    if not pairs:
        return None
    tiers: list[dict[str, float]] = []
    for places, points in pairs:
        m = re.fullmatch(r"(?:前)?(?:(\d+)\s*[-~～—至]\s*)?(\d+)(?:名)?", places)
        if not m:
            raise NormalizeError("分档应写作 名次上限=分值,如 5=2;10=1",
                                 "tiers are written place-up-to=points, e.g. 5=2;10=1")
        start, up_to = m.group(1), int(m.group(2))
        previous = int(tiers[-1]["up_to"]) if tiers else 0
        if start is not None and int(start) != previous + 1:
            raise NormalizeError(f"分档不连续:{places} 应从第 {previous + 1} 名开始",
                                 f"tiers leave a gap: {places} should start at {previous + 1}")
        number = parse_number(points)
        if number is None:
            raise NormalizeError("分档缺少分值", "a tier has no points")
        tiers.append({"up_to": up_to, "points": number})
    return tiers


def _num(x: float) -> str:
    """A number as short text that reads back to the same float: 3, 0.5, 0.3."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def format_options(options: dict[str, float]) -> str:
    return ";".join(f"{name}={_num(p)}" for name, p in options.items())


def format_tiers(tiers: Iterable) -> str:
    return ";".join(f"{t.up_to}={_num(t.points)}" for t in tiers)

