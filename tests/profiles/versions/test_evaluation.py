"""The segment rule: hand-counted cases for every reason, and a plain-Python oracle of the rule.

The oracle below is written from the documents (the rule in evaluation.py's docstring, the
reading rules in criteria.py's), one value and one criterion at a time, without any of the
module's helpers: `evaluate` and `evaluate_frame` must both agree with it.
"""

import math
import re
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profiles.versions.criteria import Criterion, CriterionError, criteria_from_dicts
from profiles.versions.evaluation import evaluate, evaluate_frame, result_columns


def profile(*items: tuple[str, str, str, object]):
    return criteria_from_dicts(
        {"segment": s, "attribute": a, "operator": o, "value": v} for s, a, o, v in items
    )


# Only neutral and do-not criteria, and only do-or-die and do-not criteria.
NO_DO_OR_DIE = profile(
    ("neutral", "industry", "in", ["IT", "Telco"]),
    ("do-not", "customer_type", "eq", "B2C"),
)
NO_NEUTRAL = profile(
    ("do-or-die", "industry", "in", ["IT"]),
    ("do-not", "customer_type", "eq", "B2C"),
)


def decided(criteria, attributes) -> tuple[str, str, dict]:
    result = evaluate(criteria, attributes)
    return result.segment, result.reason.code, dict(result.reason.params)


# --------------------------------------------------------------------------- hand-counted cases


def test_without_do_or_die_criteria_meeting_the_neutral_ones_is_neutral():
    # No do-or-die criterion can be missed, yet that is no reason to call it "unclear".
    assert decided(NO_DO_OR_DIE, {"industry": "IT", "customer_type": "B2B"}) == (
        "neutral",
        "neutral_match",
        {"met": ["industry"], "missed": []},
    )


def test_without_do_or_die_criteria_missing_the_neutral_ones_is_the_grey_zone():
    result = evaluate(NO_DO_OR_DIE, {"industry": "Retail", "customer_type": "B2B"})
    assert (result.segment, result.reason.code, result.reason.params) == (
        "neutral",
        "between",
        {"missed": []},
    )
    assert result.reason_text() == (
        "Neutral, the grey zone: the profile has no do-or-die criteria and no do-not criterion "
        "is met."
    )


def test_without_neutral_criteria_missing_do_or_die_is_the_grey_zone_naming_what_missed():
    result = evaluate(NO_NEUTRAL, {"industry": "Retail", "customer_type": "B2B"})
    assert (result.segment, result.reason.code, result.reason.params) == (
        "neutral",
        "between",
        {"missed": ["industry"]},
    )
    assert result.reason_text({"industry": "Industry"}) == (
        "Neutral, the grey zone: not do-or-die because of Industry, and no do-not criterion is met."
    )


def test_without_neutral_criteria_meeting_do_or_die_is_do_or_die():
    assert decided(NO_NEUTRAL, {"industry": "IT", "customer_type": "B2B"}) == (
        "do-or-die",
        "do_or_die",
        {"met": ["industry"], "unknown": []},
    )


def test_do_or_die_names_what_is_still_to_confirm():
    criteria = profile(
        ("do-or-die", "industry", "eq", "IT"),
        ("do-or-die", "country", "eq", "SE"),
        ("do-or-die", "employees", "gte", 20),
        ("do-not", "customer_type", "eq", "B2C"),
    )
    result = evaluate(criteria, {"industry": "it", "country": "SE"})
    assert (result.segment, result.known, result.total) == ("do-or-die", 2, 4)
    assert result.reason.params == {
        "met": ["industry", "country"],
        "unknown": ["employees", "customer_type"],
    }
    assert result.reason_text() == (
        "Do-or-die: meets every known do-or-die criterion (industry, country). "
        "Still to confirm: employees, customer_type."
    )


