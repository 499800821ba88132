"""Validate raw sheets against the templates and the schemes; build the typed fact frames.

Each sheet goes through three passes, and every problem of every pass is kept (a clerk fixes the
whole file at once, not one cell per attempt):

1. text -> values (`normalize`): numbers, months, years, 是/否; a cell that cannot be read is a
   problem naming its row, column and value;
2. references, by Polars joins against the load context: scheme, unit (after trimming, NFKC and
   aliases), unit type, indicator of the unit's rubric, content item, clause, target;
3. ranges, by pandera models (`models.py`) on the joined frame: counts whole and not negative,
   adopted items within the count, scores within the indicator's max, ratios within 0..1,
   places within 1..peers, points within the clause's value.

Rows with any problem are left out of the frames, so a frame never holds half-checked values; a
caller refuses the load whenever the problem list is not empty.

`validate_sheet`/`validate_units` check one sheet alone (duplicates included). A load of several
files uses `validate_located` per sheet and then the load-wide checks `duplicate_problems` and
`unit_load_problems` on the frames with their location columns.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

import polars as pl

from pipelines.inputs.context import LoadContext
from pipelines.inputs.normalize import (
    NormalizeError,
    code_key,
    parse_bool,
    parse_month,
    parse_number,
    parse_year,
    split_aliases,
)
from pipelines.inputs.problems import Problem
from pipelines.inputs.readers import RawSheet
from pipelines.inputs.sheet_check import (
    REQUIRED,
    TOLERANCE,
    SheetCheck,
    fmt_number,
    formatted,
    i_frame,
    key_of,
    keys,
    unit_lookup,
)
from pipelines.inputs.templates import ADJUSTMENT_KINDS, LEVELS, TEMPLATES
from pipelines.rules.registry import refuses_above_one
from pipelines.schemes.model import RULE_INPUT_COLUMNS
from pipelines.schemes.tables import INPUT_COLUMN_ZH, RULE_KIND_ZH

# The warehouse fact tables (warehouse/sql/schema.sql) without load_id.
FACT_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "units": {
        "scheme": pl.String(),
        "unit": pl.String(),
        "unit_type": pl.String(),
        "is_sample": pl.Boolean(),
    },
    "content": {
        "scheme": pl.String(),
        "month": pl.String(),
        "year": pl.Int32(),
        "unit": pl.String(),
        "item": pl.Int32(),
        "count": pl.Int32(),
        "city_adopted": pl.Int32(),
        "province_adopted": pl.Int32(),
    },
    "yearend": {
        "scheme": pl.String(),
        "year": pl.Int32(),
        "unit": pl.String(),
        "indicator": pl.String(),
        "part": pl.String(),
        "score": pl.Float64(),
        "deduction": pl.Float64(),
        "actual": pl.Float64(),
        "numerator": pl.Float64(),
        "denominator": pl.Float64(),
        "times": pl.Float64(),
        "place": pl.Int32(),
        "choice": pl.String(),
        "exempt": pl.Boolean(),
        "note": pl.String(),
    },
    "adjustments": {
        "scheme": pl.String(),
        "year": pl.Int32(),
        "unit": pl.String(),
        "kind": pl.String(),
        "clause": pl.Int32(),
        "level": pl.String(),
        "reason": pl.String(),
        "points": pl.Float64(),
    },
    "metrics": {
        "scheme": pl.String(),
        "month": pl.String(),
        "year": pl.Int32(),
        "metric": pl.String(),
        "value": pl.Float64(),
    },
}
ALIAS_FRAME_SCHEMA: dict[str, pl.DataType] = {
    "scheme": pl.String(),
    "alias": pl.String(),
    "unit": pl.String(),
}
# Where each row came from, for load-wide checks: file, sheet, Excel row, and the header and typed
# value of the cell that names the row (unit, indicator, item, metric or alias).
LOCATION_SCHEMA: dict[str, pl.DataType] = {
    "_file": pl.String(),
    "_sheet": pl.String(),
    "_row": pl.Int32(),
    "_col": pl.String(),
    "_val": pl.String(),
}
# The cell that names a row in duplicate messages, per kind.
NAMING_COLUMN = {
    "units": "unit",
    "content": "item",
    "yearend": "indicator",
    "adjustments": "reason",
    "metrics": "metric",
}

def empty_frame(kind: str, located: bool = False) -> pl.DataFrame:
    """An empty fact frame of this kind (with the location columns when `located`)."""
    schema = dict(FACT_SCHEMAS[kind])
    if located:
        schema |= LOCATION_SCHEMA
    return pl.DataFrame(schema=schema)


def strip_location(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame without the location columns."""
    return frame.drop([c for c in LOCATION_SCHEMA if c in frame.columns])


