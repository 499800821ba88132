"""导入与更正 (editors and admins only): upload workbooks, read the validation report, see what
the load would change, confirm; undo an earlier load. The checks, the dry run and the load are
the pipelines' (`pipelines/corrections/preview.py`, `pipelines/loading.py`); this page shows
them and records the signed-in user with each load."""

from __future__ import annotations

import secrets
from datetime import datetime

import polars as pl
import streamlit as st

from dashboard.access import signin
from dashboard.access.cycle_scope import account_scope
from dashboard.kit import data, filters, revisions, widgets
from dashboard.kit.uploader import chinese_uploader
from pipelines.access.identity import acting_as
from pipelines.corrections import preview
from pipelines.corrections.history import loads as load_history
from pipelines.corrections.revert import revert
from pipelines.cycle.scope import Scope, acting_within
from pipelines.inputs import limits
from pipelines.inputs.problems import InputRejected
from pipelines.loading import ingest

PREVIEW = "egov_upload_preview"
REVERTED = "egov_upload_reverted"  # the message of a revert, shown after the page is redrawn


def upload_section(f: filters.Filters, who: signin.Identity, scope: Scope | None) -> None:
    """Workbooks uploaded, checked and dry-run, then loaded on 「确认导入」."""
    st.subheader("导入工作簿")
    lim = limits.current()
    st.caption(
        f"上传按导入模板填写的 .xlsx 或 .csv 文件(可一次多个,一起校验,全部通过才能导入)。"
        f"限制:每个文件不超过 {lim.max_file_mb} MB,每个工作表不超过 {lim.max_rows:,} 行、"
        f"{lim.max_columns} 列、{lim.max_cells:,} 个单元格。上传后先检查并预览变化,"
        "点「确认导入」后才写入数据仓库;导入记录会写明导入人。")
    uploads = chinese_uploader("up-files", label="选择文件", limit_mb=lim.max_file_mb,
                               kinds=["xlsx", "csv"], accept_multiple_files=True)
    state = _checked(f, who, scope, uploads) if uploads else None
    if state is not None:
        _preview(f, who, scope, state)


def _checked(f: filters.Filters, who: signin.Identity, scope: Scope | None,
             files: list) -> dict | None:
    """Save the uploads (kept beside the warehouse: the history names them) and dry-run them,
    once per set of files. None when their names are refused (the report is shown)."""
    signature = tuple((u.name, u.size, u.file_id) for u in files)
    state = st.session_state.get(PREVIEW)
    if state is not None and state["signature"] == signature:
        return state
    if state is not None and not state["loaded"]:
        preview.discard(state["paths"])
        del st.session_state[PREVIEW]
    folder = f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    try:
        paths = preview.keep_uploads(f.db, [(u.name, u.getvalue()) for u in files], folder)
    except preview.UploadRefused as err:
        st.error("文件名不能使用,未保存任何文件;请改名后重新上传。")
        st.code(err.report(), language=None)
        return None
    with st.spinner("正在检查并试算…"), acting_as(who.name or ""), acting_within(scope):
        result = preview.dry_run(f.db, paths)
    if not result.accepted:
        preview.discard(paths)
    state = {"signature": signature, "paths": paths, "preview": result, "loaded": None}
    st.session_state[PREVIEW] = state
    return state


