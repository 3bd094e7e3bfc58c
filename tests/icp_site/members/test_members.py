"""Admins manage the members of their organisation; nobody else can."""

import pytest
from django.core import mail
from django.urls import reverse

from icp_site.models import Invitation, Membership, Role, User
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_every_member_sees_the_team(team):
    response = team.client("rep").get(reverse("members"))
    assert response.status_code == 200
    assert "Ada Admin" in response.text
    assert "Add a member" not in response.text


def test_admin_invites_a_person_who_joins_only_by_accepting(team):
    client = team.client("admin")
    response = client.post(
        reverse("member_invite"), {"email": "Nina@Example.com", "role": Role.LEADER}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user__email="nina@example.com").exists()
    invitation = Invitation.objects.get(organization=team.organization)
    assert (invitation.email, invitation.role) == ("nina@example.com", Role.LEADER)
    [message] = mail.outbox
    assert message.to == ["nina@example.com"]
    assert "Acme AB" in message.subject
    assert "/invitations/" in message.body
    page = client.get(reverse("members"))
    assert "nina@example.com" in page.text
    assert "Re-send" in page.text


def test_bad_input_is_shown_next_to_the_field(team):
    response = team.client("admin").post(
        reverse("member_invite"), {"email": "not-an-address", "role": "boss"}
    )
    assert response.status_code == 400
    assert response.text.count('class="errorlist') >= 2


def test_inviting_an_existing_member_again_is_refused_with_a_message(team):
    response = team.client("admin").post(
        reverse("member_invite"), {"email": team.rep.user.email, "role": Role.ADMIN}
    )
    assert response.status_code == 400
    assert "already a member" in response.text
    team.rep.refresh_from_db()
    assert team.rep.role == Role.REP


def test_admin_changes_a_role(team):
    team.client("admin").post(reverse("member_role", args=[team.rep.pk]), {"role": Role.LEADER})
    team.rep.refresh_from_db()
    assert team.rep.role == Role.LEADER


def test_the_last_admin_can_be_neither_demoted_nor_removed(team):
    client = team.client("admin")
    response = client.post(
        reverse("member_role", args=[team.admin.pk]), {"role": Role.REP}, follow=True
    )
    assert "at least one admin" in response.text
    client.post(reverse("member_remove", args=[team.admin.pk]))
    team.admin.refresh_from_db()
    assert team.admin.role == Role.ADMIN


def test_an_admin_can_step_down_when_another_admin_remains(team):
    MembershipFactory(organization=team.organization, role=Role.ADMIN)
    team.client("admin").post(reverse("member_role", args=[team.admin.pk]), {"role": Role.LEADER})
    team.admin.refresh_from_db()
    assert team.admin.role == Role.LEADER


def test_admin_removes_a_member_but_not_their_account(team):
    team.client("admin").post(reverse("member_remove", args=[team.rep.pk]))
    assert not Membership.objects.filter(pk=team.rep.pk).exists()
    assert User.objects.filter(pk=team.rep.user_id).exists()


def test_leaders_cannot_change_roles(team):
    response = team.client("leader").post(
        reverse("member_role", args=[team.rep.pk]), {"role": Role.ADMIN}
    )
    assert response.status_code == 403
    team.rep.refresh_from_db()
    assert team.rep.role == Role.REP


def test_an_admin_of_another_organisation_cannot_touch_our_members(team):
    response = team.client("outsider").post(reverse("member_remove", args=[team.rep.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=team.rep.pk).exists()


def test_member_pages_escape_names(team):
    team.rep.user.name = "<script>alert(1)</script>"
    team.rep.user.save()
    response = team.client("admin").get(reverse("members"))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_admin_sets_the_organisations_name_default_language_currency_and_time_zone(team):
    response = team.client("admin").post(
        reverse("organization_settings"),
        {
            "name": "Acme Sverige AB",
            "default_language": "sv",
            "currency": "SEK",
            "time_zone": "America/New_York",
        },
    )
    assert response.status_code == 302
    team.organization.refresh_from_db()
    organization = team.organization
    assert organization.time_zone == "America/New_York"
    assert (organization.name, organization.default_language, organization.currency) == (
        "Acme Sverige AB",
        "sv",
        "SEK",
    )


def test_an_empty_organisation_name_is_refused(team):
    response = team.client("admin").post(
        reverse("organization_settings"), {"name": "", "default_language": "sv"}
    )
    assert response.status_code == 400
    team.organization.refresh_from_db()
    assert team.organization.name == "Acme AB"


def test_only_admins_change_the_organisation(team):
    response = team.client("leader").post(
        reverse("organization_settings"), {"name": "Hijacked", "default_language": "de"}
    )
    assert response.status_code == 403
