"""profiles.workshop.tables.summaries: numbers checked by hand, properties with exact oracles."""

import math
import re
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from profiles.versions.traits import column
from profiles.workshop.tables.summaries import (
    ValueShare,
    rows_frame,
    suggest_profile,
    suggested_range,
    summarise,
    summarise_column,
)

COLS = (column("company", "industry"), column("company", "employees"), column("buyer", "disc"))

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


def test_a_middle_half_of_12_to_27_rounds_to_10_to_30():
    # Width 15, a fifth is 3: past 2.5, so the step is 5 (not 1).
    assert suggested_range(np.array([12, 12, 27, 27])) == (10, 30)


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ([3.0, 3.0, 15.5, 15.5], (0, 20)),  # a fifth of 12.5 is exactly 2.5: step 5
        ([3.0, 3.0, 15.0, 15.0], (3, 15)),  # a fifth of 12 is 2.4: step 1
        ([6.0, 6.0, 43.5, 43.5], (0, 50)),  # a fifth of 37.5 is exactly 7.5: step 10
        ([6.0, 6.0, 42.5, 42.5], (5, 45)),  # a fifth of 36.5 is 7.3: step 5
        ([0.06, 0.06, 0.435, 0.435], (0, 0.5)),  # 7.5 × 10^-2: step 0.1
        ([120.0, 120.0, 520.0, 520.0], (100, 600)),  # 80 = 8 × 10^1: step 100
    ],
)
def test_the_step_changes_exactly_at_a_fifth_of_2_5_and_7_5_times_a_power_of_ten(numbers, expected):
    assert suggested_range(np.array(numbers)) == expected


def test_whole_numbers_keep_whole_bounds():
    # 1.5 to 2.5 would round to 1.5 to 2.5 in steps of 0.1; counts take whole steps.
    assert suggested_range(np.array([1, 2, 3])) == (1, 3)
    assert suggested_range(np.array([1.0, 2.0, 3.0])) == (1, 3)
    # 1.5 to 2.75: a fifth of 1.25 is 0.25, so steps of 0.5 once one number is a fraction.
    assert suggested_range(np.array([1.0, 2.0, 3.5])) == (1.5, 3)


def test_bounds_are_exact_decimals_without_float_noise():
    # 0.3 / 0.1 is 2.9999999999999996 in floats: rounding in floats gave 0.2 to 0.7.
    assert suggested_range(np.array([0.3, 0.3, 0.7, 0.7])) == (0.3, 0.7)
    assert suggested_range(np.array([0.3, 0.3, 0.5, 0.5])) == (0.3, 0.5)
    low, high = suggested_range(np.array([0.1, 0.1, 0.2, 0.2]))
    assert (repr(low), repr(high)) == ("0.1", "0.2")
    assert [repr(b) for b in suggested_range(np.array([0.11, 0.2, 0.3, 0.41, 0.5]))] == [
        "0.2",
        "0.45",
    ]


def test_negative_numbers_round_outwards():
    # 25th percentile -4.4375, 75th -2.3125; a fifth of 2.125 is 0.425: step 0.5.
    assert suggested_range(np.array([-5.5, -1.25])) == (-4.5, -2)


def test_a_spread_below_float_resolution_gives_a_range_not_an_error():
    # The middle half is 0 to 5e-324 (the smallest float): a fifth of it is no float at all.
    assert suggested_range(np.array([0, 0, 0, 1, 5e-324])) == (0, 5e-324)
    summary = summarise_column(pd.Series([0, 0, 0, 1, 5e-324]), kind="number")
    assert summary.suggested_range.value == (0, 5e-324)
    assert summary.suggested_range.count == 4  # 0, 0, 0 and 5e-324
    # Neighbouring floats: the step is smaller than either number can show.
    assert suggested_range(np.array([1.0, 1.0000000000000002])) == (1, 1.0000000000000002)


def test_a_spread_of_zero_gives_a_one_value_range():
    assert suggested_range(np.array([5e-324, 5e-324])) == (5e-324, 5e-324)
    assert suggested_range(np.array([0.1, 0.1, 0.1, 0.1, 0.1, 7.0])) == (0.1, 0.1)
    summary = summarise_column(pd.Series([2.5, 2.5, 2.5, 2.5, 2.5, 9]), kind="number")
    assert (summary.suggested_range.value, summary.suggested_range.count) == ((2.5, 2.5), 5)


