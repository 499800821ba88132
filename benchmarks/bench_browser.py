"""Time to a drawn page in a real browser (Debian's chromium driven by Playwright), per page.

Run: uv run python benchmarks/bench_browser.py [--db PATH | --units N] [--repeat N]
     uv run python benchmarks/bench_browser.py --units 0 --cold 3 [--before DIR]

Starts the dashboard with `streamlit run` on a free port (dashboard.serve.serving, as the browser
tests do), opens each page's link in a new tab and times from `goto` until the page's heading and
key element are drawn (charts: the Vega view's <svg> or <canvas> inside every chart container
present), Streamlit's status widget is gone (the script run is over) and the page has stopped
changing: the time is that of the last change (elements added, a chart drawn), seen after a
second without one. "first" is the first visit after the server started (cold caches), "again"
the median of the next `--repeat` visits (warm caches; each a new tab, so the browser draws
everything again). A trivial two-page Streamlit app is measured the same way first, as the floor
of this machine. Without --db, a warehouse of --units units is built from the sample data
(benchmarks/big_warehouse.py); --units 0 uses the sample warehouse itself.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"

# url path, heading, the element that shows the page's content
PAGES = [
    ("", "总览", '[data-testid="stMetric"]'),
    ("rankings", "排名", '[data-testid="stDataFrame"]'),
    ("targets", "目标", '[data-testid="stVegaLiteChart"]'),
    ("indicators", "指标", '[data-testid="stVegaLiteChart"]'),
    ("unit", "单位画像", '[data-testid="stVegaLiteChart"]'),
    ("method", "数据与方法", '[data-testid="stDataFrame"]'),
]

TRIVIAL_APP = textwrap.dedent('''
    import streamlit as st

    def first():
        st.title("第一页")
        st.write("一段文字。")

    def second():
        st.title("第二页")
        st.write("另一段文字。")

    st.navigation([st.Page(first, title="一", default=True),
                   st.Page(second, title="二", url_path="second")]).run()
''')

# Done when every chart container holds a drawn view and the run is over.
DRAWN = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  return charts.every(c => c.querySelector('svg, canvas'));
}"""


# What the page shows: elements, charts drawn, whether a run is on. The page is complete when
# this has not changed for QUIET seconds after the heading, key element and charts are there.
STATE = """() => [
  document.querySelectorAll('[data-testid="stElementContainer"]').length,
  document.querySelectorAll('[data-testid="stVegaLiteChart"] svg, '
                            + '[data-testid="stVegaLiteChart"] canvas').length,
  !!document.querySelector('[data-testid="stStatusWidget"]')].join()"""
QUIET = 1.0


def visit(browser, url: str, heading: str, element: str | None) -> float:
    """Seconds from goto until the page is drawn and its run is over: the moment of the last
    change of what the page shows (elements, drawn charts, the running status), once it has
    stayed the same for QUIET seconds (not counted)."""
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text(heading).first.wait_for(timeout=120_000)
        if element:
            page.locator(element).first.wait_for(timeout=120_000)
        page.wait_for_function(DRAWN, timeout=120_000, polling=50)
        state, changed = page.evaluate(STATE), time.perf_counter()
        while time.perf_counter() - changed < QUIET:
            time.sleep(0.05)
            now = page.evaluate(STATE)
            if now != state or not page.evaluate(DRAWN):
                state, changed = now, time.perf_counter()
            if changed - start > 120:
                raise RuntimeError(f"{url}: the page did not settle within 120 s")
        elapsed = changed - start
        if page.locator('[data-testid="stException"]').count():
            raise RuntimeError(f"{url}: the page shows an exception")
        return elapsed
    finally:
        page.close()


def measure(browser, base: str, pages, repeat: int, query: str) -> list[tuple[str, float, float]]:
    """(page, first visit, median of the next visits) per page."""
    out = []
    for path, heading, element in pages:
        url = f"{base}/{path}{query}"
        first = visit(browser, url, heading, element)
        again = statistics.median(visit(browser, url, heading, element) for _ in range(repeat))
        out.append((path or "overview", first, again))
    return out


def cold_start(browser, db: Path, tree: Path, scheme: str, runs: int) -> list[float]:
    """Seconds from starting a fresh server (the process launched) until its first page, the
    overview, is drawn in Chromium: the server's start-up, its cache warming and the first
    visit together, as a visitor of `egov demo` meets them. One figure per run, each on a new
    server."""
    import os

    from dashboard.serve import serving

    heading, element = PAGES[0][1], PAGES[0][2]
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        with serving(db, app=tree / "dashboard" / "app.py") as url:
            up = time.perf_counter() - start
            drawn = visit(browser, f"{url}/?scheme={scheme}", heading, element)
        out.append(up + drawn)
        print(f"cold start {tree}: {up + drawn:.2f} s (server up {up:.2f} s, page {drawn:.2f} s; "
              f"load {os.getloadavg()[0]:.1f})", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--units", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scheme", default="jintan-2013")
    parser.add_argument("--before", type=Path,
                        help="another checkout (e.g. `git worktree add /tmp/before main`) whose "
                             "dashboard is measured the same way after this one's, on the same "
                             "warehouse, for before/after figures")
    parser.add_argument("--cold", type=int, default=0, metavar="N",
                        help="instead: N times, a fresh server from its start to the overview "
                             "drawn (and the same for --before)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from dashboard.serve import serving

    work = Path(tempfile.mkdtemp(prefix="egov-bench-browser-"))
    if args.db is None:
        if args.units:
            from benchmarks.big_warehouse import build_big_warehouse

            args.db = build_big_warehouse(work / "egov.duckdb", args.units, work=work)
        else:
            from pipelines.demo import build_sample_warehouse

            args.db = work / "egov.duckdb"
            build_sample_warehouse(args.db, raw_dir=work / "raw", curated_dir=work / "curated")
    trivial = work / "trivial_app.py"
    trivial.write_text(TRIVIAL_APP, encoding="utf-8")

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--no-first-run", "--disable-sync"])
        try:
            if args.cold:
                for tree in [ROOT] + ([args.before] if args.before else []):
                    times = cold_start(browser, args.db, tree, args.scheme, args.cold)
                    print(f"{tree}: median {statistics.median(times):.2f} s of {len(times)}")
                return
            with serving(app=trivial) as url:
                rows = measure(browser, url, [("", "第一页", None), ("second", "第二页", None)],
                               args.repeat, "")
            print(f"{'page':<22}{'first s':>10}{'again s':>10}")
            for name, first, again in rows:
                print(f"{'trivial app: ' + name:<22}{first:>10.2f}{again:>10.2f}")
            trees = [("", ROOT)] + ([("before: ", args.before)] if args.before else [])
            for label, tree in trees:
                with serving(args.db, app=tree / "dashboard" / "app.py") as url:
                    rows = measure(browser, url, PAGES, args.repeat, f"?scheme={args.scheme}")
                for name, first, again in rows:
                    print(f"{label + name:<22}{first:>10.2f}{again:>10.2f}")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
