"""Sending review reminders: each reminder row is claimed, mailed and marked sent exactly once.

Exactly once: the sender locks the reminder row with SELECT ... FOR UPDATE SKIP LOCKED, only
while it is still unsent and not cancelled, and keeps the lock until the e-mail has gone and
`sent_at` is committed. A second worker (or a duplicate task) skips the locked row, or finds it
sent; moving or cancelling the review waits for the lock and then marks the pending rows
cancelled. The one gap no database can close: a worker killed after the mail server accepted
the mail but before the commit sends it again on the next try (at least once in a crash).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from profiles.models import ReviewReminder
from profiles.reviews import cadence, ics

logger = logging.getLogger(__name__)

CATCH_UP_BATCH = 100


@dataclass(frozen=True)
class Outcome:
    reminder_id: int
    status: str  # sent, late, skipped, not-yet, retry, failed
    retry_at: datetime.datetime | None = None


def app_base_url(review) -> str:
    """The app's address for links in e-mails: as seen when the review was scheduled."""
    if review.base_url:
        return review.base_url
    hosts = [host for host in settings.ALLOWED_HOSTS if host and host[0] not in ".*"]
    scheme = "https" if getattr(settings, "HTTPS", False) else "http"
    return f"{scheme}://{hosts[0] if hosts else 'localhost'}/"


def review_url(review) -> str:
    """The review's page, absolute."""
    return urljoin(app_base_url(review), reverse("review_detail", kwargs={"pk": review.pk}))


def pending():
    """Reminders not yet sent, cancelled or given up."""
    return ReviewReminder.objects.filter(
        sent_at__isnull=True, cancelled_at__isnull=True, failed_at__isnull=True
    )


def due(*, now: datetime.datetime):
    """Pending reminders whose time has come (and whose retry, if any, is not waiting)."""
    return pending().filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now), send_at__lte=now)


def reminder_messages(reminder: ReviewReminder, *, late: bool, now: datetime.datetime):
    """The e-mails of one reminder: one per language of the review's attendees (their own
    setting, else the organisation's default), each with the review's .ics in that language."""
    review = reminder.review
    url = review_url(review)
    # Somebody who left the organisation since is not reminded.
    attendees = review.attendees.filter(memberships__organization=review.organization_id)
    attendees = [person for person in attendees.order_by("name", "email") if person.email]
    by_language: dict[str, list[str]] = {}
    for person in attendees:
        language = person.language or review.organization.default_language
        by_language.setdefault(language, []).append(person.email)
    context = {
        "review": review,
        "organization": review.organization,
        "reminder": reminder,
        "days": (review.date - timezone.localdate(now)).days,
        "late": late,
        "url": url,
        "schedule_url": urljoin(app_base_url(review), reverse("reviews")),
    }
    messages = []
    for language, emails in by_language.items():
        with translation.override(language):
            subject = render_to_string("profiles/email/review_reminder_subject.txt", context)
            body = render_to_string("profiles/email/review_reminder.txt", context)
            event = ics.review_event(review, url=url, language=language)
        message = EmailMessage(subject=" ".join(subject.split()), body=body, to=emails)
        message.attach("review.ics", ics.review_calendar(event, stamp=now), "text/calendar")
        messages.append(message)
    return messages


def reminder_send(reminder_id: int, *, now: datetime.datetime | None = None) -> Outcome:
    """Send one reminder if it is still pending and due; never raises for a mail failure."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = (
            pending()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("review__organization")
            .filter(pk=reminder_id)
            .first()
        )
        if reminder is None:
            # Sent, cancelled, given up, or another worker is sending it right now.
            return Outcome(reminder_id, "skipped")
        review = reminder.review
        if not review.is_open or review.date != reminder.review_date:
            # The review moved or closed without this row being cancelled: cancel it now.
            reminder.cancelled_at = now
            reminder.save(update_fields=["cancelled_at"])
            return Outcome(reminder_id, "skipped")
        wait_until = max(reminder.send_at, reminder.next_try_at or reminder.send_at)
        if wait_until > now:
            return Outcome(reminder_id, "not-yet", retry_at=wait_until)
        late = cadence.is_late(reminder.send_at, now)
        reminder.attempts += 1
        try:
            messages = reminder_messages(reminder, late=late, now=now)
            for message in messages:  # a failure retries all: at least once, per language too
                message.send()
        except Exception as error:  # any mail or rendering failure: retry, never crash the worker
            return _failed(reminder, error, now=now)
        reminder.sent_at = now
        reminder.late = late
        reminder.recipients = [email for message in messages for email in message.to]
        reminder.next_try_at = None
        reminder.save(update_fields=["sent_at", "late", "recipients", "attempts", "next_try_at"])
    if late:
        logger.info("Review reminder %s sent late (due %s)", reminder_id, reminder.send_at)
    return Outcome(reminder_id, "late" if late else "sent")


def _failed(reminder: ReviewReminder, error: Exception, *, now) -> Outcome:
    reminder.last_error = f"{type(error).__name__}: {error}"[:2000]
    delay = cadence.retry_delay(reminder.attempts)
    if delay is None:
        reminder.failed_at = now
        reminder.save(update_fields=["attempts", "last_error", "failed_at"])
        logger.error(
            "Review reminder %s failed %s times, giving up: %s",
            reminder.pk,
            reminder.attempts,
            reminder.last_error,
        )
        return Outcome(reminder.pk, "failed")
    reminder.next_try_at = now + delay
    reminder.save(update_fields=["attempts", "last_error", "next_try_at"])
    logger.warning(
        "Review reminder %s failed (attempt %s), trying again at %s: %s",
        reminder.pk,
        reminder.attempts,
        reminder.next_try_at,
        reminder.last_error,
    )
    return Outcome(reminder.pk, "retry", retry_at=reminder.next_try_at)


def reminders_catch_up(
    *, now: datetime.datetime | None = None, exclude=(), limit: int = CATCH_UP_BATCH
) -> list[Outcome]:
    """Send every reminder that is due but unsent: those whose own task was lost."""
    now = now or timezone.now()
    ids = list(due(now=now).exclude(pk__in=exclude).values_list("pk", flat=True)[:limit])
    return [reminder_send(reminder_id, now=now) for reminder_id in ids]
