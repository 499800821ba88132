"""The cycle's line in the sidebar: the deadline of the assessing bodies' rows for the scheme-year
in view (`egov deadline`), with the days left."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.kit.filters import Filters
from pipelines.cycle.deadlines import deadline_of


def deadline_line(view: Filters) -> None:
    """「报送时限 2026-12-09(还有 3 天)」 under the filters, where a deadline is set."""
    due = deadline_of(view.db, view.scheme, view.year)
    if due is None:
        return
    left = (due - dt.date.today()).days
    when = f"还有 {left} 天" if left >= 0 else f"已过 {-left} 天"
    st.sidebar.caption(f"报送时限 {due.isoformat()}({when})")
