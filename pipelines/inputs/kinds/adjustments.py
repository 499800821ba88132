"""加减分 (adjustments): a unit's bonus (加分) and penalty (减分) events of the year, each under a
clause of the scheme, at a level where the clause has levels.

Several events of one clause for one unit are normal, so a row is its own key; a file's rows
replace that unit's earlier 加分 or 减分 of the same year.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import polars as pl

from pipelines.inputs.kinds.base import (
    ADJUSTMENT_KINDS,
    LEVELS,
    SCHEME,
    UNIT,
    YEAR,
    Column,
    InputKind,
)
from pipelines.inputs.normalize import parse_number, parse_year
from pipelines.inputs.sheet_check import SheetCheck, i_frame, key_of
from pipelines.inputs.sheet_check import fmt_number as _fmt
from pipelines.schemes.model import Scheme


@cache
def _level_names(label: str | None) -> dict[str, str]:
    names = {key_of(lv): lv for lv in LEVELS}
    if label:
        names[key_of(label)] = "县级"
    return names


def validate(check: SheetCheck) -> tuple[pl.DataFrame, None]:
    """The 加分/减分 clause of each row, its level where the clause has levels, and points
    within the clause's value."""
    from pipelines.inputs import models  # pandera, on the first validation
    ctx = check.ctx
    scheme_col = check.schemes()
    years = check.parse("year", parse_year, required=True, dtype=pl.Int64)
    check.check_year(scheme_col, years)
    units = check.units(scheme_col)
    schemes = scheme_col.to_list()
    kinds_raw = check.text("kind", required=True).to_list()
    items = check.parse("item", parse_number).to_list()
    levels_raw = check.text("level").to_list()
    reasons = check.text("reason", required=True)
    points = check.parse("points", parse_number).to_list()

    clauses = ctx.dims["clauses"]
    by_clause: dict[tuple[str, str, int], dict[str | None, float]] = {}
    for s, k, c, lv, pts in clauses.select("scheme", "kind", "clause", "level",
                                           "points").iter_rows():
        by_clause.setdefault((s, k, c), {})[lv] = pts
    kind_keys = {key_of(k): k for k in ADJUSTMENT_KINDS}

    numbers_of: dict[tuple[str, str], list[int]] = {}
    for cs, ck, c in by_clause:
        numbers_of.setdefault((cs, ck), []).append(c)

    kinds: list[str | None] = []
    clause_out: list[int | None] = []
    level_out: list[str | None] = []
    expected: list[float | None] = []
    for i, s in enumerate(schemes):
        kind = kind_keys.get(key_of(kinds_raw[i]) or "")
        kinds.append(kind)
        clause_out.append(None)
        level_out.append(None)
        expected.append(None)
        if kinds_raw[i] is not None and kind is None:
            check.add(i, "kind", "类别应为 加分 或 减分",
                      "the kind must be 加分 (bonus) or 减分 (penalty)")
        if s is None or kind is None:
            continue
        scheme = ctx.schemes[s]
        numbers = sorted(numbers_of.get((s, kind), []))
        if not numbers:
            check.add(i, "kind", f"方案「{s}」没有{kind}条款", f"the scheme has no {kind} clause")
            continue
        shown = "、".join(str(n) for n in numbers)
        if items[i] is None:
            if len(numbers) != 1:
                check.add(i, "item", f"请填写项目(条款序号);方案「{s}」的{kind}条款有: {shown}",
                          f"the clause number is needed: the scheme has several {kind} "
                          f"clauses ({shown})", value=check.raw("item")[i])
                continue
            number = numbers[0]
        elif not float(items[i]).is_integer() or int(items[i]) not in numbers:
            check.add(i, "item", f"条款序号不在方案中;{kind}条款有: {shown}",
                      f"the clause number is not in the scheme; its {kind} clauses are {shown}")
            continue
        else:
            number = int(items[i])
        clause_out[i] = number
        values = by_clause[(s, kind, number)]
        if None in values:  # a fixed-value clause: no level applies
            expected[i] = values[None]
            continue
        names = _level_names(scheme.county_level_label)
        allowed = "、".join(
            f"{lv}({scheme.county_level_label})" if lv == "县级" and scheme.county_level_label
            else lv for lv in values
        )
        if levels_raw[i] is None:
            check.add(i, "level", f"该条款按级别计分,请填写级别;可选: {allowed}",
                      f"the clause has levels: a level is needed ({allowed})")
            continue
        level = names.get(key_of(levels_raw[i]) or "")
        if level is None or level not in values:
            check.add(i, "level", f"级别不适用于该条款;可选: {allowed}",
                      f"unknown level for this clause; its levels are {allowed}")
            continue
        level_out[i] = level
        expected[i] = values[level]

    frame = i_frame(check.n, points=(points, pl.Float64), expected=(expected, pl.Float64))
    check.run_model(
        models.AdjustmentModel,
        frame,
        {"points_above_clause": lambda r: (
            "points", f"分值超过该条款该级别的分值 {_fmt(r['expected'])}",
            f"the points are above the clause's value for this level, {_fmt(r['expected'])}")},
    )
    final_points = [p if p is not None else e for p, e in zip(points, expected, strict=True)]
    return KIND.located(check, {
        "scheme": schemes,
        "year": years,
        "unit": units["unit"].to_list(),
        "kind": kinds,
        "clause": clause_out,
        "level": level_out,
        "reason": reasons,
        "points": final_points,
    }), None


