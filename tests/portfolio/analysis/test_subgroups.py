"""portfolio.analysis.subgroups and .conditions: the search on generated lists (a planted
segment is found, a list without a pattern gives nothing), readable bounds, exact figures."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.analysis import conditions
from portfolio.analysis.chance import hypergeometric_tail, richer, search_space
from portfolio.analysis.conditions import Condition, readable_cuts
from portfolio.analysis.subgroups import find_conditions, find_subgroups
from tests.portfolio.analysis.subgroup_data import ATTRIBUTES, no_pattern, planted, portfolio


def readable(number: float) -> bool:
    """At most two significant digits, or a multiple of 25 (12.5, 250, 7500)."""
    if number == 0:
        return True
    scale = 10.0 ** (math.floor(math.log10(abs(number))) - 1)
    digits = round(abs(number) / scale, 6)
    return digits == round(digits) or (abs(number) / (scale / 4)) % 1 == 0


def mask_of(frame: pd.DataFrame, items, share=0.5) -> np.ndarray:
    """What a profile's do-or-die criteria select, written out by hand: none missed, at least
    half known."""
    missed = np.zeros(len(frame), dtype=bool)
    known = np.zeros(len(frame), dtype=int)
    for c in items:
        column = frame[c.attribute]
        if c.operator == "in":
            is_known = column.notna().to_numpy()
            hit = (
                column.astype(object)
                .str.strip()
                .str.casefold()
                .isin([v.casefold() for v in c.value])
                .to_numpy()
            )
        else:
            x = column.to_numpy(dtype=float)
            is_known = np.isfinite(x)
            hit = {
                "gte": lambda x, c=c: x >= c.value,
                "lt": lambda x, c=c: x < c.value,
                "between": lambda x, c=c: (x >= c.value[0]) & (x <= c.value[1]),
            }[c.operator](x)
        missed |= is_known & ~hit
        known += is_known
    return ~missed & (known >= max(1, math.ceil(len(items) * share)))


# --------------------------------------------------------------------------- the planted segment


def test_the_top_suggestion_recovers_the_planted_segment():
    frame, best, segment = planted()
    found = find_subgroups(frame, best, attributes=ATTRIBUTES, weights=frame["revenue"])
    top = found.subgroups[0]
    by_name = {c.attribute: c for c in top.conditions}
    assert set(by_name) == {"industry", "country", "employees"}
    assert by_name["industry"].value == ("Manufacturing",)
    assert set(by_name["country"].value) == {"SE", "DE"}
    employees = by_name["employees"]
    low = employees.value[0] if employees.operator == "between" else employees.value
    assert employees.operator in ("between", "gte") and 35 <= low <= 70
    if employees.operator == "between":
        assert 350 <= employees.value[1] <= 700
    assert top.recall > 75 and top.lift > 10
    assert top.caught == np.count_nonzero(best & mask_of(frame, top.conditions))


def test_a_value_set_groups_several_values_when_that_is_the_pattern():
    frame = portfolio(4000, seed=3)
    rng = np.random.default_rng(3)
    segment = frame["industry"].isin(["Manufacturing", "Logistics"]).to_numpy() & (
        frame["employees"].to_numpy() >= 80
    )
    best = segment & (rng.random(len(frame)) < 0.6)
    found = find_subgroups(frame, best, attributes=ATTRIBUTES)
    top = {c.attribute: c for c in found.subgroups[0].conditions}
    assert set(top["industry"].value) == {"Manufacturing", "Logistics"}
    assert top["employees"].operator == "gte" and 60 <= top["employees"].value <= 100


@pytest.mark.parametrize("n", [400, 5000])
@pytest.mark.parametrize("seed", range(6))
def test_a_list_without_a_pattern_gets_no_suggestion(n, seed):
    frame, best = no_pattern(n, seed)
    assert find_subgroups(frame, best, attributes=ATTRIBUTES).subgroups == ()
    found = find_conditions(frame, best, attributes=ATTRIBUTES, others=~best)
    assert found.subgroups == ()


def test_figures_are_those_of_the_conditions_as_written():
    frame, best, _segment = planted(seed=7)
    found = find_subgroups(frame, best, attributes=ATTRIBUTES, weights=frame["revenue"])
    assert found.subgroups
    for subgroup in found.subgroups:
        mask = mask_of(frame, subgroup.conditions)
        assert subgroup.size == mask.sum()
        assert subgroup.caught == (mask & best).sum()
        assert subgroup.targets == best.sum() and subgroup.population == len(frame)
        held = frame["revenue"][mask].sum() / frame["revenue"].sum() * 100
        assert subgroup.revenue_share == pytest.approx(held)
        assert subgroup.precision == pytest.approx(subgroup.caught / subgroup.size * 100)
        assert subgroup.lift == pytest.approx(subgroup.precision / 100 / (best.sum() / len(best)))
        assert subgroup.lift >= 1.2 and subgroup.caught >= 3
        assert subgroup.p_value <= found.thresholds[len(subgroup.conditions) - 1]


def test_suggestions_have_no_duplicates_and_no_condition_that_changes_nothing():
    frame, best, _segment = planted(seed=11)
    found = find_subgroups(frame, best, attributes=ATTRIBUTES, limit=20)
    seen = set()
    for subgroup in found.subgroups:
        names = [c.attribute for c in subgroup.conditions]
        assert len(names) == len(set(names))
        assert frozenset(subgroup.conditions) not in seen
        seen.add(frozenset(subgroup.conditions))
        mask = mask_of(frame, subgroup.conditions)
        assert 0 < mask.sum() < len(frame)  # no condition selects everything
        for i in range(len(subgroup.conditions)):
            fewer = subgroup.conditions[:i] + subgroup.conditions[i + 1 :]
            assert not np.array_equal(mask_of(frame, fewer), mask)
    qualities = [s.quality for s in found.subgroups]
    assert qualities == sorted(qualities, reverse=True)


def test_an_unknown_value_is_no_miss_when_enough_else_is_known():
    frame = pd.DataFrame(
        {
            "industry": ["IT"] * 6 + ["Retail"] * 6,
            "employees": [100, 200, 300, np.nan, 5, 6, 100, 200, 7, 8, 9, 10],
        }
    )
    both = (Condition("industry", "in", ("IT",)), Condition("employees", "gte", 50))
    mask = mask_of(frame, both)
    assert mask.tolist() == [True] * 4 + [False] * 8  # row 4: IT, employees unknown
    many = pd.concat([frame] * 30, ignore_index=True)  # enough rows for chance to be ruled out
    found = find_subgroups(many, np.tile(mask, 30), attributes=["industry", "employees"])
    top = found.subgroups[0]
    assert {c.attribute for c in top.conditions} == {"industry", "employees"}
    assert top.size == top.caught == 4 * 30


def test_search_space_counts_conjunctions_on_different_attributes():
    # families 2, 3, 4: singles 9, pairs 2*3 + 2*4 + 3*4 = 26, triples 24
    assert search_space([2, 3, 4], 3) == [9, 26, 24]
    assert search_space([5], 3) == [5, 0, 0]


# --------------------------------------------------------------------------- do-not conditions


def test_single_conditions_recover_a_planted_low_margin_group():
    frame = portfolio(3000, seed=5)
    rng = np.random.default_rng(5)
    low = (frame["industry"] == "Retail").to_numpy() | (frame["employees"].to_numpy() < 10)
    margin = np.where(low, rng.uniform(2, 15, len(frame)), rng.uniform(10, 60, len(frame)))
    bottom = margin <= np.quantile(margin, 0.2)
    good = margin >= np.quantile(margin, 0.95)
    found = find_conditions(frame, bottom, attributes=ATTRIBUTES, others=good)
    by_name = {s.conditions[0].attribute: s for s in found.subgroups}
    assert by_name["industry"].conditions[0].value == ("Retail",)
    employees = by_name["employees"].conditions[0]
    assert employees.operator == "lt" and 5 <= employees.value <= 15
    for subgroup in found.subgroups:
        mask = mask_of(frame, subgroup.conditions)
        assert subgroup.others == (mask & good).sum()  # the good ones it would exclude
        assert len(subgroup.conditions) == 1


# --------------------------------------------------------------------------- conditions


def test_bounds_are_rounded_to_the_roundest_number_close_by():
    assert conditions._round_near(512.4, 53, integers=False) == 500
    assert conditions._round_near(19.73, 2.4, integers=True) == 20
    assert conditions._round_near(87.3, 1, integers=True) == 88  # even beats odd
    assert conditions._round_near(87.3, 0.5, integers=True) == 87
    assert conditions._round_near(0.0734, 0.004, integers=False) == 0.075


@pytest.mark.parametrize("seed", range(5))
def test_every_bin_bound_reads_well(seed):
    rng = np.random.default_rng(seed)
    for values in (
        np.exp(rng.normal(4.5, 1.4, 5000)).round(),  # employees
        np.exp(rng.normal(15, 1.5, 5000)),  # company revenue, not rounded
        rng.normal(10, 15, 5000).round(1),  # growth %, negative ones too
    ):
        cuts = readable_cuts(values)
        assert len(cuts) >= 5
        assert all(readable(c) for c in cuts), cuts
        assert list(cuts) == sorted(set(cuts))


def test_whole_numbers_get_whole_bounds():
    cuts = readable_cuts(np.arange(1, 40, dtype=float))
    assert all(float(c).is_integer() for c in cuts)


def test_text_values_are_compared_as_criteria_compare_them():
    frame = pd.DataFrame({"industry": ["IT", " it ", "Retail", None, "IT  "] * 10})
    (attribute,) = conditions.encode(frame, ["industry"])
    assert attribute.labels == ("IT", "Retail")  # one value, spelt as most rows spell it
    hit, known = conditions.met(attribute, Condition("industry", "in", ("it",)))
    assert hit[:5].tolist() == [True, True, False, False, True]
    assert known[:5].tolist() == [True, True, True, False, True]


def test_identifier_like_and_constant_columns_are_left_out():
    frame = pd.DataFrame(
        {"website": [f"site{i}.example" for i in range(200)], "kind": ["B2B"] * 200}
    )
    assert conditions.encode(frame, ["website", "kind"]) == []


def test_a_condition_is_written_as_a_criterion():
    values = np.array([1.0, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] * 3)
    (attribute,) = conditions.encode(pd.DataFrame({"employees": values}), ["employees"])
    last = len(attribute.labels)
    assert conditions.condition(attribute, (0, 2)).operator == "lt"
    assert conditions.condition(attribute, (3, last)).operator == "gte"
    between = conditions.condition(attribute, (2, 4))
    assert between.operator == "between" and between.value[0] < between.value[1]


# --------------------------------------------------------------------------- chance


def test_the_hypergeometric_tail_matches_the_hand_calculation():
    # 10 rows, 3 targets, 3 drawn: all three targets 1/120; two or more (3*7 + 1)/120.
    assert hypergeometric_tail(10, 3, 3, 3) == pytest.approx(1 / 120)
    assert hypergeometric_tail(10, 3, 3, 2) == pytest.approx(22 / 120)
    assert hypergeometric_tail(10, 3, 3, 0) == 1.0
    assert hypergeometric_tail(10, 3, 3, 4) == 0.0


@settings(max_examples=40, deadline=None)
@given(
    rows=st.integers(5, 60),
    targets=st.integers(0, 60),
    size=st.integers(0, 60),
    caught=st.integers(0, 60),
)
def test_the_hypergeometric_tail_is_a_probability_falling_with_the_catch(
    rows, targets, size, caught
):
    targets, size = min(targets, rows), min(size, rows)
    p = hypergeometric_tail(rows, targets, size, caught)
    assert 0.0 <= p <= 1.0
    assert hypergeometric_tail(rows, targets, size, caught + 1) <= p + 1e-12


@settings(max_examples=80, deadline=None)
@given(
    rows=st.integers(10, 400),
    targets=st.integers(1, 400),
    size=st.integers(1, 400),
    caught=st.integers(0, 400),
    level=st.sampled_from([1e-6, 1e-3, 0.05]),
)
def test_the_quick_significance_test_agrees_with_the_exact_tail(rows, targets, size, caught, level):
    targets, size = min(targets, rows), min(size, rows)
    caught = min(caught, size, targets)
    exact = hypergeometric_tail(rows, targets, size, caught) <= level
    assert richer(rows, targets, level)(size, caught) == (exact and caught > size * targets / rows)
