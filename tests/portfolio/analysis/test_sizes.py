"""portfolio.analysis.sizes: size groups, presets and the main stream, counted by hand."""

import math
from dataclasses import astuple

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.analysis import (
    ThresholdError,
    group_by_size,
    main_stream,
    members,
    preset_thresholds,
)
from portfolio.analysis.sizes import METHOD_THRESHOLDS


def groups_of(seats, revenue, thresholds=(5, 20), **columns):
    frame = pd.DataFrame({"seats": seats, "revenue": revenue, **columns})
    return group_by_size(frame, metric="seats", thresholds=thresholds)


# --------------------------------------------------------------------------- group_by_size


def test_the_table_has_exactly_these_columns_and_keeps_the_request():
    groups = groups_of([1, 10], [5.0, 15.0], thresholds=("5", 20))
    assert (groups.metric, groups.thresholds) == ("seats", (5.0, 20.0))
    assert list(groups.table.columns) == [
        "customers",
        "customer_share",
        "revenue",
        "revenue_share",
        "metric_min",
        "metric_max",
        "letter",
    ]
    assert groups.table.index.name == "group"
    assert list(groups.table.index) == ["small", "medium", "large"]
    assert groups.table["customers"].dtype.kind == "i"


def test_an_empty_group_has_no_metric_bounds():
    table = groups_of([1, 10], [5.0, 15.0]).table
    assert table["metric_min"].tolist()[:2] == [1, 10]
    assert math.isnan(table.loc["large", "metric_min"])
    assert math.isnan(table.loc["large", "metric_max"])
    assert table["revenue"].tolist() == [5.0, 15.0, 0.0]


def test_customers_without_revenue_count_but_add_no_revenue():
    groups = groups_of([1, 2, 30, np.nan], [10.0, np.nan, 30.0, 7.0])
    assert groups.table["customers"].tolist() == [2, 0, 1]
    assert groups.table["revenue"].tolist() == [10.0, 0.0, 30.0]
    assert groups.table["revenue_share"].tolist() == [25.0, 0.0, 75.0]
    assert (groups.missing, groups.missing_revenue) == (1, 7.0)


def test_the_assignment_is_by_customer_id_with_the_groups_in_size_order():
    frame = pd.DataFrame({"id": [11, 12, 13], "seats": [30, np.nan, 1], "revenue": [1.0] * 3})
    assignment = group_by_size(frame, metric="seats", thresholds=(5, 20)).assignment
    assert list(assignment.index) == [11, 12, 13]
    assert assignment.index.name == "id"
    assert list(assignment.cat.categories) == ["small", "medium", "large"]
    assert assignment.tolist()[0::2] == ["large", "small"]
    assert pd.isna(assignment[12])


def test_members_of_an_unknown_group_is_an_error_that_names_the_groups():
    frame = pd.DataFrame({"seats": [1], "revenue": [1.0]})
    groups = group_by_size(frame, metric="seats", thresholds=(5, 20))
    assert len(members(frame, groups, "small")) == 1
    assert len(members(frame, groups, "large")) == 0
    with pytest.raises(ValueError, match=r"^Unknown group 'huge'; expected one of small, medium"):
        members(frame, groups, "huge")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.none() | st.integers(0, 50), st.none() | st.integers(0, 1000)), max_size=30
    ),
    st.tuples(st.integers(0, 30), st.integers(1, 30)).map(lambda t: (t[0], t[0] + t[1])),
)
def test_groups_hold_the_customers_and_revenue_counted_one_by_one(rows, thresholds):
    groups = groups_of([s for s, _ in rows], [r for _, r in rows], thresholds, dtype=float)
    t1, t2 = thresholds
    expected = {"small": [], "medium": [], "large": []}
    for seats, revenue in rows:
        if seats is not None:
            group = "small" if seats <= t1 else "medium" if seats <= t2 else "large"
            expected[group].append((seats, revenue or 0))
    table = groups.table
    for group, found in expected.items():
        assert table.loc[group, "customers"] == len(found)
        assert table.loc[group, "revenue"] == sum(r for _, r in found)
        if found:
            assert table.loc[group, "metric_min"] == min(s for s, _ in found)
            assert table.loc[group, "metric_max"] == max(s for s, _ in found)
    assert groups.missing_revenue == sum(r or 0 for s, r in rows if s is None)


def groups_of_frame(frame, thresholds):
    return group_by_size(frame, metric="seats", thresholds=thresholds)


# --------------------------------------------------------------------------- presets


def test_the_method_preset_needs_no_data():
    assert preset_thresholds(pd.DataFrame(), metric="seats", preset="method") == METHOD_THRESHOLDS
    assert METHOD_THRESHOLDS == (5.0, 20.0)


def test_thirds_of_twelve_customers_are_four_each():
    frame = pd.DataFrame({"seats": range(1, 13)})
    assert preset_thresholds(frame, metric="seats", preset="thirds") == (4.0, 8.0)


def test_thirds_keep_every_group_filled_when_the_top_value_repeats():
    # 1 2 3 3 3 3: the last value of the middle third is the largest, so large would be empty.
    frame = pd.DataFrame({"seats": [1, 2, 3, 3, 3, 3]})
    assert preset_thresholds(frame, metric="seats", preset="thirds") == (1.0, 2.0)


