"""Validate raw sheets against the templates and the schemes; build the typed fact frames.

Each sheet goes through three passes, and every problem of every pass is kept (a clerk fixes the
whole file at once, not one cell per attempt):

1. text -> values (`normalize`): numbers, months, years, 是/否; a cell that cannot be read is a
   problem naming its row, column and value;
2. references, by Polars joins against the load context: scheme, unit (after trimming, NFKC and
   aliases), unit type, indicator of the unit's rubric, content item, clause, target;
3. ranges, by pandera models on the joined frame: counts whole and not negative, adopted items
   within the count, scores within the indicator's max, ratios within 0..1, places within
   1..peers, points within the clause's value.

Rows with any problem are left out of the frames, so a frame never holds half-checked values; a
caller refuses the load whenever the problem list is not empty.

`validate_sheet`/`validate_units` check one sheet alone (duplicates included). A load of several
files uses `validate_located` per sheet and then the load-wide checks `duplicate_problems` and
`unit_load_problems` on the frames with their location columns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandera.polars as pa
import polars as pl

from pipelines.inputs.context import LoadContext
from pipelines.inputs.normalize import (
    NormalizeError,
    clean_text,
    code_key,
    match_key,
    parse_bool,
    parse_month,
    parse_number,
    parse_year,
    split_aliases,
)
from pipelines.inputs.problems import Problem
from pipelines.inputs.readers import RawSheet
from pipelines.inputs.templates import ADJUSTMENT_KINDS, LEVELS, TEMPLATES
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

REQUIRED = ("必填,不能为空", "required: must not be empty")
TOLERANCE = 1e-9


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
    builders: dict[str, Callable[[_SheetCheck], pl.DataFrame]] = {
        "content": _content,
        "yearend": _yearend,
        "adjustments": _adjustments,
        "metrics": _metrics,
    }
    return Validated(sheet.kind, builders[sheet.kind](check), check.problems)


def duplicate_problems(kind: str, frames: Iterable[pl.DataFrame]) -> list[Problem]:
    """Rows with the same template key within a load (located frames); every such row is named."""
    key = list(TEMPLATES[kind].key)
    if kind == "units":
        key = ["scheme", "unit"]
    frames = [f for f in frames if f.height]
    if not key or not frames:
        return []
    rows = pl.concat([f.select(*key, *LOCATION_SCHEMA) for f in frames], how="vertical_relaxed")
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
    return pl.Series([match_key(v) for v in values], dtype=pl.String)


def _located_problem(r: dict[str, Any], zh: str, en: str) -> Problem:
    return Problem(r["_file"], r["_sheet"], r["_row"], r["_col"], r["_val"], zh, en)


def _where(file: str, sheet: str | None, row: int) -> str:
    return f"{file}" + (f"「{sheet}」" if sheet else "") + f" 第{row}行"


def _where_en(file: str, sheet: str | None, row: int) -> str:
    return f"{file}" + (f" sheet '{sheet}'" if sheet else "") + f" row {row}"


def _duplicate_report(dups: pl.DataFrame, key: list[str], kind: str) -> list[Problem]:
    problems: list[Problem] = []
    if dups.height == 0:
        return problems
    headers_zh = "、".join(_zh(kind, k) for k in key)
    for group in dups.partition_by("_group", maintain_order=True):
        places = list(group.select("_file", "_sheet", "_row").iter_rows())
        for r in group.iter_rows(named=True):
            others = [p for p in places if p != (r["_file"], r["_sheet"], r["_row"])]
            problems.append(
                _located_problem(
                    r,
                    f"重复:与 {';'.join(_where(*p) for p in others)} 的({headers_zh})相同:"
                    f"{r['_key']}",
                    f"duplicate: the same ({', '.join(key)}) as "
                    f"{'; '.join(_where_en(*p) for p in others)}: {r['_key']}",
                )
            )
    return problems


def _zh(kind: str, column: str) -> str:
    for c in TEMPLATES[kind].columns:
        if c.name == column:
            return c.zh
    return column


_MISSING = object()


class _SheetCheck:
    """One sheet under validation: the typed cells, and the problems found so far."""

    def __init__(self, sheet: RawSheet, ctx: LoadContext):
        self.sheet = sheet
        self.ctx = ctx
        self.n = sheet.frame.height
        self.cells: dict[str, list[str | None]] = {
            c: sheet.frame.get_column(c).to_list() for c in sheet.frame.columns
        }
        self.problems: list[Problem] = []
        self.bad = [False] * self.n

    # -- cells and problems -------------------------------------------------------------------

    def has(self, column: str) -> bool:
        return column in self.sheet.frame.columns

    def raw(self, column: str) -> list[str | None]:
        """The column's cells as typed (all None for a column the sheet does not have)."""
        cells = self.cells.get(column)
        if cells is None:
            cells = self.cells[column] = [None] * self.n
        return cells

    def add(self, i: int, column: str | None, zh: str, en: str, value: object = _MISSING) -> None:
        """A problem in data row i (0-based) and column (canonical name)."""
        if value is _MISSING:
            value = self.cells[column][i] if column in self.cells else None
        self.problems.append(
            Problem(
                self.sheet.file,
                self.sheet.sheet,
                self.sheet.rows[i],
                self.sheet.header(column) if column else None,
                None if value is None else str(value),
                zh,
                en,
            )
        )
        self.bad[i] = True

    def add_sheet(self, column: str | None, zh: str, en: str) -> None:
        """A problem with the sheet as a whole (reported on the header row)."""
        self.problems.append(
            Problem(self.sheet.file, self.sheet.sheet, self.sheet.header_row,
                    self.sheet.header(column) if column else None, None, zh, en)
        )
        self.bad = [True] * self.n

    # -- typed columns ------------------------------------------------------------------------

    def parse(self, column: str, fn: Callable[..., Any], required: bool = False,
              **kwargs: Any) -> list[Any]:
        """Each cell through `fn`; unreadable and (if required) blank cells are problems."""
        out: list[Any] = []
        # Columns repeat few distinct values (months, counts, unit names): parse each once.
        seen: dict[str | None, Any] = {}
        for i, cell in enumerate(self.raw(column)):
            if cell not in seen:
                try:
                    seen[cell] = fn(cell, **kwargs)
                except NormalizeError as err:
                    seen[cell] = err
            value = seen[cell]
            if isinstance(value, NormalizeError):
                self.add(i, column, value.zh, value.en)
                value = None
            else:
                if value is None and required:
                    self.add(i, column, *REQUIRED)
            out.append(value)
        return out

    def text(self, column: str, required: bool = False) -> list[str | None]:
        return self.parse(column, clean_text, required=required)

    def schemes(self) -> list[str | None]:
        """The canonical scheme id of each row (None where blank or unknown)."""
        lookup = {match_key(s): s for s in self.ctx.schemes}
        known = ", ".join(sorted(self.ctx.schemes)) or "(无 none)"
        out: list[str | None] = []
        for i, cell in enumerate(self.raw("scheme")):
            key = match_key(cell)
            if key is None:
                self.add(i, "scheme", *REQUIRED)
            elif key not in lookup:
                self.add(i, "scheme", f"未知的方案;已有方案: {known}",
                         f"unknown scheme; known schemes: {known}")
            out.append(lookup.get(key) if key else None)
        return out

    def check_year(self, schemes: list[str | None], years: list[int | None]) -> None:
        for i, (s, y) in enumerate(zip(schemes, years, strict=True)):
            if s is not None and y is not None and y != self.ctx.schemes[s].year:
                want = self.ctx.schemes[s].year
                self.add(i, "year", f"年度应为方案「{s}」的年度 {want}",
                         f"the year must be the scheme's year, {want}")

    def check_month(self, schemes: list[str | None], months: list[str | None]) -> None:
        for i, (s, m) in enumerate(zip(schemes, months, strict=True)):
            if s is not None and m is not None and int(m[:4]) != self.ctx.schemes[s].year:
                want = self.ctx.schemes[s].year
                self.add(i, "month", f"月份不在方案「{s}」的年度 {want} 内",
                         f"the month is not in the scheme's year, {want}")

    def units(self, schemes: list[str | None]) -> pl.DataFrame:
        """Resolve each row's unit (name or alias, by match key): columns _i, unit, unit_type."""
        keys = _keys(self.raw("unit"))
        rows = pl.DataFrame(
            {"_i": range(self.n), "scheme": schemes, "_key": keys},
            schema={"_i": pl.Int64, "scheme": pl.String, "_key": pl.String},
        )
        joined = rows.join(_unit_lookup(self.ctx), on=["scheme", "_key"], how="left").sort("_i")
        with_units = set(self.ctx.units["scheme"].to_list())
        for r in joined.iter_rows(named=True):
            if r["_key"] is None:
                self.add(r["_i"], "unit", *REQUIRED)
            elif r["scheme"] is not None and r["unit"] is None:
                zh = f"未知的单位:不在方案「{r['scheme']}」的单位名录中,也不是登记的别名"
                en = "unknown unit: not in the scheme's unit list, nor a registered alias"
                if r["scheme"] not in with_units:
                    zh += ";该方案尚未载入单位名录,请先导入单位名录"
                    en += "; no units are loaded for this scheme yet: load a units file first"
                self.add(r["_i"], "unit", zh, en)
        return joined.select("_i", "unit", "unit_type")

    # -- pandera -----------------------------------------------------------------------------

    def run_model(
        self,
        model: type[pa.DataFrameModel],
        frame: pl.DataFrame,
        messages: dict[str, Callable[[dict[str, Any]], tuple[str, str, str]]],
    ) -> None:
        """Validate `frame` (with column _i) by a pandera model, every failure as a problem.

        `messages` maps a dataframe-level check's name to a function of the failing row giving
        (column, zh, en); column checks are worded from the check itself.
        """
        try:
            model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as err:
            cases = err.failure_cases
            for case in cases.iter_rows(named=True):
                index = case["index"]
                if index is None:  # a schema-level failure (dtype); a bug of ours, not the user's
                    raise
                row = frame.row(int(index), named=True)
                i = int(row["_i"])
                if case["check"] in messages:
                    column, zh, en = messages[case["check"]](row)
                else:
                    column = case["column"]
                    zh, en = _check_message(case["check"])
                self.add(i, column, zh, en)

    # -- output -------------------------------------------------------------------------------

    def located(self, kind: str, data: dict[str, list[Any]]) -> pl.DataFrame:
        """The rows without problems, typed like the fact table, with location columns."""
        naming = NAMING_COLUMN[kind]
        frame = pl.DataFrame(
            {
                **data,
                "_file": [self.sheet.file] * self.n,
                "_sheet": [self.sheet.sheet] * self.n,
                "_row": self.sheet.rows,
                "_col": [self.sheet.header(naming)] * self.n,
                "_val": self.raw(naming),
                "_bad": self.bad,
            },
            schema=FACT_SCHEMAS[kind] | LOCATION_SCHEMA | {"_bad": pl.Boolean()},
        )
        return frame.filter(~pl.col("_bad")).drop("_bad")