@dataclass
class Validated:
    """One sheet after validation: its rows with location columns, and its problems.

    `aliases` is set for a units sheet only (scheme, alias, unit plus location columns).
    """

    kind: str
    frame: pl.DataFrame
    problems: list[Problem]
    aliases: pl.DataFrame | None = None


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def validate_sheet(sheet: RawSheet, ctx: LoadContext) -> tuple[pl.DataFrame, list[Problem]]:
    """Validate one sheet alone: the typed frame shaped like its fact table, and every problem.

    For a units sheet the frame is the units table; use `validate_units` for the aliases too.
    Rows with problems are left out of the frame.
    """
    result = validate_located(sheet, ctx)
    problems = list(result.problems)
    if sheet.kind == "units":
        problems += unit_load_problems(result.frame, result.aliases, ctx)
    else:
        problems += duplicate_problems(sheet.kind, [result.frame])
    return strip_location(result.frame), problems


def validate_units(
    sheet: RawSheet, ctx: LoadContext
) -> tuple[pl.DataFrame, pl.DataFrame, list[Problem]]:
    """Validate one units sheet alone: (units frame, aliases frame, problems)."""
    if sheet.kind != "units":
        raise ValueError(f"not a units sheet: {sheet.kind}")
    result = validate_located(sheet, ctx)
    assert result.aliases is not None
    problems = result.problems + unit_load_problems(result.frame, result.aliases, ctx)
    return strip_location(result.frame), strip_location(result.aliases), problems


def validate_located(sheet: RawSheet, ctx: LoadContext) -> Validated:
    """Row-level validation of one sheet; the frame keeps the location columns.

    Duplicates and unit/alias clashes span sheets and files: check them with `duplicate_problems`
    and `unit_load_problems` once every sheet of a load is validated.
    """
    check = _SheetCheck(sheet, ctx)
    if sheet.kind == "units":
        frame, aliases = _units(check)
        return Validated("units", frame, check.problems, aliases)
    return Validated(sheet.kind, _BUILDERS[sheet.kind](check), check.problems)


def batch_key(sheet: RawSheet) -> tuple:
    """Sheets with the same key can be validated together (`validate_together`): one kind (not
    units), the same columns and the same headers as written."""
    return (sheet.kind, tuple(sheet.frame.columns), tuple(sorted(sheet.headers.items())))


def validate_together(sheets: list[RawSheet], ctx: LoadContext
                      ) -> tuple[list[pl.DataFrame], list[Problem]]:
    """Row-level validation of several sheets with the same `batch_key` in one pass (a load's
    monthly files: fewer, larger column operations). Gives each sheet's located frame, as
    `validate_located` would, and every problem, each naming its own file and Excel row."""
    kind = sheets[0].kind
    if kind == "units" or any(batch_key(s) != batch_key(sheets[0]) for s in sheets):
        raise ValueError("validate_together takes sheets of one kind (not units) with the same "
                         "columns and headers")
    check = _SheetCheck.together(sheets, ctx)
    return check.split(_BUILDERS[kind](check)), check.problems


def duplicate_problems(kind: str, frames: Iterable[pl.DataFrame]) -> list[Problem]:
    """Rows with the same template key within a load (located frames); every such row is named."""
    key = list(TEMPLATES[kind].key)
    if kind == "units":
        key = ["scheme", "unit"]
    frames = [f for f in frames if f.height]
    if not key or not frames:
        return []
    if kind != "units":  # the exact key: find the duplicated rows before building any text
        keys_only = pl.concat([f.select(key) for f in frames], how="vertical_relaxed")
        hashes = keys_only.hash_rows()
        if hashes.n_unique() == hashes.len():  # no two rows alike (the usual load)
            return []
        candidates = hashes.is_duplicated()  # then exactly, on the candidates only
        rows = pl.concat([f.select(*key, *LOCATION_SCHEMA) for f in frames],
                         how="vertical_relaxed").filter(candidates)
        rows = rows.filter(pl.struct(key).is_duplicated())
        if rows.height == 0:
            return []
    else:
        rows = pl.concat([f.select(*key, *LOCATION_SCHEMA) for f in frames],
                         how="vertical_relaxed")
    shown = pl.concat_str(*(pl.col(k).cast(pl.String) for k in key), separator=" / ")
    rows = rows.with_columns(_key=shown, _group=shown)
    if kind == "units":  # "乡镇（街道）" and "乡镇(街道)" are the same unit
        rows = rows.with_columns(
            _group=pl.concat_str(pl.col("scheme"), _keys(rows["unit"]), separator=" / ")
        )
    dups = rows.filter(pl.col("_group").is_duplicated())
    return _duplicate_report(dups, key, kind)


