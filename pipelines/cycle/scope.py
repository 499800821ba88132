"""What an account scoped to assessing bodies or to one unit may load (issue 18 item 1, 2, 4).

- An account scoped to bodies (`egov user add NAME --role editor --body 市大数据中心`) may load
  年终评分 rows only for indicators whose bodies (`assessing_bodies`, else `lead_office`, with a
  category's bodies for its indicators: docs/schemes.md) include one of its bodies; any other row
  is refused with the row named and the body that owns the indicator.
- A unit account (`--role unit --unit NAME`) may load only its own unit's 自评 rows (评分来源 自评)
  and 整改台账 rows: a 核定 row, another unit's row or another kind is refused, row named.

The scope is the signed-in account's, set around a load by `acting_within` (the dashboard's
upload page) and checked by `pipelines/inputs/load.py` on the located rows, before anything is
loaded; commands run by the office itself (`egov ingest`) have no scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import polars as pl

from pipelines.inputs.problems import Problem


@dataclass(frozen=True)
class Scope:
    """The bodies an account enters rows for, or the one unit it is."""

    bodies: tuple[str, ...] = ()
    unit: str | None = None

    @property
    def limited(self) -> bool:
        return bool(self.bodies) or self.unit is not None


_SCOPE: ContextVar[Scope | None] = ContextVar("egov_cycle_scope", default=None)


@contextmanager
def acting_within(scope: Scope | None) -> Iterator[None]:
    """Check the loads inside this block against `scope` (None or unlimited: no check)."""
    token = _SCOPE.set(scope if scope is not None and scope.limited else None)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def current_scope() -> Scope | None:
    return _SCOPE.get()


_HEADERS = {"unit": "单位", "indicator": "指标", "basis": "评分来源"}


def scope_problems(located: dict[str, pl.DataFrame], ctx) -> list[Problem]:
    """Every located row the current scope may not load (none without a scope)."""
    scope = current_scope()
    if scope is None:
        return []
    problems: list[Problem] = []
    for kind, frame in located.items():
        if frame.is_empty():
            continue
        if scope.unit is not None:
            problems += _unit_problems(kind, frame, scope.unit)
        else:
            problems += _body_problems(kind, frame, scope.bodies, ctx)
    return problems


def _problem(row: dict, column: str | None, value: object, zh: str, en: str) -> Problem:
    return Problem(row["_file"], row.get("_sheet"), row["_row"], column,
                   None if value is None else str(value), zh, en)


def _unit_problems(kind: str, frame: pl.DataFrame, unit: str) -> list[Problem]:
    out = []
    if kind not in ("selfassessment", "rectification"):
        zh_kind = "年终评分的核定行" if kind == "yearend" else f"「{kind}」数据"
        column = "评分来源" if kind == "yearend" else None
        for r in frame.iter_rows(named=True):
            out.append(_problem(r, column, "核定" if kind == "yearend" else None,
                                f"单位账户只能导入本单位的自评行(评分来源 自评)和整改台账,不能导入"
                                f"{zh_kind}",
                                f"a unit account loads only its own 自评 rows and rectification "
                                f"rows, not {kind} rows"))
        return out
    for r in frame.filter(pl.col("unit") != unit).iter_rows(named=True):
        out.append(_problem(r, "单位", r["unit"], f"单位账户「{unit}」只能导入本单位的数据",
                            f"the unit account '{unit}' loads only its own unit's rows"))
    return out


def _body_problems(kind: str, frame: pl.DataFrame, bodies: tuple[str, ...], ctx
                   ) -> list[Problem]:
    shown = "、".join(bodies)
    if kind not in ("yearend", "selfassessment"):
        return [_problem(r, None, None,
                         f"考核单位账户({shown})只能导入本单位所考核指标的年终评分",
                         f"an account of assessing bodies ({shown}) loads only 年终评分 rows "
                         "of their indicators") for r in frame.iter_rows(named=True)]
    owners = indicator_bodies(ctx)
    rows = frame.join(ctx.units.select("scheme", "unit", "unit_type"), on=["scheme", "unit"],
                      how="left").join(owners, on=["scheme", "unit_type", "indicator"],
                                       how="left")
    out = []
    for r in rows.iter_rows(named=True):
        named = [b for b in (r["owners"] or "").split("、") if b]
        if set(named) & set(bodies):
            continue
        owner = "、".join(named) or "未指定考核单位"
        out.append(_problem(r, "指标", r["indicator"],
                            f"该指标由「{owner}」考核,账户只能导入「{shown}」考核的指标",
                            f"this indicator is assessed by {owner}; the account loads only "
                            f"the indicators of {shown}"))
    return out


def indicator_bodies(ctx) -> pl.DataFrame:
    """(scheme, unit_type, indicator) -> the indicator's bodies joined by 、 (assessing_bodies,
    else lead_office)."""
    ind = ctx.dims["indicators"].select(
        "scheme", "rubric", pl.col("code").alias("indicator"),
        owners=pl.coalesce("assessing_bodies", "lead_office"))
    types = ctx.dims["unit_types"].select("scheme", "unit_type", "rubric")
    return types.join(ind, on=["scheme", "rubric"]).drop("rubric")
