"""The dashboard server's entry point: `python -m dashboard.launch run dashboard/asgi.py [options]`
is Streamlit's own command line (`python -m streamlit ...`), after the steps below in this
process's main thread, before Streamlit starts and before any session thread exists.

With a warehouse to warm (EGOV_DB set, not EGOV_WARM=0; dashboard/warm.py): the first page's
modules are imported here; a thread started here then, once Streamlit's runtime has started,
imports the rest of the pages' libraries (dashboard/preload.py) and reads the first page's view
into the pages' caches; every page run waits for that thread first (dashboard/app.py). Without:
dashboard/preload.py's libraries are imported here. Either way every library a page uses is whole
before any page runs (dashboard/preload.py says why). `dashboard/serve.py` starts the server
this way."""

from __future__ import annotations

if __name__ == "__main__":
    import os
    from pathlib import Path

    from dashboard import warm

    warm.skip_direct_run_check()
    # a served warehouse (egov demo / serve), unless told not to (EGOV_WARM=0: the browser
    # tests' servers, dashboard.serve.serving)
    if os.environ.get("EGOV_DB") and os.environ.get(warm.WARM_VARIABLE, "1") != "0":
        warm.import_first_page_modules()
        warm.start_reading(Path(os.environ["EGOV_DB"]))
    else:
        import dashboard.preload  # noqa: F401

    from streamlit.web.cli import main

    main(prog_name="streamlit")
