"""A real browser signs in as an editor, uploads a correction, confirms it and reverts it; before
signing in, the visitor sees only the sign-in form and no upload page.

Same helpers as tests/test_browser.py (Debian's chromium through Playwright; skips with a reason
where chromium is missing).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from test_browser import ARTIFACTS, CHROMIUM, dashboard, wait_for_run

from pipelines.access.accounts import AccountStore
from warehouse import queries

PASSWORD = "browser pass 1"


@pytest.fixture(scope="module")
def site(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("access") / "egov.duckdb"
    shutil.copy(demo_db, db)
    AccountStore.for_warehouse(db).add("editor1", "editor", PASSWORD)
    with dashboard(db, unset=("EGOV_ANONYMOUS",)) as url:
        yield url, db


def count(db: Path) -> list[int]:
    t = queries.table(db, "content_tallies", "jintan-2013")
    return t.filter((pl.col("unit") == "金城镇") & (pl.col("month") == "2013-06")
                    & (pl.col("item") == 1))["count"].to_list()


@pytest.mark.browser
def test_editor_signs_in_uploads_confirms_and_reverts(site, tmp_path):
    from playwright.sync_api import sync_playwright

    url, db = site
    original = count(db)
    fix = tmp_path / "更正.csv"
    fix.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                   "jintan-2013,2013-06,金城镇,1,888,0,0\n", encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        try:
            page.goto(f"{url}/?scheme=jintan-2013", wait_until="networkidle")
            main = page.locator('[data-testid="stMain"]')
            main.get_by_text("登录").first.wait_for(timeout=60_000)
            wait_for_run(page)
            assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0
            assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0

            page.get_by_label("账户 Account").fill("editor1")
            page.get_by_label("密码 Password").fill(PASSWORD)
            page.get_by_role("button", name="登录 Sign in").click()
            upload_link = page.locator('[data-testid="stSidebarNavLink"]', has_text="导入与更正")
            upload_link.wait_for(timeout=60_000)
            wait_for_run(page)
            upload_link.click()
            main.get_by_text("导入工作簿").first.wait_for(timeout=60_000)
            wait_for_run(page)

            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(fix))
            main.get_by_text("检查通过").first.wait_for(timeout=90_000)
            wait_for_run(page)
            assert count(db) == original  # nothing loads before the confirmation
            page.get_by_role("button", name="确认导入").click()
            main.get_by_text("已导入").first.wait_for(timeout=90_000)
            wait_for_run(page)
            assert count(db) == [888]

            page.get_by_text("我确认撤销批次").click()
            wait_for_run(page)
            page.get_by_role("button", name="撤销该批次").click()
            main.get_by_text("已撤销批次").first.wait_for(timeout=90_000)
            wait_for_run(page)
            assert count(db) == original
            assert page.locator('[data-testid="stException"]').count() == 0
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "browser-upload-revert.png"), full_page=True)
        finally:
            page.close()
            browser.close()
