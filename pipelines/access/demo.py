"""Access for `egov demo`: a newcomer reads the sample warehouse without signing in, and gets a
demo editor account (printed once) to try uploads and reverts.

Only a warehouse that holds sample data alone (示例数据, every unit flagged) is opened to
anonymous readers; a warehouse with real data keeps the ordinary rule (sign-in once accounts
exist). The demo account is made only when the accounts store is empty.
"""

from __future__ import annotations

import functools
import secrets
from pathlib import Path

import duckdb

from pipelines.access.accounts import AccountStore

DEMO_ACCOUNT = "demo"


def sample_only(db: Path) -> bool:
    """True when every unit in the warehouse is sample data (and there is at least one).

    Asked on every page run of `egov demo` (dashboard/access/signin.py): an answer is kept per
    version of the file (its path, modification time and size, which every load changes, as the
    pages' cache does), so a run does not open a connection of its own to ask again. A file that
    cannot be read (not a warehouse, or locked by a writer) answers False and is asked again."""
    try:
        info = Path(db).stat()
        return _sample_only(str(db), info.st_mtime_ns, info.st_size)
    except (OSError, duckdb.Error):  # not a warehouse (the dashboard says so): nothing opened
        return False


@functools.lru_cache(maxsize=8)
def _sample_only(db: str, mtime_ns: int, size: int) -> bool:
    del mtime_ns, size  # only part of the key: another version of the file is asked afresh
    con = duckdb.connect(db, read_only=True)
    try:
        count, all_sample = con.execute(
            "SELECT count(*), bool_and(is_sample) FROM units").fetchone()
    finally:
        con.close()
    return bool(count) and bool(all_sample)


def prepare(db: Path) -> tuple[bool, list[str]]:
    """Whether anonymous visitors may read, and lines to print for the newcomer."""
    if not sample_only(db):
        return False, []
    store = AccountStore.for_warehouse(db)
    if not store.has_accounts():
        password = secrets.token_urlsafe(9)
        store.add(DEMO_ACCOUNT, "editor", password)
        return True, [
            f"示例账户 demo account: {DEMO_ACCOUNT} / {password}  (编辑 editor: 可试导入与撤销 "
            "to try uploads and reverts; 密码只显示这一次 the password is shown only now)",
        ]
    if store.get(DEMO_ACCOUNT) is not None:
        return True, [f"示例账户 demo account: {DEMO_ACCOUNT} (忘记密码 forgot the password: "
                      f"egov user passwd {DEMO_ACCOUNT})"]
    return True, []
