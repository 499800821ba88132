"""The import templates of CONTRACT.md: which columns each kind of workbook has.

Headers are accepted in Chinese or English; the canonical (English) names are what the pipelines
use after reading. A file's kind is told from its headers alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str  # canonical English name
    zh: str  # Chinese header
    required: bool = True
    dtype: str = "str"  # str | int | float | month | year | bool


@dataclass(frozen=True)
class Template:
    kind: str
    zh: str  # Chinese name of the template
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # columns that identify a row: the same key twice in one load is an error

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


SCHEME = Column("scheme", "方案")
UNIT = Column("unit", "单位")

TEMPLATES: dict[str, Template] = {
    "units": Template(
        "units",
        "单位名录",
        (SCHEME, UNIT, Column("unit_type", "单位类型"), Column("aliases", "别名", required=False)),
        key=("scheme", "unit"),
    ),
    "content": Template(
        "content",
        "内容保障月报",
        (
            SCHEME,
            Column("month", "月份", dtype="month"),
            UNIT,
            Column("item", "项目", dtype="int"),
            Column("count", "条数", dtype="int"),
            Column("city_adopted", "市级录用", dtype="int"),
            Column("province_adopted", "省级录用", dtype="int"),
        ),
        key=("scheme", "month", "unit", "item"),
    ),
    "yearend": Template(
        "yearend",
        "年终评分",
        (
            SCHEME,
            Column("year", "年度", dtype="year"),
            UNIT,
            Column("indicator", "指标"),
            # 分项: the part of a composite indicator (rule kind `parts`), one row per part.
            Column("part", "分项", required=False),
            # Only the column(s) the indicator's rule needs must be filled; see RULE_INPUT_COLUMNS.
            Column("score", "得分", required=False, dtype="float"),
            Column("deduction", "扣分", required=False, dtype="float"),
            Column("actual", "实际值", required=False, dtype="float"),
            Column("numerator", "分子", required=False, dtype="float"),
            Column("denominator", "分母", required=False, dtype="float"),
            Column("times", "次数", required=False, dtype="float"),
            Column("place", "名次", required=False, dtype="int"),
            Column("choice", "选项", required=False),
            Column("exempt", "豁免", required=False, dtype="bool"),
            Column("note", "说明", required=False),
        ),
        key=("scheme", "year", "unit", "indicator", "part"),
    ),
    "adjustments": Template(
        "adjustments",
        "加减分",
        (
            SCHEME,
            Column("year", "年度", dtype="year"),
            UNIT,
            Column("kind", "类别"),
            Column("item", "项目", required=False, dtype="int"),
            Column("level", "级别", required=False),
            Column("reason", "事由"),
            Column("points", "分值", required=False, dtype="float"),
        ),
        # Several events of one clause for one unit are normal; a row is its own key.
        key=(),
    ),
    "metrics": Template(
        "metrics",
        "目标数据",
        (
            SCHEME,
            Column("month", "月份", dtype="month"),
            Column("metric", "指标"),
            Column("value", "数值", dtype="float"),
        ),
        key=("scheme", "month", "metric"),
    ),
}

# Dependency order for loading several kinds in one call: units first.
LOAD_ORDER: tuple[str, ...] = ("units", "content", "yearend", "adjustments", "metrics")

ADJUSTMENT_KINDS = ("加分", "减分")
LEVELS = ("国家级", "省级", "市级", "县级")
YES = ("是", "yes", "y", "true", "1")
NO = ("否", "no", "n", "false", "0", "")
