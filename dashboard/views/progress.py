"""报送进度: per assessing body and indicator, the units with a verified 年终评分 row out of the
units expected, who loaded them and when, against the deadline (`egov deadline`); the bodies
behind as the deadline nears (预警). Computed in pipelines/cycle/deadlines.py."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard.kit import filters, widgets
from pipelines.cycle.deadlines import NEAR_DAYS, behind, by_body, deadline_of, progress

LABELS = {"body": "考核单位", "rubric": "细则", "indicator": "指标", "name": "指标名称",
          "indicators": "指标数", "expected": "应报", "loaded": "已报", "missing": "未报",
          "share": "完成率", "loaded_by": "导入人", "last_loaded": "最近导入"}


def deadline_note(f: filters.Filters, today: dt.date) -> None:
    """The deadline and the days left (or how to set one), and what 应报 and 已报 count."""
    due = deadline_of(f.db, f.scheme, f.year)
    if due is None:
        st.caption("尚未设定报送时限:`egov deadline --scheme ID --year YYYY --date YYYY-MM-DD`。")
    else:
        left = (due - today).days
        when = f"还有 {left} 天" if left >= 0 else f"已过 {-left} 天"
        st.caption(f"报送时限 {due.isoformat()}({when})。")
    st.caption("考核单位取方案文件中指标的「牵头考核单位」(assessing_bodies),没有时取「牵头科室」"
               "(lead_office);应报 = 适用该指标的单位数,已报 = 已有核定年终评分行的单位数。")


def warnings_section(f: filters.Filters, today: dt.date) -> None:
    """The bodies behind as the deadline nears."""
    late = behind(f.db, f.scheme, f.year, today)
    st.subheader("预警")
    if late.is_empty():
        st.caption(f"没有进度落后的考核单位(时限前 {NEAR_DAYS} 天起提示未报齐的考核单位)。")
        return
    for r in late.iter_rows(named=True):
        st.warning(widgets.md(
            f"{r['body']}:已报 {r['loaded']}/{r['expected']} 行"
            f"({r['share']:.0%}),报送时限 {r['due'].isoformat()}"
            + (f",还有 {r['days_left']} 天。" if r["days_left"] >= 0
               else f",已逾期 {-r['days_left']} 天。")), icon=":material/schedule:")


def tables_section(f: filters.Filters, rows: pl.DataFrame) -> None:
    """Progress per assessing body, then per indicator (one body or all)."""
    st.subheader("各考核单位进度")
    widgets.show_table(by_body(rows).with_columns(pl.col("share") * 100)
                       .rename(LABELS, strict=False),
                       name="报送进度_考核单位", filters=f, key="pg-bodies",
                       column_config={"完成率": st.column_config.NumberColumn(format="%.0f%%")})
    st.subheader("各指标进度")
    body = st.selectbox("考核单位", ["全部", *sorted(rows["body"].unique().to_list())],
                        key="pg-body")
    shown = rows if body == "全部" else rows.filter(pl.col("body") == body)
    widgets.show_table(shown.with_columns(pl.col("share") * 100).rename(LABELS, strict=False),
                       name="报送进度_指标", filters=f, key="pg-rows",
                       height=widgets.table_height(shown.height),
                       column_config={"完成率": st.column_config.NumberColumn(format="%.0f%%")})


def main() -> None:
    """The page."""
    f = filters.current()
    widgets.page_header("报送进度", f)
    rows = progress(f.db, f.scheme, f.year)
    if rows.is_empty():
        widgets.nothing_to_show(
            "本方案还没有被考核单位,无从统计报送进度。请先导入单位名录(units)。")
        st.stop()
    today = dt.date.today()
    deadline_note(f, today)
    warnings_section(f, today)
    tables_section(f, rows)


main()