def _check_message(check: str) -> tuple[str, str]:
    m = re.match(r"(\w+)\((.*)\)$", check or "")
    name, arg = (m.group(1), m.group(2)) if m else (check, "")
    words = {
        "greater_than_or_equal_to": (f"不能小于 {arg}", f"must not be below {arg}"),
        "greater_than": (f"应大于 {arg}", f"must be above {arg}"),
        "less_than_or_equal_to": (f"不能大于 {arg}", f"must not be above {arg}"),
        "whole_number": ("应为整数", "a whole number is expected"),
    }
    return words.get(name, (f"未通过检查 {check}", f"failed check {check}"))


def _unit_lookup(ctx: LoadContext) -> pl.DataFrame:
    """(scheme, match key) -> unit, unit_type, from unit names and aliases (names win)."""
    units = ctx.units.select("scheme", "unit", "unit_type")
    by_name = units.with_columns(_key=_keys(units["unit"]), _order=pl.lit(0))
    aliases = ctx.aliases.join(units, on=["scheme", "unit"], how="inner")
    by_alias = aliases.with_columns(_key=_keys(aliases["alias"]), _order=pl.lit(1)).select(
        by_name.columns
    )
    both = pl.concat([by_name, by_alias], how="vertical").sort("_order")
    return both.unique(["scheme", "_key"], keep="first", maintain_order=True).select(
        "scheme", "_key", "unit", "unit_type"
    )


