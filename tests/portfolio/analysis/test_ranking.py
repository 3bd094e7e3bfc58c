"""portfolio.analysis.ranking: lifetimes, tie-breaks, N and corrections, counted by hand."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from portfolio.analysis import SelectionError, rank_best
from portfolio.analysis.ranking import lifetime_days

TODAY = dt.date(2024, 1, 1)


def test_lifetime_without_a_since_column_is_unknown_for_everyone():
    lifetimes = lifetime_days(pd.DataFrame({"name": ["a", "b"]}, index=[5, 6]), TODAY)
    assert list(lifetimes.index) == [5, 6]
    assert lifetimes.dtype == float
    assert lifetimes.isna().all()


def test_lifetime_runs_to_today_without_an_until_column_and_skips_unreadable_dates():
    frame = pd.DataFrame({"customer_since": ["2023-12-01", "not a date", None]}, index=[1, 2, 3])
    lifetimes = lifetime_days(frame, TODAY)
    assert lifetimes.dtype == float
    assert lifetimes[1] == 31.0
    assert lifetimes[[2, 3]].isna().all()


def test_lifetime_ends_at_until_and_unreadable_untils_count_as_still_a_customer():
    frame = pd.DataFrame(
        {
            "customer_since": ["2020-01-01", "2020-01-01", "2020-01-01"],
            "customer_until": ["2020-01-11", "someday", None],
        }
    )
    assert lifetime_days(frame, TODAY).tolist() == [10.0, 1461.0, 1461.0]


def ranked(frame, **kwargs):
    return rank_best(frame, today=TODAY, **{"goal": "revenue", "n": 10, **kwargs})


def test_missing_names_come_after_named_customers_with_the_same_numbers():
    frame = pd.DataFrame(
        {"id": [1, 2, 3, 4], "name": [None, "b", "A", np.nan], "revenue": [5.0, 5.0, 5.0, 5.0]}
    )
    result = ranked(frame).ranked
    assert result["id"].tolist() == [3, 2, 1, 4]
    assert result["decided_by"].tolist() == ["criterion", "name", "name", "id"]
    assert result["tie_break"].tolist() == [True, True, True, True]


def test_names_only_decide_within_equal_criterion_and_revenue():
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "name": ["z", "a", "m", "b"],
            "margin": [10.0, 10.0, 20.0, 10.0],
            "revenue": [1.0, 1.0, 1.0, 2.0],
        }
    )
    result = ranked(frame, goal="profitability").ranked
    # 20 first; then three at 10: revenue 2 (b) before the two at 1, which names order.
    assert result["id"].tolist() == [3, 4, 2, 1]
    assert result["decided_by"].tolist() == ["criterion", "criterion", "revenue", "name"]
    assert result["tie_break"].tolist() == [False, True, True, True]


def test_missing_revenue_comes_last_among_equal_criterion_values():
    frame = pd.DataFrame(
        {"id": [1, 2, 3], "margin": [5.0, 5.0, 5.0], "revenue": [np.nan, 0.0, -1.0]}
    )
    assert ranked(frame, goal="profitability").ranked["id"].tolist() == [2, 3, 1]


def test_ranking_without_names_or_ids_uses_the_index():
    frame = pd.DataFrame({"revenue": [1.0, 3.0, 2.0]}, index=[10, 20, 30])
    result = ranked(frame, n=2)
    assert result.ranked["rank"].tolist() == [1, 2, 3]
    assert result.ranked["revenue"].tolist() == [3.0, 2.0, 1.0]
    assert result.selection["revenue"].tolist() == [3.0, 2.0]


def test_the_result_keeps_goal_column_and_direction():
    result = ranked(pd.DataFrame({"sales_cycle_days": [3.0]}), goal="growth")
    assert (result.goal, result.criterion, result.ascending) == ("growth", "sales_cycle_days", True)
    result = ranked(pd.DataFrame({"customer_since": ["2020-01-01"]}), goal="loyalty")
    assert (result.criterion, result.ascending) == ("lifetime_days", False)
    assert result.ranked["lifetime_days"].tolist() == [1461.0]


def test_n_may_be_a_numpy_integer_but_not_a_bool_or_zero():
    frame = pd.DataFrame({"revenue": [1.0, 2.0, 3.0]})
    assert ranked(frame, n=np.int64(2)).n == 2
    for n in (True, 0, 1.0, "3"):
        with pytest.raises(SelectionError) as raised:
            ranked(frame, n=n)
        assert str(raised.value) == (
            f"N must be a positive whole number, 'pareto' or 'default'; got {n!r}."
        )


def test_the_default_n_follows_the_portfolio_not_those_ranked():
    frame = pd.DataFrame({"revenue": [1.0] * 30 + [np.nan] * 45})
    assert ranked(frame, n="default").n == 10  # a group of 75 alone: 10
    assert ranked(frame, n="default", portfolio_size=400).n == 20  # a portfolio of 400: 20
    assert ranked(frame, n="default", portfolio_size=5000).n == 30  # 50, capped at 30 ranked
    assert ranked(frame, n="pareto").n == 6  # a fifth of the 30 ranked


def test_a_cut_off_at_the_last_ranked_customer_is_no_tie():
    frame = pd.DataFrame({"id": [1, 2], "revenue": [4.0, 4.0]})
    assert not ranked(frame, n=2).cutoff_tie
    assert ranked(frame, n=1).cutoff_tie


def test_errors_say_what_is_wrong():
    frame = pd.DataFrame({"id": [1], "revenue": [1.0]})
    with pytest.raises(ValueError) as raised:
        ranked(frame, goal="speed")
    assert str(raised.value) == (
        "Unknown goal 'speed'; expected one of growth, profitability, loyalty, revenue, "
        "value_score."
    )
    with pytest.raises(SelectionError) as raised:
        ranked(frame, exclude={2: "x", 1: "y"}, include={1: "z", 2: "w"})
    assert str(raised.value) == "Customers both excluded and included: [1, 2]."


def test_corrections_keep_every_column_and_note():
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "name": ["a", "b", "c", "d"],
            "revenue": [40.0, 30.0, 20.0, np.nan],
        }
    )
    result = ranked(frame, n=2, exclude={1: "competitor", 9: "typo"}, include={4: "logo"})
    selection = result.selection
    assert selection["id"].tolist() == [2, 4]
    assert selection["source"].tolist() == ["ranked", "included"]
    assert selection["reason"].tolist()[1] == "logo"
    assert pd.isna(selection["reason"].iloc[0])
    assert str(selection["rank"].dtype) == "Int64"
    assert selection["rank"].tolist()[0] == 2 and pd.isna(selection["rank"].iloc[1])
    assert result.excluded[["id", "reason", "in_top_n"]].values.tolist() == [
        [1, "competitor", True]
    ]
    assert result.unknown_ids == (9,)
    assert result.without_value["id"].tolist() == [4]
    assert list(result.selection.index) == [0, 1]


def test_including_a_customer_already_in_the_top_n_keeps_its_place_and_note():
    frame = pd.DataFrame({"id": [1, 2, 3], "revenue": [3.0, 2.0, 1.0]})
    selection = ranked(frame, n=2, include={2: "reference"}).selection
    assert selection["id"].tolist() == [1, 2]
    assert selection["source"].tolist() == ["ranked", "ranked"]
    assert selection["reason"].tolist()[1] == "reference"


def test_unknown_ids_are_sorted_and_nothing_asked_means_none():
    frame = pd.DataFrame({"id": [1], "revenue": [1.0]})
    assert ranked(frame, exclude={9: "a", 5: "b"}, include={7: "c"}).unknown_ids == (5, 7, 9)
    assert ranked(frame).unknown_ids == ()
    result = ranked(frame)
    assert list(result.excluded.columns)[-2:] == ["reason", "in_top_n"]
    assert result.excluded.empty


def test_customers_without_a_value_are_listed_by_name_then_id():
    frame = pd.DataFrame(
        {"id": [3, 1, 2, 4], "name": ["b", "b", "a", None], "revenue": [np.nan] * 4}
    )
    result = ranked(frame)
    assert result.without_value["id"].tolist() == [2, 1, 3, 4]
    assert list(result.without_value.index) == [0, 1, 2, 3]
    assert result.ranked.empty and result.n == 0
    no_keys = ranked(pd.DataFrame({"revenue": [np.nan, np.nan]}, index=[8, 7]))
    assert no_keys.without_value["revenue"].isna().all()


def test_names_decide_between_customers_without_revenue():
    frame = pd.DataFrame(
        {"id": [1, 2], "name": ["b", "a"], "margin": [5.0, 5.0], "revenue": [np.nan, np.nan]}
    )
    result = ranked(frame, goal="profitability").ranked
    assert result["id"].tolist() == [2, 1]
    assert result["decided_by"].tolist() == ["criterion", "name"]


def test_many_customers_alike_keep_the_id_order_within_each_name():
    # Sixty customers equal in margin and revenue: thirty named b (ids 1-30), thirty a.
    frame = pd.DataFrame(
        {
            "id": range(1, 61),
            "name": ["b"] * 30 + ["A"] * 30,
            "margin": [5.0] * 60,
            "revenue": [7.0] * 60,
        }
    ).sample(frac=1, random_state=3)
    result = ranked(frame, goal="profitability", n=60).ranked
    assert result["id"].tolist() == list(range(31, 61)) + list(range(1, 31))
    assert result["decided_by"].tolist() == ["criterion"] + ["id"] * 29 + ["name"] + ["id"] * 29


def test_a_customer_sharing_the_criterion_with_the_next_one_is_a_tie_break():
    frame = pd.DataFrame({"id": [1, 2], "margin": [5.0, 5.0], "revenue": [2.0, 1.0]})
    result = ranked(frame, goal="profitability").ranked
    assert result["tie_break"].tolist() == [True, True]
    assert result["decided_by"].tolist() == ["criterion", "revenue"]


def test_the_ranked_and_unranked_frames_keep_exactly_the_input_columns():
    frame = pd.DataFrame(
        {"id": [1, 2], "name": ["a", "b"], "revenue": [1.0, np.nan]}, index=[10, 20]
    )
    result = ranked(frame)
    assert list(result.ranked.columns) == [
        "id",
        "name",
        "revenue",
        "rank",
        "tie_break",
        "decided_by",
    ]
    assert list(result.without_value.columns) == ["id", "name", "revenue"]
    assert list(result.ranked.index) == [0] and list(result.without_value.index) == [0]


def test_an_empty_ranking_has_typed_tie_columns():
    result = ranked(pd.DataFrame({"id": [1], "revenue": [np.nan]}))
    assert result.ranked["tie_break"].dtype == bool
    assert result.ranked["decided_by"].dtype == object


def test_unranked_customers_without_ids_keep_their_order_within_a_name():
    frame = pd.DataFrame(
        {"name": ["b"] * 20 + ["a"] * 20, "seq": range(40), "revenue": [np.nan] * 40}
    )
    assert ranked(frame).without_value["seq"].tolist() == list(range(20, 40)) + list(range(20))
