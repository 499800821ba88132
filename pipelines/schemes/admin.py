"""Schemes a user brings: check a scheme file, add it to the warehouse, export any scheme.

`egov scheme check | add | export` call these. A scheme comes in either form of docs/schemes.md:
the YAML text form (.yaml/.yml) or the workbook form (.xlsx); both give the same `Scheme`. Adding
puts a row in the warehouse's `schemes` table (the registry every command and page reads), keeps a
replaced version in `scheme_history`, and rescores everything, so an added scheme works everywhere
with no change of code.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from pydantic import BaseModel

from pipelines.access.lock import writes_warehouse
from pipelines.inputs.file_checks import check_input_file
from pipelines.inputs.problems import Problem
from pipelines.loading import (
    builtin_schemes,
    ensure_warehouse,
    open_state,
    rescore_and_publish,
    scheme_row,
    schemes_of,
)
from pipelines.schemes.checks import SchemeRejected, load_scheme_file
from pipelines.schemes.model import Scheme, input_columns
from pipelines.schemes.stored import load_schemes
from pipelines.schemes.tables import INPUT_COLUMN_ZH, iter_leaves, rubric_for_unit_type
from pipelines.schemes.weights import show_weight
from pipelines.schemes.workbook import read_scheme_workbook, write_scheme_workbook
from pipelines.years.series import describe_series, previous_code_problems, series_conflicts
from warehouse import database

YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MAX_LISTED = 5  # examples named in a warning before "..."


class SchemeUsageError(Exception):
    """A command used wrongly (an unknown scheme id, an unsupported output suffix): the command
    line turns it into a usage error (exit 2), not an input report."""


class UnknownScheme(SchemeUsageError, LookupError):
    """No scheme with this id in the warehouse."""


# ---------------------------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------------------------


def check_scheme_file(path: Path) -> Scheme:
    """Load and check a scheme file of either form; raise SchemeRejected listing every problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return load_scheme_file(path)
    if suffix in WORKBOOK_SUFFIXES:
        if refused := check_input_file(path, str(path)):  # file_checks.py, before openpyxl reads it
            raise SchemeRejected(refused)
        return read_scheme_workbook(path)
    raise SchemeRejected([Problem(
        str(path), None, None, None, path.suffix or None,
        "不支持的文件类型:方案文件应为 .yaml(文本格式)或 .xlsx(工作簿格式)",
        "unsupported file type: a scheme file is .yaml (text form) or .xlsx (workbook form)",
    )])


def check_scheme_against(db: Path, path: Path) -> tuple[Scheme, list[str]]:
    """`egov scheme check`: the file's own checks, then the checks `add` makes against the schemes
    of the warehouse at `db` (the built-ins where it does not exist yet: one scheme a year per
    series, each previous_code naming an indicator of the previous year); return the scheme and
    the lines naming its series and that series' years already in the warehouse."""
    path = Path(path)
    scheme = check_scheme_file(path)
    others = [s for s in (load_schemes(db) if db.exists() else builtin_schemes())
              if s.id != scheme.id]
    if problems := (series_conflicts(scheme, others, str(path))
                    + previous_code_problems(scheme, others, str(path))):
        raise SchemeRejected(problems)
    return scheme, describe_series(scheme, others)


# ---------------------------------------------------------------------------------------------
# add
# ---------------------------------------------------------------------------------------------


