"""Sign-in and roles for the dashboard: who is looking, and which pages they get.

- Local accounts (`egov user add`), checked by `pipelines.access.accounts` (argon2,
  throttling per name and per client address).
  A successful sign-in is kept in this browser session's server-side state (a reload signs out).
- Single sign-on through Streamlit's `st.login` (OIDC) when `.streamlit/secrets.toml` has an
  `[auth]` section; the signed-in e-mail takes the role of the account of that name
  (`egov user add EMAIL --sso --role editor`), else viewer.
- Anonymous visitors read (viewer) until the first account exists, or always where the server
  says so (EGOV_ANONYMOUS=viewer, which `egov demo` sets for a warehouse of sample data only), or
  never (EGOV_ANONYMOUS=none); otherwise they see only the sign-in form.

Pages for editors (导入与更正) and admins (账户与方案) are added to the navigation only for those
roles, and each of those pages checks the role again before drawing anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from pipelines.access.accounts import ROLE_ZH, AccountError, AccountStore, role_at_least

SESSION_KEY = "egov_signed_in"
ANONYMOUS_VARIABLE = "EGOV_ANONYMOUS"


@dataclass(frozen=True)
class Identity:
    """Who is looking: a name (None when anonymous), a role (None: must sign in), and how."""

    name: str | None
    role: str | None
    via: str  # password | oidc | anonymous

    def can(self, role: str) -> bool:
        return role_at_least(self.role, role)


def oidc_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an [auth] section for `st.login`."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def anonymous_role(store: AccountStore) -> str | None:
    """The role of a visitor who has not signed in: EGOV_ANONYMOUS=viewer always allows reading,
    EGOV_ANONYMOUS=none never; unset, reading is open until the first account is created."""
    setting = os.environ.get(ANONYMOUS_VARIABLE, "").strip().lower()
    if setting in ("viewer", "none"):
        return "viewer" if setting == "viewer" else None
    try:
        return None if store.has_accounts() else "viewer"
    except AccountError:
        return None


def current(db: Path) -> Identity:
    """The identity of this session (roles re-read from the store on every run, so a removed
    account or a changed role takes effect at once)."""
    store = AccountStore.for_warehouse(db)
    name = st.session_state.get(SESSION_KEY)
    if name:
        try:
            account = store.get(name)
        except AccountError:
            account = None
        if account is not None:
            return Identity(account.name, account.role, "password")
        st.session_state.pop(SESSION_KEY, None)
    if oidc_configured() and st.user.is_logged_in:
        email = str(st.user.get("email") or st.user.get("sub") or "")
        try:
            account = store.get(email) if email else None
        except AccountError:
            account = None
        return Identity(email, account.role if account else "viewer", "oidc")
    return Identity(None, anonymous_role(store), "anonymous")


def client_address() -> str | None:
    """The browser's address for throttling (None on this machine). Behind a reverse proxy,
    uvicorn takes it from X-Forwarded-For when the proxy is trusted (FORWARDED_ALLOW_IPS)."""
    try:
        address = st.context.ip_address
    except Exception:  # no browser session
        return None
    return address if isinstance(address, str) else None  # AppTest's client is a mock


def _form(store: AccountStore, key: str) -> None:
    with st.form(key, clear_on_submit=False):
        name = st.text_input("账户 Account", key=f"{key}-name", max_chars=64)
        password = st.text_input("密码 Password", type="password", key=f"{key}-password",
                                 max_chars=1024)
        if st.form_submit_button("登录 Sign in", type="primary"):
            try:
                result = store.sign_in(name, password, address=client_address())
            except AccountError as err:
                st.error(str(err))
                return
            if result.account is None:
                st.error(result.message)
            else:
                st.session_state[SESSION_KEY] = result.account.name
                st.rerun()


def sign_in_page(db: Path) -> None:
    """The whole page for a visitor who must sign in first."""
    store = AccountStore.for_warehouse(db)
    st.title("电子政务绩效考核 · 登录")
    if oidc_configured():
        st.button("用单位统一身份登录 Sign in with single sign-on", on_click=st.login,
                  type="primary", key="oidc-login")
    try:
        has_accounts = store.has_accounts()
    except AccountError as err:
        st.error(str(err))
        st.stop()
    if has_accounts:
        _form(store, "signin")
    elif not oidc_configured():
        st.info("还没有任何账户。请管理员在服务器上运行 `egov user add 名字 --role admin` 创建账户"
                "(查看人员用 --role viewer),再刷新本页。 / No accounts yet: run "
                "`egov user add NAME --role admin` on the server, then reload.")


def gate(db: Path) -> Identity:
    """Call first in app.py: the session's identity, or the sign-in page and a stop."""
    who = current(db)
    if who.role is None:
        sign_in_page(db)
        st.stop()
    return who


def sidebar(db: Path, who: Identity) -> None:
    """Who is signed in and a sign-out button; for anonymous viewers, a sign-in for editors."""
    box = st.sidebar.container()
    if who.name:
        box.caption(f"已登录 signed in: {who.name} · {ROLE_ZH.get(who.role or '', '')}")
        if box.button("退出登录 Sign out", key="signout"):
            st.session_state.pop(SESSION_KEY, None)
            if who.via == "oidc":
                st.logout()
            st.rerun()
        return
    box.caption("未登录:只读查看 / not signed in: read only")
    store = AccountStore.for_warehouse(db)
    if oidc_configured():
        box.button("单点登录 Single sign-on", on_click=st.login, key="oidc-side")
    try:
        has_accounts = store.has_accounts()
    except AccountError:
        has_accounts = False
    if has_accounts:
        with box.expander("编辑人员登录 Sign in"):
            _form(store, "side-signin")


def require(db: Path, role: str) -> Identity:
    """At the top of a page for editors or admins: stop unless the session has `role`."""
    who = current(db)
    if not who.can(role):
        st.error(f"本页需要「{ROLE_ZH[role]}」或更高权限,请先登录。 / This page needs the "
                 f"{role} role; please sign in.")
        st.stop()
    return who
