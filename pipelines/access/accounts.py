"""Local accounts for the dashboard: names, roles and argon2 password hashes, with lockout.

The store is a small JSON file beside the warehouse (`egov.duckdb` → `egov.accounts.json`, or
the file named by EGOV_ACCOUNTS), never inside it: loads, reverts and rebuilds of the warehouse
never touch accounts. It holds no passwords, only argon2id hashes (argon2-cffi), and is written
atomically (a temporary file renamed into place, mode 0600) under its own lock file.

Roles, each including the ones before it:
- viewer: reads every page;
- editor: also uploads workbooks and reverts loads (corrections);
- admin: also manages schemes and accounts.

Sign-in compares through argon2's own verification (constant time). Every name, known or not,
costs one argon2 verification, so timing does not tell which names exist. After
`MAX_FAILURES` wrong passwords in a row an account is locked for `LOCKOUT_MINUTES`.
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from filelock import FileLock

ROLES = ("viewer", "editor", "admin")
ROLE_ZH = {"viewer": "查看", "editor": "编辑", "admin": "管理员"}
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_NAME = 64

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("egov-no-such-account")


class AccountError(ValueError):
    """A refused account operation; the message is in Chinese and English."""


@dataclass(frozen=True)
class Account:
    """An account as listed (no hash)."""

    name: str
    role: str
    created_at: str
    failures: int
    locked_until: str | None
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


def role_at_least(role: str | None, needed: str) -> bool:
    """True when `role` includes the rights of `needed` (viewer < editor < admin)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


class AccountStore:
    """The accounts file of one warehouse."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = FileLock(str(self.path) + ".lock", is_singleton=True)

    @classmethod
    def for_warehouse(cls, db: Path) -> AccountStore:
        return cls(accounts_path(db))

    # -------------------------------------------------------------- reading -----------------
    def _read(self) -> dict[str, dict]:
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
        return users

    def _write(self, users: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp",
                                   dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"users": users}, handle, ensure_ascii=False, indent=1)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def has_accounts(self) -> bool:
        """True once any account exists (then the dashboard asks everyone to sign in)."""
        return bool(self._read())

    def list(self) -> list[Account]:
        """Every account, by name."""
        return [_account(n, u) for n, u in sorted(self._read().items())]

    def get(self, name: str) -> Account | None:
        user = self._read().get(clean_name(name))
        return _account(clean_name(name), user) if user else None

    # -------------------------------------------------------------- changing ----------------
    def add(self, name: str, role: str, password: str | None) -> Account:
        """A new account. `password` None: an account for single sign-on (OIDC) only."""
        name = check_name(name)
        if role not in ROLES:
            raise AccountError(f"未知角色 unknown role '{role}': {', '.join(ROLES)}")
        with self._lock:
            users = self._read()
            if name in users:
                raise AccountError(f"账户已存在 the account already exists: {name}"
                                   "(改密码用 egov user passwd / use egov user passwd)")
            users[name] = {"role": role, "hash": _hash(password) if password else None,
                           "created_at": _now().isoformat(sep=" "), "failures": 0,
                           "locked_until": None}
            self._write(users)
            return _account(name, users[name])

    def set_password(self, name: str, password: str) -> None:
        """A new password; also clears failures and any lockout."""
        name = clean_name(name)
        with self._lock:
            users = self._read()
            if name not in users:
                raise AccountError(f"没有这个账户 no such account: {name}")
            users[name].update(hash=_hash(password), failures=0, locked_until=None)
            self._write(users)

    def set_role(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise AccountError(f"未知角色 unknown role '{role}': {', '.join(ROLES)}")
        name = clean_name(name)
        with self._lock:
            users = self._read()
            if name not in users:
                raise AccountError(f"没有这个账户 no such account: {name}")
            users[name]["role"] = role
            self._write(users)

    def remove(self, name: str) -> None:
        name = clean_name(name)
        with self._lock:
            users = self._read()
            if users.pop(name, None) is None:
                raise AccountError(f"没有这个账户 no such account: {name}")
            self._write(users)

    # -------------------------------------------------------------- sign-in -----------------
    def sign_in(self, name: str, password: str) -> SignIn:
        """Check a name and password; count failures and lock after MAX_FAILURES."""
        name = clean_name(name)
        failed = SignIn(None, "账户或密码不对 / wrong name or password")
        if not password or len(password) > MAX_PASSWORD:
            return failed
        with self._lock:
            users = self._read()
            user = users.get(name)
            if user is None or not user.get("hash"):
                _verify(_DUMMY_HASH, password)  # the same work as for a real account
                return failed
            locked = user.get("locked_until")
            if locked and datetime.fromisoformat(locked) > _now():
                _verify(_DUMMY_HASH, password)
                return SignIn(None, f"连续输错密码,账户已锁定至 {locked} / too many failed "
                                    f"attempts: the account is locked until {locked}")
            if not _verify(user["hash"], password):
                user["failures"] = int(user.get("failures", 0)) + 1
                if user["failures"] >= MAX_FAILURES:
                    user["locked_until"] = (_now() + timedelta(minutes=LOCKOUT_MINUTES)
                                            ).isoformat(sep=" ")
                    user["failures"] = 0
                self._write(users)
                return failed
            user.update(failures=0, locked_until=None)
            if _HASHER.check_needs_rehash(user["hash"]):
                user["hash"] = _HASHER.hash(password)
            self._write(users)
            return SignIn(_account(name, user), "")


def clean_name(name: str) -> str:
    """Names are compared after NFKC normalisation and trimming."""
    return unicodedata.normalize("NFKC", str(name)).strip()


def check_name(name: str) -> str:
    """A usable account name: 1–64 printable characters, no spaces or control characters."""
    name = clean_name(name)
    if not name or len(name) > MAX_NAME or any(
            c.isspace() or unicodedata.category(c)[0] == "C" for c in name):
        raise AccountError("账户名应为 1–64 个可见字符,不含空格或控制字符 / an account name is "
                           "1–64 visible characters without spaces or control characters")
    return name


def check_password(password: str) -> str:
    """A usable password: at least MIN_PASSWORD characters."""
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符 / a password has at least "
                           f"{MIN_PASSWORD} characters")
    return password


def _hash(password: str) -> str:
    return _HASHER.hash(check_password(password))


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _account(name: str, user: dict) -> Account:
    return Account(name=name, role=str(user.get("role")), created_at=str(user.get("created_at")),
                   failures=int(user.get("failures", 0)), locked_until=user.get("locked_until"),
                   has_password=bool(user.get("hash")))


def accounts_frame(accounts: list[Account]):
    """Accounts as a table for `egov user list` and the admin page (no hashes)."""
    import polars as pl

    return pl.DataFrame(
        [{"name": a.name, "role": a.role, "created_at": a.created_at,
          "sign_in": "password" if a.has_password else "sso",
          "locked_until": a.locked_until or ""} for a in accounts],
        schema={"name": pl.String, "role": pl.String, "created_at": pl.String,
                "sign_in": pl.String, "locked_until": pl.String},
    )
