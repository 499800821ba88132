"""指标: where units scored and lost points, from first-level categories down to single
indicators, and (where the scheme names them) which office owns the lost points.

The page is a list of sections (functions below), `main()` last: the rubric in view, the heat
maps with their drill-down, the indicators where most points were lost, one indicator across
units, the years of the series, and the losses by responsible office."""

from __future__ import annotations

from typing import NamedTuple

import polars as pl
import streamlit as st

from dashboard.charts import charts
from dashboard.kit import data, drill, filters, widgets
from dashboard.sections import years_view


class Rubric(NamedTuple):
    """The rubric in view: its id, its name and the unit types it scores."""

    rubric: str
    name: str
    unit_types: list[str]

    @property
    def types_label(self) -> str:
        """The unit types it scores, as a list in the text (「区镇、政府部门」)."""
        return "、".join(self.unit_types)


class Losses(NamedTuple):
    """The lost points of every indicator of the rubric (with `label` and `office`), and which
    office the scheme names for them: 牵头科室 (`has_lead`), 牵头考核单位 (`has_body`), or
    neither."""

    lost: pl.DataFrame
    has_lead: bool
    has_body: bool

    @property
    def office_title(self) -> str:
        """The heading of the office column."""
        return "牵头科室" if self.has_lead else "牵头考核单位"

    def to_indicator(self, field: str) -> drill.Drill:
        """A click on a mark labelled 「编号 名称」 (a 三级指标 cell: `node`; a lost-points bar:
        `label`) sets the 指标 picker, which takes the code."""
        return drill.Drill(field=field, param="code", key="ind-code",
                           values=tuple(zip(self.lost["label"], self.lost["code"], strict=True)))


def rubric_choice(f: filters.Filters) -> Rubric:
    """The rubric to show: a choice where the unit types in view are scored by several."""
    unit_types = data.unit_types(f.db, f.scheme)
    if f.unit_type:
        unit_types = unit_types.filter(pl.col("unit_type") == f.unit_type)
    rubrics = unit_types.unique("rubric", maintain_order=True)
    rubric_names = dict(zip(rubrics["rubric"], rubrics["rubric_name"], strict=True))
    rubric_types = {r: unit_types.filter(pl.col("rubric") == r)["unit_type"].to_list()
                    for r in rubric_names}
    if len(rubric_names) > 1:
        filters.page_choice("rubric", "ind-rubric", list(rubric_names), list(rubric_names)[0])
        rubric = st.segmented_control(
            "评分细则", list(rubric_names), key="ind-rubric",
            format_func=lambda r: "、".join(rubric_types[r]),
            help="各类单位适用不同的评分细则,指标不同,分开查看。",
        ) or list(rubric_names)[0]
        filters.remember("rubric", rubric)
    else:
        rubric = next(iter(rubric_names))
    chosen = Rubric(rubric, rubric_names[rubric], rubric_types[rubric])
    st.caption(widgets.md(f"评分细则: {chosen.name}(适用于 {chosen.types_label})"))
    return chosen


def units_in_view(f: filters.Filters, shares: pl.DataFrame) -> tuple[list[str], str]:
    """The units the heat maps draw (at most charts.MAX_ROWS) and how they were picked: the
    highlighted units, else a search, else the top or bottom N by share of points scored."""
    total = shares.height
    if f.units:
        return shares["unit"].head(charts.MAX_ROWS).to_list(), "侧栏所选的关注单位"
    if total <= widgets.HEAT_DEFAULT_N:
        return shares["unit"].to_list(), "全部单位"
    c1, c2, c3 = st.columns([2, 1, 2])
    order = c1.segmented_control("热力图显示", ["得分率最高", "得分率最低"], key="ind-order",
                                 default="得分率最高") or "得分率最高"
    n = c2.number_input("单位数", min_value=5, max_value=charts.MAX_ROWS, step=5,
                        value=widgets.HEAT_DEFAULT_N, key="ind-n")
    query = c3.text_input("搜索单位", key="ind-q", placeholder="输入单位名称的一部分").strip()
    picked = shares if order == "得分率最高" else shares.reverse()
    how = f"{order}的 {n} 个单位"
    if query:
        picked = picked.filter(pl.col("unit").str.contains(query, literal=True))
        how = f"名称含「{widgets.md(query)}」、{how}"
    return picked["unit"].head(int(n)).to_list(), how


