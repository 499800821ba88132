"""The scheme as a workbook (方案工作簿): the offices' own form of a scheme file.

The same `Scheme` as the YAML text form, laid out the way an evaluation office already keeps its
scheme tables: one row per scored indicator, plus small sheets for everything else. Reading gives
exactly the model the YAML form gives, and writing a scheme then reading it back gives the same
model, so a scheme can be exported, edited in Excel for next year and added again.

Sheets (Chinese names; the English names in brackets are accepted too), header in row 1:

    说明 [help]            what to fill and how (not read)
    方案 [scheme]          header fields as rows: 字段 | field | 值 | 说明 (备注 rows repeat)
    文件 [documents]       文号 | 标题 | 原文文件
    单位类型 [unit_types]  单位类型 | 说明 | 超额加分步长 | 来源 | 解释
    考评阶段 [stages]      阶段代码 | 阶段名称 | 依据 | 权重 | 来源 | 解释
    评分细则 [rubrics]     细则代码 | 细则名称 | 适用单位类型 | 总分 | 默认计分规则
                           | (rule parameters) | 未录入指标 | 允许豁免 | 豁免来源 | 豁免解释
                           | 来源 | 解释
    指标 [indicators]      细则 | 编号 | 一级指标 | 二级指标 | 三级指标 | 指标名称 | 分值 | 计分规则
                           | 目标值 | 每次分值 | 封顶 | 选项 | 分档 | 参评数 | 考核要点 | 评分办法
                           | 牵头科室 | 配合科室 | 牵头考核单位 | 佐证材料 | 来源 | 解释
    指标分组 [groups]      细则 | 一级指标 | 二级指标 | 三级指标 | 分值 | 来源 | 解释
    内容保障 [content_items] 序号 | 一级指标 | 二级指标 | 指标说明 | 每条分值 | 计量单位
                           | 来源 | 解释
    加减分 [clauses]       类别 | 编号 | 条款内容 | 国家级 | 省级 | 市级 | 县级 | 固定分值
                           | 来源 | 解释
    等次 [grades]          等次 | 下限
    目标 [targets]         代码 | 名称 | 原文 | 类型 | 方向 | 严格超过 | 保底值 | 争取值
                           | 汇总方式 | 单位 | 来源 | 解释

In 指标, 一级/二级/三级指标 name the groups an indicator sits in (top first) and 指标名称 is the
scored indicator's own name; the tree is rebuilt from the rows in order. A group's 分值 and its
source go on a row of 指标分组. Every problem names the sheet, the Excel row and the column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from pydantic import ValidationError

from pipelines.inputs.normalize import (
    NormalizeError,
    clean_text,
    match_key,
    parse_bool,
    parse_int,
    parse_number,
)
from pipelines.inputs.problems import Problem
from pipelines.schemes.checks import (
    SchemeRejected,
    check_scheme,
    checks_after_repair,
    error_path,
    error_value,
    explain_error,
)
from pipelines.schemes.model import (
    RULE_INPUT_COLUMNS,
    RULE_KINDS,
    Indicator,
    Node,
    Rubric,
    Scheme,
)
from pipelines.schemes.tables import INPUT_COLUMN_ZH, RULE_KIND_ZH, iter_leaves

# ---------------------------------------------------------------------------------------------
# Closed sets of values: the drop-down entry is "code 中文"; the code alone, the Chinese alone or
# any listed alias is read too.
# ---------------------------------------------------------------------------------------------

RULE_LABELS: dict[str, str] = {
    "assessor_score": "考核组评分",
    "deduction": "倒扣分",
    "rate_target": "比率对标",
    "ratio": "比值公式",
    "rank_tiers": "排名分档",
    "per_event": "按次计分",
    "choice": "选项计分",
    "parts": "分项计分",
}

ENUMS: dict[str, dict[str, str]] = {
    "rule": RULE_LABELS,
    "basis": {"rubric": "评分细则", "content": "内容保障"},
    "missing_input": {"zero": "按0分", "full": "按满分"},
    "measure": {"rank": "排名", "cumulative": "累计", "level": "水平", "rate": "比率",
                "count": "计数"},
    "direction": {"higher_better": "越高越好", "lower_better": "越低越好"},
    "aggregate": {"sum": "逐月累加", "last": "取最近一月", "mean": "各月平均"},
    "clause_kind": {"加分": "", "减分": ""},
    "above_one": {"refuse": "拒绝", "cap": "按满分计"},
    "composite_entry": {"parts": "按分项录入", "score": "录入总得分"},
}

ENUM_NAMES: dict[str, tuple[str, str]] = {
    "rule": ("计分规则", "rule kind"),
    "basis": ("阶段依据", "stage basis"),
    "missing_input": ("未录入处理", "missing_input"),
    "measure": ("目标类型", "target measure"),
    "direction": ("目标方向", "target direction"),
    "aggregate": ("汇总方式", "aggregate"),
    "clause_kind": ("加减分类别", "clause kind"),
    "above_one": ("分子大于分母", "above_one"),
    "composite_entry": ("分项录入", "composite_entry"),
}

ENUM_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "rule": {k: (v,) for k, v in RULE_KIND_ZH.items()},
    "basis": {"rubric": ("年终", "年终考评", "年终评分"), "content": ("平时", "平时考评")},
    "missing_input": {"zero": ("0", "0分", "零分", "按零分"), "full": ("满分",)},
    "clause_kind": {"加分": ("bonus",), "减分": ("penalty",)},
    "above_one": {"refuse": ("拒收", "不允许"), "cap": ("封顶", "满分", "按满分")},
}


def enum_entry(enum: str, code: str) -> str:
    """The drop-down entry for a code: "deduction 倒扣分" (or the code alone when it is Chinese)."""
    label = ENUMS[enum][code]
    return f"{code} {label}" if label else code


def enum_entries(enum: str) -> list[str]:
    return [enum_entry(enum, code) for code in ENUMS[enum]]


def parse_enum(enum: str, value: object) -> str | None:
    """The code of a drop-down entry, a code, its Chinese name or an alias; blank -> None."""
    text = clean_text(value)
    if text is None:
        return None
    key = match_key(text)
    for code, label in ENUMS[enum].items():
        names = {code, label, f"{code} {label}", *ENUM_ALIASES.get(enum, {}).get(code, ())}
        if key in {match_key(n) for n in names if n}:
            return code
    first = match_key(text.split()[0])
    if first in {match_key(c) for c in ENUMS[enum]}:
        return next(c for c in ENUMS[enum] if match_key(c) == first)
    zh, en = ENUM_NAMES[enum]
    raise NormalizeError(
        f"未知的{zh}「{text}」;可选: " + "、".join(enum_entries(enum)),
        f"unknown {en} '{text}'; one of: " + ", ".join(ENUMS[enum]),
    )


# ---------------------------------------------------------------------------------------------
# The layout: sheets and columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """One column of a sheet (or one field row of the 方案 sheet).

    kind: text | code | number | percent | int | bool | list | options | tiers | enum:<name>
    """

    field: str  # the English header, also the key used here
    zh: str  # the Chinese header the writer writes
    kind: str = "text"
    width: float = 14
    help_zh: str = ""
    help_en: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    name: str  # Chinese sheet name (written)
    en: str  # English sheet name (accepted)
    columns: tuple[Col, ...]
    required_columns: tuple[str, ...]
    required: bool  # must the sheet exist
    help_zh: str
    help_en: str

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.field == name)


SOURCE = Col("source", "来源", width=24, help_zh="依据的原文条款,如 附件2 序号12",
             help_en="the seed clause implemented, e.g. 附件2 序号12")
INTERP = Col("interpretation", "解释", width=30,
             help_zh="原文留有余地时所作的选择,一句话", help_en="one sentence: the choice made")

LEVEL_ZH = ("一级指标", "二级指标", "三级指标", "四级指标", "五级指标")
MAX_LEVELS = len(LEVEL_ZH)
DEFAULT_LEVELS = 3


def level_cols(n: int) -> tuple[Col, ...]:
    return tuple(
        Col(f"level{i + 1}", LEVEL_ZH[i], width=16,
            help_zh=f"本指标所属的{LEVEL_ZH[i]}(分组)名称;不属于该级分组的留空",
            help_en=f"the level-{i + 1} group this indicator sits in; blank if none")
        for i in range(n)
    )


RULE_PARAM_COLS: tuple[Col, ...] = (
    Col("target", "目标值", "percent", 10,
        "rate_target 的目标比率:0.92 或 92%", "rate_target: the target rate, 0.92 or 92%"),
    Col("points_each", "每次分值", "number", 10,
        "per_event 每次(每项)得分", "per_event: points per event"),
    Col("cap", "封顶", "number", 8,
        "per_event 最高得分;不填 = 指标分值", "per_event: the cap; blank = the max points"),
    Col("options", "选项", "options", 24,
        "choice 的选项及分值,写作 是=3;否=1;未接入=0",
        "choice: options and points, written 是=3;否=1;未接入=0"),
    Col("tiers", "分档", "tiers", 14,
        "rank_tiers 名次分档,写作 名次上限=分值,如 5=2;10=1(前5名2分,6-10名1分)",
        "rank_tiers: place up to = points, e.g. 5=2;10=1"),
    Col("peers", "参评数", "int", 8,
        "rank_tiers 参与排名的总数,如 16(个地市)", "rank_tiers: how many are ranked, e.g. 16"),
    Col("above_one", "分子大于分母", "enum:above_one", 12,
        "ratio:分子大于分母时 refuse 拒绝(默认,视为录入错误)或 cap 按满分计",
        "ratio: a numerator above the denominator is refused (default) or capped at the points"),
)
PARAMS_OF_KIND: dict[str, tuple[str, ...]] = {
    "assessor_score": (),
    "deduction": (),
    "rate_target": ("target",),
    "ratio": ("above_one",),
    "rank_tiers": ("tiers", "peers"),
    "per_event": ("points_each", "cap"),
    "choice": ("options",),
    "parts": (),  # the parts are rows of the 分项 sheet
}

RUBRIC_REF = Col("rubric", "细则", width=12,
                 help_zh="所属评分细则的细则代码(方案只有一个评分细则时可不填)",
                 help_en="the rubric id (optional when the scheme has one rubric)")

SHEETS: dict[str, SheetSpec] = {
    "documents": SheetSpec(
        "文件", "documents",
        (
            Col("number", "文号", width=26, help_zh="发文字号,如 坛政办发〔2013〕63号",
                help_en="the document number"),
            Col("title", "标题", width=40, help_zh="文件标题", help_en="the document title"),
            Col("seed", "原文文件", width=26, help_zh="原文文本文件名,可选",
                help_en="the seed text file, optional"),
        ),
        ("number", "title"), True,
        "方案依据的文件,至少一行", "the documents the scheme implements, at least one",
    ),
    "unit_types": SheetSpec(
        "单位类型", "unit_types",
        (
            Col("name", "单位类型", width=18, help_zh="被考核单位的类型,如 乡镇(街道)",
                help_en="a type of unit assessed"),
            Col("description", "说明", width=30, help_zh="哪些单位属于此类型",
                help_en="which units are of this type"),
            Col("excess_step", "超额加分步长", "number", 12,
                "仅有内容保障(平时考评)的方案:超过满分后每满多少分加一次超额加分",
                "content schemes only: content points per excess bonus step"),
            SOURCE, INTERP,
        ),
        ("name",), True,
        "每个单位类型一行;每个类型须恰好适用一个评分细则",
        "one row per unit type; each must be covered by exactly one rubric",
    ),
    "stages": SheetSpec(
        "考评阶段", "stages",
        (
            Col("id", "阶段代码", width=12, help_zh="如 yearend、monthly", help_en="e.g. yearend"),
            Col("name", "阶段名称", width=14, help_zh="如 年终考评", help_en="e.g. 年终考评"),
            Col("basis", "依据", "enum:basis", 16,
                "rubric = 按评分细则打分(恰好一个);content = 按内容保障月报计分(至多一个)",
                "rubric: scored by the rubric (exactly one); content: by monthly content"),
            Col("weight", "权重", "percent", 8, "占总分的比例,如 60% 或 0.6;各阶段之和为 100%",
                "share of the total, e.g. 60% or 0.6; stages sum to 100%"),
            SOURCE, INTERP,
        ),
        ("id", "name", "basis", "weight"), True,
        "考评阶段及权重;只有年终考评的方案写一行 yearend / rubric / 100%",
        "stages and weights; a year-end-only scheme has one row: yearend / rubric / 100%",
    ),
    "rubrics": SheetSpec(
        "评分细则", "rubrics",
        (
            Col("id", "细则代码", width=12, help_zh="如 county、town;指标表的「细则」列引用它",
                help_en="e.g. county; the indicators' 细则 column refers to it"),
            Col("name", "细则名称", width=30, help_zh="评分细则(指标体系)的名称",
                help_en="the rubric's name"),
            Col("unit_types", "适用单位类型", "list", 20,
                "适用的单位类型,多个用 、 分隔", "unit types it applies to, separated by 、"),
            Col("max_points", "总分", "number", 8, "各指标分值之和,通常 100",
                "the stated total, usually 100"),
            Col("default_rule", "默认计分规则", "enum:rule", 18,
                "指标未选计分规则时使用;不填 = assessor_score",
                "used where an indicator names no rule; blank = assessor_score"),
            *RULE_PARAM_COLS,
            Col("missing_input", "未录入指标", "enum:missing_input", 12,
                "某单位某指标没有录入时:zero 按0分;full 按满分(倒扣分制)",
                "an indicator with no input row scores zero, or full (deduction rubrics)"),
            Col("exemption", "允许豁免", "bool", 9,
                "是 = 无此项任务的单位可豁免该指标,总分按其余指标折算",
                "是: units without the task may be exempted; the rubric is rescaled"),
            Col("exemption_source", "豁免来源", width=20, help_zh="豁免规定的原文条款",
                help_en="the clause allowing exemption"),
            Col("exemption_interpretation", "豁免解释", width=24, help_zh="豁免的折算方法说明",
                help_en="how exemption is applied"),
            SOURCE, INTERP,
        ),
        ("id", "name", "unit_types", "max_points", "missing_input"), True,
        "每个评分细则(指标体系)一行", "one row per rubric",
    ),
    "groups": SheetSpec(
        "指标分组", "groups",
        (
            RUBRIC_REF,
            *level_cols(MAX_LEVELS),
            Col("max_points", "分值", "number", 8, "该分组的分值;填写后将核对其下指标分值之和",
                "the group's max points; its indicators must sum to it"),
            SOURCE, INTERP,
        ),
        ("level1",), False,
        "一级/二级/三级指标分组的分值与来源:一行一个分组,用各级名称指明是哪个分组",
        "a group's max points and source: one row per group, named by its level columns",
    ),
    "indicators": SheetSpec(
        "指标", "indicators",
        (
            RUBRIC_REF,
            Col("code", "编号", "code", 8, "指标编号,在评分细则内唯一;年终评分表的「指标」列填它",
                "the indicator code, unique in its rubric; the yearend template uses it"),
            *level_cols(MAX_LEVELS),
            Col("name", "指标名称", width=20, help_zh="本指标(打分项)自身的名称,可空",
                help_en="the scored indicator's own name, may be blank"),
            Col("max_points", "分值", "number", 7, "本指标的满分", "the indicator's max points"),
            Col("rule", "计分规则", "enum:rule", 18,
                "从下拉列表选择;不填 = 该评分细则的默认计分规则",
                "pick from the list; blank = the rubric's default rule"),
            *RULE_PARAM_COLS,
            Col("criteria", "考核要点", width=36, help_zh="考核要点/考核内容/指标说明",
                help_en="what is assessed"),
            Col("scoring_text", "评分办法", width=36, help_zh="扣分办法/评分细则,照录原文",
                help_en="the scoring text, verbatim", aliases=("扣分办法", "评分细则文字")),
            Col("lead_office", "牵头科室", width=12, help_zh="牵头科室", help_en="lead office"),
            Col("supporting_offices", "配合科室", "list", 16, "多个用 、 分隔",
                "supporting offices, separated by 、"),
            Col("assessing_bodies", "牵头考核单位", "list", 16, "多个用 、 分隔",
                "lead assessing bodies, separated by 、"),
            Col("evidence", "佐证材料", width=24, help_zh="佐证材料/备注", help_en="evidence"),
            SOURCE, INTERP,
        ),
        ("code", "level1", "max_points"), True,
        "一行一个打分的指标(末级指标),按原文顺序", "one row per scored indicator, in order",
    ),
    "parts": SheetSpec(
        "分项", "parts",
        (
            RUBRIC_REF,
            Col("code", "编号", "code", 8, "分项所属指标的编号(该指标在「指标」表的计分规则为 "
                "parts 分项计分)", "the code of the composite indicator (rule parts)"),
            Col("part", "分项", width=16, help_zh="分项名称;年终评分表的「分项」列填它",
                help_en="the part's name; the yearend template's 分项 column uses it"),
            Col("max_points", "分值", "number", 7, "该分项的满分(封顶)", "the part's points"),
            Col("rule", "计分规则", "enum:rule", 18, "该分项自己的计分规则(不能再是分项计分)",
                "the part's own rule (not parts)"),
            *RULE_PARAM_COLS,
            SOURCE, INTERP,
        ),
        ("code", "part", "max_points", "rule"), False,
        "复合指标的分项:一行一个分项,各按自己的计分规则计分,相加后以指标分值封顶",
        "parts of composite indicators: one row per part, each scored by its own rule",
    ),
    "content_items": SheetSpec(
        "内容保障", "content_items",
        (
            Col("number", "序号", "int", 6, "项目序号;内容保障月报的「项目」列填它",
                "the item number; the monthly content template uses it"),
            Col("category", "一级指标", width=16, help_zh="项目类别", help_en="the category"),
            Col("name", "二级指标", width=16, help_zh="项目名称,可空", help_en="the item"),
            Col("description", "指标说明", width=30, help_zh="说明", help_en="description"),
            Col("points", "每条分值", "number", 8, "每条(个、次)得分", "points per item"),
            Col("per", "计量单位", width=8, help_zh="条、个、链、次", help_en="条, 个, 次 ..."),
            SOURCE, INTERP,
        ),
        ("number", "category", "points", "per"), False,
        "仅有平时考评(内容保障月报计分)的方案填写", "only schemes with a monthly content stage",
    ),
    "clauses": SheetSpec(
        "加减分", "clauses",
        (
            Col("kind", "类别", "enum:clause_kind", 7, "加分 或 减分", "加分 (bonus) or 减分"),
            Col("number", "编号", "int", 6, "条款编号;加减分表的「项目」列填它",
                "the clause number; the adjustments template uses it"),
            Col("text", "条款内容", width=40, help_zh="条款原文", help_en="the clause text"),
            Col("national", "国家级", "number", 7, "每次分值", "points per event"),
            Col("provincial", "省级", "number", 7, "每次分值", "points per event"),
            Col("city", "市级", "number", 7, "每次分值", "points per event"),
            Col("county", "县级", "number", 7, "每次分值(本级,如 金坛市级)",
                "points per event (the scheme's own county level)"),
            Col("fixed", "固定分值", "number", 8, "不分级别时的每次分值(与级别分值二选一)",
                "points when no level applies (instead of the levels)"),
            SOURCE, INTERP,
        ),
        ("kind", "number", "text"), False,
        "加分、减分条款;封顶值写在「方案」表", "bonus and penalty clauses; caps go on 方案",
    ),
    "grades": SheetSpec(
        "等次", "grades",
        (
            Col("name", "等次", width=12, help_zh="如 优秀", help_en="e.g. 优秀"),
            Col("min", "下限", "number", 8, "总分达到此分(含)即为该等次;最低等次留空",
                "inclusive lower bound; blank for the lowest grade"),
        ),
        ("name", "min"), False,
        "从高到低,最低等次的下限留空", "best first; the lowest grade has no lower bound",
    ),
    "targets": SheetSpec(
        "目标", "targets",
        (
            Col("code", "代码", width=16, help_zh="目标数据表的「指标」列填它",
                help_en="the metric code used in the metrics template"),
            Col("name", "名称", width=20, help_zh="目标名称", help_en="the target's name"),
            Col("text", "原文", width=30, help_zh="原文写法,如 保二争一", help_en="as worded"),
            Col("measure", "类型", "enum:measure", 14, "排名/累计/水平/比率/计数",
                "rank, cumulative, level, rate or count"),
            Col("direction", "方向", "enum:direction", 18, "越高越好(分数)或越低越好(名次)",
                "higher is better (points) or lower (ranks)"),
            Col("strict", "严格超过", "bool", 9, "是 = 须超过(不含等于)", "是: strictly beyond"),
            Col("floor", "保底值", "percent", 10, "保:须达到的值", "the floor (保)"),
            Col("stretch", "争取值", "percent", 10, "争:争取达到的值,可空", "the stretch (争)"),
            Col("aggregate", "汇总方式", "enum:aggregate", 16, "各月数值如何汇总为年度值",
                "how months combine: sum, last or mean"),
            Col("unit", "单位", width=8, help_zh="名、件、分、% ...", help_en="名, 件, 分, % ..."),
            SOURCE, INTERP,
        ),
        ("code", "name", "text", "measure", "direction", "floor", "aggregate", "unit"), False,
        "工作目标(保/争)", "targets with a floor (保) and a stretch (争)",
    ),
}

# The 方案 sheet: one row per header field, keyed by its dotted English path or Chinese label.
HEADER_SHEET = "方案"
HEADER_SHEET_EN = "scheme"
HELP_SHEET = "说明"
LISTS_SHEET = "_lists"


@dataclass(frozen=True)
class HeaderField:
    path: tuple[str, ...]
    zh: str
    kind: str = "text"
    help_zh: str = ""
    help_en: str = ""

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    @property
    def label(self) -> str:
        return f"{self.zh} [{self.dotted}]"


HEADER_FIELDS: tuple[HeaderField, ...] = (
    HeaderField(("id",), "方案代码", help_zh="小写字母、数字和连字符,如 jintan-2014",
                help_en="lowercase letters, digits and '-', e.g. jintan-2014"),
    HeaderField(("name",), "方案名称", help_zh="考核办法的名称", help_en="the scheme's name"),
    HeaderField(("jurisdiction",), "地区", help_zh="如 金坛市", help_en="e.g. 金坛市"),
    HeaderField(("year",), "年度", "int", "考核年度,如 2014", "the year assessed"),
    HeaderField(("total_points",), "总分", "number", "总分,通常 100;不填 = 100",
                "the total, usually 100; blank = 100"),
    HeaderField(("county_level_label",), "县级名称",
                help_zh="加减分「县级」在原文中的写法,如 金坛市级",
                help_en="how the seed writes the 县级 level"),
    HeaderField(("source",), "来源", help_zh="依据的文件", help_en="the source"),
    HeaderField(("interpretation",), "解释", help_zh="整体上所作的选择", help_en="a choice made"),
    HeaderField(("notes",), "备注", help_zh="方案层面的说明;可多行,每行一条",
                help_en="notes; repeat the row for more"),
    HeaderField(("content", "source"), "内容保障·来源", help_zh="仅平时考评方案",
                help_en="content stage only"),
    HeaderField(("content", "interpretation"), "内容保障·解释"),
    HeaderField(("content", "adoption_bonus", "city"), "录用加分·市级", "number",
                "被市级录用每条加分,如 2", "points per item adopted by the city"),
    HeaderField(("content", "adoption_bonus", "province"), "录用加分·省级", "number",
                "被省级录用每条加分,如 5", "points per item adopted by the province"),
    HeaderField(("content", "adoption_bonus", "source"), "录用加分·来源"),
    HeaderField(("content", "adoption_bonus", "interpretation"), "录用加分·解释"),
    HeaderField(("content", "full_mark", "points"), "平时满分", "number",
                "全年内容保障得分达到此数即得平时考评满分,如 600",
                "content points earning the full monthly stage, e.g. 600"),
    HeaderField(("content", "full_mark", "excess_bonus"), "超额加分", "number",
                "超过满分后每满一个步长(见单位类型表)加的分,如 0.3",
                "bonus per full step above the full mark (steps on 单位类型), e.g. 0.3"),
    HeaderField(("content", "full_mark", "source"), "平时满分·来源"),
    HeaderField(("content", "full_mark", "interpretation"), "平时满分·解释"),
    HeaderField(("adjustments", "bonus_cap"), "加分封顶", "number", "加分合计的上限,不封顶留空",
                "cap on the bonus total; blank = none"),
    HeaderField(("adjustments", "penalty_cap"), "减分封顶", "number", "减分合计的上限,不封顶留空",
                "cap on the penalty total; blank = none"),
    HeaderField(("adjustments", "source"), "加减分·来源"),
    HeaderField(("adjustments", "interpretation"), "加减分·解释"),
    HeaderField(("composite_entry",), "分项录入", "enum:composite_entry",
                "分项计分的指标如何录入:parts 按分项录入(默认,一行一个分项)或 score 录入总得分",
                "composite indicators entered by part (default) or as one 得分"),
    HeaderField(("grades", "source"), "等次·来源"),
    HeaderField(("grades", "interpretation"), "等次·解释"),
)
HEADER_COLS = (
    Col("label", "字段", width=18), Col("field", "field", width=34),
    Col("value", "值", width=50), Col("help", "说明", width=60),
)

LEVEL_FIELDS = {"national": "国家级", "provincial": "省级", "city": "市级", "county": "县级"}

# The order of the data sheets when written (the 方案 sheet and 说明 come first).
SHEET_ORDER = ("documents", "unit_types", "stages", "rubrics", "indicators", "groups", "parts",
               "content_items", "clauses", "grades", "targets")

Loc = tuple[str | None, int | None, str | None]  # sheet, Excel row, column header


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
            if req not in present:
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
            return _convert(kind, value)
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
                       ("id", "name", "unit_types", "max_points", "missing_input", "source",
                        "interpretation"))
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
        return _convert("text", value)

    def _indicators(self, data: dict, table: _Table, groups: _Table) -> None:
        roots = [_NodeB("", 0, "") for _ in data["rubrics"]]
        leaf_fields = ("code", "name", "max_points", "criteria", "scoring_text", "lead_office",
                       "supporting_offices", "assessing_bodies", "evidence", "source",
                       "interpretation")
        for row, cells in table.rows:
            ri = self._rubric_of(data, table, row, cells)
            levels = self._levels(table, row, cells)
            if ri is None or levels is None:
                names = tuple(n for n, _ in levels or ())
                self.dropped_groups |= {names[:k] for k in range(1, len(names) + 1)}
                self.dropped_rows = bool(data["rubrics"]) or self.dropped_rows
                continue
            if not levels:
                self.add(table.loc(row, "level1"), None, "缺少一级指标(每个指标须属于一个一级指标)",
                         "the 一级指标 is missing: every indicator sits in a category")
                self.dropped_rows = True
                continue
            node = roots[ri]
            for name, column in levels:
                node = node.child(name, row, column)
            node.children.append(_LeafB(row, cells))
        self._group_rows(data, groups, roots)
        for ri, root in enumerate(roots):
            path = ("rubrics", ri, "categories")
            data["rubrics"][ri]["categories"] = [
                self._node_dict(table, groups, child, (*path, ci), leaf_fields)
                for ci, child in enumerate(root.children)
            ]

    def _node_dict(self, table: _Table, groups: _Table, node: _NodeB, path: tuple,
                   leaf_fields: tuple[str, ...]) -> dict:
        out: dict[str, Any] = {"name": node.name, **node.extra}
        if node.group_row is not None:
            self.prov[path] = groups.loc(node.group_row, None)
            for f in ("max_points", "source", "interpretation"):
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
            cells = child.cells
            self.prov[cpath] = table.loc(child.row, "code")
            self._fill(table, child.row, cells, child.data, cpath, leaf_fields)
            rule = self._rule(table, child.row, cells, (*cpath, "rule"), "rule", False)
            if rule is not None:
                child.data["rule"] = rule
            if "code" in child.data:
                self.leaves.setdefault((path[1], str(child.data["code"])), (child.data, cpath))
            children.append(child.data)
        out["children"] = children
        return out

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
            for f in ("max_points", "source", "interpretation"):
                value = self._convert(table.spec.col(f).kind, cells.get(f), table.loc(row, f))
                if value is not None:
                    node.extra[f] = value

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


# ---------------------------------------------------------------------------------------------
# Cell values
# ---------------------------------------------------------------------------------------------

_SPLIT_ITEMS = re.compile(r"[;；\n]")
_SPLIT_LIST = re.compile(r"[、,，;；\n]")


def _convert(kind: str, value: object) -> Any:
    """What a cell holds, as the model wants it; blank -> None; unreadable -> NormalizeError."""
    if kind.startswith("enum:"):
        return parse_enum(kind[5:], value)
    if kind in ("text", "code"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a code typed as a number: 12, not 12.0
        if value is None:
            return None
        text = str(value).replace("\r\n", "\n")
        return text.strip() or None
    if kind == "number":
        return parse_number(value)
    if kind == "percent":
        return parse_number(value, percent=True)
    if kind == "int":
        return parse_int(value)
    if kind == "bool":
        return parse_bool(value)
    if kind == "list":
        text = clean_text(value)
        if text is None:
            return None
        return [p for p in (clean_text(x) for x in _SPLIT_LIST.split(text)) if p]
    if kind == "options":
        return _parse_options(value)
    if kind == "tiers":
        return _parse_tiers(value)
    raise ValueError(f"unknown column kind {kind}")  # pragma: no cover - a layout bug


def _pairs(value: object, what_zh: str, what_en: str, example: str) -> list[tuple[str, str]]:
    text = clean_text(value)
    if text is None:
        return []
    text = text.replace("＝", "=")
    out = []
    for part in _SPLIT_ITEMS.split(text):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise NormalizeError(f"{what_zh}应写作 {example}", f"{what_en} are written {example}")
        left, right = part.rsplit("=", 1)
        out.append((left.strip(), right.strip()))
    return out


def _parse_options(value: object) -> dict[str, float] | None:
    """选项 "是=3;否=1;未接入=0" -> {"是": 3, "否": 1, "未接入": 0}."""
    pairs = _pairs(value, "选项", "options", "是=3;否=1;未接入=0")
    if not pairs:
        return None
    options: dict[str, float] = {}
    for name, points in pairs:
        if not name:
            raise NormalizeError("选项名称不能为空", "an option needs a name")
        if name in options:
            raise NormalizeError(f"选项「{name}」重复", f"the option {name} is given twice")
        number = parse_number(points)
        if number is None:
            raise NormalizeError(f"选项「{name}」缺少分值", f"the option {name} has no points")
        options[name] = number
    return options


def _parse_tiers(value: object) -> list[dict[str, float]] | None:
    """分档 "5=2;10=1" (or "1-5=2;6-10=1") -> [{up_to: 5, points: 2}, {up_to: 10, points: 1}]."""
    pairs = _pairs(value, "分档", "tiers", "5=2;10=1")
    if not pairs:
        return None
    tiers: list[dict[str, float]] = []
    for places, points in pairs:
        m = re.fullmatch(r"(?:前)?(?:(\d+)\s*[-~～—至]\s*)?(\d+)(?:名)?", places)
        if not m:
            raise NormalizeError("分档应写作 名次上限=分值,如 5=2;10=1",
                                 "tiers are written place-up-to=points, e.g. 5=2;10=1")
        start, up_to = m.group(1), int(m.group(2))
        previous = int(tiers[-1]["up_to"]) if tiers else 0
        if start is not None and int(start) != previous + 1:
            raise NormalizeError(f"分档不连续:{places} 应从第 {previous + 1} 名开始",
                                 f"tiers leave a gap: {places} should start at {previous + 1}")
        number = parse_number(points)
        if number is None:
            raise NormalizeError("分档缺少分值", "a tier has no points")
        tiers.append({"up_to": up_to, "points": number})
    return tiers


def _num(x: float) -> str:
    """A number as short text that reads back to the same float: 3, 0.5, 0.3."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def format_options(options: dict[str, float]) -> str:
    return ";".join(f"{name}={_num(p)}" for name, p in options.items())


