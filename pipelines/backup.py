"""`egov backup` and `egov restore`: the warehouse, its accounts and its refused-attempts journal
in one file, taken while the dashboard serves and loads may run, and brought back after checks.

A backup is a zip archive: `warehouse.duckdb`, `accounts.json`, the accounts' `scopes.json`
(issue 18) and `refused.jsonl` (when they exist) and `manifest.json` (format, version, when,
from where, each member's size and SHA-256).

- Consistent: the copy is taken under the warehouse's writer lock (pipelines/access/lock.py), so
  no load, revert or scheme change publishes half-way through it, and the accounts under the
  accounts file's own lock; readers (the dashboard, `egov scores`) are not stopped. Every
  publish renames a whole new file into place, so the copy is one whole version.
- Atomic: the archive is written to a temporary file beside FILE and renamed into place
  (pipelines/atomic.py); a killed backup leaves the previous FILE as it was.
- Restore checks before it replaces anything: a zip with the manifest, only the expected
  members, every SHA-256 right, room on the disk, the warehouse a DuckDB file with egov's tables
  that opens, the accounts file readable as accounts. Then, under the writer lock, the current
  warehouse is kept as `<warehouse>.before-restore` and each file is replaced by a rename: a
  restore killed at any moment leaves the warehouse either as it was or as restored, never half.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from filelock import FileLock

from pipelines import atomic
from pipelines.access.accounts import AccountError, AccountStore, accounts_path
from pipelines.access.lock import writer_lock
from pipelines.corrections.journal import journal_path
from pipelines.cycle.accounts import ScopeError, ScopeStore
from pipelines.inputs.problems import InputRejected, Problem
from warehouse import database

FORMAT, VERSION = "egov-backup", 1
WAREHOUSE, ACCOUNTS, SCOPES, REFUSED, MANIFEST = (
    "warehouse.duckdb", "accounts.json", "scopes.json", "refused.jsonl", "manifest.json")
MEMBERS = (WAREHOUSE, ACCOUNTS, SCOPES, REFUSED)
REQUIRED_TABLES = ("schemes", "units", "loads", "results")
CHUNK = 4 * 1024 * 1024


class BackupRefused(InputRejected):
    """A backup file that cannot be restored; nothing was changed."""

    def head(self) -> str:
        n = len(self.problems)
        return (f"备份文件未通过检查,共 {n} 个问题,未作任何更改。 / Backup refused: {n} "
                f"problem(s); nothing was changed.")


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or a restore copied: member name -> bytes."""

    file: Path
    members: dict[str, int]
    kept: Path | None = None  # restore: the warehouse as it was before

    def render(self, verb: str) -> str:
        sizes = ", ".join(f"{name} {size / 1024 / 1024:.1f} MB"
                          for name, size in self.members.items())
        line = f"{verb} {self.file}: {sizes}"
        if self.kept is not None:
            line += f"\n原数据仓库已保留为 the previous warehouse is kept as {self.kept}"
        return line


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(db: Path, out: Path) -> BackupSummary:
    """Write the backup of warehouse `db` (with its accounts and journal) to `out`, atomically,
    under the writer lock. Raises BackupRefused when there is no warehouse."""
    db = Path(db)
    if not db.exists():
        raise BackupRefused([Problem(str(db), None, None, None, None, "数据仓库不存在",
                                     "the warehouse does not exist")])
    sources = _files(db)
    with atomic.replacing(Path(out), mode=0o600) as tmp, writer_lock(db), \
            FileLock(str(sources[ACCOUNTS]) + ".lock", is_singleton=True):
        manifest: dict = {"format": FORMAT, "version": VERSION,
                          "created": datetime.now().isoformat(timespec="seconds"),
                          "warehouse": str(db.resolve()), "members": {}}
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED,
                             compresslevel=1) as archive:
            for name, source in sources.items():
                if not source.exists():
                    continue
                archive.write(source, name)
                manifest["members"][name] = {"size": source.stat().st_size,
                                             "sha256": _sha256(source)}
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return BackupSummary(Path(out), {n: m["size"] for n, m in manifest["members"].items()})


def _files(db: Path) -> dict[str, Path]:
    """Where each member of a backup of `db` lives: the scopes go with the accounts (a unit
    account restored without its scope would be an editor of every unit)."""
    return {WAREHOUSE: db, ACCOUNTS: accounts_path(db),
            SCOPES: ScopeStore.for_warehouse(db).path, REFUSED: journal_path(db)}


def _refuse(file: Path, zh: str, en: str, member: str | None = None) -> BackupRefused:
    return BackupRefused([Problem(str(file), member, None, None, None, zh, en)])


