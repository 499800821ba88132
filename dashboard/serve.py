"""Serve the dashboard: `streamlit run dashboard/app.py` in a child process, with EGOV_DB set.

A subprocess (rather than streamlit.web.bootstrap in this process) keeps Streamlit's signal
handlers, event loop and module reloading out of the `egov` command, and the exit code of
Streamlit becomes the exit code of `egov demo`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().with_name("app.py")
ROOT = APP.parent.parent


def command(port: int = 8501, open_browser: bool = True) -> list[str]:
    """The streamlit command line for the dashboard."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.headless", "false" if open_browser else "true",
        "--browser.gatherUsageStats", "false",
        "--theme.base", "light",
    ]


def run(db: Path, port: int = 8501, open_browser: bool = True) -> None:
    """Serve the dashboard on `port` over the warehouse `db` until interrupted (Ctrl+C)."""
    env = {**os.environ, "EGOV_DB": str(Path(db).resolve())}
    # The app imports the project's packages; make them importable wherever egov is run from.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    print(f"电子政务绩效考核 dashboard: http://localhost:{port}  (Ctrl+C 停止)", file=sys.stderr)
    try:
        completed = subprocess.run(command(port, open_browser), env=env, check=False)
    except KeyboardInterrupt:
        return
    if completed.returncode not in (0, -2, 130):
        raise SystemExit(completed.returncode)
