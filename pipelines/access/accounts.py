"""Local accounts for the dashboard: names, roles and argon2 password hashes.

The store is a small JSON file beside the warehouse (`egov.duckdb` → `egov.accounts.json`, or
the file named by EGOV_ACCOUNTS), never inside it: loads, reverts and rebuilds of the warehouse
never touch accounts. It holds no passwords, only argon2id hashes (argon2-cffi), and is written
atomically (a temporary file renamed into place, mode 0600) under its own lock file.

Roles, each including the ones before it:
- viewer: reads every page;
- editor: also uploads workbooks and reverts loads (corrections);
- admin: also manages schemes and accounts.

Names are shown as typed (after NFKC normalisation and trimming) but compared case-insensitively
after NFKC (`fold`): `Admin`, `admin` and `ａｄｍｉｎ` are one account. A file written before
this rule that holds two such names is refused with a message saying which to remove.

Passwords follow `pipelines.access.passwords` (NIST SP 800-63B) when set; sign-in compares
through argon2's own verification (constant time), and every name, known or not, costs one
argon2 verification, so timing does not tell which names exist. Failures slow further attempts
(`pipelines.access.throttle`) instead of locking the account; every refusal, for a wrong
password, an unknown name or a throttled attempt, says the same thing.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from filelock import FileLock

from pipelines import atomic
from pipelines.access.passwords import MAX_PASSWORD, WeakPassword, fold
from pipelines.access.passwords import check_password as _policy
from pipelines.access.throttle import Throttle

ROLES = ("viewer", "editor", "admin")
ROLE_ZH = {"viewer": "查看", "editor": "编辑", "admin": "管理员"}
MAX_NAME = 64
SIGN_IN_REFUSED = ("账户或密码不对,或尝试过于频繁,请稍后再试 / wrong name or password, or too "
                   "many attempts: wait a moment and try again")

_HASHER = PasswordHasher()
# What a name without an account is verified against, so that a sign-in costs one argon2
# verification whether the name exists or not. Written out rather than hashed at import: hashing
# costs about 0.2 s of CPU (64 MiB, 3 passes), which every dashboard server paid before its first
# page. Its parameters are the hasher's (tests/pipelines/access/test_accounts.py checks that
# `check_needs_rehash` is false), so verifying it takes the time a real account's hash takes.
_DUMMY_HASH = ("$argon2id$v=19$m=65536,t=3,p=4$Xr1Tx+AubA/H6jqiwXtVhQ"
               "$V+xGuzGayf+VLFoGZJWYy+Bfjo7C/3Cx0jeGdjjhsWI")


class AccountError(ValueError):
    """A refused account operation; the message is in Chinese and English."""


@dataclass(frozen=True)
class Account:
    """An account as listed (no hash), with its sign-in throttling."""

    name: str
    role: str
    created_at: str
    failures: int
    throttled_until: str | None
    has_password: bool


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the account on success, else why not."""

    account: Account | None
    message: str


def accounts_path(db: Path) -> Path:
    """Where the accounts of warehouse `db` live: EGOV_ACCOUNTS, else `<stem>.accounts.json`."""
    env = os.environ.get("EGOV_ACCOUNTS")
    if env:
        return Path(env)
    db = Path(db)
    return db.with_name(db.stem + ".accounts.json")


def beside(accounts: Path, suffix: str) -> Path:
    """A file kept with the accounts file: `egov.accounts.json` → `egov.accounts<suffix>`."""
    accounts = Path(accounts)
    return accounts.with_name(accounts.stem + suffix)


