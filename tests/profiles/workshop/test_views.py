"""Workshop pages through the test client, plain and with htmx."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from profiles.models import Workshop
from tests.profiles.helpers import step, workshop_with_customers

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STEP_POSTS = {
    1: {"metric": "seats", "preset": "method", "small_max": "5", "medium_max": "20"},
    2: {"main_group": "large", "focus": "", "reason": ""},
    3: {"goal": "revenue", "n_mode": "default", "n": ""},
}


def save_url(workshop, number):
    return reverse("workshop_step_save", args=[workshop.pk, number])


def page_url(workshop, number):
    return reverse("workshop_step", args=[workshop.pk, number])


def post(client, workshop, number, htmx=False, **fields):
    data = {**STEP_POSTS[number], "version": step(workshop, number).version, **fields}
    return client.post(save_url(workshop, number), data, **(HTMX if htmx else {}))


@pytest.fixture
def workshop(team):
    return workshop_with_customers(team.organization)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_reps_see_every_step_read_only(team, workshop, number):
    response = team.client("rep").get(page_url(workshop, number))
    assert response.status_code == 200
    assert "hx-post" not in response.text
    assert '<fieldset class="card inputs" disabled>' in response.text


@pytest.mark.parametrize("number", [1, 2, 3])
@pytest.mark.parametrize("htmx", [False, True])
def test_rep_gets_403_when_saving_a_step(team, workshop, number, htmx):
    response = post(team.client("rep"), workshop, number, htmx=htmx)
    assert response.status_code == 403
    assert step(workshop, number).version == 0


def test_members_of_another_organisation_get_404_on_a_step(team, workshop):
    client = team.client("outsider")
    assert client.get(page_url(workshop, 1)).status_code == 404
    assert post(client, workshop, 1).status_code == 404


def test_there_is_no_step_seven_and_steps_4_to_6_save_through_their_own_views(team, workshop):
    client = team.client("leader")
    assert client.get(page_url(workshop, 7)).status_code == 404
    assert client.post(save_url(workshop, 4), {"version": 0}).status_code == 404


def test_step_one_shows_the_groups_in_a_table_and_a_chart(team, workshop):
    text = team.client("leader").get(page_url(workshop, 1)).text
    assert 'data-share="large">79.5%' in text  # 12,000 of 15,100
    assert 'id="chart-histogram" type="application/json"' in text
    assert 'class="progress-step is-current' in text


def test_a_plain_save_redirects_back_to_the_step(team, workshop):
    response = post(team.client("leader"), workshop, 1, preset="custom", medium_max="40")
    assert response.status_code == 302
    assert response["Location"] == page_url(workshop, 1)
    assert step(workshop, 1).inputs["thresholds"] == [5, 40]


def test_an_htmx_save_answers_the_results_with_the_new_version(team, workshop):
    response = post(team.client("leader"), workshop, 1, htmx=True, medium_max="40")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="results"')
    assert "HX-Request" in response["Vary"]
    assert re.search(r'id="step-version" value="1" hx-swap-oob="true"', response.text)
    # Typing a limit made the preset "my own limits": the select is swapped out of band.
    assert 'id="field-preset" data-field="preset" hx-swap-oob="true"' in response.text
    assert 'data-share="large">79.5%' not in response.text  # Large One moved to medium


def test_a_preset_answers_the_limits_it_set(team, workshop):
    response = post(team.client("leader"), workshop, 1, htmx=True, preset="thirds")
    assert 'id="field-thresholds" data-field="thresholds" hx-swap-oob="true"' in response.text
    assert step(workshop, 1).inputs["thresholds"] == [5, 30]


def test_htmx_posts_need_the_csrf_token(team, workshop):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.leader.user)
    page = client.get(page_url(workshop, 1))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text).group(1)
    data = {**STEP_POSTS[1], "version": 0, "medium_max": "40"}
    refused = client.post(save_url(workshop, 1), data, **HTMX)
    assert refused.status_code == 403
    assert step(workshop, 1).version == 0
    accepted = client.post(save_url(workshop, 1), data, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert accepted.status_code == 200
    assert step(workshop, 1).version == 1


@pytest.mark.parametrize("htmx", [False, True])
def test_invalid_thresholds_give_a_clear_message_and_nothing_is_saved(team, workshop, htmx):
    response = post(team.client("leader"), workshop, 1, htmx=htmx, preset="custom", small_max="30")
    assert response.status_code == (200 if htmx else 400)
    assert "Not saved" in response.text
    assert "must increase" in response.text
    assert step(workshop, 1).version == 0
    if not htmx:
        assert 'value="30.0"' in response.text or 'value="30"' in response.text  # input kept


def field_post(client, workshop, number, field, *, versions=None, **values):
    """One field left by a person (the header htmx sends), with the page's bases and versions."""
    data = {**STEP_POSTS[number], "version": 0, **values}
    page = {1: {"metric": '"seats"', "preset": '"method"', "thresholds": "[5, 20]"},
            2: {"main_group": '""', "focus": '""', "reason": '""'},
            3: {"goal": '"revenue"', "n_mode": '"default"', "n": "null"}}[number]  # fmt: skip
    for key, base in page.items():
        data[f"base-{key}"] = base
        data[f"version-{key}"] = (versions or {}).get(key, 0)
    headers = {**HTMX, "HTTP_HX_TRIGGER_NAME": field} if field else HTMX
    return client.post(save_url(workshop, number), data, **headers)


