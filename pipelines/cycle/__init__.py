"""The office's cycle around a year's evaluation (issue 18): self-assessment beside the verified
score and the spot check, each unit's feedback sheet (反馈单), the rectification ledger (整改台账),
the assessing bodies' deadlines and the scopes of body and unit accounts.

Seed clauses: Jintan 63号 五(一) 被考核单位…提交本单位电子政务工作年度报告 and 五(二)
市考核组对被考核单位自评情况进行抽查、核实; 七 …40个工作日内向各单位反馈考核结果; Yueyang 二
被考评单位对照考评细则进行自评 and 四(三) 将考核中发现的问题及时向被考核对象反馈…制定整改方案,
限时整改到位.

One module per idea; nothing here changes a score: self-assessed rows are stored apart
(`self_assessments`) and the engine never reads them.
"""
