"""Abuse of the API answers JSON with a clear message and a 4xx: huge integers, deep nesting,
a body too large (413), negative or absurd numbers, unknown URLs, bad JSON, wrong methods."""

import json

import pytest

from tests.factories import ApiTokenFactory
from tests.profiles.rep_helpers import published_profile

pytestmark = pytest.mark.django_db

FIT_CHECK = "/api/fit-check"


@pytest.fixture
def bearer(team):
    published_profile(team)
    token = ApiTokenFactory(membership=team.rep)
    return {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"}


def post(client, body: bytes | str, **headers):
    return client.post(FIT_CHECK, body, content_type="application/json", **headers)


def assert_json_4xx(response, status=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:200])
    if status is not None:
        assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    message = response.json()["error"]
    assert isinstance(message, str) and len(message) > 5
    return message


@pytest.mark.parametrize(
    "path",
    [
        "/api/profile/versions/99999999999999999999999",
        "/api/profile/versions/2147483648",
        "/api/profile/versions/-1",
        "/api/profile/versions/0",
        "/api/profile/versions/abc",
        "/api/nothing-here",
        "/api/profile/current/extra",
    ],
)
def test_odd_urls_answer_json_404(client, bearer, path):
    assert_json_4xx(client.get(path, **bearer), 404)


@pytest.mark.parametrize(
    "body",
    [
        '{"attributes": {"employees": ' + "9" * 5000 + "}}",  # beyond Python's int limit
        '{"attributes": {"employees": ' + "9" * 400 + "}}",
        '{"attributes": {"employees": 1e400}}',
        '{"attributes": {"employees": NaN}}',
        '{"attributes": {"employees": -Infinity}}',
        '{"attributes": ' + "[" * 100_000 + "]" * 100_000 + "}",  # recursion
        '{"attributes": {"drivers": ' + "[" * 30 + "]" * 30 + "}}",  # too deep for us
        "{not json",
        "\xff\xfe",
        '["attributes"]',
        '{"attributes": {"employees": -1}, "extra": 1}',
    ],
)
def test_bad_bodies_answer_json_400(client, bearer, body):
    assert_json_4xx(post(client, body, **bearer), 400)


def test_a_body_of_three_megabytes_answers_413(client, bearer):
    body = json.dumps({"attributes": {"facts": "x" * (3 * 1024 * 1024)}})
    message = assert_json_4xx(post(client, body, **bearer), 413)
    assert "too large" in message


def test_a_body_without_a_length_that_is_too_large_answers_413(client, bearer, settings):
    settings.API_MAX_BODY_BYTES = 1024
    body = json.dumps({"attributes": {"facts": "x" * 5000}})
    response = client.generic("POST", FIT_CHECK, body, content_type="application/json", **bearer)
    assert_json_4xx(response, 413)


def test_negative_and_oversized_counts_are_400_not_500(client, bearer):
    from django.test import RequestFactory

    from icp_site.tokens.api import ApiError, query_int

    for raw in ("-1", "99999999999999999999", "1e3", "ten"):
        request = RequestFactory().get("/api/x", {"limit": raw})
        with pytest.raises(ApiError) as refused:
            query_int(request, "limit", default=10, minimum=1, maximum=1000)
        assert refused.value.status == 400 and "limit" in refused.value.message


def test_a_wrong_method_and_no_token_answer_json(client, bearer):
    assert_json_4xx(client.delete(FIT_CHECK, **bearer), 405)
    assert_json_4xx(client.get("/api/profile/current"), 401)
    assert_json_4xx(client.get("/api/profile/current", HTTP_AUTHORIZATION="Bearer icp_nope"), 401)


def test_a_plain_number_within_range_still_works(client, bearer):
    response = post(client, '{"attributes": {"employees": 35, "industry": "IT"}}', **bearer)
    assert response.status_code == 200
    assert response.json()["segment"] in ("do-or-die", "neutral", "do-not", "unknown")
