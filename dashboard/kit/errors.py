"""An unexpected error on a page: the visitor reads a short Chinese message with an error id; the
server log holds the id with the whole traceback.

Streamlit would show the exception, its traceback and the server's file paths to whoever is
looking (`client.showErrorDetails`, set to none outside development); a page run wrapped in
`guarded` shows instead 「页面出错了 … 错误编号 E-20261206-104512-3f9a」 and logs the same id.
Streamlit's own control flow (st.stop, st.rerun, st.switch_page) derives from BaseException and
passes through untouched.
"""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Callable
from datetime import datetime

import streamlit as st

LOGGER = logging.getLogger("egov.dashboard")
if not LOGGER.handlers:  # the server's log is its stderr (Streamlit configures only its own)
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOGGER.addHandler(_handler)
    LOGGER.setLevel(logging.INFO)


def error_id() -> str:
    """An id a visitor can read out and an administrator can find in the log."""
    return f"E-{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def guarded(run: Callable[[], None]) -> None:
    """Run a page; an unexpected error is logged with an id and shown as a short message."""
    try:
        run()
    except Exception as err:  # noqa: BLE001 - the one place a page's errors end
        ident = error_id()
        LOGGER.error("页面错误 page error %s", ident, exc_info=err)
        st.error(f"页面出错了,请刷新页面重试;如仍出错,请把错误编号 {ident} 告诉系统管理员。")
