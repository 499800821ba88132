"""The scopes of accounts (issue 18 item 1, 2, 4): an account may be scoped to assessing bodies
(it enters 年终评分 rows for their indicators only) or be a unit account (it loads its own 自评
and 整改台账 rows and sees only its own unit).

The accounts themselves (names, roles, passwords, sign-in) are `pipelines/access/`'s; a scope is
kept beside them, in `<accounts file stem>.scopes.json` (`egov.accounts.scopes.json`), keyed by
the account's name folded as sign-in compares names (NFKC, case-insensitive). A unit account is
an editor scoped to one unit: `egov user add NAME --role unit --unit 华容县` adds the editor
account and its unit scope. An account without an entry has no scope.
"""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

from filelock import FileLock

from pipelines import atomic
from pipelines.access.accounts import accounts_path
from pipelines.cycle.scope import Scope

UNIT_ROLE = "unit"  # `--role unit`: stored as an editor with a unit scope


class ScopeError(ValueError):
    """A scope that cannot be: a unit and bodies together, an empty name."""


def fold(name: str) -> str:
    """An account name as sign-in compares it: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


class ScopeStore:
    """The scopes file beside a warehouse's accounts file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = FileLock(str(self.path) + ".lock", is_singleton=True)

    @classmethod
    def for_warehouse(cls, db: Path) -> ScopeStore:
        accounts = accounts_path(db)
        return cls(accounts.with_name(accounts.stem + ".scopes.json"))

    def _read(self) -> dict[str, dict]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ScopeError(f"账户范围文件无法读取 cannot read the scopes file {self.path}: "
                             f"{err}") from None
        scopes = data.get("scopes") if isinstance(data, dict) else None
        if not isinstance(scopes, dict):
            raise ScopeError(f"账户范围文件格式不对 the scopes file is not valid: {self.path}")
        return scopes

    def check(self) -> None:
        """Read the file as a scopes file; raises ScopeError where it is not one."""
        self._read()

    def _write(self, scopes: dict[str, dict]) -> None:
        with atomic.replacing(self.path, mode=0o600) as tmp:
            tmp.write_text(json.dumps({"scopes": scopes}, ensure_ascii=False, indent=1),
                           encoding="utf-8")
            os.chmod(tmp, 0o600)  # always, even where an older file was readable by others

    def get(self, name: str | None) -> Scope | None:
        """The account's scope, or None (no scope: every unit and indicator)."""
        if not name:
            return None
        entry = self._read().get(fold(name))
        if not entry:
            return None
        return Scope(bodies=tuple(entry.get("bodies") or ()), unit=entry.get("unit"))

    def set(self, name: str, bodies: list[str] | tuple[str, ...] = (),
            unit: str | None = None) -> Scope | None:
        """Scope the account to these bodies, or to one unit; neither clears its scope."""
        clean = [b.strip() for b in bodies if b and b.strip()]
        unit = unit.strip() if unit else None
        if clean and unit:
            raise ScopeError("账户不能同时限定考核单位和被考核单位 / an account is scoped to "
                             "assessing bodies or to a unit, not both")
        with self._lock:
            scopes = self._read()
            if clean or unit:
                scopes[fold(name)] = {"name": name, "bodies": clean, "unit": unit}
            else:
                scopes.pop(fold(name), None)
            self._write(scopes)
        return self.get(name)

    def remove(self, name: str) -> None:
        """Forget the account's scope (with the account)."""
        self.set(name)

    def describe(self, name: str) -> str:
        """「考核单位 市大数据中心、市委网信办」, 「单位 华容县」, or ''."""
        scope = self.get(name)
        if scope is None:
            return ""
        return f"单位 {scope.unit}" if scope.unit else "考核单位 " + "、".join(scope.bodies)


def change_scope(db: Path, name: str, *, bodies: list[str] | tuple[str, ...] = (),
                 unit: str | None = None, clear: bool = False) -> str:
    """Scope an existing account anew (`egov user scope`, the account page): to these
    assessing bodies, to one unit (it becomes a unit account), or with `clear` to none (a unit
    account becomes an editor of every unit). Only an editor is scoped (a viewer loads nothing,
    an admin manages the accounts themselves). Returns the message to show; raises ScopeError
    naming the problem (no such account, another role, bodies and a unit together, nothing
    asked)."""
    from pipelines.access.accounts import AccountStore

    account = AccountStore.for_warehouse(db).get(name)
    if account is None:
        raise ScopeError(f"没有这个账户 no such account: {name.strip()}")
    wanted = [b for b in bodies if b and b.strip()] or (unit or "").strip()
    if clear == bool(wanted):
        raise ScopeError("请给出考核单位、被考核单位或清除范围之一 / give bodies, a unit or "
                         "clear, one of them")
    store = ScopeStore.for_warehouse(db)
    if clear:
        store.set(account.name)
        return f"已清除账户范围 scope cleared: {account.name} ({account.role},不限单位 any unit)"
    if account.role != "editor":
        raise ScopeError(f"账户 {account.name} 的角色是 {account.role}:只有编辑(editor)账户可以"
                         f"限定范围 / only an editor account is scoped; {account.name} is "
                         f"{account.role}")
    store.set(account.name, bodies=bodies, unit=unit)
    return f"账户范围已更新 scope changed: {account.name} ({store.describe(account.name)})"
