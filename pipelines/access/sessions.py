"""Dashboard sign-in sessions that outlast a browser tab, and end everywhere on sign-out.

A password sign-in opens a session here and the browser keeps only a cookie holding the
session's random id, signed with the server's secret (itsdangerous, timestamped). The cookie is
HttpOnly, SameSite=Lax (and Secure over HTTPS); see `dashboard/access/session_routes.py`. The
server keeps the list of open sessions, so signing out removes the session and every tab or browser
holding its cookie is signed out at its next step.

A session ends `LIFETIME` after sign-in or `IDLE` after its last use, whichever comes first:
SP 800-63B-4's reauthentication limits for AAL2 (24 hours overall, 1 hour of inactivity).
A single sign-on (OIDC) identity keeps Streamlit's own identity cookie; it is held to the same
`LIFETIME` from the identity token's issue time, and signing out records the time so that every
other session of that identity ends too (`sso_signed_out`).

Files, kept with the accounts file and never in the repository (mode 0600):
- `egov.accounts.secret`: the signing secret, made on first use (a new one ends every session);
- `egov.accounts.sessions.json`: open sessions by SHA-256 of their id (so the file alone opens
  nothing), and when each single sign-on identity last signed out.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock
from itsdangerous import BadSignature, TimestampSigner

LIFETIME = 24 * 3600.0
IDLE = 3600.0
TOUCH_EVERY = 60.0  # write a session's last use at most once a minute
MAX_SESSIONS = 10_000
HANDOFF_SECONDS = 60.0
COOKIE = "egov_session"
_SALT = "egov-dashboard-session"


@dataclass(frozen=True)
class Session:
    """An open session: who, how they signed in, and when (epoch seconds)."""

    name: str
    via: str
    created: float
    last_seen: float


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


class SessionStore:
    """The sessions of one accounts file (`accounts`: the path of `egov.accounts.json`)."""

    def __init__(self, accounts: Path, clock: Callable[[], float] = time.time):
        accounts = Path(accounts)
        self.path = accounts.with_name(accounts.stem + ".sessions.json")
        self.secret_path = accounts.with_name(accounts.stem + ".secret")
        self._lock = FileLock(str(self.path) + ".lock", is_singleton=True)
        self.clock = clock

    # ------------------------------------------------------------------ secret --------------
    def _secret(self) -> str:
        with self._lock:
            try:
                secret = self.secret_path.read_text(encoding="utf-8").strip()
            except FileNotFoundError:
                secret = ""
            if len(secret) < 32:
                secret = secrets.token_hex(32)
                _write_private(self.secret_path, secret + "\n")
            return secret

    def _signer(self) -> TimestampSigner:
        return TimestampSigner(self._secret(), salt=_SALT)

    # ------------------------------------------------------------------ file ----------------
    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            data = {}  # no sessions, or a damaged file: everyone signs in again
        if not isinstance(data, dict):
            data = {}
        now = self.clock()
        sessions = data.get("sessions") if isinstance(data.get("sessions"), dict) else {}
        sessions = {k: v for k, v in sessions.items()
                    if isinstance(v, dict) and self._alive(v, now)}
        signed_out = data.get("sso_signed_out")
        signed_out = signed_out if isinstance(signed_out, dict) else {}
        signed_out = {k: v for k, v in signed_out.items()
                      if isinstance(v, int | float) and now - v < LIFETIME}
        return {"sessions": sessions, "sso_signed_out": signed_out}

    def _write(self, data: dict) -> None:
        sessions = data["sessions"]
        if len(sessions) > MAX_SESSIONS:  # keep the most recently used
            newest = sorted(sessions.items(), key=lambda kv: kv[1].get("last_seen", 0))
            data["sessions"] = dict(newest[-MAX_SESSIONS:])
        _write_private(self.path, json.dumps(data, ensure_ascii=False))

    @staticmethod
    def _alive(entry: dict, now: float) -> bool:
        try:
            return (now - float(entry["created"]) < LIFETIME
                    and now - float(entry["last_seen"]) < IDLE)
        except (KeyError, TypeError, ValueError):
            return False

    # ------------------------------------------------------------------ sessions ------------
    def open(self, name: str, via: str = "password") -> str:
        """A new session for the account `name`; returns the signed token for the cookie."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            data = self._read()
            data["sessions"][_hash(session_id)] = {"name": name, "via": via, "created": now,
                                                   "last_seen": now}
            self._write(data)
        return self._signer().sign(session_id).decode()

    def _id(self, token: str | None) -> str | None:
        if not token or len(token) > 512:
            return None
        try:
            return self._signer().unsign(token, max_age=LIFETIME).decode()
        except (BadSignature, UnicodeDecodeError):
            return None

    def resolve(self, token: str | None) -> Session | None:
        """The open session a token names, or None (bad signature, expired, idle, signed out).
        Marks the session used."""
        session_id = self._id(token)
        if session_id is None:
            return None
        key = _hash(session_id)
        entry = self._read()["sessions"].get(key)
        if entry is None:
            return None
        now = self.clock()
        if now - float(entry["last_seen"]) >= TOUCH_EVERY:
            with self._lock:
                data = self._read()
                if key not in data["sessions"]:
                    return None
                data["sessions"][key]["last_seen"] = now
                self._write(data)
                entry = data["sessions"][key]
        return Session(str(entry["name"]), str(entry.get("via", "password")),
                       float(entry["created"]), float(entry["last_seen"]))

    def close(self, token: str | None) -> None:
        """Sign out: the session named by `token` ends for every tab and browser holding it."""
        session_id = self._id(token)
        if session_id is None:
            return
        with self._lock:
            data = self._read()
            if data["sessions"].pop(_hash(session_id), None) is not None:
                self._write(data)

    def close_all(self, name: str) -> int:
        """End every session of the account `name` (e.g. after a new password); how many."""
        with self._lock:
            data = self._read()
            ended = [k for k, v in data["sessions"].items() if v.get("name") == name]
            for key in ended:
                del data["sessions"][key]
            if ended:
                self._write(data)
            return len(ended)

    def names(self) -> dict[str, int]:
        """How many open sessions each account has."""
        counts: dict[str, int] = {}
        for entry in self._read()["sessions"].values():
            counts[str(entry["name"])] = counts.get(str(entry["name"]), 0) + 1
        return counts

    # ------------------------------------------------------------------ single sign-on ------
    def sso_signed_out(self, identity: str) -> None:
        """The single sign-on `identity` signed out now: its sessions everywhere end."""
        with self._lock:
            data = self._read()
            data["sso_signed_out"][identity] = self.clock()
            self._write(data)

    def sso_valid(self, identity: str, issued_at: float | None) -> bool:
        """Whether a single sign-on identity whose token was issued at `issued_at` still holds:
        within LIFETIME of issue, and issued after its last sign-out."""
        if issued_at is None:
            return True  # a provider without `iat`: Streamlit's cookie lifetime applies
        now = self.clock()
        if now - issued_at >= LIFETIME:
            return False
        signed_out = self._read()["sso_signed_out"].get(identity)
        return signed_out is None or issued_at > signed_out


