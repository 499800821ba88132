"""The dashboard server's entry point: `python -m dashboard.launch run dashboard/app.py [options]`
is Streamlit's own command line (`python -m streamlit ...`), run after `dashboard.preload` has
imported the pages' libraries whole in this process's main thread, before Streamlit starts and
before any session thread exists (see dashboard/preload.py for why), and after the first page
has been warmed for the warehouse in EGOV_DB (dashboard/warm.py: the modules a page run imports,
and the overview's reads of the default view in the pages' caches; not with EGOV_WARM=0).
`dashboard/serve.py` starts the server this way."""

from __future__ import annotations

import dashboard.preload  # noqa: F401 - first: before Streamlit runs any session

if __name__ == "__main__":
    import os
    from pathlib import Path

    # a served warehouse (egov demo / serve), unless told not to (EGOV_WARM=0: the browser
    # tests' servers, dashboard.serve.serving)
    if os.environ.get("EGOV_DB") and os.environ.get("EGOV_WARM", "1") != "0":
        from dashboard.warm import warm_logged

        warm_logged(Path(os.environ["EGOV_DB"]))

    from streamlit.web.cli import main

    main(prog_name="streamlit")
