"""The 单位 page's 反馈单 section: the unit's feedback sheet (.docx) and ledger to fill (.xlsx),
and, for those who may see every unit, every unit's sheets as one .zip (as `egov feedback`).
Written by pipelines/cycle/feedback.py when the button is pressed; an editor's download records
the sheet as issued (the 整改 page counts 30 days from it)."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from dashboard.access import signin
from dashboard.kit.filters import Filters
from pipelines.cycle.feedback import safe_name, write_feedback


def _unit_files(f: Filters, unit: str, record: bool) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{safe_name(unit)}_反馈单.docx"
        written = write_feedback(f.db, f.scheme, f.year, out, unit=unit, record=record)
        return {p.name: p.read_bytes() for p in written.paths}


def _all_units(f: Filters, record: bool, units: list[str] | None) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "反馈单.zip"
        write_feedback(f.db, f.scheme, f.year, out, units=units, record=record)
        return out.read_bytes()


def feedback_section(f: Filters, unit: str, scope: list[str] | None) -> None:
    """Download buttons for the unit's 反馈单 and 整改台账; the .zip of every unit (or of the
    scope's units) beside them."""
    st.subheader("反馈单")
    st.caption("考核结果反馈单(Word,GB/T 9704 版式):总分、同类排名、等次、失分指标、加减分和"
               "整改表;另附整改台账(XLSX),单位填写后按「整改台账」导入。")
    record = signin.current(f.db).can("editor")
    day = dt.date.today().strftime("%Y%m%d")

    def one() -> bytes:
        files = _unit_files(f, unit, record)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                zf.writestr(name, data)
        return buffer.getvalue()

    cols = st.columns(2)
    cols[0].download_button(f"{unit} 反馈单与整改台账", data=one,
                            file_name=f"{safe_name(unit)}_反馈单_{day}.zip",
                            mime="application/zip", key="fb-one", on_click="ignore",
                            icon=":material/description:")
    if scope is None:
        cols[1].download_button("全部单位反馈单(.zip)", data=lambda: _all_units(f, record, None),
                                file_name=f"{f.scheme}_{f.year}_反馈单_{day}.zip",
                                mime="application/zip", key="fb-all", on_click="ignore",
                                icon=":material/folder_zip:")
