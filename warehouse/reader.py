"""How the warehouse is read: each read on a private in-memory DuckDB that attaches the file
read-only for the read (or on a connection of its own; or for a whole block, `held`), the result
as a Polars frame through the Arrow C stream. The warehouse's read modules (warehouse/reads/,
queries.py, years_queries.py, ...) run their reads through `query`. Values go in as parameters,
never into the statement: a list for `?`, or a dict for named ones (`$series`); a unit list
parameter is a VARCHAR[] where an empty list means "all units" (`UNIT_FILTER`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from warehouse.database import connect_read_only

# The parameters of a read: positional (`?`) as a list, named (`$name`) as a dict.
Params = list[Any] | dict[str, Any] | None


def _frame(con, sql: str, params: Params) -> pl.DataFrame:
    """The result of `sql` as a Polars frame, read through the Arrow C stream interface: the
    frame `.pl()` gives, without importing pyarrow (and numpy with it), which cost a short command
    such as `egov scores` most of its start-up."""
    return pl.DataFrame(con.sql(sql, params=params or []))


def query(db: Path, sql: str, params: Params = None) -> pl.DataFrame:
    """A read through the process's attaching reader (below): a command's or a page's second and
    later reads cost an ATTACH (~4 ms) instead of opening the file again (~25 ms)."""
    return _READER.read(db, sql, params)


@contextlib.contextmanager
def held(db: Path, threads: int | None = None) -> Iterator[None]:
    """Within this block the process's reads of `db` share one attachment of the file, made
    when the block starts: a document gathered from 30 reads (the 通报) pays one ATTACH instead
    of 30 ATTACH and DETACH pairs (about 5 ms of CPU each), and all its reads see one state of
    the warehouse (a warehouse renamed into place meanwhile is seen by the next block). The
    file stays open for the block; writers never change it in place (they rename a new file
    over it), so holding it blocks none of them. `threads`: DuckDB's threads for the block's
    reads (default: one per core), set back after it."""
    with _READER.holding(db, threads):
        yield


def connected_query(db: Path, sql: str, params: Params = None) -> pl.DataFrame:
    """A read on a read-only connection of its own."""
    con = connect_read_only(db)
    try:
        return _frame(con, sql, params)
    finally:
        con.close()


# A unit list parameter (twice: once to test for empty, once to look in) over column {col}.
UNIT_FILTER = "(len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], {col}))"


def units_param(units: list[str] | tuple[str, ...] | None) -> list[str]:
    """The unit list as the VARCHAR[] parameter of `UNIT_FILTER` (empty: all units)."""
    return list(units or [])


class _AttachingReader:
    """Runs the dashboard's reads on one private in-memory DuckDB kept for the process.

    Opening a DuckDB file costs ~25 ms (mostly creating a database instance), more than a
    dashboard query itself (1-5 ms), and a page on a cold cache makes 10-20 reads. Attaching the
    warehouse read-only to a DuckDB that is already open, querying and detaching takes ~4 ms. As
    with a connection of its own, the file is open only during the read, and each read sees the
    file now at the path (a rebuilt warehouse is renamed into place). DuckDB attaches a file once
    per instance, so a read that finds the reader busy (another session's read) opens its own
    connection rather than wait.
    """

    alias = "egov_dash"

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._engine = None  # the in-memory DuckDB, opened at the first read
        self._held: str | None = None  # the file attached for a block (`held`), if any

    def _attach(self, con, db: Path) -> bool:
        """Attach `db` as the alias (after detaching what it named); False when DuckDB cannot."""
        import duckdb

        con.execute(f"DETACH DATABASE IF EXISTS {self.alias}")
        try:
            path = str(db).replace("'", "''")
            con.execute(f"ATTACH '{path}' AS {self.alias} (READ_ONLY)")
        except duckdb.Error:
            return False
        return True

    def read(self, db: Path, sql: str, params: Params) -> pl.DataFrame:
        import duckdb

        if not self._lock.acquire(blocking=False):
            return connected_query(db, sql, params)
        try:
            held = self._held is not None
            if held and self._held != str(db):  # another file is held: leave its attachment
                return connected_query(db, sql, params)
            if self._engine is None:
                self._engine = duckdb.connect(":memory:")
            con = self._engine.cursor()
            try:
                if not held and not self._attach(con, db):
                    return connected_query(db, sql, params)  # fails as its own connection would
                try:
                    con.execute(f"USE {self.alias}")
                    return _frame(con, sql, params)
                finally:
                    con.execute("USE memory")
                    if not held:
                        con.execute(f"DETACH {self.alias}")
            finally:
                con.close()
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def holding(self, db: Path, threads: int | None = None) -> Iterator[None]:
        """`held`: attach `db` for the block (nothing held when the reader is busy, another
        block holds a file, or DuckDB cannot attach it: each read then goes as before), with
        `threads` DuckDB threads when given."""
        import duckdb

        mine = False
        if self._lock.acquire(blocking=False):
            try:
                if self._held is None:
                    if self._engine is None:
                        self._engine = duckdb.connect(":memory:")
                    con = self._engine.cursor()
                    try:
                        mine = self._attach(con, db)
                        if mine and threads:
                            con.execute(f"SET threads = {int(threads)}")
                    finally:
                        con.close()
                    if mine:
                        self._held = str(db)
            finally:
                self._lock.release()
        try:
            yield
        finally:
            if mine:
                with self._lock:
                    self._held = None
                    con = self._engine.cursor()
                    try:
                        con.execute(f"DETACH DATABASE IF EXISTS {self.alias}")
                        if threads:
                            con.execute("RESET threads")
                    finally:
                        con.close()


_READER = _AttachingReader()