@pytest.mark.parametrize("preset", ["thirds", "cumulative"])
def test_presets_name_the_metric_and_its_distinct_values_when_too_few(preset):
    frame = pd.DataFrame({"employees": [1, 1, 2, np.nan], "revenue": [1.0, 2, 3, 4]})
    with pytest.raises(ThresholdError) as raised:
        preset_thresholds(frame, metric="employees", preset=preset)
    assert str(raised.value) == (
        "'employees' has 2 distinct value(s); three groups need at least 3."
    )


def test_an_unknown_preset_is_an_error():
    with pytest.raises(ValueError, match=r"^Unknown preset 'quartiles'; expected method"):
        preset_thresholds(pd.DataFrame({"seats": [1]}), metric="seats", preset="quartiles")


def cumulative(seats, revenue, split=(50.0, 80.0)):
    frame = pd.DataFrame({"seats": seats, "revenue": revenue})
    return preset_thresholds(frame, metric="seats", preset="cumulative", revenue_split=split)


def test_cumulative_large_takes_the_customers_up_to_and_crossing_the_first_share():
    # From the top: 20, 49.8 (crosses 50 % only with the third), 79.6, 90, 100.
    assert cumulative([5, 4, 3, 2, 1], [20.0, 29.8, 29.8, 10.4, 10.0]) == (1.0, 2.0)
    # 20, 50 (reaches 50 % exactly: large is 5 and 4), 79.6 (below 80), 90, 100.
    assert cumulative([5, 4, 3, 2, 1], [20.0, 30.0, 29.6, 10.4, 10.0]) == (1.0, 3.0)


def test_cumulative_sums_the_revenue_of_tied_metric_values():
    # Per seat count: 4: 40, 3: 20 + 20, 2: 0, 1: 20. From the top 40, 80, 80, 100: large is
    # 4 and 3 (crossing 50 %), medium ends where 80 % is reached (3 again), so small keeps 1.
    assert cumulative([4, 3, 3, 2, 1, 1], [40.0, 20.0, 20.0, 0.0, 20.0, 0.0]) == (1.0, 2.0)


def test_cumulative_counts_negative_or_missing_revenue_as_none():
    # 50, 0, 30, 20 from the top: 50 reaches 50 % alone; 80 % is reached with seats 2.
    assert cumulative([4, 3, 2, 1], [50.0, 0.0, 30.0, 20.0]) == (1.0, 3.0)
    assert cumulative([4, 3, 2, 1], [50.0, -40.0, 30.0, 20.0]) == (1.0, 3.0)
    assert cumulative([4, 3, 2, 1], [50.0, np.nan, 30.0, 20.0]) == (1.0, 3.0)


def test_cumulative_keeps_every_group_filled_when_the_top_customer_holds_nearly_everything():
    assert cumulative([1, 2, 3, 100], [1.0, 1.0, 1.0, 97.0]) == (2.0, 3.0)
    assert cumulative([1, 2, 3, 4], [1.0, 1.0, 49.0, 49.0]) == (1.0, 2.0)


def test_cumulative_splits_however_little_revenue_there_is():
    assert cumulative([1, 2, 3], [0.2, 0.3, 0.4]) == (1.0, 2.0)


def test_cumulative_without_positive_revenue_is_an_error():
    with pytest.raises(ThresholdError, match="No positive revenue"):
        cumulative([1, 2, 3], [0.0, -5.0, np.nan])


@pytest.mark.parametrize("split", [(0, 50), (-1, 50), (50, 50), (80, 50), (50, 100), (50, 101)])
def test_a_revenue_split_outside_0_to_100_or_not_increasing_is_refused(split):
    with pytest.raises(ThresholdError):
        cumulative([1, 2, 3], [1.0, 1.0, 1.0], split=split)


def test_a_revenue_split_just_inside_0_and_100_is_accepted():
    # 0.5 % is reached by seats 4 alone (large), 99.5 % only with seats 1: small keeps 1.
    assert cumulative([1, 2, 3, 4], [25.0] * 4, split=(0.5, 99.5)) == (1.0, 3.0)


# --------------------------------------------------------------------------- main stream


def test_an_exact_tie_proposes_the_larger_group():
    groups = groups_of([1, 10, 100], [0.0, 50.0, 50.0])
    stream = main_stream(groups)
    assert (stream.group, stream.runner_up) == ("large", "medium")
    assert (stream.share, stream.runner_up_share, stream.gap_pp) == (50.0, 50.0, 0.0)
    assert stream.too_close
    small_medium = main_stream(groups_of([1, 10, 100], [50.0, 50.0, 0.0]))
    assert (small_medium.group, small_medium.runner_up) == ("medium", "small")


def test_the_main_stream_keeps_shares_gap_and_margin():
    stream = main_stream(groups_of([1, 10, 100], [13.0, 32.6, 54.4]), margin_pp=25)
    assert astuple(stream) == ("large", 54.4, "medium", 32.6, 21.8, True, 25)


def test_no_revenue_proposes_nothing_and_says_so_in_every_field():
    stream = main_stream(groups_of([1, 10, 100], [0.0, 0.0, 0.0]), margin_pp=7)
    assert astuple(stream) == (None, 0.0, None, 0.0, 0.0, False, 7)


def test_a_single_group_with_revenue_is_not_too_close():
    stream = main_stream(groups_of([1, 2], [10.0, 5.0]))
    assert astuple(stream) == ("small", 100.0, "large", 0.0, 100.0, False, 10)
