"""Write an empty import workbook for one template kind and one scheme.

The workbook has one data sheet (named after the template, Chinese headers, frozen header row,
drop-down lists for the columns with a closed set of values), a hidden `_lists` sheet holding
those lists, and a `说明` sheet explaining each column in Chinese and English plus the scheme's
reference table for the kind (indicators, content items, clauses, targets or unit types).
Reading the template back gives zero rows and no problems: the reader skips `说明` and `_lists`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipelines.inputs.templates import ADJUSTMENT_KINDS, LEVELS, TEMPLATES, Column
from pipelines.schemes.model import RULE_INPUT_COLUMNS, Scheme, input_columns
from pipelines.schemes.tables import INPUT_COLUMN_ZH, RULE_KIND_ZH, iter_leaves

DATA_ROWS = 5000  # rows covered by the drop-down lists
LISTS_SHEET = "_lists"
HELP_SHEET = "说明"

# What each column holds, in Chinese and English; (kind, column) overrides (None, column).
_HELP: dict[tuple[str | None, str], tuple[str, str]] = {
    (None, "scheme"): ("考核方案编号,如 jintan-2013", "the scheme id, e.g. jintan-2013"),
    (None, "unit"): ("被考核单位名称(单位名录中的名称或别名)",
                     "the unit's name as in the units list, or one of its aliases"),
    ("units", "unit"): ("单位名称", "the unit's name"),
    (None, "unit_type"): ("单位类型,须为方案中的类型", "the unit type, one of the scheme's"),
    (None, "aliases"): ("别名,可选;多个用 、 或 , 分隔", "aliases, optional; separate by 、 or ,"),
    (None, "month"): ("月份,写作 YYYY-MM,如 2013-01", "the month as YYYY-MM, e.g. 2013-01"),
    (None, "year"): ("考核年度,如 2013", "the year assessed, e.g. 2013"),
    ("content", "item"): ("内容保障项目序号(附件1 序号)", "the content item number"),
    (None, "count"): ("条数(整数)", "the number of items (a whole number)"),
    (None, "city_adopted"): ("被市级录用条数(仅市级录用);空白视为 0",
                             "items adopted at city level only; blank means 0"),
    (None, "province_adopted"): ("被省级录用条数;与市级录用之和不超过条数;空白视为 0",
                                 "items adopted by the province; city + province never exceed "
                                 "count; blank means 0"),
    ("yearend", "indicator"): ("指标编号(见下表)", "the indicator code (see the table below)"),
    ("yearend", "part"): ("分项名称,仅分项计分的指标填写(每个分项一行,见下表)",
                         "the part, for composite indicators only: one row per part"),
    (None, "score"): ("考核组评分,0 至该指标分值", "the assessor's score, 0 to the max points"),
    (None, "deduction"): ("扣分(不小于 0,扣完为止)", "points deducted (0 or more)"),
    (None, "actual"): ("实际值,小数或百分数,如 0.92 或 92%", "the actual rate: 0.92 or 92%"),
    (None, "numerator"): ("分子(不大于分母)", "the numerator (not above the denominator)"),
    (None, "denominator"): ("分母(大于 0)", "the denominator (above 0)"),
    (None, "times"): ("次数", "how many times"),
    (None, "place"): ("名次,1 为第一", "the place, 1 is first"),
    (None, "choice"): ("选项(从下拉列表选择)", "the option chosen (drop-down list)"),
    (None, "exempt"): ("豁免:是/否;经认定无此任务的指标填 是", "exempt: 是 (yes) / 否 (no)"),
    (None, "note"): ("说明,可选", "a note, optional"),
    (None, "kind"): ("类别:加分 或 减分", "加分 (bonus) or 减分 (penalty)"),
    ("adjustments", "item"): ("加分或减分条款序号;方案中该类别只有一条时可不填",
                              "the clause number; optional where the scheme has one such clause"),
    (None, "level"): ("级别:国家级/省级/市级/县级(本市级)",
                      "the level: 国家级/省级/市级/县级 (the scheme's own county level)"),
    (None, "reason"): ("事由", "what the bonus or penalty is for"),
    (None, "points"): ("分值,可选;不填按方案中该条款该级别的分值",
                       "points, optional: the scheme's value for the clause and level if blank"),
    (None, "metric"): ("目标指标代码或名称(见下表)", "the target's code or name (see below)"),
    (None, "value"): ("数值;比率类指标可填百分数,如 92%", "the value; rates may be written 92%"),
}
# Columns whose cells are text: formatted as text so Excel keeps "001" and "2013-01" as typed.
_TEXT_COLUMNS = {"scheme", "unit", "unit_type", "aliases", "month", "indicator", "choice",
                 "exempt", "note", "kind", "level", "reason", "metric"}


def _help(kind: str, column: str) -> tuple[str, str]:
    return _HELP.get((kind, column)) or _HELP.get((None, column)) or ("", "")


def template_columns(kind: str, scheme: Scheme) -> list[Column]:
    """The columns of the kind's template for this scheme.

    For `yearend` only the input columns the scheme's rules read, and 豁免 only where a rubric
    allows exemption; every other kind has all its columns.
    """
    template = TEMPLATES[kind]
    if kind != "yearend":
        return list(template.columns)
    needed = {c for r in scheme.rubrics for leaf in iter_leaves(r)
              for c in input_columns(leaf.rule, scheme.composite_entry)}
    exemption = any(r.exemption is not None for r in scheme.rubrics)
    return [
        c for c in template.columns
        if c.required or c.name in needed or c.name == "note"
        or (c.name == "exempt" and exemption)
    ]


def _lists(kind: str, scheme: Scheme, units: pl.DataFrame) -> dict[str, list[str]]:
    """The drop-down values per column name (empty lists are left out)."""
    if "scheme" in units.columns:
        units = units.filter(pl.col("scheme") == scheme.id)
    level_names = list(LEVELS) + ([scheme.county_level_label] if scheme.county_level_label else [])
    lists: dict[str, list[str]] = {
        "scheme": [scheme.id],
        "unit_type": [u.name for u in scheme.unit_types],
        "kind": list(ADJUSTMENT_KINDS),
        "level": level_names,
        "exempt": ["是", "否"],
    }
    if kind != "units" and "unit" in units.columns:
        lists["unit"] = [u for u in units["unit"].to_list() if u]
    if kind == "yearend":
        codes: list[str] = []
        options: list[str] = []
        parts: list[str] = []
        for rubric in scheme.rubrics:
            for leaf in iter_leaves(rubric):
                if leaf.indicator.code not in codes:
                    codes.append(leaf.indicator.code)
                part_rules = ([p.rule for p in leaf.rule.parts]
                              if leaf.rule.kind == "parts" and scheme.composite_entry == "parts"
                              else [leaf.rule])
                for rule in part_rules:
                    if rule.kind == "choice":
                        options += [o for o in rule.options if o not in options]
                if leaf.rule.kind == "parts" and scheme.composite_entry == "parts":
                    parts += [p.name for p in leaf.rule.parts if p.name not in parts]
        lists["indicator"] = codes
        lists["choice"] = options
        lists["part"] = parts
    elif kind == "content" and scheme.content:
        lists["item"] = [str(it.number) for it in scheme.content.items]
    elif kind == "adjustments" and scheme.adjustments:
        lists["item"] = sorted({str(c.number) for c in scheme.adjustments.clauses}, key=int)
    elif kind == "metrics":
        lists["metric"] = [t.code for t in scheme.targets]
    return {k: v for k, v in lists.items() if v}


def _reference_table(kind: str, scheme: Scheme) -> tuple[list[str], list[list[object]]]:
    """The scheme's table a clerk needs beside this template."""
    if kind == "yearend":
        head = ["评分细则 rubric", "适用单位类型 unit types", "编号 code", "名称 name",
                "分值 max points", "计分规则 rule", "需填列 column"]
        rows: list[list[object]] = []
        for rubric in scheme.rubrics:
            for leaf in iter_leaves(rubric):
                kind_ = leaf.rule.kind
                if kind_ == "parts" and scheme.composite_entry == "parts":
                    # One row per part: the clerk fills 分项 with its name.
                    for part in leaf.rule.parts:
                        pk = part.rule.kind
                        cols = "、".join(f"{INPUT_COLUMN_ZH[c]} [{c}]"
                                        for c in ("part", *RULE_INPUT_COLUMNS[pk]))
                        rows.append([rubric.name, "、".join(rubric.unit_types),
                                     leaf.indicator.code, f"{leaf.display_name} · 分项 {part.name}",
                                     part.max_points, f"{RULE_KIND_ZH[pk]} [{pk}]", cols])
                    continue
                cols = "、".join(f"{INPUT_COLUMN_ZH[c]} [{c}]"
                                for c in input_columns(leaf.rule, scheme.composite_entry))
                rows.append([rubric.name, "、".join(rubric.unit_types), leaf.indicator.code,
                             leaf.display_name, leaf.indicator.max_points,
                             f"{RULE_KIND_ZH[kind_]} [{kind_}]", cols])
        return head, rows
    if kind == "content":
        head = ["序号 item", "一级指标 category", "名称 name", "分值 points", "计量 per"]
        items = scheme.content.items if scheme.content else []
        return head, [[it.number, it.category, it.name or "", it.points, it.per] for it in items]
    if kind == "adjustments":
        head = ["类别 kind", "项目 item", "级别 level", "分值 points", "条文 text"]
        rows = []
        for c in scheme.adjustments.clauses if scheme.adjustments else []:
            if c.levels:
                rows += [[c.kind, c.number, lv, p, c.text] for lv, p in c.levels.items()]
            else:
                rows.append([c.kind, c.number, "", c.fixed, c.text])
        return head, rows
    if kind == "metrics":
        head = ["代码 code", "名称 name", "类型 measure", "单位 unit", "目标 target"]
        return head, [[t.code, t.name, t.measure, t.unit, t.text] for t in scheme.targets]
    head = ["单位类型 unit type", "说明 description"]
    return head, [[u.name, u.description or ""] for u in scheme.unit_types]


