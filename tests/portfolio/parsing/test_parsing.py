"""Locale-aware, vectorised parsing of numbers, percentages and dates."""

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.parsing.dates import parse_dates
from portfolio.parsing.numbers import (
    COMMA,
    POINT,
    NumberFormat,
    detect_number_format,
    parse_integers,
    parse_numbers,
    parse_percent,
)
from portfolio.parsing.numbers import _all_plain_rx as _all_plain_rx
from portfolio.parsing.values import clean_text

NBSP, NNBSP = "\u00a0", "\u202f"


def column(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def numbers(*values: str | None, **kwargs) -> tuple[list[float | None], list[bool]]:
    parsed, bad = parse_numbers(column(*values), **kwargs)
    return [None if math.isnan(v) else v for v in parsed], bad.tolist()


# --- number formats ------------------------------------------------------------------------


def test_german_number_format_is_detected_from_the_column() -> None:
    fmt = detect_number_format(column("1.234,56", "12", "999.999,9"))
    assert (fmt.decimal, fmt.thousands, fmt.certain) == (",", ".", True)


def test_english_number_format_is_detected_from_the_column() -> None:
    fmt = detect_number_format(column("1,234.56", "12", "7.5"))
    assert (fmt.decimal, fmt.thousands, fmt.certain) == (".", ",", True)


def test_a_column_of_only_short_decimal_commas_uses_a_decimal_comma() -> None:
    assert detect_number_format(column("1,5", "12,25")).decimal == ","
    assert numbers("1,5", "12,25") == ([1.5, 12.25], [False, False])


@pytest.mark.parametrize(
    ("space", "expected"), [(" ", " "), (NBSP, NBSP), (NNBSP, NNBSP), ("'", "'")]
)
def test_space_and_apostrophe_thousands_are_detected(space: str, expected: str) -> None:
    fmt = detect_number_format(column(f"1{space}234,56", f"12{space}000"))
    assert (fmt.decimal, fmt.thousands) == (",", expected)


def test_lone_comma_groups_of_three_are_read_as_thousands() -> None:
    fmt = detect_number_format(column("1,234", "12,500"))
    assert (fmt.decimal, fmt.certain) == (".", False)
    assert numbers("1,234", "12,500") == ([1234.0, 12500.0], [False, False])


def test_lone_dot_groups_of_three_are_read_as_thousands() -> None:
    assert numbers("1.234", "12.500") == ([1234.0, 12500.0], [False, False])


def test_a_hint_settles_an_ambiguous_column() -> None:
    assert numbers("1.234", hint=POINT) == ([1.234], [False])
    assert numbers("1,234", hint=COMMA) == ([1.234], [False])


def test_evidence_in_the_column_beats_the_hint() -> None:
    assert numbers("1.234", "2,5", hint=POINT) == ([1234.0, 2.5], [False, False])


def test_one_decisive_value_far_down_the_column_decides() -> None:
    ambiguous = [f"{i // 1000}.{i % 1000:03d}" for i in range(1000, 31000)]  # 1.000 .. 30.999
    values, bad = parse_numbers(column(*ambiguous, "2,5"))
    assert values.iloc[0] == 1000.0 and values.iloc[-2] == 30999.0 and values.iloc[-1] == 2.5
    assert not bad.any()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", 1234.56),
        ("1 234,56", 1234.56),
        (f"1{NBSP}234,56", 1234.56),
        (f"1{NNBSP}234,56", 1234.56),
        ("1'234,50", 1234.5),
        ("€ 1.234,56", 1234.56),
        ("1.234,56 €", 1234.56),
        ("1 234 kr", 1234.0),
        ("1 234 kr.", 1234.0),
        ("SEK 1 234", 1234.0),
        ("EUR 5.000", 5000.0),
        ("5.000 EUR", 5000.0),
        ("CHF 12", 12.0),
        ("¥ 12", 12.0),
        ("12 元", 12.0),
        ("RMB 1.000", 1000.0),
        ("  12  ", 12.0),
        ("-5", -5.0),
        ("\u22125", -5.0),
        ("(5)", -5.0),
        ("5-", -5.0),
        ("- € 5", -5.0),
        ("(€ 1.000,50)", -1000.5),
        ("+7", 7.0),
        ("1.000.000", 1_000_000.0),
    ],
)
def test_each_number_format_parses(text: str, expected: float) -> None:
    # Every value is parsed alongside one decisive German value.
    assert numbers(text, "0,5") == ([expected, 0.5], [False, False])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", 1234.56),
        ("$1,234.56", 1234.56),
        ("USD 1,000", 1000.0),
        ("£ 12.5", 12.5),
        ("1e3", 1000.0),
    ],
)
def test_english_values_parse(text: str, expected: float) -> None:
    assert numbers(text, "0.5") == ([expected, 0.5], [False, False])


