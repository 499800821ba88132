"""The first page warmed as the server starts (issue 19 pages point 7, issue 21 goal 3).

`dashboard/launch.py`, in its main thread before Streamlit starts, imports the modules a page run
imports (the sidebar's, the overview's, the access checks': `import_first_page_modules`), then
starts a thread (`start_reading`) that, once Streamlit's runtime has started, imports the rest of
the pages' libraries (dashboard/preload.py: pandas, pyarrow, numpy, which the first page's own
modules do not import) and reads what the overview shows a visitor without a query string (the
view of `filters.default_view`: rankings, targets, the 预警, the previous year, the distribution
and movers charts) into the same `st.cache_data` caches the pages read from.
Every page run waits for that thread before anything else (`wait_until_warm`, dashboard/app.py).
The first visitor then finds the caches filled, as a later visitor does (at 6,000 units the 预警
alone took a second of the first run), and no library half-imported.

Why this split (BENCHMARKS.md has the measurements): the server answers only after the main
thread's work, and the browser then spends a second or more loading the page's JavaScript before
it asks for a run, with the server idle. Work moved into that second is won, as long as it ends
before the browser asks: the reads (mostly in DuckDB and Polars, which leave the interpreter free)
and the three libraries fit; importing the first page's own modules there too overran it, and a
thread started beside Streamlit's own start-up only slowed it. Warming never stops the server from
starting or a page from running: a failure is logged, a waiting page goes on after `WAIT_LIMIT`
and reads for itself (the libraries, imported first, are whole by then).
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.kit.filters import Filters

# What a page run imports besides the libraries of dashboard.preload (app.py's modules and the
# overview's), imported by `warm` in the launcher's main thread.
FIRST_PAGE_MODULES = (
    "dashboard.access.signin", "dashboard.access.cycle_scope", "dashboard.kit.data",
    "dashboard.kit.errors", "dashboard.kit.filters", "dashboard.kit.notice_button",
    "dashboard.kit.widgets", "dashboard.kit.cycle_sidebar", "dashboard.charts.charts",
    "dashboard.sections.alerts", "dashboard.sections.movers", "dashboard.sections.years_view",
    "pipelines.notice.facts",
    "pipelines.notice.warnings",
)

_LOG = logging.getLogger("egov.dashboard.warm")
# EGOV_WARM=0: the launcher serves without warming (dashboard/launch.py, dashboard/serve.py).
WARM_VARIABLE = "EGOV_WARM"
THREAD_NAME = "egov-warm"
# A page run waits at most this long for the warming reads (then reads for itself): they take
# 0.6 s on the sample and a few seconds at 6,000 units.
WAIT_LIMIT = 60.0

# Set while no warming reads are under way in this process; cleared by `start_reading` until its
# thread is done. Set from the start: a process that warms nothing (a plain `streamlit run`,
# AppTest) never waits.
_READ = threading.Event()
_READ.set()


def import_first_page_modules() -> None:
    """Import the modules a page run imports besides dashboard.preload's libraries."""
    for name in FIRST_PAGE_MODULES:
        importlib.import_module(name)


def warm(db: Path) -> Filters | None:
    """Import the first page's modules and fill the pages' caches with the overview's reads of
    the default view of warehouse `db` (see the module's docstring), in the calling thread;
    returns that view, or None when `db` holds nothing to show."""
    if not Path(db).is_file():
        return None
    # st.cache_data says, at warning level, that no Streamlit runtime exists yet (for each cache
    # with a ttl as it is declared, and for each cache as it is first filled): true, and expected
    # here (the caches are the process's; the runtime reuses them). Nothing else runs in this
    # process meanwhile (no server, no session), and a failure is logged after.
    logging.disable(logging.WARNING)
    try:
        import_first_page_modules()
        from dashboard.kit import data, filters
        from warehouse.reader import held

        # one attachment of the file for all the overview's reads (warehouse.reader.held)
        # one thread of DuckDB's: the reads run beside the browser's first load (two cores:
        # a second thread took 17 % more CPU for the same reads, BENCHMARKS.md)
        with data.warming(), held(Path(db), threads=1):
            f = filters.default_view(Path(db))
            if f is None:
                return None
            _overview(f)
            return f
    finally:
        logging.disable(logging.NOTSET)