def _whole(data: Any) -> pl.LazyFrame:
    return data.lazyframe.select((pl.col(data.key) % 1).abs() < TOLERANCE)


def _i_frame(n: int, **columns: tuple[list[Any], pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(
        {"_i": list(range(n)), **{k: v for k, (v, _) in columns.items()}},
        schema={"_i": pl.Int64, **{k: t for k, (_, t) in columns.items()}},
    )


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# ---------------------------------------------------------------------------------------------
# units 单位名录
# ---------------------------------------------------------------------------------------------


def _units(check: _SheetCheck) -> tuple[pl.DataFrame, pl.DataFrame]:
    ctx = check.ctx
    schemes = check.schemes()
    names = check.text("unit", required=True)
    # A unit already known under an equivalent spelling keeps its known name.
    known = {
        (s, match_key(u)): u
        for s, u in ctx.units.select("scheme", "unit").iter_rows()
    }
    units = [
        known.get((s, match_key(u)), u) if s is not None and u is not None else u
        for s, u in zip(schemes, names, strict=True)
    ]
    types_by_scheme: dict[str, dict[str, str]] = {}
    for s, t in ctx.dims["unit_types"].select("scheme", "unit_type").iter_rows():
        types_by_scheme.setdefault(s, {})[match_key(t)] = t
    unit_types: list[str | None] = []
    for i, cell in enumerate(check.raw("unit_type")):
        key, s = match_key(cell), schemes[i]
        found = types_by_scheme.get(s or "", {}).get(key or "")
        if key is None:
            check.add(i, "unit_type", *REQUIRED)
        elif s is not None and found is None:
            allowed = "、".join(types_by_scheme.get(s, {}).values())
            check.add(i, "unit_type", f"单位类型不在方案「{s}」中;可用: {allowed}",
                      f"the unit type is not in the scheme; its types are: {allowed}")
        unit_types.append(found)

    alias_rows: dict[str, list[Any]] = {k: [] for k in [*ALIAS_FRAME_SCHEMA, *LOCATION_SCHEMA]}
    for i, cell in enumerate(check.raw("aliases")):
        for alias in split_aliases(cell):
            if units[i] is None or match_key(alias) == match_key(units[i]):
                continue  # an alias equal to the unit's own name adds nothing
            for k, v in zip(
                (*ALIAS_FRAME_SCHEMA, *LOCATION_SCHEMA),
                (schemes[i], alias, units[i], check.sheet.file, check.sheet.sheet,
                 check.sheet.rows[i], check.sheet.header("aliases"), alias),
                strict=True,
            ):
                alias_rows[k].append(v)
    aliases = pl.DataFrame(alias_rows, schema=ALIAS_FRAME_SCHEMA | LOCATION_SCHEMA)
    good_rows = {check.sheet.rows[i] for i in range(check.n) if not check.bad[i]}
    aliases = aliases.filter(pl.col("_row").is_in(list(good_rows)))
    frame = check.located(
        "units",
        {"scheme": schemes, "unit": units, "unit_type": unit_types, "is_sample": [False] * check.n},
    )
    return frame, aliases


# ---------------------------------------------------------------------------------------------
# content 内容保障月报
# ---------------------------------------------------------------------------------------------


class _ContentModel(pa.DataFrameModel):
    """Counts are whole and not negative; adopted items never exceed the count."""

    count: float = pa.Field(nullable=True, ge=0)
    city_adopted: float = pa.Field(nullable=True, ge=0)
    province_adopted: float = pa.Field(nullable=True, ge=0)

    @pa.check("count", "city_adopted", "province_adopted", name="whole_number")
    def _whole_number(cls, data: Any) -> pl.LazyFrame:
        return _whole(data)

    @pa.dataframe_check(name="adopted_above_count")
    def _adopted(cls, data: Any) -> pl.LazyFrame:
        c, a, p = pl.col("count"), pl.col("city_adopted"), pl.col("province_adopted")
        ok = (a + p <= c + TOLERANCE) | c.is_null() | (c < 0) | (a < 0) | (p < 0)
        return data.lazyframe.select(ok.fill_null(True))

    class Config:
        strict = False


def _content(check: _SheetCheck) -> pl.DataFrame:
    ctx = check.ctx
    schemes = check.schemes()
    months = check.parse("month", parse_month, required=True)
    check.check_month(schemes, months)
    units = check.units(schemes)
    items_raw = check.parse("item", parse_number, required=True)
    count = check.parse("count", parse_number, required=True)
    # Blank adoption cells mean none adopted: clerks leave them empty.
    city = [0.0 if v is None else v for v in check.parse("city_adopted", parse_number)]
    province = [0.0 if v is None else v for v in check.parse("province_adopted", parse_number)]

    items = ctx.dims["content_items"]
    with_content = {s for s, sc in ctx.schemes.items() if sc.content is not None}
    numbers: dict[str, set[int]] = {}
    for s, n in items.select("scheme", "item").iter_rows():
        numbers.setdefault(s, set()).add(n)
    item_out: list[int | None] = []
    for i, (s, x) in enumerate(zip(schemes, items_raw, strict=True)):
        if s is None or x is None:
            item_out.append(None)
            continue
        if s not in with_content:
            check.add(i, "item", f"方案「{s}」没有内容保障月报(无内容保障项目)",
                      "the scheme has no monthly content section")
        elif not float(x).is_integer() or int(x) not in numbers.get(s, set()):
            nums = sorted(numbers.get(s, set()))
            check.add(i, "item", f"未知的内容保障项目;应为 {nums[0]}–{nums[-1]} 中的序号",
                      f"unknown content item; the scheme's items are {nums[0]}-{nums[-1]}")
        item_out.append(int(x) if float(x).is_integer() else None)

    frame = _i_frame(check.n, count=(count, pl.Float64), city_adopted=(city, pl.Float64),
                     province_adopted=(province, pl.Float64))

    def adopted(r: dict[str, Any]) -> tuple[str, str, str]:
        a, p, c = _fmt(r["city_adopted"]), _fmt(r["province_adopted"]), _fmt(r["count"])
        return ("count", f"市级录用({a}) + 省级录用({p}) 超过 条数({c})",
                f"city_adopted ({a}) + province_adopted ({p}) exceed count ({c})")

    check.run_model(_ContentModel, frame, {"adopted_above_count": adopted})
    unit_col = units["unit"].to_list()
    return check.located(
        "content",
        {
            "scheme": schemes,
            "month": months,
            "year": [int(m[:4]) if m else None for m in months],
            "unit": unit_col,
            "item": item_out,
            "count": [_int(v) for v in count],
            "city_adopted": [_int(v) for v in city],
            "province_adopted": [_int(v) for v in province],
        },
    )


def _int(v: float | None) -> int | None:
    return int(v) if v is not None and float(v).is_integer() else None


# ---------------------------------------------------------------------------------------------
# yearend 年终评分
# ---------------------------------------------------------------------------------------------


class _YearendModel(pa.DataFrameModel):
    """Inputs are not negative; scores within max; ratios within 0..1; places within peers."""

    score: float = pa.Field(nullable=True, ge=0)
    deduction: float = pa.Field(nullable=True, ge=0)
    actual: float = pa.Field(nullable=True, ge=0)
    numerator: float = pa.Field(nullable=True, ge=0)
    denominator: float = pa.Field(nullable=True, ge=0)
    times: float = pa.Field(nullable=True, ge=0)
    place: float = pa.Field(nullable=True, ge=1)
    max_points: float = pa.Field(nullable=True)
    peers: float = pa.Field(nullable=True)
    is_ratio: bool

    @pa.check("place", name="whole_number")
    def _place_whole(cls, data: Any) -> pl.LazyFrame:
        return _whole(data)

    @pa.dataframe_check(name="score_above_max")
    def _score_max(cls, data: Any) -> pl.LazyFrame:
        ok = pl.col("score") <= pl.col("max_points") + TOLERANCE
        return data.lazyframe.select(ok.fill_null(True))

    @pa.dataframe_check(name="place_above_peers")
    def _place_peers(cls, data: Any) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("place") <= pl.col("peers")).fill_null(True))

    @pa.dataframe_check(name="ratio_zero_denominator")
    def _zero_denominator(cls, data: Any) -> pl.LazyFrame:
        bad = pl.col("is_ratio") & (pl.col("denominator") == 0)
        return data.lazyframe.select((~bad).fill_null(True))

    @pa.dataframe_check(name="ratio_above_one")
    def _ratio_above_one(cls, data: Any) -> pl.LazyFrame:
        bad = (
            pl.col("is_ratio")
            & (pl.col("denominator") > 0)
            & (pl.col("numerator") > pl.col("denominator") + TOLERANCE)
        )
        return data.lazyframe.select((~bad).fill_null(True))

    class Config:
        strict = False