@pytest.mark.parametrize(
    "text", ["abc", "12abc", "1.5", "1.23.4", "(5", "5)", "-5-", "1,2,3", "€", "nan", "inf", "--5"]
)
def test_unreadable_numbers_are_bad_not_missing(text: str) -> None:
    values, bad = numbers(text, "1.234,5", "0,25")
    if text == "€":  # only a currency sign: treated as an empty cell
        assert (values[0], bad[0]) == (None, False)
    else:
        assert (values[0], bad[0]) == (None, True)


def test_empty_cells_are_neither_values_nor_bad() -> None:
    assert numbers(None, "  ", "5") == ([None, None, 5.0], [False, False, False])


def test_an_explicit_format_is_obeyed() -> None:
    assert numbers("1.234", "1,5", fmt=NumberFormat(".", None)) == ([1.234, None], [False, True])


def test_parsing_keeps_the_index() -> None:
    series = pd.Series(["1", "x"], index=[7, 9], dtype="str")
    values, bad = parse_numbers(series)
    assert list(values.index) == [7, 9] and bad.to_dict() == {7: False, 9: True}


@given(cents=st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=30))
def test_formatted_amounts_round_trip_in_both_locales(cents: list[int]) -> None:
    english = [f"{c / 100:,.2f}" for c in cents]
    german = [t.replace(",", "_").replace(".", ",").replace("_", ".") for t in english]
    for texts in (english, german):
        values, bad = parse_numbers(column(*texts))
        assert not bad.any()
        np.testing.assert_allclose(values.to_numpy(), [c / 100 for c in cents], rtol=1e-12)


# --- integers and percentages --------------------------------------------------------------


def test_integers_reject_fractions() -> None:
    values, bad = parse_integers(column("12", "1.234", "2,5", "x", None))
    assert str(values.dtype) == "Int64"
    assert values.tolist()[:2] == [12, 1234]
    assert values.isna().tolist() == [False, False, True, True, True]
    assert bad.tolist() == [False, False, True, True, False]


def test_values_with_a_percent_sign_are_percent() -> None:
    values, bad = parse_percent(column("35 %", "12,5%", "0,5 %"))
    assert values.tolist() == [35.0, 12.5, 0.5] and not bad.any()


def test_plain_percentages_over_one_are_percent() -> None:
    values, _ = parse_percent(column("35", "0.5", "12.5"))
    assert values.tolist() == [35.0, 0.5, 12.5]


def test_plain_fractions_are_turned_into_percent() -> None:
    values, _ = parse_percent(column("0.35", "0.125", "-0.05", "40 %"))
    assert values.tolist() == [35.0, 12.5, -5.0, 40.0]


def test_bad_percentages_are_flagged() -> None:
    assert parse_percent(column("viel", "30"))[1].tolist() == [True, False]


# --- dates ---------------------------------------------------------------------------------


def dates(*values: str | None, **kwargs) -> list[str | None]:
    parsed, bad = parse_dates(column(*values), **kwargs)
    assert str(parsed.dtype) == "datetime64[s]"
    return [
        "BAD" if flag else (None if pd.isna(value) else value.strftime("%Y-%m-%d"))
        for value, flag in zip(parsed, bad, strict=True)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-01",
        "2025-3-1",
        "2025-03-01 00:00:00",
        "2025-03-01T14:30:00",
        "2025-03-01T14:30:00.123+01:00",
        "2025/03/01",
        "2025.03.01",
        "01.03.2025",
        "1.3.2025",
        "01.03.25",
        "01/03/2025",
        "01-03-2025",
        "2025年3月1日",
        "20250301",
        "45717",
        "45717.5",
        " 2025-03-01 ",
    ],
)
def test_each_date_format_parses(text: str) -> None:
    assert dates(text) == ["2025-03-01"]


