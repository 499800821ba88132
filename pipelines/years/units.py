"""Units across the years of a series: the 上年名称 [previous_name] column of the unit list.

A unit of a year is matched to the previous year's units by its own name and aliases, unless its
上年名称 names them: one name for a renamed unit (卫生局 → 卫生计生委), several separated by 、 for
a merger, and two units naming the same previous unit for a split. The matching itself is the
warehouse view `unit_links` (warehouse/sql/views/50_years.sql), so it follows whatever the
warehouse holds; this module checks the column as a units file is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from pipelines.inputs.context import LoadContext
from pipelines.inputs.normalize import match_key, split_aliases
from pipelines.inputs.problems import Problem
from pipelines.years.series import previous_scheme

SEPARATOR = "、"


def parse_previous_names(cell: object) -> str | None:
    """The 上年名称 cell as stored: names trimmed, joined by 、 (、 , ; separate them, as in
    别名); blank → None (the unit is matched by its own name and aliases)."""
    names = split_aliases(cell)
    return SEPARATOR.join(names) if names else None


def previous_names_of(rows: pl.DataFrame) -> pl.Expr:
    """The units table's previous_names for a loaded units frame (null where the file had no
    上年名称 column: a unit list of earlier versions loads as before)."""
    if "previous_names" in rows.columns:
        return pl.col("previous_names").cast(pl.String)
    return pl.lit(None, dtype=pl.String)


def previous_name_problems(units: pl.DataFrame, aliases: pl.DataFrame,
                           ctx: LoadContext) -> tuple[pl.DataFrame, list[Problem]]:
    """Check the 上年名称 of the units of a load (located frame: scheme, unit, previous_names and
    _file, _sheet, _row; `aliases` the load's aliases) against the previous year of each
    scheme's series; return the frame with each name written as the previous year's unit is
    (full-width or spaced spellings and aliases resolved), and the problems.

    Refused, with the row named: 上年名称 on a scheme that has no previous year; a name that is not
    a unit (or alias) of the previous year, where that year's unit list is in the warehouse or in
    this load (a year loaded before its previous year is checked when that year's list is there);
    a loop (two units of one year naming each other, directly or round a circle).
    """
    if ("previous_names" not in units.columns
            or units["previous_names"].null_count() == units.height):
        return units, []
    problems: list[Problem] = []
    known = pl.concat([ctx.units.select("scheme", "unit"), units.select("scheme", "unit")]).unique()
    every_alias = pl.concat([ctx.aliases.select("scheme", "alias", "unit"),
                             aliases.select("scheme", "alias", "unit")])
    names_of = _names_by_scheme(known, every_alias)
    fixed: list[str | None] = []
    for r in units.iter_rows(named=True):
        text = r["previous_names"]
        if text is None:
            fixed.append(None)
            continue
        scheme = ctx.schemes.get(r["scheme"])
        previous = previous_scheme(scheme, ctx.schemes.values()) if scheme else None
        if scheme is not None and previous is None:
            problems.append(_problem(
                r, text,
                f"方案「{scheme.id}」没有上一年度(未设置 series,或是该系列最早的年度),"
                "不能填上年名称",
                f"scheme {scheme.id} has no previous year (no series, or its first year): "
                "上年名称 [previous_name] does not apply"))
            fixed.append(text)
            continue
        lookup = names_of.get(previous.id, {}) if previous else {}
        resolved = []
        for name in text.split(SEPARATOR):
            found = lookup.get(match_key(name))
            if lookup and found is None:
                problems.append(_problem(
                    r, name,
                    f"上年名称「{name}」不是上一年度({previous.year},方案「{previous.id}」)的单位"
                    "或单位别名",
                    f"previous name {name!r} is not a unit (nor an alias) of the previous year "
                    f"({previous.year}, scheme {previous.id})"))
            resolved.append(found or name)
        fixed.append(SEPARATOR.join(dict.fromkeys(resolved)))
    out = units.with_columns(previous_names=pl.Series(fixed, dtype=pl.String))
    problems += loop_problems(out)
    return out, problems


def _names_by_scheme(units: pl.DataFrame, aliases: pl.DataFrame) -> dict[str, dict[str, str]]:
    """Per scheme: match key of every unit name and alias → the unit's name."""
    out: dict[str, dict[str, str]] = {}
    for scheme, unit in units.iter_rows():
        out.setdefault(scheme, {})[match_key(unit)] = unit
    for scheme, alias, unit in aliases.iter_rows():
        out.setdefault(scheme, {}).setdefault(match_key(alias), unit)
    return out


def loop_problems(units: pl.DataFrame) -> list[Problem]:
    """Units of one year whose 上年名称 go round a circle through each other's names (A was B, B
    was A): which unit was which cannot be told, so every row of the circle is refused."""
    problems = []
    for _scheme, rows in units.filter(pl.col("previous_names").is_not_null()).group_by("scheme"):
        by_key = {match_key(r["unit"]): r for r in rows.iter_rows(named=True)}
        edges = {k: [match_key(n) for n in r["previous_names"].split(SEPARATOR)
                     if match_key(n) in by_key and match_key(n) != k]
                 for k, r in by_key.items()}
        for cycle in _cycles(edges):
            circle = " → ".join([by_key[k]["unit"] for k in cycle] + [by_key[cycle[0]]["unit"]])
            for k in cycle:
                r = by_key[k]
                problems.append(_problem(
                    r, r["previous_names"],
                    f"上年名称成环:{circle}(同一年度的单位互相以对方为上年名称,无法判断对应关系)",
                    f"上年名称 [previous_name] loop: {circle} (units of one year name each "
                    "other as their previous names)"))
    return problems


def _cycles(edges: dict[str, list[str]]) -> Iterable[list[str]]:
    """Each elementary circle once (depth-first, from its smallest member)."""
    seen: set[frozenset[str]] = set()
    for start in sorted(edges):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in edges.get(node, []):
                if nxt == start:
                    key = frozenset(path)
                    if key not in seen:
                        seen.add(key)
                        yield path
                elif nxt not in path and nxt > start:
                    stack.append((nxt, [*path, nxt]))


def _problem(r: dict, value: str, zh: str, en: str) -> Problem:
    return Problem(r.get("_file") or "", r.get("_sheet"), r.get("_row"),
                   r.get("_previous_col") or "上年名称", value, zh, en)
