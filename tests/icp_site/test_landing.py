"""Where a member of several organisations lands after signing in, and a link into another of
their organisations switching to it (with a notice) instead of answering 404."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from icp_site.members.landing import landing_membership
from icp_site.models import Membership, Role
from profiles.models import Workshop
from tests.factories import MembershipFactory, OrganizationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant(team, password):
    """Leo works for Acme AB and for "Aardvark Advisory" (first by name, quiet)."""
    quiet = OrganizationFactory(name="Aardvark Advisory", slug="aardvark")
    MembershipFactory(organization=quiet, user=team.leader.user, role=Role.LEADER)
    return quiet


def sign_in(team, password) -> Client:
    client = Client()
    client.post(reverse("login"), {"username": team.leader.user.email, "password": password})
    return client


def test_the_first_sign_in_lands_where_the_latest_activity_is(team, consultant, password):
    WorkshopFactory(organization=team.organization)  # Acme AB has a workshop, Aardvark nothing
    home = sign_in(team, password).get(reverse("home"))
    assert home.wsgi_request.organization == team.organization
    assert "Acme AB" in home.text


def test_without_any_activity_the_organisation_joined_first_is_taken(team, consultant):
    assert landing_membership(team.leader.user).organization == team.organization


def test_the_next_sign_in_lands_where_the_member_worked_last(team, consultant, password):
    WorkshopFactory(organization=team.organization)
    client = sign_in(team, password)
    client.post(reverse("organization_switch"), {"organization": consultant.pk})
    client.post(reverse("logout"))
    again = sign_in(team, password).get(reverse("home"))
    assert again.wsgi_request.organization == consultant
    used = Membership.objects.get(user=team.leader.user, organization=consultant).last_used_at
    assert used is not None and timezone.now() - used < datetime.timedelta(minutes=1)


def test_the_most_recent_activity_wins_over_older_activity(team, consultant):
    old = WorkshopFactory(organization=team.organization)
    Workshop.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    WorkshopFactory(organization=consultant)
    assert landing_membership(team.leader.user).organization == consultant


def test_a_link_into_another_of_ones_organisations_switches_there(team, consultant):
    elsewhere = WorkshopFactory(organization=consultant)
    client = team.client("leader")
    client.post(reverse("organization_switch"), {"organization": team.organization.pk})
    url = reverse("workshop_step", args=[elsewhere.pk, 1])
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(url, 302)]
    assert response.wsgi_request.organization == consultant
    assert "This page belongs to Aardvark Advisory" in response.text
    membership = Membership.objects.get(user=team.leader.user, organization=consultant)
    assert membership.last_used_at is not None


def test_the_link_stays_404_for_someone_who_is_not_a_member(team, consultant):
    elsewhere = WorkshopFactory(organization=consultant)
    url = reverse("workshop_step", args=[elsewhere.pk, 1])
    assert team.client("admin").get(url).status_code == 404
    assert team.client("outsider").get(url).status_code == 404


def test_posts_and_background_requests_never_switch_the_organisation(team, consultant):
    elsewhere = WorkshopFactory(organization=consultant)
    client = team.client("leader")
    client.post(reverse("organization_switch"), {"organization": team.organization.pk})
    before = client.session["organization_id"]
    poll = reverse("workshop_live", args=[elsewhere.pk, 1])
    assert client.get(poll.replace("/live/", "/"), HTTP_HX_REQUEST="true").status_code == 404
    save = reverse("workshop_step_save", args=[elsewhere.pk, 1])
    assert client.post(save, {"metric": "seats"}).status_code == 404
    assert client.session["organization_id"] == before


def test_datasets_and_reviews_switch_too(team, consultant):
    from tests.factories import DatasetFactory
    from tests.profiles.review_factories import ReviewFactory

    dataset = DatasetFactory(organization=consultant)
    review = ReviewFactory(organization=consultant)
    client = team.client("leader")
    for url in (
        reverse("dataset_detail", args=[dataset.pk]),
        reverse("review_detail", args=[review.pk]),
    ):
        client.post(reverse("organization_switch"), {"organization": team.organization.pk})
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert response.wsgi_request.organization == consultant
