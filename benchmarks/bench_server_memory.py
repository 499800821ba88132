"""The dashboard server's memory over many page visits (issue 21 goal 5): does it level off?

Run: uv run python benchmarks/bench_server_memory.py --db PATH [--visits 40] [--scheme ID]
     [--pages method ...] [--pause AFTER SECONDS]

Starts the dashboard with `dashboard.serve.serving` (as the browser tests do), then opens the six
pages in turn in Debian's chromium, each visit a new tab, i.e. a new Streamlit session, closed
once the page is drawn (`bench_browser.visit`). After each visit it reads the server process's
resident memory (VmRSS from /proc; the server is the child listening on the served port) and
prints one line per visit: visit, page, seconds, RSS MB, growth since the previous visit. The
summary compares the mean growth per visit over the first and the last ten visits: memory that
levels off grows in the first visits (caches filling: the page reads, chart specs, the
libraries a page imports on first use) and hardly at all in the last. With --out, JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_browser import CHROMIUM, CHROMIUM_ARGS, PAGES, visit  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def server_pid(port: int) -> int:
    """The process whose command line serves `port` (dashboard.serve.command's --server.port)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"dashboard.launch" in argv and any(str(port).encode() in a for a in argv):
            return int(entry.name)
    raise RuntimeError(f"no server process for port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--visits", type=int, default=40)
    parser.add_argument("--scheme", default="jintan-2013")
    parser.add_argument("--pages", nargs="*", help="Visit only these pages (url paths; "
                        "overview for the first), in turn.")
    parser.add_argument("--pause", type=float, nargs=2, metavar=("AFTER", "SECONDS"),
                        help="After visit AFTER, wait SECONDS (past the server's 120 s "
                             "disconnectedSessionTTL, the closed sessions are dropped) and "
                             "print the memory before going on.")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from dashboard.serve import serving

    pages = [p for p in PAGES if not args.pages or (p[0] or "overview") in args.pages]
    rows = []
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            with serving(args.db) as url:
                pid = server_pid(int(url.rsplit(":", 1)[1]))
                start = previous = rss_mb(pid)
                print(f"server pid {pid}, after start-up {start:.0f} MB", flush=True)
                for i in range(args.visits):
                    path, heading, element = pages[i % len(pages)]
                    seconds = visit(browser, f"{url}/{path}?scheme={args.scheme}", heading,
                                    element)
                    time.sleep(0.5)  # let the server finish the session's last messages
                    now = rss_mb(pid)
                    rows.append({"visit": i + 1, "page": path or "overview",
                                 "seconds": round(seconds, 2), "rss_mb": round(now, 1),
                                 "growth_mb": round(now - previous, 1)})
                    print(f"{i + 1:>3} {path or 'overview':<12} {seconds:6.2f} s "
                          f"{now:8.0f} MB {now - previous:+7.1f}", flush=True)
                    previous = now
                    if args.pause and i + 1 == int(args.pause[0]):
                        time.sleep(args.pause[1])
                        now = rss_mb(pid)
                        print(f"    after {args.pause[1]:.0f} s idle: {now:8.0f} MB "
                              f"{now - previous:+7.1f}", flush=True)
                        previous = now
        finally:
            browser.close()
    first = statistics.mean(r["growth_mb"] for r in rows[:10])
    last = statistics.mean(r["growth_mb"] for r in rows[-10:])
    print(f"start-up {start:.0f} MB; after {len(rows)} visits {rows[-1]['rss_mb']:.0f} MB; "
          f"mean growth a visit: first ten {first:+.1f} MB, last ten {last:+.1f} MB")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.out:
        args.out.write_text(json.dumps({"start_mb": start, "visits": rows}, indent=2))


if __name__ == "__main__":
    main()
