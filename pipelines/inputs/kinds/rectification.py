"""整改台账 (rectification): each unit's problems found, its measures, who is responsible, by
when, and how far it has got (未整改/整改中/已整改). Yueyang 四(三): 被考核对象要制定整改方案,
限时整改到位. The validator is pipelines/cycle/inputs.py's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from pipelines.cycle.statuses import RECTIFICATION_STATUSES
from pipelines.inputs.kinds.base import SCHEME, UNIT, YEAR, Column, InputKind

if TYPE_CHECKING:
    from pipelines.schemes.model import Scheme

# The validator and the scheme tables are imported where they are used: the 反馈单 writes its
# 整改台账 from this declaration alone, without the validation machinery and the scheme models.


def validate(check) -> tuple[pl.DataFrame, None]:
    from pipelines.cycle.inputs import rectification_rows

    return KIND.located(check, rectification_rows(check)), None


def _lists(scheme: Scheme) -> dict[str, list[str]]:
    from pipelines.schemes.tables import iter_leaves

    codes = list(dict.fromkeys(leaf.indicator.code for r in scheme.rubrics
                               for leaf in iter_leaves(r)))
    return {"indicator": codes, "status": list(RECTIFICATION_STATUSES)}


def _reference(scheme: Scheme) -> tuple[list[str], list[list[Any]]]:
    from pipelines.schemes.tables import iter_leaves

    head = ["编号 code", "名称 name"]
    rows = {leaf.indicator.code: leaf.display_name for r in scheme.rubrics
            for leaf in iter_leaves(r)}
    return head, [[c, n] for c, n in rows.items()]


KIND = InputKind(
    kind="rectification",
    zh="整改台账",
    columns=(
        SCHEME,
        Column("year", "年度", dtype="year", help=YEAR),
        UNIT,
        Column("indicator", "指标", text=True,
               help=("存在问题的指标编号", "the indicator code of the problem")),
        Column("issue", "问题", help=("存在的问题", "the problem found"), text=True, wide=True),
        Column("measure", "整改措施", help=("整改措施", "the measure taken"), text=True,
               wide=True),
        Column("owner", "责任人", help=("责任人", "who is responsible"), text=True),
        Column("due", "完成时限", dtype="date",
               help=("完成时限,日期,如 2026-03-31", "the due date, e.g. 2026-03-31")),
        Column("status", "状态", help=("状态:未整改/整改中/已整改",
                                       "未整改 (open), 整改中 (in progress) or 已整改 (done)"),
               text=True),
        Column("note", "说明", required=False, help=("说明,可选", "a note, optional"), text=True,
               wide=True),
    ),
    key=("scheme", "year", "unit", "indicator", "issue"),
    table="rectifications",
    facts={
        "scheme": pl.String(),
        "year": pl.Int32(),
        "unit": pl.String(),
        "indicator": pl.String(),
        "issue": pl.String(),
        "measure": pl.String(),
        "owner": pl.String(),
        "due": pl.Date(),
        "status": pl.String(),
        "note": pl.String(),
    },
    replace_key=("scheme", "year", "unit", "indicator", "issue"),
    naming="issue",
    validate=validate,
    order=50,
    lists=_lists,
    reference=_reference,
    batched=True,
)
