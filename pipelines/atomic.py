"""Files written whole or not at all: a temporary file beside the target, flushed to disk, then
renamed over it (a rename within one folder is atomic on POSIX and Windows file systems).

A reader, or the office clerk opening the 通报, sees the old file or the new one, never half of
one; a full disk, a killed process or an error half-way leaves the old file as it was and no
temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(target: Path, mode: int = 0o644) -> Iterator[Path]:
    """A temporary path beside `target` to write; on leaving the block without an error it is
    flushed to disk and renamed over `target`; on an error it is removed and `target` kept.
    The new file gets the old one's permissions, or `mode` (0o600 for anything holding
    password hashes)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        with contextlib.suppress(FileNotFoundError):
            mode = target.stat().st_mode & 0o777
        os.chmod(tmp, mode)
        yield tmp
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def write_bytes(target: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `target` atomically (see the module docstring and `replacing`)."""
    with replacing(target, mode) as tmp:
        tmp.write_bytes(data)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX: fsync the folder); a no-op where not possible."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
