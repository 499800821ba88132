"""Reading a scheme workbook into the `Scheme` model, every problem placed on its cell.

The reader turns the sheets into the dict the model validates, remembering where each value came
from (sheet, Excel row, column), so that a pydantic error or a cross-field check found later on
the model is reported on the cell a clerk has to change.

It stays whole past 600 lines because it is one idea, one `_Reader` whose per-sheet methods share
one map of value paths to cells and one problem list; the sheet layout (layout.py) and the cell
conversion (cells.py) are already apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipelines.inputs.normalize import NormalizeError, clean_text, match_key
from pipelines.inputs.problems import Problem
from pipelines.schemes.checks import (
    SchemeRejected,
    check_scheme,
    checks_after_repair,
    error_path,
    error_value,
    explain_error,
)
from pipelines.schemes.model import Scheme
from pipelines.schemes.workbook.cells import convert_cell
from pipelines.schemes.workbook.layout import (
    HEADER_COLS,
    HEADER_FIELDS,
    HEADER_SHEET,
    HEADER_SHEET_EN,
    LEVEL_FIELDS,
    MAX_LEVELS,
    PARAMS_OF_KIND,
    RULE_PARAM_COLS,
    SHEET_ORDER,
    SHEETS,
    HeaderField,
    Loc,
    SheetSpec,
)

# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def read_scheme_workbook(path: Path) -> Scheme:
    """Read and check a scheme workbook; raise SchemeRejected listing every problem found, each
    with its sheet, Excel row and column."""
    reader = _Reader(Path(path))
    data = reader.build()
    if data is None:  # not a workbook at all
        raise SchemeRejected(reader.problems)
    scheme: Scheme | None = None
    cross: list[Problem] = []
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as err:
        errors = err.errors(include_url=False)
        cross = checks_after_repair(data, errors, reader.file)
        for error in errors:
            path = error_path(error)
            zh, en = explain_error(error)
            if error["type"] == "too_short":
                # An empty list here is an empty sheet (or a rubric without indicator rows).
                if path[:1] == ("rubrics",) and path[-1:] == ("categories",):
                    zh, en = ("该评分细则在「指标」表中没有指标",
                              "the rubric has no indicator rows on the 指标 sheet")
                else:
                    zh, en = "至少需要填写一项(一行)", "at least one entry (row) is needed"
            if error["type"] == "value_error" and "needs max_points or a weight" in en:
                path = (*path, "max_points")  # the 分值 cell left blank (or its column missing)
            reader.report(path, error_value(error), zh, en)
    if scheme is not None:
        cross = check_scheme(scheme, reader.file)
    if not reader.dropped_rows:
        # Cross-field checks only when no indicator row or column was dropped: a dropped row
        # would show up again as a spurious sum mismatch.
        for p in cross:
            reader.report(_parse_dotted(p.column or ""), p.value, p.problem_zh, p.problem_en)
    if reader.problems:
        raise SchemeRejected(reader.problems)
    assert scheme is not None
    return scheme


def _parse_dotted(dotted: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in dotted.split(".") if p)


@dataclass
class _Table:
    """One data sheet as read: headers found and the non-blank rows with their Excel numbers."""

    spec: SheetSpec
    sheet: str  # the sheet name as in the workbook
    headers: dict[str, str] = field(default_factory=dict)  # field -> header as written
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def header(self, name: str) -> str:
        if name in self.headers:
            return self.headers[name]
        cols = {c.field: c.zh for c in self.spec.columns}
        return cols.get(name, name)

    def loc(self, row: int | None, name: str | None) -> Loc:
        return (self.sheet, row, None if name is None else self.header(name))


@dataclass
class _NodeB:
    """A group being rebuilt from the indicator rows."""

    name: str
    first_row: int
    column: str
    children: list[_NodeB | _LeafB] = field(default_factory=list)
    by_name: dict[str, _NodeB] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    group_row: int | None = None

    def child(self, name: str, row: int, column: str) -> _NodeB:
        if name not in self.by_name:
            node = _NodeB(name, row, column)
            self.by_name[name] = node
            self.children.append(node)
        return self.by_name[name]


@dataclass
class _LeafB:
    """A scored indicator row waiting for its place in the tree."""

    row: int
    cells: dict[str, Any]
    data: dict[str, Any] = field(default_factory=lambda: {"code": ""})


# The 指标分组 cells a group takes (besides its level names).
GROUP_FIELDS = ("max_points", "weight", "aggregation", "na_method", "repeat_items",
                "repeat_label", "assessing_bodies", "source", "interpretation")


class _Reader:
    """Reads the sheets into the dict the Scheme model validates, remembering where each value
    came from so that any problem found later can name its sheet, row and column."""

    def __init__(self, path: Path):
        self.path = path
        self.file = str(path)
        self.problems: list[Problem] = []
        self.prov: dict[tuple, Loc] = {}
        self.prov_value: dict[tuple[tuple, str], Loc] = {}
        self.silenced: set[Loc] = set()
        self.silenced_columns: set[tuple[str | None, str | None]] = set()
        self.dropped_rows = False  # a sheet, a required column or an indicator row left out
        self.rubric_keys: dict[str, int] = {}  # match_key of a rubric's id or name -> index
        # Groups of indicator rows dropped for a bad 细则 cell: not reported again on 指标分组.
        self.dropped_groups: set[tuple[str, ...]] = set()
        # (rubric index, code) -> the leaf's dict and its path, for the 分项 sheet.
        self.leaves: dict[tuple[int, str], tuple[dict, tuple]] = {}

    # ------------------------------------------------------------------ problems

    def add(self, loc: Loc, value: object, zh: str, en: str) -> None:
        """A problem the reader found itself; later model errors at the same cell are dropped."""
        shown = None if value is None else str(value)
        self.problems.append(Problem(self.file, loc[0], loc[1], loc[2], shown, zh, en))
        self.silenced.add(loc)

    def report(self, path: tuple, value: str | None, zh: str, en: str) -> None:
        """A problem found on the model (pydantic or cross-field), placed on its cell."""
        loc = self.locate(path, value)
        if loc in self.silenced or (loc[0], loc[2]) in self.silenced_columns:
            return
        self.problems.append(Problem(self.file, loc[0], loc[1], loc[2], value, zh, en))

    def locate(self, path: tuple, value: str | None) -> Loc:
        if value is not None:
            for k in range(len(path), 0, -1):
                hit = self.prov_value.get((path[:k], value))
                if hit:
                    return hit
        for k in range(len(path), 0, -1):
            if path[:k] in self.prov:
                return self.prov[path[:k]]
        return (None, None, ".".join(str(p) for p in path) or None)

    # ------------------------------------------------------------------ sheets

    def build(self) -> dict | None:
        """The scheme as a dict for the model; None when the file is not a readable workbook."""
        import openpyxl

        try:
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as err:  # noqa: BLE001 - any unreadable file is the user's problem
            self.add((None, None, None), None, f"无法读取工作簿(应为 .xlsx): {err}",
                     f"cannot read the workbook (an .xlsx is expected): {err}")
            return None
        try:
            sheets = {match_key(name): name for name in wb.sheetnames}
            raw: dict[str, list[tuple]] = {}
            for name in sheets.values():
                raw[name] = list(wb[name].iter_rows(values_only=True))
        finally:
            wb.close()

        def find(zh: str, en: str) -> str | None:
            return sheets.get(match_key(zh)) or sheets.get(match_key(en))

        data: dict[str, Any] = {}
        header_name = find(HEADER_SHEET, HEADER_SHEET_EN)
        self._header_sheet(data, header_name, raw.get(header_name or "", []))
        tables: dict[str, _Table] = {}
        for key in SHEET_ORDER:
            spec = SHEETS[key]
            name = find(spec.name, spec.en)
            if name is None:
                if spec.required:
                    self.add((spec.name, None, None), None,
                             f"缺少工作表「{spec.name}」", f"the sheet {spec.name} [{spec.en}] "
                             "is missing")
                tables[key] = _Table(spec, spec.name)
                self.dropped_rows = self.dropped_rows or spec.required
                continue
            tables[key] = self._table(spec, name, raw[name])
        self._documents(data, tables["documents"])
        steps = self._unit_types(data, tables["unit_types"])
        self._stages(data, tables["stages"])
        self._rubrics(data, tables["rubrics"])
        self._indicators(data, tables["indicators"], tables["groups"])
        self._parts(data, tables["parts"])
        self._content(data, tables["content_items"], steps, tables["unit_types"])
        self._clauses(data, tables["clauses"])
        self._grades(data, tables["grades"])
        self._targets(data, tables["targets"])
        return data

    def _header_sheet(self, data: dict, name: str | None, rows: list[tuple]) -> None:
        for hf in HEADER_FIELDS:
            self.prov[hf.path] = (name or HEADER_SHEET, None, hf.label)
        if name is None:
            self.add((HEADER_SHEET, None, None), None, f"缺少工作表「{HEADER_SHEET}」",
                     f"the sheet {HEADER_SHEET} [{HEADER_SHEET_EN}] is missing")
            return
        if not rows:
            return
        spec = SheetSpec(name, HEADER_SHEET_EN, HEADER_COLS, ("value",), True, "", "")
        columns = self._columns(spec, name, rows[0])
        if columns is None:
            return
        if "value" not in columns.values():
            self.add((name, 1, None), None, "缺少「值」列", "the 值 [value] column is missing")
            return
        by_key: dict[str, HeaderField] = {}
        for hf in HEADER_FIELDS:
            for k in (hf.dotted, hf.zh, hf.label):
                by_key[match_key(k) or ""] = hf
        seen: dict[tuple, int] = {}
        for excel_row, cells in self._rows(rows, columns):
            keys = [cells.get("field"), cells.get("label")]
            value = cells.get("value")
            hf = next((by_key[match_key(k) or ""] for k in keys
                       if clean_text(k) and (match_key(k) or "") in by_key), None)
            if hf is None:
                shown = next((clean_text(k) for k in keys if clean_text(k)), None)
                if shown is None and clean_text(value) is None:
                    continue
                self.add((name, excel_row, "字段"), shown, "未知字段(拼写错误?)",
                         "unknown field (a typo?)")
                continue
            loc = (name, excel_row, hf.label)
            self.prov[hf.path] = loc
            parsed = self._convert(hf.kind, value, loc)
            if parsed is None:
                continue
            if hf.path == ("notes",):
                data.setdefault("notes", []).append(parsed)
                self.prov[("notes", len(data["notes"]) - 1)] = loc
                continue
            if hf.path in seen:
                self.add(loc, parsed, f"字段重复(第{seen[hf.path]}行已填写)",
                         f"field given twice (also row {seen[hf.path]})")
                continue
            seen[hf.path] = excel_row
            _put(data, hf.path, parsed)

    def _columns(self, spec: SheetSpec, sheet: str, header: tuple) -> dict[int, str] | None:
        """Header position -> field; unknown and repeated headers are problems."""
        accepted: dict[str, str] = {}
        for c in spec.columns:
            for h in (c.zh, c.field, f"{c.zh}[{c.field}]", f"{c.zh}({c.field})", *c.aliases):
                accepted[match_key(h) or ""] = c.field
        out: dict[int, str] = {}
        for i, h in enumerate(header):
            key = match_key(h)
            if key is None:
                continue
            fieldname = accepted.get(key) or accepted.get(
                match_key(re.sub(r"[\[(（].*[\])）]\s*$", "", str(h))) or "")
            if fieldname is None:
                self.add((sheet, 1, clean_text(h)), clean_text(h),
                         "无法识别的列标题(拼写错误?)",
                         "unknown column header (a typo?)")
                continue
            if fieldname in out.values():
                self.add((sheet, 1, clean_text(h)), clean_text(h), "列标题重复",
                         "the same column twice")
                continue
            out[i] = fieldname
        return out

    def _table(self, spec: SheetSpec, sheet: str, rows: list[tuple]) -> _Table:
        table = _Table(spec, sheet)
        if not rows:
            if spec.required:
                self.add((sheet, None, None), None, "工作表为空", "the sheet is empty")
            return table
        columns = self._columns(spec, sheet, rows[0]) or {}
        for i, f in columns.items():
            table.headers[f] = clean_text(rows[0][i]) or f
        present = set(columns.values())
        for req in spec.required_columns:
            # An index written in weights has 权重 for 分值 (schemes/weights.py).
            if req not in present and not (req == "max_points" and "weight" in present):
                col = spec.col(req)
                self.add((sheet, 1, col.zh), None, f"缺少必填列「{col.zh}」",
                         f"the required column {col.zh} [{col.field}] is missing")
                self.silenced_columns.add((sheet, col.zh))
                self.dropped_rows = True
        table.rows = list(self._rows(rows, columns))
        return table

    @staticmethod
    def _rows(rows: list[tuple], columns: dict[int, str]) -> Iterator[tuple[int, dict]]:
        for n, values in enumerate(rows[1:], start=2):
            cells = {f: values[i] for i, f in columns.items() if i < len(values)}
            if any(clean_text(v) is not None for v in cells.values()):
                yield n, cells

    # ------------------------------------------------------------------ cells

    def _convert(self, kind: str, value: object, loc: Loc) -> Any:
        """A cell's value for the model, or None when blank or unreadable (then reported)."""
        try:
            return convert_cell(kind, value)
        except NormalizeError as err:
            self.add(loc, clean_text(value), err.zh, err.en)
            return None

    def _fill(self, table: _Table, excel_row: int, cells: dict, target: dict, path: tuple,
              names: Iterable[str], rename: dict[str, str] | None = None) -> None:
        """Copy these columns of a row into `target` (the dict at `path`), recording where each
        value came from."""
        rename = rename or {}
        for name in names:
            key = rename.get(name, name)
            loc = table.loc(excel_row, name)
            self.prov[(*path, key)] = loc
            value = self._convert(table.spec.col(name).kind, cells.get(name), loc)
            if value is not None:
                target[key] = value

    def _list_rows(self, table: _Table, path: tuple) -> Iterator[tuple[int, int, dict, dict]]:
        """(index, Excel row, cells, new dict) for each row; provenance of the row recorded."""
        self.prov[path] = (table.sheet, None, None)
        for i, (excel_row, cells) in enumerate(table.rows):
            self.prov[(*path, i)] = (table.sheet, excel_row, None)
            yield i, excel_row, cells, {}

    # ------------------------------------------------------------------ parts

    def _documents(self, data: dict, table: _Table) -> None:
        docs = []
        for i, row, cells, doc in self._list_rows(table, ("documents",)):
            self._fill(table, row, cells, doc, ("documents", i), ("number", "title", "seed"))
            docs.append(doc)
        data["documents"] = docs

    def _unit_types(self, data: dict, table: _Table) -> dict[str, tuple[float, int]]:
        types, steps = [], {}
        for i, row, cells, ut in self._list_rows(table, ("unit_types",)):
            self._fill(table, row, cells, ut, ("unit_types", i),
                       ("name", "description", "source", "interpretation"))
            unranked = self._convert("bool", cells.get("unranked"), table.loc(row, "unranked"))
            self.prov[("unit_types", i, "ranked")] = table.loc(row, "unranked")
            if unranked:
                ut["ranked"] = False
            types.append(ut)
            name = ut.get("name")
            if name is not None:
                self.prov_value[(("unit_types",), name)] = table.loc(row, "name")
                self.prov_value[(("content", "full_mark", "excess_step_by_unit_type"), name)] = \
                    table.loc(row, "excess_step")
            step = self._convert("number", cells.get("excess_step"),
                                 table.loc(row, "excess_step"))
            if step is not None and name is not None:
                steps[name] = (step, row)
        data["unit_types"] = types
        return steps

    def _stages(self, data: dict, table: _Table) -> None:
        stages = []
        for i, row, cells, st in self._list_rows(table, ("stages",)):
            self._fill(table, row, cells, st, ("stages", i),
                       ("id", "name", "basis", "weight", "source", "interpretation"))
            stages.append(st)
        data["stages"] = stages

    def _rule(self, table: _Table, row: int, cells: dict, path: tuple, rule_col: str,
              default_kind: bool) -> dict | None:
        """The rule of a row from its kind column and parameter columns."""
        loc = table.loc(row, rule_col)
        self.prov[path] = loc
        kind = self._convert("enum:rule", cells.get(rule_col), loc)
        filled = [c.field for c in RULE_PARAM_COLS if clean_text(cells.get(c.field)) is not None]
        if kind is None:
            if filled and clean_text(cells.get(rule_col)) is None:
                what = "默认计分规则" if default_kind else "计分规则"
                self.add(loc, None, f"填写了规则参数({'、'.join(table.header(f) for f in filled)}),"
                         f"但未选择{what}", "rule parameters are filled but no rule kind is chosen")
            return None
        rule: dict[str, Any] = {"kind": kind}
        for name in PARAMS_OF_KIND[kind]:
            ploc = table.loc(row, name)
            self.prov[(*path, name)] = ploc
            value = self._convert(table.spec.col(name).kind, cells.get(name), ploc)
            if value is not None:
                rule[name] = value
        for name in filled:
            if name not in PARAMS_OF_KIND[kind]:
                self.add(table.loc(row, name), clean_text(cells.get(name)),
                         f"计分规则 {kind} 不使用此参数", f"the rule {kind} takes no {name}")
        return rule

    def _rubrics(self, data: dict, table: _Table) -> None:
        rubrics = []
        for i, row, cells, rb in self._list_rows(table, ("rubrics",)):
            path = ("rubrics", i)
            self._fill(table, row, cells, rb, path,
                       ("id", "name", "unit_types", "max_points", "missing_input", "aggregation",
                        "source", "interpretation"))
            rule = self._rule(table, row, cells, (*path, "default_rule"), "default_rule", True)
            if rule is not None:
                rb["default_rule"] = rule
            eloc = table.loc(row, "exemption")
            allowed = self._convert("bool", cells.get("exemption"), eloc)
            exemption: dict[str, Any] = {}
            self._fill(table, row, cells, exemption, (*path, "exemption"),
                       ("exemption_source", "exemption_interpretation"),
                       {"exemption_source": "source",
                        "exemption_interpretation": "interpretation"})
            self.prov[(*path, "exemption")] = eloc
            if allowed:
                rb["exemption"] = {"method": "rescale", **exemption}
            elif exemption:
                self.add(eloc, clean_text(cells.get("exemption")),
                         "填写了豁免来源或解释,但「允许豁免」不是 是",
                         "an exemption source or interpretation is given but 允许豁免 is not 是")
            rb["categories"] = []
            self.prov[(*path, "categories")] = (table.sheet, row, None)
            rubrics.append(rb)
            for key in (rb.get("id"), rb.get("name")):
                if key is not None:
                    self.rubric_keys.setdefault(match_key(key) or "", i)
        data["rubrics"] = rubrics

    def _rubric_of(self, data: dict, table: _Table, row: int, cells: dict) -> int | None:
        """The index of the rubric a row belongs to (its 细则 cell, or the only rubric)."""
        ref = clean_text(cells.get("rubric"))
        if ref is None:
            if len(data["rubrics"]) == 1:
                return 0
            if data["rubrics"]:
                self.add(table.loc(row, "rubric"), None,
                         "方案有多个评分细则,须填写「细则」(细则代码)",
                         "the scheme has several rubrics: fill 细则 with the rubric id")
            return None
        index = self.rubric_keys.get(match_key(ref) or "")
        if index is None:
            known = "、".join(str(r.get("id")) for r in data["rubrics"]) or "(无)"
            self.add(table.loc(row, "rubric"), ref, f"「评分细则」表中没有此细则;已有: {known}",
                     "no such rubric on the 评分细则 sheet")
        return index

    def _levels(self, table: _Table, row: int, cells: dict) -> list[tuple[str, str]] | None:
        """The group names of a row (top first) with their column headers; None on a gap."""
        names: list[tuple[str, str]] = []
        gap_at: str | None = None
        for i in range(MAX_LEVELS):
            col = f"level{i + 1}"
            name = clean_text(cells.get(col))
            if name is None:
                gap_at = gap_at or col
                continue
            if gap_at is not None:
                self.add(table.loc(row, col), name,
                         f"「{table.header(gap_at)}」为空,却填写了更下级的分组",
                         f"{table.header(gap_at)} is blank but a deeper level is filled")
                return None
            names.append((self._text(name), table.header(col)))
        return names

    @staticmethod
    def _text(value: object) -> str:
        return convert_cell("text", value)

    def _indicators(self, data: dict, table: _Table, groups: _Table) -> None:
        roots = [_NodeB("", 0, "") for _ in data["rubrics"]]
        leaf_fields = ("code", "name", "max_points", "weight", "criteria", "scoring_text",
                       "lead_office", "supporting_offices", "assessing_bodies", "evidence",
                       "previous_code", "source", "interpretation")
        for row, cells in table.rows:
            ri = self._rubric_of(data, table, row, cells)
            levels = self._levels(table, row, cells)
            if ri is None or levels is None:
                names = tuple(n for n, _ in levels or ())
                self.dropped_groups |= {names[:k] for k in range(1, len(names) + 1)}
                self.dropped_rows = bool(data["rubrics"]) or self.dropped_rows
                continue
            # No group columns: a scored item with no group above it (a flat index).
            node = roots[ri]
            for name, column in levels:
                node = node.child(name, row, column)
            node.children.append(_LeafB(row, cells))
        self._group_rows(data, groups, roots)
        for ri, root in enumerate(roots):
            path = ("rubrics", ri, "categories")
            data["rubrics"][ri]["categories"] = [
                self._node_dict(table, groups, child, (*path, ci), leaf_fields)
                if isinstance(child, _NodeB)
                else self._leaf_dict(table, child, (*path, ci), leaf_fields, ri)
                for ci, child in enumerate(root.children)
            ]

    def _node_dict(self, table: _Table, groups: _Table, node: _NodeB, path: tuple,
                   leaf_fields: tuple[str, ...]) -> dict:
        out: dict[str, Any] = {"name": node.name, **node.extra}
        if node.group_row is not None:
            self.prov[path] = groups.loc(node.group_row, None)
            for f in GROUP_FIELDS:
                self.prov[(*path, f)] = groups.loc(node.group_row, f)
        else:
            self.prov[path] = (table.sheet, node.first_row, node.column)
        self.prov[(*path, "name")] = (table.sheet, node.first_row, node.column)
        children = []
        for k, child in enumerate(node.children):
            cpath = (*path, "children", k)
            if isinstance(child, _NodeB):
                children.append(self._node_dict(table, groups, child, cpath, leaf_fields))
                continue
            children.append(self._leaf_dict(table, child, cpath, leaf_fields, path[1]))
        out["children"] = children
        return out

    def _leaf_dict(self, table: _Table, child: _LeafB, cpath: tuple,
                   leaf_fields: tuple[str, ...], rubric_index: int) -> dict:
        """A scored indicator's row as the model's dict, its cells' places recorded."""
        cells = child.cells
        self.prov[cpath] = table.loc(child.row, "code")
        self._fill(table, child.row, cells, child.data, cpath, leaf_fields)
        rule = self._rule(table, child.row, cells, (*cpath, "rule"), "rule", False)
        if rule is not None:
            child.data["rule"] = rule
        if "code" in child.data:
            self.leaves.setdefault((rubric_index, str(child.data["code"])), (child.data, cpath))
        return child.data

    def _parts(self, data: dict, table: _Table) -> None:
        """Attach 分项 rows to their composite indicators (rule kind parts), in row order."""
        for row, cells in table.rows:
            ri = self._rubric_of(data, table, row, cells)
            code = self._convert("code", cells.get("code"), table.loc(row, "code"))
            if ri is None or code is None:
                continue
            found = self.leaves.get((ri, str(code)))
            if found is None:
                self.add(table.loc(row, "code"), code, "「指标」表中没有这个编号的指标",
                         "no indicator with this code on the 指标 sheet")
                continue
            leaf, lpath = found
            rule = leaf.get("rule")
            if not isinstance(rule, dict) or rule.get("kind") != "parts":
                self.add(table.loc(row, "code"), code,
                         f"指标 {code} 在「指标」表中的计分规则不是 parts 分项计分",
                         f"indicator {code}'s rule on the 指标 sheet is not parts")
                continue
            parts = rule.setdefault("parts", [])
            ppath = (*lpath, "rule", "parts", len(parts))
            self.prov[ppath] = table.loc(row, "part")
            part: dict[str, Any] = {}
            self._fill(table, row, cells, part, ppath,
                       ("part", "max_points", "source", "interpretation"), {"part": "name"})
            part_rule = self._rule(table, row, cells, (*ppath, "rule"), "rule", False)
            if part_rule is not None:
                part["rule"] = part_rule
            parts.append(part)

    def _group_rows(self, data: dict, table: _Table, roots: list[_NodeB]) -> None:
        """Attach 指标分组 rows (max points, source, interpretation) to the groups they name."""
        for row, cells in table.rows:
            ri = self._rubric_of(data, table, row, cells)
            levels = self._levels(table, row, cells)
            if ri is None or levels is None:
                continue
            if not levels:
                self.add(table.loc(row, "level1"), None, "须填写分组的一级指标名称",
                         "name the group: 一级指标 is missing")
                continue
            node: _NodeB | None = roots[ri]
            for name, _ in levels:
                node = node.by_name.get(name) if node is not None else None
            if node is None:
                if tuple(n for n, _ in levels) in self.dropped_groups:
                    continue  # its indicators were already reported
                shown = " / ".join(n for n, _ in levels)
                self.add(table.loc(row, f"level{len(levels)}"), shown,
                         "「指标」表中没有属于此分组的指标(名称须与指标表一致)",
                         "no indicator on the 指标 sheet sits in this group (names must match)")
                continue
            if node.group_row is not None:
                self.add(table.loc(row, f"level{len(levels)}"), node.name,
                         f"分组重复(第{node.group_row}行已填写)",
                         f"the group is given twice (also row {node.group_row})")
                continue
            node.group_row = row
            for f in GROUP_FIELDS:
                value = self._convert(table.spec.col(f).kind, cells.get(f), table.loc(row, f))
                if value is not None:
                    node.extra[f] = value
            # 不适用时 and 重复项目 are the model's not_applicable and repeat (issue 20)
            if "na_method" in node.extra:
                node.extra["not_applicable"] = {"method": node.extra.pop("na_method")}
            if "repeat_items" in node.extra or "repeat_label" in node.extra:
                repeat = {"items": node.extra.pop("repeat_items", [])}
                if "repeat_label" in node.extra:
                    repeat["label"] = node.extra.pop("repeat_label")
                node.extra["repeat"] = repeat

    def _content(self, data: dict, table: _Table, steps: dict[str, tuple[float, int]],
                 types: _Table) -> None:
        if not (table.rows or steps or data.get("content")):
            return
        content = data.setdefault("content", {})
        items = []
        for i, row, cells, item in self._list_rows(table, ("content", "items")):
            self._fill(table, row, cells, item, ("content", "items", i),
                       ("number", "category", "name", "description", "points", "per", "source",
                        "interpretation"))
            if "number" in item:
                self.prov_value[(("content", "items"), str(item["number"]))] = \
                    table.loc(row, "number")
            items.append(item)
        content["items"] = items
        full_mark = content.setdefault("full_mark", {})
        full_mark["excess_step_by_unit_type"] = {name: step for name, (step, _) in steps.items()}
        self.prov[("content", "full_mark", "excess_step_by_unit_type")] = \
            (types.sheet, None, types.header("excess_step"))
        for name, (_, row) in steps.items():
            self.prov[("content", "full_mark", "excess_step_by_unit_type", name)] = \
                types.loc(row, "excess_step")
        self.prov[("content",)] = (table.sheet, None, None)

    def _clauses(self, data: dict, table: _Table) -> None:
        if not (table.rows or data.get("adjustments")):
            return
        clauses = []
        for i, row, cells, clause in self._list_rows(table, ("adjustments", "clauses")):
            path = ("adjustments", "clauses", i)
            self._fill(table, row, cells, clause, path,
                       ("kind", "number", "text", "fixed", "source", "interpretation"))
            levels: dict[str, float] = {}
            for name, level in LEVEL_FIELDS.items():
                loc = table.loc(row, name)
                self.prov[(*path, "levels", level)] = loc
                value = self._convert("number", cells.get(name), loc)
                if value is not None:
                    levels[level] = value
            if levels:
                clause["levels"] = levels
            self.prov[(*path, "levels")] = table.loc(row, "provincial")
            if "kind" in clause and "number" in clause:
                self.prov_value[(("adjustments", "clauses"),
                                 f"{clause['kind']}{clause['number']}")] = table.loc(row, "number")
            clauses.append(clause)
        data.setdefault("adjustments", {})["clauses"] = clauses

    def _grades(self, data: dict, table: _Table) -> None:
        if not (table.rows or data.get("grades")):
            return
        bands = []
        for i, row, cells, band in self._list_rows(table, ("grades", "bands")):
            self._fill(table, row, cells, band, ("grades", "bands", i), ("name", "min"))
            band.setdefault("min", None)  # blank: the lowest band
            if "name" in band:
                self.prov_value[(("grades", "bands"), band["name"])] = table.loc(row, "name")
            bands.append(band)
        data.setdefault("grades", {})["bands"] = bands

    def _targets(self, data: dict, table: _Table) -> None:
        targets = []
        for i, row, cells, target in self._list_rows(table, ("targets",)):
            self._fill(table, row, cells, target, ("targets", i),
                       tuple(c.field for c in table.spec.columns))
            targets.append(target)
        if targets:
            data["targets"] = targets


def _put(data: dict, path: tuple[str, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value

