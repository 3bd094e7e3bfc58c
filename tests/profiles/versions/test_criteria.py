"""Criteria and their evaluation: each operator, unknowns, each segment, frame = one by one."""

import datetime as dt
import math
import time
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from profiles.versions.criteria import (
    Criterion,
    CriterionError,
    criteria_from_dicts,
    read,
    value_text,
)
from profiles.versions.evaluation import evaluate, evaluate_frame


def judge(operator, value, attribute_value, attribute="x"):
    """The result of one do-or-die criterion for one attribute value."""
    criterion = Criterion("do-or-die", attribute, operator, value)
    return evaluate([criterion], {attribute: attribute_value}).results[0].result


@pytest.mark.parametrize(
    ("operator", "value", "met", "missed"),
    [
        ("eq", "IT", " it ", "Telco"),
        ("eq", 35, "35", 36),
        ("ne", "B2C", "B2B", "b2c"),
        ("ne", 35, 34, 35.0),
        ("in", ["IT", "Telco"], "telco", "Retail"),
        ("in", [1, 2], 2, 3),
        ("not_in", ["IT", "Telco"], "Retail", "IT"),
        ("not_in", [1, 2], 3, 1),
        ("gt", 20, 21, 20),
        ("gte", 20, 20, 19.99),
        ("lt", 50, 49, 50),
        ("lte", 50, 50, 50.5),
        ("between", [20, 50], 20, 51),
        ("between", [20, 50], Decimal("50.00"), Decimal("19.5")),
        ("contains", "top 10", "Top  10-20 of its market", "top 20"),
    ],
)
def test_each_operator_is_met_and_missed(operator, value, met, missed):
    assert judge(operator, value, met) == "met"
    assert judge(operator, value, missed) == "missed"


@pytest.mark.parametrize(
    "missing",
    [None, float("nan"), float("inf"), "", "   ", [], pd.NA, pd.NaT, Decimal("NaN"), {"a": 1}],
)
@pytest.mark.parametrize(
    ("operator", "value"),
    [("eq", "IT"), ("ne", "IT"), ("not_in", ["IT"]), ("gte", 20), ("contains", "IT")],
)
def test_a_missing_or_unreadable_value_is_unknown(operator, value, missing):
    assert judge(operator, value, missing) == "unknown"


def test_an_absent_attribute_is_unknown():
    criterion = Criterion("do-or-die", "industry", "eq", "IT")
    assert evaluate([criterion], {"country": "SE"}).results[0].result == "unknown"


@pytest.mark.parametrize("text", ["thirty-five", "1,234", "1.234,5", "35 employees", "nan", "inf"])
def test_text_that_is_not_a_plain_number_is_unknown_to_a_number_criterion(text):
    assert judge("gte", 20, text) == "unknown"


def test_a_number_meets_a_text_criterion_written_the_same_way():
    assert judge("eq", "35", 35.0) == "met"
    assert judge("in", ["1", "2"], Decimal("2.00")) == "met"


def test_drivers_in_a_text_are_split_and_contains_means_one_of_them():
    assert judge("contains", "money", "Power, money", attribute="drivers") == "met"
    assert judge("contains", "mon", "power; money", attribute="drivers") == "missed"
    assert judge("in", ["fear", "money"], "power;money", attribute="drivers") == "met"
    assert judge("not_in", ["fear", "money"], "power, money", attribute="drivers") == "missed"
    assert judge("eq", "power", " , ", attribute="drivers") == "unknown"


def test_a_list_attribute_meets_when_any_of_its_values_matches():
    assert judge("eq", "money", ["Power", "Money"]) == "met"
    assert judge("ne", "money", ["power", "money"]) == "missed"
    assert judge("gte", 40, [30, "45"]) == "met"
    assert judge("gte", 40, ["old", None]) == "unknown"


def test_criteria_round_trip_through_their_stored_form():
    criterion = Criterion("do-not", " employees ", "between", ("5", Decimal("19.5")), "tiny")
    assert criterion.value == (5, 19.5)
    assert criterion.attribute == "employees"
    assert Criterion.from_dict(criterion.to_dict()) == criterion
    assert criterion.to_dict() == {
        "segment": "do-not",
        "attribute": "employees",
        "operator": "between",
        "value": [5, 19.5],
        "note": "tiny",
    }


