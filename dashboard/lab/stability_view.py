"""Rank stability on the 排名 page: an interval beside each year-end rank, and its own section.

The intervals are computed by pipelines/engine/stability.py when the page first asks for them
after a load (pipelines/stability_on_demand.py, cached per warehouse file by lab_data); this
module only draws them.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.charts import lab_charts
from dashboard.kit import data, widgets
from dashboard.kit.filters import Filters
from dashboard.lab import lab_data

CHART_TOP = 10  # places drawn at each end of a long ranking (plus the widest and focus units)
COLUMN = "稳定区间"


def stability(f: Filters) -> pl.DataFrame:
    """The year-end rank stability of the view's scheme and year (empty if none)."""
    return lab_data.rank_stability(f.db, f.scheme, f.year)


def interval_text(lo: pl.Expr, hi: pl.Expr) -> pl.Expr:
    """「第1–3名」, or 「第2名」 where the interval is a single place."""
    return (pl.when(lo == hi).then(pl.format("第{}名", lo))
            .otherwise(pl.format("第{}–{}名", lo, hi)))


def with_intervals(f: Filters, mode: str, raw: pl.DataFrame, shown: pl.DataFrame
                   ) -> pl.DataFrame:
    """The ranking table with a 稳定区间 column right after 排名 (year-end only). `shown` is
    row-aligned with `raw`, and stays so."""
    if mode != "yearend" or raw.is_empty() or "排名" not in shown.columns:
        return shown
    st_frame = stability(f)
    if st_frame.is_empty():
        return shown
    joined = raw.select("unit").join(
        st_frame.select("unit", _lo="rank_p05", _hi="rank_p95"), on="unit", how="left",
        maintain_order="left")
    column = joined.select(interval_text(pl.col("_lo"), pl.col("_hi")).alias(COLUMN)).to_series()
    at = shown.columns.index("排名") + 1
    return shown.insert_column(at, column)


def section(f: Filters, mode: str, raw: pl.DataFrame) -> None:
    """排名稳定性: per unit type, the intervals as a chart (long rankings: the top and bottom
    places, the widest intervals and the focus units), and the indicators' weights."""
    if mode != "yearend" or raw.is_empty():
        return
    st_frame = stability(f)
    if f.unit_type:
        st_frame = st_frame.filter(pl.col("unit_type") == f.unit_type)
    if st_frame.is_empty():
        return
    band, draws = float(st_frame["band"][0]), int(st_frame["draws"][0])
    st.header("排名稳定性")
    st.caption(
        f"若各考评阶段的权重和各指标的分值在 ±{band:.0%} 内随机变动(各自按比例缩放,总分不变),"
        f"重新计分 {draws} 次:蓝条是名次的 5%–95% 区间(稳定区间),黑线是中位数,圆点是实际名次。"
        "区间只有一个名次的单位,名次不因权重的小变动而改变;区间重叠的单位,名次先后取决于权重的取舍。"
        "各单位在各指标上的得分率、平时考评的内容保障分、加减分不变。")
    for unit_type in [t for t in f.unit_types if t in st_frame["unit_type"].to_list()]:
        part = st_frame.filter(pl.col("unit_type") == unit_type)
        shown = _chosen(part, f.units)
        st.subheader(f"{unit_type}:稳定区间")
        if shown.height < part.height:
            st.caption(f"图中画出前{CHART_TOP}名、后{CHART_TOP}名、区间最宽的单位和关注单位"
                       f"共 {shown.height} 个,其余 {part.height - shown.height} 个单位的区间"
                       f"见上方排名表「{COLUMN}」列。")
        chart = lab_charts.stability_intervals(
            shown, band=band, draws=draws,
            titling=widgets.titling(f, f"{unit_type} 名次稳定区间", f"{f.year}年度"))
        widgets.show_chart(chart, name=f"{unit_type}排名稳定区间", key=f"rk-stab-{unit_type}")
    weights_table(f)


def _chosen(part: pl.DataFrame, focus: tuple[str, ...]) -> pl.DataFrame:
    """The units to draw: all of a short ranking; else the top and bottom places, the widest
    intervals and the focus units."""
    if part.height <= 3 * CHART_TOP:
        return part
    ordered = part.sort("rank", "unit")
    widest = part.with_columns(_w=pl.col("rank_p95") - pl.col("rank_p05")).sort(
        "_w", "rank", descending=[True, False]).head(CHART_TOP).drop("_w")
    picked = part.filter(pl.col("unit").is_in(list(focus)))
    return pl.concat([ordered.head(CHART_TOP), ordered.tail(CHART_TOP), widest, picked]).unique(
        "unit", keep="first").sort("rank", "unit")


def weights_table(f: Filters) -> None:
    """Each indicator's nominal weight beside its effective weight."""
    weights = lab_data.indicator_weights(f.db, f.scheme, f.year)
    if f.unit_type:  # the rubric that scores the chosen unit type
        types = data.unit_types(f.db, f.scheme)
        rubric = types.filter(pl.col("unit_type") == f.unit_type)["rubric"].to_list()
        weights = weights.filter(pl.col("rubric").is_in(rubric))
    if weights.is_empty():
        return
    st.subheader("指标的名义权重与有效权重")
    st.caption("名义权重 = 阶段权重 × 分值 / 细则总分;有效权重 = 该指标得分与单位总分的相关系数,"
               "把正的相关系数按比例缩放到与名义权重同一尺度。有效权重远高于名义权重的指标,"
               "实际上左右着排名;远低于的,各单位得分相近,拉不开差距。各单位得分相同的指标为空。"
               "表格可排序、可搜索。")
    table = weights.select(
        细则="rubric_name", 编号="code", 指标="name", 分值="max_points",
        名义权重_pct=pl.col("nominal_weight") * 100, 相关系数="correlation",
        有效权重_pct=pl.col("effective_weight") * 100,
        差值_pct=(pl.col("effective_weight") - pl.col("nominal_weight")) * 100,
    ).sort("差值_pct", descending=True, nulls_last=True).rename(
        {"名义权重_pct": "名义权重(%)", "有效权重_pct": "有效权重(%)", "差值_pct": "有效减名义(%)"})
    widgets.show_table(table, name="指标名义权重与有效权重", filters=f, key="rk-weights",
                       height=widgets.table_height(table.height, limit=15))
