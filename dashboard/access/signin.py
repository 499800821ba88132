"""Sign-in and roles for the dashboard: who is looking, and which pages they get.

- Local accounts (`egov user add`), checked by `pipelines.access.accounts` (argon2,
  throttling per name and per client address). A sign-in opens a server-side session
  (`pipelines.access.sessions`); the served dashboard (dashboard/asgi.py) keeps it in a signed,
  HttpOnly cookie (dashboard/access/session_routes.py), so a reload, a pasted link or a new tab
  stays signed in until the session ends (24 h after sign-in, or 1 h unused). Signing out ends the
  session on the server: every tab and browser holding it is signed out at its next step.
  Without those routes (AppTest, `streamlit run dashboard/app.py`) a sign-in lasts for the tab.
- Single sign-on through Streamlit's `st.login` (OIDC) when `.streamlit/secrets.toml` has an
  `[auth]` section. The role comes from a claim of the identity token when `[egov_sso]` names
  one (`role_claim`, values mapped through `roles`), else from the account of that e-mail
  (`egov user add EMAIL --sso --role editor`), else `unknown` ("viewer", the default, or "none":
  such an identity may not read). The identity lasts as Streamlit's cookie does, at most 24 h
  from the token's issue; signing out here ends it in every session. The provider returns to
  the root; the page the visitor started from rides along in a short-lived cookie.
- Anonymous visitors read (viewer) until the first account exists, or always where the server
  says so (EGOV_ANONYMOUS=viewer), or while the warehouse holds sample data only
  (EGOV_ANONYMOUS=demo, which `egov demo` sets: the demo's open reading ends, without a restart,
  once real data is loaded), or never (EGOV_ANONYMOUS=none); otherwise every page shows the
  sign-in form, and after signing in the visitor lands on the page and query string they had
  opened.

Pages for editors (导入与更正) and admins (账户与方案) are in the navigation only for those
roles; for anyone else their links answer, in Chinese, which role the page needs and offer
sign-in (`role_needed`) without running the page. Each of those pages checks again (`require`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import streamlit as st

from dashboard.access import session_routes
from dashboard.kit.text import chinese
from pipelines.access.accounts import ROLE_ZH, ROLES, AccountError, AccountStore, role_at_least
from pipelines.access.demo import sample_only
from pipelines.access.sessions import COOKIE, HANDOFFS, SessionStore

SESSION_KEY = "egov_session_token"
ANONYMOUS_VARIABLE = "EGOV_ANONYMOUS"
SSO_SECTION = "egov_sso"


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


def anonymous_role(store: AccountStore, db: Path | None = None) -> str | None:
    """The role of a visitor who has not signed in: EGOV_ANONYMOUS=viewer always allows reading,
    EGOV_ANONYMOUS=none never, EGOV_ANONYMOUS=demo while the warehouse `db` holds sample data
    only (checked on every run, so loading real data ends it); otherwise (and after a demo),
    reading is open until the first account is created."""
    setting = os.environ.get(ANONYMOUS_VARIABLE, "").strip().lower()
    if setting in ("viewer", "none"):
        return "viewer" if setting == "viewer" else None
    if setting == "demo" and db is not None and sample_only(db):
        return "viewer"
    try:
        return None if store.has_accounts() else "viewer"
    except AccountError:
        return None


def client_address() -> str | None:
    """The browser's address for throttling (None on this machine). Behind a reverse proxy,
    uvicorn takes it from X-Forwarded-For when the proxy is trusted (FORWARDED_ALLOW_IPS)."""
    try:
        address = st.context.ip_address
    except Exception:  # no browser session
        return None
    return address if isinstance(address, str) else None  # AppTest's client is a mock


def _cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no browser session
        return None
    return token if isinstance(token, str) else None


def sso_role(claims: dict, account_role: str | None) -> str | None:
    """The role of a single sign-on identity with these token `claims`: from the claim named by
    `[egov_sso] role_claim` (its values mapped through `[egov_sso.roles]`, or naming a role
    themselves; the highest wins), else the account's role, else `[egov_sso] unknown`."""
    try:
        settings = dict(st.secrets.get(SSO_SECTION, {}))
    except Exception:
        settings = {}
    claim = settings.get("role_claim")
    if claim and claims.get(claim) is not None:
        values = claims[claim]
        values = values if isinstance(values, list | tuple) else [values]
        mapping = dict(settings.get("roles", {}))
        found = [mapping.get(str(v), str(v)) for v in values]
        found = [r for r in found if r in ROLES]
        if found:
            return max(found, key=ROLES.index)
    if account_role is not None:
        return account_role
    unknown = str(settings.get("unknown", "viewer")).strip().lower()
    return "viewer" if unknown == "viewer" else None