def test_a_bound_past_the_largest_float_stays_at_the_percentile():
    # Rounding 1.79e308 up to a step of 5e307 would give 2e308, which is no float.
    assert suggested_range(np.array([0, 0, 1.79e308, 1.79e308])) == (0, 1.79e308)
    assert suggested_range(np.array([-1.79e308, -1.79e308, 0, 0])) == (-1.79e308, 0)


def test_values_on_either_bound_count_as_in_the_range():
    # 25th percentile 20, 75th 50: the range is 20 to 50 and holds 20, 30 and 50.
    summary = summarise_column(pd.Series([10, 20, 30, 50, 90]), kind="number")
    assert summary.suggested_range.value == (20, 50)
    assert (summary.suggested_range.count, summary.suggested_range.share) == (3, 60.0)


def test_the_range_share_counts_the_population_on_its_bounds_too():
    population = pd.Series([20, 50, 51, 19, None, "n/a"])
    summary = summarise_column(
        pd.Series([10, 20, 30, 50, 90]), population=population, kind="number"
    )
    assert summary.population_known == 4
    assert summary.suggested_range.population_share == 50.0  # 20 and 50 of 4 known
    assert summary.suggested_range.lift == pytest.approx(60 / 50)


# --------------------------------------------------------------------------- exact oracles

PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)


def oracle_range(numbers: list[float]) -> tuple[Fraction, Fraction]:
    """The rule of the module docstring in exact fractions: percentiles as they print."""
    q25, q75 = np.percentile(np.array(numbers, dtype=float), [25, 75])
    low, high = Fraction(repr(float(q25))), Fraction(repr(float(q75)))
    if low == high:
        return low, high
    raw = (high - low) / 5
    power = 0
    while Fraction(10) ** power > raw:
        power -= 1
    while Fraction(10) ** (power + 1) <= raw:
        power += 1
    fraction = raw / Fraction(10) ** power
    nice = 1 if fraction < Fraction(5, 2) else 5 if fraction < Fraction(15, 2) else 10
    step = nice * Fraction(10) ** power
    if all(float(n).is_integer() for n in numbers):
        step = max(step, Fraction(1))
    return math.floor(low / step) * step, math.ceil(high / step) * step


NUMBERS = st.lists(
    st.integers(-(10**9), 10**9)
    | st.floats(-1e300, 1e300, allow_subnormal=True)
    | st.sampled_from([0.1, 0.2, 0.3, 2.5, 7.5, 12.0, 27.0, 5e-324, -5e-324]),
    min_size=1,
    max_size=40,
)


@settings(max_examples=300)
@given(NUMBERS)
def test_the_suggested_range_is_the_exact_rounding_of_the_middle_half(numbers):
    x = np.array(numbers, dtype=float)
    low, high = suggested_range(x)
    expected_low, expected_high = oracle_range(numbers)
    assert (low, high) == (float(expected_low), float(expected_high))
    q25, q75 = np.percentile(x, [25, 75])
    assert low <= q25 and high >= q75
    if all(float(n).is_integer() for n in numbers) and q25 != q75:
        assert float(low).is_integer() and float(high).is_integer()


def number_of(cell):
    """A cell as criteria read a number: finite numbers, booleans as 1 and 0, plain numeric text."""
    if isinstance(cell, str):
        cell = cell.strip()
        if not PLAIN_NUMBER.fullmatch(cell):
            return None
    elif not isinstance(cell, int | float):
        return None
    try:
        number = float(cell)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def number_label(number: float) -> str:
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def keys_of(cell, multi: bool) -> set[str]:
    """The values one cell holds, as texts compared without case and extra spaces."""
    if isinstance(cell, str):
        parts = re.split("[,;]", cell) if multi else [cell]
    else:
        parts = cell if isinstance(cell, list) else [cell]
    keys = set()
    for part in parts:
        if isinstance(part, str):
            keys.add(" ".join(part.split()).casefold())
        elif (number := number_of(part)) is not None:
            keys.add(number_label(number))
    return keys - {""}


