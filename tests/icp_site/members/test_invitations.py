"""Members join by invitation and consent: the admin sees only the address typed, the person
accepts while signed in with that address, and nobody's default organisation changes."""

import datetime as dt
import re
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from icp_site.members import invitations
from icp_site.models import Invitation, Membership, Role, User
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def invite(team, email, role=Role.LEADER, **extra):
    return team.client("admin").post(
        reverse("member_invite"), {"email": email, "role": role, **extra}
    )


def link_in(message) -> str:
    return re.search(r"/invitations/[^/\s]+/", message.body).group(0)


def test_the_admin_sees_only_the_typed_address_of_an_existing_person(team):
    person = team.outsider.user
    person.name = "Olga Outsider"
    person.save()
    invite(team, person.email.upper())
    page = team.client("admin").get(reverse("members"))
    assert person.email in page.text
    assert "Olga Outsider" not in page.text  # no real name before they accept
    assert not Membership.objects.filter(organization=team.organization, user=person).exists()


def test_an_existing_person_accepts_while_signed_in_and_keeps_their_default(team):
    person = team.outsider.user
    invite(team, person.email)
    path = link_in(mail.outbox[0])
    client = Client()
    client.force_login(person)
    page = client.get(path)
    assert "You are invited to join" in page.text and "Acme AB" in page.text
    response = client.post(path + "accept/")
    assert response.status_code == 302
    membership = Membership.objects.get(organization=team.organization, user=person)
    assert membership.role == Role.LEADER
    # Their next session starts in the organisation they joined first, not the new one.
    fresh = Client()
    fresh.force_login(person)
    assert fresh.get(reverse("home")).context["request"].organization == team.outsider.organization


def test_a_new_organisation_never_becomes_the_default_by_its_name(team):
    # "AAA" sorts first, but the person joined "Other GmbH" first.
    person = team.outsider.user
    MembershipFactory(user=person, organization=OrganizationFactory(name="AAA Look-alike"))
    client = Client()
    client.force_login(person)
    assert client.get(reverse("home")).context["request"].organization.name == "Other GmbH"


def test_another_account_cannot_accept_the_invitation(team):
    invite(team, "nina@example.com")
    path = link_in(mail.outbox[0])
    response = team.client("outsider").post(path + "accept/")
    assert response.status_code == 400
    assert "sign in with that address" in response.text
    assert not Membership.objects.filter(
        organization=team.organization, user=team.outsider.user
    ).exists()


def test_accepting_needs_a_signed_in_person(team):
    invite(team, team.outsider.user.email)
    path = link_in(mail.outbox[0])
    page = Client().get(path)
    assert "Sign in to accept" in page.text
    response = Client().post(path + "accept/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Membership.objects.filter(
        organization=team.organization, user=team.outsider.user
    ).exists()


def test_a_new_person_creates_the_account_on_the_invitation_page(team):
    invite(team, "nina@example.com", role=Role.REP)
    path = link_in(mail.outbox[0])
    client = Client()
    assert "Create your account" in client.get(path).text
    response = client.post(
        path + "account/",
        {
            "name": "Nina New",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nina@example.com")
    assert user.name == "Nina New" and user.check_password("a long passphrase 42")
    assert Membership.objects.get(user=user).role == Role.REP
    assert Invitation.objects.get().accepted_by == user


def test_re_sending_makes_a_new_link_and_the_old_one_stops_working(team):
    invite(team, "nina@example.com")
    old = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    team.client("admin").post(reverse("invitation_resend", args=[invitation.pk]))
    new = link_in(mail.outbox[1])
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_a_revoked_invitation_cannot_be_accepted(team):
    invite(team, team.outsider.user.email)
    path = link_in(mail.outbox[0])
    team.client("admin").post(reverse("invitation_revoke", args=[Invitation.objects.get().pk]))
    response = team.client("outsider").post(path + "accept/")
    assert response.status_code in (400, 404)
    assert "not valid" in team.client("outsider").get(path).text
    assert not Membership.objects.filter(user=team.outsider.user, organization=team.organization)


def test_an_invitation_expires(team, settings):
    invite(team, team.outsider.user.email)
    path = link_in(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = team.client("outsider").get(path)
    assert page.status_code == 410 and "expired" in page.text
    assert team.client("outsider").post(path + "accept/").status_code == 400
    assert "Expired" in team.client("admin").get(reverse("members")).text
    # Inviting the address again replaces the expired invitation.
    assert invite(team, team.outsider.user.email).status_code == 302
    assert Invitation.objects.open().filter(expires_at__gt=timezone.now()).count() == 1


def test_a_failed_invitation_email_says_so_and_is_not_reported_as_sent(team):
    refused = smtplib.SMTPRecipientsRefused({"nina@example.com": (550, b"no such user")})
    with mock.patch.object(EmailMessage, "send", side_effect=refused):
        response = team.client("admin").post(
            reverse("member_invite"), {"email": "nina@example.com", "role": Role.REP}, follow=True
        )
    assert "could not be sent" in response.text
    assert "was sent" not in response.text
    assert "E-mail not sent" in response.text
    invitation = Invitation.objects.get()
    assert invitation.sent_at is None and "SMTPRecipientsRefused" in invitation.send_error


def test_the_same_submit_three_times_invites_once(team):
    client = team.client("admin")
    data = {"email": "nina@example.com", "role": Role.REP, "submit_token": "t0k3n"}
    answers = [client.post(reverse("member_invite"), data) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 302]
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_invited_person_may_decline(team):
    invite(team, team.outsider.user.email)
    path = link_in(mail.outbox[0])
    team.client("outsider").post(path + "decline/")
    invitation = Invitation.objects.get()
    assert invitation.declined and invitation.revoked_at is not None
    assert team.client("outsider").post(path + "accept/").status_code == 400


def test_only_admins_invite_resend_and_revoke(team):
    invite(team, "nina@example.com")
    pk = Invitation.objects.get().pk
    for who in ("leader", "rep"):
        client = team.client(who)
        assert (
            client.post(
                reverse("member_invite"), {"email": "x@example.com", "role": "rep"}
            ).status_code
            == 403
        )
        assert client.post(reverse("invitation_revoke", args=[pk])).status_code == 403
    assert team.client("outsider").post(reverse("invitation_revoke", args=[pk])).status_code == 404
    assert Invitation.objects.get().revoked_at is None


def test_the_link_holds_a_secret_stored_only_as_its_hash(team):
    invite(team, "nina@example.com")
    secret = link_in(mail.outbox[0]).split("/")[2]
    invitation = Invitation.objects.get()
    assert secret not in invitation.token_hash
    assert invitations.invitation_for_secret(secret) == invitation
