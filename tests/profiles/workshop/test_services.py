"""Creating workshops and saving steps: validation, versions, reviews."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from profiles.models import Workshop, WorkshopStep
from profiles.workshop import results, services
from tests.factories import DatasetFactory
from tests.profiles.helpers import step, workshop_with_customers

pytestmark = pytest.mark.django_db


def save(workshop, number, user=None, **inputs):
    current = step(workshop, number)
    return services.workshop_step_save(
        step=current, user=user, inputs={**current.inputs, **inputs}, version=current.version
    )


def save_defaults(workshop, number, **inputs):
    defaults = {
        1: {
            "metric": "seats",
            "preset": "method",
            "thresholds": [5, 20],
            "include_former": False,
        },
        2: {"main_group": "", "focus": "", "reason": ""},
        3: {"goal": "revenue", "n_mode": "default", "n": None},
    }[number]
    return save(workshop, number, **{**defaults, **inputs})


def test_creating_a_workshop_makes_its_six_steps(team):
    dataset = DatasetFactory(organization=team.organization)
    workshop = services.workshop_create(
        organization=team.organization,
        user=team.leader.user,
        title="Autumn",
        date=datetime.date(2026, 11, 23),
        dataset=dataset,
        participants=[team.leader.user, team.rep.user],
    )
    assert list(workshop.steps.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert set(workshop.participants.all()) == {team.leader.user, team.rep.user}
    assert workshop.created_by == team.leader.user


def test_a_dataset_or_participant_of_another_organisation_is_refused(team):
    arguments = {
        "organization": team.organization,
        "user": team.leader.user,
        "title": "Autumn",
        "date": datetime.date(2026, 11, 23),
    }
    foreign = DatasetFactory(organization=team.outsider.organization)
    with pytest.raises(ValidationError):
        services.workshop_create(**arguments, dataset=foreign, participants=[])
    with pytest.raises(ValidationError):
        services.workshop_create(
            **arguments,
            dataset=DatasetFactory(organization=team.organization),
            participants=[team.outsider.user],
        )
    assert not Workshop.objects.exists()


def test_saving_a_step_stores_inputs_and_bumps_version_and_revision(team):
    workshop = workshop_with_customers(team.organization)
    saved = save_defaults(workshop, 1, user=team.leader.user)
    assert saved.inputs == {
        "metric": "seats",
        "preset": "method",
        "thresholds": [5, 20],
        "include_former": False,
    }
    assert (saved.version, saved.done, saved.updated_by) == (1, True, team.leader.user)
    workshop.refresh_from_db()
    assert workshop.revision == 1


def test_a_stale_version_is_refused_and_nothing_changes(team):
    workshop = workshop_with_customers(team.organization)
    save_defaults(workshop, 1)
    current = step(workshop, 1)
    with pytest.raises(services.StaleVersion) as refused:
        services.workshop_step_save(
            step=current,
            user=None,
            inputs={**current.inputs, "preset": "custom", "thresholds": [2, 20]},
            version=current.version - 1,
        )
    assert refused.value.step.version == 1
    assert step(workshop, 1).inputs["thresholds"] == [5, 20]


def test_invalid_thresholds_are_refused_with_a_clear_message(team):
    workshop = workshop_with_customers(team.organization)
    with pytest.raises(ValidationError) as refused:
        save_defaults(workshop, 1, preset="custom", thresholds=[20, 5])
    assert "must increase" in " ".join(refused.value.message_dict["thresholds"])
    assert step(workshop, 1).version == 0


def test_saving_the_same_inputs_again_changes_nothing(team):
    workshop = workshop_with_customers(team.organization)
    save_defaults(workshop, 1)
    again = save_defaults(workshop, 1)
    assert again.version == 1
    workshop.refresh_from_db()
    assert workshop.revision == 1


def test_a_preset_sets_the_thresholds_from_the_data(team):
    workshop = workshop_with_customers(team.organization)
    saved = save_defaults(workshop, 1, preset="thirds")
    # Eight customers sorted by seats: thirds end after the 3rd (5 seats) and 6th (30 seats).
    assert saved.inputs["thresholds"] == [5, 30]


def test_typing_a_threshold_switches_the_preset_to_custom(team):
    workshop = workshop_with_customers(team.organization)
    save_defaults(workshop, 1)
    saved = save(workshop, 1, thresholds=[3, 20])
    assert saved.inputs == {
        "metric": "seats",
        "preset": "custom",
        "thresholds": [3, 20],
        "include_former": False,
    }


def test_switching_the_measure_proposes_limits_for_it_instead_of_keeping_the_seats_ones(team):
    workshop = workshop_with_customers(team.organization)
    save_defaults(workshop, 1)  # seats with the method's 5 / 20
    saved = save(workshop, 1, metric="revenue")
    expected = results.preset_thresholds(results.WorkshopData(workshop), "revenue", "cumulative")
    assert saved.inputs == {
        "metric": "revenue",
        "preset": "cumulative",
        "thresholds": expected,
        "include_former": False,
    }
    assert expected != [5, 20]
    # Limits typed for revenue are not kept for another measure either.
    save(workshop, 1, thresholds=[250, 2000])
    assert step(workshop, 1).inputs["preset"] == "custom"
    back = save(workshop, 1, metric="seats")
    assert back.inputs["preset"] == "cumulative" and back.inputs["thresholds"] != [250, 2000]
    # Choosing the method's example for seats again gives its limits.
    assert save(workshop, 1, preset="method").inputs["thresholds"] == [5, 20]


def test_changing_the_thresholds_marks_the_saved_later_steps_for_review(team):
    workshop = workshop_with_customers(team.organization)
    save_defaults(workshop, 1)
    save_defaults(workshop, 2)
    save_defaults(workshop, 3)
    save(workshop, 1, thresholds=[5, 40])
    assert [step(workshop, n).needs_review for n in (1, 2, 3)] == [False, True, True]
    # The later steps keep what the team saved.
    assert step(workshop, 3).inputs["selection"]


def test_untouched_later_steps_are_not_marked_for_review(team):
    workshop = workshop_with_customers(team.organization)
    save_defaults(workshop, 1)
    save(workshop, 1, thresholds=[5, 40])
    assert not WorkshopStep.objects.filter(workshop=workshop, needs_review=True).exists()


def test_changing_only_the_reason_in_step_two_does_not_ask_step_three_for_review(team):
    workshop = workshop_with_customers(team.organization)
    save_defaults(workshop, 1)
    save_defaults(workshop, 2, main_group="medium", reason="Faster deals")
    save_defaults(workshop, 3)
    save(workshop, 2, reason="Faster deals and better margin")
    assert not step(workshop, 3).needs_review


def test_step_two_proposes_the_biggest_revenue_share(team):
    workshop = workshop_with_customers(team.organization)
    saved = save_defaults(workshop, 2)
    assert saved.inputs["main_group"] == "large"
    assert saved.inputs["overridden"] is False
    assert saved.done


def test_overriding_the_proposal_needs_a_reason_which_is_recorded(team):
    workshop = workshop_with_customers(team.organization)
    with pytest.raises(ValidationError) as refused:
        save_defaults(workshop, 2, main_group="medium")
    assert "reason" in refused.value.message_dict
    saved = save_defaults(workshop, 2, main_group="medium", reason="Fastest deals")
    assert saved.inputs["overridden"] is True
    assert saved.inputs["reason"] == "Fastest deals"


def test_close_slices_need_a_future_focus_before_step_two_is_done(team):
    customers = [
        ("Small", 2, 3000, 10),
        ("Small B", 3, 1000, 10),
        ("Medium", 10, 3500, 10),
        ("Large", 40, 3600, 10),
    ]
    workshop = workshop_with_customers(team.organization, customers)
    assert not save_defaults(workshop, 2).done
    done = save_defaults(workshop, 2, focus="speed", reason="We need fast deals")
    assert done.done


def test_step_three_stores_the_selection_with_exclusions_and_additions(team):
    workshop = workshop_with_customers(team.organization)
    save_defaults(workshop, 1)
    save_defaults(workshop, 2)
    ids = dict(workshop.dataset.customers.values_list("name", "id"))
    saved = save_defaults(
        workshop,
        3,
        n_mode="custom",
        n=2,
        excluded={str(ids["Large One"]): "Moving abroad"},
    )
    # By revenue: Large One (5000), Large Two (4000), Large Three (3000); the first is excluded.
    assert saved.inputs["selection"] == [ids["Large Two"]]
    saved = save(workshop, 3, included={str(ids["Large Three"]): "Strategic"})
    assert saved.inputs["selection"] == [ids["Large Two"], ids["Large Three"]]


def test_an_exclusion_without_a_reason_is_refused(team):
    workshop = workshop_with_customers(team.organization)
    customer = workshop.dataset.customers.get(name="Large One")
    with pytest.raises(ValidationError) as refused:
        save_defaults(workshop, 3, excluded={str(customer.pk): " "})
    assert "reason" in refused.value.message_dict


def test_marking_as_reviewed_rederives_the_selection_and_clears_the_flag(team):
    workshop = workshop_with_customers(team.organization)
    save_defaults(workshop, 1)
    save_defaults(workshop, 2)
    save_defaults(workshop, 3)
    ids = dict(workshop.dataset.customers.values_list("name", "id"))
    save(workshop, 1, thresholds=[5, 40])  # Large One (30 seats) becomes medium
    flagged = step(workshop, 3)
    assert flagged.needs_review
    reviewed = services.workshop_step_review(step=flagged, user=None, version=flagged.version)
    assert not reviewed.needs_review
    assert set(reviewed.inputs["selection"]) == {ids["Large Two"], ids["Large Three"]}


def test_a_numeric_extra_column_can_be_the_size_metric(team):
    workshop = workshop_with_customers(team.organization, extra_columns=["Licences"])
    for customer in workshop.dataset.customers.all():
        customer.extra = {"Licences": str(customer.seats * 2)}
        customer.save()
    saved = save_defaults(
        workshop, 1, metric="extra:Licences", preset="custom", thresholds=[10, 40]
    )
    assert saved.inputs["metric"] == "extra:Licences"


def test_an_unknown_metric_is_refused(team):
    workshop = workshop_with_customers(team.organization)
    with pytest.raises(ValidationError) as refused:
        save_defaults(workshop, 1, metric="password")
    assert "metric" in refused.value.message_dict
