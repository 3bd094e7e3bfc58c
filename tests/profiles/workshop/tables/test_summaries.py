"""profiles.workshop.tables.summaries: numbers checked by hand, plus hypothesis invariants."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiles.workshop.tables.summaries import suggest_profile, suggested_range, summarise_column

BEST = pd.Series(["IT"] * 6 + ["Telco"] * 3 + ["Retail"])
ALL = pd.Series(["IT"] * 11 + ["Telco"] * 20 + ["Retail"] * 19)


def test_the_mode_is_the_most_common_value_with_its_count_and_share():
    summary = summarise_column(BEST)
    assert (summary.mode.value, summary.mode.count, summary.mode.share) == ("IT", 6, 60.0)
    assert (summary.known, summary.missing, summary.tied) == (10, 0, ())


def test_lift_compares_the_share_among_the_best_with_the_whole_portfolio():
    # IT: 60 % of the best customers, 11 of 50 = 22 % of all, so 60 / 22 = 2.7 times as common.
    mode = summarise_column(BEST, population=ALL).mode
    assert (mode.share, mode.population_share) == (60.0, 22.0)
    assert round(mode.lift, 1) == 2.7
    assert mode.evidence() == {
        "value": "IT",
        "count": 6,
        "share": 60.0,
        "population_share": 22.0,
        "lift": 2.73,
    }


def test_the_counts_table_lists_every_value_most_common_first_with_its_lift():
    counts = summarise_column(BEST, population=ALL).counts
    assert list(counts["value"]) == ["IT", "Telco", "Retail"]
    assert list(counts["count"]) == [6, 3, 1]
    assert list(counts["population_count"]) == [11, 20, 19]
    assert list(counts["share"]) == [60.0, 30.0, 10.0]
    assert counts["lift"].round(2).tolist() == [2.73, 0.75, 0.26]


def test_a_tie_goes_to_the_alphabetically_first_value_and_is_reported():
    summary = summarise_column(pd.Series(["Telco", "IT", "Telco", "IT", "Retail"]))
    assert summary.mode.value == "IT"
    assert [tie.value for tie in summary.tied] == ["Telco"]


def test_spellings_of_one_value_count_together_under_the_most_common_spelling():
    summary = summarise_column(pd.Series(["it ", "IT", "It", "IT", "Telco"]))
    assert (summary.mode.value, summary.mode.count) == ("IT", 4)


def test_missing_values_are_counted_and_never_a_value():
    summary = summarise_column(pd.Series(["IT", None, np.nan, "", "  ", "Telco", "IT"]))
    assert (summary.known, summary.missing) == (3, 4)
    assert summary.mode.share == pytest.approx(200 / 3)
    assert "" not in set(summary.counts["value"])


def test_a_value_absent_from_the_portfolio_has_no_lift():
    summary = summarise_column(pd.Series(["Space"]), population=pd.Series(["IT"]))
    assert (summary.mode.population_share, summary.mode.lift) == (0.0, None)


def test_without_a_population_there_is_no_lift():
    summary = summarise_column(BEST)
    assert (summary.mode.population_share, summary.mode.lift) == (None, None)
    assert summary.population_known is None


def test_the_suggested_range_is_the_middle_half_rounded():
    # 25th percentile 21, 75th 49; a fifth of the width is 5.6, so the step is 5: 20 to 50.
    summary = summarise_column(
        pd.Series([10, 21, 30, 49, 90, None]), population=pd.Series(range(1, 101)), kind="number"
    )
    assert summary.suggested_range.value == (20, 50)
    assert (summary.known, summary.missing) == (5, 1)
    # 21, 30 and 49 of the best (60 %); 20..50 is 31 of the 100 in the portfolio (31 %).
    assert (summary.suggested_range.count, summary.suggested_range.share) == (3, 60.0)
    assert summary.suggested_range.population_share == 31.0
    assert summary.suggested_range.lift == pytest.approx(60 / 31)
    assert summary.suggestion is summary.suggested_range


def test_revenue_ranges_round_to_millions():
    # 5.4 M to 8.0 M; a fifth of the width is 0.52 M, so the step is 0.5 M.
    revenue = pd.Series([5.3e6, 5.4e6, 6.1e6, 8.0e6, 9.7e6])
    assert suggested_range(revenue.to_numpy()) == (5_000_000, 8_000_000)
    # 6.4 M to 8.6 M; a fifth of the width is 0.44 M, so the step is 0.5 M again.
    assert suggested_range(np.array([5.3e6, 9.7e6])) == (6_000_000, 9_000_000)


def test_a_narrow_range_keeps_steps_of_one():
    assert suggested_range(np.array([20.0, 30.0, 40.0])) == (25, 35)


def test_small_fractions_round_without_float_noise():
    assert suggested_range(np.array([0.11, 0.2, 0.3, 0.41, 0.5])) == (0.2, 0.45)


def test_equal_numbers_give_a_one_point_range():
    assert suggested_range(np.array([35.0, 35.0, 35.0])) == (35, 35)


def test_number_columns_read_numeric_text_and_count_other_text_as_missing():
    summary = summarise_column(pd.Series(["35", " 40 ", "n/a", None, 35]), kind="number")
    assert (summary.known, summary.missing) == (3, 2)
    assert (summary.mode.value, summary.mode.count) == (35, 2)


def test_multi_valued_columns_count_each_value_once_per_customer():
    drivers = pd.Series([["Power", "money", "Money"], "money; fear", None, [], "power"])
    summary = summarise_column(drivers, kind="multi")
    assert (summary.known, summary.missing) == (3, 2)
    counts = dict(zip(summary.counts["value"], summary.counts["count"], strict=True))
    assert counts == {"money": 2, "Power": 2, "fear": 1}
    assert summary.mode.value == "money"  # ties with Power, first alphabetically
    assert summary.mode.share == pytest.approx(200 / 3)


def test_suggest_profile_summarises_each_column_and_tolerates_absent_ones():
    best = pd.DataFrame({"industry": ["IT", "IT", "Telco"], "employees": [20, 30, 40]})
    population = pd.DataFrame({"industry": ["IT", "Retail", "Retail", "Telco"]})
    columns = {"industry": "text", "employees": "number", "drivers": "multi"}
    summaries = suggest_profile(best, population, columns)
    assert summaries["industry"].mode.lift == pytest.approx((2 / 3) / (1 / 4))
    assert summaries["employees"].suggested_range.value == (25, 35)
    assert summaries["employees"].population_known is None
    assert (summaries["drivers"].known, summaries["drivers"].mode) == (0, None)


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["IT", "it", "Telco", "Retail", None, ""]), max_size=30))
def test_text_shares_add_up_to_100_and_every_row_is_known_or_missing(values):
    summary = summarise_column(pd.Series(values, dtype=object))
    assert summary.known + summary.missing == len(values)
    if summary.known:
        assert math.isclose(summary.counts["share"].sum(), 100)
        assert summary.counts["count"].sum() == summary.known


@settings(max_examples=200)
@given(st.lists(st.integers(0, 10_000) | st.floats(0, 1e7), min_size=1, max_size=40))
def test_the_suggested_range_covers_the_middle_half(numbers):
    x = np.array(numbers, dtype=float)
    low, high = suggested_range(x)
    q25, q75 = np.percentile(x, [25, 75])
    assert low <= q25 + 1e-9 * abs(q25) and high >= q75 - 1e-9 * abs(q75)


CELLS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner),
    max_leaves=5,
)


@settings(max_examples=150)
@given(st.lists(CELLS, max_size=12), st.sampled_from(["text", "number", "multi"]))
def test_any_cells_are_summarised_without_an_error(cells, kind):
    column = pd.Series(cells, dtype=object)
    summary = summarise_column(column, population=column, kind=kind)
    assert summary.known + summary.missing == len(cells)