def check(file: Path) -> dict:
    """The backup's manifest, after checking the archive (see the module docstring) but not its
    contents' meaning. Raises BackupRefused."""
    file = Path(file)
    if not zipfile.is_zipfile(file):
        raise _refuse(file, "不是 egov 备份文件(应为 zip 归档)",
                      "not an egov backup (a zip archive is expected)")
    with zipfile.ZipFile(file) as archive:
        names = archive.namelist()
        unexpected = [n for n in names if n not in (*MEMBERS, MANIFEST)]
        if unexpected:
            raise _refuse(file, f"备份中有不应有的文件: {', '.join(unexpected[:5])}",
                          f"the backup holds unexpected files: {', '.join(unexpected[:5])}")
        if MANIFEST not in names or WAREHOUSE not in names:
            raise _refuse(file, "备份缺少 manifest.json 或 warehouse.duckdb",
                          "the backup lacks manifest.json or warehouse.duckdb")
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except ValueError:
            raise _refuse(file, "manifest.json 无法读取", "manifest.json is not valid JSON",
                          MANIFEST) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
                or manifest.get("version") != VERSION:
            raise _refuse(file, f"不是本版本的 egov 备份(需要 {FORMAT} 版本 {VERSION})",
                          f"not an egov backup of this version ({FORMAT} version {VERSION})",
                          MANIFEST)
        listed = manifest.get("members")
        if not isinstance(listed, dict) or set(listed) != set(names) - {MANIFEST}:
            raise _refuse(file, "manifest.json 所列文件与备份内容不符",
                          "manifest.json does not list the backup's files", MANIFEST)
        for name in listed:
            info = archive.getinfo(name)
            if info.file_size != listed[name].get("size"):
                raise _refuse(file, "文件大小与 manifest 不符", "size differs from the manifest",
                              name)
    return manifest


def _extract(archive: zipfile.ZipFile, name: str, target: Path, sha256: str, file: Path) -> None:
    digest = hashlib.sha256()
    with archive.open(name) as source, target.open("wb") as sink:
        for block in iter(lambda: source.read(CHUNK), b""):
            digest.update(block)
            sink.write(block)
        sink.flush()
        os.fsync(sink.fileno())
    if digest.hexdigest() != sha256:
        raise _refuse(file, "SHA-256 与 manifest 不符:备份文件已损坏",
                      "SHA-256 differs from the manifest: the backup is damaged", name)


def _check_warehouse(path: Path, file: Path) -> None:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as err:
        raise _refuse(file, f"数据仓库无法打开: {err}", f"the warehouse does not open: {err}",
                      WAREHOUSE) from None
    try:
        tables = {r[0] for r in con.sql(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise _refuse(file, f"不是 egov 数据仓库:缺少表 {', '.join(missing)}",
                          f"not an egov warehouse: tables {', '.join(missing)} are missing",
                          WAREHOUSE)
        con.sql("SELECT count(*) FROM loads").fetchall()
    finally:
        con.close()


def restore(file: Path, db: Path) -> BackupSummary:
    """Bring back the backup `file` as warehouse `db` (and its accounts and journal), after the
    checks of the module docstring; the warehouse as it was is kept as `<db>.before-restore`.
    Raises BackupRefused (nothing changed)."""
    file, db = Path(file), Path(db)
    manifest = check(file)
    members = manifest["members"]
    need = sum(m["size"] for m in members.values())
    db.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(db.parent).free
    if need * 2 > free:  # the restored files and the kept warehouse
        raise _refuse(file, f"磁盘空间不足:需要约 {need * 2 / 2**20:.0f} MB",
                      f"not enough disk space: about {need * 2 / 2**20:.0f} MB needed")
    targets = _files(db)
    staged: dict[str, Path] = {}
    kept = db.with_name(db.name + ".before-restore")
    try:
        with zipfile.ZipFile(file) as archive:
            for name in members:
                staged[name] = database.temporary_beside(targets[name])
                _extract(archive, name, staged[name], members[name]["sha256"], file)
        _check_warehouse(staged[WAREHOUSE], file)
        if ACCOUNTS in staged:
            try:
                AccountStore(staged[ACCOUNTS]).list()
            except AccountError as err:
                raise _refuse(file, f"账户文件无效: {err}", f"the accounts file is invalid: {err}",
                              ACCOUNTS) from None
        if SCOPES in staged:
            try:
                ScopeStore(staged[SCOPES]).check()
            except ScopeError as err:
                raise _refuse(file, f"账户范围文件无效: {err}",
                              f"the account scopes file is invalid: {err}", SCOPES) from None
        with writer_lock(db):
            if db.exists():
                with atomic.replacing(kept, mode=0o600) as tmp:
                    shutil.copyfile(db, tmp)
            for name in (ACCOUNTS, SCOPES, REFUSED, WAREHOUSE):  # the warehouse last
                if name in staged:
                    os.chmod(staged[name], 0o600 if name in (ACCOUNTS, SCOPES) else 0o644)
                    os.replace(staged[name], targets[name])
    finally:
        for path in staged.values():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    return BackupSummary(file, {n: m["size"] for n, m in members.items()},
                         kept if kept.exists() else None)
