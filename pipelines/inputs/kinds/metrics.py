"""目标数据 (metrics): the month's figure of each target of the year (保二争一, >2000 ...), by
target code or name."""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from pipelines.inputs.kinds.base import MONTH, SCHEME, Column, InputKind
from pipelines.inputs.normalize import NormalizeError, parse_month, parse_number
from pipelines.inputs.sheet_check import REQUIRED, TOLERANCE, SheetCheck, key_of
from pipelines.inputs.sheet_check import fmt_number as _fmt
from pipelines.schemes.model import Scheme

# The largest target figure taken as typed (a year's cases, documents or calls stay far below).
MAX_METRIC = 1e12


def _implausible_metric(value: float, measure: str | None) -> tuple[str, str] | None:
    """Why a target figure cannot be right (None when it can): not finite, negative, a rate
    above 100%, a rank that is not a whole number from 1, or beyond any real figure."""
    if not math.isfinite(value) or abs(value) > MAX_METRIC:
        return (f"数值过大,不可能是真实的目标数据(上限 {MAX_METRIC:,.0f})",
                f"the value is too large to be a real figure (at most {MAX_METRIC:,.0f})")
    if value < 0:
        return "不能小于 0", "must not be below 0"
    if measure == "rate" and value > 1 + TOLERANCE:
        return (f"比率不能超过 100%;若指 {_fmt(value)}%,请填写「{_fmt(value)}%」"
                f"或 {_fmt(value / 100)}",
                f"a rate cannot be above 100%; for {_fmt(value)}% write "
                f"'{_fmt(value)}%' or {_fmt(value / 100)}")
    if measure == "rank" and (value < 1 or not float(value).is_integer()):
        return "名次应为从 1 起的整数", "a rank is a whole number from 1"
    return None


def validate(check: SheetCheck) -> tuple[pl.DataFrame, None]:
    """Each row's target by code or name, and a plausible value for its measure."""
    ctx = check.ctx
    scheme_col = check.schemes()
    months = check.parse("month", parse_month, required=True, dtype=pl.String)
    check.check_month(scheme_col, months)
    schemes = scheme_col.to_list()
    targets = ctx.dims["targets"].select("scheme", "target", "name", "measure")
    lookup: dict[tuple[str, str], tuple[str, str]] = {}
    for s, code, name, measure in targets.iter_rows():
        lookup.setdefault((s, key_of(name)), (code, measure))
        lookup[(s, key_of(code))] = (code, measure)  # codes win over names
    metrics: list[str | None] = []
    values: list[float | None] = []
    metric_cells = check.raw("metric")
    value_cells = check.raw("value")
    for i, s in enumerate(schemes):
        key = key_of(metric_cells[i])
        found = lookup.get((s, key)) if s is not None and key is not None else None
        if key is None:
            check.add(i, "metric", *REQUIRED)
        elif s is not None and found is None:
            codes = "、".join(targets.filter(pl.col("scheme") == s)["target"].to_list()) or "(无)"
            check.add(i, "metric", f"未知的目标指标;方案「{s}」的指标代码有: {codes}",
                      f"unknown metric: neither a target code nor a target name of the scheme "
                      f"(codes: {codes})")
        metrics.append(found[0] if found else None)
        try:
            # Percentages only for rate targets: "92%" of a count is a typo.
            value = parse_number(value_cells[i], percent=bool(found and found[1] == "rate"))
        except NormalizeError as err:
            check.add(i, "value", err.zh, err.en)
            value = None
        else:
            if value is None:
                check.add(i, "value", *REQUIRED)
            else:
                wrong = _implausible_metric(value, found[1] if found else None)
                if wrong:
                    check.add(i, "value", *wrong)
                    value = None
        values.append(value)
    return KIND.located(check, {
        "scheme": schemes,
        "month": months,
        "year": months.str.slice(0, 4).cast(pl.Int32, strict=False),
        "metric": metrics,
        "value": values,
    }), None



def _lists(scheme: Scheme) -> dict[str, list[str]]:
    return {"metric": [t.code for t in scheme.targets]}


def _targets_table(scheme: Scheme) -> tuple[list[str], list[list[Any]]]:
    head = ["代码 code", "名称 name", "类型 measure", "单位 unit", "目标 target"]
    return head, [[t.code, t.name, t.measure, t.unit, t.text] for t in scheme.targets]


KIND = InputKind(
    kind="metrics",
    zh="目标数据",
    columns=(
        SCHEME,
        Column("month", "月份", dtype="month", help=MONTH, text=True),
        Column("metric", "指标", help=("目标指标代码或名称(见下表)",
                                       "the target's code or name (see below)"), text=True,
               loose_list=True),
        Column("value", "数值", dtype="float",
               help=("数值;比率类指标可填百分数,如 92%", "the value; rates may be written 92%")),
    ),
    key=("scheme", "month", "metric"),
    table="metric_values",
    facts={
        "scheme": pl.String(),
        "month": pl.String(),
        "year": pl.Int32(),
        "metric": pl.String(),
        "value": pl.Float64(),
    },
    replace_key=("scheme", "month", "metric"),
    naming="metric",
    validate=validate,
    order=40,
    lists=_lists,
    reference=_targets_table,
    batched=True,
)