def format_tiers(tiers: Iterable) -> str:
    return ";".join(f"{t.up_to}={_num(t.points)}" for t in tiers)


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

    return max(walk(c, 1) for c in rubric.categories)


def _rule_cells(rule, default_col: str) -> dict[str, Any]:
    if rule is None:
        return {}
    cells: dict[str, Any] = {default_col: enum_entry("rule", rule.kind)}
    if rule.kind == "rate_target":
        cells["target"] = rule.target
    elif rule.kind == "per_event":
        cells["points_each"] = rule.points_each
        cells["cap"] = rule.cap
    elif rule.kind == "choice":
        cells["options"] = format_options(rule.options)
    elif rule.kind == "rank_tiers":
        cells["tiers"] = format_tiers(rule.tiers)
        cells["peers"] = rule.peers
    elif rule.kind == "ratio" and rule.above_one != "refuse":
        cells["above_one"] = enum_entry("above_one", rule.above_one)
    return cells


def _scheme_rows(s: Scheme) -> dict[str, Any]:
    """Each sheet's rows (dicts by field) for a scheme."""
    header: dict[tuple, Any] = {
        ("id",): s.id, ("name",): s.name, ("jurisdiction",): s.jurisdiction, ("year",): s.year,
        ("total_points",): s.total_points, ("county_level_label",): s.county_level_label,
        ("source",): s.source, ("interpretation",): s.interpretation,
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
        "unit_types": [{**u.model_dump(), "excess_step": steps.get(u.name)}
                       for u in s.unit_types],
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
            and leaf.indicator.rule.kind == "parts" for p in leaf.indicator.rule.parts]
    for c in (s.adjustments.clauses if s.adjustments else []):
        row = {"kind": c.kind, "number": c.number, "text": c.text, "fixed": c.fixed,
               "source": c.source, "interpretation": c.interpretation}
        for name, level in LEVEL_FIELDS.items():
            row[name] = c.levels.get(level)
        rows["clauses"].append(row)
    return rows


