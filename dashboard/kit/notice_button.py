"""The 「通报 Word 稿」 button beside 「生成通报材料」: the 通报 draft (.docx) for the chosen scheme
and period, built by pipelines.notice when clicked. The page only offers the download."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.kit.filters import Filters

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def notice_button(f: Filters, *, where=st.sidebar) -> None:
    """A download of the monthly 通报 for a chosen month of a scheme with monthly scoring, else
    of the year-end 通报."""
    from pipelines.notice import build_notice, notice_file_name

    month = f.month if f.month and f.has_monthly else None
    label = f.period_label if month else f"{f.year}年度"
    db, scheme, year = f.db, f.scheme, f.year

    def build() -> bytes:
        return build_notice(db, scheme, year, month, day=date.today())

    where.download_button(
        "通报 Word 稿", data=build, file_name=notice_file_name(f.jurisdiction, label, f.sample),
        mime=DOCX_MIME, key="notice-docx", on_click="ignore", icon=":material/description:",
        width="stretch",
        help=("按 GB/T 9704 公文格式生成通报草稿(.docx):" + ("本月" if month else "年终")
              + "考核结果、目标完成情况、存在问题与预警、下一步要求,附排名表。"
              "措辞可在 notices/ 模板中修改。"),
    )
