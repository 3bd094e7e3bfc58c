"""The steps as the method chains them: only active customers count, step 3 picks from step 2's
stream, the company's stage proposes the goal, and the warnings a team needs on the way."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from portfolio.models import Customer
from profiles.workshop import services
from tests.factories import CustomerFactory
from tests.profiles.helpers import step, workshop_with_customers

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2020, 1, 1)


def save(workshop, number, user=None, **inputs):
    current = step(workshop, number)
    return services.workshop_step_save(
        step=current, user=user, inputs={**current.inputs, **inputs}, version=current.version
    )


def steps_1_2(workshop, main_group=""):
    save(workshop, 1, metric="seats", preset="method", thresholds=[5, 20], include_former=False)
    reason = "Chosen by the team" if main_group else ""
    save(workshop, 2, main_group=main_group, focus="", reason=reason)


def names(workshop, ids):
    return set(Customer.objects.filter(pk__in=ids).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("stage", "goal"), [("early", "growth"), ("grown", "profitability"), ("brand", "loyalty")]
)
def test_the_stage_proposes_the_methods_goal(team, stage, goal):
    workshop = workshop_with_customers(team.organization)
    for number, customer in enumerate(workshop.dataset.customers.order_by("pk")):
        customer.margin = Decimal(10 + number)
        customer.customer_since = datetime.date(2015 + number, 1, 1)
        customer.save()
    steps_1_2(workshop)
    saved = save(workshop, 3, stage=stage, goal="", n_mode="default", n=None)
    assert saved.inputs["goal"] == goal
    assert saved.inputs["selection"]


def test_another_goal_stays_the_teams_choice(team):
    workshop = workshop_with_customers(team.organization)
    steps_1_2(workshop)
    save(workshop, 3, stage="early", goal="", n_mode="default", n=None)
    # The team picks revenue instead: kept, and kept when nothing else changes.
    assert save(workshop, 3, goal="revenue").inputs["goal"] == "revenue"
    assert save(workshop, 3, n_mode="10").inputs["goal"] == "revenue"
    # A new stage proposes its goal again.
    assert save(workshop, 3, stage="brand").inputs["goal"] == "loyalty"
    # Another situation proposes nothing: the team chooses.
    assert save(workshop, 3, stage="other", goal="revenue").inputs["goal"] == "revenue"
    text = team.client("leader").get(reverse("workshop_step", args=[workshop.pk, 3])).text
    assert "Where is the company now?" in text


def test_nothing_is_ranked_before_the_stage_or_goal_is_known(team):
    workshop = workshop_with_customers(team.organization)
    steps_1_2(workshop)
    saved = save(workshop, 3, stage="", goal="", n_mode="default", n=None)
    assert saved.inputs["selection"] == [] and not saved.done


def test_step3_picks_from_step2s_stream_and_never_a_former_customer(team):
    workshop = workshop_with_customers(team.organization)
    Customer.objects.filter(name="Large One").update(customer_until=LONG_AGO)
    steps_1_2(workshop)  # the proposal: large
    saved = save(workshop, 3, stage="other", goal="revenue", n_mode="10", n=None)
    assert names(workshop, saved.inputs["selection"]) == {"Large Two", "Large Three"}
    assert saved.inputs["pool"] == "large"

    # Step 2 chooses the medium stream: step 2 says what changes, step 3 picks from it.
    save(workshop, 2, main_group="medium", reason="Faster deals")
    text = team.client("leader").get(reverse("workshop_step", args=[workshop.pk, 2])).text
    assert 'data-warning="pool-change"' in text
    saved = save(workshop, 3, goal="revenue")
    assert names(workshop, saved.inputs["selection"]) == {"Medium One", "Medium Two"}


def test_former_customers_are_left_out_of_steps_1_and_2_and_counted(team):
    workshop = workshop_with_customers(team.organization)
    Customer.objects.filter(name__in=["Large One", "Large Two"]).update(customer_until=LONG_AGO)
    steps_1_2(workshop)
    client = team.client("leader")
    text = client.get(reverse("workshop_step", args=[workshop.pk, 1])).text
    assert "2 former customers (the relationship has ended) are not counted" in text
    # Without the two large ones, large has 3,000 of 6,100: still the biggest share.
    assert step(workshop, 2).inputs["main_group"] == "large"
    # Step 2 sets the groups side by side: count, revenue, share and average.
    text = client.get(reverse("workshop_step", args=[workshop.pk, 2])).text
    assert re.search(r'data-average="large">\s*€3,000', text)
    assert re.search(r'data-average="medium">\s*€1,250', text)
    save(workshop, 1, include_former=True)
    text = client.get(reverse("workshop_step", args=[workshop.pk, 1])).text
    assert "2 former customers (the relationship has ended) are counted here" in text


def test_few_best_customers_and_a_tiny_stream_are_warned_about(team):
    workshop = workshop_with_customers(team.organization)
    steps_1_2(workshop, main_group="medium")
    save(workshop, 3, stage="other", goal="revenue", n_mode="10", n=None)
    client = team.client("leader")
    text = client.get(reverse("workshop_step", args=[workshop.pk, 3])).text
    assert "Only 2 best customers are picked: fewer than 5 show no pattern" in text
    text = client.get(reverse("workshop_step", args=[workshop.pk, 2])).text
    assert 'data-warning="stream-too-small"' in text


def test_the_pick_is_compared_with_the_rest_of_the_stream_and_its_pareto_share(team):
    workshop = workshop_with_customers(team.organization)
    for number in range(20):
        CustomerFactory(
            dataset=workshop.dataset, name=f"Big {number}", seats=40, revenue=Decimal(100 + number)
        )
    steps_1_2(workshop)
    save(workshop, 3, stage="other", goal="revenue", n_mode="default", n=None)
    text = team.client("leader").get(reverse("workshop_step", args=[workshop.pk, 3])).text
    # 28 customers: the method proposes 10; the large stream has 23.
    assert len(step(workshop, 3).inputs["selection"]) == 10
    assert "the method proposes the best 10" in text
    assert "The picked best customers" in text and "The rest of the stream" in text
    assert "The 10 picked are" in text


def test_the_live_bar_and_log_name_the_stage_and_the_switch_in_words(team):
    from django.utils import translation

    from profiles.workshop import history

    workshop = workshop_with_customers(team.organization)
    steps_1_2(workshop)
    save(workshop, 3, stage="other", goal="revenue", n_mode="10", n=None)
    fields_save = services.workshop_step_fields_save
    fields_save(step=step(workshop, 3), user=team.leader.user, changes={"stage": "grown"})
    with translation.override("de"):
        text = history.describe(history.last_change(workshop.pk))
    assert "Wo steht das Unternehmen jetzt?" in text and "Gewachsen, aber noch nicht" in text
    assert "grown" not in text and "stage" not in text
    fields_save(step=step(workshop, 1), user=team.leader.user, changes={"include_former": True})
    text = history.describe(history.last_change(workshop.pk))
    assert text == "Step 1 · Count former customers too (in steps 1 and 2 only): “no” → “yes”"


def test_the_value_score_goal_ranks_by_the_organisations_chosen_model(team):
    from portfolio.models import ScoringModel
    from portfolio.reports.org_settings import scoring_model_choose

    workshop = workshop_with_customers(team.organization)
    steps_1_2(workshop)
    client = team.client("leader")
    save(workshop, 3, stage="other", goal="value_score", n_mode="10", n=None)
    text = client.get(reverse("workshop_step", args=[workshop.pk, 3])).text
    assert "the organisation has not chosen a scoring model yet" in text

    fastest = ScoringModel.objects.create(
        organization=team.organization,
        name="Fast deals",
        parameters=[{"column": "sales_cycle_days", "weight": 1, "higher_is_better": False}],
        bands={"intensify": 75, "maintain": 50, "minimal_care": 25},
    )
    scoring_model_choose(
        organization=team.organization, user=team.leader.user, scoring_model=fastest
    )
    saved = save(workshop, 3, n_mode="default")
    order = dict(Customer.objects.values_list("pk", "name"))
    # Revenue would put Large One (5,000) first; the model puts the 10-day deal first.
    assert [order[pk] for pk in saved.inputs["selection"]] == ["Large Two", "Large One"]
    text = client.get(reverse("workshop_step", args=[workshop.pk, 3])).text
    assert "Ranked by the organisation's scoring model “Fast deals”." in text