def test_a_first_part_over_12_makes_slashed_dates_day_first() -> None:
    assert dates("02/03/2025", "31/12/2024") == ["2025-03-02", "2024-12-31"]


def test_a_second_part_over_12_makes_slashed_dates_month_first() -> None:
    assert dates("02/03/2025", "12/31/2024") == ["2025-02-03", "2024-12-31"]


def test_without_evidence_slashed_dates_are_day_first_unless_told() -> None:
    assert dates("02/03/2025") == ["2025-03-02"]
    assert dates("02/03/2025", dayfirst=False) == ["2025-02-03"]


def test_dotted_dates_are_always_day_first() -> None:
    assert dates("02.03.2025", "12/31/2024") == ["2025-03-02", "2024-12-31"]


def test_two_digit_years_pivot_like_strptime() -> None:
    assert dates("01.03.68", "01.03.69") == ["2068-03-01", "1969-03-01"]


@pytest.mark.parametrize(
    "text", ["30.02.2025", "2025-13-01", "99999", "12345", "1850-01-01", "soon", "2025", "1/2"]
)
def test_impossible_or_unknown_dates_are_bad(text: str) -> None:
    assert dates(text) == ["BAD"]


def test_empty_date_cells_are_not_bad() -> None:
    assert dates(None, "  ", "2025-03-01") == [None, None, "2025-03-01"]


# --- text ----------------------------------------------------------------------------------


def test_text_is_stripped_and_blanks_become_missing() -> None:
    cleaned = clean_text(column(" Acme ", "  ", None, "Beta"))
    assert str(cleaned.dtype) == "str"
    assert cleaned.tolist()[:1] == ["Acme"] and cleaned.isna().tolist() == [
        False, True, True, False
    ]  # fmt: skip


def test_clean_text_keeps_clean_values_and_blanks_whitespace_only_cells() -> None:
    clean = clean_text(column("Alpha", None, "Beta"))
    assert clean.isna().tolist() == [False, True, False]
    assert clean.iloc[[0, 2]].tolist() == ["Alpha", "Beta"]
    cleaned = clean_text(column(" Alpha ", "   ", "Beta", "", None))
    assert cleaned.iloc[[0, 2]].tolist() == ["Alpha", "Beta"]
    assert cleaned.isna().tolist() == [False, True, False, True, True]
    assert str(cleaned.dtype) == "str"


@given(
    st.lists(st.text(alphabet="0123456789.,- \n", min_size=0, max_size=8), min_size=1, max_size=30),
    st.sampled_from([POINT, COMMA, NumberFormat(",", " "), NumberFormat(".", None)]),
)
def test_the_one_match_check_of_a_whole_column_agrees_with_checking_each_value(
    values: list[str], fmt: NumberFormat
) -> None:
    sep = fmt.thousands if fmt.thousands and fmt.thousands != fmt.decimal else ""
    grouped = rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+|" if sep else ""
    one = re.compile(rf"-?(?:{grouped}\d+)(?:{re.escape(fmt.decimal)}\d+)?")
    text = "\n".join(values)
    whole = text.count("\n") == len(values) - 1 and bool(
        _all_plain_rx(fmt.decimal, sep).fullmatch(text)
    )
    assert whole == all(one.fullmatch(value) for value in values)
    # And parsing gives the same numbers as parsing each value on its own.
    series = pd.Series(values, dtype="str")
    together, _ = parse_numbers(series, fmt)
    alone = [parse_numbers(pd.Series([value], dtype="str"), fmt)[0].iloc[0] for value in values]
    assert [None if math.isnan(v) else v for v in together] == [
        None if math.isnan(v) else v for v in alone
    ]