def test_half_of_the_do_or_die_criteria_known_is_enough():
    # Two of four known (half, not more): still do-or-die; one of four is too little.
    criteria = profile(*[("do-or-die", a, "eq", "y") for a in "abcd"])
    assert evaluate(criteria, {"a": "y", "b": "y"}).segment == "do-or-die"
    assert evaluate(criteria, {"a": "y"}).reason.code == "too_little_known"
    three = profile(*[("do-or-die", a, "eq", "y") for a in "abc"])
    assert evaluate(three, {"a": "y", "b": "y"}).segment == "do-or-die"
    assert evaluate(three, {"a": "y"}).reason.code == "too_little_known"  # 1 < ceil(1.5)


def test_neutral_criteria_need_half_of_them_known_to_match():
    criteria = profile(
        ("do-or-die", "industry", "eq", "IT"),
        *[("neutral", a, "eq", "y") for a in "abcd"],
    )
    two = decided(criteria, {"industry": "Retail", "a": "y", "b": "y"})
    assert two == ("neutral", "neutral_match", {"met": ["a", "b"], "missed": ["industry"]})
    one = decided(criteria, {"industry": "Retail", "a": "y", "b": "y", "c": "n"})
    assert one == ("neutral", "between", {"missed": ["industry"]})  # c missed: no match


def test_a_missed_neutral_criterion_makes_the_grey_zone_even_with_the_rest_met():
    criteria = profile(
        ("do-or-die", "industry", "eq", "IT"),
        ("neutral", "country", "eq", "SE"),
        ("neutral", "employees", "gte", 20),
    )
    result = evaluate(criteria, {"industry": "Retail", "country": "SE", "employees": 5})
    assert (result.reason.code, result.reason.params) == ("between", {"missed": ["industry"]})


def test_neutral_match_text_names_what_missed_do_or_die_and_what_met_neutral():
    criteria = profile(("do-or-die", "industry", "eq", "IT"), ("neutral", "country", "eq", "SE"))
    result = evaluate(criteria, {"industry": "Retail", "country": "se"})
    assert result.reason_text() == (
        "Neutral: not do-or-die because of industry; meets the neutral criteria (country)."
    )
    without = evaluate(profile(("neutral", "country", "eq", "SE")), {"country": "SE"})
    assert without.reason_text() == "Neutral: meets the neutral criteria (country)."


def test_each_do_not_criterion_excludes_alone_and_is_named():
    criteria = profile(
        ("do-or-die", "industry", "eq", "IT"),
        ("do-not", "customer_type", "eq", "B2C"),
        ("do-not", "employees", "lt", 5),
        ("do-not", "country", "eq", "NK"),
    )
    result = evaluate(criteria, {"customer_type": "B2C", "employees": 3, "country": "SE"})
    assert (result.segment, result.reason.code) == ("do-not", "do_not")
    assert result.reason.params == {"met": ["customer_type", "employees"]}
    assert result.reason_text() == (
        "Do-not because of customer_type, employees: each do-not criterion excludes alone."
    )


def test_do_not_wins_over_a_do_or_die_match_with_too_little_known_overall():
    # Two of six known: too little for a verdict, but a do-not criterion met decides anyway.
    criteria = profile(
        ("do-or-die", "industry", "eq", "IT"),
        ("do-not", "customer_type", "eq", "B2C"),
        *[("neutral", a, "eq", "y") for a in "abcd"],
    )
    result = evaluate(criteria, {"industry": "IT", "customer_type": "B2C"})
    assert (result.segment, result.reason.code) == ("do-not", "conflict_do_not_wins")
    assert result.reason_text() == (
        "Do-not wins: the do-or-die criteria match (industry), but so does do-not on customer_type."
    )


def test_an_unclear_do_or_die_names_what_to_find_out():
    criteria = profile(
        *[("do-or-die", a, "eq", "y") for a in "abcd"],
        *[("neutral", a, "eq", "y") for a in "efgh"],
    )
    result = evaluate(criteria, {"a": "y", **dict.fromkeys("efgh", "y")})
    assert (result.segment, result.reason.code) == ("unknown", "do_or_die_unclear")
    assert result.reason.params == {"find_out": ["b", "c", "d"]}
    assert result.reason_text() == (
        "Could be do-or-die, but too few of its criteria are known. Find out: b, c, d."
    )


