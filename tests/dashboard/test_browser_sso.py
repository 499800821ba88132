"""Single sign-on end to end in a real browser: Streamlit's `st.login` (Authlib) against a real
OpenID Connect provider that the test starts (`oidc-provider-mock`, a Flask provider run in a
thread on a free port of this machine), with the test's own secrets.toml in a temporary folder
(never the repository's .streamlit/).

- wang@ opens a link to the upload page, signs in at the provider and lands on that page; the
  role comes from the `egov_role` claim of the identity token (editor); a reload keeps the
  identity; signing out (here and at the provider) ends it, also for another browser holding a
  copy of the identity cookie;
- a stranger (no claim, no account) gets nothing with `unknown = "none"`, and the viewer role
  once the server's secrets say `unknown = "viewer"`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import CHROMIUM, wait_for_run
from test_browser_access import ARGS

from dashboard import serve
from pipelines.access.accounts import AccountStore

# The mock provider (in this process) uses Authlib interfaces Authlib has deprecated.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
WANG = "wang@example.gov.cn"
STRANGER = "stranger@example.org"


def secrets_toml(provider: str, dashboard: str, unknown: str) -> str:
    return f"""
[auth]
redirect_uri = "{dashboard}/oauth2callback"
cookie_secret = "egov-test-cookie-secret-0123456789abcdef"
client_id = "egov-dashboard"
client_secret = "egov-test-client-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[egov_sso]
role_claim = "egov_role"
unknown = "{unknown}"
"""


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The OpenID provider: oidc-provider-mock's server on a thread, two known users."""
    pytest.importorskip("oidc_provider_mock")
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub=WANG, claims={"email": WANG, "name": "王科长", "egov_role": "editor"})]
    with run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def site(provider: str, demo_db: Path,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The dashboard as `egov demo` serves it, reading the test's secrets.toml."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM}")
    folder = tmp_path_factory.mktemp("sso")
    db = folder / "egov.duckdb"
    shutil.copy(demo_db, db)
    AccountStore.for_warehouse(db).add("admin1", "admin", "seven blue lanterns")
    secrets = folder / "secrets.toml"
    port = serve.free_port()
    url = f"http://127.0.0.1:{port}"
    secrets.write_text(secrets_toml(provider, url, "none"), encoding="utf-8")
    env = serve.environment(db)
    env["EGOV_ANONYMOUS"] = "none"
    child = subprocess.Popen(
        serve.command(port, serve.LOCAL) + ["--secrets.files", str(secrets)],
        env=env, cwd=serve.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        serve.wait_until_up(child, url, 90)
        yield url, secrets
    finally:
        serve.stop(child, 30)


@pytest.fixture(scope="module")
def chromium(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def single_sign_on(page, url: str, sub: str, start: str = "/?scheme=jintan-2013") -> None:
    """From the sign-in offer on page `start`, through the provider's form, back."""
    page.goto(f"{url}{start}", wait_until="networkidle")
    button = page.get_by_role("button", name="用单位统一身份登录", exact=True)
    button.wait_for(timeout=60_000)
    wait_for_run(page)
    button.click()
    page.wait_for_url("**/oauth2/authorize**", timeout=60_000)
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=60_000)
    page.wait_for_load_state("networkidle")
    wait_for_run(page)


def sidebar_says(page, text: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(text).wait_for(timeout=60_000)


@pytest.mark.browser
def test_single_sign_on_maps_the_role_claim_lasts_and_signs_out(site, chromium):
    url, _ = site
    context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    try:
        # a link to the upload page, opened before signing in: the page says it needs the
        # editor role and offers single sign-on; back from the provider, the visitor is there
        single_sign_on(page, url, WANG, start="/upload?scheme=jintan-2013")
        sidebar_says(page, f"已登录:{WANG} · 编辑")  # the egov_role claim
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text("导入工作簿").first.wait_for(timeout=60_000)
        assert re.search(r"/upload\?.*scheme=jintan-2013", page.url), page.url
        page.reload(wait_until="networkidle")  # Streamlit's identity cookie keeps the user
        sidebar_says(page, f"已登录:{WANG} · 编辑")
        main.get_by_text("导入工作簿").first.wait_for(timeout=60_000)
        wait_for_run(page)
        elsewhere = chromium.new_context()  # another browser holding the same identity cookie
        elsewhere.add_cookies(context.cookies())
        other = elsewhere.new_page()
        other.goto(f"{url}/?scheme=jintan-2013", wait_until="networkidle")
        sidebar_says(other, f"已登录:{WANG} · 编辑")

        page.locator('[data-testid="stSidebar"]').get_by_role(
            "button", name="退出登录", exact=True).click()
        page.wait_for_url("**/oauth2/end_session**", timeout=60_000)  # the provider's too
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(f"{url}/**", timeout=60_000)
        page.get_by_role("button", name="用单位统一身份登录", exact=True).wait_for(
            timeout=60_000)
        assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0
        # signing out ended the identity on the server: the other browser's cookie is void
        other.reload(wait_until="networkidle")
        other.get_by_role("button", name="用单位统一身份登录", exact=True).wait_for(
            timeout=60_000)
        assert other.locator('[data-testid="stSidebarNavLink"]').count() == 0
        elsewhere.close()
    finally:
        context.close()


@pytest.mark.browser
def test_an_unknown_identity_gets_nothing_or_viewer_as_configured(site, provider, chromium):
    url, secrets = site
    context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    try:
        single_sign_on(page, url, STRANGER)
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text(f"单点登录账户 {STRANGER} 未获授权").wait_for(timeout=60_000)
        assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0
        assert page.locator('[data-testid="stMetric"]').count() == 0

        # the server's secrets now say unknown identities read: Streamlit reloads them
        secrets.write_text(secrets_toml(provider, url, "viewer"), encoding="utf-8")
        os.utime(secrets)
        deadline = time.monotonic() + 60
        while True:
            page.reload(wait_until="networkidle")
            wait_for_run(page)
            if page.locator('[data-testid="stSidebar"]').get_by_text(
                    f"已登录:{STRANGER} · 查看").count():
                break
            assert time.monotonic() < deadline, "the viewer role never came"
            page.wait_for_timeout(1000)
        page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
        assert page.locator('[data-testid="stSidebarNavLink"]', has_text="导入与更正").count() == 0
    finally:
        context.close()
        secrets.write_text(secrets_toml(provider, url, "none"), encoding="utf-8")
