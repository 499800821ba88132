"""pipelines.period: one check of (scheme, year, month) for `egov scores`, `egov notice`,
`egov template` and the dashboard's 通报 button."""

from __future__ import annotations

import pytest

from pipelines.period import PeriodError, check_month, resolve_period
from pipelines.schemes.checks import load_scheme_dir

SCHEMES = load_scheme_dir()


def test_a_period_of_the_schemes_year():
    period = resolve_period(SCHEMES, "jintan-2013", 2013, "2013-06")
    assert (period.scheme.id, period.year, period.month) == ("jintan-2013", 2013, "2013-06")
    assert not period.is_year_end


def test_the_year_defaults_to_the_schemes_own():
    period = resolve_period(SCHEMES, "yueyang-2017")
    assert period.year == 2017 and period.is_year_end


@pytest.mark.parametrize(("args", "option", "words"), [
    (("nowhere-2013", 2013, None), "scheme", "unknown scheme 'nowhere-2013'; known 可用: "),
    (("jintan-2013", 2014, None), "year", "the scheme's year is 2013"),
    (("jintan-2013", 2013, "June"), "month", "YYYY-MM"),
    (("jintan-2013", 2013, "2013-6"), "month", "YYYY-MM"),
    (("jintan-2013", 2013, "2014-01"), "month", "must fall in --year"),
])
def test_refused_with_the_option_at_fault(args, option, words):
    with pytest.raises(PeriodError) as err:
        resolve_period(SCHEMES, *args)
    assert err.value.option == option and words in str(err.value)


def test_the_known_schemes_are_listed():
    with pytest.raises(PeriodError) as err:
        resolve_period(SCHEMES, "x")
    assert all(s.id in str(err.value) for s in SCHEMES)


@pytest.mark.parametrize("month", ["2013-06", "1999-12"])
def test_check_month_accepts_yyyy_mm(month):
    check_month(month)


@pytest.mark.parametrize("month", ["201306", "2013-６", "２０13-06", "2013-06-01", " 2013-06"])
def test_check_month_refuses_other_shapes(month):
    with pytest.raises(PeriodError):
        check_month(month)
