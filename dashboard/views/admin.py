"""账户与方案 (admins only): the dashboard's accounts and the warehouse's schemes.

Accounts live in the store beside the warehouse (`pipelines/access/accounts.py`); a scheme file
is checked and added by `pipelines/schemes/admin.py`, exactly as `egov scheme add` does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard.access import signin
from dashboard.kit import filters, widgets
from dashboard.kit.text import chinese
from pipelines.access.accounts import ROLE_ZH, ROLES, AccountError, AccountStore, accounts_frame
from pipelines.access.identity import acting_as
from pipelines.cycle.accounts import ScopeError, ScopeStore, change_scope
from pipelines.inputs.problems import InputRejected
from pipelines.schemes.admin import add_scheme

SIGN_IN_ZH = {"password": "密码", "sso": "单点登录"}


def add_form(store: AccountStore) -> None:
    """A new account: name, role and its first password (twice)."""
    st.markdown("**添加账户**")
    name = st.text_input("账户名", max_chars=64)
    role = st.selectbox("角色", ROLES, format_func=ROLE_ZH.get)
    password = st.text_input("初始密码(至少 8 个字符)", type="password", max_chars=1024)
    again = st.text_input("再输一次", type="password", max_chars=1024)
    if st.form_submit_button("添加"):
        if password != again:
            st.error("两次输入的密码不一致")
        else:
            try:
                store.add(name, role, password)
                st.success(f"已添加账户 {name.strip()}")
            except AccountError as err:
                st.error(chinese(str(err)))


def change_form(store: AccountStore, scopes: ScopeStore, names: list[str],
                who: signin.Identity) -> None:
    """An account's new role or password, or its removal (never the account in use)."""
    st.markdown("**修改账户**")
    target = st.selectbox("账户", names, key="adm-target") if names else None
    new_role = st.selectbox("新角色", ("不变", *ROLES), key="adm-role",
                            format_func=lambda r: ROLE_ZH.get(r, r))
    new_password = st.text_input("新密码(留空不变;同时清除失败记录)", type="password",
                                 max_chars=1024)
    remove = st.checkbox("删除该账户")
    if st.form_submit_button("保存") and target:
        try:
            if remove:
                if target == who.name:
                    raise AccountError("不能删除正在使用的账户")
                store.remove(target)
                scopes.remove(target)  # as `egov user remove`: a scope goes with its account
            else:
                if new_role != "不变":
                    store.set_role(target, new_role)
                if new_password:
                    store.set_password(target, new_password)
            st.success("已保存")
        except AccountError as err:
            st.error(chinese(str(err)))


def scope_form(f: filters.Filters, editors: list[str]) -> None:
    """Scopes (issue 18): an editor entering only some assessing bodies' indicators, or a unit
    account."""
    st.markdown("**账户范围**(编辑账户)")
    st.caption("限定考核单位:该账户只能导入这些考核单位负责的指标的年终评分;限定被考核单位:该账户"
               "成为单位账户,只能导入本单位的自评和整改台账,只看本单位;不限:可导入全部单位和指标。"
               "与 `egov user scope` 相同。")
    scoped = st.selectbox("账户", editors, key="adm-scope-target") if editors else None
    kind = st.radio("范围", ("考核单位", "被考核单位", "不限"), horizontal=True,
                    key="adm-scope-kind")
    value = st.text_input("考核单位(多个用 、 分隔)或被考核单位名称", max_chars=500,
                          key="adm-scope-value")
    if st.form_submit_button("保存范围") and scoped:
        names = [v for v in value.replace(",", "、").split("、") if v.strip()]
        try:
            message = change_scope(f.db, scoped, clear=kind == "不限",
                                   bodies=names if kind == "考核单位" else (),
                                   unit=value if kind == "被考核单位" else None)
            st.success(chinese(message))
        except ScopeError as err:
            st.error(chinese(str(err)))


def draw_accounts(place: DeltaGenerator, store: AccountStore, scopes: ScopeStore) -> None:
    """The accounts with their role and scope, as they are after this run's forms."""
    try:
        shown = accounts_frame(store.list())
        shown = shown.with_columns(
            pl.col("role").replace_strict(ROLE_ZH, default=pl.col("role")),
            pl.col("sign_in").replace_strict(SIGN_IN_ZH, default=pl.col("sign_in")),
            scope=shown["name"].map_elements(scopes.describe, return_dtype=str)
            if shown.height else shown["name"])
    except (AccountError, ScopeError) as err:
        place.error(chinese(str(err)))
        return
    place.dataframe(shown.rename({"name": "账户", "role": "角色", "scope": "范围",
                                  "created_at": "创建时间", "sign_in": "登录方式",
                                  "failures": "连续失败",
                                  "throttled_until": "须等待至"}),
                    hide_index=True, width="stretch", key="adm-accounts")


def accounts_section(f: filters.Filters, who: signin.Identity) -> None:
    """The accounts table above the forms that add, change and scope accounts."""
    store = AccountStore.for_warehouse(f.db)
    st.subheader("账户")
    st.caption("查看:只读各页;编辑:另可导入与撤销;管理员:另可管理账户与方案。密码只以 argon2 "
               f"散列保存在 {store.path.name}(与数据仓库分开);密码至少 8 个字符,不能含账户名,"
               "不能是常见或泄露过的密码。连续输错后再次登录须等待(2、4、8 … 秒),不锁定账户。")
    try:
        listed = accounts_frame(store.list())
    except AccountError as err:
        st.error(str(err))
        st.stop()
    scopes = ScopeStore.for_warehouse(f.db)
    # Drawn after the forms below (into this place), so a change shows at once.
    accounts_table = st.empty()

    add, change = st.columns(2)
    with add.form("adm-add", clear_on_submit=True):
        add_form(store)
    with change.form("adm-change"):
        change_form(store, scopes, listed["name"].to_list(), who)
    with st.form("adm-scope"):
        scope_form(f, listed.filter(pl.col("role") == "editor")["name"].to_list())
    draw_accounts(accounts_table, store, scopes)


def schemes_section(f: filters.Filters, who: signin.Identity) -> None:
    """A scheme file checked and added (or replacing one), as `egov scheme add` does."""
    st.subheader("添加或替换考核方案")
    st.caption("上传方案文件(.yaml 文本格式或 .xlsx 工作簿格式,见 docs/schemes.md),与 "
               "`egov scheme add` 相同:先检查,通过才写入;"
               "替换同名方案时旧版本保留在历史中,全部重新计分。")
    scheme_file = st.file_uploader("方案文件", type=["yaml", "yml", "xlsx"], key="adm-scheme")
    replace = st.checkbox("替换同名方案", key="adm-replace")
    if scheme_file is None or not st.button("检查并添加", type="primary",
                                            key="adm-add-scheme"):
        return
    with tempfile.TemporaryDirectory(prefix="egov-scheme-") as tmp:
        path = Path(tmp) / Path(scheme_file.name.replace("\\", "/")).name
        path.write_bytes(scheme_file.getvalue())
        try:
            with st.spinner("正在检查并重新计分…"), acting_as(who.name or ""):
                message = add_scheme(f.db, path, replace=replace)
        except InputRejected as err:
            st.error("方案未添加。")
            st.code(err.report(), language=None)
        else:
            st.success("方案已添加。")
            st.code(message, language=None)


def main() -> None:
    """The page (admins only)."""
    f = filters.current()
    who = signin.require(f.db, "admin")
    widgets.page_header("账户与方案", f)
    accounts_section(f, who)
    schemes_section(f, who)


main()