def _overview(f: Filters) -> None:
    """The reads of dashboard/views/overview.py for view `f`, in the order the page makes them."""
    from dashboard.kit import data, widgets
    from dashboard.sections import alerts, movers, years_view

    data.yearend_ranking(f.db, f.scheme, f.year, f.unit_type)  # key figures, distribution
    if f.info.get("has_grades"):
        data.grades(f.db, f.scheme)
    if f.has_monthly:  # key figures of the month, and the month's movers with their chart
        _, moved, _ = movers.month_movers(f)
        if not moved.is_empty():
            movers.movers_chart(f, moved).spec()
    data.target_status(f.db, f.scheme, f.year, f.month)
    alerts.warnings_for(f)  # the 预警: the costliest read of the first run
    if years_view.previous_of(f) is not None:  # against the previous year of the series
        years_view._year_facts(f.db, f.scheme, f.year)
    chart = widgets.distribution_chart(f)
    if chart is not None:
        chart.spec()


def warm_logged(db: Path) -> None:
    """`warm`, timed in the log; any failure is logged and swallowed (the server starts all the
    same, and its first visitor reads the warehouse as without warming)."""
    start = time.perf_counter()
    try:
        view = warm(db)
    except Exception:  # noqa: BLE001 - warming is an optimisation: never a reason not to serve
        _LOG.exception("warming the first page failed; serving without it")
        return
    if view is not None:
        _LOG.info("first page warmed in %.1f s (%s %s %s)", time.perf_counter() - start,
                  view.scheme, view.year, view.period)


def runtime_started() -> bool:
    """Whether this process's Streamlit runtime has started (the server is about to answer)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.runtime import RuntimeState

    return Runtime.exists() and Runtime.instance().state not in (RuntimeState.INITIAL,
                                                                RuntimeState.STOPPING,
                                                                RuntimeState.STOPPED)


def start_reading(db: Path, ready: Callable[[], bool] = runtime_started,
                  poll: float = 0.02) -> threading.Thread:
    """Start the thread that waits until `ready()` (by default: Streamlit's runtime has started),
    then imports dashboard.preload's libraries and runs `warm_logged(db)`; page runs wait for it
    (`wait_until_warm`). The launcher calls this after `import_first_page_modules`, just before
    Streamlit starts."""
    def run() -> None:
        try:
            while not ready():
                time.sleep(poll)  # asleep, it leaves the interpreter to Streamlit's start-up
            # the libraries first: whole before any page runs, even one that stops waiting for
            # long reads (WAIT_LIMIT)
            import dashboard.preload  # noqa: F401
            warm_logged(db)
        finally:
            _READ.set()

    _READ.clear()
    thread = threading.Thread(target=run, name=THREAD_NAME, daemon=True)
    thread.start()
    return thread


def skip_direct_run_check() -> None:
    """Spare the first visitor's run Streamlit's check that it is run by `streamlit run`.

    At the first element a process draws, Streamlit checks whether it runs in a REPL or
    outside `streamlit run`, to print a hint; the check takes `inspect.stack()` with the source
    lines of every frame, which looks each frame's module up among the 2,000-odd loaded: 0.27 s
    of the first visitor's run on this machine. The launcher is Streamlit's own command line, so
    the answer is known; the check is marked done (a Streamlit without the flag is left as is:
    tests/dashboard/test_warm.py fails then, to look again)."""
    from streamlit import delta_generator

    if hasattr(delta_generator, "_use_warning_has_been_displayed"):
        delta_generator._use_warning_has_been_displayed = True


def wait_until_warm(limit: float = WAIT_LIMIT) -> None:
    """Return once this process's warming reads are over, or after `limit` seconds (logged):
    the first thing every page run does (dashboard/app.py), so that the first visitor's run
    reads from the filled caches rather than making the same reads beside the thread. Returns
    at once where nothing is being warmed."""
    if not _READ.wait(limit):
        _LOG.warning("the first page's warming reads took over %.0f s; the page reads itself",
                     limit)
