"""Creation forms once per submit, no caching of personal data, session length."""

import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from profiles.models import Review, Workshop
from tests.factories import DatasetFactory
from tests.profiles.rep_helpers import published_profile

NEW_WORKSHOP = {"title": "Spring", "date": "2031-03-01", "submit_token": "same-submit"}


@pytest.mark.django_db
def test_new_workshop_clicked_three_times_creates_one(team):
    dataset = DatasetFactory(organization=team.organization)
    client = team.client("leader")
    answers = [
        client.post(reverse("workshop_new"), {**NEW_WORKSHOP, "dataset": dataset.pk})
        for _ in range(3)
    ]
    assert Workshop.objects.filter(organization=team.organization).count() == 1
    assert len({answer["Location"] for answer in answers}) == 1
    # A new form (a new token) makes a new one.
    client.post(
        reverse("workshop_new"), {**NEW_WORKSHOP, "dataset": dataset.pk, "submit_token": "other"}
    )
    assert Workshop.objects.filter(organization=team.organization).count() == 2


@pytest.mark.django_db(transaction=True)
def test_new_workshop_sent_three_times_at_once_creates_one(team):
    dataset = DatasetFactory(organization=team.organization)
    statuses = []
    barrier = threading.Barrier(3)

    def click():
        client = team.client("leader")
        try:
            barrier.wait()
            data = {**NEW_WORKSHOP, "dataset": dataset.pk}
            statuses.append(client.post(reverse("workshop_new"), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [302, 302, 302]
    assert Workshop.objects.filter(organization=team.organization).count() == 1


@pytest.mark.django_db
def test_a_review_scheduled_twice_by_one_submit_is_one_review(team):
    client = team.client("admin")
    data = {
        "date": "2030-05-02",
        "attendees": [team.admin.user.pk],
        "reminder_offsets": "14, 1",
        "submit_token": "one",
    }
    first = client.post(reverse("review_new"), data)
    second = client.post(reverse("review_new"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Review.objects.filter(organization=team.organization).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["members", "customers", "current_profile", "segment_list", "reviews", "api_tokens"]
)
def test_pages_with_personal_data_are_not_cached(team, name):
    published_profile(team)
    response = team.client("admin").get(reverse(name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_exports_and_calendar_files_are_not_cached(team):
    published_profile(team)
    client = team.client("rep")
    for url in (
        reverse("segment_list_export") + "?format=csv",
        reverse("crm_export") + "?layout=plain",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    token_page = team.client("rep").get("/api/profile/current")
    assert "no-store" in token_page["Cache-Control"]


@pytest.mark.django_db
def test_sessions_last_twelve_idle_hours_unless_remembered(team, password):
    assert django_settings.SESSION_COOKIE_AGE == 12 * 3600
    client = Client()
    client.post(reverse("login"), {"username": team.rep.user.email, "password": password})
    assert client.session.get_expiry_age() == 12 * 3600
    remembered = Client()
    remembered.post(
        reverse("login"),
        {"username": team.rep.user.email, "password": password, "remember": "on"},
    )
    assert remembered.session.get_expiry_age() == 14 * 24 * 3600
    cookie = remembered.cookies[django_settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 14 * 24 * 3600


@pytest.mark.django_db
def test_session_length_is_a_setting(team, password, settings):
    settings.SESSION_IDLE_HOURS = 2
    client = Client()
    client.post(reverse("login"), {"username": team.rep.user.email, "password": password})
    assert client.session.get_expiry_age() == 2 * 3600
