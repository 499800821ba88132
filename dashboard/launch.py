"""The dashboard server's entry point: `python -m dashboard.launch run dashboard/app.py [options]`
is Streamlit's own command line (`python -m streamlit ...`), run after `dashboard.preload` has
imported the pages' libraries whole in this process's main thread, before Streamlit starts and
before any session thread exists (see dashboard/preload.py for why). `dashboard/serve.py` starts
the server this way.

While Streamlit starts, a thread warms what the first page needs and the libraries left
(issue 19, pages point 7: a fresh server draws its first page within 5 s): the pages' own
modules, the 通报 button's (python-docx, Jinja2, YAML), Altair's schema validator (built on the
first chart's spec) and the warehouse's first read (DuckDB's catalogue, the file in the page
cache). The first visitor then runs only the page's queries and draws."""

from __future__ import annotations

import dashboard.preload  # noqa: F401 - first: before Streamlit runs any session


def warm() -> None:
    """Import the first page's modules and make the first read and chart, off the visitor's
    path. Failures are the page's to report, not the server's: the warming only goes quiet."""
    import importlib
    import os
    from pathlib import Path

    try:
        for name in ("dashboard.kit.widgets", "dashboard.kit.filters", "dashboard.kit.data",
                     "dashboard.sections.alerts", "dashboard.sections.years_view",
                     "dashboard.charts.charts", "dashboard.access.signin",
                     "pipelines.notice", "pipelines.notice.warnings", "pipelines.notice.facts"):
            importlib.import_module(name)
        from dashboard.charts import charts
        from warehouse import queries

        db = Path(os.environ.get("EGOV_DB", ""))
        if db.is_file():
            queries.dash_schemes(db)
        import polars as pl

        charts.grade_distribution(
            pl.DataFrame({"unit_type": ["区镇"], "grade": ["优秀"], "grade_position": [0],
                          "units": [1]}),
            grades=["优秀"], unit_types=["区镇"],
            titling=charts.Titling(what="", when="", source="", sample=False)).to_dict()
    except Exception:  # noqa: BLE001 - the page itself will say what is wrong
        pass


if __name__ == "__main__":
    import threading

    from streamlit.web.cli import main

    threading.Thread(target=warm, name="egov-warm", daemon=True).start()

    main(prog_name="streamlit")