def unit_load_problems(
    units: pl.DataFrame, aliases: pl.DataFrame | None, ctx: LoadContext
) -> list[Problem]:
    """Load-wide checks of units files (located frames of every units sheet of the load).

    A unit listed twice; an alias used twice, or naming another unit (of the load or already
    known), or already the alias of a unit this load does not redefine; a unit named like the
    alias of another known unit.
    """
    problems = duplicate_problems("units", [units])
    if aliases is None or aliases.height == 0:
        aliases = pl.DataFrame(schema=ALIAS_FRAME_SCHEMA | LOCATION_SCHEMA)
    loaded = units.select("scheme", "unit").unique()
    # Names known for each scheme: this load's units and the context's (by match key).
    known_units = pl.concat(
        [units.select("scheme", "unit"), ctx.units.select("scheme", "unit")], how="vertical"
    ).unique()
    known_units = known_units.with_columns(_key=_keys(known_units["unit"]))
    al = aliases.with_columns(_key=_keys(aliases["alias"]))

    # An alias naming another unit.
    names_other = al.join(known_units, on=["scheme", "_key"], how="inner", suffix="_named").filter(
        pl.col("unit_named") != pl.col("unit")
    )
    for r in names_other.iter_rows(named=True):
        problems.append(
            _located_problem(
                r,
                f"别名与另一单位「{r['unit_named']}」的名称相同",
                f"the alias names another unit, '{r['unit_named']}'",
            )
        )
    # The same alias for two units in this load.
    twice = al.filter(pl.col("unit").n_unique().over("scheme", "_key") > 1)
    for r in twice.iter_rows(named=True):
        others = sorted(
            set(twice.filter((pl.col("scheme") == r["scheme"]) & (pl.col("_key") == r["_key"])
                             & (pl.col("unit") != r["unit"]))["unit"].to_list())
        )
        problems.append(
            _located_problem(
                r,
                f"别名重复使用:也是「{'、'.join(others)}」的别名",
                f"the alias is used twice: it is also an alias of {', '.join(others)}",
            )
        )
    # An alias already registered for a unit this load does not redefine.
    kept_aliases = ctx.aliases.join(loaded, on=["scheme", "unit"], how="anti")
    kept_aliases = kept_aliases.with_columns(_key=_keys(kept_aliases["alias"]))
    kept_named = kept_aliases.select("scheme", "_key", pl.col("unit").alias("unit_named"))
    taken = al.join(kept_named, on=["scheme", "_key"], how="inner").filter(
        pl.col("unit_named") != pl.col("unit")
    )
    for r in taken.iter_rows(named=True):
        problems.append(
            _located_problem(
                r,
                f"别名已是单位「{r['unit_named']}」的别名",
                f"the alias is already an alias of '{r['unit_named']}'",
            )
        )
    # A unit named like another known unit's alias.
    u = units.with_columns(_key=_keys(units["unit"]))
    shadow = u.join(kept_named, on=["scheme", "_key"], how="inner").filter(
        pl.col("unit_named") != pl.col("unit")
    )
    for r in shadow.iter_rows(named=True):
        problems.append(
            _located_problem(
                r,
                f"单位名称已是单位「{r['unit_named']}」的别名",
                f"the unit name is already an alias of '{r['unit_named']}'",
            )
        )
    return problems


# ---------------------------------------------------------------------------------------------
# Shared machinery
# ---------------------------------------------------------------------------------------------


def _keys(values: pl.Series | list) -> pl.Series:
    return keys(values)


def _located_problem(r: dict[str, Any], zh: str, en: str) -> Problem:
    return Problem(r["_file"], r["_sheet"], r["_row"], r["_col"], r["_val"], zh, en)


def _where(file: str, sheet: str | None, row: int) -> str:
    return f"{file}" + (f"「{sheet}」" if sheet else "") + f" 第{row}行"


def _where_en(file: str, sheet: str | None, row: int) -> str:
    return f"{file}" + (f" sheet '{sheet}'" if sheet else "") + f" row {row}"


# How many other copies the first occurrence of a duplicated key names; the rest are counted.
SHOWN_DUPLICATES = 5


def _duplicate_report(dups: pl.DataFrame, key: list[str], kind: str) -> list[Problem]:
    """One problem per duplicated row, linear in the rows: each later copy names the first
    occurrence of its key; the first names up to SHOWN_DUPLICATES later copies and counts the
    rest (N identical rows give N problems, not N × N places)."""
    problems: list[Problem] = []
    if dups.height == 0:
        return problems
    headers_zh = "、".join(_zh(kind, k) for k in key)
    first_seen: dict[str, tuple] = {}
    later: dict[str, list[tuple]] = {}
    later_count: dict[str, int] = {}
    records = dups.select("_group", "_file", "_sheet", "_row", "_col", "_val", "_key").rows()
    for group, *place in ((r[0], r[1], r[2], r[3]) for r in records):
        if group not in first_seen:
            first_seen[group] = tuple(place)
            later[group], later_count[group] = [], 0
        else:
            later_count[group] += 1
            if len(later[group]) < SHOWN_DUPLICATES:
                later[group].append(tuple(place))
    for group, file, sheet, row, col, val, shown_key in records:
        place = (file, sheet, row)
        if place == first_seen[group]:
            others = later[group]
            rest = later_count[group] - len(others)
        else:
            others, rest = [first_seen[group]], 0
        more_zh = f" 等共 {later_count[group]} 处" if rest else ""
        more_en = f" and {rest} more" if rest else ""
        problems.append(Problem(
            file, sheet, row, col, val,
            f"重复:与 {';'.join(_where(*p) for p in others)}{more_zh} 的({headers_zh})相同:"
            f"{shown_key}",
            f"duplicate: the same ({', '.join(key)}) as "
            f"{'; '.join(_where_en(*p) for p in others)}{more_en}: {shown_key}",
        ))
    return problems


def _zh(kind: str, column: str) -> str:
    for c in TEMPLATES[kind].columns:
        if c.name == column:
            return c.zh
    return column