def _levels_cells(names: Iterable[str]) -> dict[str, str]:
    return {f"level{i + 1}": n for i, n in enumerate(names)}


def _group_rows(rubric: Rubric) -> Iterator[dict[str, Any]]:
    def walk(node: Node, path: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        here = (*path, node.name)
        yield {"rubric": rubric.id, **_levels_cells(here), "max_points": node.max_points,
               "source": node.source, "interpretation": node.interpretation}
        for child in node.children:
            if isinstance(child, Node):
                yield from walk(child, here)

    for category in rubric.categories:
        yield from walk(category, ())


def _indicator_rows(rubric: Rubric) -> Iterator[dict[str, Any]]:
    def walk(node: Node, path: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        here = (*path, node.name)
        for child in node.children:
            if isinstance(child, Node):
                yield from walk(child, here)
                continue
            ind: Indicator = child
            yield {
                "rubric": rubric.id, "code": ind.code, **_levels_cells(here), "name": ind.name,
                "max_points": ind.max_points, **_rule_cells(ind.rule, "rule"),
                "criteria": ind.criteria, "scoring_text": ind.scoring_text,
                "lead_office": ind.lead_office,
                "supporting_offices": "、".join(ind.supporting_offices) or None,
                "assessing_bodies": "、".join(ind.assessing_bodies) or None,
                "evidence": ind.evidence, "source": ind.source,
                "interpretation": ind.interpretation,
            }

    for category in rubric.categories:
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
                f"{enum_entry('rule', k)}: 读年终评分表的「"
                + "、".join(INPUT_COLUMN_ZH[c] for c in RULE_INPUT_COLUMNS[k]) + "」列"
                for k in RULE_KINDS if k != "parts")
                + "; parts 分项计分: 各分项写在「分项」表,一行一个分项(分项名称、分值、"
                "它自己的计分规则及参数),年终评分表每个分项一行,填「分项」列和该分项规则读的列"),
            ("wrap", "规则参数", "rate_target 填「目标值」(0.92 或 92%);per_event 填「每次分值」"
             "与「封顶」;choice 填「选项」,写作 是=3;否=1;未接入=0;rank_tiers 填「分档」"
             "(名次上限=分值,如 5=2;10=1 表示前5名2分、6-10名1分)与「参评数」(如 16)。"),
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
                                                                       "options", "tiers")
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
