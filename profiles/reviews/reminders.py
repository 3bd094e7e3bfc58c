"""Sending review reminders: each recipient gets each reminder once, and what is uncertain says so.

A reminder is a row per review date and offset; its **deliveries** are a row per recipient
(planned when it is first due, from the attendees still in the organisation). Sending one:

1. Under the reminder's row lock, only while it is open: check the review still stands, plan
   the deliveries, and decide what is due.
2. For each due delivery: claim it (PENDING → SENDING with who and when, committed, under the
   reminder's lock so a cancel either comes first or finds it claimed), send one e-mail to
   that person, then record SENT; a failure puts that delivery alone back to PENDING with its
   retry time (or FAILED after the last retry). A refused address holds back nobody else.
3. Settle the reminder: done when no delivery is PENDING or SENDING, else its next try.

Two workers never send one delivery twice: the claim is a conditional update. The gap no
database closes (the mail server took the mail, the worker died before recording it) is made
explicit: a SENDING delivery whose sender's lease ran out (icp_site.background) becomes
UNCERTAIN, shown to the admin as "may not have been sent", and is not sent again unless the
admin asks for it (`reminder_delivery_retry`).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from icp_site import background
from profiles.models import DeliveryStatus, ReminderDelivery, ReviewReminder
from profiles.reviews import cadence, ics

logger = logging.getLogger(__name__)

CATCH_UP_BATCH = 100
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


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
    """Reminders not yet settled (sent to everybody it could be), cancelled or given up."""
    return ReviewReminder.objects.filter(
        sent_at__isnull=True, cancelled_at__isnull=True, failed_at__isnull=True
    )


def due(*, now: datetime.datetime):
    """Pending reminders whose time has come (and whose retry, if any, is not waiting)."""
    return pending().filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now), send_at__lte=now)


def recipients(review) -> list[tuple[str, str]]:
    """(e-mail, language) of the attendees still in the organisation: their own language,
    else the organisation's default."""
    attendees = review.attendees.filter(memberships__organization=review.organization_id)
    return [
        (person.email, person.language or review.organization.default_language)
        for person in attendees.order_by("name", "email")
        if person.email
    ]


def reminder_message(
    reminder: ReviewReminder, *, email: str, language: str, late: bool, now: datetime.datetime
) -> EmailMessage:
    """The e-mail of one reminder to one person, in their language, with the review's .ics."""
    review = reminder.review
    url = review_url(review)
    context = {
        "review": review,
        "organization": review.organization,
        "reminder": reminder,
        "days": (review.date - timezone.localdate(now)).days,
        "late": late,
        "url": url,
        "schedule_url": urljoin(app_base_url(review), reverse("reviews")),
    }
    with translation.override(language):
        subject = render_to_string("profiles/email/review_reminder_subject.txt", context)
        body = render_to_string("profiles/email/review_reminder.txt", context)
        event = ics.review_event(review, url=url, language=language)
    message = EmailMessage(subject=" ".join(subject.split()), body=body, to=[email])
    message.attach("review.ics", ics.review_calendar(event, stamp=now), "text/calendar")
    return message


def reminder_send(reminder_id: int, *, now: datetime.datetime | None = None) -> Outcome:
    """Send one reminder to whoever is due to get it; never raises for a mail failure."""
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
            # Sent, cancelled, given up, or another worker is planning it right now.
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
        if not reminder.deliveries.exists():
            ReminderDelivery.objects.bulk_create(
                (
                    ReminderDelivery(
                        organization_id=reminder.organization_id,
                        reminder=reminder,
                        email=email,
                        language=language,
                    )
                    for email, language in recipients(review)
                ),
                ignore_conflicts=True,
            )
        _recover(reminder, now=now)
        due_ids = list(
            reminder.deliveries.filter(status=DeliveryStatus.PENDING)
            .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
            .values_list("pk", flat=True)
        )
    late = cadence.is_late(reminder.send_at, now)
    sent = sum(_deliver(reminder, pk, late=late, now=now) for pk in due_ids)
    return _settle(reminder.pk, now=now, sent_now=sent, late=late)


def _deliver(reminder: ReviewReminder, delivery_id: int, *, late: bool, now) -> bool:
    """Claim one delivery, send it, record what happened; True when it was sent now."""
    with transaction.atomic():
        # The reminder's lock: a cancel or a move either came first (nothing is claimed) or
        # waits for this claim (the e-mail was already on its way when it was cancelled).
        if not pending().select_for_update(of=("self",)).filter(pk=reminder.pk).exists():
            return False
        claimed = ReminderDelivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING
        ).update(
            status=DeliveryStatus.SENDING,
            claimed_at=now,
            claimed_by=background.current_owner(),
            attempts=F("attempts") + 1,
        )
    if not claimed:
        return False  # another worker has it
    delivery = ReminderDelivery.objects.get(pk=delivery_id)
    try:
        reminder_message(
            reminder, email=delivery.email, language=delivery.language, late=late, now=now
        ).send()
    except Exception as error:  # any mail or rendering failure: retry later, never crash
        _delivery_failed(delivery, error, now=now)
        return False
    ReminderDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT, sent_at=now, late=late, next_try_at=None, last_error=""
    )
    return True