def test_a_numeric_string_becomes_a_number_only_for_numeric_attributes():
    assert Criterion("do-or-die", "employees", "eq", " 35 ").value == 35
    assert Criterion("do-or-die", "distance_from_ceo", "in", ["1", "2"]).value == ("1", "2")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"segment": "do-or-die", "attribute": "x", "operator": "like", "value": 1}, "operator"),
        ({"segment": "maybe", "attribute": "x", "operator": "eq", "value": 1}, "segment"),
        ({"segment": "do-or-die", "attribute": " ", "operator": "eq", "value": 1}, "attribute"),
        (
            {"segment": "do-or-die", "attribute": "x", "operator": "between", "value": [50, 20]},
            "“between” needs two numbers",
        ),
        (
            {"segment": "do-or-die", "attribute": "x", "operator": "between", "value": [20]},
            "“between” needs two numbers",
        ),
        (
            {"segment": "do-or-die", "attribute": "x", "operator": "between", "value": "20-50"},
            "“between” needs two numbers",
        ),
        ({"segment": "do-or-die", "attribute": "x", "operator": "in", "value": []}, "list"),
        ({"segment": "do-or-die", "attribute": "x", "operator": "in", "value": ["a", 1]}, "both"),
        ({"segment": "do-or-die", "attribute": "x", "operator": "eq", "value": ["a"]}, "one"),
        ({"segment": "do-or-die", "attribute": "x", "operator": "eq", "value": True}, "text"),
        ({"segment": "do-or-die", "attribute": "x", "operator": "contains", "value": 3}, "text"),
        ({"segment": "do-or-die", "attribute": "x", "operator": "gte", "value": "many"}, "number"),
        ({"segment": "do-or-die", "attribute": "x", "operator": "gte", "value": math.inf}, "num"),
        ({"segment": "do-or-die", "attribute": "employees", "operator": "eq", "value": "a"}, "num"),
        ({"segment": "do-or-die", "attribute": "x", "operator": "eq"}, "needs value"),
        ({"segment": "do-or-die", "attribute": "x", "operator": "eq", "value": 1, "op": 2}, "op"),
        (["do-or-die", "x", "eq", 1], "object"),
    ],
)
def test_an_invalid_criterion_is_refused_with_a_sentence(data, message):
    with pytest.raises(CriterionError, match=message) as raised:
        Criterion.from_dict(data)
    assert str(raised.value).endswith(".")


def test_between_is_refused_when_the_first_number_is_larger():
    with pytest.raises(CriterionError, match="first not larger than the second"):
        Criterion("do-or-die", "employees", "between", [50, 20])


def test_two_criteria_with_the_same_segment_attribute_and_operator_are_refused():
    item = {"segment": "do-not", "attribute": "industry", "operator": "in", "value": ["Gov"]}
    with pytest.raises(CriterionError, match="merge them"):
        criteria_from_dicts([item, {**item, "value": ["Retail"]}])


# --------------------------------------------------------------------------- segments

PROFILE = criteria_from_dicts(
    [
        {"segment": "do-or-die", "attribute": "industry", "operator": "in", "value": ["IT"]},
        {
            "segment": "do-or-die",
            "attribute": "employees",
            "operator": "between",
            "value": [20, 50],
        },
        {"segment": "do-not", "attribute": "customer_type", "operator": "eq", "value": "B2C"},
        {"segment": "do-not", "attribute": "employees", "operator": "lt", "value": 5},
        {"segment": "neutral", "attribute": "industry", "operator": "in", "value": ["Telco"]},
    ]
)


def test_a_prospect_meeting_the_do_or_die_criteria_is_do_or_die():
    result = evaluate(PROFILE, {"industry": "IT", "employees": 35, "customer_type": "B2B"})
    assert (result.segment, result.known, result.total) == ("do-or-die", 5, 5)
    assert result.reason.code == "do_or_die"
    assert result.reason_text() == (
        "Do-or-die: meets every known do-or-die criterion (industry, employees)."
    )


