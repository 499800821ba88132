"""One palette for every chart: grades, unit types, target status and the chart furniture.

Grades are coloured by name, not by position, so 优秀 is the same green and 不合格 the same red in
Jintan (4 bands), Yueyang (4 other bands) and on any briefing page; a band name not listed here
falls back to a neutral grey rather than borrowing another band's colour.
"""

from __future__ import annotations

from collections.abc import Sequence

# Named first, with a generic fallback: a missing named font without a fallback blanks all text
# in vl-convert exports (STACK.md).
FONT = "Noto Sans CJK SC, sans-serif"

NO_GRADE = "未定等次"

GRADE_COLORS: dict[str, str] = {
    "优秀": "#1a7f4b",
    "良好": "#5aae61",
    "合格": "#3b75af",
    "基本合格": "#e8a33d",
    "不合格": "#c0392b",
    NO_GRADE: "#9e9e9e",
}
FALLBACK_GRADE = "#7f7f7f"

# Unit types take these in their scheme's order (unit_types.position), so a type keeps its colour
# on every page of a scheme.
UNIT_TYPE_COLORS: tuple[str, ...] = (
    "#2f5d8a",  # deep blue
    "#d9822b",  # orange
    "#6a8f3a",  # olive green
    "#8e5ea2",  # purple
    "#3e9ea6",  # teal
    "#b5545c",  # brick
)

STATUS_COLORS: dict[str, str] = {
    "达争": "#1a7f4b",
    "达保": "#3b75af",
    "未达": "#c0392b",
}

# Chart furniture.
ACCENT = "#2f5d8a"  # single-series bars and lines
MUTED = "#c9ced6"  # not highlighted
HIGHLIGHT = "#d9822b"  # units the user picked
FLOOR = "#3b75af"  # 保 line and band
STRETCH = "#1a7f4b"  # 争 line and band
PACE = "#7f7f7f"  # pace line
PROJECTION = "#d9822b"  # projection to year end
MEDIAN = "#7f7f7f"  # the type's median
MAX_POINTS = "#d5dae1"  # the maximum behind a score bar

# The % of max heat map: a diverging scheme around 60% (red = lost most, pale yellow = 60%,
# blue = near full marks), so 40% and 90% are two colours, not two blues (pages point 6).
HEAT_SCHEME = "redyellowblue"
HEAT_DOMAIN = [0, 0.6, 1]

TEXT = "#1f2933"
SUBTLE_TEXT = "#5b6675"
GRID = "#e6e9ee"


def grade_color(grade: str | None) -> str:
    """The colour of a grade band (grey for none or an unknown band)."""
    if grade is None:
        return GRADE_COLORS[NO_GRADE]
    return GRADE_COLORS.get(grade, FALLBACK_GRADE)


def grade_scale(grades: list[str]) -> tuple[list[str], list[str]]:
    """Domain and range for an Altair colour scale over these grades, best first."""
    return list(grades), [grade_color(g) for g in grades]


def unit_type_scale(unit_types: list[str],
                    drawn: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """Domain and range for the unit types of a scheme, in the scheme's order. With `drawn`,
    only the types drawn (a legend names what the chart shows), each still in its scheme
    colour."""
    colors = {t: UNIT_TYPE_COLORS[i % len(UNIT_TYPE_COLORS)] for i, t in enumerate(unit_types)}
    shown = [t for t in unit_types if drawn is None or t in set(drawn)]
    shown += [t for t in dict.fromkeys(drawn or ()) if t not in colors]  # not of the scheme
    return shown, [colors.get(t, UNIT_TYPE_COLORS[len(colors) % len(UNIT_TYPE_COLORS)])
                   for t in shown]


def status_scale() -> tuple[list[str], list[str]]:
    """Domain and range for target status 达争 / 达保 / 未达."""
    return list(STATUS_COLORS), list(STATUS_COLORS.values())