class Handoffs:
    """One-time codes that carry a freshly opened session from the sign-in form (which runs
    inside Streamlit's websocket, where no cookie can be set) to the route that sets the cookie
    (an ordinary HTTP response). Kept in the server process's memory for `HANDOFF_SECONDS`.

    A code is bound to the browser that signed in (its `egov_browser` cookie): a code sent to
    someone else (to slip them into the sender's session) does nothing in their browser."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._codes: dict[str, tuple[str, str, float]] = {}
        self._lock = threading.Lock()
        self.clock = clock

    def issue(self, token: str, browser: str) -> str:
        """A code for `token`, good once within HANDOFF_SECONDS, in the browser `browser`."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            now = self.clock()
            self._codes = {c: v for c, v in self._codes.items() if v[2] > now}
            self._codes[code] = (token, browser, now + HANDOFF_SECONDS)
        return code

    def redeem(self, code: str | None, browser: str | None) -> str | None:
        """The token of `code` if it is known, fresh and presented by the browser it was issued
        to; a code works once."""
        if not code:
            return None
        with self._lock:
            found = self._codes.pop(code, None)
        if found is None or found[2] <= self.clock() or not browser:
            return None
        token, bound, _ = found
        return token if secrets.compare_digest(bound, browser) else None


HANDOFFS = Handoffs()