def _delivery_failed(delivery: ReminderDelivery, error: Exception, *, now) -> None:
    text = f"{type(error).__name__}: {error}"[:2000]
    delay = cadence.retry_delay(delivery.attempts)
    if delay is None:
        status, next_try = DeliveryStatus.FAILED, None
        logger.error(
            "Review reminder %s to %s failed %s times, giving up: %s",
            delivery.reminder_id,
            delivery.email,
            delivery.attempts,
            text,
        )
    else:
        status, next_try = DeliveryStatus.PENDING, now + delay
        logger.warning(
            "Review reminder %s to %s failed (attempt %s), trying again at %s: %s",
            delivery.reminder_id,
            delivery.email,
            delivery.attempts,
            next_try,
            text,
        )
    ReminderDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status, next_try_at=next_try, last_error=text
    )


def _recover(reminder: ReviewReminder, *, now) -> int:
    """Deliveries whose sender died mid-send become UNCERTAIN (never sent blindly again)."""
    uncertain = 0
    for delivery in reminder.deliveries.filter(status=DeliveryStatus.SENDING):
        if background.owner_alive(delivery.claimed_by, claimed_at=delivery.claimed_at, now=now):
            continue
        uncertain += ReminderDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.SENDING
        ).update(
            status=DeliveryStatus.UNCERTAIN,
            last_error="The sender stopped while sending; the mail server may have it.",
        )
        logger.warning(
            "Review reminder %s to %s may not have been sent (its sender %s died)",
            reminder.pk,
            delivery.email,
            delivery.claimed_by,
        )
    return uncertain


def _settle(reminder_id: int, *, now, sent_now: int = 0, late: bool = False) -> Outcome:
    """Close the reminder when none of its deliveries is open any more, else plan its retry."""
    with transaction.atomic():
        reminder = pending().select_for_update(of=("self",)).filter(pk=reminder_id).first()
        if reminder is None:
            return Outcome(reminder_id, "skipped")
        deliveries = reminder.deliveries.all()
        counts = {row["status"]: row["n"] for row in _status_counts(deliveries)}
        reminder.attempts = max(deliveries.values_list("attempts", flat=True), default=0)
        open_count = sum(counts.get(status, 0) for status in OPEN)
        if open_count:
            retry_at = deliveries.filter(status=DeliveryStatus.PENDING).aggregate(
                at=Min("next_try_at")
            )["at"]
            reminder.next_try_at = retry_at
            reminder.last_error = _last_error(deliveries)
            reminder.save(update_fields=["attempts", "next_try_at", "last_error"])
            if retry_at is None:  # someone else is sending the rest right now
                return Outcome(reminder_id, "sent" if sent_now else "skipped")
            return Outcome(reminder_id, "retry", retry_at=retry_at)
        reminder.next_try_at = None
        reminder.recipients = list(
            deliveries.filter(status=DeliveryStatus.SENT).values_list("email", flat=True)
        )
        reminder.last_error = _last_error(deliveries)
        fields = ["attempts", "next_try_at", "recipients", "last_error"]
        if counts.get(DeliveryStatus.SENT) or counts.get(DeliveryStatus.UNCERTAIN):
            reminder.sent_at = now
            reminder.late = late or deliveries.filter(late=True).exists()
            fields += ["sent_at", "late"]
        else:
            reminder.failed_at = now
            if not counts:
                reminder.last_error = "Nobody to remind: no attendee is a member any more."
            fields += ["failed_at"]
        reminder.save(update_fields=fields)
    if reminder.failed_at:
        return Outcome(reminder_id, "failed")
    if not sent_now:
        return Outcome(reminder_id, "skipped")
    if reminder.late:
        logger.info("Review reminder %s sent late (due %s)", reminder_id, reminder.send_at)
    return Outcome(reminder_id, "late" if reminder.late else "sent")


def _status_counts(deliveries):
    return deliveries.values("status").annotate(n=Count("pk")).order_by()


def _last_error(deliveries) -> str:
    failed = deliveries.exclude(last_error="").values_list("email", "last_error")
    return "\n".join(f"{email}: {error}" for email, error in failed)[:2000]


def reminders_recover(*, now: datetime.datetime | None = None) -> int:
    """Find deliveries left SENDING by a dead sender (UNCERTAIN) and settle their reminders;
    returns how many became uncertain."""
    now = now or timezone.now()
    stuck = (
        ReminderDelivery.objects.filter(status=DeliveryStatus.SENDING)
        .values_list("reminder_id", flat=True)
        .distinct()
    )
    uncertain = 0
    for reminder in ReviewReminder.objects.filter(pk__in=list(stuck)):
        uncertain += _recover(reminder, now=now)
        _settle(reminder.pk, now=now)
    return uncertain


def reminder_delivery_retry(*, delivery: ReminderDelivery) -> ReminderDelivery:
    """An admin's choice: send an uncertain (or given-up) delivery again."""
    with transaction.atomic():
        locked = ReminderDelivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status not in (DeliveryStatus.UNCERTAIN, DeliveryStatus.FAILED):
            return locked
        reminder = ReviewReminder.objects.select_for_update().get(pk=locked.reminder_id)
        if reminder.cancelled_at is not None:
            return locked
        locked.status = DeliveryStatus.PENDING
        locked.next_try_at = None
        locked.attempts = 0
        locked.save(update_fields=["status", "next_try_at", "attempts"])
        reminder.sent_at = reminder.failed_at = reminder.next_try_at = None
        reminder.save(update_fields=["sent_at", "failed_at", "next_try_at"])
    return locked


def reminders_catch_up(
    *, now: datetime.datetime | None = None, exclude=(), limit: int = CATCH_UP_BATCH
) -> list[Outcome]:
    """Send every reminder that is due but unsent: those whose own task was lost."""
    now = now or timezone.now()
    ids = list(due(now=now).exclude(pk__in=exclude).values_list("pk", flat=True)[:limit])
    return [reminder_send(reminder_id, now=now) for reminder_id in ids]