@writes_warehouse
def add_scheme(db: Path, path: Path, *, replace: bool) -> str:
    """Check a scheme file and add it to the warehouse, then rescore; return a message.

    An id already present (built-in or added) is refused unless `replace`: then the new
    definition gets version old + 1, the old one moves to `scheme_history`, and every result is
    recomputed. A replacement that drops a unit type still held by loaded units is refused (those
    units would have no rubric); loaded rows the new scheme no longer uses are named in the
    message as a warning.
    """
    path = Path(path)
    scheme = check_scheme_file(path)
    state = open_state(db)
    schemes = state["schemes"]
    old = schemes.filter(pl.col("scheme") == scheme.id)
    now = database.now()
    history = state["scheme_history"]
    version = 1
    # Years of a series (pipelines/years/series.py): one scheme a year, and every previous_code
    # names an indicator of the previous year's scheme.
    others = [s for s in schemes_of(state) if s.id != scheme.id]
    if problems := (series_conflicts(scheme, others, str(path))
                    + previous_code_problems(scheme, others, str(path))):
        raise SchemeRejected(problems)
    if not old.is_empty():
        previous = old.row(0, named=True)
        if not replace:
            kind = "内置" if previous["builtin"] else "已添加"
            raise SchemeRejected([Problem(
                str(path), None, None, "id", scheme.id,
                f"数据仓库中已有{kind}方案「{scheme.id}」(版本 {previous['version']});"
                "要替换它请加 --replace(旧版本保留在历史中),或改用新的方案代码 id",
                f"the warehouse already holds the {'built-in' if previous['builtin'] else 'added'}"
                f" scheme {scheme.id} (version {previous['version']}); use --replace to replace "
                "it (the old version is kept in history), or give the scheme a new id",
            )])
        problems = _unit_type_conflicts(state, scheme, str(path))
        if problems:
            raise SchemeRejected(problems)
        version = previous["version"] + 1
        kept = pl.DataFrame([{
            "scheme": scheme.id, "version": previous["version"],
            "added_at": previous["added_at"], "replaced_at": now,
            "definition": previous["definition"],
        }], schema=history.schema)
        history = pl.concat([
            history.filter(~((pl.col("scheme") == scheme.id)
                             & (pl.col("version") == previous["version"]))),
            kept,
        ])
    row = pl.DataFrame([scheme_row(scheme, builtin=False, version=version, added_at=now)],
                       schema=schemes.schema)
    new_state = state.replace(
        schemes=pl.concat([schemes.filter(pl.col("scheme") != scheme.id), row]),
        scheme_history=history,
    )
    stale = _stale_rows(new_state, scheme)  # before publishing: that consumes the state
    rescore_and_publish(db, new_state)
    if old.is_empty():
        lines = [f"已添加方案 scheme added: {scheme.id} ({scheme.name}),版本 version {version}"]
    else:
        lines = [f"已替换方案 scheme replaced: {scheme.id} ({scheme.name}),版本 version "
                 f"{version - 1} → {version};旧版本保存在 scheme_history / the old version is "
                 "kept in scheme_history; 已重新计分 results rescored"]
    lines += describe_series(scheme, others)
    lines += stale
    lines.append(f"已写入 warehouse written: {db}")
    return "\n".join(lines)


def _unit_type_conflicts(state: database.WarehouseState, scheme: Scheme,
                         file: str) -> list[Problem]:
    """Loaded units whose unit type the new definition no longer has."""
    types = {u.name for u in scheme.unit_types}
    units = state["units"].filter(pl.col("scheme") == scheme.id)
    problems = []
    for (unit_type,), rows in units.group_by("unit_type", maintain_order=True):
        if unit_type in types:
            continue
        names = rows["unit"].to_list()
        shown = "、".join(names[:MAX_LISTED]) + ("…" if len(names) > MAX_LISTED else "")
        problems.append(Problem(
            file, None, None, "unit_types", unit_type,
            f"已载入 {len(names)} 个该类型的单位({shown}),新方案没有此单位类型;"
            "请保留该类型,或先以新类型重新导入单位名录",
            f"{len(names)} loaded unit(s) have this unit type, which the new scheme lacks; keep "
            "the type, or load the units list again with the new types first",
        ))
    return problems


def _stale_rows(state: database.WarehouseState, scheme: Scheme) -> list[str]:
    """Warnings for loaded rows the new definition no longer uses (they score as missing)."""
    out: list[str] = []
    sid = pl.col("scheme") == scheme.id
    units = state["units"].filter(sid).select("unit", "unit_type")
    rubric_of = rubric_for_unit_type(scheme)
    needs = {
        # A composite's part rows each read their own part's column; here only the 分项 is asked.
        (rubric.id, leaf.indicator.code): ("part",) if leaf.rule.kind == "parts"
        and scheme.composite_entry == "parts" else input_columns(leaf.rule, scheme.composite_entry)
        for rubric in scheme.rubrics for leaf in iter_leaves(rubric)
    }
    unused: list[str] = []
    lacking: list[str] = []
    for r in state["yearend_inputs"].filter(sid).join(units, on="unit", how="left").iter_rows(
            named=True):
        columns = needs.get((rubric_of.get(r["unit_type"] or ""), r["indicator"]))
        if columns is None:
            unused.append(f"{r['year']} {r['unit']} {r['indicator']}")
        elif not r["exempt"] and any(r.get(c) is None or r.get(c) == "" for c in columns):
            lacking.append(f"{r['year']} {r['unit']} {r['indicator']}"
                           f"({'、'.join(INPUT_COLUMN_ZH[c] for c in columns)})")
    if unused:
        out.append(_warning(unused, "行年终评分的指标不在新方案中,不再计分",
                            "year-end row(s) name an indicator the new scheme lacks"))
    if lacking:
        out.append(_warning(lacking, "行年终评分缺少新计分规则所需的列,请按新方案重新导入",
                            "year-end row(s) lack the column the new rule reads; load them again"))
    items = {it.number for it in scheme.content.items} if scheme.content else set()
    content = [f"{r['month']} {r['unit']} {r['item']}" for r in
               state["content_tallies"].filter(sid & ~pl.col("item").is_in(list(items)))
               .iter_rows(named=True)]
    if content:
        out.append(_warning(content, "行内容保障月报的项目不在新方案中,不再计分",
                            "content row(s) name an item the new scheme lacks"))
    clauses = {(c.kind, c.number) for c in scheme.adjustments.clauses} if scheme.adjustments \
        else set()
    adjustments = [f"{r['year']} {r['unit']} {r['kind']}{r['clause']}" for r in
                   state["adjustment_inputs"].filter(sid).iter_rows(named=True)
                   if (r["kind"], r["clause"]) not in clauses]
    if adjustments:
        out.append(_warning(adjustments, "行加减分的条款不在新方案中(仍按载入的分值计入)",
                            "adjustment row(s) name a clause the new scheme lacks (their points "
                            "still count)"))
    return out


