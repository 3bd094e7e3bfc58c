"""portfolio.analysis.scoring: the customer-value score, checked by hand and by property."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.analysis.scoring import (
    BANDS,
    DEFAULT_BANDS,
    ScoreBands,
    ScoreParameter,
    ScoringError,
    lifetime_days,
    percentile_rank,
    row_order,
    validate_parameters,
    value_score,
)

TODAY = dt.date(2024, 1, 1)


@pytest.fixture
def four() -> pd.DataFrame:
    """Revenue ranks A<B<C<D; sales cycles 10/40/20/30 days (shorter is better)."""
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "name": ["A", "B", "C", "D"],
            "revenue": [100.0, 200, 300, 400],
            "sales_cycle_days": [10, 40, 20, 30],
        }
    )


REVENUE_AND_CYCLE = [
    ScoreParameter("revenue", 3),
    ScoreParameter("sales_cycle_days", 1, higher_is_better=False),
]


def by_id(result, column: str) -> dict:
    return dict(zip(result.scores["id"], result.scores[column], strict=True))


# --------------------------------------------------------------------------- hand-checked


def test_weighted_rank_score_matches_the_hand_calculation(four):
    # revenue pct 0, 1/3, 2/3, 1; cycle (lower better) 1, 0, 2/3, 1/3; weights 3:1.
    result = value_score(four, REVENUE_AND_CYCLE)
    assert by_id(result, "score") == {1: 25.0, 2: 25.0, 3: 66.67, 4: 83.33}
    assert by_id(result, "norm_sales_cycle_days")[1] == 1.0
    assert by_id(result, "norm_revenue")[1] == 0.0


def test_ranks_put_the_best_first_and_break_score_ties_by_revenue(four):
    result = value_score(four, REVENUE_AND_CYCLE)
    assert result.scores["id"].tolist() == [4, 3, 2, 1]
    assert result.scores["rank"].tolist() == [1, 2, 3, 4]


def test_bands_follow_the_default_lower_limits_inclusively(four):
    result = value_score(four, REVENUE_AND_CYCLE)
    assert by_id(result, "band") == {
        1: "minimal_care",  # exactly 25 is still minimal care
        2: "minimal_care",
        3: "maintain",
        4: "intensify",
    }
    assert result.band_counts.to_dict() == {
        "intensify": 1,
        "maintain": 1,
        "minimal_care": 2,
        "consider_separating": 0,
    }


def test_edited_band_limits_change_the_consequence(four):
    result = value_score(four, REVENUE_AND_CYCLE, bands=ScoreBands(90, 60, 30))
    assert by_id(result, "band") == {
        1: "consider_separating",
        2: "consider_separating",
        3: "maintain",
        4: "maintain",
    }


def test_tied_values_share_the_average_percentile():
    ranks = percentile_rank(pd.Series([100.0, 100, 300]))
    assert ranks.tolist() == [0.25, 0.25, 1.0]


def test_an_outlier_counts_only_as_the_highest_value(four):
    outlier = four.assign(revenue=[100.0, 200, 300, 1e12])
    params = [ScoreParameter("revenue", 1)]
    assert value_score(outlier, params).scores.equals(value_score(four, params).scores)


def test_a_single_customer_or_all_tied_values_score_fifty(four):
    single = value_score(four.iloc[:1], [ScoreParameter("revenue", 1)])
    tied = value_score(four.assign(revenue=7.0), [ScoreParameter("revenue", 1)])
    assert single.scores["score"].tolist() == [50.0]
    assert tied.scores["score"].tolist() == [50.0] * 4


def test_zero_weight_parameter_does_not_move_the_score(four):
    params = [ScoreParameter("revenue", 1), ScoreParameter("sales_cycle_days", 0)]
    assert by_id(value_score(four, params), "score") == {1: 0.0, 2: 33.33, 3: 66.67, 4: 100.0}


# --------------------------------------------------------------------------- missing values


def test_customers_lacking_a_parameter_are_listed_not_scored_as_zero(four):
    four["margin"] = [20.0, np.nan, 10, 30]
    four.loc[0, "revenue"] = np.nan
    params = [ScoreParameter("revenue", 1), ScoreParameter("margin", 1)]
    result = value_score(four, params)
    assert sorted(result.scores["id"]) == [3, 4]
    assert result.missing.to_dict("list") == {
        "id": [1, 2],
        "name": ["A", "B"],
        "missing": ["revenue", "margin"],
    }
    assert result.missing_counts.to_dict() == {"revenue": 1, "margin": 1}
    # The two complete customers are ranked among themselves: 0 and 1 on both parameters.
    assert by_id(result, "score") == {3: 0.0, 4: 100.0}


def test_missing_names_every_parameter_a_customer_lacks_in_parameter_order(four):
    four["margin"] = [np.nan, 1.0, 2, 3]
    four.loc[0, "revenue"] = np.nan
    params = [ScoreParameter("margin", 1), ScoreParameter("revenue", 1)]
    assert value_score(four, params).missing["missing"].tolist() == ["margin, revenue"]


def test_text_that_is_not_a_number_counts_as_missing(four):
    four["potential"] = pd.Series(["10", "n/a", "30", "40"], dtype=object)
    result = value_score(four, [ScoreParameter("potential", 1)])
    assert result.missing["id"].tolist() == [2]
    assert by_id(result, "score") == {1: 0.0, 3: 50.0, 4: 100.0}


def test_infinite_values_count_as_missing(four):
    four["potential"] = [1.0, np.inf, 2, 3]
    assert value_score(four, [ScoreParameter("potential", 1)]).missing["id"].tolist() == [2]


def test_decimal_values_from_the_database_are_numbers(four):
    four["margin"] = pd.Series([Decimal("1.5"), Decimal("2.5"), None, Decimal("0.5")])
    result = value_score(four, [ScoreParameter("margin", 1)])
    assert by_id(result, "score") == {1: 50.0, 2: 100.0, 4: 0.0}


# --------------------------------------------------------------------------- lifetime


def test_lifetime_runs_to_the_end_date_or_to_today():
    frame = pd.DataFrame(
        {
            "customer_since": pd.to_datetime(["2023-01-01", "2023-12-01", None]),
            "customer_until": pd.to_datetime(["2023-01-31", None, None]),
        }
    )
    assert lifetime_days(frame, today=TODAY).tolist()[:2] == [30.0, 31.0]
    assert np.isnan(lifetime_days(frame, today=TODAY).iloc[2])


def test_lifetime_can_be_a_parameter_when_today_is_given(four):
    four["customer_since"] = pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01", None])
    four["customer_until"] = pd.NaT
    result = value_score(four, [ScoreParameter("lifetime_days", 1)], today=TODAY)
    assert by_id(result, "score") == {1: 100.0, 2: 50.0, 3: 0.0}
    assert result.missing["id"].tolist() == [4]


def test_lifetime_without_today_is_an_unknown_column(four):
    with pytest.raises(ScoringError, match="no column 'lifetime_days'"):
        value_score(four, [ScoreParameter("lifetime_days", 1)])


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: validate_parameters([]), "at least one parameter"),
        (lambda: ScoreParameter("revenue", -1), "negative"),
        (lambda: ScoreParameter("revenue", float("nan")), "finite"),
        (lambda: ScoreParameter("revenue", "2"), "must be a number"),
        (lambda: ScoreParameter("", 1), "column name"),
        (
            lambda: validate_parameters([ScoreParameter("revenue", 0), ScoreParameter("seats", 0)]),
            "add up to zero",
        ),
        (
            lambda: validate_parameters(
                [ScoreParameter("revenue", 1), ScoreParameter("revenue", 2)]
            ),
            "chosen twice: revenue",
        ),
        (lambda: ScoreBands(50, 75, 25), "must decrease"),
        (lambda: ScoreBands(75, 50, 50), "must decrease"),
        (lambda: ScoreBands(120, 50, 25), "between 0 and 100"),
        (lambda: ScoreBands(75, 50, -5), "between 0 and 100"),
    ],
)
def test_invalid_models_are_refused_with_a_sentence(make, message):
    with pytest.raises(ScoringError, match=message) as info:
        make()
    assert str(info.value).endswith(".")


def test_unknown_and_non_numeric_columns_are_refused(four):
    four["industry"] = ["IT", "IT", "Retail", None]
    four["since"] = pd.to_datetime(["2020-01-01"] * 4)
    with pytest.raises(ScoringError, match="no column 'potential'"):
        value_score(four, [ScoreParameter("potential", 1)])
    with pytest.raises(ScoringError, match="'industry' holds text"):
        value_score(four, [ScoreParameter("industry", 1)])
    with pytest.raises(ScoringError, match="'since' holds dates"):
        value_score(four, [ScoreParameter("since", 1)])


def test_scoring_error_is_a_value_error():
    assert issubclass(ScoringError, ValueError)


def test_default_bands_are_75_50_25():
    assert DEFAULT_BANDS.limits == (75.0, 50.0, 25.0)


# --------------------------------------------------------------------------- properties

maybe_value = st.one_of(st.none(), st.integers(-5, 5).map(float), st.floats(-1e6, 1e6))


@st.composite
def portfolios(draw):
    n = draw(st.integers(0, 30))
    frame = pd.DataFrame(
        {
            "id": draw(st.permutations(range(1, n + 1))),
            "name": [f"C{i}" for i in range(n)],
            "revenue": draw(st.lists(maybe_value, min_size=n, max_size=n)),
            "margin": draw(st.lists(maybe_value, min_size=n, max_size=n)),
            "potential": draw(st.lists(maybe_value, min_size=n, max_size=n)),
        }
    ).astype({"revenue": float, "margin": float, "potential": float})
    params = [
        ScoreParameter(column, draw(st.sampled_from([0, 0.5, 1, 2, 3.3])), draw(st.booleans()))
        for column in draw(
            st.lists(st.sampled_from(["revenue", "margin", "potential"]), min_size=1, unique=True)
        )
    ]
    if sum(p.weight for p in params) == 0:
        params[0] = ScoreParameter(params[0].column, 1, params[0].higher_is_better)
    return frame, params


@settings(max_examples=150, deadline=None)
@given(portfolios(), st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_the_order_of_rows(case, rnd):
    frame, params = case
    order = list(range(len(frame)))
    rnd.shuffle(order)
    shuffled = frame.iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        value_score(frame, params).scores, value_score(shuffled, params).scores
    )
    pd.testing.assert_frame_equal(
        value_score(frame, params).missing, value_score(shuffled, params).missing
    )


@settings(max_examples=150, deadline=None)
@given(portfolios())
def test_every_customer_is_either_scored_in_one_band_or_listed_as_missing(case):
    frame, params = case
    result = value_score(frame, params)
    scored, missing = set(result.scores["id"]), set(result.missing["id"])
    assert scored.isdisjoint(missing)
    assert scored | missing == set(frame["id"])
    assert result.scores["band"].isin(BANDS).all()
    assert result.band_counts.sum() == len(result.scores)
    assert list(result.band_counts.index) == list(BANDS)
    assert result.scores["rank"].tolist() == list(range(1, len(result.scores) + 1))
    assert result.scores["score"].between(0, 100).all()


@given(st.lists(st.floats(max_value=0, allow_nan=False), min_size=1, max_size=4))
def test_weights_that_are_negative_or_add_up_to_zero_are_refused(weights):
    with pytest.raises(ScoringError):
        params = [ScoreParameter(f"c{i}", w) for i, w in enumerate(weights)]
        validate_parameters(params)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-3, 3)), max_size=40))
def test_percentile_rank_agrees_with_pandas_average_ranks(values):
    series = pd.Series(values, dtype=float)
    n = series.count()
    expected = (series.rank(method="average") - 1) / (n - 1) if n > 1 else series * 0 + 0.5
    pd.testing.assert_series_equal(percentile_rank(series), expected, check_names=False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.one_of(st.none(), st.integers(-2, 2))), max_size=40)
)
def test_row_order_sorts_like_lexsort_with_missing_values_last(rows):
    first = np.array([a for a, _ in rows], dtype=float)
    second = np.array([np.nan if b is None else b for _, b in rows], dtype=float)
    unique = np.arange(len(rows))[::-1]
    expected = np.lexsort((unique, second, first)) if rows else np.array([], dtype=int)
    assert row_order(first, second, unique).tolist() == expected.tolist()
