"""Sign-in in a real browser (Debian's chromium through Playwright; skips with a reason where
chromium is missing), against the dashboard as `egov demo` serves it (dashboard/asgi.py):

- an editor signs in, uploads a correction, confirms it and reverts it; the messages the
  browser sent for the confirmation and the revert are recorded;
- those messages, replayed at the same URL and query string by an anonymous visitor and by a
  viewer, change nothing, and the page answers in Chinese which role it needs;
- a sign-in lasts: a deep link opened before signing in is where the visitor lands, a reload and
  a new tab stay signed in (an HttpOnly cookie page scripts cannot read), and signing out ends
  the session everywhere, even for a copy of the cookie.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from test_browser import ARTIFACTS, CHROMIUM, dashboard, wait_for_run

from pipelines.access.accounts import AccountStore
from pipelines.access.sessions import COOKIE
from pipelines.corrections.history import history
from warehouse import queries

PASSWORD = "browser pass 1"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def site(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("access") / "egov.duckdb"
    shutil.copy(demo_db, db)
    store = AccountStore.for_warehouse(db)
    store.add("editor1", "editor", PASSWORD)
    store.add("viewer1", "viewer", PASSWORD)
    with dashboard(db, unset=("EGOV_ANONYMOUS",)) as url:
        yield url, db


@pytest.fixture(scope="module")
def chromium(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def editor_messages(site, chromium, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """An editor's upload, confirmation and revert; what the browser sent for each."""
    url, db = site
    original = count(db)
    fix = tmp_path_factory.mktemp("upload") / "更正.csv"
    fix.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                   "jintan-2013,2013-06,金城镇,1,888,0,0\n", encoding="utf-8")
    sent: list[bytes | str] = []
    context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framesent", lambda message: sent.append(message)))
    try:
        page.goto(f"{url}/?scheme=jintan-2013", wait_until="networkidle")
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text("登录").first.wait_for(timeout=60_000)
        wait_for_run(page)
        assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0
        assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
        sign_in(page, "editor1")
        upload_link = page.locator('[data-testid="stSidebarNavLink"]', has_text="导入与更正")
        upload_link.wait_for(timeout=60_000)
        # The overview's first run after the sign-in's redirect writes the period into the URL
        # once it has taken the link's scheme; a click before that ran the upload page on the
        # series' default year (CI once saw scheme=jintan-2014 there).
        page.wait_for_function("location.search.includes('period=')", timeout=60_000)
        wait_for_run(page)
        upload_link.click()
        main.get_by_text("导入工作簿").first.wait_for(timeout=60_000)
        wait_for_run(page)

        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(fix))
        main.get_by_text("检查通过").first.wait_for(timeout=90_000)
        wait_for_run(page)
        assert count(db) == original  # nothing loads before the confirmation
        start = len(sent)
        page.get_by_role("button", name="确认导入").click()
        main.get_by_text("已导入").first.wait_for(timeout=90_000)
        wait_for_run(page)
        confirm = sent[start:]
        assert count(db) == [888]

        start = len(sent)
        page.get_by_text("我确认撤销批次").click()
        wait_for_run(page)
        page.get_by_role("button", name="撤销该批次").click()
        main.get_by_text("已撤销批次").first.wait_for(timeout=90_000)
        wait_for_run(page)
        revert = sent[start:]
        assert count(db) == original
        assert page.locator('[data-testid="stException"]').count() == 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "browser-upload-revert.png"), full_page=True)
        return {"url": page.url, "confirm": confirm, "revert": revert, "original": original}
    finally:
        context.close()


def count(db: Path) -> list[int]:
    t = queries.table(db, "content_tallies", "jintan-2013")
    return t.filter((pl.col("unit") == "金城镇") & (pl.col("month") == "2013-06")
                    & (pl.col("item") == 1))["count"].to_list()


def sign_in(page, name: str) -> None:
    scope = page.locator('[data-testid="stMain"]')
    scope.get_by_label("账户", exact=True).first.fill(name)
    scope.get_by_label("密码", exact=True).first.fill(PASSWORD)
    scope.get_by_role("button", name="登录", exact=True).first.click()


