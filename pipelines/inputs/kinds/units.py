"""单位名录 (units): the units assessed under a scheme, their type and their aliases.

Loaded before every other kind of the same load: the units it lists are known to the rows of the
other files (`LoadContext.with_units`). A units file replaces the units it names and their
aliases; the load-wide checks of names and aliases are `validation.unit_load_problems`.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from pipelines.inputs.kinds.base import SCHEME, Column, InputKind
from pipelines.inputs.normalize import parse_bool, split_aliases
from pipelines.inputs.sheet_check import LOCATION_SCHEMA, REQUIRED, SheetCheck, key_of
from pipelines.schemes.model import Scheme
from pipelines.years.units import parse_previous_names

# The unit_aliases table (without load_id).
ALIAS_FRAME_SCHEMA: dict[str, pl.DataType] = {
    "scheme": pl.String(),
    "alias": pl.String(),
    "unit": pl.String(),
}


def validate(check: SheetCheck) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The unit list's rows, and their aliases (scheme, alias, unit with location columns)."""
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
    frame = KIND.located(check, {"scheme": schemes, "unit": units, "unit_type": unit_types,
                                 "is_sample": [False] * check.n,
                                 "previous_names": [parse_previous_names(c)
                                                    for c in check.raw("previous_name")],
                                 "unranked": check.parse("unranked", parse_bool,
                                                         dtype=pl.Boolean)})
    return frame, aliases


def unit_types_table(scheme: Scheme) -> tuple[list[str], list[list[Any]]]:
    """The scheme's unit types, beside the template."""
    head = ["单位类型 unit type", "说明 description"]
    return head, [[u.name, u.description or ""] for u in scheme.unit_types]


KIND = InputKind(
    kind="units",
    zh="单位名录",
    columns=(
        SCHEME,
        Column("unit", "单位", help=("单位名称", "the unit's name"), text=True, wide=True,
               loose_list=True),
        Column("unit_type", "单位类型",
               help=("单位类型,须为方案中的类型", "the unit type, one of the scheme's"), text=True),
        Column("aliases", "别名", required=False,
               help=("别名,可选;多个用 、 或 , 分隔", "aliases, optional; separate by 、 or ,"),
               text=True, wide=True),
        # issue 17: the unit's name(s) in the previous year of the series (pipelines/years/)
        Column("previous_name", "上年名称", required=False,
               help=("上一年度的单位名称,可选:更名填旧名,合并填几个旧名(用 、 分隔)",
                     "the name(s) in the previous year, optional: renamed, or merged (、)"),
               text=True, wide=True),
        # issue 20 item 8: a unit scored and published but never ranked (an index's guest)
        Column("unranked", "不排名", required=False, dtype="bool",
               help=("不排名:是/否;填 是 的单位照常计分、公布,但不排名次(也不占名次)",
                     "是: the unit is scored and published but gets no rank (nor takes a place)"),
               text=True),
    ),
    key=("scheme", "unit"),
    table="units",
    facts={
        "scheme": pl.String(),
        "unit": pl.String(),
        "unit_type": pl.String(),
        "is_sample": pl.Boolean(),
        "previous_names": pl.String(),
        "unranked": pl.Boolean(),
    },
    replace_key=("scheme", "unit"),
    naming="unit",
    validate=validate,
    order=0,
    reference=unit_types_table,
)
