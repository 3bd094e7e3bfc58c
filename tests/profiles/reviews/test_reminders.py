"""Review reminders: on time with a frozen clock, exactly once, late after downtime, cancelled
on a move, retried on mail failures, and sent by the real worker from the real database."""

import datetime
import io
import signal
import smtplib
import threading
import time
import zoneinfo
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from profiles.models import ReviewReminder
from profiles.reviews import reminders, tasks
from profiles.reviews import services as reviews

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
SCHEDULED_AT = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=STOCKHOLM)
REVIEW_DAY = datetime.date(2027, 3, 29)


def at(day, hour=8, minute=0):
    return datetime.datetime(2027, 3, day, hour, minute, tzinfo=STOCKHOLM)


@contextmanager
def frozen(now):
    with mock.patch("django.utils.timezone.now", return_value=now):
        yield


@pytest.fixture(autouse=True)
def stockholm(settings):
    settings.TIME_ZONE = "Europe/Stockholm"


@pytest.fixture
def review(team):
    with frozen(SCHEDULED_AT):
        return reviews.review_create(
            organization=team.organization,
            user=team.admin.user,
            date=REVIEW_DAY,
            base_url="https://icp.example.com/",
        )


def reminder(review, offset):
    return review.reminders.get(offset_days=offset, cancelled_at__isnull=True)


def mails(review):
    """The reminders of `review` in the outbox (the test database may be shared)."""
    return [m for m in mail.outbox if f"/reviews/{review.pk}/" in m.body]


def tasks_of(review):
    """The reminder tasks of `review` in the database backend's table."""
    ids = list(review.reminders.values_list("pk", flat=True))
    return DBTaskResult.objects.filter(
        task_path="profiles.reviews.tasks.send_review_reminder", args_kwargs__args__0__in=ids
    )


def test_a_reminder_is_not_sent_before_its_time(review):
    outcome = reminders.reminder_send(reminder(review, 14).pk, now=at(15, 7, 59))
    assert outcome.status == "not-yet"
    assert outcome.retry_at == at(15)
    assert mail.outbox == []