def _nodes(level: pl.DataFrame) -> list[str]:
    """The nodes of a level's scores in the scheme's order."""
    return (level.group_by("node").agg(pl.col("node_position").min())
            .sort("node_position")["node"].to_list())


def heatmaps_section(f: filters.Filters, rubric: Rubric, shares: pl.DataFrame, found: Losses,
                     when: str) -> None:
    """各单位一级指标得分率, and the drill-down to the second and third levels: three heat maps
    of the same units in view. A click on a cell sets the drop-down below it (a 三级指标's: the
    指标 picker of the spread section)."""
    in_view, how = units_in_view(f, shares)
    hidden = shares.height - len(in_view)
    view_args = {"unit_type": f.unit_type, "rubric": rubric.rubric, "units": in_view}
    level1 = data.level_scores(f.db, f.scheme, f.year, 1, **view_args)

    st.subheader("各单位一级指标得分率")
    st.caption(f"热力图显示{how}(按全部指标得分率排序)"
               + (f";另有 {hidden} 个单位未显示。" if hidden else "。")
               + "点击格子下钻到该指标:下方的下拉框随之改变。")
    chart = widgets.LazyChart(charts.heatmap, level1, level_title="一级指标", highlight=f.units,
                              titling=widgets.titling(f, f"{rubric.types_label} 一级指标得分率",
                                                      when))
    widgets.show_chart(chart, name=f"一级指标得分率_{f.year}", key="ind-heat1",
                       drill=drill.Drill(field="node", param="cat", key="ind-cat"))

    categories = _nodes(level1)
    c1, c2 = st.columns(2)
    filters.page_choice("cat", "ind-cat", categories, categories[0])
    category = c1.selectbox("下钻:一级指标", categories, key="ind-cat")
    filters.remember("cat", category)
    level2 = data.level_scores(f.db, f.scheme, f.year, 2, category=category, **view_args)
    st.subheader(widgets.md(f"{category} · 二级指标"))
    chart = widgets.LazyChart(charts.heatmap, level2, level_title="二级指标", highlight=f.units,
                              titling=widgets.titling(f, f"{category} 二级指标得分率", when))
    widgets.show_chart(chart, name=f"{category}_二级指标得分率_{f.year}", key="ind-heat2",
                       drill=drill.Drill(field="node", param="l2", key="ind-l2"))

    seconds = _nodes(level2)
    filters.page_choice("l2", "ind-l2", seconds, seconds[0])
    second = c2.selectbox("下钻:二级指标", seconds, key="ind-l2")
    filters.remember("l2", second)
    level3 = data.level_scores(f.db, f.scheme, f.year, 3, category=category, level2=second,
                               **view_args)
    st.subheader(widgets.md(f"{category} / {second} · 三级指标"))
    chart = widgets.LazyChart(charts.heatmap, level3, level_title="三级指标(编号 名称)",
                              highlight=f.units,
                              titling=widgets.titling(f, f"{second} 三级指标得分率", when))
    widgets.show_chart(chart, name=f"{second}_三级指标得分率_{f.year}", key="ind-heat3",
                       drill=found.to_indicator("node"))
    if hidden:
        st.caption(f"三张热力图显示同样的 {len(in_view)} 个单位;另有 {hidden} 个单位未显示。")