_NUMERIC_YEAREND = ("score", "deduction", "numerator", "denominator", "times")


def _indicator_lookup(ctx: LoadContext) -> pl.DataFrame:
    """(scheme, rubric, code key) -> the indicator's code, max points, rule and exemption."""
    ind = ctx.dims["indicators"].select(
        "scheme", "rubric", "code", "name", "max_points", "rule_kind", "rule_params"
    )
    ind = ind.with_columns(_code=pl.Series([code_key(c) for c in ind["code"]], dtype=pl.String))
    # Two codes that compare equal as numbers ("1" and "01") match exactly, never by value.
    clash = pl.len().over("scheme", "rubric", "_code") > 1
    ind = ind.with_columns(
        _code=pl.when(clash).then(_keys(ind["code"])).otherwise(pl.col("_code"))
    )
    rubrics = ctx.dims["rubrics"].select(
        "scheme", "rubric", pl.col("name").alias("rubric_name"), "allows_exemption"
    )
    return ind.join(rubrics, on=["scheme", "rubric"], how="left")


def _yearend(check: _SheetCheck) -> pl.DataFrame:
    ctx = check.ctx
    schemes = check.schemes()
    years = check.parse("year", parse_year, required=True)
    check.check_year(schemes, years)
    units = check.units(schemes)
    codes = check.parse("indicator", code_key, required=True)
    values = {c: check.parse(c, parse_number) for c in _NUMERIC_YEAREND}
    values["actual"] = check.parse("actual", parse_number, percent=True)
    place = check.parse("place", parse_number)
    choice = check.text("choice")
    exempt = [bool(v) for v in check.parse("exempt", parse_bool)]
    note = check.text("note")

    # Rubric of each row from the unit's type, then the indicator by code within that rubric.
    rows = pl.DataFrame(
        {"_i": range(check.n), "scheme": schemes, "_code": codes},
        schema={"_i": pl.Int64, "scheme": pl.String, "_code": pl.String},
    ).join(units, on="_i", how="left")
    rows = rows.join(
        ctx.dims["unit_types"].select("scheme", "unit_type", "rubric"),
        on=["scheme", "unit_type"], how="left",
    )
    joined = rows.join(_indicator_lookup(ctx), on=["scheme", "rubric", "_code"], how="left")
    joined = joined.sort("_i")
    rubric_names = dict(
        ctx.dims["rubrics"].select(pl.concat_str("scheme", "rubric"), "name").iter_rows()
    )
    ranges = {
        (s, r): (g["code"][0], g["code"][-1])
        for (s, r), g in ctx.dims["indicators"].group_by(["scheme", "rubric"])
    }

    params: list[dict[str, Any]] = []
    needs: dict[str, list[str]] = {}  # missing input column -> indicator codes needing it
    for r in joined.iter_rows(named=True):
        i = r["_i"]
        p = json.loads(r["rule_params"]) if r["rule_params"] else {}
        params.append(p)
        if r["unit"] is not None and r["unit_type"] is not None and r["rubric"] is None:
            check.add(i, "unit",
                      f"方案「{r['scheme']}」中没有适用于单位类型「{r['unit_type']}」的年终评分细则",
                      f"the scheme has no year-end rubric for the unit's type '{r['unit_type']}'")
            continue
        if r["rubric"] is None or r["_code"] is None:
            continue
        if r["code"] is None:
            name = rubric_names.get(f"{r['scheme']}{r['rubric']}", r["rubric"])
            lo, hi = ranges.get((r["scheme"], r["rubric"]), ("", ""))
            check.add(i, "indicator",
                      f"未知的指标编号:不在「{name}」中(该细则编号为 {lo} … {hi})",
                      f"unknown indicator code for the unit's rubric '{r['rubric']}' "
                      f"(its codes run {lo} ... {hi})")
            continue
        if exempt[i] and not r["allows_exemption"]:
            check.add(i, "exempt", f"「{r['rubric_name']}」不允许豁免指标",
                      "this rubric allows no exemption")
        for column in RULE_INPUT_COLUMNS[r["rule_kind"]]:
            if not check.has(column):
                needs.setdefault(column, [])
                if r["code"] not in needs[column]:
                    needs[column].append(r["code"])
            elif not exempt[i] and clean_text(check.raw(column)[i]) is None:
                rule, zh_col = RULE_KIND_ZH[r["rule_kind"]], INPUT_COLUMN_ZH[column]
                check.add(i, column, f"该指标(计分规则:{rule})需要填写「{zh_col}」",
                          f"the indicator's rule ({r['rule_kind']}) needs a value in "
                          f"'{column}' unless exempt")
        if r["rule_kind"] == "choice" and choice[i] is not None:
            options = list(p.get("options", {}))
            by_key = {match_key(o): o for o in options}
            if match_key(choice[i]) in by_key:
                choice[i] = by_key[match_key(choice[i])]
            else:
                check.add(i, "choice", "选项不在可选范围内;可选: " + "、".join(options),
                          "the choice is not one of the options: " + "; ".join(options))
    for column, need_codes in needs.items():
        shown = ", ".join(need_codes[:20]) + (f" … (+{len(need_codes) - 20})"
                                              if len(need_codes) > 20 else "")
        zh_col = INPUT_COLUMN_ZH[column]
        check.add_sheet(
            column,
            f"缺少「{zh_col}」列:以下指标的计分规则需要它: {shown}",
            f"the column '{zh_col}' [{column}] is missing; these indicators need it: {shown}",
        )

    frame = _i_frame(
        check.n,
        **{c: (values[c], pl.Float64) for c in (*_NUMERIC_YEAREND, "actual")},
        place=(place, pl.Float64),
        max_points=(joined["max_points"].to_list(), pl.Float64),
        peers=([p.get("peers") if r == "rank_tiers" else None
                for p, r in zip(params, joined["rule_kind"].to_list(), strict=True)], pl.Float64),
        is_ratio=([k == "ratio" for k in joined["rule_kind"].to_list()], pl.Boolean),
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
            "比值不能超过 1,请检查是否录入有误",
            f"the numerator ({_fmt(r['numerator'])}) is above the denominator "
            f"({_fmt(r['denominator'])}): a ratio above 1 is refused as a typo"),
    }
    check.run_model(_YearendModel, frame, messages)
    return check.located(
        "yearend",
        {
            "scheme": schemes,
            "year": years,
            "unit": units["unit"].to_list(),
            "indicator": joined["code"].to_list(),
            **{c: values[c] for c in ("score", "deduction", "actual", "numerator",
                                      "denominator", "times")},
            "place": [_int(v) for v in place],
            "choice": choice,
            "exempt": exempt,
            "note": note,
        },
    )