class _SheetCheck(SheetCheck):
    """A sheet under validation, with the located output of this module's fact frames."""

    def located(self, kind: str, data: dict[str, pl.Series | list[Any]]) -> pl.DataFrame:
        """The rows without problems, typed like the fact table, with location columns."""
        return super().located(FACT_SCHEMAS[kind], LOCATION_SCHEMA, NAMING_COLUMN[kind], data)


def _models() -> ModuleType:
    """The pandera models of the range checks, imported on the first validation (with pandera:
    see pipelines/inputs/models.py)."""
    from pipelines.inputs import models

    return models


_fmt = fmt_number
_i_frame = i_frame
_unit_lookup = unit_lookup


# ---------------------------------------------------------------------------------------------
# units 单位名录
# ---------------------------------------------------------------------------------------------


def _units(check: _SheetCheck) -> tuple[pl.DataFrame, pl.DataFrame]:
    ctx = check.ctx
    schemes = check.schemes().to_list()
    names = check.text("unit", required=True).to_list()
    # A unit already known under an equivalent spelling keeps its known name.
    known = {
        (s, key_of(u)): u
        for s, u in ctx.units.select("scheme", "unit").iter_rows()
    }
    units = [
        known.get((s, key_of(u)), u) if s is not None and u is not None else u
        for s, u in zip(schemes, names, strict=True)
    ] if known else names
    types_by_scheme: dict[str, dict[str, str]] = {}
    for s, t in ctx.dims["unit_types"].select("scheme", "unit_type").iter_rows():
        types_by_scheme.setdefault(s, {})[key_of(t)] = t
    unit_types: list[str | None] = []
    for i, cell in enumerate(check.raw("unit_type")):
        key, s = key_of(cell), schemes[i]
        found = types_by_scheme.get(s or "", {}).get(key or "")
        if key is None:
            check.add(i, "unit_type", *REQUIRED)
        elif s is not None and found is None:
            allowed = "、".join(types_by_scheme.get(s, {}).values())
            check.add(i, "unit_type", f"单位类型不在方案「{s}」中;可用: {allowed}",
                      f"the unit type is not in the scheme; its types are: {allowed}")
        unit_types.append(found)

    sheet_rows = check.sheet.rows
    alias_rows: dict[str, list[Any]] = {k: [] for k in [*ALIAS_FRAME_SCHEMA, *LOCATION_SCHEMA]}
    for i, cell in enumerate(check.raw("aliases")):
        for alias in split_aliases(cell):
            if units[i] is None or key_of(alias) == key_of(units[i]):
                continue  # an alias equal to the unit's own name adds nothing
            for k, v in zip(
                (*ALIAS_FRAME_SCHEMA, *LOCATION_SCHEMA),
                (schemes[i], alias, units[i], check.sheet.file, check.sheet.sheet,
                 sheet_rows[i], check.sheet.header("aliases"), alias),
                strict=True,
            ):
                alias_rows[k].append(v)
    aliases = pl.DataFrame(alias_rows, schema=ALIAS_FRAME_SCHEMA | LOCATION_SCHEMA)
    bad = check.bad().to_list()
    good_rows = {sheet_rows[i] for i in range(check.n) if not bad[i]}
    aliases = aliases.filter(pl.col("_row").is_in(list(good_rows)))
    frame = check.located(
        "units",
        {"scheme": schemes, "unit": units, "unit_type": unit_types, "is_sample": [False] * check.n},
    )
    return frame, aliases


# ---------------------------------------------------------------------------------------------
# content 内容保障月报
# ---------------------------------------------------------------------------------------------


def _content(check: _SheetCheck) -> pl.DataFrame:
    ctx = check.ctx
    schemes = check.schemes()
    months = check.parse("month", parse_month, required=True, dtype=pl.String)
    check.check_month(schemes, months)
    units = check.units(schemes)
    items_raw = check.parse("item", parse_number, required=True)
    count = check.parse("count", parse_number, required=True)
    # Blank adoption cells mean none adopted: clerks leave them empty.
    city = check.parse("city_adopted", parse_number).fill_null(0.0)
    province = check.parse("province_adopted", parse_number).fill_null(0.0)

    items = ctx.dims["content_items"].select("scheme", "item")
    with_content = [s for s, sc in ctx.schemes.items() if sc.content is not None]
    given = schemes.is_not_null() & items_raw.is_not_null()
    whole = ((items_raw % 1) == 0) & (items_raw.abs() < 2**31)
    item_int = pl.select(pl.when(pl.lit(whole)).then(pl.lit(items_raw))).to_series().cast(
        pl.Int32, strict=False).alias("item")
    known = pl.DataFrame({"scheme": schemes, "item": item_int}).join(
        items.with_columns(_known=pl.lit(True)), on=["scheme", "item"], how="left",
        maintain_order="left").get_column("_known").fill_null(False)
    no_content = given & ~schemes.is_in(with_content)
    check.add_many(no_content, "item", formatted("方案「{s}」没有内容保障月报(无内容保障项目)",
                                                 s=schemes),
                   "the scheme has no monthly content section")
    ranges = items.group_by("scheme").agg(lo=pl.col("item").min(), hi=pl.col("item").max())
    span = pl.DataFrame({"scheme": schemes}).join(ranges, on="scheme", how="left",
                                                  maintain_order="left")
    check.add_many(given & schemes.is_in(with_content) & ~(whole & known), "item",
                   formatted("未知的内容保障项目;应为 {lo}–{hi} 中的序号", lo=span["lo"],
                             hi=span["hi"]),
                   formatted("unknown content item; the scheme's items are {lo}-{hi}",
                             lo=span["lo"], hi=span["hi"]))

    frame = _i_frame(check.n, count=(count, pl.Float64), city_adopted=(city, pl.Float64),
                     province_adopted=(province, pl.Float64))

    def adopted(r: dict[str, Any]) -> tuple[str, str, str]:
        a, p, c = _fmt(r["city_adopted"]), _fmt(r["province_adopted"]), _fmt(r["count"])
        return ("count", f"市级录用({a}) + 省级录用({p}) 超过 条数({c})",
                f"city_adopted ({a}) + province_adopted ({p}) exceed count ({c})")

    check.run_model(_models().ContentModel, frame, {"adopted_above_count": adopted})
    return check.located(
        "content",
        {
            "scheme": schemes,
            "month": months,
            "year": months.str.slice(0, 4).cast(pl.Int32, strict=False),
            "unit": units["unit"],
            "item": item_int,
            "count": _int(count),
            "city_adopted": _int(city),
            "province_adopted": _int(province),
        },
    )