def signed_in_as(page, name: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(
        f"已登录:{name}").wait_for(timeout=60_000)


@pytest.mark.browser
def test_editor_signs_in_uploads_confirms_and_reverts(editor_messages):
    assert editor_messages["confirm"] and editor_messages["revert"]
    assert "/upload" in editor_messages["url"] and "scheme=jintan-2013" in editor_messages["url"]


@pytest.mark.browser
@pytest.mark.parametrize("visitor", ["anonymous", "viewer1"])
def test_replayed_editor_messages_change_nothing_for_others(site, chromium, editor_messages,
                                                            visitor):
    """The editor's URL and query string, then the websocket messages their browser sent to
    confirm the upload and to revert it, sent again from an anonymous visitor's and a viewer's
    browser: the page says which role it needs, in Chinese, and the warehouse stays as it was."""
    url, db = site
    before = (count(db), history(db).height)
    assert before[0] == editor_messages["original"]
    context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    servers, received = [], []

    def through(ws) -> None:
        """The page's websocket, passed through to the server; keeps a handle to inject the
        editor's messages and counts what the server answers."""
        server = ws.connect_to_server()

        def answer(message) -> None:
            received.append(message)
            ws.send(message)

        server.on_message(answer)
        servers.append(server)

    context.route_web_socket(re.compile(r"/_stcore/stream"), through)
    page = context.new_page()
    try:
        main = page.locator('[data-testid="stMain"]')
        if visitor != "anonymous":
            page.goto(f"{url}/?scheme=jintan-2013", wait_until="networkidle")
            wait_for_run(page)
            sign_in(page, visitor)
            signed_in_as(page, visitor)
            wait_for_run(page)
        page.goto(editor_messages["url"], wait_until="networkidle")
        wait_for_run(page)
        main.get_by_text("本页需要「编辑」").first.wait_for(timeout=60_000)
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
        main.get_by_label("账户", exact=True).wait_for(timeout=30_000)  # sign-in is offered
        heard = len(received)
        for message in editor_messages["confirm"] + editor_messages["revert"]:
            servers[-1].send(message)
            page.wait_for_timeout(300)
        for _ in range(100):  # the server ran the replayed messages and answered them
            if len(received) > heard:
                break
            page.wait_for_timeout(100)
        assert len(received) > heard
        page.wait_for_timeout(1000)
        wait_for_run(page)
        assert (count(db), history(db).height) == before
        main.get_by_text("本页需要「编辑」").first.wait_for(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()


@pytest.mark.browser
def test_a_sign_in_lasts_across_reloads_tabs_and_deep_links_and_ends_everywhere(site, chromium):
    url, db = site
    context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    try:
        # a deep link opened before signing in is where the visitor lands
        page.goto(f"{url}/rankings?scheme=jintan-2013&unit=金城镇", wait_until="networkidle")
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text("登录").first.wait_for(timeout=60_000)
        wait_for_run(page)
        sign_in(page, "editor1")
        signed_in_as(page, "editor1")
        wait_for_run(page)
        main.locator("h1", has_text="排名").first.wait_for(timeout=60_000)
        assert re.search(r"/rankings\?.*scheme=jintan-2013", page.url), page.url
        assert "unit=" in page.url

        cookie = next(c for c in context.cookies() if c["name"] == COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert cookie["expires"] > 0  # a lasting cookie, not one for this tab only
        assert COOKIE not in page.evaluate("document.cookie")  # page scripts cannot read it

        page.reload(wait_until="networkidle")  # a reload keeps the user
        signed_in_as(page, "editor1")
        other = context.new_page()  # so does a new tab with a pasted link
        other.goto(f"{url}/upload?scheme=jintan-2013", wait_until="networkidle")
        signed_in_as(other, "editor1")
        other.locator('[data-testid="stMain"]').get_by_text("导入工作簿").first.wait_for(
            timeout=60_000)

        # signing out in the first tab ends the session everywhere: the other tab at its next
        # step, and a copy of the cookie in another browser
        wait_for_run(page)
        page.locator('[data-testid="stSidebar"]').get_by_role(
            "button", name="退出登录", exact=True).click()
        main.get_by_text("登录").first.wait_for(timeout=60_000)
        wait_for_run(page)
        assert all(c["name"] != COOKIE for c in context.cookies())
        other.locator('[data-testid="stSidebarNavLink"]', has_text="排名").click()
        other.locator('[data-testid="stMain"]').get_by_label("账户", exact=True).wait_for(
            timeout=60_000)
        elsewhere = chromium.new_context()
        elsewhere.add_cookies([cookie])
        stolen = elsewhere.new_page()
        stolen.goto(f"{url}/upload?scheme=jintan-2013", wait_until="networkidle")
        stolen.locator('[data-testid="stMain"]').get_by_label("账户", exact=True).wait_for(
            timeout=60_000)
        assert stolen.get_by_text("导入工作簿").count() == 0
        elsewhere.close()
    finally:
        context.close()


@pytest.mark.browser
def test_a_sign_in_code_sent_to_another_browser_signs_nobody_in(site, chromium):
    """The one-time code that turns a sign-in into the cookie works only in the browser that
    signed in: sent in a link to a colleague, it cannot slip them into the sender's session."""
    url, _ = site
    sender = chromium.new_context()
    caught: list[str] = []

    def catch(route) -> None:  # keep the code from being used by the browser that signed in
        caught.append(route.request.url)
        route.abort()

    sender.route(re.compile(r"/egov/session\?"), catch)
    victim = chromium.new_context()
    try:
        page = sender.new_page()
        page.goto(f"{url}/?scheme=jintan-2013", wait_until="networkidle")
        page.locator('[data-testid="stMain"]').get_by_text("登录").first.wait_for(timeout=60_000)
        wait_for_run(page)
        sign_in(page, "editor1")
        for _ in range(600):
            if caught:
                break
            page.wait_for_timeout(100)
        assert caught and "code=" in caught[0]
        other = victim.new_page()  # a colleague who has the dashboard open, then the link
        other.goto(f"{url}/?scheme=jintan-2013", wait_until="networkidle")
        wait_for_run(other)
        other.goto(caught[0], wait_until="networkidle")
        other.locator('[data-testid="stMain"]').get_by_label("账户", exact=True).wait_for(
            timeout=60_000)
        assert all(c["name"] != COOKIE for c in victim.cookies())
        assert other.locator('[data-testid="stSidebar"]').get_by_text("已登录").count() == 0
    finally:
        sender.close()
        victim.close()
