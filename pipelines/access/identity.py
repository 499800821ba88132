"""Who is writing: the signed-in dashboard user, else the operating-system user.

The load history records this name with every load, revert and refused attempt. The dashboard
sets the signed-in user around a confirmed upload (`acting_as`); commands run by a person at a
terminal record their OS login.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_ACTING: ContextVar[str | None] = ContextVar("egov_acting_user", default=None)


def os_user() -> str:
    """The login name of the process owner, or 'unknown' where the OS cannot tell."""
    try:
        return getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry (some containers)
        return "unknown"


def current_user() -> str:
    """The name the load history records for a write happening now."""
    return _ACTING.get() or os_user()


@contextmanager
def acting_as(user: str) -> Iterator[None]:
    """Record writes inside this block as made by `user` (a signed-in dashboard user)."""
    token = _ACTING.set(user)
    try:
        yield
    finally:
        _ACTING.reset(token)