def _int(values: pl.Series) -> pl.Series:
    """Whole numbers as Int32 (null where not whole or too large: such rows have a problem)."""
    whole = ((values % 1) == 0) & (values.abs() < 2**31)
    return pl.select(pl.when(pl.lit(whole)).then(pl.lit(values))).to_series().cast(
        pl.Int32, strict=False)


# ---------------------------------------------------------------------------------------------
# yearend 年终评分
# ---------------------------------------------------------------------------------------------


_NUMERIC_YEAREND = ("score", "deduction", "numerator", "denominator", "times")


def _indicator_lookup(ctx: LoadContext) -> pl.DataFrame:
    """(scheme, rubric, code key) -> the indicator's code, max points, rule, peers, exemption,
    and the messages for an unknown code of that rubric. Computed once per scheme dimensions."""
    cached = ctx.__dict__.get("_indicator_lookup")
    if cached is not None and cached[0] is ctx.dims:
        return cached[1]
    ind = ctx.dims["indicators"].select(
        "scheme", "rubric", "code", "name", "max_points", "rule_kind", "rule_params"
    )
    ind = ind.with_columns(_code=pl.Series([code_key(c) for c in ind["code"]], dtype=pl.String))
    # Two codes that compare equal as numbers ("1" and "01") match exactly, never by value.
    clash = pl.len().over("scheme", "rubric", "_code") > 1
    ind = ind.with_columns(
        _code=pl.when(clash).then(_keys(ind["code"])).otherwise(pl.col("_code"))
    )
    params = [json.loads(p) if p else {} for p in ind["rule_params"].to_list()]
    kinds = ind["rule_kind"].to_list()
    ind = ind.with_columns(
        peers=pl.Series([p.get("peers") if k == "rank_tiers" else None
                         for p, k in zip(params, kinds, strict=True)], dtype=pl.Float64),
        _options=pl.Series([list(p.get("options", {})) if k == "choice" else []
                            for p, k in zip(params, kinds, strict=True)],
                           dtype=pl.List(pl.String)),
        # A ratio or rate above 1 is refused unless the rule says above_one: cap.
        refuses_above_one=pl.Series([refuses_above_one(k, p)
                                     for p, k in zip(params, kinds, strict=True)],
                                    dtype=pl.Boolean),
    )
    rubrics = ctx.dims["rubrics"].select(
        "scheme", "rubric", pl.col("name").alias("rubric_name"), "allows_exemption"
    )
    lookup = ind.join(rubrics, on=["scheme", "rubric"], how="left")
    ctx.__dict__["_indicator_lookup"] = (ctx.dims, lookup)
    return lookup


def _unknown_code_messages(ctx: LoadContext) -> pl.DataFrame:
    """Per (scheme, rubric): the messages for a code not in that rubric, with its code range."""
    rows = []
    names = dict(ctx.dims["rubrics"].select(pl.concat_str("scheme", "rubric"), "name").iter_rows())
    for (s, r), g in ctx.dims["indicators"].group_by(["scheme", "rubric"]):
        lo, hi = g["code"][0], g["code"][-1]
        name = names.get(f"{s}{r}", r)
        rows.append((s, r, f"未知的指标编号:不在「{name}」中(该细则编号为 {lo} … {hi})",
                     f"unknown indicator code for the unit's rubric '{r}' "
                     f"(its codes run {lo} ... {hi})"))
    return pl.DataFrame(rows, schema={"scheme": pl.String, "rubric": pl.String,
                                      "_zh": pl.String, "_en": pl.String}, orient="row")


