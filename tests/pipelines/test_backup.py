"""`egov backup` / `egov restore` (issue 22, item 11): a consistent copy of the warehouse and its
accounts, taken under the writer lock; a restore checked before it replaces anything; kill -9
during either leaves the warehouse as it was."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from conftest import ROOT

from egov.cli import main
from pipelines import backup as bk
from pipelines.access.accounts import AccountStore
from pipelines.access.lock import writer_lock
from warehouse import queries

PASSWORD = "correct horse battery staple"


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def tally(db: Path) -> list[int]:
    t = queries.table(db, "content_tallies", "jintan-2013")
    return t.filter((pl.col("unit") == "金城镇") & (pl.col("month") == "2013-06")
                    & (pl.col("item") == 1))["count"].to_list()


@pytest.fixture()
def db(demo_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "office" / "egov.duckdb"
    copy.parent.mkdir()
    shutil.copy(demo_db, copy)
    AccountStore.for_warehouse(copy).add("管理员", "admin", PASSWORD)
    return copy


def correct(db: Path, tmp_path: Path, count: int) -> None:
    fix = tmp_path / f"更正{count}.csv"
    fix.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                   f"jintan-2013,2013-06,金城镇,1,{count},0,0\n", encoding="utf-8")
    code, out = run("ingest", "--db", str(db), str(fix))
    assert code == 0, out


def test_backup_and_restore_bring_back_the_data_and_the_accounts(db, tmp_path):
    before = tally(db)
    out = tmp_path / "backups" / "egov-备份.zip"
    code, text = run("backup", "--db", str(db), "--out", str(out))
    assert code == 0, text
    assert oct(out.stat().st_mode & 0o777) == "0o600"  # it holds password hashes
    with zipfile.ZipFile(out) as archive:
        assert set(archive.namelist()) == {"warehouse.duckdb", "accounts.json", "manifest.json"}
    correct(db, tmp_path, 4321)
    AccountStore.for_warehouse(db).add("新人", "viewer", PASSWORD)
    assert tally(db) == [4321]
    changed = db.read_bytes()

    code, text = run("restore", "--db", str(db), str(out))
    assert code == 0, text
    assert tally(db) == before
    assert [a.name for a in AccountStore.for_warehouse(db).list()] == ["管理员"]
    kept = db.with_name(db.name + ".before-restore")
    assert kept.read_bytes() == changed and "before-restore" in text
    assert not list(db.parent.glob("*.tmp"))


def test_a_restore_brings_back_the_account_scopes(db, tmp_path):
    """A unit account restored without its scope would be an editor of every unit: the scopes
    file travels with the accounts, and an unreadable one refuses the restore."""
    from pipelines.cycle.accounts import ScopeStore

    AccountStore.for_warehouse(db).add("华容县联络员", "editor", PASSWORD)
    ScopeStore.for_warehouse(db).set("华容县联络员", unit="华容县")
    out = tmp_path / "egov-备份.zip"
    code, text = run("backup", "--db", str(db), "--out", str(out))
    assert code == 0, text
    with zipfile.ZipFile(out) as archive:
        assert "scopes.json" in archive.namelist()
    ScopeStore.for_warehouse(db).remove("华容县联络员")
    assert ScopeStore.for_warehouse(db).get("华容县联络员") is None

    code, text = run("restore", "--db", str(db), str(out))
    assert code == 0, text
    assert ScopeStore.for_warehouse(db).get("华容县联络员").unit == "华容县"

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(bad, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        for name in source.namelist():
            if name not in ("scopes.json", "manifest.json"):
                target.writestr(name, source.read(name))
        broken = b'{"scopes": []}'
        import hashlib
        manifest["members"]["scopes.json"] = {"size": len(broken),
                                              "sha256": hashlib.sha256(broken).hexdigest()}
        target.writestr("scopes.json", broken)
        target.writestr("manifest.json", json.dumps(manifest))
    ScopeStore.for_warehouse(db).remove("华容县联络员")
    code, text = run("restore", "--db", str(db), str(bad))
    assert code == 1, text
    assert "scopes.json" in text
    assert ScopeStore.for_warehouse(db).get("华容县联络员") is None  # nothing changed


def test_a_backup_waits_for_a_writer_and_copies_a_whole_version(db, tmp_path):
    out = tmp_path / "b.zip"
    released = threading.Event()

    def writer() -> None:
        with writer_lock(db):
            time.sleep(1.5)
            released.set()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.2)
    bk.backup(db, out)
    assert released.is_set()  # the copy was taken after the writer let go
    thread.join()
    with zipfile.ZipFile(out) as archive:
        assert archive.read("warehouse.duckdb") == db.read_bytes()


def _tampered(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        members = {n: old.read(n) for n in old.namelist()}
        for name, data in change(members).items():
            new.writestr(name, data)
    return dst


def _flip_a_byte(members: dict) -> dict:
    data = bytearray(members["warehouse.duckdb"])
    data[len(data) // 2] ^= 0xFF
    return {**members, "warehouse.duckdb": bytes(data)}


def _not_duckdb(members: dict) -> dict:
    manifest = json.loads(members["manifest.json"])
    fake = b"not a database" * 100
    import hashlib

    manifest["members"]["warehouse.duckdb"] = {"size": len(fake),
                                               "sha256": hashlib.sha256(fake).hexdigest()}
    return {**members, "warehouse.duckdb": fake, "manifest.json": json.dumps(manifest)}


@pytest.mark.parametrize(("change", "words"), [
    (_flip_a_byte, "SHA-256"),
    (lambda m: {k: v for k, v in m.items() if k != "manifest.json"}, "manifest.json"),
    (lambda m: {**m, "../../evil.sh": b"rm -rf /"}, "unexpected files"),
    (_not_duckdb, "warehouse.duckdb"),
], ids=["damaged", "no-manifest", "extra-member", "not-a-warehouse"])
def test_a_bad_backup_is_refused_and_nothing_changes(db, tmp_path, change, words):
    good = tmp_path / "good.zip"
    bk.backup(db, good)
    bad = _tampered(good, tmp_path / "bad.zip", change)
    before = db.read_bytes()
    code, text = run("restore", "--db", str(db), str(bad))
    assert code == 1, text
    assert "Backup refused" in text and words in text and "Traceback" not in text
    assert db.read_bytes() == before
    assert not db.with_name(db.name + ".before-restore").exists()
    assert not list(db.parent.glob("*.tmp"))
    assert not (tmp_path.parent / "evil.sh").exists()


def test_a_file_that_is_no_zip_is_refused(db, tmp_path):
    bad = tmp_path / "x.zip"
    bad.write_text("hello", encoding="utf-8")
    code, text = run("restore", "--db", str(db), str(bad))
    assert code == 1 and "not an egov backup" in text


SLOW = """
import sys, time
from pathlib import Path
import pipelines.backup as bk
step, db, file = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
marker = Path(sys.argv[4])
if step == "backup":
    original = bk._sha256
    def slow(path):
        marker.touch()
        time.sleep(60)
        return original(path)
    bk._sha256 = slow
    bk.backup(db, file)
