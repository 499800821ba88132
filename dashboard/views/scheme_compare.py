"""方案比较: this year's data scored under a draft scheme (uploaded) or another warehouse scheme.

The comparison is computed by pipelines (pipelines/scheme_lab.py → pipelines/engine/compare.py,
through the scoring engine); this page only chooses the draft, draws and exports.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.charts import lab_charts
from dashboard.kit import data, filters, widgets
from dashboard.kit.uploader import chinese_uploader
from dashboard.lab import lab_data
from pipelines.engine.compare import Comparison
from pipelines.inputs import limits

SLOPE_LIMIT = 20  # units drawn per unit type in the slope chart; the rest are in the table

UNIT_COLUMNS = {"unit": "单位", "unit_type": "单位类型", "total": "现行总分", "rank": "现行名次",
                "draft_total": "草案总分", "draft_rank": "草案名次", "rank_change": "名次变化",
                "grade": "现行等次", "draft_grade": "草案等次"}

def draft_from_upload(f: filters.Filters) -> lab_data.Outcome | None:
    """The scheme in force to download as a draft, and the comparison with an uploaded draft
    (None until one is uploaded)."""
    name = data.scheme_row(f.db, f.scheme).get("name") or f.scheme
    st.caption("草案为方案文件(.yaml)或方案工作簿(.xlsx),写法见 docs/schemes.md。"
               "可先下载现行方案作底稿,修改后在此上传。")
    drafts = st.columns(2)
    drafts[0].download_button(
        "下载现行方案(YAML 底稿)", key="cmp-draft-yaml", icon=":material/download:",
        data=lambda: lab_data.scheme_draft(f.db, f.scheme, ".yaml"),
        file_name=f"{name}_草案.yaml", mime="application/x-yaml", on_click="ignore")
    drafts[1].download_button(
        "下载现行方案(工作簿底稿)", key="cmp-draft-xlsx", icon=":material/download:",
        data=lambda: lab_data.scheme_draft(f.db, f.scheme, ".xlsx"),
        file_name=f"{name}_草案.xlsx", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    upload = chinese_uploader("cmp-upload", label="草案文件", kinds=["yaml", "yml", "xlsx"],
                              limit_mb=limits.current().max_file_mb)
    if upload is None:
        return None
    return lab_data.compare_upload(f.db, f.scheme, upload.name, upload.getvalue())


def draft_from_warehouse(f: filters.Filters) -> lab_data.Outcome | None:
    """The comparison with another scheme of the warehouse that can score these units (None where
    there is none)."""
    others = lab_data.comparable(f.db, f.scheme)
    if not others:
        widgets.nothing_to_show("数据仓库中没有能为本方案已载入单位计分的其他方案"
                                "(须有这些单位类型的评分细则)。可改为上传草案文件。")
        return None
    widgets.keep_valid("cmp-other", others)
    names = dict(data.schemes(f.db).select("scheme", "name").iter_rows())
    other = st.selectbox("与之比较的方案", others, key="cmp-other",
                         format_func=lambda s: names.get(s) or s)
    return lab_data.compare_with(f.db, f.scheme, other)


def summary_section(f: filters.Filters, result: Comparison, units: pl.DataFrame) -> None:
    """Key figures of the comparison and the rank correlations per unit type."""
    current_name = data.scheme_row(f.db, result.scheme).get("name") or result.scheme
    st.subheader(f"{current_name} → 草案「{result.draft_name or result.draft}」")
    st.caption(f"草案:{result.draft_name}")
    moved = int((units["rank_change"].fill_null(0) != 0).sum())
    cols = st.columns(4)
    cols[0].metric("比较的单位", units.height)
    cols[1].metric("名次变化的单位", moved)
    cols[2].metric("等次变化的单位", int(units["grade_changed"].sum()))
    cols[3].metric("草案不能计分的数据行", result.unscored.height)

    corr = result.correlations
    if f.unit_type:
        corr = corr.filter(pl.col("unit_type") == f.unit_type)
    widgets.show_table(
        corr.rename({"unit_type": "单位类型", "units": "单位数", "spearman": "Spearman 相关",
                     "kendall": "Kendall 相关"}),
        name="方案比较_名次相关", filters=f, key="cmp-corr",
        height=widgets.table_height(corr.height))
    st.caption("等级相关系数:1 表示两个方案排出的名次顺序完全相同,越小差别越大;"
               "只有一个单位的类型无从计算(空)。")


def slopes_section(f: filters.Filters, result: Comparison, units: pl.DataFrame) -> None:
    """Per unit type, the slope chart of the units that move most (and the picked ones)."""
    for unit_type in [t for t in f.unit_types if t in units["unit_type"].to_list()]:
        part = units.filter(pl.col("unit_type") == unit_type)
        picked = part.filter(pl.col("unit").is_in(list(f.units)))
        movers = part.filter(pl.col("draft_rank").is_not_null()).sort(
            pl.col("rank_change").abs(), "rank", descending=[True, False])
        shown = pl.concat([picked, movers]).unique("unit", keep="first", maintain_order=True)
        shown = shown.filter(pl.col("draft_rank").is_not_null()).head(
            max(SLOPE_LIMIT, picked.height))
        st.subheader(f"{unit_type}:名次变化")
        hidden = part.height - shown.height
        st.caption(
            f"图中画出名次变化最大的 {shown.height} 个单位(及侧栏关注的单位)"
            + (f",其余 {hidden} 个单位见下表。" if hidden > 0 else "。"))
        chart = lab_charts.rank_slope(
            shown, base=result.scheme, draft=result.draft,
            titling=widgets.titling(f, f"{unit_type} 现行方案与草案的名次"))
        widgets.show_chart(chart, name=f"方案比较_{unit_type}_名次", key=f"cmp-slope-{unit_type}")


def units_table(f: filters.Filters, units: pl.DataFrame) -> None:
    """Every unit under both schemes."""
    st.subheader("每个单位")
    st.caption("名次变化 = 现行名次 − 草案名次:正数为在草案下上升。表格可排序,右上角可搜索。")
    table = units.select(list(UNIT_COLUMNS)).rename(UNIT_COLUMNS)
    widgets.show_table(table, name="方案比较", filters=f, key="cmp-units", grade_column="草案等次",
                       height=widgets.table_height(table.height))


def changes_section(f: filters.Filters, result: Comparison) -> None:
    """The changes of the draft that move the most units."""
    st.subheader("哪些改动使名次变化最多")
    st.caption("每个单位总分的变化被精确分解为:阶段权重、各指标、平时考评、加减分;「单位数」是只做这一项改动"
               "时名次会变化的单位数(全部单位类型)。")
    if result.changes.is_empty():
        widgets.nothing_to_show("两个方案对这些数据计出的总分完全相同。")
    else:
        changes = result.changes.select(
            改动="label", 内容="what", 名次变化的单位数="units_moved", 最大分差="largest_change")
        widgets.show_table(changes, name="方案比较_改动影响", filters=f, key="cmp-changes",
                           height=widgets.table_height(changes.height))


def unscored_section(f: filters.Filters, result: Comparison) -> None:
    """The loaded rows the draft cannot score, listed, never dropped."""
    st.subheader("草案不能计分的数据")
    if result.unscored.is_empty():
        st.caption("已载入的每一行草案都能计分。")
    else:
        st.caption("这些已载入的行草案不能计分(删除或改编号的指标、改了规则后缺少的列、没有的项目或条款);"
                   "它们在草案下按未录入计,不会被悄悄丢掉。")
        unscored = result.unscored.rename({"source": "数据", "unit": "单位", "key": "项目",
                                           "problem_zh": "原因", "problem_en": "reason"})
        widgets.show_table(unscored, name="方案比较_不能计分", filters=f, key="cmp-unscored",
                           height=widgets.table_height(unscored.height))


def main() -> None:
    """The page."""
    f = filters.current()
    widgets.page_header(
        "方案比较", f,
        note="用已载入的本方案数据,按现行方案和草案各算一遍:看名次、等次会怎样变,哪些改动影响最大。"
             "草案只检查、不加入数据仓库。")
    source = st.radio("草案来源", ["上传草案文件", "数据仓库中的其他方案"], horizontal=True,
                      key="cmp-source")
    outcome = (draft_from_upload(f) if source == "上传草案文件"
               else draft_from_warehouse(f))
    if outcome is None:
        st.stop()
    if outcome.problems is not None:
        st.error(f"草案未通过检查,共 {outcome.problems.height} 个问题,未作比较。请改正后重新上传。",
                 icon=":material/error:")
        st.dataframe(outcome.problems, width="stretch", hide_index=True)
        st.stop()

    result = outcome.comparison
    assert result is not None
    units = result.units
    if f.unit_type:
        units = units.filter(pl.col("unit_type") == f.unit_type)
    if units.is_empty():
        widgets.nothing_to_show(f"{f.jurisdiction}的现行方案还没有载入单位和考核数据,无从比较。")
        st.stop()
    summary_section(f, result, units)
    slopes_section(f, result, units)
    units_table(f, units)
    changes_section(f, result)
    unscored_section(f, result)


main()
