"""profiles.versions.diff: what changed between two profile contents, and the content schema."""

import copy

import pytest

from profiles.versions.diff import ContentError, diff, empty_content, validate_content


def trait(key, value, **fields):
    return {
        "key": key,
        "label": key.title(),
        "value": value,
        "relevant": True,
        "source": "company",
    } | fields


def criterion(segment, attribute, operator, value, note=""):
    return {
        "segment": segment,
        "attribute": attribute,
        "operator": operator,
        "value": value,
        "note": note,
    }


V1 = {
    "traits": [trait("industry", "IT"), trait("employees", [20, 50]), trait("country", "UK")],
    "criteria": [
        criterion("do-or-die", "industry", "in", ["IT", "Telco"]),
        criterion("do-or-die", "employees", "between", [20, 50]),
        criterion("do-not", "customer_type", "eq", "B2C"),
    ],
    "notes": {"do-or-die": "All energy here.", "neutral": "", "do-not": ""},
    "decisions": [
        {
            "subject": "trait",
            "key": "industry",
            "action": "proposed",
            "by": "Leo Leader",
            "at": "2025-01-31T10:15:00+00:00",
            "reason": "Most of our best customers are IT",
            "evidence": {
                "value": "IT",
                "count": 6,
                "share": 60.0,
                "population_share": 22.0,
                "lift": 2.73,
            },
        }
    ],
}


def test_two_equal_contents_have_no_differences():
    assert not diff(V1, copy.deepcopy(V1))


def test_traits_added_removed_and_changed_are_found_by_key():
    v2 = copy.deepcopy(V1)
    v2["traits"] = [
        trait("industry", "IT", relevant=False),
        trait("employees", [20, 100]),
        trait("drivers", ["money"], source="buyer"),
    ]
    traits = diff(V1, v2).traits
    assert [t["key"] for t in traits.added] == ["drivers"]
    assert [t["key"] for t in traits.removed] == ["country"]
    assert [(c.key, c.fields) for c in traits.changed] == [
        ("industry", ("relevant",)),
        ("employees", ("value",)),
    ]
    assert traits.changed[1].before["value"] == [20, 50]
    assert traits.changed[1].after["value"] == [20, 100]


def test_a_new_value_of_a_criterion_is_a_change_and_a_new_operator_a_new_criterion():
    v2 = copy.deepcopy(V1)
    v2["criteria"][0]["value"] = ["IT"]
    v2["criteria"][1] = criterion("do-or-die", "employees", "gte", 20)
    v2["criteria"][2]["note"] = "Consumers buy elsewhere"
    criteria = diff(V1, v2).criteria
    assert [(c.key, c.fields) for c in criteria.changed] == [
        ("do-or-die:industry:in", ("value",)),
        ("do-not:customer_type:eq", ("note",)),
    ]
    assert [c["operator"] for c in criteria.added] == ["gte"]
    assert [c["operator"] for c in criteria.removed] == ["between"]


def test_reordering_an_in_list_or_spelling_a_number_as_text_is_not_a_change():
    v2 = copy.deepcopy(V1)
    v2["criteria"][0]["value"] = ["Telco", "IT"]
    v2["criteria"][1]["value"] = ["20", 50.0]
    assert not diff(V1, v2).criteria


def test_changed_notes_are_listed_by_segment():
    v2 = copy.deepcopy(V1)
    v2["notes"] = {"do-or-die": "All energy here. ", "do-not": "Never public sector."}
    notes = diff(V1, v2).notes
    assert [(n.segment, n.before, n.after) for n in notes] == [
        ("do-not", "", "Never public sector.")
    ]


def test_the_decision_log_is_history_and_not_compared():
    v2 = copy.deepcopy(V1)
    v2["decisions"] = []
    assert not diff(V1, v2)


def test_content_without_sections_counts_as_empty():
    changes = diff({}, V1)
    assert len(changes.traits.added) == 3
    assert len(changes.criteria.added) == 3
    assert [n.segment for n in changes.notes] == ["do-or-die"]


def test_the_example_and_the_empty_content_follow_the_schema():
    validate_content(V1)
    validate_content(empty_content())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.pop("decisions"), "exactly"),
        (lambda c: c["traits"].append(trait("industry", "Telco")), "unique"),
        (lambda c: c["traits"][0].update(source="rumour"), "source"),
        (lambda c: c["traits"][0].pop("label"), "A trait has"),
        (lambda c: c["criteria"].append(criterion("do-not", "x", "like", 1)), "operator"),
        (lambda c: c["criteria"].append(c["criteria"][0]), "merge them"),
        (lambda c: c["notes"].update(maybe="?"), "Notes"),
        (lambda c: c["decisions"][0].update(action="deleted"), "decision"),
        (lambda c: c.update(traits={}), "lists"),
    ],
)
def test_content_that_breaks_the_schema_is_refused(change, message):
    content = copy.deepcopy(V1)
    change(content)
    with pytest.raises(ContentError, match=message):
        validate_content(content)
