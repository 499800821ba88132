"""The egov dashboard: `streamlit run dashboard/app.py` (or `egov demo`).

Reads the warehouse named by the environment variable EGOV_DB (default warehouse/egov.duckdb).
This entry script runs on every page: it sets the page up, draws the sidebar filters (kept in the
URL's query string) and the briefing button, then runs the chosen page from dashboard/views/.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# First, before any import: the server's warming thread is done (dashboard/warm.py); until
# then it may be importing a library this run would find half-imported (dashboard/preload.py).
from dashboard.warm import wait_until_warm  # noqa: E402

wait_until_warm()

import streamlit as st  # noqa: E402

import dashboard.preload  # noqa: E402, F401 - see dashboard/preload.py
from dashboard.access import signin  # noqa: E402
from dashboard.access.cycle_scope import unit_of, visible_pages  # noqa: E402
from dashboard.kit import data, drill, errors, filters, notice_button, widgets  # noqa: E402
from dashboard.kit.cycle_sidebar import deadline_line  # noqa: E402

VIEWS = Path(__file__).resolve().parent / "views"

st.set_page_config(layout="wide", page_title="电子政务绩效考核", page_icon=":material/insights:")

PAGES = [
    # The default page lives at "/" (a url_path would not be routed for it).
    st.Page(VIEWS / "overview.py", title="总览", icon=":material/dashboard:", default=True),
    st.Page(VIEWS / "rankings.py", title="排名", icon=":material/leaderboard:",
            url_path="rankings"),
    st.Page(VIEWS / "targets.py", title="目标", icon=":material/flag:", url_path="targets"),
    st.Page(VIEWS / "indicators.py", title="指标", icon=":material/grid_on:",
            url_path="indicators"),
    st.Page(VIEWS / "unit_profile.py", title="单位", icon=":material/apartment:",
            url_path="unit"),
    st.Page(VIEWS / "data_method.py", title="数据与方法", icon=":material/menu_book:",
            url_path="method"),
    st.Page(VIEWS / "scheme_compare.py", title="方案比较", icon=":material/compare_arrows:",
            url_path="compare"),
    # The office's cycle (pipelines/cycle/): self-assessment, the bodies' progress, rectification.
    st.Page(VIEWS / "self_check.py", title="自评与核实", icon=":material/fact_check:",
            url_path="selfcheck"),
    st.Page(VIEWS / "progress.py", title="报送进度", icon=":material/pending_actions:",
            url_path="progress"),
    st.Page(VIEWS / "rectification.py", title="整改", icon=":material/build_circle:",
            url_path="rectification"),
]


# Pages for editors (导入与更正) and admins (账户与方案): in the navigation only for those roles;
# for anyone else their links stay routed (hidden) to a page saying which role they need.
ROLE_PAGES = [
    ("editor", VIEWS / "upload.py", "导入与更正", ":material/upload_file:", "upload"),
    ("admin", VIEWS / "admin.py", "账户与方案", ":material/admin_panel_settings:", "admin"),
]


def main() -> None:
    """Sign-in, sidebar, then the chosen page (or what it needs, for a role that may not use
    it)."""
    filters.hold_link()  # first: a click on the navigation may stop this run at any element
    db = data.db_path()
    who = signin.current(db)
    signin.return_after_sso(who)
    role_pages = {url: (role, title, st.Page(
        script, title=title, icon=icon, url_path=url,
        visibility="visible" if who.can(role) else "hidden"))
        for role, script, title, icon, url in ROLE_PAGES}
    # Someone who must sign in gets the sign-in form on whichever page they opened (the menu
    # hidden), so after signing in they land on that page and query string, not on 总览.
    # a unit account (pipelines/cycle/accounts.py) gets only its own unit's pages
    page = st.navigation(visible_pages(db, who.name,
                                       PAGES + [p for _, _, p in role_pages.values()]),
                         position="sidebar" if who.role else "hidden")
    needed = role_pages.get(page.url_path)
    if who.role is None:
        if needed is not None and who.via != "oidc":
            signin.role_needed(db, who, needed[0], needed[1])
        else:
            signin.sign_in_page(db, who)
        st.stop()
    if not db.exists():
        st.title("电子政务绩效考核")
        st.error(f"找不到数据仓库 {db}。请先运行 `egov demo` 生成示例数据,或 `egov build` 导入数据;"
                 "也可用环境变量 EGOV_DB 指定仓库文件。")
        st.stop()
    drill.follow()  # a click on a chart that opens another page (dashboard/kit/drill.py)
    st.sidebar.markdown("### 电子政务绩效考核")
    view = filters.sidebar(db)
    deadline_line(view)
    signin.sidebar(db, who)
    st.sidebar.divider()
    if unit_of(db) is None:  # both hold every unit's figures
        widgets.briefing_button(view)
        notice_button.notice_button(view)
    if view.loaded_at:
        st.sidebar.caption(f"数据更新于 {view.loaded_at}")
    if needed is not None and not who.can(needed[0]):
        signin.role_needed(db, who, needed[0], needed[1])
        st.stop()
    page.run()


errors.guarded(main)
