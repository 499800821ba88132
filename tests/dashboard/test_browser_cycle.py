"""A real browser (Debian's chromium) signs in as a unit account on a link to another unit's
page: the page shows the account's own unit, never the other's; the navigation offers only the
unit's own pages. Same helpers as tests/test_browser.py."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import CHROMIUM, dashboard, wait_for_run

from pipelines.access.accounts import AccountStore
from pipelines.cycle.accounts import ScopeStore

PASSWORD = "unit browser pass 3"
UNIT, OTHER = "华容县", "平江县"


@pytest.fixture(scope="module")
def site(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("cycle-browser") / "egov.duckdb"
    shutil.copy(demo_db, db)
    AccountStore.for_warehouse(db).add("hr", "editor", PASSWORD)
    ScopeStore.for_warehouse(db).set("hr", unit=UNIT)
    with dashboard(db, unset=("EGOV_ANONYMOUS",)) as url:
        yield url


@pytest.mark.browser
def test_a_unit_account_cannot_open_another_unit_by_url(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        try:
            page.goto(f"{site}/unit?scheme=yueyang-2017&unit={OTHER}", wait_until="networkidle")
            main = page.locator('[data-testid="stMain"]')
            main.get_by_text("登录").first.wait_for(timeout=60_000)
            wait_for_run(page)
            page.get_by_label("账户", exact=True).fill("hr")
            page.get_by_label("密码", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="登录", exact=True).click()
            # The unit's own feedback section is the last thing the page draws: wait for it, not
            # for the 导出 expander's 「反馈单」 above it, or the read can race the rerun.
            main.get_by_text(f"{UNIT} 反馈单与整改台账").first.wait_for(timeout=90_000)
            wait_for_run(page)
            links = [t.split("\n")[-1] for t in
                     page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()]
            assert sorted(links) == sorted(["单位", "自评与核实", "整改", "导入与更正"])
            shown = main.inner_text()
            assert f"{UNIT} 反馈单与整改台账" in shown
            assert OTHER not in shown
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            page.close()
            browser.close()
