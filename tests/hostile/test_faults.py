"""Environment faults give a bilingual report and exit 1, never a traceback, and leave the
warehouse as it was (issue 11, defect 10): every command over a corpus of broken warehouses, a
warehouse locked by another process, a full disk, a read-only folder, an unexpected error."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from egov.cli import main
from tests.hostile.corpus import BASE_UNITS, UNITS_HEADERS, csv_bytes

# Meant to be there: the writer lock (kept empty between writes) and the refused-attempts
# journal `egov history` reads. Nothing else may be left beside the warehouse.
RECORDS = {"egov.duckdb.lock", "egov.duckdb.refused.jsonl"}


def run(args: list[str], **env: str):
    result = CliRunner(env=env or None).invoke(main, args)
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    assert result.exception is None or isinstance(result.exception, SystemExit), out
    return result.exit_code, out


@pytest.fixture(scope="module")
def good_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("fault-base") / "egov.duckdb"
    code, out = run(["schemes", "--db", str(db)])
    assert code == 0, out
    return db


def _broken(kind: str, good: Path, path: Path) -> None:
    data = good.read_bytes()
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif kind == "header-only":
        path.write_bytes(data[:100])
    elif kind == "text":
        path.write_text("这不是数据库 not a database", encoding="utf-8")
    elif kind == "zeroed-block":
        damaged = bytearray(data)
        damaged[5000:9000] = bytes(4000)
        path.write_bytes(bytes(damaged))
    elif kind == "foreign-duckdb":
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE t (x INTEGER)")
        con.close()
    elif kind == "old-schema":
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE schemes (x INTEGER)")
        con.close()
    else:  # pragma: no cover
        raise AssertionError(kind)


BROKEN = ["empty", "truncated", "header-only", "text", "zeroed-block", "foreign-duckdb",
          "old-schema"]
DAMAGED_PHRASE = {"foreign-duckdb": "不是 egov 数据仓库", "old-schema": "不是 egov 数据仓库"}


def commands(folder: Path, db: Path) -> dict[str, list[str]]:
    units = folder / "units.csv"
    units.write_bytes(csv_bytes([UNITS_HEADERS, *BASE_UNITS]))
    raw = folder / "raw"
    raw.mkdir(exist_ok=True)
    shutil.copy(units, raw / "units.csv")
    scheme = folder / "s.yaml"
    scheme.write_text(
        (Path(__file__).resolve().parents[2] / "schemes" / "yueyang-2017.yaml")
        .read_text(encoding="utf-8").replace("id: yueyang-2017", "id: yueyang-2017b"),
        encoding="utf-8")
    d = str(db)
    return {
        "schemes": ["schemes", "--db", d],
        "scores": ["scores", "--db", d, "--scheme", "jintan-2013", "--year", "2013"],
        "ingest": ["ingest", "--db", d, str(units)],
        "build": ["build", "--db", d, "--raw", str(raw), "--curated", str(folder / "cur")],
        "template": ["template", "units", "--db", d, "--scheme", "jintan-2013",
                     "--out", str(folder / "t.xlsx")],
        "scheme-add": ["scheme", "add", "--db", d, str(scheme)],
        "scheme-export": ["scheme", "export", "--db", d, "jintan-2013",
                          "--out", str(folder / "e.yaml")],
    }


COMMANDS = ["schemes", "scores", "ingest", "build", "template", "scheme-add", "scheme-export"]


@pytest.mark.parametrize("kind", BROKEN)
def test_every_command_over_a_broken_warehouse(kind, good_db, tmp_path):
    folder = tmp_path / "w"
    folder.mkdir()
    db = folder / "egov.duckdb"
    _broken(kind, good_db, db)
    before = db.read_bytes()
    for name, args in commands(tmp_path, db).items():
        code, out = run(args)
        assert code == 1, (name, out)
        assert DAMAGED_PHRASE.get(kind, "已损坏") in out, (name, out)
        assert "not an egov warehouse" in out or "is damaged" in out, (name, out)
        assert db.read_bytes() == before, name
        left = sorted(p.name for p in folder.iterdir() if p.name not in RECORDS)
        assert left == ["egov.duckdb"], name


def test_a_folder_named_as_the_warehouse_is_a_usage_error(tmp_path):
    (tmp_path / "egov.duckdb").mkdir()
    code, out = run(["schemes", "--db", str(tmp_path / "egov.duckdb")])
    assert code == 2 and "directory" in out


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
time.sleep(60)
"""


