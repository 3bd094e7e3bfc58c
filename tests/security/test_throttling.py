"""Guessing is throttled: sign-in per account and per address (django-axes) with a clear
message and an admin unlock, password-reset mails per address, API tokens per token (429 with
Retry-After, a sliding limit) and token guessing per address."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from icp_site.accounts import throttle
from tests.factories import ApiTokenFactory
from tests.profiles.rep_helpers import published_profile

pytestmark = pytest.mark.django_db


def sign_in(email, password, address="10.0.0.1", **extra):
    return Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": email, "password": password, **extra}
    )


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def test_an_account_is_locked_after_too_many_failures_from_anywhere(team, password, limit):
    email = team.rep.user.email
    answers = [
        sign_in(email.upper(), "wrong", address=f"10.0.1.{attempt}").status_code
        for attempt in range(limit)
    ]
    assert answers == [200] * (limit - 1) + [429]  # the last failure locks
    # The right password does not help now, from yet another address.
    locked = sign_in(email, password, address="10.0.2.1")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    assert int(locked["Retry-After"]) > 0
    assert "_auth_user_id" not in locked.wsgi_request.session


def test_an_address_is_locked_after_too_many_failures_on_any_accounts(team, password, limit):
    for attempt in range(limit):
        sign_in(f"nobody{attempt}@example.com", "wrong", address="10.9.9.9")
    assert sign_in(team.leader.user.email, password, address="10.9.9.9").status_code == 429
    assert sign_in(team.leader.user.email, password, address="10.9.9.8").status_code == 302


def test_an_admin_unlocks_a_locked_member(team, password, limit):
    email = team.rep.user.email
    for attempt in range(limit):
        sign_in(email, "wrong", address=f"10.0.3.{attempt}")
    page = team.client("admin").get(reverse("members"))
    assert "Locked out of sign-in" in page.text
    team.client("admin").post(reverse("member_unlock", args=[team.rep.pk]))
    assert sign_in(email, password, address="10.0.4.1").status_code == 302


def test_sign_in_is_throttled_per_address_behind_the_proxy(team, password, limit, settings):
    settings.BEHIND_PROXY = True
    for attempt in range(limit):
        Client(REMOTE_ADDR="172.17.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").post(
            reverse("login"), {"username": f"x{attempt}@example.com", "password": "wrong"}
        )
    # Another client behind the same proxy is not locked out with the attacker.
    other = Client(REMOTE_ADDR="172.17.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    response = other.post(
        reverse("login"), {"username": team.leader.user.email, "password": password}
    )
    assert response.status_code == 302


def test_password_reset_mails_are_limited_per_address(team, settings):
    settings.PASSWORD_RESET_MAILS_PER_HOUR = 2
    for attempt in range(5):
        response = Client(REMOTE_ADDR=f"10.1.0.{attempt}").post(
            reverse("password_reset"), {"email": team.rep.user.email}
        )
        assert response.status_code == 302  # the same answer: nobody learns anything
    assert len(mail.outbox) == 2


def test_password_reset_requests_are_limited_per_caller(team, settings):
    settings.PASSWORD_RESET_REQUESTS_PER_HOUR = 3
    client = Client(REMOTE_ADDR="10.2.0.1")
    answers = [
        client.post(reverse("password_reset"), {"email": f"p{n}@example.com"}).status_code
        for n in range(4)
    ]
    assert answers == [302, 302, 302, 429]
    refused = client.post(reverse("password_reset"), {"email": "p9@example.com"})
    assert "Too many requests" in refused.text and refused["Retry-After"]


def test_an_api_token_gets_429_with_retry_after_past_its_limit(team, settings):
    published_profile(team)
    settings.API_RATE_LIMIT = 5
    token = ApiTokenFactory(membership=team.rep)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"}
    statuses = [Client().get("/api/profile/current", **headers).status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    refused = Client().get("/api/profile/current", **headers)
    assert int(refused["Retry-After"]) >= 1 and "Too many requests" in refused.json()["error"]


def test_the_api_limit_slides_across_a_minute_boundary():
    # 120 requests in 2 s across 12:00:00 used to pass a fixed one-minute window.
    period = dt.timedelta(minutes=1)
    start = timezone.now().replace(second=59, microsecond=500_000)
    allowed = 0
    for step in range(120):
        now = start + dt.timedelta(milliseconds=step * 2000 // 120)
        allowed += throttle.hit("token:boundary", limit=60, period=period, now=now).allowed
    assert allowed <= 62


def test_guessing_tokens_is_throttled_per_address(team, settings):
    published_profile(team)
    settings.API_BAD_TOKEN_LIMIT = 3
    guesser = Client(REMOTE_ADDR="10.3.0.1")
    statuses = [
        guesser.get("/api/profile/current", HTTP_AUTHORIZATION=f"Bearer icp_guess{n}").status_code
        for n in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    # Even a right token from that address waits: the guess is not even looked at.
    token = ApiTokenFactory(membership=team.rep)
    assert (
        guesser.get("/api/profile/current", HTTP_AUTHORIZATION=f"Bearer {token.secret}").status_code
        == 429
    )
    elsewhere = Client(REMOTE_ADDR="10.3.0.2")
    assert (
        elsewhere.get(
            "/api/profile/current", HTTP_AUTHORIZATION=f"Bearer {token.secret}"
        ).status_code
        == 200
    )
