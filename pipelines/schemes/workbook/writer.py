"""Writing a scheme (or an empty template) as a workbook, following the layout exactly.

Reading a written scheme back gives the same model
(tests/pipelines/schemes/test_scheme_workbook.py round-trips every built-in scheme).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import xlsxwriter

from pipelines.rules import registry
from pipelines.schemes.model import Indicator, Node, Rubric, Scheme
from pipelines.schemes.tables import INPUT_COLUMN_ZH, iter_leaves
from pipelines.schemes.weights import show_weight
from pipelines.schemes.workbook.cells import format_options, format_range, format_tiers
from pipelines.schemes.workbook.layout import (
    DEFAULT_LEVELS,
    HEADER_COLS,
    HEADER_FIELDS,
    HEADER_SHEET,
    HELP_SHEET,
    LEVEL_FIELDS,
    RULE_PARAM_COLS,
    SHEET_ORDER,
    SHEETS,
    SheetSpec,
    enum_entries,
    enum_entry,
    level_cols,
)

# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def write_scheme_workbook(scheme: Scheme, path: Path) -> Path:
    """Write a scheme in the workbook form; reading it back gives the same scheme."""
    depth = max((_depth(r) for r in scheme.rubrics), default=DEFAULT_LEVELS)
    _Writer(Path(path), max(DEFAULT_LEVELS, depth)).write(_scheme_rows(scheme))
    return Path(path)


def write_scheme_template(path: Path) -> Path:
    """An empty scheme workbook: every sheet with its headers, the 方案 field rows, drop-down
    lists for rule kinds and the other closed sets, and a 说明 sheet."""
    _Writer(Path(path), DEFAULT_LEVELS).write({"header": {}})
    return Path(path)


def _depth(rubric: Rubric) -> int:
    def walk(node: Node, d: int) -> int:
        return max([d] + [walk(c, d + 1) for c in node.children if isinstance(c, Node)])

    return max((walk(c, 1) for c in rubric.categories if isinstance(c, Node)), default=0)


def _rule_cells(rule, default_col: str) -> dict[str, Any]:
    """A rule's kind and its parameters (those its kind declares, where not the default) as the
    cells of its row."""
    if rule is None:
        return {}
    cells: dict[str, Any] = {default_col: enum_entry("rule", rule.kind)}
    kinds = {c.field: c.kind for c in RULE_PARAM_COLS}
    for name, value in registry.write_params(rule).items():
        kind = kinds[name]
        if kind == "options":
            value = format_options(value)
        elif kind == "tiers":
            value = format_tiers(value)
        elif kind == "range":
            value = format_range(value)
        elif kind.startswith("enum:"):
            value = enum_entry(kind[5:], value)
        cells[name] = value
    return cells


def _scheme_rows(s: Scheme) -> dict[str, Any]:
    """Each sheet's rows (dicts by field) for a scheme."""
    header: dict[tuple, Any] = {
        ("id",): s.id, ("name",): s.name, ("jurisdiction",): s.jurisdiction, ("year",): s.year,
        ("series",): s.series,
        ("total_points",): s.total_points, ("county_level_label",): s.county_level_label,
        ("source",): s.source, ("interpretation",): s.interpretation,
        ("decimals",): None if s.decimals == 2 else s.decimals,
        ("composite_entry",): (None if s.composite_entry == "parts"
                               else enum_entry("composite_entry", s.composite_entry)),
    }
    if s.content:
        c = s.content
        header |= {("content", "source"): c.source, ("content", "interpretation"): c.interpretation,
                   ("content", "full_mark", "points"): c.full_mark.points,
                   ("content", "full_mark", "excess_bonus"): c.full_mark.excess_bonus,
                   ("content", "full_mark", "source"): c.full_mark.source,
                   ("content", "full_mark", "interpretation"): c.full_mark.interpretation}
        if c.adoption_bonus:
            a = c.adoption_bonus
            header |= {("content", "adoption_bonus", "city"): a.city,
                       ("content", "adoption_bonus", "province"): a.province,
                       ("content", "adoption_bonus", "source"): a.source,
                       ("content", "adoption_bonus", "interpretation"): a.interpretation}
    if s.adjustments:
        a = s.adjustments
        header |= {("adjustments", "bonus_cap"): a.bonus_cap,
                   ("adjustments", "penalty_cap"): a.penalty_cap,
                   ("adjustments", "source"): a.source,
                   ("adjustments", "interpretation"): a.interpretation}
    if s.grades:
        header |= {("grades", "source"): s.grades.source,
                   ("grades", "interpretation"): s.grades.interpretation}
    steps = s.content.full_mark.excess_step_by_unit_type if s.content else {}
    rows: dict[str, Any] = {
        "header": header,
        "notes": list(s.notes),
        "documents": [d.model_dump() for d in s.documents],
        "unit_types": [{**u.model_dump(), "excess_step": steps.get(u.name),
                        "unranked": None if u.ranked else "是"} for u in s.unit_types],
        "stages": [{**st.model_dump(), "basis": enum_entry("basis", st.basis),
                    "weight": st.weight} for st in s.stages],
        "rubrics": [],
        "groups": [],
        "indicators": [],
        "parts": [],
        "content_items": [it.model_dump() for it in (s.content.items if s.content else [])],
        "clauses": [],
        "grades": [b.model_dump() for b in (s.grades.bands if s.grades else [])],
        "targets": [{**t.model_dump(), "measure": enum_entry("measure", t.measure),
                     "direction": enum_entry("direction", t.direction),
                     "aggregate": enum_entry("aggregate", t.aggregate),
                     "strict": "是" if t.strict else "否"} for t in s.targets],
    }
    for r in s.rubrics:
        rows["rubrics"].append({
            "id": r.id, "name": r.name, "unit_types": "、".join(r.unit_types),
            "max_points": r.max_points, **_rule_cells(r.default_rule, "default_rule"),
            "missing_input": enum_entry("missing_input", r.missing_input),
            "aggregation": _aggregation(r.aggregation),
            "exemption": "是" if r.exemption else "否",
            "exemption_source": r.exemption.source if r.exemption else None,
            "exemption_interpretation": r.exemption.interpretation if r.exemption else None,
            "source": r.source, "interpretation": r.interpretation,
        })
        rows["groups"] += list(_group_rows(r))
        rows["indicators"] += list(_indicator_rows(r))
        rows["parts"] += [
            {"rubric": r.id, "code": leaf.indicator.code, "part": p.name,
             "max_points": p.max_points, **_rule_cells(p.rule, "rule"), "source": p.source,
             "interpretation": p.interpretation}
            for leaf in iter_leaves(r) if leaf.indicator.rule is not None
            and registry.kind_of(leaf.indicator.rule).composite
            for p in leaf.indicator.rule.parts]
    for c in (s.adjustments.clauses if s.adjustments else []):
        row = {"kind": c.kind, "number": c.number, "text": c.text, "fixed": c.fixed,
               "source": c.source, "interpretation": c.interpretation}
        for name, level in LEVEL_FIELDS.items():
            row[name] = c.levels.get(level)
        rows["clauses"].append(row)
    return rows


