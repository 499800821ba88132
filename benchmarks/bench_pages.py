"""Server time of each dashboard page on the demo warehouse, cold and warm.

Run: uv run python benchmarks/bench_pages.py [--db PATH | --units N] [--repeat N]
     [--schemes ID ...] [--pages NAME ...]

Without --db: the sample warehouse, or with --units N a warehouse of N jintan-2013 units built
from it (benchmarks/big_warehouse.py).
Uses Streamlit's AppTest, which runs the page script in this process exactly as the server
would: "cold" is a run after clearing Streamlit's data cache, "warm" the median of N runs with the
cache filled. Each measured run follows an untimed first run of the app in the same AppTest, so
AppTest's start-up is not counted. Browser rendering time is not included.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
PAGES = ["overview", "rankings", "targets", "indicators", "unit_profile", "data_method"]
SCHEMES = ["jintan-2013", "yueyang-2017", "shengzhou-2020", "huaibei-2019"]


TITLES = {"overview": "总览", "rankings": "排名", "targets": "目标", "indicators": "指标",
          "unit_profile": "单位画像", "data_method": "数据与方法"}


def run_page(page: str, scheme: str, *, cold: bool = False) -> float:
    """Seconds of server time for one run of `page` (after clearing the cache when `cold`)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["scheme"] = scheme
    # Open the app first, untimed: that run pays AppTest's own start-up (~100 ms, not server
    # time), and switch_page resolves pages with their own URL paths only once the app has run.
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py")
    if cold:
        st.cache_data.clear()
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page}/{scheme}: {at.exception[0].message}")
    titles = [t.value for t in at.title]
    if titles != [TITLES[page]]:  # make sure the page measured is the page named
        raise RuntimeError(f"{page}/{scheme}: ran {titles}")
    return elapsed


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process (0 once it is gone)."""
    import os

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_briefing(db: Path, scheme: str, period: str) -> tuple[float, int, float, float]:
    """Building the briefing pack for one view from nothing (exports' caches cleared): seconds,
    pages, and CPU seconds of this process and of the chart workers
    (dashboard/exports/chart_render.py; a worker started by this pack counts from its start)."""
    import io
    import resource

    from pypdf import PdfReader

    from dashboard.exports import briefing_pdf, chart_render, images
    from dashboard.kit import data, filters, widgets

    images._spec_svg.cache_clear()
    images._spec_png.cache_clear()
    briefing_pdf.clear_cache()
    info = data.scheme_row(db, scheme)
    periods = data.periods(db, scheme)
    year = int(periods["year"].max())
    months = tuple(m for m in periods.filter(periods["year"] == year)["month"].to_list() if m)
    view = filters.Filters(
        db=db, scheme=scheme, year=year, period=period if period != "latest" else
        (months[-1] if months else filters.YEAR_END), unit_type=None, units=(), months=months,
        info=info, unit_types=tuple(data.unit_types(db, scheme)["unit_type"].to_list()),
        sample=data.is_sample(db, scheme))
    def workers() -> list[int]:
        return list(chart_render._pool._processes or {}) if chart_render._pool else []

    before = {pid: _cpu_seconds(pid) for pid in workers()}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    pdf = widgets.briefing_pack(view)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    own = after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime
    drawn = sum(_cpu_seconds(pid) - before.get(pid, 0.0) for pid in workers())
    return seconds, len(PdfReader(io.BytesIO(pdf)).pages), own, drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--units", type=int, default=0)
    parser.add_argument("--briefing", action="store_true",
                        help="also time the briefing pack (「生成通报材料」) of each scheme")
    parser.add_argument("--schemes", nargs="+", default=SCHEMES)
    parser.add_argument("--pages", nargs="+", default=PAGES)
    args = parser.parse_args()
    if args.db is None:
        from pipelines.demo import build_sample_warehouse

        base = Path(tempfile.mkdtemp())
        args.db = base / "egov.duckdb"
        build_sample_warehouse(args.db, raw_dir=base / "raw", curated_dir=base / "curated")
        if args.units:
            from benchmarks.big_warehouse import build_big_warehouse

            sample, args.db = args.db, base / f"egov-{args.units}.duckdb"
            build_big_warehouse(args.db, args.units, sample_db=sample)
    os.environ["EGOV_DB"] = str(args.db)
    import logging

    # Clearing the cache outside a server logs a harmless warning per call; keep the table clean.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)

    run_page("overview", "jintan-2013")  # import Streamlit and the app modules once
    print(f"{'page':<14}{'scheme':<16}{'cold ms':>10}{'warm ms':>10}")
    for page in args.pages:
        for scheme in args.schemes:
            cold = run_page(page, scheme, cold=True)
            warm = statistics.median(run_page(page, scheme) for _ in range(args.repeat))
            print(f"{page:<14}{scheme:<16}{cold * 1000:>10.0f}{warm * 1000:>10.0f}")
    if args.briefing:
        for scheme in args.schemes:
            for period in ("latest", "year"):
                seconds, pages, own, drawn = time_briefing(args.db, scheme, period)
                print(f"briefing pack {scheme} {period}: {seconds:.1f} s, {pages} pages; CPU "
                      f"{own:.1f} s here + {drawn:.1f} s chart workers")


if __name__ == "__main__":
    main()