def test_too_little_known_counts_and_names_each_attribute_once():
    criteria = profile(
        ("do-or-die", "employees", "gte", 20),
        ("do-or-die", "industry", "eq", "IT"),
        ("do-not", "employees", "lt", 5),
        ("neutral", "country", "eq", "SE"),
    )
    result = evaluate(criteria, {"industry": "IT"})
    assert result.reason.params == {
        "known": 1,
        "total": 4,
        "find_out": ["employees", "country"],
    }
    assert result.reason_text() == (
        "Too little is known to decide: 1 of 4 criteria. Find out: employees, country."
    )


def test_the_segment_of_every_reason_in_a_frame():
    frame = pd.DataFrame(
        {
            "industry": ["IT", "IT", "Retail", "Retail", None],
            "customer_type": ["B2B", "B2C", "B2B", "B2C", None],
        }
    )
    result = evaluate_frame(NO_NEUTRAL, frame)
    assert list(result["segment"]) == ["do-or-die", "do-not", "neutral", "do-not", "unknown"]
    assert list(result["reason"]) == [
        "do_or_die",
        "conflict_do_not_wins",
        "between",
        "do_not",
        "too_little_known",
    ]
    assert list(result["known"]) == [2, 2, 2, 2, 0]
    assert list(result["total"]) == [2] * 5
    assert list(result.columns[4:]) == ["do-or-die: industry in", "do-not: customer_type eq"]
    assert list(result["do-or-die: industry in"]) == ["met", "met", "missed", "missed", "unknown"]
    assert str(result["segment"].dtype) == "category"
    assert list(result["segment"].cat.categories) == ["do-or-die", "neutral", "do-not", "unknown"]


def test_a_frame_without_criteria_is_unknown_in_every_row():
    result = evaluate_frame([], pd.DataFrame({"industry": ["IT", None]}))
    assert list(result["segment"]) == ["unknown", "unknown"]
    assert list(result["reason"]) == ["no_criteria", "no_criteria"]
    assert list(result.columns) == ["segment", "known", "total", "reason"]


def test_result_columns_number_the_same_test_twice():
    twice = [Criterion("neutral", "x", "eq", 1), Criterion("neutral", "x", "eq", 2)]
    assert result_columns([*twice, Criterion("neutral", "x", "eq", 3)]) == [
        "neutral: x eq",
        "neutral: x eq (2)",
        "neutral: x eq (3)",
    ]


def test_the_api_form_names_attributes_for_people():
    answer = evaluate(NO_NEUTRAL, {"industry": "IT", "customer_type": "B2B"}).to_dict(
        {"industry": "Industry"}
    )
    assert answer["reason"] == "Do-or-die: meets every known do-or-die criterion (Industry)."
    assert answer["criteria"][1] == {
        "segment": "do-not",
        "attribute": "customer_type",
        "operator": "eq",
        "value": "B2C",
        "result": "missed",
    }


# --------------------------------------------------------------------------- the oracle

PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)


def _finite(value) -> float | None:
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        return None
    return number if math.isfinite(number) else None


def element(value) -> tuple[str, float | None] | None:
    """One value as criteria see it: its text (no case, one space) and its number, if any."""
    if isinstance(value, str):
        text = " ".join(value.split()).casefold()
        number = _finite(value.strip()) if PLAIN_NUMBER.fullmatch(value.strip()) else None
        return (text, number) if text else None
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float | Decimal) and (number := _finite(value)) is not None:
        whole = number.is_integer() and abs(number) < 1e15
        return (str(int(number)) if whole else repr(number), number)
    return None


