"""The organisation's review schedule (reads): the proposal, the reviews with their state, the
banner, and who attends by default."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone

from icp_site.models import Role
from portfolio.models import Dataset, DatasetStatus
from profiles.models import Publication, Review, Workshop
from profiles.reviews import cadence


def current_publication(organization) -> Publication | None:
    """The publication that made the current profile, or None."""
    return (
        Publication.objects.for_organization(organization)
        .select_related("version")
        .order_by("-published_at", "-pk")
        .first()
    )


def proposal_for(organization, *, publication: Publication | None = None):
    """The next review proposed from the current profile's publication and the cadence."""
    publication = publication or current_publication(organization)
    published_on = timezone.localdate(publication.published_at) if publication else None
    return cadence.propose(published_on, cadence_months=organization.review_cadence_months)


def default_attendees(organization):
    """Who attends a review unless the admin says otherwise: the admins and the leaders."""
    return (
        get_user_model()
        .objects.filter(
            memberships__organization=organization,
            memberships__role__in=(Role.ADMIN, Role.LEADER),
            is_active=True,
        )
        .order_by("name", "email")
    )


def members(organization):
    """Everybody who may attend: the organisation's members."""
    return (
        get_user_model()
        .objects.filter(memberships__organization=organization)
        .order_by("name", "email")
    )


def latest_dataset(organization) -> Dataset | None:
    """The newest ready customer list: what a review works on unless the admin picks another."""
    return (
        Dataset.objects.for_organization(organization)
        .filter(status=DatasetStatus.READY)
        .order_by("-created_at", "-pk")
        .first()
    )


def last_workshop(organization) -> Workshop | None:
    """The workshop a review starts from: the current profile's, else the newest one."""
    publication = current_publication(organization)
    if publication and publication.version.workshop_id:
        return Workshop.objects.for_organization(organization).get(
            pk=publication.version.workshop_id
        )
    return Workshop.objects.for_organization(organization).order_by("-date", "-pk").first()


@dataclass(frozen=True)
class ScheduledReview:
    review: Review
    state: cadence.ReviewState | None  # None for done and cancelled reviews

    @property
    def is_overdue(self) -> bool:
        return self.state == cadence.ReviewState.OVERDUE

    @property
    def is_due(self) -> bool:
        return self.state == cadence.ReviewState.DUE


@dataclass(frozen=True)
class ReviewSchedule:
    publication: Publication | None
    proposal: cadence.Proposal | None
    upcoming: list[ScheduledReview]  # open reviews, soonest first (overdue ones included)
    past: list[ScheduledReview]  # done and cancelled, newest first

    @property
    def next(self) -> ScheduledReview | None:
        return self.upcoming[0] if self.upcoming else None


def with_state(review: Review, *, today: datetime.date) -> ScheduledReview:
    """A review with whether it is upcoming, due or overdue (None once closed)."""
    if not review.is_open:
        return ScheduledReview(review, None)
    return ScheduledReview(
        review, cadence.review_state(review.date, review.reminder_offsets, today=today)
    )


def review_schedule(organization, *, today: datetime.date | None = None) -> ReviewSchedule:
    """The Reviews page: the proposal, the open reviews and the past ones."""
    today = today or timezone.localdate()
    reviews = (
        Review.objects.for_organization(organization)
        .select_related("workshop", "completed_by__version")
        .prefetch_related(
            Prefetch("attendees", queryset=get_user_model().objects.order_by("name", "email"))
        )
    )
    publication = current_publication(organization)
    return ReviewSchedule(
        publication=publication,
        proposal=proposal_for(organization, publication=publication),
        upcoming=[with_state(r, today=today) for r in reviews.open().order_by("date", "pk")],
        past=[with_state(r, today=today) for r in reviews.closed().order_by("-date", "-pk")],
    )


def banner_review(organization, *, today: datetime.date | None = None) -> ScheduledReview | None:
    """The open review to show in the banner while it is due or overdue, else None."""
    today = today or timezone.localdate()
    for review in Review.objects.for_organization(organization).open().order_by("date", "pk"):
        scheduled = with_state(review, today=today)
        if scheduled.state != cadence.ReviewState.UPCOMING:
            return scheduled
    return None