def _preview(f: filters.Filters, who: signin.Identity, scope: Scope | None,
             state: dict) -> None:
    """The check's problems, or the load done, or what the load would change with 「确认导入」."""
    result = state["preview"]
    if not result.accepted:
        st.error(f"检查未通过:共 {result.problems.height} 个问题,不能导入;请改正后重新上传。")
        widgets.show_table(
            result.problems.select(
                pl.col("file").map_elements(lambda p: p.rsplit("/", 1)[-1],
                                            return_dtype=pl.String).alias("文件"),
                pl.col("sheet").alias("工作表"), pl.col("row").alias("行"),
                pl.col("column").alias("列"), pl.col("value").alias("值"),
                pl.col("problem_zh").alias("问题")),  # the English is in the CLI's report
            name="导入检查问题", filters=f, key="up-problems")
    elif state["loaded"] is not None:
        st.success(f"已导入,批次 {state['loaded']}。"
                   "可在下方撤销,或在「数据与方法」页查看更正记录。")
    else:
        st.success("检查通过,尚未导入。导入后的变化如下(试算)。")
        files = result.files.select(
            pl.col("file").map_elements(lambda p: p.rsplit("/", 1)[-1],
                                        return_dtype=pl.String).alias("文件"),
            pl.col("kind").alias("类型"), pl.col("rows").alias("导入行数"),
            pl.col("replaced_rows").alias("替换已有行数"))
        st.dataframe(files, hide_index=True, width="stretch", key="up-files-table")
        st.caption(revisions.summary_line(result.changes))
        changes = revisions.changes_table(result.changes)
        if changes.height:
            widgets.show_table(changes, name="导入预览_结果变化", filters=f, key="up-changes",
                               height=widgets.table_height(changes.height, 15))
        if st.button("确认导入", type="primary", key="up-confirm"):
            try:
                with st.spinner("正在导入…"), acting_as(who.name or ""), acting_within(scope):
                    ingest(f.db, state["paths"])
            except InputRejected as err:  # the warehouse changed since the preview, or busy
                st.error("导入未完成,数据未改变。")
                st.code(err.report(), language=None)
            else:
                mine = load_history(f.db).filter(pl.col("file") == str(state["paths"][0]))
                state["loaded"] = int(mine["batch"].max())
                st.session_state["up-revert-batch"] = state["loaded"]  # offer it for undo
                st.rerun()


def revert_section(f: filters.Filters, who: signin.Identity) -> None:
    """Undo a load (as a new load), and every load with what undid it."""
    st.subheader("撤销导入")
    st.caption("撤销一个导入批次:它新增的数据被移除,它替换掉的旧数据恢复;撤销本身也记为一个批次,"
               "可以再撤销。之后的导入若又更正了同一数据,以之后的为准。")
    batches = revisions.with_status(data.load_batches(f.db))
    done_message = st.session_state.pop(REVERTED, None)
    if done_message:
        st.success(done_message)
    open_batches = batches.filter(pl.col("in_effect"))
    if open_batches.is_empty():
        widgets.nothing_to_show("还没有可撤销的导入。")
    else:
        rows = {r["batch"]: r for r in open_batches.iter_rows(named=True)}
        widgets.keep_valid("up-revert-batch", list(rows))
        chosen = st.selectbox("导入批次", list(rows), format_func=lambda b: revisions.batch_label(
            rows[b]), key="up-revert-batch")
        counted = data.revision_counts(f.db, chosen).row(0, named=True)
        st.caption(f"该批次当时带来的变化:{revisions.counts_line(counted)}")
        sure = st.checkbox(f"我确认撤销批次 {chosen}", key="up-revert-sure")
        if st.button("撤销该批次", disabled=not sure, key="up-revert"):
            try:
                with st.spinner("正在撤销…"), acting_as(who.name or ""):
                    done = revert(f.db, chosen)
            except InputRejected as err:
                st.error("撤销未完成,数据未改变。")
                st.code(err.report(), language=None)
            else:
                # the reverted batch is no longer offered, chosen or armed: the choice and the
                # confirmation are cleared and the page drawn again from the new history
                st.session_state[REVERTED] = (
                    f"已撤销批次 {done.reverted},记为批次 {done.load_id}:移除 {done.removed} 行,"
                    f"恢复 {done.restored} 行。")
                for key in ("up-revert-batch", "up-revert-sure"):
                    st.session_state.pop(key, None)
                st.rerun()
    if batches.height:
        with st.expander(f"全部导入批次({batches.height} 个,已撤销的标明撤销它的批次)"):
            widgets.show_table(revisions.batches_table(batches), name="导入批次", filters=f,
                               key="up-batches")


def main() -> None:
    """The page (editors and admins only)."""
    f = filters.current()
    who = signin.require(f.db, "editor")
    scope = account_scope(f.db, who.name)  # bodies or a unit: its own rows only (pipelines/cycle/)
    widgets.page_header("导入与更正", f)
    upload_section(f, who, scope)
    if scope is not None:  # an account scoped to bodies or a unit loads its own rows, reverts none
        st.stop()
    revert_section(f, who)


main()
