"""The read API: tokens or session, organisation scoping, a stable JSON shape, limits."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from icp_site.accounts import throttle
from icp_site.models import ApiToken
from icp_site.tokens import services as tokens
from tests.factories import (
    ApiTokenFactory,
    MembershipFactory,
    ProfileVersionFactory,
    WorkshopFactory,
)
from tests.profiles.rep_helpers import published_profile

pytestmark = pytest.mark.django_db

CURRENT = "/api/profile/current"
FIT_CHECK = "/api/fit-check"


def bearer(token) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"}


def post_json(client, url, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **headers)


@pytest.fixture
def version(team):
    return published_profile(team)


@pytest.fixture
def token(team):
    return ApiTokenFactory(membership=team.rep)


# --------------------------------------------------------------------------- authentication


def test_the_urls_are_the_documented_ones():
    assert reverse("api_profile_current") == CURRENT
    assert reverse("api_profile_version", args=[3]) == "/api/profile/versions/3"
    assert reverse("api_fit_check") == FIT_CHECK


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer icp_wrong", "Basic dXNlcjpwYXNz", "Token abc"]
)
def test_without_valid_credentials_the_answer_is_401_json(client, version, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(CURRENT, **headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]


def test_a_token_reads_the_current_profile(client, version, token):
    response = client.get(CURRENT, **bearer(token))
    assert response.status_code == 200
    assert response.json()["version"] == 1


def test_a_revoked_token_is_refused(client, version, token, team):
    tokens.api_token_revoke(token=token, by=team.rep)
    response = client.get(CURRENT, **bearer(token))
    assert response.status_code == 401


def test_a_token_of_a_removed_member_is_refused(client, version, token):
    token.membership.delete()
    assert client.get(CURRENT, **bearer(token)).status_code == 401


def test_tokens_are_stored_hashed(token):
    stored = ApiToken.objects.get(pk=token.pk)
    assert token.secret not in {stored.token_hash, stored.prefix}
    assert stored.token_hash == tokens.token_hash(token.secret)
    assert token.secret.startswith(stored.prefix)


def test_another_organisations_token_gets_404_on_our_version(client, version, team):
    theirs = ApiTokenFactory(membership=team.outsider)
    response = client.get(reverse("api_profile_version", args=[version.number]), **bearer(theirs))
    assert response.status_code == 404
    assert response.json() == {"error": "Not found."}
    # and "current" is their own organisation's (which has none)
    assert client.get(CURRENT, **bearer(theirs)).status_code == 404


def test_a_token_reads_one_version_of_its_organisation(client, version, token, team):
    newer = ProfileVersionFactory(workshop=WorkshopFactory(organization=team.organization))
    response = client.get(reverse("api_profile_version", args=[newer.number]), **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["current"], body["published_at"]) == (2, False, None)


def test_the_session_works_too(version, team):
    response = team.client("rep").get(CURRENT)
    assert response.status_code == 200


def test_a_session_post_needs_the_csrf_token(version, team):
    client = team.client("rep", enforce_csrf_checks=True)
    refused = post_json(client, FIT_CHECK, {"attributes": {}})
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/json"
    client.get(reverse("fit_check"))  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    allowed = post_json(client, FIT_CHECK, {"attributes": {}}, HTTP_X_CSRFTOKEN=csrf)
    assert allowed.status_code == 200


def test_a_bearer_post_needs_no_csrf_token(version, token):
    client = Client(enforce_csrf_checks=True)
    response = post_json(client, FIT_CHECK, {"attributes": {"industry": "IT"}}, **bearer(token))
    assert response.status_code == 200


def test_last_used_is_recorded_at_most_once_a_minute(client, version, token):
    client.get(CURRENT, **bearer(token))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get(CURRENT, **bearer(token))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=5))
    client.get(CURRENT, **bearer(token))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - dt.timedelta(minutes=5)


def test_a_member_of_no_organisation_session_gets_401(client):
    member = MembershipFactory()
    client.force_login(member.user)
    member.delete()
    assert client.get(CURRENT).status_code == 401


# --------------------------------------------------------------------------- shapes

PROFILE_KEYS = {
    "version": int,
    "current": bool,
    "created_at": str,
    "note": str,
    "published_at": str,
    "published_by": str,
    "next_review_date": str,
    "traits": list,
    "criteria": list,
    "notes": dict,
    "segments": dict,
}
TRAIT_KEYS = {"key", "label", "value", "relevant", "source"}
CRITERION_KEYS = {"segment", "attribute", "operator", "value", "note"}
FIT_KEYS = {
    "version": int,
    "segment": str,
    "known": int,
    "total": int,
    "criteria": list,
    "reason": str,
    "reason_code": str,
    "action": str,
}
RESULT_KEYS = {"segment": str, "attribute": str, "operator": str, "result": str}


def test_the_profile_json_shape_is_stable(client, version, token):
    body = client.get(CURRENT, **bearer(token)).json()
    assert set(body) == set(PROFILE_KEYS)
    for key, kind in PROFILE_KEYS.items():
        assert isinstance(body[key], kind), key
    assert all(set(trait) == TRAIT_KEYS for trait in body["traits"])
    assert all(set(c) == CRITERION_KEYS for c in body["criteria"])
    assert set(body["notes"]) == {"do-or-die", "neutral", "do-not"}
    assert body["published_by"] == "Leo Leader"
    dt.date.fromisoformat(body["next_review_date"])
    assert body["segments"] == {
        "customers": 5,
        "counts": {"do-or-die": 2, "neutral": 1, "do-not": 1, "unknown": 1},
        "up_to_date": True,
    }


def test_the_fit_check_json_shape_is_stable(client, version, token):
    attributes = {"industry": "IT", "employees": 35, "country": "SE"}
    response = post_json(client, FIT_CHECK, {"attributes": attributes}, **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(FIT_KEYS)
    for key, kind in FIT_KEYS.items():
        assert isinstance(body[key], kind), key
    assert (body["version"], body["segment"], body["known"], body["total"]) == (
        1,
        "do-or-die",
        3,
        4,
    )
    assert body["segment"] in {"do-or-die", "neutral", "do-not", "unknown"}
    assert body["action"] == "The target customer profile: put all your energy here."
    for item in body["criteria"]:
        assert set(item) == {*RESULT_KEYS, "value"}
        assert item["result"] in {"met", "missed", "unknown"}
    assert body["criteria"][1] == {
        "segment": "do-or-die",
        "attribute": "employees",
        "operator": "between",
        "value": [20, 50],
        "result": "met",
    }


def test_the_api_and_the_page_give_the_same_answer(client, version, token, team):
    body = post_json(
        client,
        FIT_CHECK,
        {"attributes": {"industry": "IT", "customer_type": "B2C"}},
        **bearer(token),
    ).json()
    page = team.client("rep").post(
        reverse("fit_check"), {"fit-industry": "IT", "fit-customer_type": "B2C"}
    )
    result = page.context["result"]
    assert (body["segment"], body["known"]) == (result.segment, result.known) == ("do-not", 2)


# --------------------------------------------------------------------------- 400s


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        ("[1, 2]", '{"attributes"'),
        ({"industry": "IT"}, '{"attributes"'),
        ({"attributes": {"industry": "IT"}, "extra": 1}, "Unknown fields: extra"),
        ({"attributes": {"shoe_size": 44, "industry": "IT"}}, "Unknown attributes: shoe_size"),
        ({"attributes": {"industry": {"nested": True}}}, "text, numbers or lists"),
    ],
)
def test_bad_requests_get_400_with_a_clear_message(client, version, token, body, fragment):
    response = post_json(client, FIT_CHECK, body, **bearer(token))
    assert response.status_code == 400
    assert fragment in response.json()["error"]


def test_the_wrong_method_gets_405(client, version, token):
    response = client.get(FIT_CHECK, **bearer(token))
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_no_published_profile_gets_404_json(client, token):
    assert client.get(CURRENT, **bearer(token)).status_code == 404
    response = post_json(client, FIT_CHECK, {"attributes": {}}, **bearer(token))
    assert response.status_code == 404


# --------------------------------------------------------------------------- rate limit


@pytest.fixture
def frozen_clock(monkeypatch):
    """Hold the rate limiter's clock still: no request ages out of the window meanwhile."""
    moment = timezone.now().replace(second=30, microsecond=0)
    monkeypatch.setattr(
        throttle, "timezone", type("Clock", (), {"now": staticmethod(lambda: moment)})
    )
    return moment