def role_at_least(role: str | None, needed: str) -> bool:
    """True when `role` includes the rights of `needed` (viewer < editor < admin)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


class AccountStore:
    """The accounts file of one warehouse."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = FileLock(str(self.path) + ".lock", is_singleton=True)
        self.throttle = Throttle(beside(self.path, ".throttle.json"))

    @classmethod
    def for_warehouse(cls, db: Path) -> AccountStore:
        return cls(accounts_path(db))

    # -------------------------------------------------------------- reading -----------------
    def _read(self, *, check: bool = True) -> dict[str, dict]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise AccountError(f"账户文件无法读取 cannot read the accounts file {self.path}: "
                               f"{err}") from None
        users = data.get("users") if isinstance(data, dict) else None
        if not isinstance(users, dict):
            raise AccountError(f"账户文件格式不对 the accounts file is not valid: {self.path}")
        if check:
            self._refuse_clashes(users)
        return users

    def _refuse_clashes(self, users: dict[str, dict]) -> None:
        """Names that fold to one (written before names were compared that way) are refused:
        which of them should sign in is the admin's choice, not ours."""
        seen: dict[str, str] = {}
        for name in users:
            other = seen.setdefault(fold(name), name)
            if other != name:
                raise AccountError(
                    f"账户文件 {self.path} 中的账户「{other}」和「{name}」只在大小写或全角/半角上"
                    f"不同,现在视为同一个账户。请删除其中一个(egov user remove '{name}' 或 "
                    f"egov user remove '{other}')后再用。 / The accounts file {self.path} holds "
                    f"'{other}' and '{name}', which differ only in case or width and now name "
                    f"one account. Remove one of them (egov user remove '{name}' or egov user "
                    f"remove '{other}') first.")

    def _write(self, users: dict[str, dict]) -> None:
        with atomic.replacing(self.path, mode=0o600) as tmp:
            tmp.write_text(json.dumps({"users": users}, ensure_ascii=False, indent=1),
                           encoding="utf-8")
            os.chmod(tmp, 0o600)  # always, even where an older file was readable by others

    @staticmethod
    def _find(users: dict[str, dict], name: str) -> str | None:
        """The stored spelling of the account `name` (compared folded), or None."""
        key = fold(clean_name(name))
        return next((stored for stored in users if fold(stored) == key), None)

    def has_accounts(self) -> bool:
        """True once any account exists (then the dashboard asks everyone to sign in)."""
        return bool(self._read(check=False))

    def list(self) -> list[Account]:
        """Every account, by name, with its throttling."""
        standings = self.throttle.standings()
        return [_account(n, u, standings.get(fold(n)))
                for n, u in sorted(self._read().items())]

    def get(self, name: str) -> Account | None:
        """The account `name` (compared case-insensitively after NFKC), or None."""
        users = self._read()
        stored = self._find(users, name)
        if stored is None:
            return None
        return _account(stored, users[stored], self.throttle.standing(fold(stored)))

    # -------------------------------------------------------------- changing ----------------
    def add(self, name: str, role: str, password: str | None) -> Account:
        """A new account. `password` None: an account for single sign-on (OIDC) only."""
        name = check_name(name)
        if role not in ROLES:
            raise AccountError(f"未知角色 unknown role '{role}': {', '.join(ROLES)}")
        hashed = _hash(password, name) if password is not None else None
        with self._lock:
            users = self._read()
            existing = self._find(users, name)
            if existing is not None:
                raise AccountError(f"账户已存在 the account already exists: {existing}"
                                   "(改密码用 egov user passwd / use egov user passwd)")
            users[name] = {"role": role, "hash": hashed,
                           "created_at": _now().isoformat(sep=" ")}
            self._write(users)
            return _account(name, users[name], None)

    def set_password(self, name: str, password: str) -> None:
        """A new password (checked against the policy); also forgets failed attempts and ends
        the account's open dashboard sessions."""
        with self._lock:
            users = self._read()
            stored = self._find(users, name)
            if stored is None:
                raise AccountError(f"没有这个账户 no such account: {clean_name(name)}")
            users[stored].update(hash=_hash(password, stored))
            users[stored].pop("failures", None)  # the lockout of earlier versions
            users[stored].pop("locked_until", None)
            self._write(users)
        self.throttle.clear(fold(stored))
        from pipelines.access.sessions import SessionStore

        SessionStore(self.path).close_all(stored)  # a new password signs the old one out

    def set_role(self, name: str, role: str) -> None:
        """Change the role of the account `name`."""
        if role not in ROLES:
            raise AccountError(f"未知角色 unknown role '{role}': {', '.join(ROLES)}")
        with self._lock:
            users = self._read()
            stored = self._find(users, name)
            if stored is None:
                raise AccountError(f"没有这个账户 no such account: {clean_name(name)}")
            users[stored]["role"] = role
            self._write(users)

    def remove(self, name: str) -> None:
        """Remove the account `name`. A name spelled exactly as stored is removed even from a
        file holding names that differ only in case (that is how such a file is repaired)."""
        with self._lock:
            users = self._read(check=False)
            stored = clean_name(name) if clean_name(name) in users else None
            if stored is None:
                self._refuse_clashes(users)
                stored = self._find(users, name)
            if stored is None:
                raise AccountError(f"没有这个账户 no such account: {clean_name(name)}")
            del users[stored]
            self._write(users)

    # -------------------------------------------------------------- sign-in -----------------
    def sign_in(self, name: str, password: str, address: str | None = None) -> SignIn:
        """Check a name and password from client `address` (None: this machine). Too many
        failures for the name or the address make the next attempt wait (see throttle.py);
        every refusal carries the same message."""
        failed = SignIn(None, SIGN_IN_REFUSED)
        key = fold(clean_name(name))
        if not key or len(key) > 4 * MAX_NAME or not password or len(password) > MAX_PASSWORD:
            return failed
        if not self.throttle.begin(key, address):
            return failed
        users = self._read()
        stored = self._find(users, key)
        user = users.get(stored) if stored is not None else None
        if user is None or not user.get("hash"):
            _verify(_DUMMY_HASH, password)  # the same work as for a real account
            return failed
        if not _verify(user["hash"], password):
            return failed
        self.throttle.succeeded(key, address)
        if _HASHER.check_needs_rehash(user["hash"]):
            with self._lock:
                users = self._read()
                if stored in users:
                    users[stored]["hash"] = _HASHER.hash(password)
                    self._write(users)
        return SignIn(_account(stored, user, None), "")


