"""Validate raw sheets against their kind and the schemes; build the typed fact frames.

This module runs validation; each kind's checks are declared with the kind
(`pipelines/inputs/kinds/<kind>.py`, its `validate`), on the shared column machinery of
`sheet_check.py`.

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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from pipelines.inputs.context import LoadContext
from pipelines.inputs.kinds import KINDS
from pipelines.inputs.kinds import units as unit_list
from pipelines.inputs.kinds.units import ALIAS_FRAME_SCHEMA
from pipelines.inputs.problems import Problem
from pipelines.inputs.readers import RawSheet
from pipelines.inputs.sheet_check import LOCATION_SCHEMA, SheetCheck, keys

# The unit list: validated first, its units made known to the other kinds' rows.
UNITS = unit_list.KIND.kind


def empty_frame(kind: str, located: bool = False) -> pl.DataFrame:
    """An empty fact frame of this kind (with the location columns when `located`)."""
    schema = dict(KINDS[kind].facts)
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
    if sheet.kind == UNITS:
        problems += unit_load_problems(result.frame, result.aliases, ctx)
    else:
        problems += duplicate_problems(sheet.kind, [result.frame])
    return strip_location(result.frame), problems


def validate_units(
    sheet: RawSheet, ctx: LoadContext
) -> tuple[pl.DataFrame, pl.DataFrame, list[Problem]]:
    """Validate one units sheet alone: (units frame, aliases frame, problems)."""
    if sheet.kind != UNITS:
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
    check = SheetCheck(sheet, ctx)
    frame, aliases = KINDS[sheet.kind].validate(check)
    return Validated(sheet.kind, frame, check.problems, aliases)


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
    if kind == UNITS or any(batch_key(s) != batch_key(sheets[0]) for s in sheets):
        raise ValueError("validate_together takes sheets of one kind (not units) with the same "
                         "columns and headers")
    check = SheetCheck.together(sheets, ctx)
    frame, _ = KINDS[kind].validate(check)
    return check.split(frame), check.problems


def duplicate_problems(kind: str, frames: Iterable[pl.DataFrame]) -> list[Problem]:
    """Rows with the same template key within a load (located frames); every such row is named."""
    key = list(KINDS[kind].key)
    frames = [f for f in frames if f.height]
    if not key or not frames:
        return []
    if kind != UNITS:  # the exact key: find the duplicated rows before building any text
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
    if kind == UNITS:  # "乡镇（街道）" and "乡镇(街道)" are the same unit
        rows = rows.with_columns(
            _group=pl.concat_str(pl.col("scheme"), keys(rows["unit"]), separator=" / ")
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
    problems = duplicate_problems(UNITS, [units])
    if aliases is None or aliases.height == 0:
        aliases = pl.DataFrame(schema=ALIAS_FRAME_SCHEMA | LOCATION_SCHEMA)
    loaded = units.select("scheme", "unit").unique()
    # Names known for each scheme: this load's units and the context's (by match key).
    known_units = pl.concat(
        [units.select("scheme", "unit"), ctx.units.select("scheme", "unit")], how="vertical"
    ).unique()
    known_units = known_units.with_columns(_key=keys(known_units["unit"]))
    al = aliases.with_columns(_key=keys(aliases["alias"]))

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
    kept_aliases = kept_aliases.with_columns(_key=keys(kept_aliases["alias"]))
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
    u = units.with_columns(_key=keys(units["unit"]))
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
    found = KINDS[kind].column(column)
    return found.zh if found is not None else column