def current(db: Path) -> Identity:
    """The identity of this session (roles re-read from the store on every run, so a removed
    account, a changed role or a sign-out elsewhere takes effect at once)."""
    store = AccountStore.for_warehouse(db)
    sessions = SessionStore(store.path)
    for token in (st.session_state.get(SESSION_KEY), _cookie_token()):
        session = sessions.resolve(token) if token else None
        if session is None:
            continue
        try:
            account = store.get(session.name)
        except AccountError:
            account = None
        if account is not None:
            return Identity(account.name, account.role, "password")
    st.session_state.pop(SESSION_KEY, None)
    if oidc_configured() and st.user.is_logged_in:
        claims = st.user.to_dict()
        email = str(claims.get("email") or claims.get("sub") or "")
        issued = claims.get("iat")
        if email and sessions.sso_valid(email, float(issued) if issued else None):
            try:
                account = store.get(email)
            except AccountError:
                account = None
            return Identity(email, sso_role(claims, account.role if account else None), "oidc")
    return Identity(None, anonymous_role(store, db), "anonymous")


def here() -> str:
    """This page's path and query string, to come back to after signing in."""
    try:
        url = st.context.url
    except Exception:
        url = None
    path = urlsplit(url).path if isinstance(url, str) else "/"
    query = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])
    return (path or "/") + (f"?{query}" if query else "")


