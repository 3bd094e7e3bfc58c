"""Publishing a profile e-mails the organisation's reps, in their language, what changed (in
words) and the link to the one-pager."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from profiles.reps import announce
from tests.factories import MembershipFactory, ProfileVersionFactory, publish
from tests.profiles.rep_helpers import CRITERIA, content, published_profile

pytestmark = pytest.mark.django_db


def rep_mail(team):
    return [m for m in mail.outbox if m.to == [team.rep.user.email]]


def second_version(team, first):
    criteria = [dict(c) for c in CRITERIA]
    criteria[1]["value"] = [20, 80]  # employees 20-50 → 20-80
    criteria.append(
        {"segment": "do-not", "attribute": "employees", "operator": "lte", "value": 10, "note": ""}
    )
    return ProfileVersionFactory(
        workshop=first.workshop, author=team.leader.user, content=content(criteria=criteria)
    )


def test_publishing_e_mails_each_rep_the_changes_and_the_one_pager(
    team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = published_profile(team)
    [message] = rep_mail(team)
    assert "version 1" in message.subject
    assert "first published profile" in message.body
    assert "/profile/" in message.body
    mail.outbox.clear()

    version = second_version(team, first)
    with django_capture_on_commit_callbacks(execute=True):
        publish(version, team.leader.user, base_url="https://icp.example.com/")
    # Only reps: the leader and the admin made the profile.
    assert [m.to for m in mail.outbox] == [[team.rep.user.email]]
    body = mail.outbox[0].body
    assert "What changed since version 1:" in body
    assert "Do-or-die: Employees is between 20–50 → Employees is between 20–80" in body
    assert "Do-not, new criterion: Employees is at most 10" in body
    assert "https://icp.example.com/profile/" in body
    assert "employees" not in body  # no code key


def test_each_rep_reads_it_in_their_own_language(team, django_capture_on_commit_callbacks):
    german = MembershipFactory(organization=team.organization, role="rep", user__language="de")
    first = published_profile(team)
    version = second_version(team, first)
    with django_capture_on_commit_callbacks(execute=True):
        publish(version, team.leader.user)
    [message] = [m for m in mail.outbox if m.to == [german.user.email]]
    assert "Version 2" in message.subject or "Version 2" in message.body
    assert "Was sich seit Version 1 geändert hat:" in message.body
    assert "Mitarbeiter" in message.body


def test_a_refused_address_holds_back_nobody_else(team, monkeypatch):
    other = MembershipFactory(organization=team.organization, role="rep")
    first = published_profile(team)
    publication = first.publications.get()
    real = announce.EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == [team.rep.user.email]:
            raise OSError("refused")
        return real(message, *args, **kwargs)

    monkeypatch.setattr(announce.EmailMessage, "send", send)
    assert announce.announce_publication.call(publication.pk) == 1
    assert [m.to for m in mail.outbox] == [[other.user.email]]


def test_the_publish_view_passes_its_address(team, django_capture_on_commit_callbacks):
    first = published_profile(team)
    version = second_version(team, first)
    with django_capture_on_commit_callbacks(execute=True):
        response = team.client("leader").post(
            reverse("profile_version_publish", args=[version.number]),
            {"next_review_date": (timezone.localdate() + datetime.timedelta(days=200)).isoformat()},
        )
    assert response.status_code == 302
    assert "http://testserver/profile/" in rep_mail(team)[-1].body
