"""The scheme workbook's layout: its sheets, their columns and the closed sets of values.

What a clerk sees: sheet and column names (Chinese written, English accepted), each column's kind
of value and help text, the 方案 sheet's field rows, and the drop-down entries ("code 中文") of
every closed set. The reader (`reader`) and the writer (`writer`) both follow this layout, which is
what makes a written scheme read back to the same model.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.inputs.normalize import NormalizeError, clean_text, match_key
from pipelines.rules import registry

# ---------------------------------------------------------------------------------------------
# Closed sets of values: the drop-down entry is "code 中文"; the code alone, the Chinese alone or
# any listed alias is read too.
# ---------------------------------------------------------------------------------------------

# The rule kinds' labels and their parameters' closed sets come from the rule registry.
RULE_LABELS: dict[str, str] = dict(registry.RULE_KIND_ZH)

ENUMS: dict[str, dict[str, str]] = {
    "rule": RULE_LABELS,
    "basis": {"rubric": "评分细则", "content": "内容保障"},
    "missing_input": {"zero": "按0分", "full": "按满分"},
    "measure": {"rank": "排名", "cumulative": "累计", "level": "水平", "rate": "比率",
                "count": "计数"},
    "direction": {"higher_better": "越高越好", "lower_better": "越低越好"},
    "aggregate": {"sum": "逐月累加", "last": "取最近一月", "mean": "各月平均"},
    "clause_kind": {"加分": "", "减分": ""},
    **{name: vs.labels for name, vs in registry.value_sets().items()},
    "composite_entry": {"parts": "按分项录入", "score": "录入总得分"},
    "aggregation": {"arithmetic": "加权算术平均", "geometric": "加权几何平均",
                    "harmonic": "加权调和平均"},
    "not_applicable": {"mean": "平均", "rescale": "按权重折算"},
}

ENUM_NAMES: dict[str, tuple[str, str]] = {
    "rule": ("计分规则", "rule kind"),
    "basis": ("阶段依据", "stage basis"),
    "missing_input": ("未录入处理", "missing_input"),
    "measure": ("目标类型", "target measure"),
    "direction": ("目标方向", "target direction"),
    "aggregate": ("汇总方式", "aggregate"),
    "clause_kind": ("加减分类别", "clause kind"),
    **{name: (vs.zh, vs.en) for name, vs in registry.value_sets().items()},
    "composite_entry": ("分项录入", "composite_entry"),
    "aggregation": ("合成方式", "aggregation"),
    "not_applicable": ("不适用时", "not_applicable"),
}

ENUM_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "rule": {name: kind.aliases for name, kind in registry.KINDS.items()},
    "basis": {"rubric": ("年终", "年终考评", "年终评分"), "content": ("平时", "平时考评")},
    "missing_input": {"zero": ("0", "0分", "零分", "按零分"), "full": ("满分",)},
    "clause_kind": {"加分": ("bonus",), "减分": ("penalty",)},
    "aggregation": {"arithmetic": ("算术平均", "算术", "求和"), "geometric": ("几何平均", "几何"),
                    "harmonic": ("调和平均", "调和")},
    **{name: vs.aliases for name, vs in registry.value_sets().items()},
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


# The rule kinds' parameter columns (on 评分细则, 指标 and 分项), as each kind declares them.
RULE_PARAM_COLS: tuple[Col, ...] = tuple(
    Col(p.field, p.zh, p.kind, p.width, p.help_zh, p.help_en, p.aliases)
    for p in registry.params())
PARAMS_OF_KIND: dict[str, tuple[str, ...]] = {
    name: tuple(p.field for p in kind.params) for name, kind in registry.KINDS.items()}

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
            Col("unranked", "不排名", "bool", 9,
                "是 = 该类单位照常计分、公布,但不排名次(也不占名次);空 = 排名",
                "是: the type's units are scored and published but not ranked"),
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
            Col("aggregation", "合成方式", "enum:aggregation", 12,
                "下级如何合成:arithmetic 加权算术平均(默认,即分值相加)、geometric 几何、"
                "harmonic 调和",
                "how the children combine: arithmetic (default: points add up), geometric or "
                "harmonic weighted mean"),
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
            Col("weight", "权重", "code", 8, "该分组在上级中的权重(与分值二选一),如 2/3、0.25",
                "the group's weight in its parent (instead of points), e.g. 2/3 or 0.25"),
            Col("aggregation", "合成方式", "enum:aggregation", 12,
                "下级如何合成:arithmetic 加权算术平均(默认,即分值相加)、geometric 几何、"
                "harmonic 调和",
                "how the children combine: arithmetic (default: points add up), geometric or "
                "harmonic weighted mean"),
            Col("na_method", "不适用时", "enum:not_applicable", 12,
                "下级标为不适用时如何合成其余:mean 平均、rescale 按权重折算;"
                "空 = 不允许(除非细则允许豁免)",
                "how the rest combine when a child is not applicable: mean or rescale; blank: "
                "not allowed (unless the rubric allows exemption)"),
            Col("repeat_items", "重复项目", "list", 20,
                "重复指标块:其下指标对每个项目各测一次,项目用 、 分隔(如 出生、就业)",
                "a repeated block: its indicators are measured for each item, separated by 、"),
            Col("repeat_label", "项目名称", width=10, help_zh="重复项目是什么,如 生命事件",
                help_en="what an item is, e.g. 生命事件"),
            Col("assessing_bodies", "考核单位", "list", 16,
                "为该分组下各指标评分的考核单位(指标自己填了牵头考核单位的除外),多个用 、 分隔",
                "the assessing bodies scoring the group's indicators (those naming none "
                "themselves), separated by 、", aliases=("牵头考核单位",)),
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
            Col("weight", "权重", "code", 8, "本指标在所属分组中的权重(与分值二选一),如 2/3、0.25",
                "the indicator's weight in its group (instead of points), e.g. 2/3 or 0.25"),
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
            Col("assessing_bodies", "牵头考核单位", "list", 16,
                "为本指标评分的考核单位,多个用 、 分隔",
                "the assessing bodies scoring the indicator, separated by 、",
                aliases=("考核单位",)),
            Col("evidence", "佐证材料", width=24, help_zh="佐证材料/备注", help_en="evidence"),
            Col("previous_code", "上年编号", width=10, help_zh="上一年度方案中的编号(改了编号时填)",
                help_en="the code in the previous year's scheme, where renumbered"),
            SOURCE, INTERP,
        ),
        # 一级指标 may be blank (or absent): a scored item with no group above it (flat index).
        ("code", "max_points"), True,
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
    HeaderField(("series",), "考核系列", help_zh="同一考核历年方案共用的代码,如 jintan",
                help_en="the evaluation's id shared by its years' schemes, e.g. jintan"),
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
    HeaderField(("decimals",), "小数位数", "int",
                "公布的得分、总分保留几位小数;不填 = 2(0–1 计分的指数可填 3)",
                "decimals of the published scores; blank = 2 (an index on 0–1 may say 3)"),
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