TEXT_CELLS = st.sampled_from(["IT", "it", " IT  ", "Telco", "Retail", None, "", "35", 35, 35.0])


@settings(max_examples=200)
@given(st.lists(TEXT_CELLS | st.lists(TEXT_CELLS, max_size=3), max_size=30), st.booleans())
def test_text_counts_are_the_rows_holding_each_value(cells, multi):
    summary = summarise_column(pd.Series(cells, dtype=object), kind="multi" if multi else "text")
    rows = [keys_of(cell, multi) for cell in cells]
    expected = Counter(key for keys in rows for key in keys)
    counts = summary.counts
    got = dict(zip(counts["value"].map(normalised), counts["count"], strict=True))
    assert got == expected
    assert summary.known == sum(bool(keys) for keys in rows)
    assert summary.known + summary.missing == len(cells)
    if expected:
        top = max(expected.values())
        assert summary.mode.count == top
        tied = sorted(key for key, count in expected.items() if count == top)
        assert normalised(summary.mode.value) == tied[0]
        assert [normalised(t.value) for t in summary.tied] == tied[1:]
        assert summary.mode.share == pytest.approx(top / summary.known * 100)
    else:
        assert summary.mode is None


def normalised(value) -> str:
    return " ".join(str(value).split()).casefold()


CELLS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner),
    max_leaves=5,
)


@settings(max_examples=150)
@given(st.lists(CELLS, max_size=12), st.sampled_from(["text", "number", "multi"]))
def test_any_cells_are_summarised_as_counted_by_hand(cells, kind):
    column = pd.Series(cells, dtype=object)
    summary = summarise_column(column, population=column, kind=kind)
    assert summary.known + summary.missing == len(cells)
    assert summary.population_known == summary.known
    if kind == "number":
        numbers = [n for n in map(number_of, cells) if n is not None]
        expected = Counter(numbers)
        assert summary.known == len(numbers)
        assert dict(zip(summary.counts["value"], summary.counts["count"], strict=True)) == expected
        if numbers:
            low, high = summary.suggested_range.value
            assert (low, high) == suggested_range(np.array(numbers))
            inside = sum(low <= n <= high for n in numbers)
            assert summary.suggested_range.count == inside
            assert summary.suggested_range.share == pytest.approx(inside / len(numbers) * 100)
            # The population is the same column: the same share, lift 1 (none when no share).
            assert summary.suggested_range.lift == (pytest.approx(1.0) if inside else None)
            top = max(expected.values())
            assert summary.mode.value == min(n for n, c in expected.items() if c == top)
        else:
            assert summary.suggested_range is None and summary.mode is None
        return
    rows = [keys_of(cell, kind == "multi") for cell in cells]
    expected = Counter(key for keys in rows for key in keys)
    got = dict(zip(summary.counts["value"].map(normalised), summary.counts["count"], strict=True))
    assert got == expected
    assert summary.known == sum(bool(keys) for keys in rows)
    assert summary.suggested_range is None
    # Every value is as common in the population (the same column): lift 1 wherever shared.
    assert (summary.counts["lift"].dropna().round(9) == 1).all()


# --------------------------------------------------------------------------- under the table


def test_evidence_rounds_shares_to_tenths_and_lift_to_hundredths():
    share = ValueShare((20, 50), 3, 66.66666, 31.24999, 2.146666)
    assert share.evidence() == {
        "value": [20, 50],
        "count": 3,
        "share": 66.7,
        "population_share": 31.2,
        "lift": 2.15,
    }
    assert ValueShare("IT", 1, 50.0, None, None).evidence() == {
        "value": "IT",
        "count": 1,
        "share": 50.0,
        "population_share": None,
        "lift": None,
    }


@dataclass
class Row:
    values: dict


def test_rows_frame_holds_each_rows_cells_under_the_column_keys():
    frame = rows_frame([Row({"industry": "IT", "employees": 35}), Row({"employees": "40"})], COLS)
    assert list(frame.columns) == ["industry", "employees", "disc"]
    assert frame.dtypes.tolist() == [object, object, object]
    assert frame.to_dict("list") == {
        "industry": ["IT", None],
        "employees": [35, "40"],
        "disc": [None, None],
    }
    assert list(rows_frame([], COLS).columns) == ["industry", "employees", "disc"]