def _yearend(check: _SheetCheck) -> pl.DataFrame:
    ctx = check.ctx
    schemes = check.schemes()
    years = check.parse("year", parse_year, required=True, dtype=pl.Int64)
    check.check_year(schemes, years)
    units = check.units(schemes)
    codes = check.parse("indicator", code_key, required=True, dtype=pl.String)
    values = {c: check.parse(c, parse_number) for c in _NUMERIC_YEAREND}
    values["actual"] = check.parse("actual", parse_number, percent=True)
    place = check.parse("place", parse_number)
    choice = check.text("choice")
    exempt = check.parse("exempt", parse_bool, dtype=pl.Boolean).fill_null(False)
    note = check.text("note")

    # Rubric of each row from the unit's type, then the indicator by code within that rubric.
    rows = pl.DataFrame({"scheme": schemes, "_code": codes}).hstack(
        units.select("unit", "unit_type", "rubric"))
    joined = rows.join(_indicator_lookup(ctx), on=["scheme", "rubric", "_code"], how="left",
                       maintain_order="left")
    col = joined.get_column
    no_rubric = col("unit").is_not_null() & col("unit_type").is_not_null() & col("rubric").is_null()
    check.add_many(
        no_rubric, "unit",
        formatted("方案「{s}」中没有适用于单位类型「{t}」的年终评分细则", s=schemes,
                  t=col("unit_type")),
        formatted("the scheme has no year-end rubric for the unit's type '{t}'",
                  t=col("unit_type")))
    coded = col("rubric").is_not_null() & col("_code").is_not_null()
    unknown = coded & col("code").is_null()
    if unknown.any():
        msgs = joined.select("scheme", "rubric").join(
            _unknown_code_messages(ctx), on=["scheme", "rubric"], how="left",
            maintain_order="left")
        check.add_many(unknown, "indicator", msgs["_zh"], msgs["_en"])
    active = coded & col("code").is_not_null()
    check.add_many(active & exempt & ~col("allows_exemption").fill_null(False), "exempt",
                   formatted("「{r}」不允许豁免指标", r=col("rubric_name")),
                   "this rubric allows no exemption")
    part = check.text("part").fill_null("")
    joined, part = _resolve_parts(check, joined, part, active)
    col = joined.get_column

    # The input column(s) each indicator's rule reads: missing from the sheet, or blank.
    kinds_needing: dict[str, list[str]] = {}
    for kind, columns in RULE_INPUT_COLUMNS.items():
        for column in columns:
            kinds_needing.setdefault(column, []).append(kind)
    kind_zh = {k: RULE_KIND_ZH[k] for k in RULE_INPUT_COLUMNS}
    for column, kinds in kinds_needing.items():
        needs = active & col("rule_kind").is_in(kinds)
        if not needs.any():
            continue
        if not check.has(column):
            for source, needs_here in check.by_source(needs):  # each file names its own codes
                need_codes = col("code").filter(needs_here).unique(maintain_order=True).to_list()
                shown = ", ".join(need_codes[:20]) + (f" … (+{len(need_codes) - 20})"
                                                      if len(need_codes) > 20 else "")
                zh_col = INPUT_COLUMN_ZH[column]
                check.add_sheet(
                    column,
                    f"缺少「{zh_col}」列:以下指标的计分规则需要它: {shown}",
                    f"the column '{zh_col}' [{column}] is missing; these indicators need it: "
                    f"{shown}",
                    source=source,
                )
            continue
        rule_zh = col("rule_kind").replace_strict(kind_zh, default="", return_dtype=pl.String)
        check.add_many(
            needs & ~exempt & check.blank(column), column,
            formatted("该指标(计分规则:{rule})需要填写「{c}」", rule=rule_zh,
                      c=INPUT_COLUMN_ZH[column]),
            formatted("the indicator's rule ({k}) needs a value in '{c}' unless exempt",
                      k=col("rule_kind"), c=column))

    # A choice must be one of the indicator's options (matched by key, stored as written there).
    is_choice = active & (col("rule_kind") == "choice") & choice.is_not_null()
    if is_choice.any():
        options = joined.select(
            "scheme", "rubric", "code", _key=keys(choice), _options="_options",
            _i=pl.int_range(pl.len()),
        ).filter(is_choice)
        pairs = options.explode("_options").drop_nulls("_options").with_columns(
            _okey=keys(pl.Series(options.explode("_options").drop_nulls("_options")["_options"]))
        ).filter(pl.col("_okey") == pl.col("_key")).unique("_i", keep="first")
        matched = pl.DataFrame({"_i": pl.int_range(check.n, eager=True)}).join(
            pairs.select("_i", "_options"), on="_i", how="left", maintain_order="left"
        ).get_column("_options")
        choice = pl.select(pl.when(pl.lit(is_choice)).then(pl.lit(matched))
                           .otherwise(pl.lit(choice))).to_series().alias("choice")
        opts = col("_options").list.join("、")
        check.add_many(is_choice & matched.is_null(), "choice",
                       formatted("选项不在可选范围内;可选: {o}", o=opts),
                       formatted("the choice is not one of the options: {o}",
                                 o=col("_options").list.join("; ")))

    is_rate = col("rule_kind") == "rate_target"
    frame = _i_frame(
        check.n,
        **{c: (values[c], pl.Float64) for c in (*_NUMERIC_YEAREND, "actual")},
        place=(place, pl.Float64),
        max_points=(col("max_points"), pl.Float64),
        peers=(col("peers"), pl.Float64),
        is_ratio=((col("rule_kind") == "ratio").fill_null(False), pl.Boolean),
        is_rate=(is_rate.fill_null(False), pl.Boolean),
        refuses_above_one=(col("refuses_above_one").fill_null(False), pl.Boolean),
    )
    messages = {
        "score_above_max": lambda r: (
            "score", f"得分超过该指标的分值 {_fmt(r['max_points'])}",
            f"the score is above the indicator's max points, {_fmt(r['max_points'])}"),
        "place_above_peers": lambda r: (
            "place", f"名次应在 1 到 {_fmt(r['peers'])} 之间",
            f"the place must be between 1 and {_fmt(r['peers'])}"),
        "ratio_zero_denominator": lambda r: (
            "denominator", "分母为 0,无法计算比值",
            "the denominator is 0: no ratio can be computed"),
        "ratio_above_one": lambda r: (
            "numerator", f"分子({_fmt(r['numerator'])})大于分母({_fmt(r['denominator'])}),"
            "比值不能超过 1,请检查是否录入有误(该指标的计分规则为 above_one: refuse 拒绝;"
            "若分子本可大于分母,方案中应写 above_one: cap 按满分计)",
            f"the numerator ({_fmt(r['numerator'])}) is above the denominator "
            f"({_fmt(r['denominator'])}): a ratio above 1 is refused as a typo (the rule says "
            "above_one: refuse; a scheme where it can happen says above_one: cap)"),
        "rate_above_one": lambda r: (
            "actual", f"实际值 {_fmt(r['actual'])} 超过 100%:比率应在 0 到 1(或 0% 到 100%)之间"
            "(该指标的计分规则为 above_one: refuse 拒绝;若比率本可超过 100%,如增长率,方案中应写 "
            "above_one: cap)",
            f"the actual rate {_fmt(r['actual'])} is above 100%: a rate runs from 0 to 1 "
            "(0% to 100%) (the rule says above_one: refuse; a scheme whose rate can pass 100%, "
            "a growth rate, says above_one: cap)"),
    }
    check.run_model(_models().YearendModel, frame, messages)
    return check.located(
        "yearend",
        {
            "scheme": schemes,
            "year": years,
            "unit": units["unit"],
            "indicator": col("code"),
            "part": part,
            **{c: values[c] for c in ("score", "deduction", "actual", "numerator",
                                      "denominator", "times")},
            "place": _int(place),
            "choice": choice,
            "exempt": exempt,
            "note": note,
        },
    )