else:
    original = bk._check_warehouse
    def slow(path, file):
        marker.touch()
        time.sleep(60)
        return original(path, file)
    bk._check_warehouse = slow
    bk.restore(file, db)
"""


def _kill_midway(step: str, db: Path, file: Path, tmp_path: Path) -> None:
    marker = tmp_path / f"{step}.started"
    child = subprocess.Popen([sys.executable, "-c", SLOW, step, str(db), str(file), str(marker)],
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None, f"the {step} ended before it was killed"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()


def test_kill_9_during_a_backup_or_a_restore_leaves_the_warehouse_as_it_was(db, tmp_path):
    previous = tmp_path / "nightly.zip"
    bk.backup(db, previous)
    backup_bytes = previous.read_bytes()
    correct(db, tmp_path, 777)
    before = db.read_bytes()

    _kill_midway("backup", db, previous, tmp_path)
    assert db.read_bytes() == before
    assert previous.read_bytes() == backup_bytes  # last night's backup is whole

    _kill_midway("restore", db, previous, tmp_path)
    assert db.read_bytes() == before and tally(db) == [777]
    # the killed writer's lock is gone and its temporary files are swept by the next writer
    bk.restore(previous, db)
    assert tally(db) != [777]
    assert not list(db.parent.glob("*.tmp"))