def clean_name(name: str) -> str:
    """A name as shown: NFKC-normalised and trimmed (comparison also folds case: `fold`)."""
    return unicodedata.normalize("NFKC", str(name)).strip()


def check_name(name: str) -> str:
    """A usable account name: 1–64 printable characters, no spaces or control characters."""
    name = clean_name(name)
    if not name or len(name) > MAX_NAME or any(
            c.isspace() or unicodedata.category(c)[0] == "C" for c in name):
        raise AccountError("账户名应为 1–64 个可见字符,不含空格或控制字符 / an account name is "
                           "1–64 visible characters without spaces or control characters")
    return name


def check_password(password: str, name: str | None = None) -> str:
    """`password` when the policy (`pipelines.access.passwords`) allows it for `name`; else
    AccountError saying why in Chinese and English."""
    try:
        return _policy(password, name)
    except WeakPassword as err:
        raise AccountError(str(err)) from None


def _hash(password: str, name: str) -> str:
    return _HASHER.hash(check_password(password, name))


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _account(name: str, user: dict, standing) -> Account:
    until = None
    if standing is not None and standing.wait_until is not None:
        until = datetime.fromtimestamp(standing.wait_until).replace(microsecond=0).isoformat(
            sep=" ")
    return Account(name=name, role=str(user.get("role")), created_at=str(user.get("created_at")),
                   failures=standing.failures if standing is not None else 0,
                   throttled_until=until, has_password=bool(user.get("hash")))


def accounts_frame(accounts: list[Account]):
    """Accounts as a table for `egov user list` and the admin page (no hashes): how each signs
    in, failed attempts in a row, and until when sign-in waits (empty: it does not)."""
    import polars as pl

    return pl.DataFrame(
        [{"name": a.name, "role": a.role, "created_at": a.created_at,
          "sign_in": "password" if a.has_password else "sso", "failures": a.failures,
          "throttled_until": a.throttled_until or ""} for a in accounts],
        schema={"name": pl.String, "role": pl.String, "created_at": pl.String,
                "sign_in": pl.String, "failures": pl.Int64, "throttled_until": pl.String},
    )
