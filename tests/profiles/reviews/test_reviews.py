"""Review services: schedule, move, cancel, settings, start, and what publishing does."""

import datetime
import zoneinfo
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from icp_site.models import Maturity
from portfolio.models import DatasetStatus
from profiles.models import ReviewStatus, WorkshopStep
from profiles.reviews import cadence, schedule
from profiles.reviews import services as reviews
from profiles.versions.services import profile_version_publish
from tests.factories import (
    DatasetFactory,
    MembershipFactory,
    ProfileVersionFactory,
    WorkshopFactory,
)

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=STOCKHOLM)


@contextmanager
def frozen(now):
    with mock.patch("django.utils.timezone.now", return_value=now):
        yield


@pytest.fixture(autouse=True)
def stockholm(settings):
    settings.TIME_ZONE = "Europe/Stockholm"


def _schedule(team, date=datetime.date(2027, 3, 29), **kwargs):
    with frozen(NOW):
        return reviews.review_create(
            organization=team.organization, user=team.admin.user, date=date, **kwargs
        )


def _pending(review):
    return review.reminders.filter(sent_at__isnull=True, cancelled_at__isnull=True)


def test_a_review_invites_admins_and_leaders_and_plans_its_reminders(team):
    review = _schedule(team)
    assert set(review.attendees.all()) == {team.admin.user, team.leader.user}
    assert review.reminder_offsets == [14, 1]
    times = {r.offset_days: r.send_at for r in _pending(review)}
    assert times == {
        14: datetime.datetime(2027, 3, 15, 8, 0, tzinfo=STOCKHOLM),
        1: datetime.datetime(2027, 3, 28, 8, 0, tzinfo=STOCKHOLM),
        0: datetime.datetime(2027, 3, 29, 8, 0, tzinfo=STOCKHOLM),
    }


def test_only_members_attend_a_review(team):
    with pytest.raises(ValidationError):
        _schedule(team, attendees=[team.outsider.user])


def test_reminders_already_past_are_not_planned(team):
    review = _schedule(team, date=datetime.date(2027, 3, 5))
    assert sorted(_pending(review).values_list("offset_days", flat=True)) == [0, 1]


def test_moving_a_review_cancels_its_pending_reminders_and_plans_new_ones(team):
    review = _schedule(team)
    old = list(_pending(review))
    with frozen(NOW):
        moved = reviews.review_update(
            review=review,
            user=team.admin.user,
            date=datetime.date(2027, 4, 12),
            attendees=[team.admin.user],
            reminder_offsets=[7],
        )
    assert all(r.cancelled_at for r in review.reminders.filter(pk__in=[r.pk for r in old]))
    assert sorted((r.offset_days, r.review_date) for r in _pending(moved)) == [
        (0, datetime.date(2027, 4, 12)),
        (7, datetime.date(2027, 4, 12)),
    ]
    assert moved.sequence == 1
    assert list(moved.attendees.all()) == [team.admin.user]


def test_a_reminder_already_sent_for_the_same_date_is_not_planned_again(team):
    review = _schedule(team)
    review.reminders.filter(offset_days=14).update(sent_at=NOW)
    with frozen(NOW):
        reviews.review_update(
            review=review,
            user=team.admin.user,
            date=review.date,
            attendees=review.attendees.all(),
            reminder_offsets=[14, 2],
        )
    live = review.reminders.filter(cancelled_at__isnull=True)
    assert sorted(live.values_list("offset_days", flat=True)) == [0, 2, 14]
    assert live.get(offset_days=14).sent_at == NOW


def test_cancelling_a_review_cancels_its_reminders(team):
    review = _schedule(team)
    cancelled = reviews.review_cancel(review=review, user=team.admin.user)
    assert cancelled.status == ReviewStatus.CANCELLED
    assert not _pending(review).exists()
    with pytest.raises(ValidationError):
        reviews.review_cancel(review=review, user=team.admin.user)


@pytest.mark.parametrize(
    ("maturity", "cadence", "new_maturity", "expected"),
    [
        (Maturity.YOUNG, 6, Maturity.MATURE, 12),
        (Maturity.MATURE, 12, Maturity.YOUNG, 6),
        (Maturity.MATURE, 24, Maturity.YOUNG, 24),
    ],
)
def test_a_default_cadence_follows_the_maturity(team, maturity, cadence, new_maturity, expected):
    org = team.organization
    org.maturity, org.review_cadence_months = maturity, cadence
    org.save()
    reviews.organization_review_settings_update(
        organization=org, maturity=new_maturity, cadence_months=cadence
    )
    org.refresh_from_db()
    assert (org.maturity, org.review_cadence_months) == (new_maturity, expected)


def test_a_cadence_outside_the_method_is_refused(team):
    with pytest.raises(ValidationError):
        reviews.organization_review_settings_update(
            organization=team.organization, maturity=Maturity.MATURE, cadence_months=9
        )


def _publish(team, django_capture_on_commit_callbacks, *, workshop=None, next_review_date=None):
    workshop = workshop or WorkshopFactory(organization=team.organization)
    version = ProfileVersionFactory(workshop=workshop)
    with django_capture_on_commit_callbacks(execute=True):
        publication = profile_version_publish(
            version=version, user=team.leader.user, next_review_date=next_review_date
        )
    return publication


