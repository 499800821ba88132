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

The package holds three ideas: `layout` (the sheets and columns both sides follow, with `cells`
for what a cell of each kind holds), `reader` and `writer`.
"""

from pipelines.schemes.workbook.layout import HEADER_FIELDS, SHEETS
from pipelines.schemes.workbook.reader import read_scheme_workbook
from pipelines.schemes.workbook.writer import write_scheme_template, write_scheme_workbook

__all__ = [
    "HEADER_FIELDS",
    "SHEETS",
    "read_scheme_workbook",
    "write_scheme_template",
    "write_scheme_workbook",
]
