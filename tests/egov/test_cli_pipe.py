"""`egov ... | head`: a reader that stops reading is not a fault (exit 0, nothing on stderr)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT


def _egov(*args: str, closed: bool) -> tuple[int, str]:
    """Run egov; with `closed`, stdout is a pipe whose reading end is already closed (what
    `| head` leaves once head has its lines): every write to stdout fails with EPIPE."""
    read, write = os.pipe()
    if closed:
        os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "egov.cli", *args],
                              stdout=write if closed else subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(write)
        if not closed:
            os.close(read)
    return proc.returncode, proc.stderr


def _with_closed_stdout(*args: str) -> tuple[int, str]:
    """Exit code and stderr into a closed pipe, checked against the same command's stderr with
    a reader that reads everything (notes such as 示例数据 stay; no error is added)."""
    code, err = _egov(*args, closed=True)
    assert "Broken pipe" not in err and "Traceback" not in err
    assert err == _egov(*args, closed=False)[1]
    return code, ""


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_scores_into_a_closed_pipe_exits_quietly(demo_db, fmt):
    code, err = _with_closed_stdout("scores", "--db", str(demo_db), "--scheme", "yueyang-2017",
                                    "--year", "2017", "--format", fmt)
    assert (code, err) == (0, "")


def test_schemes_into_a_closed_pipe_exits_quietly(demo_db):
    code, err = _with_closed_stdout("schemes", "--db", str(demo_db), "--format", "json")
    assert (code, err) == (0, "")
