"""年终评分 (自评): a unit's self-assessment, the 自评 rows (评分来源) of a 年终评分 sheet,
validated by the year-end kind's own rules and stored apart in `self_assessments`, where no
score is ever computed from them (pipelines/cycle/selfcheck.py compares them with the verified
score).

A sheet is told to be of this kind by its 评分来源 column (required here, optional for the
year-end kind, whose empty template leaves it out: `egov template selfassessment` gives a unit
the template with it); either way its rows are split by 评分来源 before validation
(`pipelines/inputs/load.py`): 自评 rows load here, 核定 (or blank) rows as `yearend`.
"""

from __future__ import annotations

from dataclasses import replace

from pipelines.inputs.kinds import yearend
from pipelines.inputs.kinds.base import InputKind

KIND = InputKind(
    kind="selfassessment",
    zh="年终评分(自评)",
    columns=tuple(replace(c, required=True) if c.name == "basis" else c
                  for c in yearend.KIND.columns),
    key=yearend.KIND.key,
    table="self_assessments",
    facts=yearend.KIND.facts,
    replace_key=yearend.KIND.replace_key,
    naming="indicator",
    validate=yearend.validate,  # the same rules; its rows are typed like the same facts
    order=25,
    columns_for=yearend.KIND.columns_for,
    lists=yearend.KIND.lists,
    reference=yearend.KIND.reference,
    batched=True,
)