def test_a_reminder_goes_to_the_attendees_with_the_calendar_event(team, review):
    outcome = reminders.reminder_send(reminder(review, 14).pk, now=at(15, 8, 1))
    assert outcome.status == "sent"
    # One e-mail per attendee: nobody sees the others' addresses, and each is recorded alone.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [team.admin.user.email, team.leader.user.email]
    )
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    assert "in 14 days" in message.subject
    assert "Late" not in message.subject
    assert f"https://icp.example.com/reviews/{review.pk}/" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("review.ics", "text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == REVIEW_DAY
    sent = reminder(review, 14)
    assert sent.sent_at == at(15, 8, 1)
    assert not sent.late


def test_a_reminder_is_sent_once_however_often_its_task_runs(review):
    pk = reminder(review, 1).pk
    outcomes = [reminders.reminder_send(pk, now=at(28, 8, 10)).status for _ in range(3)]
    assert outcomes == ["sent", "skipped", "skipped"]
    assert len(mail.outbox) == 2  # one per attendee


def test_the_reminder_on_the_day_says_today(review):
    reminders.reminder_send(reminder(review, 0).pk, now=at(29, 8))
    assert "today" in mail.outbox[0].subject


def test_a_reminder_missed_while_the_worker_was_down_is_sent_late(review):
    # The worker was down from the 10th to the 28th at noon: the catch-up sends what is due.
    outcomes = reminders.reminders_catch_up(now=at(28, 12))
    mine = set(review.reminders.values_list("pk", flat=True))
    assert sorted(o.status for o in outcomes if o.reminder_id in mine) == ["late", "late"]
    assert len(mails(review)) == 4  # two reminders, two attendees
    assert all(m.subject.startswith("[Late]") for m in mails(review))
    assert all("This reminder is late" in m.body for m in mails(review))
    assert reminder(review, 14).late and reminder(review, 1).late
    assert reminder(review, 0).sent_at is None  # not yet due


def test_the_catch_up_task_sends_due_reminders_whose_task_was_lost(review):
    with frozen(at(16)):
        assert tasks.catch_up_review_reminders.call() >= 1
    assert len(mails(review)) == 2


def test_moving_a_review_cancels_the_reminders_a_waiting_task_would_send(team, review):
    old = reminder(review, 14).pk
    with frozen(SCHEDULED_AT):
        reviews.review_update(
            review=review,
            user=team.admin.user,
            date=datetime.date(2027, 4, 20),
            attendees=review.attendees.all(),
            reminder_offsets=[14, 1],
        )
    assert reminders.reminder_send(old, now=at(15, 9)).status == "skipped"
    assert mail.outbox == []
    assert reminder(review, 14).send_at == datetime.datetime(2027, 4, 6, 8, tzinfo=STOCKHOLM)


def test_a_reminder_of_a_review_moved_behind_its_back_is_not_sent(review):
    # Belt and braces: even a row nobody cancelled is checked against the review's date.
    type(review).objects.filter(pk=review.pk).update(date=datetime.date(2027, 5, 1))
    pk = reminder(review, 14).pk
    assert reminders.reminder_send(pk, now=at(15, 9)).status == "skipped"
    assert ReviewReminder.objects.get(pk=pk).cancelled_at is not None
    assert mail.outbox == []


def test_a_failed_mail_is_retried_later_and_logged(review, caplog):
    pk = reminder(review, 14).pk
    failure = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch.object(EmailMessage, "send", side_effect=failure):
        outcome = reminders.reminder_send(pk, now=at(15, 8))
    assert outcome.status == "retry"
    assert outcome.retry_at == at(15, 8, 1)
    row = ReviewReminder.objects.get(pk=pk)
    assert (row.attempts, row.sent_at) == (1, None)
    assert "SMTPServerDisconnected" in row.last_error
    assert "failed (attempt 1)" in caplog.text
    # Not before the retry's time, not even from a catch-up.
    assert reminders.reminders_catch_up(now=at(15, 8, 0)) == []
    assert reminders.reminder_send(pk, now=at(15, 8, 2)).status == "sent"
    assert len(mail.outbox) == 2


def test_a_mail_that_keeps_failing_is_given_up_after_five_retries(review, caplog):
    pk = reminder(review, 14).pk
    now = at(15, 8)
    with mock.patch.object(EmailMessage, "send", side_effect=OSError("no route to host")):
        for _ in range(6):
            outcome = reminders.reminder_send(pk, now=now)
            if outcome.retry_at:
                now = outcome.retry_at
    assert outcome.status == "failed"
    row = ReviewReminder.objects.get(pk=pk)
    assert row.failed_at is not None and row.attempts == 6
    assert set(row.deliveries.values_list("status", flat=True)) == {"failed"}
    assert "giving up" in caplog.text
    assert reminders.reminder_send(pk, now=now).status == "skipped"


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_reminder_send_one_mail(review):
    pk = reminder(review, 14).pk
    original_send = EmailMessage.send

    def slow_send(message, *args, **kwargs):
        time.sleep(0.5)  # the first worker is still sending when the second one arrives
        return original_send(message, *args, **kwargs)

    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            outcomes.append(reminders.reminder_send(pk, now=at(15, 8)).status)
        finally:
            connection.close()

    with mock.patch.object(EmailMessage, "send", slow_send):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    # The second worker either finds the reminder planned and skips, or shares the deliveries
    # the first has not claimed yet; either way every attendee gets exactly one e-mail.
    assert "sent" in outcomes and set(outcomes) <= {"sent", "skipped"}, outcomes
    addresses = sorted(address for message in mail.outbox for address in message.to)
    assert len(addresses) == 2 and len(set(addresses)) == 2, addresses


# --------------------------------------------------------------------------- the real worker


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in handlers.items():  # the worker installs its own
        signal.signal(sig, handler)


def run_worker(now):
    """One batch of `manage.py db_worker` with the clock at `now`: every ready task, then exit."""
    with frozen(now):
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO()
        )


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_due_reminder_from_the_database(team, database_tasks):
    with frozen(SCHEDULED_AT):
        review = reviews.review_create(
            organization=team.organization, user=team.admin.user, date=REVIEW_DAY
        )
    queued = tasks_of(review)
    assert sorted(t.run_after for t in queued) == [at(15), at(28), at(29)]

    run_worker(at(15, 7, 59))
    assert mails(review) == []  # nothing is ready yet

    run_worker(at(15, 8, 0))
    assert len(mails(review)) == 2  # one per attendee
    message = mails(review)[0]
    assert "in 14 days" in message.subject
    assert reminder(review, 14).sent_at == at(15)
    assert queued.filter(status="SUCCESSFUL").count() == 1


