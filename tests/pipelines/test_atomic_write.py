"""Files written whole or not at all (issue 22, item 10: the 通报 .docx): a write that fails
half-way (here: the file-size limit of a full disk) leaves the old file as it was and no
temporary file behind."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from pipelines import atomic


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "通报.docx"
    target.write_bytes(b"old notice")
    target.chmod(0o640)

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic.write_bytes(target, b"new notice" * 1000)
    assert target.read_bytes() == b"old notice"
    assert [p.name for p in tmp_path.iterdir()] == ["通报.docx"]


def test_a_write_replaces_whole_and_keeps_permissions(tmp_path):
    target = tmp_path / "sub" / "通报.docx"
    atomic.write_bytes(target, b"first")
    assert target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o600)
    atomic.write_bytes(target, b"second")
    assert target.read_bytes() == b"second" and target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["通报.docx"]


def _limit_file_size() -> None:
    # a disk that fills up after 4 KB: every write past it fails with EFBIG (Python ignores
    # SIGXFSZ)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_egov_notice_on_a_full_disk_keeps_the_previous_notice(demo_db, tmp_path):
    out = tmp_path / "通报.docx"
    previous = b"previous notice " * 1000  # 16 KB: more than the limit, written before it
    out.write_bytes(previous)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "egov"), "notice", "--db", str(demo_db), "--scheme",
         "yueyang-2017", "--year", "2017", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, preexec_fn=_limit_file_size)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert out.read_bytes() == previous
    assert [p.name for p in tmp_path.iterdir()] == ["通报.docx"]
