"""Membership by consent, and admin actions on members that race each other."""

import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from icp_site.members import services
from icp_site.models import Membership, Role
from tests.factories import MembershipFactory, OrganizationFactory


@pytest.mark.django_db
def test_an_admin_cannot_add_an_existing_person_or_learn_their_name(team):
    victim = team.outsider.user
    victim.name = "Vera Victim"
    victim.save()
    # A look-alike organisation's admin "adds" the victim.
    phisher = MembershipFactory(
        organization=OrganizationFactory(name="0ther GmbH"), role=Role.ADMIN
    )
    client = Client()
    client.force_login(phisher.user)
    client.post(reverse("member_invite"), {"email": victim.email, "role": Role.ADMIN})
    assert not Membership.objects.filter(user=victim, organization=phisher.organization).exists()
    page = client.get(reverse("members")).text
    assert victim.email in page and "Vera Victim" not in page
    # The victim's sessions stay in their own organisation.
    own = Client()
    own.force_login(victim)
    assert own.get(reverse("home")).context["request"].organization == team.outsider.organization


@pytest.mark.django_db
def test_an_invitation_link_works_only_for_its_address_and_only_once(team):
    team.client("admin").post(
        reverse("member_invite"), {"email": team.outsider.user.email, "role": Role.REP}
    )
    path = re.search(r"/invitations/[^/\s]+/", mail.outbox[0].body).group(0)
    assert team.client("rep").post(path + "accept/").status_code == 400  # someone else
    assert team.client("outsider").post(path + "accept/").status_code == 302
    assert team.client("outsider").post(path + "accept/").status_code == 400  # replayed
    assert Membership.objects.filter(user=team.outsider.user).count() == 2
    assert Client().get("/invitations/made-up-secret/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_role_change_and_a_removal_of_the_same_member_do_not_deadlock(team):
    second_admin = MembershipFactory(organization=team.organization, role=Role.ADMIN)
    errors, messages = [], []
    barrier = threading.Barrier(4)

    def run(action):
        try:
            barrier.wait()
            action()
        except Exception as error:  # a ValidationError is a clear answer; anything else fails
            if type(error).__name__ == "ValidationError":
                messages.append(" ".join(error.messages))
            else:
                errors.append(repr(error))
        finally:
            connection.close()

    actions = [
        lambda: services.membership_change_role(membership=team.admin, role=Role.REP),
        lambda: services.membership_remove(membership=second_admin),
        lambda: services.membership_remove(membership=team.admin),
        lambda: services.membership_change_role(membership=second_admin, role=Role.LEADER),
    ]
    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert Membership.objects.filter(organization=team.organization, role=Role.ADMIN).exists()
    assert all("admin" in message or "no longer a member" in message for message in messages), (
        messages
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_on_role_and_remove_answer_pages_not_500(team):
    statuses = []

    def click(url, data):
        client = team.client("admin")
        try:
            statuses.append(client.post(url, data, follow=True).status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=click, args=(reverse("member_role", args=[team.rep.pk]), {"role": "leader"})
        ),
        threading.Thread(target=click, args=(reverse("member_remove", args=[team.rep.pk]), {})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(status in (200, 404) for status in statuses), statuses
