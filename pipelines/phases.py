"""Where a load spends its time and memory, phase by phase: printed on stderr when EGOV_PHASES=1.

`phase("read")` marks the start of a phase; each line gives the phase that just ended with its
wall and CPU seconds, the resident memory at its end and the highest resident memory seen while
it ran (a sampling thread reads /proc every 5 ms while tracing is on). Off by default: then
`phase` costs one dictionary look-up and nothing is sampled. Used to measure, not to test.
"""

from __future__ import annotations

import os
import resource
import sys
import threading
import time

VARIABLE = "EGOV_PHASES"
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class _Tracer:
    def __init__(self) -> None:
        self.name = "start-up"
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        self.peak = _rss_bytes()
        self.lock = threading.Lock()
        threading.Thread(target=self._sample, daemon=True, name="egov-phases").start()

    def _sample(self) -> None:
        while True:
            rss = _rss_bytes()
            with self.lock:
                self.peak = max(self.peak, rss)
            time.sleep(0.005)

    def mark(self, name: str) -> None:
        rss = _rss_bytes()
        wall, cpu = time.perf_counter(), time.process_time()
        with self.lock:
            peak, self.peak = max(self.peak, rss), rss
        print(f"[phase] {self.name:<22} {wall - self.wall:7.2f} s wall {cpu - self.cpu:7.2f} s "
              f"cpu  rss {rss / 2**20:8.0f} MB  peak {peak / 2**20:8.0f} MB",
              file=sys.stderr, flush=True)
        self.name, self.wall, self.cpu = name, wall, cpu


_tracer: _Tracer | None = None


def phase(name: str) -> None:
    """Mark the start of phase `name` (and the end of the one before) when EGOV_PHASES is set."""
    global _tracer
    if not os.environ.get(VARIABLE):
        return
    if _tracer is None:
        _tracer = _Tracer()
        _tracer.name = "start-up"
        # The start-up phase runs from the process's start: report its CPU so far.
        _tracer.cpu = 0.0
    _tracer.mark(name)
