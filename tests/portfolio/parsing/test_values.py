"""portfolio.parsing.values: cleaned text and distinct values parsed once, mapped back."""

import numpy as np
import pandas as pd

from portfolio.parsing.values import clean_text, distinct_values, expand, factorize


def test_clean_text_keeps_index_name_and_str_dtype_when_it_strips():
    series = pd.Series([" a ", "  ", None, "b"], index=[9, 8, 7, 6], name="industry")
    cleaned = clean_text(series)
    assert (cleaned.name, list(cleaned.index), str(cleaned.dtype)) == (
        "industry",
        [9, 8, 7, 6],
        "str",
    )
    assert cleaned.tolist()[0::3] == ["a", "b"]
    assert cleaned.isna().tolist() == [False, True, True, False]


def test_clean_text_of_clean_text_is_unchanged():
    series = pd.Series(["a", None, "b"], dtype="str", name="x", index=[3, 2, 1])
    pd.testing.assert_series_equal(clean_text(series), series)


def test_clean_text_turns_numbers_into_their_text():
    assert clean_text(pd.Series([1, 2.5], dtype=object)).tolist() == ["1", "2.5"]


def test_a_lone_empty_text_is_blanked_even_when_nothing_is_stripped():
    assert clean_text(pd.Series(["a", ""], dtype="str")).isna().tolist() == [False, True]


def test_distinct_values_are_the_non_empty_ones_once():
    assert distinct_values(pd.Series(["b", None, "a", "b"], dtype="str")).tolist() == ["b", "a"]


def test_factorize_gives_codes_per_row_and_distinct_values_as_text():
    codes, distinct = factorize(pd.Series(["b", None, "a", "b"], dtype="str"))
    assert codes.tolist() == [0, -1, 1, 0]
    assert distinct.tolist() == ["b", "a"]
    assert str(distinct.dtype) == "str"


def test_a_mostly_distinct_column_keeps_every_value_in_order():
    values = [f"{i}" for i in range(1200)] + ["0", None]
    codes, distinct = factorize(pd.Series(values, dtype="str"))
    # Over 90 % distinct: no hashing, one entry per non-empty cell (the repeat too).
    assert len(distinct) == 1201
    assert codes.tolist()[-3:] == [1199, 1200, -1]
    assert distinct.tolist()[1200] == "0"


def test_a_column_with_many_repeats_is_hashed():
    values = ["a", "b"] * 600
    codes, distinct = factorize(pd.Series(values, dtype="str"))
    assert distinct.tolist() == ["a", "b"]
    assert codes.tolist()[:4] == [0, 1, 0, 1]


def test_just_below_a_thousand_values_is_hashed_even_if_distinct():
    values = [f"{i}" for i in range(998)] + ["0"]
    codes, distinct = factorize(pd.Series(values, dtype="str"))
    assert len(distinct) == 998
    assert codes.tolist()[-1] == 0


def test_expand_maps_values_back_and_marks_bad_but_not_blank_cells():
    series = pd.Series(["x", None, "y", "z"], index=[4, 5, 6, 7], name="n")
    codes = np.array([0, -1, 1, 2])
    values, bad = expand(series, codes, np.array([1.5, np.nan, np.nan]), np.array([0, 1, 0], bool))
    assert values.tolist()[0] == 1.5
    assert values.isna().tolist() == [False, True, True, True]
    assert bad.tolist() == [False, False, False, True]  # y was blank in effect, z unreadable
    assert (values.name, bad.name, list(bad.index)) == ("n", "n", [4, 5, 6, 7])


def test_expand_of_dates_and_of_nothing():
    series = pd.Series(["d", None])
    dates = np.array(["2025-03-01"], dtype="datetime64[s]")
    values, bad = expand(series, np.array([0, -1]), dates)
    assert str(values.dtype) == "datetime64[s]"
    assert values.isna().tolist() == [False, True]
    assert bad.tolist() == [False, False]
    values, bad = expand(pd.Series([None, None]), np.array([-1, -1]), np.array([], dtype=float))
    assert values.isna().tolist() == [True, True]
    assert bad.tolist() == [False, False]
    assert str(values.dtype) == "float64"
    empty, _ = expand(series, np.array([-1, -1]), np.array([], dtype="datetime64[s]"))
    assert str(empty.dtype) == "datetime64[s]"
