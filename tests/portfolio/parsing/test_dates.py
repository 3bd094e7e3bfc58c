"""portfolio.parsing.dates at its edges: serial numbers, years, day or month first."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.parsing.dates import parse_dates


def dates(*values: str | None, **kwargs) -> list[str | None]:
    parsed, bad = parse_dates(pd.Series(list(values), dtype="str"), **kwargs)
    assert str(parsed.dtype) == "datetime64[s]"
    return [
        "BAD" if flag else (None if pd.isna(value) else value.strftime("%Y-%m-%d"))
        for value, flag in zip(parsed, bad, strict=True)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19999", "BAD"),
        ("20000", "1954-10-03"),  # Excel's day 20000, as =DATE(1954,10,3) gives it
        ("20000.75", "1954-10-03"),
        ("45717", "2025-03-01"),
        ("80000", "2119-01-11"),
        ("80001", "BAD"),
        ("00000", "BAD"),
    ],
)
def test_excel_serial_numbers_from_20000_to_80000_are_dates(text, expected):
    assert dates(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1899-12-31", "BAD"),
        ("1900-01-01", "1900-01-01"),
        ("2100-12-31", "2100-12-31"),
        ("2101-01-01", "BAD"),
        ("31.12.1899", "BAD"),
        ("01.01.1900", "1900-01-01"),
        ("31/12/2100", "2100-12-31"),
        ("01/01/2101", "BAD"),
        ("2100年12月31日", "2100-12-31"),
        ("2101年1月1日", "BAD"),
        ("19000101", "1900-01-01"),
        ("18991231", "BAD"),
    ],
)
def test_years_from_1900_to_2100_are_accepted_in_every_format(text, expected):
    assert dates(text) == [expected]


def test_a_tie_of_day_and_month_evidence_reads_day_first():
    assert dates("13/01/2025", "01/13/2025") == ["2025-01-13", "BAD"]


def test_more_month_first_evidence_wins_over_day_first():
    assert dates("13/01/2025", "01/13/2025", "02/14/2025") == ["BAD", "2025-01-13", "2025-02-14"]


def test_dotted_dates_do_not_count_as_evidence_for_the_slashed_ones():
    # Three dotted dates with a first part over 12 are day first anyway; the slashed column
    # has one month-first date and so is month first.
    assert dates("13.01.2025", "14.01.2025", "15.01.2025", "01/13/2025", "02/03/2025") == [
        "2025-01-13",
        "2025-01-14",
        "2025-01-15",
        "2025-01-13",
        "2025-02-03",
    ]


def test_an_explicit_order_beats_the_evidence():
    assert dates("01/13/2025", "02/03/2025", dayfirst=True) == ["BAD", "2025-03-02"]
    assert dates("13/01/2025", "02/03/2025", dayfirst=False) == ["BAD", "2025-02-03"]


def test_spaces_after_the_separators_and_around_the_text_are_allowed():
    assert dates(" 1. 3. 2025 ", "1/ 3/ 2025") == ["2025-03-01", "2025-03-01"]


def test_a_date_is_read_once_by_the_first_format_that_fits():
    # 2025.03.01 is year first; 01.03.2025 day first; both are one date.
    assert dates("2025.03.01", "01.03.2025", "2025/3/1") == ["2025-03-01"] * 3


def test_times_of_day_are_dropped():
    parsed, _ = parse_dates(pd.Series(["2025-03-01 23:59:59", "45717.99"], dtype="str"))
    assert parsed.tolist() == [pd.Timestamp("2025-03-01")] * 2


def test_the_series_name_and_index_are_kept_and_blanks_are_not_bad():
    series = pd.Series(["2025-03-01", None, "", "later"], index=[3, 4, 5, 6], name="since")
    parsed, bad = parse_dates(series.astype("str"))
    assert (parsed.name, bad.name) == ("since", "since")
    assert list(parsed.index) == [3, 4, 5, 6]
    assert bad.tolist() == [False, False, False, True]


@settings(max_examples=200, deadline=None)
@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    st.sampled_from(["%Y-%m-%d", "%d.%m.%Y", "%Y年%m月%d日", "%Y%m%d", "%Y/%m/%d", "%d/%m/%Y"]),
)
def test_every_date_in_range_reads_back_in_every_format(date, layout):
    text = date.strftime(layout)
    if layout == "%Y%m%d" and date.year == 2100:
        assert dates(text) == ["BAD"]  # eight bare digits are a date only for 19xx and 20xx
        return
    assert dates(text, dayfirst=True) == [date.isoformat()]


@settings(max_examples=100, deadline=None)
@given(st.dates(dt.date(1954, 10, 3), dt.date(2119, 1, 11)))
def test_every_serial_number_in_range_is_its_date(date):
    serial = (date - dt.date(1899, 12, 30)).days
    assert dates(str(serial)) == [date.isoformat()]


def test_a_second_part_of_exactly_12_is_no_evidence_of_month_first():
    assert dates("01/12/2025", "02/03/2025") == ["2025-12-01", "2025-03-02"]