def oracle_judge(criterion: Criterion, value) -> str:
    """met, missed or unknown, by the reading rules of criteria.py's docstring."""
    if isinstance(value, str) and criterion.attribute == "drivers":
        parts, several = re.split("[,;]", value), True
    elif isinstance(value, list | tuple | set | frozenset):
        parts, several = list(value), True
    else:
        parts, several = [value], False
    elements = [e for part in parts if (e := element(part)) is not None]
    if not elements:
        return "unknown"
    wanted = criterion.value if isinstance(criterion.value, tuple) else (criterion.value,)
    if criterion.numeric:
        numbers = [number for _, number in elements if number is not None]
        if not numbers:
            return "unknown"
        first, last = float(wanted[0]), float(wanted[-1])
        hit = any(
            {
                "gt": n > first,
                "gte": n >= first,
                "lt": n < first,
                "lte": n <= first,
                "between": first <= n <= last,
            }.get(criterion.operator, n in {float(w) for w in wanted})
            for n in numbers
        )
    elif criterion.operator == "contains" and not several:
        hit = " ".join(criterion.value.split()).casefold() in elements[0][0]
    else:
        targets = {" ".join(w.split()).casefold() for w in wanted}
        hit = any(text in targets for text, _ in elements)
    return "met" if hit != (criterion.operator in ("ne", "not_in")) else "missed"


SEGMENT_OF = {
    "no_criteria": "unknown",
    "conflict_do_not_wins": "do-not",
    "do_not": "do-not",
    "too_little_known": "unknown",
    "do_or_die": "do-or-die",
    "do_or_die_unclear": "unknown",
    "neutral_match": "neutral",
    "between": "neutral",
}


def oracle(criteria, attributes) -> tuple[str, dict, list[str]]:
    """The reason code, its parameters and each criterion's result, by the module's rule."""
    results = [oracle_judge(c, attributes.get(c.attribute)) for c in criteria]
    judged = list(zip((c.segment for c in criteria), results, strict=True))

    def part(segment):
        return [r for s, r in judged if s == segment]

    def half(count):
        return max(1, math.ceil(count / 2))

    def matches(results):
        known = sum(r != "unknown" for r in results)
        return bool(results) and "missed" not in results and known >= half(len(results))

    def names(segments, result):
        found = []
        for segment in segments:
            for c, r in zip(criteria, results, strict=True):
                if c.segment == segment and r == result and c.attribute not in found:
                    found.append(c.attribute)
        return found

    known = sum(r != "unknown" for r in results)
    do_or_die = part("do-or-die")
    if not criteria:
        return "no_criteria", {}, results
    if "met" in part("do-not"):
        if matches(do_or_die):
            met = {"do_not": names(["do-not"], "met"), "do_or_die": names(["do-or-die"], "met")}
            return "conflict_do_not_wins", met, results
        return "do_not", {"met": names(["do-not"], "met")}, results
    if known < half(len(criteria)):
        find_out = names(["do-or-die", "do-not", "neutral"], "unknown")
        return (
            "too_little_known",
            {"known": known, "total": len(criteria), "find_out": find_out},
            results,
        )
    if matches(do_or_die):
        unknown = names(["do-or-die", "do-not"], "unknown")
        return "do_or_die", {"met": names(["do-or-die"], "met"), "unknown": unknown}, results
    if do_or_die and "missed" not in do_or_die:
        return "do_or_die_unclear", {"find_out": names(["do-or-die"], "unknown")}, results
    missed = names(["do-or-die"], "missed")
    if matches(part("neutral")):
        return "neutral_match", {"met": names(["neutral"], "met"), "missed": missed}, results
    return "between", {"missed": missed}, results


TEXTS = st.sampled_from(
    ["IT", " it", "IT  Services", "Telco", "B2C", "b2b", "35", "20", "power", "money"]
)
ATTRIBUTES = ("industry", "employees", "drivers", "custom")


