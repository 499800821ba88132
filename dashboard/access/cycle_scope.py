"""What a signed-in account may see and do under its scope (pipelines/cycle/accounts.py):

- a unit account (an editor scoped to one unit) gets only its own unit's pages: 单位 (its own
  unit, whatever the URL asks), 自评与核实 and 整改 (its own rows), and 导入与更正 (its own 自评
  and 整改台账 rows; no revert); no ranking, briefing pack or 通报 of all units;
- an account scoped to assessing bodies sees every page; its loads hold its indicators only;
- any other account is not limited.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.kit.filters import Filters
from pipelines.cycle.accounts import ScopeStore
from pipelines.cycle.scope import Scope

# The pages a unit account gets (their url_path in dashboard/app.py).
UNIT_PAGES = ("unit", "selfcheck", "rectification", "upload")


def account_scope(db: Path, name: str | None) -> Scope | None:
    """The scope of the account signed in as `name` (None: not limited)."""
    return ScopeStore.for_warehouse(db).get(name)


def session_scope(db: Path) -> Scope | None:
    """The scope of this session's account."""
    from dashboard.access import signin

    return account_scope(db, signin.current(db).name)


def unit_of(db: Path) -> str | None:
    """The unit of this session's unit account, or None."""
    scope = session_scope(db)
    return scope.unit if scope is not None else None


def allowed_units(f: Filters) -> list[str] | None:
    """The units this session may see, or None for all of them."""
    unit = unit_of(f.db)
    return None if unit is None else [unit]


def visible_pages(db: Path, name: str | None, pages: list) -> list:
    """The navigation's pages for this account: a unit account's own pages only."""
    scope = account_scope(db, name)
    if scope is None or scope.unit is None:
        return pages
    return [p for p in pages if p.url_path in UNIT_PAGES]


def scoped_options(f: Filters, options: list[str]) -> list[str]:
    """A unit picker's options: a unit account's own unit only."""
    unit = unit_of(f.db)
    return options if unit is None else [u for u in options if u == unit]