def test_two_people_changing_different_fields_both_keep_their_change(team, workshop):
    leo, ada = team.client("leader"), team.client("admin")
    field_post(leo, workshop, 3, "goal", goal="growth")
    # Ada's page still shows the old goal; she changes how many.
    response = field_post(ada, workshop, 3, "n_mode", n_mode="10")
    assert "field-conflict" not in response.get("HX-Trigger", "")
    inputs = step(workshop, 3).inputs
    assert inputs["goal"] == "growth" and inputs["n_mode"] == "10"


def test_the_same_field_changed_by_two_is_offered_to_the_second_to_decide(team, workshop):
    leo, ada = team.client("leader"), team.client("admin")
    field_post(leo, workshop, 1, "medium_max", preset="custom", medium_max="40")
    refused = field_post(ada, workshop, 1, "medium_max", preset="custom", medium_max="60")
    body = refused.content.decode()
    assert refused["HX-Trigger"] == "field-conflict"
    assert "Leo Leader changed this to “5 / 40” while you were editing." in body
    assert "Yours: “5 / 60”." in body
    assert 'name="keep" value="thresholds"' in body and 'name="take" value="thresholds"' in body
    assert 'id="id_medium_max" name="medium_max"' in body and 'value="60"' in body  # kept
    assert step(workshop, 1).inputs["thresholds"] == [5, 40]
    # Keeping hers saves it on top of Leo's.
    kept = field_post(ada, workshop, 1, "", preset="custom", medium_max="60", keep="thresholds")
    assert "field-conflict" not in kept.get("HX-Trigger", "")
    assert step(workshop, 1).inputs["thresholds"] == [5, 60]


def test_taking_theirs_saves_nothing_and_shows_their_value(team, workshop):
    leo, ada = team.client("leader"), team.client("admin")
    field_post(leo, workshop, 1, "medium_max", preset="custom", medium_max="40")
    taken = field_post(ada, workshop, 1, "", preset="custom", medium_max="60", take="thresholds")
    assert 'id="field-thresholds" data-field="thresholds" hx-swap-oob="true"' in taken.text
    assert 'value="40"' in taken.text
    assert step(workshop, 1).inputs["thresholds"] == [5, 40]


def test_a_whole_form_post_writes_only_the_fields_the_person_changed(team, workshop):
    leo, ada = team.client("leader"), team.client("admin")
    field_post(leo, workshop, 3, "goal", goal="growth")
    # Ada sends the whole form from her older page: the goal untouched there, how many changed.
    field_post(ada, workshop, 3, "", n_mode="10")
    inputs = step(workshop, 3).inputs
    assert inputs["goal"] == "growth" and inputs["n_mode"] == "10"


def test_a_stale_whole_form_without_javascript_answers_409_with_both_values(team, workshop):
    leo = team.client("leader")
    field_post(leo, workshop, 1, "medium_max", preset="custom", medium_max="40")
    data = {**STEP_POSTS[1], "version": 0, "preset": "custom", "medium_max": "60"}
    data.update({"base-thresholds": "[5, 20]", "version-thresholds": 0})
    plain = team.client("admin").post(save_url(workshop, 1), data)
    assert plain.status_code == 409
    assert "changed this to “5 / 40”" in plain.text


def test_later_steps_show_needs_review_until_marked_as_reviewed(team, workshop):
    leader = team.client("leader")
    for number in (1, 2, 3):
        post(leader, workshop, number)
    post(leader, workshop, 1, preset="custom", medium_max="40")
    page = leader.get(page_url(workshop, 3)).text
    assert "Mark as reviewed" in page
    assert page.count("is-review") == 2  # steps 2 and 3 in the progress bar
    review = reverse("workshop_step_review", args=[workshop.pk, 3])
    response = leader.post(review, {"version": step(workshop, 3).version})
    assert response.status_code == 302
    assert not step(workshop, 3).needs_review
    assert step(workshop, 2).needs_review


