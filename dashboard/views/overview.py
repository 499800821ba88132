"""总览: the headline targets with 达争/达保/未达, the 预警 (early warnings), the grade
distribution, the month's movers (dashboard/sections/movers.py).

The page a fresh server draws first, so it holds no data grid on its first screen: its short
tables are plain (`widgets.show_table(plain=True)`), longer ones open in an expander that runs
only when opened, and the targets' table is the 目标 page's (BENCHMARKS.md, fourth round)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.kit import data, drill, filters, widgets
from dashboard.sections import alerts, movers, years_view
from pipelines.engine.targets import verdict
from pipelines.notice import formats as fmt
from pipelines.notice.facts import first_and_last


def key_figures(f: filters.Filters) -> None:
    """Key figures of the period shown: the month's points for a month, else year-end totals;
    each unit type's first and last places."""
    results, _ = data.yearend_ranking(f.db, f.scheme, f.year, f.unit_type)
    if f.month and f.has_monthly:
        shown = data.monthly_ranking(f.db, f.scheme, f.year, f.month, f.unit_type)
        value, what = "points", f"{f.period_label}得分"
    else:
        shown, value, what = results, "total", f"{f.year}年度总分"
    cols = st.columns(4)
    cols[0].metric("被考核单位", f"{shown.height or results.height}")
    if shown.height:
        cols[1].metric(f"平均({what})", fmt.number(shown[value].mean()))
        cols[2].metric(f"最高 / 最低({what})",
                       f"{fmt.number(shown[value].max())} / "
                       f"{fmt.number(shown[value].min())}")
    if results.height:
        if f.info.get("has_grades"):
            best = data.grades(f.db, f.scheme)["grade"].to_list()[:1]
            count = results.filter(pl.col("grade").is_in(best)).height
            cols[3].metric(f"{best[0] if best else '优秀'}单位({f.year}年度)", f"{count}")
        else:
            cols[3].metric("考核等次", "不设等次")
    if shown.height:
        ends = first_and_last(shown, "rank", value)
        st.caption(f"各类单位第一名与末位({what};并列的单位一并列出)")
        widgets.show_table(
            ends.select(pl.col("unit_type").alias("单位类型"), pl.col("units").alias("单位数"),
                        pl.col("first").alias("第一名"),
                        pl.col("first_value").map_elements(fmt.number,
                                                           return_dtype=pl.String).alias("得分"),
                        pl.col("last").alias("末位"),
                        pl.col("last_value").map_elements(fmt.number,
                                                          return_dtype=pl.String).alias("末位得分")),
            name="各类单位第一名与末位", filters=f, key="ov-ends", plain=True,
        )


def targets_section(f: filters.Filters) -> None:
    """The year's targets with 达争/达保/未达 (and the projection of cumulative ones)."""
    st.subheader("年度目标")
    status = data.target_status(f.db, f.scheme, f.year, f.month)
    if status.is_empty():
        widgets.nothing_to_show(
            f"{f.jurisdiction}的考核方案没有设定年度目标(保/争),本页只显示考核结果。"
        )
        return
    month = f.latest_month
    widgets_note = (f"截至 {filters.period_label(month, f.year)} 的报送数据;"
                    "累计类目标另按进度线推算年末预判。") if month else ""
    st.caption(widgets.md(f"依据 {f.info.get('documents', '')}。{widgets_note}"))
    headline = status.filter(pl.col("measure").is_in(["rank", "cumulative"]))
    rest = status.filter(~pl.col("measure").is_in(["rank", "cumulative"]))
    for frame in (headline, rest):
        rows = list(frame.iter_rows(named=True))
        for start in range(0, len(rows), 3):
            line = st.columns(3)
            for col, r in zip(line, rows[start:start + 3], strict=False):
                with col:
                    target_card(r)
    # the table of every target (要求, 进度线, 年末预判) and its exports are the 目标 page's: the
    # overview shows the cards alone, read at a glance
    st.page_link("views/targets.py", label="逐项明细(进度线、年末预判)与导出见「目标」页",
                 query_params=filters.view_params(), icon=":material/arrow_forward:")


def target_card(r: dict) -> None:
    """One target as one bordered metric: its figure to date, its status in the delta's place
    (coloured, no arrow) and, beside it, its projection (cumulative targets) or its levels.
    One element, not four (a container, a metric, a badge and a caption): the overview's twelve
    cards were half of its elements (no measurable time: BENCHMARKS.md, fourth round)."""
    label = verdict(r["status"], r["stretch"]) or widgets.NO_FIGURES
    levels = widgets.target_levels(r["floor"], r["stretch"], r["unit"])
    if r["measure"] == "cumulative" and r["projection"] is not None:
        projected = widgets.fmt_target_value(r["projection"], r["unit"])
        beside = f"年末预测 {projected},预判{verdict(r['projected_status'], r['stretch'])}"
    else:
        beside = levels
    st.metric(widgets.md(r["text"]), widgets.fmt_target_value(r["actual"], r["unit"]),
              delta=label, delta_color=widgets.STATUS_COLOR.get(label, "gray"),
              delta_arrow="off", delta_description=widgets.md(beside), border=True,
              help=widgets.md(levels))


def distribution_section(f: filters.Filters) -> None:
    """Units per grade, or the distribution of totals for a scheme without grades."""
    st.subheader("考核等次分布" if f.info.get("has_grades") else "总分分布")
    dist = widgets.distribution_chart(f)
    if dist is None:
        widgets.nothing_to_show(f"{f.year}年度还没有年终考核结果。")
    else:
        if not f.info.get("has_grades"):
            st.caption(f"{widgets.md(f.jurisdiction)}的考核方案没有规定考核等次,这里显示各类单位总分的分布。")
        else:
            st.caption("点击某类单位的条形,打开该类单位的排名。")
        widgets.show_chart(dist, name=f"考核等次分布_{f.year}", key="ov-dist",
                           drill=drill.TO_TYPE_RANKING)


def main() -> None:
    """The page."""
    f = filters.current()
    widgets.page_header("总览", f)
    key_figures(f)
    targets_section(f)
    alerts.section(f)  # 预警
    years_view.overview_section(f)  # against the previous year of the series (issue 17)
    distribution_section(f)
    movers.section(f)  # the month's movers


main()
