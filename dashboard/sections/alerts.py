"""The 预警 section of the overview: the early warnings of pipelines/notice/warnings.py for the
view, each linking to the page that explains it, the list exportable as XLSX. The warnings are
computed in the pipeline (cached here); this module only draws them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import polars as pl
import streamlit as st

from dashboard.kit import data, widgets
from dashboard.kit.filters import Filters, period_label

# the page file behind each `page` of a warning (st.page_link takes the file)
PAGE_FILES = {"targets": "views/targets.py", "unit": "views/unit_profile.py",
              "indicators": "views/indicators.py", "rankings": "views/rankings.py"}
PAGE_TITLES = {"targets": "目标", "unit": "单位", "indicators": "指标", "rankings": "排名"}
SHOWN_FIRST = 8  # a screen: the first warnings by consequence, one by one
REST_KEY = "ov-warnings-open"  # the expander of the warnings past the first screen


@st.cache_data(show_spinner=False, max_entries=128, ttl=6 * 3600)
def _warnings(db: str, file_stamp: tuple[int, int], scheme: str, year: int,
              month: str | None) -> pl.DataFrame:
    del file_stamp  # only part of the cache key
    from pipelines.notice.warnings import early_warnings

    return early_warnings(Path(db), scheme, year, month)


def warnings_for(f: Filters) -> pl.DataFrame:
    """The warnings of the view (the chosen unit type's, and those of no type), cached."""
    frame = _warnings(str(f.db), data.stamp(f.db), f.scheme, f.year, f.month)
    if f.unit_type:
        frame = frame.filter(pl.col("unit_type").is_null()
                             | (pl.col("unit_type") == f.unit_type))
    return frame


def _link_parts(link: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(link)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return parts.path.strip("/"), params


def section(f: Filters) -> None:
    """Draw the 预警 section: counts per kind, the first screen of warnings by consequence one
    by one with a link, and the rest behind an expander filtered by kind, as a searchable table
    with links and its XLSX/CSV export."""
    from pipelines.notice.warnings import HIGH, summary

    st.subheader("预警")
    frame = warnings_for(f)
    month = f.latest_month
    when = (f"截至{period_label(month, f.year)}" if month and f.has_monthly
            else f"{f.year}年度")
    st.caption(f"{when}:目标按当前进度预判(保/争)、未报送单位、累计名次下降3位及以上、"
               "预计总分跌破等次线、得分率比本类单位其余指标低20个百分点以上的指标。每条预警链接到说明它的页面。")
    counts = summary(frame)
    cols = st.columns(len(counts))
    for col, (kind, n) in zip(cols, counts.items(), strict=True):
        col.metric(f"{kind}预警", f"{n}")
    if frame.is_empty():
        st.success("本期没有预警。", icon=":material/check_circle:")
        return
    # At most a screen: the first SHOWN_FIRST by consequence one by one (the pipeline ranks
    # them), the rest behind an expander with a filter by kind.
    for r in frame.head(SHOWN_FIRST).iter_rows(named=True):
        line = st.columns([2, 9, 2], vertical_alignment="center")
        line[0].badge(f"{r['severity']} · {r['kind']}",
                      color="red" if r["severity"] == HIGH else "orange")
        subject = r["subject"] + (f"({r['unit_type']})" if r["unit_type"] else "")
        line[1].text(f"{subject}：{r['detail']}")
        page, params = _link_parts(r["link"])
        if page in PAGE_FILES:
            line[2].page_link(PAGE_FILES[page], label=f"查看{PAGE_TITLES[page]}页",
                              query_params=params, icon=":material/arrow_forward:")
    rest = frame.slice(SHOWN_FIRST)
    if rest.is_empty():
        return
    # runs only when opened (on_change="rerun"): the closed list costs the first screen nothing,
    # neither the rows (a large year has thousands) nor the data grid's code
    rest_box = st.expander(f"其余 {rest.height} 条预警(按类别筛选,可导出 XLSX)",
                           key=REST_KEY, on_change="rerun")
    if not rest_box.open:
        return
    with rest_box:
        present = [k for k in counts if k in set(rest["kind"])]
        chosen = st.pills("类别", present, selection_mode="multi", default=present,
                          key="ov-warnings-kinds")
        shown = rest.filter(pl.col("kind").is_in(chosen or present))
        table = shown.select(
            pl.col("severity").alias("级别"), pl.col("kind").alias("类别"),
            pl.col("unit_type").alias("单位类型"), pl.col("subject").alias("对象"),
            pl.col("detail").alias("说明"), pl.col("link").alias("查看"),
        )
        st.caption(f"{shown.height} 条;「查看」在新标签页打开说明该预警的页面。")
        widgets.show_table(
            table, name="预警清单", filters=f, key="ov-warnings", height=360, wrap=True,
            column_config={
                "查看": st.column_config.LinkColumn("查看", display_text="查看"),
                "说明": st.column_config.TextColumn("说明", width="large"),
            },
        )