@pytest.mark.django_db(transaction=True)
def test_tasks_wait_in_the_database_while_no_worker_runs_and_say_they_are_late(
    team, database_tasks
):
    with frozen(SCHEDULED_AT):
        review = reviews.review_create(
            organization=team.organization, user=team.admin.user, date=REVIEW_DAY
        )
    run_worker(at(28, 12))  # the worker was down from before the 15th until the 28th at noon
    assert [m.subject.startswith("[Late]") for m in mails(review)] == [True] * 4
    run_worker(at(29, 8, 1))
    assert len(mails(review)) == 6
    assert not mails(review)[4].subject.startswith("[Late]")
    assert review.reminders.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_does_nothing_for_a_moved_review_and_retries_a_failed_mail(team, database_tasks):
    with frozen(SCHEDULED_AT):
        review = reviews.review_create(
            organization=team.organization, user=team.admin.user, date=REVIEW_DAY
        )
        reviews.review_update(
            review=review,
            user=team.admin.user,
            date=datetime.date(2027, 4, 5),
            attendees=review.attendees.all(),
            reminder_offsets=[14, 1],
        )
    run_worker(at(16))  # the old 14-day task wakes up: its row is cancelled
    assert mails(review) == []

    failure = smtplib.SMTPServerDisconnected("down")
    with mock.patch.object(EmailMessage, "send", side_effect=failure):
        run_worker(at(22, 8))  # the new 14-day reminder (22 March) fails once
    assert mails(review) == []
    assert tasks_of(review).filter(status="FAILED").count() == 0  # the worker never crashed
    retry = tasks_of(review).filter(status="READY").order_by("run_after").first()
    assert retry.run_after == at(22, 8, 1)

    run_worker(at(22, 8, 2))
    assert len(mails(review)) == 2
    assert reminder(review, 14).attempts == 2


def test_the_catch_up_command_sends_what_is_due(review):
    out = io.StringIO()
    with frozen(at(28, 9)):
        call_command("send_due_reminders", stdout=out)
    assert len(mails(review)) == 4
    assert "reminder(s) sent" in out.getvalue()


def test_each_attendee_gets_the_reminder_and_calendar_event_in_their_own_language(team, review):
    team.admin.user.language = "de"
    team.admin.user.save(update_fields=["language"])
    team.leader.user.language = "sv"
    team.leader.user.save(update_fields=["language"])
    reminders.reminder_send(reminder(review, 1).pk, now=at(28, 8, 1))
    by_recipient = {tuple(message.to): message for message in mails(review)}
    assert set(by_recipient) == {(team.admin.user.email,), (team.leader.user.email,)}
    for person, language, day in (
        (team.admin, "de", "29.03.2027"),
        (team.leader, "sv", "2027-03-29"),
    ):
        message = by_recipient[(person.user.email,)]
        with translation.override(language):
            subject = gettext("Profile review tomorrow")
            summary = gettext("Profile review · %(organization)s") % {
                "organization": team.organization
            }
        assert subject != "Profile review tomorrow"  # the catalogue has it: a real check
        assert message.subject.startswith(subject)
        assert day in message.body  # the review's date in that language's format
        [(_name, content, _mimetype)] = message.attachments
        event = Calendar.from_ical(content).walk("VEVENT")[0]
        assert str(event["summary"]) == summary
    assert sorted(reminder(review, 1).recipients) == sorted(
        [team.admin.user.email, team.leader.user.email]
    )


def test_an_attendee_without_a_language_gets_the_organisations_default(team, review):
    team.organization.default_language = "de"
    team.organization.save(update_fields=["default_language"])
    reminders.reminder_send(reminder(review, 0).pk, now=at(29, 8, 1))
    with translation.override("de"):
        expected = gettext("Profile review today")
    assert len(mails(review)) == 2
    assert all(message.subject.startswith(expected) for message in mails(review))