def _part_lookup(ctx: LoadContext) -> pl.DataFrame:
    """(scheme, rubric, code, part key) -> each part of a composite indicator (rule kind
    `parts`): its name, rule kind and parameters, points, peers, options, ratio policy."""
    cached = ctx.__dict__.get("_part_lookup")
    if cached is not None and cached[0] is ctx.dims:
        return cached[1]
    rows = []
    composites = ctx.dims["indicators"].filter(pl.col("rule_kind") == "parts")
    for r in composites.select("scheme", "rubric", "code", "rule_params").iter_rows(named=True):
        for p in json.loads(r["rule_params"])["parts"]:
            rule = dict(p["rule"])
            kind = rule.pop("kind")
            rows.append({
                "scheme": r["scheme"], "rubric": r["rubric"], "code": r["code"],
                "_pkey": key_of(p["name"]), "_part": p["name"], "_pkind": kind,
                "_pparams": json.dumps(rule, ensure_ascii=False),
                "_pmax": float(p["max_points"]),
                "_ppeers": rule.get("peers") if kind == "rank_tiers" else None,
                "_poptions": list(rule.get("options", {})) if kind == "choice" else [],
                "_prefuses": refuses_above_one(kind, rule),
            })
    schema = {"scheme": pl.String, "rubric": pl.String, "code": pl.String, "_pkey": pl.String,
              "_part": pl.String, "_pkind": pl.String, "_pparams": pl.String,
              "_pmax": pl.Float64, "_ppeers": pl.Float64, "_poptions": pl.List(pl.String),
              "_prefuses": pl.Boolean}
    lookup = pl.DataFrame(rows, schema=schema)
    ctx.__dict__["_part_lookup"] = (ctx.dims, lookup)
    return lookup


