"""API tokens: members create and revoke their own, admins revoke any in their organisation."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from icp_site.models import ApiToken
from icp_site.tokens import services as tokens
from tests.factories import ApiTokenFactory

pytestmark = pytest.mark.django_db


def test_a_member_creates_a_token_and_sees_the_secret_once(team):
    client = team.client("rep")
    response = client.post(reverse("api_token_create"), {"name": "HubSpot workflow"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("icp_") and len(secret) > 40
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert (token.membership, token.organization, token.name) == (
        team.rep,
        team.organization,
        "HubSpot workflow",
    )
    assert token.token_hash == tokens.token_hash(secret)
    listing = client.get(reverse("api_tokens")).content.decode()
    assert secret not in listing
    assert token.prefix in listing


def test_a_token_needs_a_name(team):
    response = team.client("rep").post(reverse("api_token_create"), {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_member_revokes_their_own_token(team):
    token = ApiTokenFactory(membership=team.rep)
    response = team.client("rep").post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert tokens.authenticate(token.secret) is None


def test_a_member_cannot_revoke_another_members_token(team):
    token = ApiTokenFactory(membership=team.leader)
    response = team.client("rep").post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_admin_sees_and_revokes_any_token_of_the_organisation(team):
    token = ApiTokenFactory(membership=team.rep)
    client = team.client("admin")
    assert token.prefix in client.get(reverse("api_tokens")).content.decode()
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_admin_of_another_organisation_cannot_revoke(team):
    token = ApiTokenFactory(membership=team.rep)
    assert (
        team.client("outsider").post(reverse("api_token_revoke", args=[token.pk])).status_code
        == 404
    )
    assert token.prefix not in team.client("outsider").get(reverse("api_tokens")).content.decode()


def test_others_tokens_are_not_listed_for_a_rep(team):
    token = ApiTokenFactory(membership=team.leader)
    assert token.prefix not in team.client("rep").get(reverse("api_tokens")).content.decode()


def test_the_command_prints_a_working_token_once(team, capsys):
    call_command("create_api_token", "--org", "acme", "--user", team.rep.user.email.upper())
    out = capsys.readouterr().out.strip()
    token = tokens.authenticate(out)
    assert token is not None
    assert token.membership == team.rep
    assert ApiToken.objects.get().token_hash != out


def test_the_command_refuses_a_non_member(team):
    with pytest.raises(CommandError):
        call_command("create_api_token", "--org", "acme", "--user", team.outsider.user.email)
