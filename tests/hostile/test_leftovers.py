"""A writer killed during publish leaves temporary files; the next write sweeps them, and never
touches a live writer's (issue 11, defect 13)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from egov.cli import main
from tests.hostile.corpus import BASE_UNITS, UNITS_HEADERS, csv_bytes
from warehouse import database

ROOT = Path(__file__).resolve().parents[2]
# Meant to be there: the writer lock and the refused-attempts journal `egov history` reads.
RECORDS = {"egov.duckdb.lock", "egov.duckdb.refused.jsonl"}
STUCK_PUBLISH = """
import os, sys, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from warehouse import database

def hang(src, dst):  # the rename never comes: killed in the middle of publishing
    print("writing", flush=True)
    time.sleep(600)

os.replace = hang
database.publish(Path(sys.argv[1]), database.read_state(Path(sys.argv[1])).tables)
"""


def _units(folder: Path) -> Path:
    units = folder / "units.csv"
    units.write_bytes(csv_bytes([UNITS_HEADERS, *BASE_UNITS]))
    return units


def test_kill_9_during_publish_then_the_next_write_sweeps(tmp_path):
    db = tmp_path / "egov.duckdb"
    assert CliRunner().invoke(main, ["schemes", "--db", str(db)]).exit_code == 0
    before = db.read_bytes()
    writer = subprocess.Popen([sys.executable, "-c", STUCK_PUBLISH, str(db), str(ROOT)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    leftovers = sorted(p.name for p in tmp_path.glob("egov.duckdb.*") if p.name not in RECORDS)
    assert leftovers and all(f".{writer.pid}." in n for n in leftovers)
    assert db.read_bytes() == before  # the old warehouse is whole

    result = CliRunner().invoke(main, ["ingest", "--db", str(db), str(_units(tmp_path))])
    assert result.exit_code == 0, result.output
    left = sorted(p.name for p in tmp_path.glob("egov.duckdb*") if p.name not in RECORDS)
    assert left == ["egov.duckdb"]


def test_a_live_writers_file_and_recent_unnamed_files_are_kept(tmp_path):
    db = tmp_path / "egov.duckdb"
    assert CliRunner().invoke(main, ["schemes", "--db", str(db)]).exit_code == 0
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    try:
        files = {
            "live": tmp_path / f"egov.duckdb.{live.pid}.abc.tmp",
            "ours": tmp_path / f"egov.duckdb.{os.getpid()}.abc.tmp",
            "dead": tmp_path / f"egov.duckdb.{gone.pid}.abc.tmp",
            "dead-wal": tmp_path / f"egov.duckdb.{gone.pid}.abc.tmp.wal",
            "old-style-new": tmp_path / "egov.duckdb.k2j3h4.tmp",
            "old-style-old": tmp_path / "egov.duckdb.q9w8e7.tmp",
            "other": tmp_path / "egov.duckdb.bak",
        }
        for path in files.values():
            path.write_bytes(b"x")
        hour_ago = time.time() - 2 * database.LEFTOVER_AGE
        os.utime(files["old-style-old"], (hour_ago, hour_ago))
        removed = database.sweep_leftovers(db)
        assert sorted(removed) == sorted([files["dead"], files["dead-wal"],
                                          files["old-style-old"]])
        assert all(files[k].exists() for k in ("live", "ours", "old-style-new", "other"))
    finally:
        live.kill()
        live.wait()
    shutil.rmtree(tmp_path, ignore_errors=True)