def test_next_saves_and_goes_to_the_next_step(team, workshop):
    leader = team.client("leader")
    response = post(leader, workshop, 1, htmx=True, next="1")
    assert response["HX-Redirect"] == page_url(workshop, 2)
    assert step(workshop, 1).done
    assert post(leader, workshop, 2, next="1")["Location"] == page_url(workshop, 3)


def test_step_two_says_when_the_slices_are_too_close(team):
    customers = [("Small", 2, 3000, 10), ("Medium", 10, 3500, 10), ("Large", 40, 3600, 10)]
    workshop = workshop_with_customers(team.organization, customers)
    text = team.client("leader").get(page_url(workshop, 2)).text
    assert "percentage points apart" in text
    assert "Move the limits in step 1" in text


def test_step_two_refuses_an_override_without_a_reason(team, workshop):
    response = post(team.client("leader"), workshop, 2, htmx=True, main_group="small")
    assert "Write down why" in response.text
    assert step(workshop, 2).version == 0


def test_step_three_excludes_and_adds_customers_with_a_reason(team, workshop):
    leader = team.client("leader")
    large_one = workshop.dataset.customers.get(name="Large One")
    response = post(leader, workshop, 3, htmx=True, exclude=large_one.pk, reason="Leaving")
    assert "Excluded by the team" in response.text
    assert large_one.pk not in step(workshop, 3).inputs["selection"]
    response = post(leader, workshop, 3, htmx=True, include="C-6", reason="Back again")
    assert "No active customer of the main stream" not in response.text
    assert large_one.pk in step(workshop, 3).inputs["selection"]
    response = post(leader, workshop, 3, htmx=True, include="Small One", reason="x")
    assert "No active customer of the main stream has that name or id" in response.text


def test_step_three_lists_customers_without_a_value_separately(team, workshop):
    post(team.client("leader"), workshop, 3, goal="growth")
    text = team.client("rep").get(page_url(workshop, 3)).text
    assert "1 customer has no sales cycle (days) data" in text
    assert "Large Three" in text


def test_customer_names_are_escaped_on_the_pages(team):
    workshop = workshop_with_customers(team.organization, [("<b>x</b>", 40, 100, 1)])
    text = team.client("rep").get(page_url(workshop, 3)).text
    assert "<b>x</b>" not in text


def test_a_leader_creates_a_workshop_and_sees_it_in_the_list(team, workshop):
    leader = team.client("leader")
    response = leader.post(
        reverse("workshop_new"),
        {
            "title": "Spring review",
            "date": "2027-03-01",
            "dataset": workshop.dataset.pk,
            "participants": [team.leader.user.pk, team.admin.user.pk],
        },
    )
    created = Workshop.objects.get(title="Spring review")
    assert response["Location"] == page_url(created, 1)
    post(leader, created, 1)
    listing = team.client("rep").get(reverse("workshops")).text
    assert "Spring review" in listing
    assert "1 of 6 steps done" in listing


def test_the_new_workshop_form_offers_only_the_organisations_data(team, workshop):
    foreign = workshop_with_customers(team.outsider.organization)
    response = team.client("leader").post(
        reverse("workshop_new"),
        {"title": "Sneaky", "date": "2027-03-01", "dataset": foreign.dataset.pk},
    )
    assert response.status_code == 400
    assert not Workshop.objects.filter(title="Sneaky").exists()


@pytest.mark.parametrize("number", [1, 2])
def test_a_save_groups_the_customers_and_draws_the_histogram_once(
    team, workshop, number, monkeypatch
):
    # The save checks the inputs and the answer shows the results: one computation serves both.
    from portfolio import analysis
    from portfolio.charts import steps as charts

    calls = []

    def counting(module, name):
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, **k: calls.append(name) or original(*a, **k))

    counting(analysis, "group_by_size")
    counting(charts, "size_histogram")
    response = post(team.client("leader"), workshop, number, htmx=True)
    assert response.status_code == 200 and step(workshop, number).version == 1
    assert sorted(calls) == ["group_by_size", "size_histogram"]


def test_step_three_is_not_left_with_no_best_customer_picked(team, workshop):
    leader = team.client("leader")
    post(leader, workshop, 1)
    post(leader, workshop, 2)
    post(leader, workshop, 3)
    for _ in range(20):  # the team excludes every proposed customer
        picked = step(workshop, 3).inputs["selection"]
        if not picked:
            break
        post(leader, workshop, 3, htmx=True, exclude=picked[0], reason="Not a fit")
    assert step(workshop, 3).inputs["selection"] == []
    response = post(leader, workshop, 3, htmx=True, next="1")
    assert "HX-Redirect" not in response
    assert 'role="alert">No best customer is picked' in response.text
    response = post(leader, workshop, 3, next="1")  # without JavaScript
    assert response["Location"] == page_url(workshop, 3)
    assert "No best customer is picked" in leader.get(page_url(workshop, 3)).text
