"""Signing in, the home page, switching organisation and language, signing out."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_members_sign_in_with_their_email_in_any_case(team, password):
    client = Client()
    response = client.post(
        reverse("login"), {"username": team.leader.user.email.upper(), "password": password}
    )
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Acme AB" in home.text


def test_a_wrong_password_is_refused_with_a_message(team):
    response = Client().post(
        reverse("login"), {"username": team.leader.user.email, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "do not match" in response.text


def test_the_home_page_has_the_product_navigation(team):
    text = team.client("rep").get(reverse("home")).text
    for label in ("Workshops", "Current profile", "Customers", "Reviews", "Members"):
        assert label in text


def test_a_person_without_organisation_is_told_what_to_do(db):
    client = Client()
    client.force_login(UserFactory())
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("no_organization")
    assert "not a member of any organisation" in response.text


def test_a_consultant_switches_between_organisations(team):
    consultant = team.outsider.user
    MembershipFactory(user=consultant, organization=team.organization)
    client = Client()
    client.force_login(consultant)
    client.post(reverse("organization_switch"), {"organization": team.organization.pk})
    assert "<h1>Acme AB</h1>" in client.get(reverse("home")).text
    client.post(reverse("organization_switch"), {"organization": team.outsider.organization_id})
    assert "<h1>Other GmbH</h1>" in client.get(reverse("home")).text


def test_switching_to_an_organisation_one_does_not_belong_to_is_refused(team):
    client = team.client("rep")
    response = client.post(
        reverse("organization_switch"), {"organization": team.outsider.organization_id}, follow=True
    )
    assert "not a member of that organisation" in response.text
    assert "<h1>Acme AB</h1>" in response.text


def test_the_chosen_language_is_kept_on_the_account(team):
    client = team.client("leader")
    response = client.post(reverse("set_language"), {"language": "de", "next": reverse("members")})
    assert response.status_code == 302
    assert response["Location"] == reverse("members")
    team.leader.user.refresh_from_db()
    assert team.leader.user.language == "de"
    fresh = Client(headers={"accept-language": "sv"})
    fresh.force_login(team.leader.user)
    assert '<html lang="de">' in fresh.get(reverse("home")).text


def test_the_browser_language_applies_when_the_member_chose_none(team):
    client = team.client("rep", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-hans">' in client.get(reverse("home")).text


def test_the_organisation_default_applies_when_nothing_else_says(team):
    team.organization.default_language = "sv"
    team.organization.save()
    assert '<html lang="sv">' in team.client("rep").get(reverse("home")).text


def test_language_switch_refuses_foreign_redirects(client):
    response = client.post(
        reverse("set_language"), {"language": "sv", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"


def test_signing_out_needs_a_post_and_ends_the_session(team):
    client = team.client("rep")
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_htmx_posts_without_a_csrf_token_are_refused(team):
    client = team.client("admin", enforce_csrf_checks=True)
    response = client.post(
        reverse("member_role", args=[team.rep.pk]), {"role": "leader"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403


def test_every_page_sends_the_csrf_token_to_htmx(team):
    text = team.client("rep").get(reverse("home")).text
    assert 'hx-headers=\'{"X-CSRFToken": "' in text
    assert "/static/django_htmx/htmx-2.min.js" in text