def _resolve_parts(check: SheetCheck, joined: pl.DataFrame, part: pl.Series, active: pl.Series
                   ) -> tuple[pl.DataFrame, pl.Series]:
    """Rows of a composite indicator (rule kind `parts`) name one of its parts in 分项 and are
    checked by that part's rule, points and parameters: `joined` gets the part's rule kind,
    parameters, max points, peers, options and ratio policy. Under `composite_entry: score` a
    composite is one 得分 row without a part. Returns `joined` and the canonical part names."""
    col = joined.get_column
    given = part != ""
    composite = active & (col("rule_kind") == "parts")
    check.add_many(active & ~composite & given, "part",
                   formatted("指标 {c} 不是分项计分的指标,「分项」应留空", c=col("code")),
                   formatted("indicator {c} has no parts: leave 分项 [part] blank", c=col("code")))
    if not composite.any():
        return joined, part
    entries = {sid: s.composite_entry for sid, s in check.ctx.schemes.items()}
    entry = col("scheme").replace_strict(entries, default="parts", return_dtype=pl.String)
    by_score = composite & (entry == "score")
    check.add_many(by_score & given, "part",
                   "该方案的分项指标按总分录入(composite_entry: score):填写「得分」,「分项」留空",
                   "this scheme enters composite indicators as one total "
                   "(composite_entry: score): fill 得分 and leave 分项 [part] blank")
    by_parts = composite & (entry == "parts")
    lookup = _part_lookup(check.ctx)
    names = lookup.group_by("scheme", "rubric", "code", maintain_order=True).agg(
        _names=pl.col("_part").str.join("、"))
    matched = joined.select("scheme", "rubric", "code").with_columns(_pkey=keys(part)).join(
        lookup, on=["scheme", "rubric", "code", "_pkey"], how="left", maintain_order="left"
    ).join(names, on=["scheme", "rubric", "code"], how="left", maintain_order="left")
    listed = matched.get_column("_names")
    check.add_many(by_parts & ~given, "part",
                   formatted("指标 {c} 按分项计分,须填写「分项」:{n}", c=col("code"), n=listed),
                   formatted("indicator {c} is scored by parts: name the part in 分项 [part]: {n}",
                             c=col("code"), n=listed))
    found = (by_parts & given & matched.get_column("_part").is_not_null()).fill_null(False)
    check.add_many(by_parts & given & ~found, "part",
                   formatted("未知的分项;指标 {c} 的分项为:{n}", c=col("code"), n=listed),
                   formatted("unknown part; the parts of indicator {c} are: {n}",
                             c=col("code"), n=listed))
    both = joined.hstack(matched.drop("scheme", "rubric", "code", "_names")).with_columns(
        _found=found, _score=by_score.fill_null(False))
    f, sc = pl.col("_found"), pl.col("_score")
    both = both.with_columns(
        rule_kind=pl.when(f).then("_pkind").when(sc).then(pl.lit("assessor_score"))
        .otherwise("rule_kind"),
        rule_params=pl.when(f).then("_pparams").when(sc).then(pl.lit("{}"))
        .otherwise("rule_params"),
        max_points=pl.when(f).then("_pmax").otherwise("max_points"),
        peers=pl.when(f).then("_ppeers").when(sc).then(None).otherwise("peers"),
        _options=pl.when(f).then("_poptions").when(sc).then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise("_options"),
        refuses_above_one=pl.when(f).then("_prefuses").when(sc).then(False)
        .otherwise("refuses_above_one"),
    )
    canonical = both.select(pl.when(f).then("_part").otherwise(pl.lit(part))).to_series()
    return both.select(joined.columns), canonical.alias("part")


# ---------------------------------------------------------------------------------------------
# adjustments 加减分
# ---------------------------------------------------------------------------------------------


@cache
def _level_names(label: str | None) -> dict[str, str]:
    names = {key_of(lv): lv for lv in LEVELS}
    if label:
        names[key_of(label)] = "县级"
    return names


def _adjustments(check: _SheetCheck) -> pl.DataFrame:
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

    frame = _i_frame(check.n, points=(points, pl.Float64), expected=(expected, pl.Float64))
    check.run_model(
        _models().AdjustmentModel,
        frame,
        {"points_above_clause": lambda r: (
            "points", f"分值超过该条款该级别的分值 {_fmt(r['expected'])}",
            f"the points are above the clause's value for this level, {_fmt(r['expected'])}")},
    )
    final_points = [p if p is not None else e for p, e in zip(points, expected, strict=True)]
    return check.located(
        "adjustments",
        {
            "scheme": schemes,
            "year": years,
            "unit": units["unit"].to_list(),
            "kind": kinds,
            "clause": clause_out,
            "level": level_out,
            "reason": reasons,
            "points": final_points,
        },
    )


# ---------------------------------------------------------------------------------------------
# metrics 目标数据
# ---------------------------------------------------------------------------------------------


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
        return (f"比率不能超过 100%;若指 {fmt_number(value)}%,请填写「{fmt_number(value)}%」"
                f"或 {fmt_number(value / 100)}",
                f"a rate cannot be above 100%; for {fmt_number(value)}% write "
                f"'{fmt_number(value)}%' or {fmt_number(value / 100)}")
    if measure == "rank" and (value < 1 or not float(value).is_integer()):
        return "名次应为从 1 起的整数", "a rank is a whole number from 1"
    return None


def _metrics(check: _SheetCheck) -> pl.DataFrame:
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
    return check.located(
        "metrics",
        {
            "scheme": schemes,
            "month": months,
            "year": months.str.slice(0, 4).cast(pl.Int32, strict=False),
            "metric": metrics,
            "value": values,
        },
    )


_BUILDERS: dict[str, Callable[[_SheetCheck], pl.DataFrame]] = {
    "content": _content,
    "yearend": _yearend,
    "adjustments": _adjustments,
    "metrics": _metrics,
}
