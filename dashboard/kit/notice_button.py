"""The 「通报 Word 稿」 button beside 「生成通报材料」: the 通报 draft (.docx) for the chosen scheme
and period, built by pipelines.notice when clicked, with a progress bar while it is built (a
6,000-unit year takes a few seconds), then offered for download. The page only draws."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.kit import data
from dashboard.kit.filters import Filters
from dashboard.kit.widgets import evaluation_title

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HELD = "notice-docx-built"  # the one draft a session keeps: (view key, file name, bytes)


def notice_button(f: Filters, *, where=st.sidebar) -> None:
    """「生成通报 Word 稿」 builds the monthly 通报 for a chosen month of a scheme with monthly
    scoring, else the year-end 通报, showing each step on a progress bar; the draft is then
    offered as 「下载通报 Word 稿」 until the view or the warehouse changes."""
    from pipelines.notice import build_notice, notice_file_name

    month = f.month if f.month and f.has_monthly else None
    label = f.period_label if month else f"{f.year}年度"
    view = (str(f.db), data.stamp(f.db), f.scheme, f.year, month)
    name = notice_file_name(evaluation_title(f), label, f.sample)
    if where.button(
        "生成通报 Word 稿", key="notice-build", icon=":material/description:", width="stretch",
        help=("按 GB/T 9704 公文格式生成通报草稿(.docx):" + ("本月" if month else "年终")
              + "考核结果、目标完成情况、存在问题与预警、下一步要求,附排名表。"
              "措辞可在 notices/ 模板中修改。"),
    ):
        st.session_state.pop(HELD, None)  # one draft a session: the old one goes first
        bar = where.progress(0.0, text="正在生成通报…")
        built = build_notice(f.db, f.scheme, f.year, month, day=date.today(),
                             progress=lambda share, what: bar.progress(share, text=what))
        bar.empty()
        st.session_state[HELD] = (view, name, built)
    held = st.session_state.get(HELD)
    if held and held[0] == view:
        where.download_button(
            "下载通报 Word 稿", data=held[2], file_name=held[1], mime=DOCX_MIME,
            key="notice-docx", on_click="ignore", icon=":material/download:", width="stretch",
        )
