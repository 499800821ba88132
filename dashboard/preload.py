"""Libraries the pages use, imported whole before any visitor's session runs.

Why (the first-visit traceback): Streamlit runs each session's script in its own thread, and
several libraries the pages use take pandas, numpy, pyarrow or duckdb "if it is already
imported", by looking it up in `sys.modules` rather than importing it (Altair's chart
serialisation, narwhals, polars). Python puts a module into `sys.modules` when its import
*starts*. So on a fresh server, while one session's `st.dataframe` imports pandas for the first
time (Streamlit imports it lazily), another session drawing a chart found the half-imported
pandas there and failed with 「AttributeError: partially initialized module 'pandas' has no
attribute 'Timestamp'」.

The cure is to leave no half-imported library for a page to find: every page run waits until
these are whole. The server's launcher (`dashboard/launch.py`, which `egov serve` and `egov demo`
run) imports this module in its main thread before Streamlit starts listening, or, when it warms
the first page, in the warming thread that every page run waits for before its first import
(dashboard/warm.py). `dashboard/app.py` imports it too (under a plain `streamlit run`, every
session's first statement then waits, through Python's import lock, until the one import in
progress is whole). Nothing here depends on which threads run.
"""

from __future__ import annotations

# Each of these is looked up in sys.modules by a library a page uses (narwhals' get_pandas,
# get_numpy, get_pyarrow, get_polars, get_duckdb; Altair's optional numpy/pandas; polars'
# optional dependencies), and imported lazily by another (Streamlit's st.dataframe, the
# warehouse's queries).
import altair  # noqa: F401
import duckdb  # noqa: F401
import narwhals  # noqa: F401
import numpy  # noqa: F401
import pandas  # noqa: F401
import polars  # noqa: F401
import pyarrow  # noqa: F401
