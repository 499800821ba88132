"""Text and number normalisation: what clerks type becomes canonical values, or a clear error."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.inputs.normalize import (
    NormalizeError,
    clean_text,
    code_key,
    match_key,
    parse_bool,
    parse_int,
    parse_month,
    parse_number,
    parse_year,
    split_aliases,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u3000金坛市档案局\u3000", "金坛市档案局"),
        ("\xa0 儒林镇 \xa0", "儒林镇"),
        ("\u200b档案局\ufeff", "档案局"),
        ("  ", None),
        ("\u3000", None),
        (None, None),
        ("a b", "a b"),  # inner spaces are kept as typed
    ],
)
def test_clean_text_trims_every_kind_of_space(raw, expected):
    assert clean_text(raw) == expected


def test_match_key_makes_full_width_and_ascii_spellings_equal():
    assert match_key("乡镇（街道）") == match_key("乡镇(街道)")
    assert match_key(" 金坛市\u3000档案局 ") == match_key("金坛市档案局")
    assert match_key("Jintan-2013") == "jintan-2013"
    assert match_key("ｊｉｎｔａｎ－２０１３") == "jintan-2013"
    assert match_key("\u3000") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("001", "1"), ("1", "1"), ("1.0", "1"), ("１", "1"), ("10", "10"), ("100", "100"),
     ("40.1", "40.1"), ("40.10", "40.1"), (" 4０.3 ", "40.3"), ("A1", "a1")],
)
def test_code_key_compares_numeric_codes_by_value(raw, expected):
    assert code_key(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12.0),
        ("１２", 12.0),
        ("\u3000３．５\u3000", 3.5),
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("１，２３４", 1234.0),
        ("-2", -2.0),
        ("－２", -2.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        (7, 7.0),
        (2.5, 2.5),
        ("", None),
        (None, None),
    ],
)
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


def test_parse_number_reads_percent_only_where_allowed():
    assert parse_number("92%", percent=True) == 0.92
    assert parse_number("９２％", percent=True) == 0.92
    assert parse_number("92.5 %", percent=True) == 0.925
    assert parse_number("0.92", percent=True) == 0.92
    with pytest.raises(NormalizeError) as err:
        parse_number("92%")
    assert "percentage" in err.value.en and "百分数" in err.value.zh


@pytest.mark.parametrize("raw", ["abc", "1,23", "12,34,567", "3 件", "nan", "1.2.3", "--1", True])
def test_parse_number_refuses_what_is_not_a_number(raw):
    with pytest.raises(NormalizeError) as err:
        parse_number(raw)
    assert err.value.zh == "应为数字"


def test_parse_int_needs_a_whole_number():
    assert parse_int("3") == 3
    assert parse_int("3.0") == 3
    assert parse_int("３") == 3
    assert parse_int(None) is None
    with pytest.raises(NormalizeError) as err:
        parse_int("3.5")
    assert err.value.en == "a whole number is expected"


@pytest.mark.parametrize(
    "raw",
    [
        "2013-01", "2013-1", "2013/01", "2013/1", "2013.01", "2013年1月", "2013年01月",
        "2013 年 1 月", "２０１３年１月", "201301", "201301.0", 201301,
        "2013-01-01 00:00:00", "2013-01-15", "2013/1/15", "2013年1月15日",
        dt.date(2013, 1, 15), dt.datetime(2013, 1, 1, 0, 0),
    ],
)
def test_parse_month_reads_every_common_spelling(raw):
    assert parse_month(raw) == "2013-01"


@pytest.mark.parametrize(
    "raw", ["2013-13", "2013-00", "13-01", "一月", "2013", "20131", "Jan 2013"]
)
def test_parse_month_refuses_other_text(raw):
    with pytest.raises(NormalizeError) as err:
        parse_month(raw)
    assert "YYYY-MM" in err.value.en


def test_parse_month_blank_is_none():
    assert parse_month("\u3000") is None


@pytest.mark.parametrize("raw", ["2013", "2013年", "2013年度", "２０１３", "2013.0", 2013, 2013.0])
def test_parse_year(raw):
    assert parse_year(raw) == 2013


@pytest.mark.parametrize("raw", ["13", "2013-01", "二〇一三", 2013.5])
def test_parse_year_refuses_other_text(raw):
    with pytest.raises(NormalizeError):
        parse_year(raw)


@pytest.mark.parametrize("raw", ["是", "yes", "YES", "y", "Y", "true", "TRUE", "1", "1.0", 1, True])
def test_parse_bool_yes(raw):
    assert parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["否", "no", "N", "false", "False", "0", 0, False])
def test_parse_bool_no(raw):
    assert parse_bool(raw) is False


def test_parse_bool_blank_and_bad():
    assert parse_bool(" ") is None
    with pytest.raises(NormalizeError) as err:
        parse_bool("也许")
    assert "是" in err.value.zh


def test_split_aliases_on_every_separator():
    assert split_aliases("档案局、市档案局,档案馆，馆;局 ；\u3000DA ") == [
        "档案局", "市档案局", "档案馆", "馆", "局", "DA"
    ]
    assert split_aliases("档案局、档案局") == ["档案局"]
    assert split_aliases(None) == []
    assert split_aliases("、 ,") == []
