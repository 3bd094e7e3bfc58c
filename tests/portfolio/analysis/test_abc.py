"""portfolio.analysis.abc: the Pareto frame and the A/B/C classes, counted by hand."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.analysis import ThresholdError, abc_classes, pareto

PARETO_COLUMNS = ["id", "name", "value", "rank", "share", "cumulative_share", "customer_share"]


def test_pareto_keeps_names_and_gives_exactly_these_columns():
    frame = pd.DataFrame(
        {"id": [1, 2, 3], "name": ["Alpha", "Beta", "Gamma"], "revenue": [10.0, None, 30.0]},
        index=[7, 8, 9],
    )
    result = pareto(frame)
    assert list(result.columns) == PARETO_COLUMNS
    assert list(result.index) == [0, 1]
    assert result["name"].tolist() == ["Gamma", "Alpha"]
    assert result["rank"].tolist() == [1, 2]
    assert result["customer_share"].tolist() == [50.0, 100.0]


def test_pareto_without_names_or_ids_uses_the_index():
    result = pareto(pd.DataFrame({"revenue": [5.0, 15.0]}, index=[40, 41]))
    assert list(result.columns) == [c for c in PARETO_COLUMNS if c != "name"]
    assert result["id"].tolist() == [41, 40]


def test_pareto_rounds_to_cents_and_breaks_ties_by_id():
    frame = pd.DataFrame({"id": [3, 1, 2], "revenue": [10.004, 10.0, 2.996]})
    result = pareto(frame)
    assert result["id"].tolist() == [1, 3, 2]  # 10.00 twice: the smaller id first
    assert result["value"].tolist() == [10.0, 10.0, 3.0]
    assert result["share"].tolist() == [100 * 1000 / 2300, 100 * 1000 / 2300, 100 * 300 / 2300]
    assert result["cumulative_share"].iloc[-1] == 100.0


def test_pareto_of_a_single_customer():
    result = pareto(pd.DataFrame({"id": [5], "revenue": [0.01]}))
    assert result[["rank", "share", "cumulative_share", "customer_share"]].values.tolist() == [
        [1, 100.0, 100.0, 100.0]
    ]


def test_pareto_with_no_revenue_has_zero_shares_not_nan():
    result = pareto(pd.DataFrame({"id": [1, 2], "revenue": [0.0, 0.0]}))
    assert result["share"].tolist() == [0.0, 0.0]
    assert result["cumulative_share"].tolist() == [0.0, 0.0]
    assert result["customer_share"].tolist() == [50.0, 100.0]


def test_pareto_of_no_customers_is_an_empty_frame_with_the_columns():
    result = pareto(pd.DataFrame({"id": [1], "revenue": [None]}))
    assert len(result) == 0
    assert list(result.columns) == [c for c in PARETO_COLUMNS if c != "name"]


def test_all_zero_revenue_puts_every_customer_in_c():
    result = abc_classes(pd.DataFrame({"id": [1, 2, 3], "revenue": [0.0, 0.0, 0.0]}))
    assert result.frame["abc_class"].tolist() == ["C", "C", "C"]
    assert result.table["customers"].tolist() == [0, 0, 3]
    assert result.table["customer_share"].tolist() == [0.0, 0.0, 100.0]
    assert result.table["value_share"].tolist() == [0.0, 0.0, 0.0]
    assert result.total == 0.0


def test_one_cent_of_revenue_is_enough_for_an_a_customer():
    result = abc_classes(pd.DataFrame({"id": [1, 2], "revenue": [0.01, 0.0]}))
    assert result.frame["abc_class"].tolist() == ["A", "C"]
    assert result.total == 0.01


def test_a_single_customer_is_an_a_customer():
    result = abc_classes(pd.DataFrame({"id": [9], "revenue": [120.0]}))
    assert result.frame["abc_class"].tolist() == ["A"]
    assert result.table["customers"].tolist() == [1, 0, 0]
    assert result.table["value_share"].tolist() == [100.0, 0.0, 0.0]


def test_the_customer_crossing_the_limit_from_just_below_is_a():
    # Before the second customer 79.5 % is reached: still below 80, so it is A.
    result = abc_classes(pd.DataFrame({"id": [1, 2, 3], "revenue": [79.5, 16.0, 4.5]}))
    assert result.frame["abc_class"].tolist() == ["A", "A", "C"]


def test_the_result_table_is_indexed_by_class_with_exactly_these_columns():
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "revenue": [80.0, 8.0, 6.0, 6.0]})
    result = abc_classes(frame)  # the method's 80/90: A 80, B 8 + 6 (crossing 90), C the last
    assert result.frame["abc_class"].tolist() == ["A", "B", "B", "C"]
    table = result.table
    assert table.index.name == "abc_class"
    assert list(table.index) == ["A", "B", "C"]
    assert list(table.columns) == ["customers", "customer_share", "value", "value_share"]
    assert table["customers"].dtype.kind == "i"
    assert table.to_dict("list") == {
        "customers": [1, 2, 1],
        "customer_share": [25.0, 50.0, 25.0],
        "value": [80.0, 14.0, 6.0],
        "value_share": [80.0, 14.0, 6.0],
    }


def test_a_class_nobody_is_in_still_has_its_row():
    result = abc_classes(pd.DataFrame({"id": [1, 2], "revenue": [99.0, 1.0]}), thresholds=(99, 100))
    assert result.frame["abc_class"].tolist() == ["A", "B"]
    assert list(result.frame["abc_class"].cat.categories) == ["A", "B", "C"]
    assert result.table["customers"].tolist() == [1, 1, 0]
    result = abc_classes(pd.DataFrame({"id": [1, 2], "revenue": [60.0, 40.0]}), thresholds=(50, 60))
    assert result.frame["abc_class"].tolist() == ["A", "C"]
    assert result.table["customers"].tolist() == [1, 0, 1]


def test_abc_on_another_column_ranks_and_sums_that_column():
    frame = pd.DataFrame(
        {"id": [1, 2, 3], "revenue": [1.0, 2.0, 3.0], "margin": [70.0, 20.0, np.nan]}
    )
    result = abc_classes(frame, value="margin")
    assert result.value == "margin"
    assert result.frame["id"].tolist() == [1, 2]
    assert result.frame["value"].tolist() == [70.0, 20.0]
    assert (result.total, result.missing) == (90.0, 1)


def test_the_result_keeps_the_thresholds_as_numbers():
    result = abc_classes(pd.DataFrame({"revenue": [1.0]}), thresholds=("70", 90))
    assert result.thresholds == (70.0, 90.0)
    assert abc_classes(pd.DataFrame({"revenue": [1.0]})).thresholds == (80.0, 90.0)


@pytest.mark.parametrize("thresholds", [(80, 100), (0.5, 50), (99.9, 100)])
def test_thresholds_up_to_100_percent_are_accepted(thresholds):
    assert abc_classes(pd.DataFrame({"revenue": [1.0]}), thresholds=thresholds).thresholds == (
        float(thresholds[0]),
        float(thresholds[1]),
    )


@pytest.mark.parametrize("thresholds", [(0, 50), (-5, 50), (80, 100.5), (95, 80), (50, 50)])
def test_thresholds_outside_0_to_100_or_not_increasing_are_refused(thresholds):
    with pytest.raises(ThresholdError):
        abc_classes(pd.DataFrame({"revenue": [1.0]}), thresholds=thresholds)


REVENUES = st.lists(
    st.none() | st.integers(0, 10_000).map(lambda cents: cents / 100), min_size=0, max_size=30
)


@settings(max_examples=200, deadline=None)
@given(REVENUES, st.sampled_from([(80, 95), (50, 100), (70, 90), (1, 2)]))
def test_classes_follow_the_cumulative_share_before_each_customer(revenues, thresholds):
    frame = pd.DataFrame({"id": range(1, len(revenues) + 1), "revenue": revenues}, dtype=float)
    result = abc_classes(frame, thresholds=thresholds)
    # Oracle in whole cents: sorted descending (then by id), a customer's class is decided by
    # the share of all revenue before it.
    known = sorted(
        ((round(r * 100), i) for i, r in enumerate(revenues, 1) if r is not None),
        key=lambda pair: (-pair[0], pair[1]),
    )
    total = sum(cents for cents, _ in known)
    expected, before = [], 0
    for cents, _ in known:
        if total == 0:
            expected.append("C")
        elif before * 100 < thresholds[0] * total:
            expected.append("A")
        elif before * 100 < thresholds[1] * total:
            expected.append("B")
        else:
            expected.append("C")
        before += cents
    assert result.frame["id"].tolist() == [i for _, i in known]
    assert result.frame["abc_class"].tolist() == expected
    assert result.table["customers"].tolist() == [expected.count(c) for c in "ABC"]
    sums = [sum(c for (c, _), k in zip(known, expected, strict=True) if k == x) for x in "ABC"]
    assert result.table["value"].round(2).tolist() == [s / 100 for s in sums]
    assert result.missing == revenues.count(None)
    assert result.total == total / 100