def test_a_single_do_not_criterion_met_makes_a_prospect_do_not():
    result = evaluate(PROFILE, {"customer_type": "b2c"})
    assert result.segment == "do-not"
    assert result.reason.params == {"met": ["customer_type"]}


def test_do_not_wins_over_do_or_die_and_says_why():
    result = evaluate(PROFILE, {"industry": "IT", "employees": 35, "customer_type": "B2C"})
    assert result.segment == "do-not"
    assert result.reason.code == "conflict_do_not_wins"
    assert result.reason.params == {
        "do_not": ["customer_type"],
        "do_or_die": ["industry", "employees"],
    }
    assert "Do-not wins" in result.reason_text()


def test_a_prospect_meeting_the_neutral_criteria_is_neutral():
    result = evaluate(PROFILE, {"industry": "Telco", "employees": 30, "customer_type": "B2B"})
    assert (result.segment, result.reason.code) == ("neutral", "neutral_match")
    assert result.reason.params == {"met": ["industry"], "missed": ["industry"]}


def test_a_prospect_between_do_or_die_and_do_not_is_neutral_grey_zone():
    result = evaluate(PROFILE, {"industry": "Retail", "employees": 300, "customer_type": "B2B"})
    assert (result.segment, result.reason.code) == ("neutral", "between")
    assert "grey zone" in result.reason_text()


def test_with_too_little_known_the_answer_is_unknown_and_says_what_to_find_out():
    result = evaluate(PROFILE, {"industry": "IT", "country": "SE"})
    assert (result.segment, result.known, result.total) == ("unknown", 2, 5)
    assert result.reason.code == "too_little_known"
    assert result.reason.params["find_out"] == ["employees", "customer_type"]
    labels = {"employees": "Employees", "customer_type": "Customer type"}
    assert result.reason_text(labels).endswith("Find out: Employees, Customer type.")


def test_an_open_do_or_die_with_most_of_it_unknown_is_unknown_not_neutral():
    profile = criteria_from_dicts(
        [
            {"segment": "do-or-die", "attribute": a, "operator": "eq", "value": "y"}
            for a in ("a", "b", "c", "d", "e")
        ]
        + [
            {"segment": "do-not", "attribute": a, "operator": "eq", "value": "y"}
            for a in ("f", "g", "h", "i", "j")
        ]
    )
    attributes = {"a": "y", "b": "y", **dict.fromkeys("fghij", "n")}
    result = evaluate(profile, attributes)
    assert (result.segment, result.reason.code) == ("unknown", "do_or_die_unclear")
    assert result.reason.params == {"find_out": ["c", "d", "e"]}


def test_empty_input_is_unknown():
    result = evaluate(PROFILE, {})
    assert (result.segment, result.known, result.reason.code) == ("unknown", 0, "too_little_known")


def test_a_profile_without_criteria_decides_nothing():
    result = evaluate([], {"industry": "IT"})
    assert (result.segment, result.total, result.reason.code) == ("unknown", 0, "no_criteria")


def test_the_api_form_of_a_result_has_a_stable_shape():
    answer = evaluate(PROFILE[:1], {"industry": "IT"}).to_dict()
    assert answer == {
        "segment": "do-or-die",
        "known": 1,
        "total": 1,
        "criteria": [
            {
                "segment": "do-or-die",
                "attribute": "industry",
                "operator": "in",
                "value": ["IT"],
                "result": "met",
            }
        ],
        "reason": "Do-or-die: meets every known do-or-die criterion (industry).",
        "reason_code": "do_or_die",
    }


# --------------------------------------------------------------------------- frames and properties

# The properties (any attributes, frames, typed columns) are in test_evaluation.py, checked
# against a plain-Python oracle of the rule.


def test_evaluate_frame_reads_nullable_categorical_and_absent_columns():
    frame = pd.DataFrame(
        {
            "industry": pd.Categorical(["IT", None, "Telco"]),
            "employees": pd.array([35, None, 3], dtype="Int64"),
        },
        index=[10, 20, 30],
    )
    result = evaluate_frame(PROFILE, frame)
    assert list(result.index) == [10, 20, 30]
    assert list(result["segment"]) == ["do-or-die", "unknown", "do-not"]
    assert list(result["do-not: customer_type eq"]) == ["unknown"] * 3


