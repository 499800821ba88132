"""Sign-in throttling: a growing wait per account name and per client address, never a lock.

A hard lock after N failures lets any visitor lock a colleague out by typing wrong passwords
for their name. Instead, as NIST SP 800-63B §5.2.2 suggests, failures make the next attempt
wait: after `NAME_FREE` failed attempts for one name, the next is answered only after 2, 4, 8 …
seconds (at most `NAME_CAP`); after `ADDRESS_FREE` failures from one client address (any
names), 2, 4, 8 … seconds (at most `ADDRESS_CAP`). An attempt that comes too early is refused
without checking the password, with the same message as a wrong password. A name or address
is forgotten `FORGET_AFTER` seconds after its last failure; a successful sign-in forgets the
name. Unknown names are throttled exactly like real ones, so throttling tells nothing about
which names exist.

The state lives in a small JSON file beside the accounts file (`egov.accounts.throttle.json`),
shared by every server process and `egov user list` (which shows it to the admin); it is
written atomically under its own lock and bounded to `MAX_ENTRIES` names and addresses.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

NAME_FREE = 3
NAME_CAP = 60.0
ADDRESS_FREE = 10
ADDRESS_CAP = 300.0
FORGET_AFTER = 15 * 60.0
MAX_ENTRIES = 5000
LOCAL = "local"  # the address of a visitor on this machine (Streamlit reports none)


def delay(failures: int, free: int, cap: float) -> float:
    """Seconds to wait after `failures` failed attempts: none for the first `free`, then 2, 4,
    8 … up to `cap`."""
    if failures < free:
        return 0.0
    return min(cap, 2.0 ** (failures - free + 1))


@dataclass(frozen=True)
class Standing:
    """How a name stands: failed attempts in a row, and until when (epoch seconds) it waits."""

    failures: int
    wait_until: float | None


class Throttle:
    """The throttle file of one accounts file."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self._lock = FileLock(str(self.path) + ".lock", is_singleton=True)
        self.clock = clock

    # ------------------------------------------------------------------ file ----------------
    def _read(self) -> dict[str, dict[str, dict]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {}
        except (OSError, ValueError):
            data = {}  # a damaged throttle file only forgets failures; never blocks sign-in
        if not isinstance(data, dict):
            data = {}
        now = self.clock()
        state: dict[str, dict[str, dict]] = {}
        for kind in ("names", "addresses"):
            entries = data.get(kind) if isinstance(data.get(kind), dict) else {}
            state[kind] = {k: v for k, v in entries.items()
                           if isinstance(v, dict) and now - float(v.get("last", 0)) < FORGET_AFTER}
        return state

    def _write(self, state: dict[str, dict[str, dict]]) -> None:
        for kind in state:
            if len(state[kind]) > MAX_ENTRIES:  # keep the most recent
                newest = sorted(state[kind].items(), key=lambda kv: kv[1].get("last", 0))
                state[kind] = dict(newest[-MAX_ENTRIES:])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp",
                                   dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(state, handle, ensure_ascii=False)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        finally:
            Path(tmp).unlink(missing_ok=True)

    @staticmethod
    def _until(entry: dict | None, free: int, cap: float) -> float:
        if not entry:
            return 0.0
        return float(entry["last"]) + delay(int(entry["failures"]), free, cap)

    # ------------------------------------------------------------------ use -----------------
    def begin(self, name: str, address: str | None) -> bool:
        """An attempt for `name` (already folded) from `address`: False when it comes too early
        (refuse it unchecked); True when it may be checked, in which case it is counted as a
        failure until `succeeded` says otherwise, so parallel attempts cannot all slip through
        the same gap."""
        address = address or LOCAL
        with self._lock:
            state = self._read()
            now = self.clock()
            names, addresses = state["names"], state["addresses"]
            if (now < self._until(names.get(name), NAME_FREE, NAME_CAP)
                    or now < self._until(addresses.get(address), ADDRESS_FREE, ADDRESS_CAP)):
                return False
            for entries, key in ((names, name), (addresses, address)):
                entry = entries.setdefault(key, {"failures": 0})
                entry.update(failures=int(entry["failures"]) + 1, last=now)
            self._write(state)
            return True

    def succeeded(self, name: str, address: str | None) -> None:
        """The attempt begun for `name` was right: forget the name, and take back the failure
        it was counted as from the address."""
        address = address or LOCAL
        with self._lock:
            state = self._read()
            state["names"].pop(name, None)
            entry = state["addresses"].get(address)
            if entry:
                entry["failures"] = max(0, int(entry["failures"]) - 1)
            self._write(state)

    def clear(self, name: str) -> None:
        """Forget the failures of `name` (a new password was set)."""
        with self._lock:
            state = self._read()
            if state["names"].pop(name, None) is not None:
                self._write(state)

    def standing(self, name: str) -> Standing:
        """The failures of `name` and until when it waits (None: it does not)."""
        entry = self._read()["names"].get(name)
        if not entry:
            return Standing(0, None)
        until = self._until(entry, NAME_FREE, NAME_CAP)
        return Standing(int(entry["failures"]), until if until > self.clock() else None)

    def standings(self) -> dict[str, Standing]:
        """Every name with failures now (including names that have no account)."""
        now = self.clock()
        found = {}
        for name, entry in self._read()["names"].items():
            until = self._until(entry, NAME_FREE, NAME_CAP)
            found[name] = Standing(int(entry["failures"]), until if until > now else None)
        return found
