"""The served dashboard: dashboard/app.py inside `st.App`, with the sign-in cookie routes.

`egov demo` (dashboard/serve.py) runs `streamlit run dashboard/asgi.py`; Streamlit sees the
`st.App` below and serves it with uvicorn, so the routes of dashboard/access/session_routes.py
answer beside Streamlit's own. Every page is still dashboard/app.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/asgi.py` puts dashboard/ on sys.path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard.access import session_routes  # noqa: E402

app = st.App(Path(__file__).resolve().with_name("app.py"), routes=session_routes.routes(),
             middleware=session_routes.middleware())
session_routes.MOUNTED = True
