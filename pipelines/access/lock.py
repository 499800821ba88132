"""One writer at a time: a lock file beside the warehouse, held for a whole read-merge-publish.

Every command that writes the warehouse (ingest, build, scheme add, revert, an upload in the
dashboard) takes the lock `<warehouse>.lock` before it reads the state it will merge into and
keeps it until the new file is published. A second writer waits, saying so on stderr, and gives
up after `EGOV_LOCK_TIMEOUT` seconds (default 120) with a normal exit-1 report. Readers never take
the lock: a publish is an atomic rename, so they see the old warehouse or the new one.

The lock is `filelock`'s OS-level lock (fcntl/msvcrt): the operating system releases it when the
process dies, so a killed load never leaves the warehouse locked. The first thing a writer does
under the lock is sweep the temporary files a killed writer left (`database.sweep_leftovers`).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

from filelock import FileLock, Timeout

from pipelines.inputs.problems import InputRejected, Problem
from warehouse import database

DEFAULT_TIMEOUT = 120.0
P = ParamSpec("P")
R = TypeVar("R")


def lock_path(db: Path) -> Path:
    """The lock file of a warehouse: `egov.duckdb` → `egov.duckdb.lock`, in the same folder."""
    db = Path(db)
    return db.with_name(db.name + ".lock")


def timeout_seconds() -> float:
    """How long a second writer waits: EGOV_LOCK_TIMEOUT (seconds), default 120."""
    try:
        return float(os.environ.get("EGOV_LOCK_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


class WarehouseBusy(InputRejected):
    """Another writer held the warehouse for longer than the timeout: nothing was loaded."""

    def __init__(self, db: Path, waited: float):
        super().__init__([Problem(
            str(db), None, None, None, None,
            f"另一个写入(导入、建库、方案或撤销)占用数据仓库超过 {waited:g} 秒,本次未写入;"
            "请稍后重试(等待时长可用环境变量 EGOV_LOCK_TIMEOUT 设置)",
            f"another writer (ingest, build, scheme add or revert) held the warehouse for more "
            f"than {waited:g} s; nothing was written. Try again later (EGOV_LOCK_TIMEOUT sets "
            "the wait)",
        )])

    def report(self) -> str:
        p = self.problems[0]
        return (f"数据仓库忙,未写入任何数据。 / The warehouse is busy; nothing was written.\n"
                f"  - {p.render()}")


def _lock(db: Path) -> FileLock:
    path = lock_path(Path(db).resolve())
    path.parent.mkdir(parents=True, exist_ok=True)
    # One instance per path in this process, so nested writers (build → ingest) re-enter it.
    return FileLock(str(path), is_singleton=True)


@contextmanager
def writer_lock(db: Path, *, timeout: float | None = None,
                announce: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock; wait (saying so once) up to `timeout` seconds."""
    lock = _lock(db)
    wait = timeout_seconds() if timeout is None else timeout
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say = announce or (lambda text: print(text, file=sys.stderr, flush=True))
        say(f"另一个写入正在进行,等待其完成(最多 {wait:g} 秒)… / another writer holds the "
            f"warehouse {db}; waiting for it (up to {wait:g} s) ...")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise WarehouseBusy(Path(db), wait) from None
    try:
        if lock.lock_counter == 1:  # the outermost writer: sweep what a killed writer left
            database.sweep_leftovers(Path(db))
        yield
    finally:
        lock.release()


def writes_warehouse(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function whose first argument is the warehouse path: it runs under the lock."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        db = args[0] if args else kwargs["db"]
        with writer_lock(Path(db)):  # type: ignore[arg-type]
            return fn(*args, **kwargs)

    return wrapper
