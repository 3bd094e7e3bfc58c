"""Reviews: dates and attendees validated, ORGANIZER in a cancellation; reminders: a refused
address repeats nobody's mail, an uncertain send is shown and not repeated blindly. (The kill
test with real workers is tests/profiles/reviews/test_kill.py.)"""

import datetime as dt
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from profiles.models import DeliveryStatus, ReminderDelivery, ReviewReminder
from profiles.reviews import reminders, tasks
from profiles.reviews import services as reviews

pytestmark = pytest.mark.django_db


def form(team, **data):
    base = {"attendees": [team.admin.user.pk], "reminder_offsets": "14, 1"}
    return team.client("admin").post(reverse("review_new"), {**base, **data})


@pytest.mark.parametrize(
    "date",
    [
        "0001-01-01",
        "9999-12-31",
        (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        timezone.localdate().isoformat(),
        (timezone.localdate() + dt.timedelta(days=6 * 366)).isoformat(),
    ],
)
def test_a_review_date_in_the_past_today_or_absurdly_far_is_refused(team, date):
    response = form(team, date=date)
    assert response.status_code == 400
    assert "Choose a date" in response.text


def test_a_review_without_attendees_is_refused(team):
    response = form(team, date="2031-01-10", attendees=[])
    assert response.status_code == 400
    assert "at least one attendee" in response.text


def test_a_cancelled_reviews_calendar_event_names_its_organizer(team):
    review = reviews.review_create(
        organization=team.organization, user=team.admin.user, date=dt.date(2031, 1, 10)
    )
    reviews.review_cancel(review=review, user=team.admin.user)
    data = team.client("rep").get(reverse("review_ics", args=[review.pk])).content
    calendar = Calendar.from_ical(data)
    assert str(calendar["method"]) == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["organizer"]).startswith("mailto:")
    assert str(event["status"]) == "CANCELLED"


@pytest.fixture
def due_reminder(team):
    review = reviews.review_create(
        organization=team.organization,
        user=team.admin.user,
        date=timezone.localdate() + dt.timedelta(days=30),
        attendees=[team.admin.user, team.leader.user, team.rep.user],
    )
    reminder = review.reminders.get(offset_days=14)
    ReviewReminder.objects.filter(pk=reminder.pk).update(
        send_at=timezone.now() - dt.timedelta(minutes=1)
    )
    return reminder


def test_one_refused_address_neither_repeats_nor_drops_the_others(team, due_reminder):
    refused = team.rep.user.email
    real_send = EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == [refused]:
            raise smtplib.SMTPRecipientsRefused({refused: (550, b"no such user")})
        return real_send(message, *args, **kwargs)

    with mock.patch.object(EmailMessage, "send", send):
        for minutes in (0, 2, 7, 40):
            reminders.reminder_send(
                due_reminder.pk, now=timezone.now() + dt.timedelta(minutes=minutes)
            )
    got = sorted(m.to[0] for m in mail.outbox)
    assert got == sorted([team.admin.user.email, team.leader.user.email])  # once each
    delivery = ReminderDelivery.objects.get(reminder=due_reminder, email=refused)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts >= 3
    assert "550" in delivery.last_error


def test_the_attempt_is_recorded_before_the_mail_goes_out(team, due_reminder):
    seen = []

    def send(message, *args, **kwargs):
        delivery = ReminderDelivery.objects.get(reminder=due_reminder, email=message.to[0])
        seen.append((delivery.status, delivery.attempts, bool(delivery.claimed_by)))
        return 1

    with mock.patch.object(EmailMessage, "send", send):
        reminders.reminder_send(due_reminder.pk)
    assert seen and all(state == (DeliveryStatus.SENDING, 1, True) for state in seen)


def test_a_send_whose_sender_died_is_shown_as_uncertain_and_not_repeated(team, due_reminder):
    stuck = timezone.now() - dt.timedelta(minutes=10)
    ReminderDelivery.objects.create(
        organization=team.organization,
        reminder=due_reminder,
        email=team.leader.user.email,
        language="en",
        status=DeliveryStatus.SENDING,
        attempts=1,
        claimed_at=stuck,
        claimed_by="a-worker-that-died",
    )
    tasks.reminders_sweep()
    delivery = ReminderDelivery.objects.get(reminder=due_reminder, email=team.leader.user.email)
    assert delivery.status == DeliveryStatus.UNCERTAIN
    assert team.leader.user.email not in [m.to[0] for m in mail.outbox]
    page = team.client("admin").get(reverse("review_detail", args=[due_reminder.review_id]))
    assert "May not have been sent" in page.text
    # The admin decides: send it again.
    team.client("admin").post(
        reverse("review_delivery_retry", args=[due_reminder.review_id, delivery.pk])
    )
    reminders.reminder_send(due_reminder.pk)
    assert [m.to[0] for m in mail.outbox].count(team.leader.user.email) == 1


def test_a_reminder_with_nobody_left_to_remind_is_not_marked_sent(team, due_reminder):
    review = due_reminder.review
    for person in review.attendees.all():
        person.memberships.filter(organization=team.organization).delete()
    outcome = reminders.reminder_send(due_reminder.pk)
    due_reminder.refresh_from_db()
    assert outcome.status == "failed" and due_reminder.sent_at is None
    assert "Nobody to remind" in due_reminder.last_error