def write_template(kind: str, scheme: Scheme, units: pl.DataFrame, path: Path | str) -> Path:
    """Write an empty import workbook of `kind` for `scheme` to `path` (.xlsx) and return it.

    `units` holds the units known for the scheme (a `unit` column; a `scheme` column, if
    present, is filtered on); they fill the 单位 drop-down list.
    """
    if kind not in TEMPLATES:
        raise ValueError(f"unknown template kind: {kind}")
    template = TEMPLATES[kind]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = template_columns(kind, scheme)
    lists = _lists(kind, scheme, units)

    wb = xlsxwriter.Workbook(str(path))
    try:
        header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        text = wb.add_format({"num_format": "@"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        title = wb.add_format({"bold": True, "font_size": 13})

        data = wb.add_worksheet(template.zh)
        hidden = wb.add_worksheet(LISTS_SHEET)
        help_ws = wb.add_worksheet(HELP_SHEET)

        # Hidden lists, one column each; drop-downs refer to them (no 255-character limit).
        refs: dict[str, str] = {}
        for j, (name, values) in enumerate(lists.items()):
            hidden.write_string(0, j, name)
            for r, v in enumerate(values, start=1):
                hidden.write_string(r, j, str(v))
            letter = xl_col_to_name(j)
            refs[name] = f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        hidden.hide()

        for j, col in enumerate(columns):
            data.write_string(0, j, col.zh, header)
            width = max(10, 2 * len(col.zh) + 4)
            if col.name in ("unit", "reason", "note", "aliases"):
                width = 28
            data.set_column(j, j, width, text if col.name in _TEXT_COLUMNS else None)
            if col.name in refs:
                # Units and metrics also accept aliases and names: warn instead of refusing.
                strict = col.name not in ("unit", "metric", "choice")
                zh, en = _help(kind, col.name)
                data.data_validation(1, j, DATA_ROWS, j, {
                    "validate": "list",
                    "source": refs[col.name],
                    "error_type": "stop" if strict else "warning",
                    "input_title": col.zh[:32],
                    "input_message": f"{zh}\n{en}"[:255],
                })
        data.freeze_panes(1, 0)
        data.activate()

        help_ws.set_column(0, 0, 16)
        help_ws.set_column(1, 1, 18)
        help_ws.set_column(2, 2, 10)
        help_ws.set_column(3, 4, 48, wrap)
        help_ws.set_column(5, 6, 24, wrap)
        help_ws.write(0, 0, f"{template.zh}({kind})· {scheme.name}({scheme.id})", title)
        help_ws.write(1, 0, "每行一条记录;表头为第1行,请勿修改表头。"
                            " One record per row; keep the header row as it is.")
        help_ws.write_row(3, 0, ["列 column", "英文表头 header", "必填 required",
                                 "说明", "description"], header)
        for r, col in enumerate(columns, start=4):
            zh, en = _help(kind, col.name)
            required = "是 yes" if col.required else "否 no"
            help_ws.write_row(r, 0, [col.zh, col.name, required, zh, en])
        start = 4 + len(columns) + 2
        head, rows = _reference_table(kind, scheme)
        help_ws.write_row(start, 0, head, header)
        for r, row in enumerate(rows, start=start + 1):
            help_ws.write_row(r, 0, row)
    finally:
        wb.close()
    return path
