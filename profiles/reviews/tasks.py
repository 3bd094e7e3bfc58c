"""Background work of reviews, run by `manage.py db_worker`: the reminders.

Every reminder row gets one task with `run_after` at its time, enqueued in the transaction
that planned it (the database backend stores tasks in the same database, so a rolled-back
schedule leaves no task behind, and a committed one cannot lose its task). Tasks wait in the
database while no worker runs; when one comes back it runs the overdue ones, and the e-mail
says it is late. Every run also catches up on due reminders whose task was lost, and so does
the background sweep (icp_site.background: at a worker's start and every few minutes), which
also finds reminders whose sender died mid-send (`reminders_sweep`, `reminder_task_lost`).
"""

from __future__ import annotations

import datetime
import logging

from django.tasks import task
from django.utils import timezone

from profiles.models import ReviewReminder
from profiles.reviews import reminders

logger = logging.getLogger(__name__)


@task
def send_review_reminder(reminder_id: int) -> str:
    """Send one reminder (if still pending), then any others that are due; returns its outcome."""
    outcome = reminders.reminder_send(reminder_id)
    _follow_up(outcome)
    for other in reminders.reminders_catch_up(exclude=[reminder_id]):
        _follow_up(other)
    return outcome.status


@task
def catch_up_review_reminders() -> int:
    """Send every due reminder that is still unsent; returns how many were tried."""
    outcomes = reminders.reminders_catch_up()
    for outcome in outcomes:
        _follow_up(outcome)
    return len(outcomes)


def enqueue_reminders(reminder_ids) -> int:
    """Enqueue the task of each reminder at its time; returns how many were enqueued."""
    rows = ReviewReminder.objects.filter(pk__in=list(reminder_ids)).values_list("pk", "send_at")
    return sum(enqueue_reminder(pk, at=send_at) for pk, send_at in rows)


def enqueue_reminder(reminder_id: int, *, at: datetime.datetime) -> bool:
    """Enqueue one reminder's task to run at `at`; False where the backend cannot defer."""
    backend = send_review_reminder.get_backend()
    if not backend.supports_defer:
        # The immediate backend (tests, or a misconfiguration) would send it now; the
        # catch-up sends it when it is due instead.
        return False
    send_review_reminder.using(run_after=max(at, timezone.now())).enqueue(reminder_id)
    return True


def _follow_up(outcome: reminders.Outcome) -> None:
    if outcome.retry_at is not None:
        enqueue_reminder(outcome.reminder_id, at=outcome.retry_at)


def reminders_sweep() -> int:
    """The background sweep's part: deliveries whose sender died become "may not have been
    sent", and the catch-up of due reminders is queued when there are any; returns how many
    reminders are due."""
    reminders.reminders_recover()
    count = reminders.due(now=timezone.now()).count()
    if count:
        if catch_up_review_reminders.get_backend().supports_defer:
            catch_up_review_reminders.enqueue()
        else:
            catch_up_review_reminders.call()
    return count


def reminder_task_lost(*args, **kwargs) -> None:
    """A reminder task's worker died: recover its deliveries and catch up now (whatever the
    task's arguments: the catch-up covers every due reminder)."""
    reminders_sweep()
