"""The worst hostile files at the default limits are refused within a small memory bound: one
fresh process reads them all (issue 11: a 2.3 KB workbook asked for 512 GB, a 1 KB scheme
file grew to 12 GB). The peak resident size of that process is printed (pytest -s)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOUND_MB = 700  # the stack alone (Polars, DuckDB, pydantic, fastexcel) takes about 250 MB

SCRIPT = """
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from click.testing import CliRunner
from egov.cli import main
from tests.hostile import corpus

def peak():
    # VmHWM is this process's own high-water mark; ru_maxrss would carry the parent's (pytest's)
    # resident size from the fork, which a long suite run grows past the bound by itself
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

worst = {"xfd-cell", "far-row-and-column", "cells-without-address", "row-past-excel",
         "zip-bomb-ratio", "shared-strings-bomb", "yaml-laughs-indicators", "yaml-laughs-flat",
         "yaml-laughs-merge-keys", "many-sheets-of-errors", "long-value-echo"}
out = {"start_mb": peak(), "cases": {}}
with tempfile.TemporaryDirectory() as tmp:
    db = Path(tmp) / "egov.duckdb"
    CliRunner().invoke(main, ["schemes", "--db", str(db)])
    out["warehouse_mb"] = peak()
    for case in corpus.CASES:
        if case.name not in worst:
            continue
        folder = Path(tmp) / case.name
        folder.mkdir()
        args = [a.replace("{db}", str(db)) for a in case.build(folder)]
        result = CliRunner().invoke(main, args)
        out["cases"][case.name] = [result.exit_code, peak()]
print(json.dumps(out))
"""


def test_worst_hostile_files_stay_within_the_memory_bound():
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT)], capture_output=True,
                          text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=1))
    assert len(result["cases"]) == 11
    assert all(code == 1 for code, _ in result["cases"].values()), result
    assert max(mb for _, mb in result["cases"].values()) < BOUND_MB, result