def losses(f: filters.Filters, rubric: Rubric) -> Losses:
    """The lost points of the rubric's indicators for the units in view, labelled, with the
    office the scheme names for each."""
    lost = data.lost_points(f.db, f.scheme, f.year, f.unit_type, list(f.units), rubric.rubric)
    has_lead = lost["lead_office"].is_not_null().any()
    has_body = lost["assessing_bodies"].is_not_null().any()
    lost = lost.with_columns(
        label=pl.format("{} {}", pl.col("code"), pl.col("name")),
        office=pl.col("lead_office") if has_lead else pl.col("assessing_bodies"),
    )
    return Losses(lost, has_lead, has_body)


def lost_section(f: filters.Filters, rubric: Rubric, shares: pl.DataFrame, found: Losses,
                 when: str) -> pl.DataFrame:
    """失分最多的指标: the average points lost per unit scored, as a chart and a table. Returns
    the indicators on which points were lost."""
    office_title = found.office_title
    st.subheader("失分最多的指标")
    st.caption(f"按平均每单位失分排列(共 {shares.height} 个单位参评;豁免的单位不计入),"
               "并注明失分单位占比。点击条形,在下方「单项指标在各单位的分布」中查看该指标。")
    losing = found.lost.filter(pl.col("lost") > 0)
    if losing.is_empty():
        widgets.nothing_to_show("所选单位在本细则的各项指标上都得了满分。")
        return losing
    chart = widgets.LazyChart(
        charts.lost_points, losing, top=15, office_title=office_title,
        titling=widgets.titling(f, f"{rubric.types_label} 平均失分最多的15项指标", when),
    )
    widgets.show_chart(chart, name=f"失分最多的指标_{f.year}", key="ind-lost",
                       drill=found.to_indicator("label"))
    table = losing.select(
        pl.col("code").alias("编号"), pl.col("name").alias("指标"),
        pl.col("category").alias("一级指标"), pl.col("max_points").alias("分值"),
        pl.col("avg_lost").alias("平均失分"),
        (pl.col("share_losing") * 100).alias("失分单位占比(%)"),
        pl.col("units_losing").alias("失分单位数"),
        pl.col("units_scored").alias("参评单位数"), pl.col("office").alias(office_title),
    )
    if not (found.has_lead or found.has_body):
        table = table.drop(office_title)
    widgets.show_table(table, name="失分指标", filters=f, key="ind-lost-t", height=320)
    return losing


def spread_section(f: filters.Filters, rubric: Rubric, found: Losses, losing: pl.DataFrame,
                   when: str) -> None:
    """单项指标在各单位的分布: one indicator's scores, a bar per unit where there are few, else
    a histogram with the highlighted units marked; the exempt units named."""
    st.subheader("单项指标在各单位的分布")
    codes = found.lost.sort("position")
    labels = dict(zip(codes["code"], codes["label"], strict=True))
    default_code = losing["code"][0] if losing.height else codes["code"][0]
    code_list = codes["code"].to_list()
    filters.page_choice("code", "ind-code", code_list, default_code)
    code = st.selectbox("指标", code_list, key="ind-code", format_func=lambda c: labels.get(c, c))
    filters.remember("code", code)
    spread = data.indicator_spread(f.db, f.scheme, f.year, rubric.rubric, code)
    if f.unit_type:
        spread = spread.filter(pl.col("unit_type") == f.unit_type)
    row = codes.filter(pl.col("code") == code).row(0, named=True)
    criteria = row["criteria"] or row["scoring_text"]
    if criteria:
        st.caption(widgets.md(f"考核要点: {criteria}"))
    scored = spread.filter(~pl.col("exempt"))
    if scored.is_empty():
        widgets.nothing_to_show("所有单位均豁免此项指标。")
    elif scored.height <= widgets.SPREAD_BARS_UP_TO:
        chart = widgets.LazyChart(
            charts.indicator_spread, spread, unit_types=rubric.unit_types, highlight=f.units,
            titling=widgets.titling(f, f"指标 {labels[code]} 各单位得分", when),
        )
        widgets.show_chart(chart, name=f"指标{code}_各单位得分_{f.year}", key="ind-spread",
                           drill=drill.TO_UNIT)
        st.caption("点击条形,打开该单位的单位画像。")
    else:
        marks = None
        if f.units:
            ranked = scored.with_columns(rank=pl.col("score").rank("min", descending=True)
                                         .cast(pl.Int64))
            marks = ranked.filter(pl.col("unit").is_in(list(f.units))).head(
                charts.MAX_ROWS).select("unit", "rank", value=pl.col("score"))
        chart = widgets.LazyChart(
            charts.histogram, data.histogram_bins(scored, "score", bins=20), value_title="得分",
            unit_types=[t for t in rubric.unit_types if t in scored["unit_type"].to_list()],
            marks=marks,
            titling=widgets.titling(
                f, f"指标 {labels[code]} 得分分布(全部{scored.height}个单位)", when),
        )
        widgets.show_chart(chart, name=f"指标{code}_得分分布_{f.year}", key="ind-spread")
        st.caption(f"{scored.height} 个单位按得分分组计数,不逐一列出;关注单位以竖线标出。")
    if spread["exempt"].any():
        exempt = spread.filter(pl.col("exempt"))["unit"].to_list()
        shown_exempt = "、".join(exempt[:20])
        more = f" 等 {len(exempt)} 个单位" if len(exempt) > 20 else ""
        st.caption(widgets.md(f"豁免(书面说明无此任务): {shown_exempt}{more}"))


