"""portfolio.parsing.numbers at its edges: formats decided, integers, percentages, passing on."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.parsing.numbers import (
    COMMA,
    POINT,
    SAMPLE_VALUES,
    NumberFormat,
    detect_number_format,
    parse_integers,
    parse_numbers,
    parse_percent,
)
from portfolio.parsing.values import factorize


def column(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def plain(values: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in values]


def test_a_lone_point_group_and_a_lone_comma_group_read_the_point_as_decimal():
    # Both are only suggestive; with both seen the point is the decimal separator.
    fmt = detect_number_format(column("1.234", "1,234"))
    assert fmt == NumberFormat(".", ",")
    assert not fmt.certain
    assert plain(parse_numbers(column("1.234", "1,234"))[0]) == [1.234, 1234.0]


def test_only_lone_dot_groups_read_the_dot_as_thousands():
    fmt = detect_number_format(column("1.234", "12.500"))
    assert (fmt.decimal, fmt.thousands, fmt.certain) == (",", ".", False)


def test_no_evidence_and_no_hint_is_a_point_and_uncertain():
    assert detect_number_format(column("12", "7")) == NumberFormat(".", ",")
    assert not detect_number_format(column("12", "7")).certain


def test_a_hint_without_evidence_is_taken_but_not_certain():
    fmt = detect_number_format(column("12", "1.234"), hint=COMMA)
    assert (fmt.decimal, fmt.thousands, fmt.certain) == (",", ".", False)


def test_a_hint_breaks_a_tie_of_strong_evidence_and_is_then_certain():
    fmt = detect_number_format(column("1,5", "1.5"), hint=COMMA)
    assert (fmt.decimal, fmt.certain) == (",", True)
    fmt = detect_number_format(column("1,5", "1.5"), hint=POINT)
    assert (fmt.decimal, fmt.certain) == (".", True)


def test_strong_evidence_is_counted_and_the_majority_decides():
    assert detect_number_format(column("1,5", "2,25", "1.5")).decimal == ","
    assert detect_number_format(column("1,5", "2.25", "1.5")).decimal == "."
    assert detect_number_format(column("1,5", "2.25", "1.5")).certain


def test_the_thousands_separator_is_the_one_grouping_digits_in_threes():
    assert detect_number_format(column("1 234,5")).thousands == " "
    assert detect_number_format(column("1,5")).thousands == "."  # the other one, by default
    assert detect_number_format(column("1'234.5", "2.5")).thousands == "'"


def test_evidence_beyond_the_sample_is_read_only_from_values_with_a_separator():
    ambiguous = [f"{i}.000" for i in range(1, SAMPLE_VALUES + 1)]  # lone dot groups
    fmt = detect_number_format(column(*ambiguous, "12", "3,5"))
    assert (fmt.decimal, fmt.certain) == (",", True)
    # Only ambiguous values anywhere: the hint decides, uncertain.
    assert not detect_number_format(column(*ambiguous, "12"), hint=POINT).certain


def test_factorized_input_is_used_as_given():
    series = column("1,5", "2,5")
    codes, distinct = factorize(series)
    assert detect_number_format(series, factorized=(codes, distinct)).decimal == ","
    # A different (wrong) factorisation is believed: the caller owns it.
    other = (codes, pd.Series(["1.5", "2.5"], dtype="str"))
    assert plain(parse_numbers(series, factorized=other)[0]) == [1.5, 2.5]
    assert plain(parse_integers(column("1", "2"), factorized=(codes, column("7", "8")))[0]) == [
        7,
        8,
    ]
    assert plain(parse_percent(column("1", "2"), factorized=(codes, column("7", "8")))[0]) == [
        7.0,
        8.0,
    ]


def test_parse_integers_obeys_a_format_and_a_hint():
    values, bad = parse_integers(column("1.234", "12"), NumberFormat(".", None))
    assert plain(values) == [None, 12] and bad.tolist() == [True, False]
    values, bad = parse_integers(column("1.234", "12"), hint=POINT)
    assert plain(values) == [None, 12] and bad.tolist() == [True, False]
    assert plain(parse_integers(column("1.234"), hint=COMMA)[0]) == [1234]


def test_parse_integers_reads_whole_numbers_written_with_decimals():
    values, bad = parse_integers(column("12.0", "-3", "2.5", None))
    assert plain(values) == [12, -3, None, None]
    assert bad.tolist() == [False, False, True, False]


def test_a_plain_value_of_exactly_one_is_a_fraction_too():
    assert parse_percent(column("0.5", "1"))[0].tolist() == [50.0, 100.0]
    assert parse_percent(column("-1", "0.25"))[0].tolist() == [-100.0, 25.0]


def test_a_plain_value_just_over_one_makes_the_column_percent():
    assert parse_percent(column("0.5", "1.5"))[0].tolist() == [0.5, 1.5]


def test_parse_percent_obeys_a_format_and_a_hint():
    assert parse_percent(column("1,234"), hint=COMMA)[0].tolist() == [1.234]
    assert parse_percent(column("1,234"))[0].tolist() == [1234.0]
    assert parse_percent(column("1,234"), NumberFormat(",", None))[0].tolist() == [1.234]


def test_a_percent_cell_with_only_a_currency_sign_is_empty_not_bad():
    values, bad = parse_percent(column("€", "5 %", "x"))
    assert plain(values) == [None, 5.0, None]
    assert bad.tolist() == [False, False, True]


def test_signs_in_parentheses_or_at_the_end_and_spaces_inside_numbers():
    values, bad = parse_numbers(column("( 5 )", "1 234-", "+ 7", "(5-", "−(5)"), COMMA)
    assert plain(values) == [-5.0, -1234.0, 7.0, None, None]
    assert bad.tolist() == [False, False, False, True, True]


def test_an_explicit_format_without_thousands_reads_groups_as_bad():
    values, bad = parse_numbers(column("1,234", "1234"), NumberFormat(".", None))
    assert plain(values) == [None, 1234.0]
    assert bad.tolist() == [True, False]


def test_numbers_too_large_for_a_float_are_bad():
    values, bad = parse_numbers(column("1" + "0" * 400, "5"))
    assert plain(values) == [None, 5.0]
    assert bad.tolist() == [True, False]
    values, bad = parse_numbers(column("€ 1" + "0" * 400))
    assert (plain(values), bad.tolist()) == ([None], [True])


def test_the_series_name_and_index_are_kept():
    series = pd.Series(["1", None, "x"], index=[5, 6, 7], name="revenue", dtype="str")
    for parse in (parse_numbers, parse_integers, parse_percent):
        values, bad = parse(series)
        assert (values.name, bad.name) == ("revenue", "revenue")
        assert list(values.index) == list(bad.index) == [5, 6, 7]
        assert bad.tolist() == [False, False, True]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.none() | st.integers(-(10**9), 10**9), min_size=1, max_size=25),
    st.sampled_from(
        [
            (POINT, ",", "."),
            (COMMA, ".", ","),
            (NumberFormat(",", " "), " ", ","),
            (NumberFormat(".", "'"), "'", "."),
        ]
    ),
    st.integers(0, 2),
)
def test_grouped_numbers_read_back_exactly(numbers, format_and_separators, places):
    fmt, thousands, decimal = format_and_separators
    texts = [
        None
        if n is None
        else f"{n / 10**places:,.{places}f}".replace(",", "\x00")
        .replace(".", decimal)
        .replace("\x00", thousands)
        for n in numbers
    ]
    values, bad = parse_numbers(column(*texts), fmt)
    assert not bad.any()
    for value, n in zip(values, numbers, strict=True):
        if n is None:
            assert math.isnan(value)
        else:
            assert value == float(f"{n / 10**places:.{places}f}")


@pytest.mark.parametrize("text", ["1.2.3", "1,2,3", "12.34.56", "--1", "1e", "e5", ".", "-"])
def test_malformed_numbers_are_bad(text):
    assert parse_numbers(column(text, "1.234,5"), COMMA)[1].tolist() == [True, False]


def test_an_empty_column_parses_to_nothing():
    values, bad = parse_numbers(column())
    assert (len(values), len(bad)) == (0, 0)
    values, bad = parse_numbers(column(None, None))
    assert plain(values) == [None, None] and bad.tolist() == [False, False]
    assert np.isnan(parse_percent(column(None))[0].iloc[0])


def test_beyond_the_sample_evidence_for_a_point_counts_too():
    ambiguous = [f"{i}.000" for i in range(1, SAMPLE_VALUES + 1)]  # lone groups: weakly comma
    fmt = detect_number_format(column(*ambiguous, "12", "1.5"))
    assert (fmt.decimal, fmt.certain) == (".", True)


def test_evidence_in_the_sample_is_not_dropped_for_a_long_column():
    fmt = detect_number_format(column("1,5", *map(str, range(SAMPLE_VALUES + 1))))
    assert (fmt.decimal, fmt.certain) == (",", True)