def _redirect(url: str) -> None:
    """Send the browser to `url` on this site and end this run. Streamlit's websocket cannot set
    a cookie, so the cookie is set by an ordinary page load; this uses the message `st.login`
    itself sends to move the browser (the page follows it with window.location)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        message = ForwardMsg()
        message.auth_redirect.url = url
        ctx.enqueue(message)
    st.stop()


def _signed_in(store: AccountStore, name: str) -> None:
    token = SessionStore(store.path).open(name)
    st.session_state[SESSION_KEY] = token
    try:
        browser = st.context.cookies.get(session_routes.BROWSER_COOKIE)
    except Exception:
        browser = None
    if session_routes.MOUNTED and isinstance(browser, str) and browser:
        # the cookie (for this browser only), then back to this page and query string
        code = HANDOFFS.issue(token, browser)
        _redirect(session_routes.route_url(session_routes.SESSION_PATH, code=code, next=here()))
    st.rerun()


def _form(store: AccountStore, key: str) -> None:
    with st.form(key, clear_on_submit=False):
        name = st.text_input("账户", key=f"{key}-name", max_chars=64, help="Account name")
        password = st.text_input("密码", type="password", key=f"{key}-password",
                                 max_chars=1024, help="Password")
        if st.form_submit_button("登录", type="primary", help="Sign in"):
            try:
                result = store.sign_in(name, password, address=client_address())
            except AccountError as err:
                st.error(chinese(str(err)))
                return
            if result.account is None:
                st.error(chinese(result.message))
            else:
                _signed_in(store, result.account.name)


def _sso_button(label: str, key: str, where=st, **kwargs) -> None:
    """`st.login`, by way of the route that remembers this page to come back to."""
    if not session_routes.MOUNTED:
        where.button(label, on_click=st.login, key=key, **kwargs)
    elif where.button(label, key=key, **kwargs):
        _redirect(session_routes.route_url(session_routes.SSO_PATH, next=here()))


def return_after_sso(who: Identity) -> None:
    """Just back from the provider (which returns to the root) with a page to go on to: go."""
    if who.via != "oidc" or not session_routes.MOUNTED:
        return
    try:
        waiting = st.context.cookies.get(session_routes.NEXT_COOKIE)
    except Exception:
        return
    if isinstance(waiting, str) and waiting:
        _redirect(session_routes.route_url(session_routes.NEXT_PATH))


def _sign_in_offer(store: AccountStore, key: str) -> None:
    """The single sign-on button and the password form, as this server offers them."""
    if oidc_configured():
        _sso_button("用单位统一身份登录", f"{key}-oidc", type="primary",
                    help="Sign in with single sign-on")
    try:
        has_accounts = store.has_accounts()
    except AccountError as err:
        st.error(str(err))
        return
    if has_accounts:
        _form(store, key)
    elif not oidc_configured():
        st.info("还没有任何账户。请管理员在服务器上运行 `egov user add 名字 --role admin` 创建账户"
                "(查看人员用 --role viewer),再刷新本页。")


def sign_in_page(db: Path, who: Identity) -> None:
    """The whole page for a visitor who must sign in first (on whichever page they opened)."""
    store = AccountStore.for_warehouse(db)
    st.title("电子政务绩效考核 · 登录")
    if who.via == "oidc" and who.name:
        st.warning(f"单点登录账户 {who.name} 未获授权查看本系统,请联系管理员。")
        st.button("退出单点登录", on_click=st.logout, key="oidc-out", help="Sign out")
        return
    _sign_in_offer(store, "signin")


def role_needed(db: Path, who: Identity, role: str, title: str) -> None:
    """Instead of a page `who` may not use: which role it needs, and a sign-in (the page itself
    never runs, so nothing its widgets would do can happen)."""
    st.title(title)
    needs = f"「{ROLE_ZH[role]}」" + ("" if role == "admin" else f"或「{ROLE_ZH['admin']}」")
    if who.name:
        st.warning(f"本页需要{needs}权限,当前账户 {who.name}({ROLE_ZH.get(who.role or '', '')})"
                   "没有。请用有此权限的账户登录。")
    else:
        st.warning(f"本页需要{needs}权限,请先登录。")
    if who.via != "oidc":
        _sign_in_offer(AccountStore.for_warehouse(db), "need-signin")


def _sign_out(db: Path, who: Identity) -> None:
    store = AccountStore.for_warehouse(db)
    sessions = SessionStore(store.path)
    for token in (st.session_state.pop(SESSION_KEY, None), _cookie_token()):
        sessions.close(token)
    if who.via == "oidc" and who.name:
        sessions.sso_signed_out(who.name)
        st.logout()  # clears Streamlit's identity cookie and leaves through the provider
        st.stop()
    if session_routes.MOUNTED:  # clear the cookie too (the session has already ended)
        _redirect(session_routes.route_url(session_routes.SIGNOUT_PATH,
                                           next=session_routes.base_path() + "/"))
    st.rerun()


def sidebar(db: Path, who: Identity) -> None:
    """Who is signed in and a sign-out button; for anonymous viewers, a sign-in for editors."""
    box = st.sidebar.container()
    if who.name:
        box.caption(f"已登录:{who.name} · {ROLE_ZH.get(who.role or '', '')}",
                    help="Signed in")
        if box.button("退出登录", key="signout", help="Sign out"):
            _sign_out(db, who)
        return
    box.caption("未登录:只读查看", help="Not signed in: read only")
    store = AccountStore.for_warehouse(db)
    if oidc_configured():
        _sso_button("单点登录", "oidc-side", where=box, help="Single sign-on")
    try:
        has_accounts = store.has_accounts()
    except AccountError:
        has_accounts = False
    if has_accounts:
        with box.expander("编辑人员登录"):
            _form(store, "side-signin")


def require(db: Path, role: str) -> Identity:
    """At the top of a page for editors or admins: stop unless the session has `role`."""
    who = current(db)
    if not who.can(role):
        st.error(f"本页需要「{ROLE_ZH[role]}」或更高权限,请先登录。")
        st.stop()
    return who