@st.composite
def criteria(draw):
    segment = draw(st.sampled_from(["do-or-die", "neutral", "do-not"]))
    attribute = draw(st.sampled_from(ATTRIBUTES))
    numbers = st.integers(0, 10) | st.sampled_from([2.5, 35, 20.0])
    operator = draw(
        st.sampled_from(
            ["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "contains"]
        )
    )
    if operator == "between":
        value = sorted(draw(st.lists(numbers, min_size=2, max_size=2)))
    elif operator in ("in", "not_in"):
        value = draw(
            st.lists(numbers, min_size=1, max_size=3) | st.lists(TEXTS, min_size=1, max_size=3)
        )
    elif operator == "contains":
        value = draw(TEXTS)
    else:
        value = draw(numbers | TEXTS)
    try:
        return Criterion(segment, attribute, operator, value)
    except CriterionError:
        return Criterion(segment, attribute, "gte", 20)  # a text for a numeric attribute


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.just(Decimal("sNaN"))
    | st.text(max_size=6)
    | TEXTS
    | st.dates()
    | st.just(pd.NA)
)
ANY_VALUE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(criteria(), max_size=8),
    st.dictionaries(st.sampled_from(ATTRIBUTES) | st.text(max_size=5), ANY_VALUE, max_size=5),
)
def test_any_attributes_are_judged_and_segmented_as_the_rule_says(profile, attributes):
    result = evaluate(profile, attributes)
    code, params, results = oracle(profile, attributes)
    assert [r.result for r in result.results] == results
    assert (result.reason.code, dict(result.reason.params)) == (code, params)
    assert result.segment == SEGMENT_OF[code]
    assert (result.known, result.total) == (sum(r != "unknown" for r in results), len(profile))
    text = result.reason_text()
    assert text.endswith(".") and "%(" not in text


CELLS = (
    st.none()
    | st.just(float("nan"))
    | st.integers(0, 10)
    | st.floats(0, 10)
    | st.sampled_from([2.5, 35, 20.0, float("inf")])
    | st.decimals(0, 10, places=1)
    | st.booleans()
    | TEXTS
    | st.text(max_size=3)
    | st.lists(TEXTS, max_size=3)
    | st.sampled_from(["power, money", "money;fear", ""])
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(criteria(), max_size=8),
    st.lists(st.dictionaries(st.sampled_from(ATTRIBUTES), CELLS), min_size=1, max_size=12),
)
def test_evaluate_frame_gives_every_row_the_answer_of_the_rule(profile, rows):
    frame = evaluate_frame(profile, pd.DataFrame(rows))
    columns = result_columns(profile)
    for position, attributes in enumerate(rows):
        code, _params, results = oracle(profile, attributes)
        row = frame.iloc[position]
        assert (row["segment"], row["reason"]) == (SEGMENT_OF[code], code)
        assert row["known"] == sum(r != "unknown" for r in results)
        assert row["total"] == len(profile)
        assert [row[name] for name in columns] == results


NUMBERS = st.none() | st.integers(0, 10) | st.sampled_from([2.5, 20.0, 35, float("inf")])


@settings(max_examples=200)
@given(st.lists(criteria(), max_size=6), st.lists(NUMBERS, min_size=1, max_size=12), st.booleans())
def test_evaluate_frame_on_typed_number_columns_follows_the_rule(profile, numbers, nullable):
    frame = pd.DataFrame({"employees": numbers, "custom": numbers}, dtype=float)
    if nullable:
        frame = frame.astype({"custom": "Float64"})
    result = evaluate_frame(profile, frame)
    for position, number in enumerate(numbers):
        code, _params, results = oracle(profile, {"employees": number, "custom": number})
        assert result["reason"].iloc[position] == code
        assert list(result.iloc[position, 4:]) == results


@pytest.mark.parametrize(
    ("value", "expected"),
    [("35", ("35", 35.0)), (Decimal("35.00"), ("35", 35.0)), (True, ("1", 1.0)), (" ", None)],
)
def test_the_oracle_reads_values_as_documented(value, expected):
    assert element(value) == expected


def test_a_column_of_driver_texts_is_split_into_values():
    criteria = profile(
        ("neutral", "drivers", "in", ["money"]), ("neutral", "drivers", "ne", "fear")
    )
    frame = pd.DataFrame({"drivers": ["power, money", "fear; power", "moneyless"]})
    result = evaluate_frame(criteria, frame)
    assert list(result["neutral: drivers in"]) == ["met", "missed", "missed"]
    assert list(result["neutral: drivers ne"]) == ["met", "missed", "met"]
