"""The dashboard server's entry point: `python -m dashboard.launch run dashboard/app.py [options]`
is Streamlit's own command line (`python -m streamlit ...`), run after `dashboard.preload` has
imported the pages' libraries whole in this process's main thread, before Streamlit starts and
before any session thread exists (see dashboard/preload.py for why). `dashboard/serve.py` starts
the server this way."""

from __future__ import annotations

import dashboard.preload  # noqa: F401 - first: before Streamlit runs any session

if __name__ == "__main__":
    from streamlit.web.cli import main

    main(prog_name="streamlit")
