"""portfolio.analysis types and segments: customer types, portfolios per rep, segment summaries."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.analysis import abc_classes
from portfolio.analysis.scoring import ScoreParameter, ScoringError, value_score
from portfolio.analysis.segments import NO_OWNER, rep_portfolios, segment_summary
from portfolio.analysis.types import ACTIONS, TYPES, customer_types


def tenths(values) -> int:
    return int(np.round(np.asarray(values) * 10).sum())


@pytest.fixture
def seven() -> pd.DataFrame:
    """One customer per quadrant (at median splits 20 / 0.45) and three lacking an axis."""
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6, 7],
            "name": ["Star", "Question", "Free", "Dog", "No margin", "No wallet", "Nothing"],
            "margin": [40.0, 35, 5, 2, np.nan, 10, np.nan],
            "share_of_wallet": [0.9, 0.1, 0.8, 0.05, 0.5, np.nan, np.nan],
            "revenue": [500.0, 300, 100, 100, 50, np.nan, 0],
            "owner": ["Anna", "Björn", None, "  ", "Anna", "Björn", "Anna"],
            "industry": ["IT", "IT", "Retail", None, "IT", " Retail ", ""],
        }
    )


def types_of(result) -> dict:
    return dict(zip(result.frame["id"], result.frame["type"], strict=True))


# --------------------------------------------------------------------------- four types


def test_quadrants_map_value_for_us_and_bond_to_the_four_types(seven):
    # high value + high bond = star; high value + low bond = question mark;
    # low value + high bond = free rider; low value + low bond = poor dog.
    result = customer_types(seven, value_column="margin", bond_column="share_of_wallet")
    assert types_of(result) == {1: "star", 2: "question_mark", 3: "free_rider", 4: "poor_dog"}
    assert result.split == (20.0, 0.45)
    assert result.split_rule == "median"


def test_set_split_values_replace_the_medians_and_count_as_high_when_equal(seven):
    result = customer_types(
        seven, value_column="margin", bond_column="share_of_wallet", split=(30, 0.9)
    )
    assert types_of(result) == {1: "star", 2: "question_mark", 3: "poor_dog", 4: "poor_dog"}
    assert result.split == (30.0, 0.9)
    assert result.split_rule == "values"
    assert result.counts.to_dict() == {
        "star": 1,
        "question_mark": 1,
        "free_rider": 0,
        "poor_dog": 2,
    }


def test_customers_lacking_an_axis_are_listed_with_what_they_lack(seven):
    result = customer_types(seven, value_column="margin", bond_column="share_of_wallet")
    assert result.missing.to_dict("list") == {
        "id": [5, 6, 7],
        "name": ["No margin", "No wallet", "Nothing"],
        "missing": ["margin", "share_of_wallet", "margin, share_of_wallet"],
    }


def test_each_type_has_its_list_and_its_suggested_action(seven):
    result = customer_types(seven, value_column="margin", bond_column="share_of_wallet")
    assert list(result.members) == list(TYPES)
    assert result.members["star"]["name"].tolist() == ["Star"]
    assert result.actions == {
        "star": "keep_and_develop",
        "question_mark": "decide_and_invest",
        "free_rider": "stop_discounting",
        "poor_dog": "minimal_care_or_separation",
    }


def test_median_ties_count_as_high():
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "v": [1.0, 2, 2, 3], "b": [1.0, 1, 1, 1]})
    result = customer_types(frame, value_column="v", bond_column="b")
    assert types_of(result) == {1: "free_rider", 2: "star", 3: "star", 4: "star"}


def test_lifetime_can_be_the_bond_axis_when_today_is_given(seven):
    seven["customer_since"] = pd.to_datetime(["2015-01-01"] * 4 + ["2023-06-01"] * 3)
    result = customer_types(
        seven, value_column="margin", bond_column="lifetime_days", today=dt.date(2024, 1, 1)
    )
    assert result.missing["id"].tolist() == [5, 7]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value_column": "margin", "bond_column": "margin"}, "two different columns"),
        ({"value_column": "margin", "bond_column": "potential"}, "no column 'potential'"),
        ({"value_column": "name", "bond_column": "margin"}, "'name' holds text"),
        (
            {"value_column": "margin", "bond_column": "revenue", "split": (1, float("inf"))},
            "finite",
        ),
        ({"value_column": "margin", "bond_column": "revenue", "split": "mean"}, "two numbers"),
    ],
)
def test_unusable_axes_and_splits_are_refused(seven, kwargs, message):
    with pytest.raises(ScoringError, match=message):
        customer_types(seven, **kwargs)


def test_nobody_placed_leaves_the_median_split_undefined(seven):
    result = customer_types(seven.iloc[4:], value_column="margin", bond_column="share_of_wallet")
    assert np.isnan(result.split).all()
    assert result.counts.sum() == 0
    assert len(result.missing) == 3


# --------------------------------------------------------------------------- reps


def test_totals_per_rep_count_revenue_and_keep_customers_without_owner_apart(seven):
    result = rep_portfolios(seven)
    totals = result.totals
    assert list(totals.index) == ["Anna", "Björn", NO_OWNER]
    assert totals["customers"].tolist() == [3, 2, 2]
    assert totals["revenue"].tolist() == [550.0, 300.0, 200.0]
    assert totals["revenue_share"].tolist() == [52.4, 28.6, 19.0]
    assert result.customers["owner"].tolist() == [
        "Anna",
        "Anna",
        "Anna",
        "Björn",
        "Björn",
        NO_OWNER,
        NO_OWNER,
    ]
    assert result.customers["id"].tolist() == [1, 5, 7, 2, 6, 3, 4]


def test_rep_portfolios_carry_class_score_and_type_with_counts_per_rep(seven):
    # Revenue 1050 in all: 500, 300 and the first 100 start below 80 % (A), the second 100 is B,
    # 50 and 0 start at 95.2 % and above (C); customer 6 has no revenue and no class.
    classes = abc_classes(seven)
    scores = value_score(seven, [ScoreParameter("margin", 1)])
    types = customer_types(seven, value_column="margin", bond_column="share_of_wallet")
    result = rep_portfolios(seven, classes=classes, scores=scores, types=types)
    row = result.customers.set_index("id").loc[1]
    assert (row["abc_class"], row["score"], row["band"], row["customer_type"]) == (
        "A",
        100.0,
        "intensify",
        "star",
    )
    anna = result.totals.loc["Anna"]
    assert (anna["abc_A"], anna["abc_B"], anna["abc_C"], anna["abc_none"]) == (1, 0, 2, 0)
    assert (anna["type_star"], anna["type_none"]) == (1, 2)
    assert (anna["scored"], anna["mean_score"]) == (1, 100.0)  # customers 5 and 7 lack a margin
    assert result.totals.loc["Björn", "abc_none"] == 1


def test_reps_accept_plain_series_indexed_by_customer_id(seven):
    result = rep_portfolios(seven, scores=pd.Series({1: 80.0, 2: 20.0, 5: 40.0}))
    assert result.totals.loc["Anna", "mean_score"] == 60.0
    assert np.isnan(result.totals.loc[NO_OWNER, "mean_score"])
    assert "band" not in result.customers


def test_a_frame_without_owners_is_one_portfolio_without_owner(seven):
    result = rep_portfolios(seven.drop(columns="owner"))
    assert result.totals.index.tolist() == [NO_OWNER]
    assert result.totals["revenue_share"].tolist() == [100.0]


# --------------------------------------------------------------------------- segments


def test_segment_summary_counts_revenue_and_puts_missing_values_last(seven):
    table = segment_summary(seven, by="industry")
    assert table.to_dict("list") == {
        "segment": ["IT", "Retail", None],
        "missing": [False, False, True],
        "customers": [3, 2, 2],
        "customer_share": [42.8, 28.6, 28.6],  # 3/7, 2/7, 2/7: the larger remainders round up
        "revenue": [850.0, 100.0, 100.0],
        "revenue_share": [81.0, 9.5, 9.5],
    }


def test_categorical_segments_keep_their_order_and_show_empty_ones():
    frame = pd.DataFrame(
        {
            "size_group": pd.Categorical(
                ["large", "small"], categories=["small", "medium", "large"]
            ),
            "revenue": [900.0, 100.0],
        }
    )
    table = segment_summary(frame, by="size_group")
    assert table["segment"].tolist() == ["small", "medium", "large"]
    assert table["revenue_share"].tolist() == [10.0, 0.0, 90.0]
    assert not table["missing"].any()


def test_segment_by_an_unknown_column_is_refused(seven):
    with pytest.raises(ScoringError, match="no column 'region'"):
        segment_summary(seven, by="region")


# --------------------------------------------------------------------------- properties

maybe_float = st.one_of(st.none(), st.floats(0, 1e6), st.integers(0, 3).map(float))


@st.composite
def customers(draw):
    n = draw(st.integers(0, 40))

    def column(values):
        return draw(st.lists(values, min_size=n, max_size=n))

    return pd.DataFrame(
        {
            "id": range(1, n + 1),
            "name": [f"C{i}" for i in range(n)],
            "revenue": column(maybe_float),
            "margin": column(maybe_float),
            "lifetime": column(maybe_float),
            "owner": column(st.sampled_from(["Anna", "Björn", "", None])),
            "industry": column(st.sampled_from(["IT", "Retail", "Health", None])),
        }
    ).astype({"revenue": float, "margin": float, "lifetime": float})


@settings(max_examples=150, deadline=None)
@given(customers(), st.one_of(st.just("median"), st.tuples(maybe_float, maybe_float)))
def test_every_customer_is_in_exactly_one_quadrant_or_listed_as_missing(frame, split):
    split = "median" if split == "median" or None in split else split
    result = customer_types(frame, value_column="margin", bond_column="lifetime", split=split)
    placed = [i for t in TYPES for i in result.members[t]["id"]]
    assert len(placed) == len(set(placed)) == result.counts.sum()
    assert set(placed) | set(result.missing["id"]) == set(frame["id"])
    assert set(placed).isdisjoint(result.missing["id"])
    assert set(result.actions) == set(TYPES) and set(ACTIONS.values()) == set(
        result.actions.values()
    )


@settings(max_examples=150, deadline=None)
@given(customers())
def test_segment_and_rep_shares_add_up_to_exactly_100(frame):
    table = segment_summary(frame, by="industry")
    totals = rep_portfolios(frame).totals
    assert table["customers"].sum() == len(frame) == totals["customers"].sum()
    if len(frame):
        assert tenths(table["customer_share"]) == 1000
    if frame["revenue"].fillna(0).sum() > 0:
        assert tenths(table["revenue_share"]) == 1000
        assert tenths(totals["revenue_share"]) == 1000