def _levels_cells(names: Iterable[str]) -> dict[str, str]:
    return {f"level{i + 1}": n for i, n in enumerate(names)}


def _aggregation(aggregation: str) -> str | None:
    """合成方式, left blank at the default (arithmetic: points add up)."""
    return None if aggregation == "arithmetic" else enum_entry("aggregation", aggregation)


def _points_or_weight(part: Node | Indicator) -> dict[str, Any]:
    """分值, or 权重 where the scheme gives a weight (its points are derived from it)."""
    if part.weight is not None:
        return {"max_points": None, "weight": show_weight(part.weight)}
    return {"max_points": part.max_points, "weight": None}


def _group_rows(rubric: Rubric) -> Iterator[dict[str, Any]]:
    def walk(node: Node, path: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        here = (*path, node.name)
        yield {"rubric": rubric.id, **_levels_cells(here), **_points_or_weight(node),
               "aggregation": _aggregation(node.aggregation),
               "na_method": (enum_entry("not_applicable", node.not_applicable.method)
                             if node.not_applicable else None),
               "repeat_items": "、".join(node.repeat.items) if node.repeat else None,
               "repeat_label": node.repeat.label if node.repeat else None,
               "assessing_bodies": "、".join(node.assessing_bodies) or None,
               "source": node.source, "interpretation": node.interpretation}
        for child in node.children:
            if isinstance(child, Node):
                yield from walk(child, here)

    for category in rubric.categories:
        if isinstance(category, Node):
            yield from walk(category, ())


def _indicator_rows(rubric: Rubric) -> Iterator[dict[str, Any]]:
    def walk(node: Node, path: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        here = (*path, node.name)
        for child in node.children:
            if isinstance(child, Node):
                yield from walk(child, here)
                continue
            yield row(child, here)

    def row(ind: Indicator, here: tuple[str, ...]) -> dict[str, Any]:
        return {
                "rubric": rubric.id, "code": ind.code, **_levels_cells(here), "name": ind.name,
                **_points_or_weight(ind), **_rule_cells(ind.rule, "rule"),
                "criteria": ind.criteria, "scoring_text": ind.scoring_text,
                "lead_office": ind.lead_office,
                "supporting_offices": "、".join(ind.supporting_offices) or None,
                "assessing_bodies": "、".join(ind.assessing_bodies) or None,
                "evidence": ind.evidence, "previous_code": ind.previous_code,
                "source": ind.source,
                "interpretation": ind.interpretation,
            }

    for category in rubric.categories:
        if isinstance(category, Indicator):  # a flat index: no group columns
            yield row(category, ())
        else:
            yield from walk(category, ())


DATA_ROWS = 2000  # rows covered by the drop-down lists


class _Writer:
    """Writes the sheets with xlsxwriter: headers with notes, widths, formats, drop-downs."""

    def __init__(self, path: Path, levels: int):
        self.path = path
        self.levels = levels

    def spec(self, key: str) -> SheetSpec:
        spec = SHEETS[key]
        if key in ("groups", "indicators"):
            # The sheets accept five levels; write only as many as the scheme uses (3 at least).
            keep = {c.field for c in level_cols(self.levels)}
            cols = tuple(c for c in spec.columns
                         if not c.field.startswith("level") or c.field in keep)
            spec = SheetSpec(spec.name, spec.en, cols, spec.required_columns,
                             spec.required, spec.help_zh, spec.help_en)
        return spec

    def write(self, rows: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        wb = xlsxwriter.Workbook(str(self.path), {"strings_to_numbers": False,
                                                  "strings_to_formulas": False,
                                                  "strings_to_urls": False})
        try:
            self.formats = {
                "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                       "text_wrap": True, "valign": "top"}),
                "text": wb.add_format({"text_wrap": True, "valign": "top", "num_format": "@"}),
                "num": wb.add_format({"valign": "top"}),
                "pct": wb.add_format({"valign": "top", "num_format": "0%"}),
                "pct2": wb.add_format({"valign": "top", "num_format": "0.00%"}),
                "title": wb.add_format({"bold": True, "font_size": 14}),
                "bold": wb.add_format({"bold": True}),
                "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
            }
            self._help(wb)
            self._header(wb, rows.get("header", {}), rows.get("notes", []))
            for key in SHEET_ORDER:
                self._table(wb, key, rows.get(key, []))
        finally:
            wb.close()

    def _help(self, wb) -> None:
        ws = wb.add_worksheet(HELP_SHEET)
        ws.set_column(0, 0, 16)
        ws.set_column(1, 1, 100)
        f = self.formats
        lines: list[tuple[str, str, str | None]] = [
            ("title", "考核方案工作簿 Scheme workbook", None),
            ("", "", None),
            ("wrap", "用途", "把一个考核方案(评分细则、阶段、加减分、等次、目标)填在本工作簿中,"
             "用 `egov scheme check 本文件.xlsx` 检查,"
             "用 `egov scheme add 本文件.xlsx` 加入数据仓库。"
             "格式说明见 docs/schemes.md。/ Fill in a scheme here, check it with "
             "`egov scheme check`, add it with `egov scheme add`."),
            ("wrap", "表头", "每个工作表第 1 行为表头(中文,亦可用英文名);从第 2 行起每行一条。"
             "「方案」表每行一个字段,在「值」列填写。/ Row 1 holds the headers; "
             "data from row 2."),
            ("wrap", "指标层级", "「指标」表一行一个打分的指标:一级/二级/三级指标列填它所属的分组"
             "(从上到下,不属于某级分组则留空),指标自身的名称填「指标名称」。分组的分值和来源填在"
             "「指标分组」表。/ 一级..三级指标 name the groups an indicator sits in; 指标名称 is "
             "its own name; a group's 分值 goes on 指标分组."),
            ("wrap", "计分规则", "; ".join(
                f"{enum_entry('rule', name)}: 读年终评分表的「"
                + "、".join(INPUT_COLUMN_ZH[c] for c in kind.inputs) + "」列"
                for name, kind in registry.KINDS.items() if not kind.composite)
                + "".join(
                    f"; {enum_entry('rule', name)}: 各分项写在「分项」表,一行一个分项(分项名称、"
                    "分值、它自己的计分规则及参数),年终评分表每个分项一行,填「分项」列和该分项规则"
                    "读的列" for name, kind in registry.KINDS.items() if kind.composite)),
            ("wrap", "规则参数", ";".join(
                f"{name} 填" + "、".join(f"「{p.zh}」({p.help_zh})" for p in kind.params)
                for name, kind in registry.KINDS.items() if kind.params) + "。"),
            ("wrap", "多个值", "适用单位类型、配合科室、牵头考核单位可填多个,用 、 分隔。"),
            ("", "", None),
        ]
        row = 0
        for fmt, a, b in lines:
            if fmt == "title":
                ws.write(row, 0, a, f["title"])
            elif a:
                ws.write(row, 0, a, f["bold"])
                ws.write(row, 1, b, f["wrap"])
            row += 1
        ws.write(row, 0, "工作表 sheet", f["head"])
        ws.write(row, 1, "内容 / 各列", f["head"])
        row += 1
        ws.write(row, 0, HEADER_SHEET, f["bold"])
        ws.write(row, 1, "方案的基本信息(每行一个字段,填「值」列);备注可多行", f["wrap"])
        row += 1
        for key in SHEET_ORDER:
            spec = self.spec(key)
            cols = "; ".join(
                f"{c.zh}{'*' if c.field in spec.required_columns else ''}"
                + (f": {c.help_zh}" if c.help_zh else "") for c in spec.columns)
            ws.write(row, 0, spec.name + ("(必填)" if spec.required else ""), f["bold"])
            ws.write(row, 1, f"{spec.help_zh}。{cols}", f["wrap"])
            row += 1
        ws.write(row + 1, 1, "* 必填列 / required column", f["wrap"])

    def _header(self, wb, values: dict[tuple, Any], notes: list[str]) -> None:
        ws = wb.add_worksheet(HEADER_SHEET)
        f = self.formats
        for i, col in enumerate(HEADER_COLS):
            ws.set_column(i, i, col.width)
            ws.write(0, i, col.zh if col.field != "field" else "field", f["head"])
        ws.freeze_panes(1, 0)
        row = 1
        for hf in HEADER_FIELDS:
            entries = (notes or [None]) if hf.path == ("notes",) else [values.get(hf.path)]
            for value in entries:
                ws.write_string(row, 0, hf.zh, f["bold"])
                ws.write_string(row, 1, hf.dotted)
                self._cell(ws, row, 2, value, hf.kind)
                ws.write_string(row, 3, f"{hf.help_zh} / {hf.help_en}".strip(" /"), f["wrap"])
                row += 1

    def _table(self, wb, key: str, rows: list[dict[str, Any]]) -> None:
        spec = self.spec(key)
        ws = wb.add_worksheet(spec.name)
        f = self.formats
        for i, col in enumerate(spec.columns):
            ws.set_column(i, i, col.width, f["text"] if col.kind in ("text", "code", "list",
                                                                       "options", "tiers", "range")
                          else None)
            ws.write(0, i, col.zh, f["head"])
            note = f"{col.zh} [{col.field}]" + (" (必填)" if col.field in spec.required_columns
                                                else "")
            if col.help_zh:
                note += f"\n{col.help_zh}\n{col.help_en}"
            ws.write_comment(0, i, note, {"x_scale": 2, "y_scale": 1.5})
            if col.kind.startswith("enum:") or col.kind == "bool":
                entries = enum_entries(col.kind[5:]) if col.kind != "bool" else ["是", "否"]
                ws.data_validation(1, i, DATA_ROWS, i, {
                    "validate": "list", "source": entries, "error_type": "warning",
                    "error_title": col.zh, "error_message": "请从下拉列表选择 / pick from the list",
                })
            elif col.field == "rubric":
                ws.data_validation(1, i, DATA_ROWS, i, {
                    "validate": "list", "source": f"='{SHEETS['rubrics'].name}'!$A$2:$A$200",
                    "error_type": "warning", "ignore_blank": True,
                })
        ws.freeze_panes(1, 0)
        for r, values in enumerate(rows, start=1):
            for i, col in enumerate(spec.columns):
                kind = col.kind
                value = values.get(col.field)
                if key == "targets" and col.field in ("floor", "stretch") and \
                        "rate" not in str(values.get("measure")):
                    kind = "number"  # a rank or a count, not a rate
                self._cell(ws, r, i, value, kind)

    def _cell(self, ws, row: int, col: int, value: Any, kind: str) -> None:
        f = self.formats
        if value is None:
            return
        if kind in ("number", "int", "percent") and isinstance(value, int | float):
            if kind == "percent" and 0 <= value <= 1:
                exact = abs(value * 100 - round(value * 100)) < 1e-9
                ws.write_number(row, col, value, f["pct"] if exact else f["pct2"])
            else:
                ws.write_number(row, col, value, f["num"])
            return
        ws.write_string(row, col, str(value), f["text"])