def office_section(f: filters.Filters, rubric: Rubric, found: Losses, when: str) -> None:
    """按牵头科室 (or 牵头考核单位) 的失分: the average points lost per unit on the indicators
    each office leads, where the scheme names offices."""
    office_title = found.office_title
    st.subheader(f"按{office_title}的失分")
    if not (found.has_lead or found.has_body):
        widgets.nothing_to_show(
            f"{f.jurisdiction}的评分细则没有为指标列出牵头科室或牵头考核单位,无法按责任部门汇总失分。"
        )
        return
    by = "lead_office" if found.has_lead else "assessing_bodies"
    offices = data.lost_by_office(f.db, f.scheme, f.year, f.unit_type,
                                  list(f.units), rubric.rubric, by)
    if not found.has_lead:
        st.caption("本细则列的是牵头考核单位(负责考核该项的部门),按其汇总失分。")
    chart = widgets.LazyChart(
        charts.office_losses, offices, office_title=office_title,
        titling=widgets.titling(f, f"按{office_title}的平均每单位失分", when),
    )
    widgets.show_chart(chart, name=f"按{office_title}失分_{f.year}", key="ind-office")
    st.caption("按平均每单位失分(该部门牵头的指标上的失分合计 ÷ 参评单位数)排列。")
    widgets.show_table(
        offices.select(pl.col("office").alias(office_title),
                       pl.col("avg_lost").alias("平均每单位失分"),
                       pl.col("lost").alias("失分合计"),
                       pl.col("units").alias("参评单位数"),
                       pl.col("indicators").alias("牵头指标数")),
        name=f"按{office_title}失分", filters=f, key="ind-office-t",
    )


def main() -> None:
    """The page."""
    f = filters.current()
    widgets.page_header("指标", f)
    st.caption(f"指标得分为{f.year}年度年终评分结果(与所选月份无关);得分率 = 得分 / 应得分,"
               "豁免指标不计入。侧栏选了关注单位时,只统计这些单位。")
    rubric = rubric_choice(f)
    shares = data.unit_shares(f.db, f.scheme, f.year, rubric=rubric.rubric,
                              unit_type=f.unit_type, units=list(f.units))
    if shares.is_empty():
        widgets.nothing_to_show(f"{f.year}年度还没有年终评分结果,所以没有指标得分。")
        st.stop()
    when = f"{f.year}年度"
    found = losses(f, rubric)
    heatmaps_section(f, rubric, shares, found, when)
    losing = lost_section(f, rubric, shares, found, when)
    spread_section(f, rubric, found, losing, when)
    years_view.indicators_section(f)  # score rates over the years of the series (issue 17)
    office_section(f, rubric, found, when)


main()