def _warning(examples: list[str], zh: str, en: str) -> str:
    shown = "; ".join(examples[:MAX_LISTED]) + ("; …" if len(examples) > MAX_LISTED else "")
    return f"注意 warning: {len(examples)} {zh} / {len(examples)} {en}: {shown}"


# ---------------------------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------------------------


def export_scheme(db: Path, scheme_id: str, out: Path) -> str:
    """Write a scheme the warehouse holds (built-in or added) as .yaml or .xlsx; return a
    message."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in YAML_SUFFIXES + WORKBOOK_SUFFIXES:
        raise SchemeUsageError(
            f"--out 应以 .yaml 或 .xlsx 结尾 / --out must end in .yaml or .xlsx: {out}")
    ensure_warehouse(db)
    found = {s.id: s for s in schemes_of(open_state(db))}
    if scheme_id not in found:
        raise UnknownScheme(f"未知方案 unknown scheme '{scheme_id}'; known 可用: "
                            + ", ".join(found))
    scheme = found[scheme_id]
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix in YAML_SUFFIXES:
        out.write_text(scheme_yaml(scheme), encoding="utf-8")
    else:
        write_scheme_workbook(scheme, out)
    return f"已导出方案 scheme exported: {scheme_id} → {out}"


def scheme_yaml(scheme: Scheme) -> str:
    """The scheme in the YAML text form, fields in the model's order, readable by hand.

    Fields left at an empty default (None, [], {}, strict: false) are left out; `kind`,
    `default_rule` and `total_points` stay even at their defaults because a reader needs them.
    Codes stay strings ("001" is quoted so it does not become the number 1).
    """
    head = (f"# {scheme.name}({scheme.jurisdiction} {scheme.year})\n"
            "# 由 egov scheme export 导出;修改后用 egov scheme check / egov scheme add 导入。"
            "格式见 docs/schemes.md\n")
    body = yaml.dump(_plain(scheme), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=10**9, default_flow_style=False)
    return head + body


# Cited fields come first in the model (a base class); a reader expects them after the fields
# they explain and before any long list (children, items ...), as the built-in files have them.
_CITED = ("source", "interpretation")
_LONG = ("documents", "categories", "children", "items", "clauses", "bands")


def _field_order(fields: list[str]) -> list[str]:
    rest = [n for n in fields if n not in _CITED]
    cited = [n for n in _CITED if n in fields]
    at = next((i for i, n in enumerate(rest) if n in _LONG), len(rest))
    return rest[:at] + cited + rest[at:]


def _plain(value: Any) -> Any:
    """A model as plain data for YAML: the model's field order (source and interpretation
    last), empty optional fields dropped, whole floats written as integers (100, not 100.0),
    rules and short lists on one line."""
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        fields = type(value).model_fields
        for name in _field_order(list(fields)):
            info = fields[name]
            v = getattr(value, name)
            if not info.is_required() and (
                v is None or v == [] or v == {} or (v is False and info.default is False)
            ):
                continue
            if name == "aggregation" and v == "arithmetic":
                continue  # the default: points add up, as every seed has them
            if name == "max_points" and getattr(value, "weight", None) is not None:
                continue  # derived from the weight (schemes/weights.py): the weight is written
            out[name] = _plain(v)
        if "kind" in out and type(value).__name__ not in ("Clause",):
            return _Flow(out)  # a rule: {kind: per_event, points_each: 1, cap: 2}
        return out
    if isinstance(value, list):
        items = [_plain(v) for v in value]
        if items and all(isinstance(v, str | int | float) for v in items):
            return _FlowList(items)
        return items
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else show_weight(value)
    return value


class _Flow(dict):
    """A mapping written on one line."""


class _FlowList(list):
    """A list of scalars written on one line: [办公室, 信息中心]."""


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text, so long 评分细则 stay readable; flow style for rules."""


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _flow_map(dumper: yaml.SafeDumper, data: dict) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _flow_list(dumper: yaml.SafeDumper, data: list) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, _flow_map)
_Dumper.add_representer(_FlowList, _flow_list)
