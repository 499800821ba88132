"""The period a result is asked for (scheme, year, optionally one month), checked in one place.

`egov scores`, `egov notice`, `egov template` and the dashboard's 通报 button (through
`pipelines.notice`) all name a period the same way; this module says once what a valid one is,
so that they refuse the same things with the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


class PeriodError(ValueError):
    """A period that cannot be asked for. `option` is the command-line option at fault
    (scheme, year or month); the message is bilingual."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


class SchemeLike(Protocol):
    """What checking a period reads of a scheme: a Scheme model, or the id and year alone
    (warehouse.queries.scheme_years, which a short command reads without building models)."""

    @property
    def id(self) -> str: ...

    @property
    def year(self) -> int: ...


S = TypeVar("S", bound=SchemeLike)


@dataclass(frozen=True)
class Period(Generic[S]):
    """A checked period: the scheme as given (a Scheme model, or its id and year), its year and
    a month of that year or None for the year-end results."""

    scheme: S
    year: int
    month: str | None = None

    @property
    def is_year_end(self) -> bool:
        """Whether the year-end results are asked for (not one month)."""
        return self.month is None


def check_month(month: str) -> None:
    """Raise PeriodError unless `month` is written YYYY-MM."""
    # The shape only, as the commands always checked it: a month number is not range-checked
    # here; a month without results is reported by the query that finds none.
    if not _MONTH.fullmatch(month):
        raise PeriodError("month", "--month must be YYYY-MM / 月份格式应为 YYYY-MM")


def resolve_period(schemes: Iterable[S], scheme_id: str, year: int | None = None,
                   month: str | None = None) -> Period[S]:
    """The period (scheme_id, year, month) among the warehouse's `schemes`, or PeriodError for an
    unknown scheme, a year the scheme does not assess (None: the scheme's own year), a month not
    written YYYY-MM, or a month outside the year."""
    found = {s.id: s for s in schemes}
    if scheme_id not in found:
        raise PeriodError("scheme", f"未知方案 unknown scheme '{scheme_id}'; "
                                    f"known 可用: {', '.join(found)}")
    scheme = found[scheme_id]
    if year is None:
        year = scheme.year
    if year != scheme.year:
        raise PeriodError("year", f"方案 {scheme_id} 的考核年度为 {scheme.year} / "
                                  f"the scheme's year is {scheme.year}")
    if month is not None:
        check_month(month)
        if int(month[:4]) != year:
            raise PeriodError("month", "--month must fall in --year / 月份须在所选年度内")
    return Period(scheme, year, month)
