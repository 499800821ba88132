"""EGOV_PHASES=1: one line per phase of a load on stderr (time, CPU, memory); silent without."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from pipelines.scale_data import write_scale_data

LINE = re.compile(r"^\[phase\] (\S+) +[\d.]+ s wall +[\d.]+ s cpu  rss +\d+ MB  peak +\d+ MB$")


def _ingest(db: Path, files: list[Path], phases: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "EGOV_PHASES"}
    if phases:
        env["EGOV_PHASES"] = "1"
    return subprocess.run([sys.executable, "-m", "egov.cli", "ingest", "--db", str(db),
                           *map(str, files)], capture_output=True, text=True, cwd=ROOT,
                          env={**env, "PYTHONPATH": str(ROOT)}, timeout=300)


def test_phases_of_a_first_load_and_of_a_month_on_top(tmp_path):
    files = write_scale_data(tmp_path / "in", 6, months=[1, 2])
    db = tmp_path / "egov.duckdb"
    first = _ingest(db, files.all(), phases=True)
    assert first.returncode == 0, first.stderr
    lines = [line for line in first.stderr.splitlines() if line.startswith("[phase]")]
    assert all(LINE.match(line) for line in lines), lines
    names = [LINE.match(line).group(1) for line in lines]
    assert names == ["start-up", "open-state", "read+validate", "plan", "merge", "superseded",
                     "score", "revisions", "publish"]
    month = _ingest(db, [files.content[1]], phases=True)
    assert month.returncode == 0, month.stderr
    names = [LINE.match(line).group(1) for line in month.stderr.splitlines()
             if line.startswith("[phase]")]
    assert names[:4] == ["start-up", "open-state", "read+validate", "plan"]
    assert {"delta-copy", "delta-merge", "delta-commit"} <= set(names)


def test_no_phase_lines_without_the_variable(tmp_path):
    files = write_scale_data(tmp_path / "in", 4, months=[1])
    done = _ingest(tmp_path / "egov.duckdb", files.all(), phases=False)
    assert done.returncode == 0, done.stderr
    assert "[phase]" not in done.stderr
