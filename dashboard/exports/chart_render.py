"""Chart PNGs drawn by vl-convert in worker processes, for the briefing pack.

vl-convert holds the GIL while it draws (measured: a Python loop on another thread stalls for the
whole render), so drawing a pack's twelve charts in the dashboard's own process would stop every
other session of the server for seconds, and nothing else of the pack could be done meanwhile.
Two worker processes (spawned, so they share no state with the server) draw the charts side by
side while the server lays out the pages and writes the XLSX attachment. The workers stay up for
the next pack: their start (about 1 s, mostly vl-convert's JavaScript engine) is paid once.

This module is what a worker imports: vl-convert and the standard library only.
"""

from __future__ import annotations

import atexit
import json
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

WORKERS = 2
INPROCESS_ENV = "EGOV_RENDER_INPROCESS"  # "1": draw in this process (no workers)

_registered: set[str] = set()
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def png(spec_json: str, vl_version: str | None, scale: float, font_dir: str | None) -> bytes:
    """One chart (a Vega-Lite spec as JSON) as PNG, with the CJK font directory registered in
    this process first."""
    import vl_convert as vlc

    if font_dir and font_dir not in _registered:
        vlc.register_font_directory(font_dir)
        _registered.add(font_dir)
    return vlc.vegalite_to_png(json.loads(spec_json), vl_version=vl_version, scale=scale)


def _warm() -> bool:
    """Start vl-convert's engine in a worker (its first render costs about 0.7 s)."""
    import vl_convert as vlc

    vlc.vegalite_to_svg({"mark": "point"})
    return True


def reset() -> None:
    """Drop the workers (after one broke); the next render starts new ones."""
    _shutdown()


def _shutdown() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


@contextmanager
def _no_main_module() -> Iterator[None]:
    """A spawned process first imports the parent's `__main__` (multiprocessing's "spawn"
    start). While Streamlit runs a page, `__main__` is the page script itself (AppTest's too),
    so a worker started then would run the whole dashboard before drawing anything. While the
    workers start, `__main__` is an empty module: they import only this module."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def pool() -> ProcessPoolExecutor | None:
    """The worker processes (started on first use), or None where they cannot be had (then
    charts are drawn in this process)."""
    global _pool
    if os.environ.get(INPROCESS_ENV) == "1":
        return None
    with _pool_lock:
        if _pool is None:
            try:
                _pool = ProcessPoolExecutor(max_workers=WORKERS,
                                            mp_context=multiprocessing.get_context("spawn"))
                with _no_main_module():  # each submit here starts one worker
                    for _ in range(WORKERS):
                        _pool.submit(_warm)
            except (OSError, RuntimeError):
                _pool = None
            else:
                atexit.register(_shutdown)
        return _pool


def render(jobs: list[tuple[str, str | None, float, str | None]]) -> list[Future]:
    """Futures of the PNGs of `jobs` (arguments of `png`), drawn by the workers; a worker that
    fails (a broken pool) is retried in this process by the caller through `png`."""
    executor = pool()
    futures: list[Future] = []
    for job in jobs:
        if executor is not None:
            try:
                futures.append(executor.submit(png, *job))
                continue
            except RuntimeError:  # the pool broke or was shut down: draw here
                executor = None
        done: Future = Future()
        try:
            done.set_result(png(*job))
        except Exception as exc:  # handed to the caller through the future
            done.set_exception(exc)
        futures.append(done)
    return futures
