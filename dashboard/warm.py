"""The first page warmed before the server listens (issue 19 pages point 7, issue 21 goal 3).

`dashboard/launch.py` calls `warm(db)` in its main thread after `dashboard.preload` and before
Streamlit starts: this imports the modules a page run imports (the sidebar's, the overview's, the
access checks'), and reads what the overview shows a visitor without a query string (the view of
`filters.default_view`: rankings, targets, the 预警, the previous year, the distribution chart)
into the same `st.cache_data` caches the pages read from. The first visitor then finds them filled,
as a later visitor does; at 6,000 units the 预警 alone took a second of the first run.

Why before listening and in the main thread, not in a thread beside the server: a thread competes
for the interpreter with Streamlit's own start-up and with the first visitor's run (tried, and the
first page came later, BENCHMARKS.md); done first, it is work the first run would have done anyway,
and every module is whole before any session thread can import it (dashboard/preload.py). Warming
never stops the server from starting: a failure is logged and the first visitor reads as before.
"""

from __future__ import annotations

import importlib
import logging
import time
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
    "dashboard.sections.alerts", "dashboard.sections.years_view", "pipelines.notice.facts",
    "pipelines.notice.warnings",
)

_LOG = logging.getLogger("egov.dashboard.warm")


def warm(db: Path) -> Filters | None:
    """Import the first page's modules and fill the pages' caches with the overview's reads of
    the default view of warehouse `db` (see the module's docstring); returns that view, or None
    when `db` holds nothing to show."""
    if not Path(db).is_file():
        return None
    # st.cache_data says, at warning level, that no Streamlit runtime exists yet (for each cache
    # with a ttl as it is declared, and for each cache as it is first filled): true, and expected
    # here (the caches are the process's; the runtime reuses them). Nothing else runs in this
    # process meanwhile (no server, no session), and a failure is logged after.
    logging.disable(logging.WARNING)
    try:
        for name in FIRST_PAGE_MODULES:
            importlib.import_module(name)
        from dashboard.kit import data, filters

        with data.warming():
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
    from dashboard.sections import alerts, years_view

    data.yearend_ranking(f.db, f.scheme, f.year, f.unit_type)  # key figures, distribution
    if f.info.get("has_grades"):
        data.grades(f.db, f.scheme)
    if f.has_monthly:  # key figures of the month, and the month's movers
        data.monthly_ranking(f.db, f.scheme, f.year, f.latest_month, f.unit_type)
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
