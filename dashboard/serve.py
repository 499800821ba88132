"""Serve the dashboard: `streamlit run dashboard/app.py` in a child process, with EGOV_DB set.

A subprocess (rather than streamlit.web.bootstrap in this process) keeps Streamlit's signal
handlers, event loop and module reloading out of the `egov` command. The child is stopped with
the parent: on Ctrl+C or SIGTERM the parent terminates it and waits for it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# EGOV_WARM=0: the launcher serves without warming the first page (dashboard/launch.py).
from dashboard.warm import WARM_VARIABLE

APP = Path(__file__).resolve().with_name("app.py")
# What is served: app.py inside st.App, with the routes of the lasting sign-in cookie.
SERVED = APP.with_name("asgi.py")
ROOT = APP.parent.parent
# Only this machine can reach the dashboard unless told otherwise: `egov demo --address 0.0.0.0`
# (or EGOV_ADDRESS=0.0.0.0) serves it to the office network (README, "Dashboard").
LOCAL = "127.0.0.1"
ADDRESS_VARIABLE = "EGOV_ADDRESS"


def default_address() -> str:
    """The address to listen on: EGOV_ADDRESS if set, else this machine only (127.0.0.1)."""
    return os.environ.get(ADDRESS_VARIABLE, "").strip() or LOCAL


def command(port: int = 8501, address: str | None = None, app: Path = SERVED) -> list[str]:
    """The streamlit command line for the dashboard (or another Streamlit `app`), listening on
    `address` (default: see `default_address`).

    Streamlit is started through dashboard/launch.py, which imports the pages' libraries before
    any session runs (dashboard/preload.py says why). Always headless: a non-headless Streamlit
    asks for an e-mail address on its first run on a machine, which would stall `egov demo`; we
    open the browser ourselves instead. The toolbar is minimal (no 「Deploy」 button), and a
    visitor never sees a traceback or a file path (`client.showErrorDetails` none; full only
    with EGOV_DEBUG=1, for development), as in .streamlit/config.toml.

    No file watcher (`server.fileWatcherType none`): a served dashboard does not reload its
    code when a file changes, and watching cost every new session (each visitor's tab) a walk
    over the paths of all 2,000-odd imported modules after its first run, and again after any
    run that imported more (Streamlit's LocalSourcesWatcher: 0.3–0.6 s of CPU on this machine,
    BENCHMARKS.md). A developer's plain `streamlit run dashboard/app.py` keeps watching.
    """
    return [
        sys.executable, "-m", "dashboard.launch", "run", str(app),
        "--server.address", address or default_address(),
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--theme.base", "light",
        # no 「Deploy」 button or developer menu: as .streamlit/config.toml for `streamlit run`
        "--client.toolbarMode", "minimal",
        "--client.showErrorDetails", "full" if os.environ.get("EGOV_DEBUG") else "none",
        "--server.fileWatcherType", "none",
    ]


def environment(db: Path, anonymous_viewers: bool = False) -> dict[str, str]:
    """The child's environment: EGOV_DB set, and the project importable from anywhere; with
    `anonymous_viewers`, visitors read without signing in while the warehouse holds sample data
    only (EGOV_ANONYMOUS=demo: loading real data ends it, see dashboard/access/signin.py)."""
    env = {**os.environ, "EGOV_DB": str(Path(db).resolve())}
    if anonymous_viewers:
        env["EGOV_ANONYMOUS"] = "demo"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def is_loopback(address: str) -> bool:
    """True for an address only this machine reaches (127.0.0.1, ::1, localhost)."""
    import ipaddress

    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def serve_refusal(db: Path, address: str) -> tuple[str, str] | None:
    """Why `egov serve` must not start (Chinese, English), or None. A real warehouse is served
    as it is: it must exist (no sample data is built), and on an address other machines reach
    (0.0.0.0, the office network) at least one account must exist, since until then anyone who
    reaches the dashboard may read it (dashboard/access/signin.py)."""
    from pipelines.access.accounts import AccountStore

    if not Path(db).exists():
        return (f"找不到数据仓库 {db};先用 egov build 或 egov ingest 建库(示例数据请用 egov demo)",
                f"no warehouse at {db}; build it first with egov build or egov ingest (for the "
                "sample data, use egov demo)")
    if not is_loopback(address) and not AccountStore.for_warehouse(db).has_accounts():
        return (f"在 {address} 上对网络提供服务前须先创建账户:egov user add 管理员 --role admin"
                "(否则能访问的人都能读取数据)",
                f"create an account before serving on {address}: egov user add NAME --role "
                "admin (until then anyone who reaches the dashboard may read it)")
    return None


def free_port() -> int:
    """A TCP port free on this machine now."""
    with socket.socket() as s:
        s.bind((LOCAL, 0))
        return s.getsockname()[1]


def stop(child: subprocess.Popen, timeout: float) -> None:
    """End a server process: terminate, then kill if it has not left within `timeout` s."""
    child.terminate()
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def healthy(url: str) -> bool:
    """Whether the Streamlit server at `url` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def serving(db: Path | None = None, *, app: Path = SERVED, unset: tuple[str, ...] = (),
            timeout: float = 90, warm: bool = False) -> Iterator[str]:
    """The dashboard over `db` (or another Streamlit `app`) served in a child process on a free
    port of this machine only; yields its URL once the server answers its health check, and
    stops it on leaving. `unset` names environment variables the server must not inherit (e.g.
    EGOV_ANONYMOUS, to require a sign-in). Without `warm` the launcher does not warm the first
    page (EGOV_WARM=0, see dashboard/launch.py): the browser tests start many servers, each to be
    up soon on a loaded machine, and warming (1–2 s of CPU) is for a visitor's first page. Used
    by the browser tests."""
    port = free_port()
    env = environment(db) if db is not None else {
        **os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    for name in unset:
        env.pop(name, None)
    env[WARM_VARIABLE] = "1" if warm else "0"
    child = subprocess.Popen(command(port, LOCAL, app), env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://{LOCAL}:{port}"
    try:
        wait_until_up(child, url, timeout)
        yield url
    finally:
        stop(child, 30)


def wait_until_up(child: subprocess.Popen, url: str, timeout: float, *, poll: float = 0.3,
                  name: str = "the dashboard server") -> None:
    """Return once the server `child` at `url` answers its health check; RuntimeError naming
    `name` if the process ends first or `timeout` s pass."""
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if child.poll() is not None:
            raise RuntimeError(f"{name} stopped (exit {child.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start within {timeout:g} s")
        time.sleep(poll)


def _open_when_ready(port: int, timeout: float = 60) -> None:
    """Open the user's browser once the server answers its health check (if there is a browser:
    on a machine without one, webbrowser.open simply returns False)."""
    deadline = time.monotonic() + timeout
    url = f"http://localhost:{port}"
    while time.monotonic() < deadline:
        if healthy(url):
            webbrowser.open(url)
            return
        time.sleep(0.5)


def run(db: Path, port: int = 8501, open_browser: bool = True, address: str | None = None,
        anonymous_viewers: bool = False) -> None:
    """Serve the dashboard on `port` over the warehouse `db` until interrupted (Ctrl+C)."""
    address = address or default_address()
    print(f"电子政务绩效考核 dashboard: http://localhost:{port}  (Ctrl+C 停止)", file=sys.stderr)
    if address != LOCAL:
        print(f"注意: 正在 {address}:{port} 上对网络提供服务 / serving to the network on "
              f"{address}:{port}", file=sys.stderr)
    child = subprocess.Popen(command(port, address), env=environment(db, anonymous_viewers))
    if open_browser:
        threading.Thread(target=_open_when_ready, args=(port,), daemon=True).start()

    def stop(signum, frame) -> None:  # SIGTERM: leave like Ctrl+C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        code = child.wait()
    except KeyboardInterrupt:
        code = 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child.poll() is None:
            stop(child, 10)
    if code not in (0, -signal.SIGINT, -signal.SIGTERM, 130):
        raise SystemExit(code)