def test_summarise_gives_each_column_its_summary_suggestion_and_text():
    rows = [
        Row({"industry": "IT", "employees": 20, "disc": "D"}),
        Row({"industry": "IT", "employees": 30, "disc": "D"}),
        Row({"industry": "Telco", "employees": 40, "disc": "S"}),
    ]
    population = pd.DataFrame({"industry": ["IT", "Retail", "Retail", "Telco"]})
    with translation.override("en"):
        found = summarise(rows, COLS, population)
        assert [s.column.key for s in found] == ["industry", "employees", "disc"]
        industry, employees, disc = found
        assert (industry.suggestion.value, industry.value_text) == ("IT", "IT")
        assert industry.summary.mode.lift == pytest.approx((2 / 3) / (1 / 4))
        assert employees.suggestion is employees.summary.suggested_range
        assert (employees.suggestion.value, employees.value_text) == ((25, 35), "25–35")
        assert (disc.value_text, disc.colour) == ("D: dominance", "red")
        assert industry.colour is None


def test_a_column_without_any_value_suggests_nothing_and_shows_nothing():
    (summary,) = summarise([Row({})], (COLS[2],), None)
    assert (summary.suggestion, summary.value_text, summary.colour) == (None, "", None)


def test_a_population_without_numbers_gives_the_range_no_population_share():
    summary = summarise_column(
        pd.Series([10, 20, 30]), population=pd.Series(["n/a", None]), kind="number"
    )
    assert summary.population_known == 0
    assert summary.suggested_range.population_share is None
    assert summary.suggested_range.lift is None
    assert summary.mode.population_share is None


def test_whole_bounds_and_values_are_ints_up_to_the_float_precision():
    low, high = suggested_range(np.array([120.0, 120.0, 480.0, 480.0]))
    assert (low, high) == (100, 500)
    assert (type(low), type(high)) == (int, int)
    (big, _) = suggested_range(np.array([2.0**53, 2.0**53]))
    assert type(big) is float
    summary = summarise_column(pd.Series([35.0, 35.0, 2.5]), kind="number")
    assert (summary.mode.value, type(summary.mode.value)) == (35, int)
    assert summary.counts["count"].dtype.kind == "i"
    assert [type(v) for v in summary.counts["value"]] == [int, float]


def test_a_range_across_300_orders_of_magnitude_is_still_exact():
    # 5e-324 to 12.5: a fifth of the width is just under 2.5, so the step is 1, not 5.
    assert suggested_range(np.array([5e-324, 5e-324, 12.5, 12.5])) == (0, 13)


def test_the_counts_table_types_its_population_columns():
    alone = summarise_column(BEST).counts
    assert str(alone["population_count"].dtype) == "Int64"
    assert alone["population_count"].isna().all()
    assert alone["population_share"].dtype == float
    shared = summarise_column(BEST, population=ALL).counts
    assert str(shared["population_count"].dtype) == "Int64"
    assert summarise_column(BEST, kind="number").suggested_range is None
    numbers = summarise_column(pd.Series([1, 2, 3]), kind="number").suggested_range
    assert numbers.population_share is None and numbers.lift is None


def test_a_value_rare_in_the_population_still_has_a_lift():
    # IT is 1 of 200 in the portfolio (0.5 %) and 1 of 2 among the best (50 %): lift 100.
    population = pd.Series(["IT"] + ["Retail"] * 199)
    mode = summarise_column(pd.Series(["IT", "Telco"]), population=population).mode
    assert (mode.value, mode.population_share) == ("IT", 0.5)
    assert mode.lift == pytest.approx(100)


def test_the_population_of_a_multi_valued_column_is_split_alike():
    summary = summarise_column(
        pd.Series(["money, fear"]), population=pd.Series(["money, power", "fear"]), kind="multi"
    )
    counts = dict(zip(summary.counts["value"], summary.counts["population_count"], strict=True))
    assert counts == {"fear": 1, "money": 1}
    text = summarise_column(
        pd.Series(["money, fear"]), population=pd.Series(["money, fear", "fear"]), kind="text"
    )
    assert text.mode.population_share == 50.0
