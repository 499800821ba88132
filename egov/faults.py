"""Faults of the environment, reported as a user can act on them, never as a traceback.

Another program holding the warehouse's lock, a read-only file or folder, a full disk, a
truncated, empty or foreign warehouse file: none is a bug of egov and none loses data (every
write builds a new file and renames it into place). `report` turns the exception into two lines,
Chinese and English, naming the file and what to do; the command line prints them and exits 1.
An exception that fits none of these is still reported (its type and message), with a pointer to
EGOV_DEBUG=1 for the traceback.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import duckdb

DEBUG_VARIABLE = "EGOV_DEBUG"

_LOCKED = re.compile(r"Could not set lock|Conflicting lock|lock on file", re.I)
_PID = re.compile(r"\(PID (\d+)\)")
_DAMAGED = re.compile(
    r"not a valid DuckDB database|Could not read enough bytes|Corrupt database|checksum|"
    r"Failed to download extension|Serialization Error|database file .* is not|"
    r"unsupported version|storage version|INTERNAL Error|magic bytes",
    re.I,
)
_NO_SPACE = re.compile(r"No space left on device|disk is full|disk full", re.I)
_READ_ONLY_FS = re.compile(r"Read-only file system", re.I)
_DENIED = re.compile(r"Permission denied|Operation not permitted", re.I)
_QUOTED_PATH = re.compile(r'"(/[^"]+)"')


def report(err: BaseException, db: Path | None = None) -> str:
    """A bilingual report of an environment fault (or of an unexpected error) for stderr."""
    where = _path_of(err) or (str(db) if db else None)
    at = f"「{where}」" if where else ""
    at_en = f" {where}" if where else ""
    text = str(err)
    head = "未作任何更改 / nothing was changed."
    if isinstance(err, duckdb.Error) and _LOCKED.search(text):
        pid = _PID.search(text)
        holder = f"(进程 PID {pid.group(1)})" if pid else ""
        holder_en = f" (PID {pid.group(1)})" if pid else ""
        return (f"数据仓库{at}正被另一个程序占用{holder}:请关闭它(如另一个 egov 命令或 DuckDB 窗口)"
                f"后重试。{head}\n"
                f"The warehouse{at_en} is locked by another program{holder_en}: close it (another "
                "egov command or a DuckDB shell) and try again.")
    if isinstance(err, MemoryError | duckdb.OutOfMemoryException):
        return (f"内存不足,操作已中止。{head}\n"
                "Out of memory; the operation was stopped. Check the limits (README, Limits).")
    if _is_no_space(err):
        return (f"磁盘空间不足,无法写入{at}。数据仓库保持原样;请腾出空间后重试。{head}\n"
                f"The disk is full: cannot write{at_en}. The warehouse is as it was; free some "
                "space and try again.")
    if _is_read_only(err):
        return (f"没有写入权限{at}(文件或文件夹只读,或文件系统只读)。数据仓库保持原样。{head}\n"
                f"No permission to write{at_en} (a read-only file, folder or file system). The "
                "warehouse is as it was.")
    if isinstance(err, IsADirectoryError):
        return (f"{at}是一个文件夹,不是数据仓库文件。{head}\n"
                f"{where or 'The path'} is a folder, not a warehouse file.")
    if isinstance(err, duckdb.CatalogException | duckdb.BinderException):
        return (f"{at or '该文件'}不是 egov 数据仓库(缺少 egov 的表或列),未被改动。"
                "请换一个 --db 路径(新路径会自动建库),或用 egov build 重建。\n"
                f"{where or 'The file'} is not an egov warehouse (egov's tables or columns are "
                "missing); it was left untouched. Use another --db path (a new path is created) "
                "or rebuild with egov build.")
    if isinstance(err, duckdb.Error) and _DAMAGED.search(text):
        return (f"数据仓库文件{at}已损坏、被截断,或不是 DuckDB 数据库,未被改动。请从备份恢复,或用 "
                f"egov build --db 新路径 重新生成。\n"
                f"The warehouse file{at_en} is damaged, truncated or not a DuckDB database; it "
                "was left untouched. Restore it from a backup, or rebuild with egov build --db "
                "NEW_PATH.")
    if isinstance(err, OSError):
        reason = err.strerror or text
        return (f"文件系统错误{at}: {reason}。{head}\n"
                f"File system error{at_en}: {reason}.")
    if isinstance(err, duckdb.Error):
        return (f"数据仓库{at}无法读写: {_first_line(text)}。{head}\n"
                f"The warehouse{at_en} cannot be read or written: {_first_line(text)}.")
    return (f"内部错误 internal error: {type(err).__name__}: {_first_line(text)}。{head}\n"
            f"This is a fault of egov, not of your input; run again with {DEBUG_VARIABLE}=1 "
            "for the details and report them.")


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:300]


def _path_of(err: BaseException) -> str | None:
    filename = getattr(err, "filename", None)
    if filename:
        return str(filename)
    m = _QUOTED_PATH.search(str(err))
    return m.group(1) if m else None


def _is_no_space(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(err, duckdb.Error | OSError) and bool(_NO_SPACE.search(str(err)))


def _is_read_only(err: BaseException) -> bool:
    if isinstance(err, PermissionError):
        return True
    if isinstance(err, OSError) and err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return True
    text = str(err)
    return isinstance(err, duckdb.Error | OSError) and bool(
        _READ_ONLY_FS.search(text) or _DENIED.search(text))