def test_evaluate_frame_finds_part_of_a_text_one_of_several_values_and_numbers_as_text():
    profile = criteria_from_dicts(
        [
            {
                "segment": "neutral",
                "attribute": "position",
                "operator": "contains",
                "value": "top 10",
            },
            {
                "segment": "neutral",
                "attribute": "drivers",
                "operator": "contains",
                "value": "money",
            },
            {"segment": "neutral", "attribute": "distance", "operator": "in", "value": ["1", "2"]},
        ]
    )
    frame = pd.DataFrame(
        {
            "position": ["Top  10-20 of its market", "top 100", "leader"],
            "drivers": ["power, Money", ["money"], "moneyless"],
            "distance": [1.0, 2.0, 3.0],
        }
    )
    result = evaluate_frame(profile, frame)
    assert result.iloc[:, 4:].to_numpy().tolist() == [
        ["met", "met", "met"],
        ["met", "met", "met"],
        ["missed", "missed", "missed"],
    ]


@pytest.mark.timed
def test_evaluate_frame_checks_100000_rows_against_10_criteria_within_a_second():
    rng = np.random.default_rng(7)
    rows = 100_000
    frame = pd.DataFrame(
        {
            "industry": rng.choice(["IT", "Telco", "Retail", None], rows),
            "employees": rng.integers(1, 500, rows).astype(float),
            "country": rng.choice(["SE", "DE", "UK", "FR"], rows),
            "customer_type": rng.choice(["B2B", "B2C"], rows),
            "revenue": rng.lognormal(10, 1, rows),
            "drivers": rng.choice(["power, money", "fear", "efficiency; money"], rows),
        }
    )
    profile = criteria_from_dicts(
        [
            {"segment": "do-or-die", "attribute": "industry", "operator": "in", "value": ["IT"]},
            {
                "segment": "do-or-die",
                "attribute": "employees",
                "operator": "between",
                "value": [20, 50],
            },
            {
                "segment": "do-or-die",
                "attribute": "country",
                "operator": "in",
                "value": ["SE", "UK"],
            },
            {
                "segment": "do-or-die",
                "attribute": "drivers",
                "operator": "contains",
                "value": "money",
            },
            {"segment": "do-or-die", "attribute": "revenue", "operator": "gte", "value": 10_000},
            {"segment": "do-not", "attribute": "customer_type", "operator": "eq", "value": "B2C"},
            {"segment": "do-not", "attribute": "employees", "operator": "lt", "value": 5},
            {"segment": "do-not", "attribute": "industry", "operator": "eq", "value": "Retail"},
            {"segment": "neutral", "attribute": "industry", "operator": "eq", "value": "Telco"},
            {"segment": "neutral", "attribute": "country", "operator": "ne", "value": "FR"},
        ]
    )
    evaluate_frame(profile, frame.head(10))  # imports and first-call costs are not the point
    started = time.perf_counter()
    result = evaluate_frame(profile, frame)
    assert time.perf_counter() - started < 1.0
    assert len(result) == rows


def test_dates_are_not_compared_but_never_fail():
    assert judge("eq", "2024-01-01", dt.date(2024, 1, 1)) == "unknown"


# ------------------------------------------------------------------------- how values show


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ([20, 50], "20–50"),
        ([2.5, 1e7], "2.5–10000000"),
        ([20, "IT"], "20, IT"),
        (["IT", "Telco"], "IT, Telco"),
        ([1, 2, 3], "1, 2, 3"),
        ([0.1234567], "0.123457"),
        (2.0000001, "2"),  # six decimals at most, and no point left dangling
        (35.0, "35"),
        (-2.50, "-2.5"),
        (6e7, "60000000"),
        (True, "True"),
        ("B2B", "B2B"),
    ],
)
def test_value_text_writes_values_as_the_form_reads_them(value, text):
    assert value_text(value) == text


def test_a_criterion_without_a_note_has_an_empty_note():
    data = {"segment": "neutral", "attribute": "x", "operator": "eq", "value": 1}
    assert Criterion.from_dict(data).note == ""
    assert Criterion.from_dict({**data, "note": None}).note == ""
    assert Criterion.from_dict({**data, "note": "why"}).note == "why"