def test_the_61st_request_in_a_minute_gets_429_with_retry_after(
    client, version, token, settings, frozen_clock
):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(CURRENT, **bearer(token)).status_code == 200
    response = client.get(CURRENT, **bearer(token))
    assert response.status_code == 429
    assert response["Retry-After"] == "20"  # one more request every 60 / 3 seconds
    assert "Too many requests" in response.json()["error"]


def test_the_count_is_per_token(version, team, token, frozen_clock):
    other = ApiTokenFactory(membership=team.leader)
    for _ in range(60):
        assert tokens.rate_limit_hit(f"token:{token.pk}").allowed
    assert not tokens.rate_limit_hit(f"token:{token.pk}").allowed
    assert tokens.rate_limit_hit(f"token:{other.pk}").allowed


def test_the_limit_slides_so_no_burst_gets_through_at_a_minute_boundary(token):
    # The old fixed window let 60 through at 11:59:59 and 60 more at 12:00:00.
    client = f"token:{token.pk}"
    start = timezone.now().replace(second=59, microsecond=0)
    allowed = sum(
        throttle.hit(client, limit=60, period=dt.timedelta(minutes=1), now=start).allowed
        for _ in range(60)
    )
    after = start + dt.timedelta(seconds=1)
    allowed += sum(
        throttle.hit(client, limit=60, period=dt.timedelta(minutes=1), now=after).allowed
        for _ in range(60)
    )
    assert allowed == 61  # 60 at once, then one a second
    later = start + dt.timedelta(seconds=31)
    assert throttle.hit(client, limit=60, period=dt.timedelta(minutes=1), now=later).remaining >= 28


def test_rate_limit_headers_are_sent(client, version, token, frozen_clock):
    response = client.get(CURRENT, **bearer(token))
    assert response["X-RateLimit-Limit"] == "60"
    assert response["X-RateLimit-Remaining"] == "59"