# ---------------------------------------------------------------------------------------------
# adjustments 加减分
# ---------------------------------------------------------------------------------------------


class _AdjustmentModel(pa.DataFrameModel):
    """Points given are above 0 and within the clause's value for the level."""

    points: float = pa.Field(nullable=True, gt=0)
    expected: float = pa.Field(nullable=True)

    @pa.dataframe_check(name="points_above_clause")
    def _within(cls, data: Any) -> pl.LazyFrame:
        ok = pl.col("points") <= pl.col("expected") + TOLERANCE
        return data.lazyframe.select(ok.fill_null(True))

    class Config:
        strict = False


def _level_names(label: str | None) -> dict[str, str]:
    names = {match_key(lv): lv for lv in LEVELS}
    if label:
        names[match_key(label)] = "县级"
    return names


def _adjustments(check: _SheetCheck) -> pl.DataFrame:
    ctx = check.ctx
    schemes = check.schemes()
    years = check.parse("year", parse_year, required=True)
    check.check_year(schemes, years)
    units = check.units(schemes)
    kinds_raw = check.text("kind", required=True)
    items = check.parse("item", parse_number)
    levels_raw = check.text("level")
    reasons = check.text("reason", required=True)
    points = check.parse("points", parse_number)

    clauses = ctx.dims["clauses"]
    by_clause: dict[tuple[str, str, int], dict[str | None, float]] = {}
    for s, k, c, lv, pts in clauses.select("scheme", "kind", "clause", "level",
                                           "points").iter_rows():
        by_clause.setdefault((s, k, c), {})[lv] = pts
    kind_keys = {match_key(k): k for k in ADJUSTMENT_KINDS}

    kinds: list[str | None] = []
    clause_out: list[int | None] = []
    level_out: list[str | None] = []
    expected: list[float | None] = []
    for i, s in enumerate(schemes):
        kind = kind_keys.get(match_key(kinds_raw[i]) or "")
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
        numbers = sorted(c for (cs, ck, c) in by_clause if cs == s and ck == kind)
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
        level = names.get(match_key(levels_raw[i]) or "")
        if level is None or level not in values:
            check.add(i, "level", f"级别不适用于该条款;可选: {allowed}",
                      f"unknown level for this clause; its levels are {allowed}")
            continue
        level_out[i] = level
        expected[i] = values[level]

    frame = _i_frame(check.n, points=(points, pl.Float64), expected=(expected, pl.Float64))
    check.run_model(
        _AdjustmentModel,
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


def _metrics(check: _SheetCheck) -> pl.DataFrame:
    ctx = check.ctx
    schemes = check.schemes()
    months = check.parse("month", parse_month, required=True)
    check.check_month(schemes, months)
    targets = ctx.dims["targets"].select("scheme", "target", "name", "measure")
    lookup: dict[tuple[str, str], tuple[str, str]] = {}
    for s, code, name, measure in targets.iter_rows():
        lookup.setdefault((s, match_key(name)), (code, measure))
        lookup[(s, match_key(code))] = (code, measure)  # codes win over names
    metrics: list[str | None] = []
    values: list[float | None] = []
    metric_cells = check.raw("metric")
    value_cells = check.raw("value")
    for i, s in enumerate(schemes):
        key = match_key(metric_cells[i])
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
        values.append(value)
    return check.located(
        "metrics",
        {
            "scheme": schemes,
            "month": months,
            "year": [int(m[:4]) if m else None for m in months],
            "metric": metrics,
            "value": values,
        },
    )
