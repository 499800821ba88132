"""Time to a drawn page in a real browser (Debian's chromium driven by Playwright), per page.

Run: uv run python benchmarks/bench_browser.py [--db PATH | --units N] [--repeat N]
         [--pages PAGE ...] [--before DIR]
     uv run python benchmarks/bench_browser.py --units 0 --cold 3 [--before DIR]

Starts the dashboard as `egov demo` does (`python -m dashboard.launch run dashboard/asgi.py` with
dashboard.serve's options) on a free port, opens each page's link in a new tab and times from
`goto` until the page's heading and key element are drawn (charts: the Vega view's <svg> or
<canvas> inside every chart container present), Streamlit's status widget is gone (the script
run is over) and the page has stopped changing: the time is that of the last change (elements
added, a chart drawn), seen after a second without one. "first" is the first visit after the
server started (cold caches), "again" the median of the next `--repeat` visits (warm caches; each
a new tab, so the browser draws everything again). A trivial two-page Streamlit app, served by
bare `streamlit run`, is measured the same way first, as the floor of this machine. Without --db,
a warehouse of --units units is built from the sample data (benchmarks/big_warehouse.py);
--units 0 uses the sample warehouse itself.

Each checkout (this one, and --before DIR) is served wholly from its own tree: its own virtual
environment's Python (DIR/.venv, when it has one), its folder as the working directory and the
only project folder on PYTHONPATH, so "before" runs none of this checkout's modules. `--cold N`
also prints the server process's CPU time (user + system, from /proc) at the moment the page is
drawn: on a shared machine it varies far less than the wall time.
"""

from __future__ import annotations

import argparse
import os
import runpy
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard.serve import stop, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--no-first-run", "--disable-sync"]

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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(tree: Path, db: Path | None, app: Path | None = None,
           timeout: float = 180) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve checkout `tree`'s dashboard over `db` as its `egov demo` would (its own
    dashboard/serve.py's command and environment, its virtual environment's Python, its folder
    as working directory and PYTHONPATH), or, with `app`, that Streamlit script under bare
    `streamlit run` (the trivial app's floor: no dashboard.launch, no preload). Yields the URL
    and the server process once its health check answers; stops it on leaving."""
    serve = runpy.run_path(str(tree / "dashboard" / "serve.py"))
    python = tree / ".venv" / "bin" / "python"
    port = serve["free_port"]()
    served = app or serve.get("SERVED") or tree / "dashboard" / "app.py"
    cmd = serve["command"](port, "127.0.0.1", served)
    cmd[0] = str(python) if python.exists() else sys.executable
    env = dict(os.environ)
    if app is not None:
        cmd[1:3] = ["-m", "streamlit"]  # a bare Streamlit, not the dashboard's launcher
    else:
        env = serve["environment"](db)
    env["PYTHONPATH"] = str(tree)
    child = subprocess.Popen(cmd, env=env, cwd=tree, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        # polled every 0.1 s: the time until the server is up is one of the figures printed
        wait_until_up(child, url, timeout, poll=0.1, name=f"{tree}: the server")
        yield url, child
    finally:
        stop(child, 30)


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


def cold_start(browser, db: Path | None, tree: Path, url_path: str, heading: str,
               element: str | None, app: Path | None = None) -> tuple[float, float, float, float]:
    """(seconds from launching a fresh server until its first page is drawn in Chromium, of
    which until its health check answered, and the server's CPU seconds by then and when its
    health check answered): the server's
    start-up, its cache warming and the first visit together, as a visitor of `egov demo` meets
    them. With `app`, that script under bare Streamlit instead (the floor)."""
    start = time.perf_counter()
    with server(tree, db, app) as (url, child):
        up, cpu_up = time.perf_counter() - start, cpu_seconds(child.pid)
        drawn = visit(browser, f"{url}/{url_path}", heading, element)
        cpu = cpu_seconds(child.pid)
    return up + drawn, up, cpu, cpu_up


def cold_starts(browser, db: Path, trees: list[tuple[str, Path]], trivial: Path, scheme: str,
                runs: int) -> None:
    """`runs` rounds of: the trivial app, then each checkout's dashboard, each on a fresh
    server (interleaved, so that the machine's load weighs on all alike), opened on the link
    `egov demo` opens (the default view; with `scheme`, that scheme's link); then medians."""
    query = f"?scheme={scheme}" if scheme else ""
    cases = [("trivial app", ROOT, "", "第一页", None, trivial)] + [
        (label, tree, query, PAGES[0][1], PAGES[0][2], None) for label, tree in trees]
    figures: dict[str, list[tuple[float, float, float, float]]] = {case[0]: [] for case in cases}
    for run in range(runs):
        for label, tree, path, heading, element, app in cases:
            figures[label].append(cold_start(browser, None if app else db, tree, path, heading,
                                             element, app))
            total, up, cpu, cpu_up = figures[label][-1]
            print(f"run {run + 1} {label:<12} {total:6.2f} s to the first page drawn (server up "
                  f"{up:5.2f} s; server CPU {cpu:5.2f} s, {cpu_up:5.2f} s of it until up; load "
                  f"{os.getloadavg()[0]:.1f})", flush=True)
    for label, rows in figures.items():
        totals, ups, cpus, cpu_ups = zip(*rows, strict=True)
        print(f"{label:<12} median {statistics.median(totals):6.2f} s (server up "
              f"{statistics.median(ups):.2f} s, server CPU {statistics.median(cpus):.2f} s, "
              f"{statistics.median(cpu_ups):.2f} s until up) of {len(rows)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--units", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scheme", default=None,
                        help="the scheme in the pages' link (?scheme=...); with --cold the "
                             "default is none: the link `egov demo` opens, the default view")
    parser.add_argument("--before", type=Path,
                        help="another checkout (e.g. `git worktree add /tmp/before main`) whose "
                             "dashboard is measured the same way after this one's, on the same "
                             "warehouse, for before/after figures")
    parser.add_argument("--pages", nargs="+", metavar="PAGE",
                        choices=[path or "overview" for path, _, _ in PAGES],
                        help="only these pages (overview, rankings, ...); default: all")
    parser.add_argument("--cold", type=int, default=0, metavar="N",
                        help="instead: N times, a fresh server from its start to the overview "
                             "drawn, beside the trivial app's and --before's, interleaved")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
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
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            trees = [("this", ROOT)] + ([("before", args.before)] if args.before else [])
            print(f"load {os.getloadavg()[0]:.1f}; trees: "
                  + ", ".join(f"{label} {tree}" for label, tree in trees), flush=True)
            if args.cold:
                cold_starts(browser, args.db, trees, trivial, args.scheme or "", args.cold)
                return
            args.scheme = args.scheme or "jintan-2013"
            with server(ROOT, None, trivial) as (url, _):
                rows = measure(browser, url, [("", "第一页", None), ("second", "第二页", None)],
                               args.repeat, "")
            print(f"{'page':<22}{'first s':>10}{'again s':>10}")
            for name, first, again in rows:
                print(f"{'trivial app: ' + name:<22}{first:>10.2f}{again:>10.2f}")
            pages = [page for page in PAGES
                     if args.pages is None or (page[0] or "overview") in args.pages]
            for label, tree in trees:
                with server(tree, args.db) as (url, _):
                    rows = measure(browser, url, pages, args.repeat, f"?scheme={args.scheme}")
                for name, first, again in rows:
                    print(f"{label + ': ' + name:<22}{first:>10.2f}{again:>10.2f}", flush=True)
            print(f"load {os.getloadavg()[0]:.1f}")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
