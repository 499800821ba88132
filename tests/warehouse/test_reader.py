"""warehouse/reader.py: a block of reads holding the file (`held`) reads what separate reads
read, attaches the file once, sees one state of the warehouse, and leaves other files' reads
and the reader's later reads as they were."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse import reader


def _warehouse(path: Path, value: int) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT ? AS v", [value])
    con.close()
    return path


@pytest.fixture()
def attaches(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the process's reader attaches, in order."""
    seen: list[Path] = []
    real = reader._AttachingReader._attach

    def counting(self, con, db: Path) -> bool:
        seen.append(Path(db))
        return real(self, con, db)

    monkeypatch.setattr(reader._AttachingReader, "_attach", counting)
    return seen


def test_a_held_block_attaches_once_and_reads_the_same(tmp_path, attaches):
    db = _warehouse(tmp_path / "a.duckdb", 1)
    apart = [reader.query(db, "SELECT v FROM t")["v"][0] for _ in range(3)]
    assert len(attaches) == 3
    attaches.clear()
    with reader.held(db):
        together = [reader.query(db, "SELECT v + ? AS v FROM t", [0])["v"][0]
                    for _ in range(3)]
    assert together == apart == [1, 1, 1]
    assert attaches == [db]


def test_a_held_block_sees_one_state_and_the_next_read_the_new_file(tmp_path):
    db = _warehouse(tmp_path / "a.duckdb", 1)
    newer = _warehouse(tmp_path / "b.duckdb", 2)
    with reader.held(db):
        newer.replace(db)  # a load renames a new warehouse into place meanwhile
        assert reader.query(db, "SELECT v FROM t")["v"][0] == 1
    assert reader.query(db, "SELECT v FROM t")["v"][0] == 2


def test_another_file_read_in_a_held_block_is_its_own(tmp_path):
    a = _warehouse(tmp_path / "a.duckdb", 1)
    b = _warehouse(tmp_path / "b.duckdb", 2)
    with reader.held(a):
        assert reader.query(b, "SELECT v FROM t")["v"][0] == 2
        assert reader.query(a, "SELECT v FROM t")["v"][0] == 1
    assert reader.query(b, "SELECT v FROM t")["v"][0] == 2


def test_a_missing_file_is_refused_inside_a_block_as_outside(tmp_path):
    missing = tmp_path / "none" / "egov.duckdb"
    with pytest.raises(duckdb.Error):
        reader.query(missing, "SELECT 1")
    with reader.held(missing), pytest.raises(duckdb.Error):
        reader.query(missing, "SELECT 1")


def test_a_held_block_reads_with_the_threads_it_asks_for_then_as_before(tmp_path):
    """The warming reads ask for one DuckDB thread (dashboard/warm.py); the reads after the
    block have the reader's default again."""
    db = _warehouse(tmp_path / "a.duckdb", 1)
    setting = "SELECT current_setting('threads') AS n FROM t"
    before = reader.query(db, setting)["n"][0]
    with reader.held(db, threads=1):
        assert reader.query(db, setting)["n"][0] == 1
    assert reader.query(db, setting)["n"][0] == before
    assert before == duckdb.connect(":memory:").execute(
        "SELECT current_setting('threads')").fetchall()[0][0]
