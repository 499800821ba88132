"""目标: figures to date against the year's targets, with 保/争 lines, pace and projection."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.kit import data, filters, widgets
from dashboard.sections import years_view
from pipelines.engine.targets import verdict

# The chart sections: title, the target measures drawn there, how to read them.
SECTIONS = [
    ("排名目标", ("rank",), "名次越小越好:纵轴倒置,绿色带为「争」,蓝色带为「保」。"),
    ("累计目标", ("cumulative",),
     "实线为累计完成,灰色虚线为进度线,橙色虚线为按当前月均推算的年末值。"),
    ("比率、水平与计数目标", ("rate", "level", "count"), "每月报送值;比率类另示年初至今的平均。"),
]


def status_section(f: filters.Filters) -> bool:
    """Each target at its latest month (or why there is none: no targets, no figures yet);
    False where the year has no figures yet (the earlier years may still be shown)."""
    status = data.target_status(f.db, f.scheme, f.year, f.month)
    if status.is_empty():
        widgets.nothing_to_show(
            f"{f.jurisdiction}的考核方案没有设定年度目标(保/争),所以本页没有内容。"
            "目标来自方案文件的 targets,例如金坛市坛政办发〔2013〕64号的「保二争一」。"
        )
        st.stop()
    if status["month"].is_null().all():
        widgets.nothing_to_show(f"{f.year}年还没有报送目标数据(目标数据模板 metrics)。")
        return False

    month = f.latest_month
    st.caption(
        f"依据 {widgets.md(f.info.get('documents', ''))};"
        f"截至 {filters.period_label(month, f.year)}。"
        "达争 = 达到争取目标,达保 = 守住底线,未达 = 未到底线;只设一级的目标:完成 = 达到,"
        "未完成 = 未达到(截至所示月份)。"
        "累计类目标的进度线 = 底线 × 已过月数 / 12,年末预测按目前月均水平外推。"
    )
    widgets.show_table(widgets.target_table(status), name="年度目标完成情况", filters=f,
                       key="tg-status")
    return True


def charts_section(f: filters.Filters) -> None:
    """One chart per target, grouped by measure (SECTIONS)."""
    progress = data.target_progress(f.db, f.scheme, f.year, f.month)
    for title, measures, note in SECTIONS:
        names = progress.filter(pl.col("measure").is_in(measures))["target"].unique(
            maintain_order=True).to_list()
        if not names:
            continue
        st.subheader(title)
        st.caption(note)
        for target in names:
            rows = progress.filter(pl.col("target") == target)
            last = rows.tail(1).row(0, named=True)
            chart = widgets.target_chart_for(f, rows)
            current = widgets.fmt_target_value(last["actual"], last["unit"])
            st.markdown(f"**{widgets.md(last['text'])}** · 当前 {widgets.md(current)} · "
                        f"状态 **{verdict(last['status'], last['stretch'])}**")
            widgets.show_chart(chart, name=f"{last['name']}_{f.year}", key=f"tg-{target}")


def main() -> None:
    """The page."""
    f = filters.current()
    widgets.page_header("目标", f)
    if status_section(f):
        charts_section(f)
    years_view.targets_section(f)  # each target in the earlier years of the series (issue 17)


main()