def _lists(scheme: Scheme) -> dict[str, list[str]]:
    if not scheme.adjustments:
        return {}
    return {"item": sorted({str(c.number) for c in scheme.adjustments.clauses}, key=int)}


def _clauses_table(scheme: Scheme) -> tuple[list[str], list[list[Any]]]:
    head = ["类别 kind", "项目 item", "级别 level", "分值 points", "条文 text"]
    rows: list[list[Any]] = []
    for c in scheme.adjustments.clauses if scheme.adjustments else []:
        if c.levels:
            rows += [[c.kind, c.number, lv, p, c.text] for lv, p in c.levels.items()]
        else:
            rows.append([c.kind, c.number, "", c.fixed, c.text])
    return head, rows


KIND = InputKind(
    kind="adjustments",
    zh="加减分",
    columns=(
        SCHEME,
        Column("year", "年度", dtype="year", help=YEAR),
        UNIT,
        Column("kind", "类别", help=("类别:加分 或 减分", "加分 (bonus) or 减分 (penalty)"),
               text=True),
        Column("item", "项目", required=False, dtype="int",
               help=("加分或减分条款序号;方案中该类别只有一条时可不填",
                     "the clause number; optional where the scheme has one such clause")),
        Column("level", "级别", required=False,
               help=("级别:国家级/省级/市级/县级(本市级)",
                     "the level: 国家级/省级/市级/县级 (the scheme's own county level)"),
               text=True),
        Column("reason", "事由", help=("事由", "what the bonus or penalty is for"), text=True,
               wide=True),
        Column("points", "分值", required=False, dtype="float",
               help=("分值,可选;不填按方案中该条款该级别的分值",
                     "points, optional: the scheme's value for the clause and level if blank")),
    ),
    # Several events of one clause for one unit are normal; a row is its own key.
    key=(),
    table="adjustment_inputs",
    facts={
        "scheme": pl.String(),
        "year": pl.Int32(),
        "unit": pl.String(),
        "kind": pl.String(),
        "clause": pl.Int32(),
        "level": pl.String(),
        "reason": pl.String(),
        "points": pl.Float64(),
    },
    # A file's adjustments replace that unit's earlier ones of the same kind that year.
    replace_key=("scheme", "year", "unit", "kind"),
    naming="reason",
    validate=validate,
    order=30,
    lists=_lists,
    reference=_clauses_table,
)
