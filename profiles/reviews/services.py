"""Writes of reviews: the organisation's settings, schedule, move, cancel, start, publication.

The reads are in `profiles.reviews.schedule`; the dates themselves are pure functions in
`profiles.reviews.cadence`; the reminders' sending lives in `profiles.reviews.reminders` and
runs in the worker (`profiles.reviews.tasks`).
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from icp_site.models import Maturity, Organization
from portfolio.models import Dataset, DatasetStatus
from profiles.models import Publication, Review, ReviewReminder, ReviewStatus, Workshop
from profiles.reviews import cadence
from profiles.reviews.schedule import (
    default_attendees,
    last_workshop,
    latest_dataset,
    members,
    proposal_for,
)
from profiles.workshop.services import workshop_create

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- reads


# --------------------------------------------------------------------------- writes


@transaction.atomic
def organization_review_settings_update(
    *, organization: Organization, maturity: str, cadence_months: int
) -> Organization:
    """Set maturity and cadence; a cadence at the old maturity's default follows the new one.

    A review the app proposed (and no admin has confirmed) moves to the new cadence's date.
    """
    if maturity not in Maturity.values:
        raise ValidationError({"maturity": _("Choose young or mature.")})
    if cadence_months not in cadence.CADENCES:
        raise ValidationError({"review_cadence_months": _("Choose 6, 12, 18 or 24 months.")})
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if cadence_months == locked.review_cadence_months:
        cadence_months = cadence.cadence_after_maturity_change(
            old_maturity=locked.maturity, new_maturity=maturity, cadence=cadence_months
        )
    changed = cadence_months != locked.review_cadence_months
    locked.maturity = maturity
    locked.review_cadence_months = cadence_months
    locked.save(update_fields=["maturity", "review_cadence_months"])
    if changed:
        for review in Review.objects.for_organization(locked).filter(
            status=ReviewStatus.SCHEDULED, proposed=True, proposed_from__isnull=False
        ):
            proposal = proposal_for(locked, publication=review.proposed_from)
            if proposal.date != review.date:
                _move(review, proposal.date)
    organization.maturity, organization.review_cadence_months = maturity, cadence_months
    return locked


def _clean_attendees(organization, attendees) -> list:
    attendees = list(attendees)
    if not attendees:
        raise ValidationError({"attendees": _("Choose at least one attendee.")})
    allowed = set(members(organization).values_list("pk", flat=True))
    if any(person.pk not in allowed for person in attendees):
        raise ValidationError({"attendees": _("Attendees must be members.")})
    return attendees


def _clean_date(date: datetime.date) -> datetime.date:
    if problem := cadence.review_date_problem(date, today=timezone.localdate()):
        raise ValidationError({"date": problem})
    return date


def _clean_offsets(offsets) -> list[int]:
    try:
        normalized = cadence.normalize_offsets(offsets)
    except (TypeError, ValueError) as error:
        message = _("Give days between 0 and %(max)s.") % {"max": cadence.MAX_OFFSET_DAYS}
        raise ValidationError({"reminder_offsets": message}) from error
    return [day for day in normalized if day]  # the day itself is always reminded


def review_create(
    *,
    organization: Organization,
    user,
    date: datetime.date,
    attendees=None,
    reminder_offsets=cadence.DEFAULT_OFFSETS,
    base_url: str = "",
    proposed: bool = False,
    proposed_from: Publication | None = None,
) -> Review:
    """Schedule a review and its reminders (admins and leaders attend unless told otherwise)."""
    if attendees is None:
        attendees = default_attendees(organization)
    attendees = _clean_attendees(organization, attendees)
    offsets = _clean_offsets(reminder_offsets)
    date = _clean_date(date)
    if not base_url:
        # Reviews proposed without a request (on publishing) link where the last one did.
        base_url = (
            Review.objects.for_organization(organization)
            .exclude(base_url="")
            .order_by("-pk")
            .values_list("base_url", flat=True)
            .first()
        ) or ""
    with transaction.atomic():
        review = Review.objects.create(
            organization=organization,
            date=date,
            reminder_offsets=offsets,
            proposed=proposed,
            proposed_from=proposed_from,
            base_url=base_url,
            created_by=user,
        )
        review.attendees.set(attendees)
        _plan_reminders(review)
    return review


def review_update(*, review: Review, user, date: datetime.date, attendees, reminder_offsets):
    """Move a review, change who attends and when they are reminded.

    A new date or new offsets cancel the pending reminders and plan new ones; a reminder
    already sent for the same date and offset is not sent again.
    """
    attendees = _clean_attendees(review.organization, attendees)
    offsets = _clean_offsets(reminder_offsets)
    if date != review.date:  # an overdue review keeps its date while other things change
        date = _clean_date(date)
    with transaction.atomic():
        locked = _locked_open(review)
        locked.attendees.set(attendees)
        locked.proposed = False  # an admin has now chosen it
        if date != locked.date or offsets != locked.reminder_offsets:
            locked.reminder_offsets = offsets
            _move(locked, date)
        else:
            locked.save(update_fields=["proposed", "updated_at"])
    return locked


def review_cancel(*, review: Review, user) -> Review:
    """Cancel a review and its pending reminders."""
    with transaction.atomic():
        locked = _locked_open(review)
        locked.status = ReviewStatus.CANCELLED
        locked.closed_at = timezone.now()
        locked.sequence += 1
        locked.save(update_fields=["status", "closed_at", "sequence", "updated_at"])
        _cancel_pending(locked)
    return locked


def review_start(*, review: Review, user, dataset: Dataset | None = None) -> Workshop:
    """Start the review: a new workshop pre-filled from the last one, on a newer customer list."""
    organization = review.organization
    dataset = dataset or latest_dataset(organization)
    if dataset is None:
        raise ValidationError(
            {"dataset": _("Import a customer list first: a workshop works on one.")}
        )
    if dataset.organization_id != organization.pk or dataset.status != DatasetStatus.READY:
        raise ValidationError({"dataset": _("Choose one of your organisation's customer lists.")})
    with transaction.atomic():
        locked = _locked_open(review)
        if locked.workshop_id is not None:
            raise ValidationError(_("This review has already started."))
        title = _("Review %(date)s") % {"date": date_format(locked.date, "SHORT_DATE_FORMAT")}
        workshop = workshop_create(
            organization=organization,
            user=user,
            title=title,
            date=max(locked.date, timezone.localdate()),
            dataset=dataset,
            participants=locked.attendees.all(),
            based_on=last_workshop(organization),
        )
        locked.workshop = workshop
        locked.status = ReviewStatus.STARTED
        locked.proposed = False
        locked.save(update_fields=["workshop", "status", "proposed", "updated_at"])
    return workshop


def review_publication_record(*, version, publication: Publication) -> Review | None:
    """A profile was published: finish the review whose workshop made it, propose the next.

    The next review is the publication's `next_review_date` (proposed when publishing) or the
    cadence's date. An open review an admin chose is kept; one the app proposed follows the
    new publication. Returns the next review.
    """
    organization = publication.organization
    with transaction.atomic():
        # One publication at a time per organisation, so two never propose two reviews.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        finished = list(
            Review.objects.for_organization(organization)
            .open()
            .select_for_update()
            .filter(workshop__isnull=False, workshop_id=version.workshop_id)
        )
        now = timezone.now()
        for review in finished:
            review.status = ReviewStatus.DONE
            review.completed_by = publication
            review.closed_at = now
            review.save(update_fields=["status", "completed_by", "closed_at", "updated_at"])
            _cancel_pending(review)
        date = (
            publication.next_review_date or proposal_for(organization, publication=publication).date
        )
        open_reviews = list(
            Review.objects.for_organization(organization)
            .open()
            .select_for_update()
            .order_by("date", "pk")
        )
        # Started reviews and reviews an admin chose (or moved) stay as they are.
        if chosen := [review for review in open_reviews if not review.proposed]:
            return chosen[0]
        if open_reviews:
            review = open_reviews[0]
            review.proposed_from = publication
            review.save(update_fields=["proposed_from", "updated_at"])
            if review.date != date:
                _move(review, date)
            return review
        return review_create(
            organization=organization,
            user=None,
            date=date,
            proposed=True,
            proposed_from=publication,
            reminder_offsets=finished[0].reminder_offsets if finished else cadence.DEFAULT_OFFSETS,
            attendees=finished[0].attendees.all() if finished else None,
        )


# --------------------------------------------------------------------------- reminder rows


def _locked_open(review: Review) -> Review:
    locked = Review.objects.select_for_update().select_related("organization").get(pk=review.pk)
    if not locked.is_open:
        raise ValidationError(_("This review is already done or cancelled."))
    return locked


def _move(review: Review, date: datetime.date) -> None:
    """Give the review a new date (or new offsets): new reminders replace the pending ones."""
    if date != review.date:
        review.sequence += 1  # calendars replace the event they have
    review.date = date
    review.save(update_fields=["date", "sequence", "reminder_offsets", "proposed", "updated_at"])
    _cancel_pending(review)
    _plan_reminders(review)


def _cancel_pending(review: Review) -> int:
    """Mark the review's unsent reminders cancelled; a worker sending one right now finishes
    first (the row lock), and a task that wakes up for a cancelled row does nothing."""
    pending = ReviewReminder.objects.select_for_update().filter(
        review=review, sent_at__isnull=True, cancelled_at__isnull=True, failed_at__isnull=True
    )
    ids = list(pending.values_list("pk", flat=True))
    return ReviewReminder.objects.filter(pk__in=ids).update(cancelled_at=timezone.now())


def _plan_reminders(review: Review) -> list[ReviewReminder]:
    """Create the review's reminder rows and enqueue one task per row once committed."""
    now = timezone.now()
    times = cadence.reminder_times(review.date, review.reminder_offsets, now=now)
    already = set(
        ReviewReminder.objects.filter(
            review=review, review_date=review.date, cancelled_at__isnull=True
        ).values_list("offset_days", flat=True)
    )
    reminders = ReviewReminder.objects.bulk_create(
        ReviewReminder(
            organization_id=review.organization_id,
            review=review,
            review_date=review.date,
            offset_days=offset,
            send_at=send_at,
        )
        for offset, send_at in times.items()
        if offset not in already
    )
    if reminders:
        from profiles.reviews.tasks import enqueue_reminders  # the tasks module imports the sender

        # In this transaction, not on commit: the database backend stores the tasks beside
        # the rows, so both are committed or neither.
        enqueue_reminders([reminder.pk for reminder in reminders])
    return reminders