def test_a_warehouse_locked_by_another_process(good_db, tmp_path):
    db = tmp_path / "egov.duckdb"
    shutil.copy(good_db, db)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        before = db.read_bytes()
        for name in ("schemes", "scores", "ingest", "scheme-add"):
            code, out = run(commands(tmp_path, db)[name])
            assert code == 1, (name, out)
            assert "正被另一个程序占用" in out and f"PID {holder.pid}" in out, (name, out)
            assert "locked by another program" in out
        assert db.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("fault, phrase", [
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间不足"),
    (PermissionError(errno.EACCES, "Permission denied"), "没有写入权限"),
    (OSError(errno.EROFS, "Read-only file system"), "没有写入权限"),
    (OSError(errno.EPERM, "Operation not permitted"), "没有写入权限"),  # chattr +i
])
def test_a_write_the_file_system_refuses(fault, phrase, good_db, tmp_path, monkeypatch):
    """The rename that publishes a warehouse fails (disk full, read-only or immutable file):
    a report, the old warehouse intact, no temporary file left."""
    db = tmp_path / "egov.duckdb"
    shutil.copy(good_db, db)
    before = db.read_bytes()

    def refuse(src, dst):
        raise type(fault)(fault.errno, fault.strerror, str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    code, out = run(commands(tmp_path, db)["ingest"])
    assert code == 1 and phrase in out, out
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.glob("egov.duckdb*") if p.name not in RECORDS] == [
        "egov.duckdb"]


def test_a_read_only_folder(tmp_path, monkeypatch):
    """A new warehouse in a folder that cannot be written (simulated where tests run as root,
    who may write anywhere)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
    else:
        def refuse(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    try:
        code, out = run(["schemes", "--db", str(folder / "egov.duckdb")])
    finally:
        folder.chmod(0o755)
    assert code == 1 and "没有写入权限" in out and "No permission to write" in out, out


def test_duckdb_reports_a_full_disk(good_db, tmp_path, monkeypatch):
    from warehouse import database

    db = tmp_path / "egov.duckdb"
    shutil.copy(good_db, db)
    real = duckdb.connect

    def connect(path, *args, **kwargs):
        if str(path).endswith(".tmp"):
            raise duckdb.IOException(f'IO Error: Could not write file "{path}": '
                                     "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(database.duckdb, "connect", connect)
    code, out = run(commands(tmp_path, db)["ingest"])
    assert code == 1 and "磁盘空间不足" in out and "The disk is full" in out, out


def test_an_unexpected_error_is_a_report_and_debug_shows_the_traceback(good_db, tmp_path,
                                                                       monkeypatch):
    import pipelines.loading

    db = tmp_path / "egov.duckdb"
    shutil.copy(good_db, db)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipelines.loading, "score_all", broken)
    code, out = run(commands(tmp_path, db)["ingest"])
    assert code == 1 and "内部错误" in out and "ZeroDivisionError" in out and "EGOV_DEBUG" in out
    result = CliRunner(env={"EGOV_DEBUG": "1"}).invoke(main, commands(tmp_path, db)["ingest"])
    assert isinstance(result.exception, ZeroDivisionError)


def test_a_bad_limit_setting_is_a_usage_error(tmp_path):
    code, out = run(["ingest", "--db", str(tmp_path / "x.duckdb"), __file__],
                    EGOV_MAX_ROWS="lots")
    assert code == 2 and "EGOV_MAX_ROWS" in out, out
