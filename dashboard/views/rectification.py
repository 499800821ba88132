"""整改: the rectification ledger (整改台账) per unit and per indicator, open, done and overdue;
预警: overdue items and units with no ledger 30 days after their feedback sheet was issued
(Yueyang 四(三) 限时整改到位). Computed in pipelines/cycle/ledger.py."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard.access.cycle_scope import allowed_units
from dashboard.kit import filters, widgets
from pipelines.cycle.ledger import NO_LEDGER_DAYS, items, no_ledger, per_indicator, per_unit

LABELS = {"unit": "单位", "unit_type": "单位类型", "indicator": "指标",
          "indicator_name": "指标名称", "items": "事项", "open": "未完成", "done": "已完成",
          "overdue": "已逾期", "issue": "问题", "measure": "整改措施", "owner": "责任人",
          "due": "完成时限", "status": "状态", "note": "说明", "state": "进度"}
STATE_ZH = {"open": "未完成", "done": "已完成", "overdue": "已逾期"}


def ledger_in_view(f: filters.Filters, scope: list[str] | None, today: dt.date) -> pl.DataFrame:
    """The ledger's items of the units in view (the account's scope, the sidebar's type and
    units), each with its state on `today`."""
    ledger = items(f.db, f.scheme, f.year, scope, today)
    if f.unit_type:
        ledger = ledger.filter(pl.col("unit_type") == f.unit_type)
    if f.units:
        ledger = ledger.filter(pl.col("unit").is_in(list(f.units)))
    return ledger


def warnings_section(ledger: pl.DataFrame, missing: pl.DataFrame, today: dt.date) -> None:
    """Overdue items, and units with no ledger long after their feedback sheet."""
    st.subheader("预警")
    overdue = ledger.filter(pl.col("state") == "overdue")
    if overdue.is_empty() and missing.is_empty():
        st.caption(f"没有逾期的整改事项,也没有反馈后 {NO_LEDGER_DAYS} 天仍未报送整改台账的单位。")
    for r in overdue.iter_rows(named=True):
        st.warning(widgets.md(f"{r['unit']}:{r['issue']},完成时限 "
                              f"{r['due'].isoformat()} 已过 {(today - r['due']).days} 天,状态"
                              f"「{r['status']}」。"), icon=":material/alarm:")
    for r in missing.iter_rows(named=True):
        st.warning(widgets.md(f"{r['unit']}:反馈单于 {r['issued_at']:%Y-%m-%d} 下发,已过 "
                              f"{r['days']} 天,尚未报送整改台账。"),
                   icon=":material/assignment_late:")


def key_figures(ledger: pl.DataFrame) -> None:
    """Items in all, done, open and overdue."""
    cols = st.columns(4)
    cols[0].metric("整改事项", ledger.height)
    cols[1].metric("已完成", int((ledger["state"] == "done").sum()))
    cols[2].metric("未完成(未到期)", int((ledger["state"] == "open").sum()))
    cols[3].metric("已逾期", int((ledger["state"] == "overdue").sum()))
    st.caption("已完成 = 状态为「已整改」;其余事项完成时限已过为逾期,未过为未完成。")


def tables_section(f: filters.Filters, ledger: pl.DataFrame) -> None:
    """The ledger per unit, per indicator, and item by item."""
    st.subheader("各单位")
    widgets.show_table(per_unit(ledger).rename(LABELS, strict=False), name="整改_单位",
                       filters=f, key="rc-units")
    st.subheader("各指标")
    widgets.show_table(per_indicator(ledger).rename(LABELS, strict=False), name="整改_指标",
                       filters=f, key="rc-indicators")
    st.subheader("整改台账")
    widgets.show_table(ledger.with_columns(pl.col("state").replace_strict(STATE_ZH))
                       .rename(LABELS, strict=False), name="整改台账", filters=f,
                       key="rc-items", wrap=True)


def main() -> None:
    """The page."""
    f = filters.current()
    widgets.page_header("整改", f)
    scope = allowed_units(f)
    today = dt.date.today()
    ledger = ledger_in_view(f, scope, today)
    missing = no_ledger(f.db, f.scheme, f.year, scope, today)
    warnings_section(ledger, missing, today)
    if ledger.is_empty():
        widgets.nothing_to_show(
            f"{f.year}年度还没有整改台账。各单位按反馈单所附的整改台账(XLSX)填写后导入"
            "(导入类型 rectification)。")
        st.stop()
    key_figures(ledger)
    tables_section(f, ledger)


main()