def test_publishing_a_profile_proposes_the_next_review(team, django_capture_on_commit_callbacks):
    publication = _publish(team, django_capture_on_commit_callbacks)
    review = reviews.Review.objects.for_organization(team.organization).get()
    assert review.proposed
    assert review.proposed_from == publication
    assert review.date == publication.next_review_date
    assert set(review.attendees.all()) == {team.admin.user, team.leader.user}


def test_a_proposed_review_follows_a_change_of_cadence(team, django_capture_on_commit_callbacks):
    publication = _publish(team, django_capture_on_commit_callbacks)
    reviews.organization_review_settings_update(
        organization=team.organization, maturity=Maturity.MATURE, cadence_months=24
    )
    review = reviews.Review.objects.for_organization(team.organization).get()
    published_on = publication.published_at.astimezone(STOCKHOLM).date()
    assert review.date == cadence.add_months(published_on, 24)


def test_publishing_the_review_workshop_finishes_the_review_and_proposes_the_next(
    team, django_capture_on_commit_callbacks
):
    first = _publish(team, django_capture_on_commit_callbacks)
    review = reviews.Review.objects.for_organization(team.organization).get()
    DatasetFactory(organization=team.organization, status=DatasetStatus.READY)
    workshop = reviews.review_start(review=review, user=team.admin.user)
    later = first.next_review_date + datetime.timedelta(days=200)
    second = _publish(
        team, django_capture_on_commit_callbacks, workshop=workshop, next_review_date=later
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.DONE
    assert review.completed_by == second
    assert not _pending(review).exists()
    following = reviews.Review.objects.for_organization(team.organization).open().get()
    assert following.date == later
    assert following.proposed_from == second


def test_a_review_the_admin_chose_is_kept_when_a_profile_is_published(
    team, django_capture_on_commit_callbacks
):
    far = timezone.localdate().replace(month=1, day=15) + datetime.timedelta(days=4 * 365)
    chosen = _schedule(team, date=far)
    _publish(team, django_capture_on_commit_callbacks)
    assert list(reviews.Review.objects.for_organization(team.organization).open()) == [chosen]
    chosen.refresh_from_db()
    assert chosen.date == far


def test_starting_a_review_creates_a_workshop_from_the_last_one_on_the_newest_list(
    team, django_capture_on_commit_callbacks
):
    last = WorkshopFactory(organization=team.organization)
    WorkshopStep.objects.filter(workshop=last, number=1).update(
        inputs={"metric": "seats", "preset": "custom", "thresholds": [5, 20]}
    )
    _publish(team, django_capture_on_commit_callbacks, workshop=last)
    newest = DatasetFactory(organization=team.organization, status=DatasetStatus.READY)
    DatasetFactory(organization=team.organization, status=DatasetStatus.PROCESSING)
    review = reviews.Review.objects.for_organization(team.organization).get()

    workshop = reviews.review_start(review=review, user=team.admin.user)

    assert workshop.based_on == last
    assert workshop.dataset == newest
    assert workshop.steps.get(number=1).inputs["thresholds"] == [5, 20]
    assert set(workshop.participants.all()) == set(review.attendees.all())
    review.refresh_from_db()
    assert review.workshop == workshop
    assert review.status == ReviewStatus.STARTED
    with pytest.raises(ValidationError):
        reviews.review_start(review=review, user=team.admin.user)


def test_a_review_starts_on_a_list_the_admin_picks_but_not_another_organisations(team):
    review = _schedule(team)
    older = DatasetFactory(organization=team.organization)
    DatasetFactory(organization=team.organization)
    foreign = DatasetFactory(organization=team.outsider.organization)
    with pytest.raises(ValidationError):
        reviews.review_start(review=review, user=team.admin.user, dataset=foreign)
    workshop = reviews.review_start(review=review, user=team.admin.user, dataset=older)
    assert workshop.dataset == older


def test_the_banner_shows_a_review_from_its_first_reminder_day(team):
    review = _schedule(team)
    org = team.organization
    assert schedule.banner_review(org, today=datetime.date(2027, 3, 14)) is None
    assert schedule.banner_review(org, today=datetime.date(2027, 3, 15)).review == review
    overdue = schedule.banner_review(org, today=datetime.date(2027, 4, 1))
    assert overdue.is_overdue
    reviews.review_cancel(review=review, user=team.admin.user)
    assert schedule.banner_review(org, today=datetime.date(2027, 4, 1)) is None


def test_the_schedule_lists_upcoming_and_past_reviews_and_the_proposal(
    team, django_capture_on_commit_callbacks
):
    MembershipFactory(organization=team.organization)
    done = _schedule(team, date=datetime.date(2027, 3, 10))
    reviews.review_cancel(review=done, user=team.admin.user)
    publication = _publish(team, django_capture_on_commit_callbacks)
    result = schedule.review_schedule(team.organization, today=datetime.date(2027, 3, 1))
    assert [row.review for row in result.past] == [done]
    assert result.publication == publication
    assert result.proposal.cadence_months == team.organization.review_cadence_months
    assert [row.review.proposed_from for row in result.upcoming] == [publication]