def test_two_criteria_alike_are_refused_naming_the_segment_and_the_test():
    item = {"segment": "do-not", "attribute": "industry", "operator": "in", "value": ["Gov"]}
    with pytest.raises(CriterionError) as raised:
        criteria_from_dicts([item, {**item, "value": ["Retail"]}])
    assert str(raised.value) == "do-not has two criteria “industry in”; merge them into one."
    assert raised.value.kind == "duplicate"


def test_whole_numbers_are_stored_as_ints_up_to_the_float_precision():
    assert type(Criterion("neutral", "x", "gte", 2.0**53 - 1).value) is int
    assert type(Criterion("neutral", "x", "gte", 2.0**53).value) is float
    assert type(Criterion("neutral", "x", "gte", -(2.0**53)).value) is float
    assert type(Criterion("neutral", "x", "gte", 35.5).value) is float
    assert Criterion("neutral", "employees", "in", [" 2e3 ", "-1.50"]).value == (2000, -1.5)


def test_a_criterion_knows_its_key_kind_and_stored_value():
    criterion = Criterion("do-not", "industry", "in", ("Gov", "Retail"))
    assert criterion.key == ("do-not", "industry", "in")
    assert not criterion.numeric
    assert criterion.json_value() == ["Gov", "Retail"]
    assert Criterion("do-not", "employees", "lt", 5).numeric
    assert Criterion("do-not", "employees", "lt", 5).json_value() == 5


@pytest.mark.parametrize(
    ("value", "reading"),
    [
        ("  Top  10 ", (False, (("top 10", None),))),
        (" 35 ", (False, (("35", 35.0),))),
        (np.bool_(True), (False, (("1", 1.0),))),
        (Decimal("2.50"), (False, (("2.5", 2.5),))),
        (1e15, (False, (("1000000000000000.0", 1e15),))),
        (999999999999999.0, (False, (("999999999999999", 999999999999999.0),))),
        (np.array([["a", 1]], dtype=object), (True, (("a", None), ("1", 1.0)))),
        ({"a"}, (True, (("a", None),))),
        (("", None), None),
        ("power; money", (False, (("power; money", None),))),
        (dt.date(2024, 1, 1), None),
    ],
)
def test_what_criteria_read_of_a_value(value, reading):
    assert read(value) == reading


def test_a_multi_valued_text_is_split_at_commas_and_semicolons():
    assert read("power; Money,,fear", multi=True) == (
        True,
        (("power", None), ("money", None), ("fear", None)),
    )
    assert read(" , ;", multi=True) is None


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"segment": "neutral", "attribute": "x", "operator": "eq", "value": ""}, "value"),
        ({"segment": "neutral", "attribute": "x", "operator": "eq", "value": None}, "value"),
        (
            {"segment": "neutral", "attribute": "x", "operator": "contains", "value": " "},
            "contains",
        ),
        (
            {"segment": "neutral", "attribute": "x", "operator": "between", "value": [1, 2, 3]},
            "between",
        ),
        ({"segment": "neutral", "attribute": "x", "operator": "not_in", "value": "a"}, "list"),
        ({"segment": "neutral", "attribute": "x", "operator": "eq", "value": 1, "note": 5}, "note"),
        ({"segment": "neutral", "attribute": 5, "operator": "eq", "value": 1}, "attribute"),
        ({"segment": "neutral", "attribute": "x", "value": 1}, "missing"),
    ],
)
def test_each_mistake_has_its_kind(data, kind):
    with pytest.raises(CriterionError) as raised:
        Criterion.from_dict(data)
    assert raised.value.kind == kind


def test_a_missing_field_and_an_unknown_one_are_named():
    with pytest.raises(CriterionError, match=r"^A criterion needs operator, value\.$"):
        Criterion.from_dict({"segment": "neutral", "attribute": "x"})
    with pytest.raises(CriterionError, match=r"^Unknown field in a criterion: a, b\.$"):
        Criterion.from_dict({"b": 1, "a": 2, "segment": "neutral"})
    with pytest.raises(CriterionError, match="“nope”; use one of eq, ne, in, not_in, gt,"):
        Criterion("neutral", "x", "nope", 1)
