"""The kill test: real workers, a real SMTP socket, SIGKILL in the middle of a send, and one
refused address among several. After a restart each recipient has exactly one reminder: the one
whose mail the server took before the kill is shown as "may not have been sent" and not sent
again, the refused one is retried alone, and the task the dead worker left is recovered."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from profiles.models import DeliveryStatus, ReminderDelivery
from profiles.reviews import services as reviews
from tests.mailserver import MailServer

ROOT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    params = connection.settings_dict
    return f"postgres://{params['USER']}@/{params['NAME']}?host={params['HOST']}"


def start_worker(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
        "WORKER_LEASE_SECONDS": "2",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "BACKGROUND_SWEEP_SECONDS": "2",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
    }
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    return subprocess.Popen(
        [*command, "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def deliveries(reminder) -> dict[str, ReminderDelivery]:
    return {d.email: d for d in ReminderDelivery.objects.filter(reminder=reminder)}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_and_a_refused_address_leave_one_reminder_each(team, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    admin, leader, rep = team.admin.user, team.leader.user, team.rep.user
    for person, language in ((admin, "en"), (leader, "de"), (rep, "sv")):
        person.language = language
        person.save(update_fields=["language"])
    review = reviews.review_create(
        organization=team.organization,
        user=admin,
        date=timezone.localdate() + dt.timedelta(days=20),
        attendees=[admin, leader, rep],
        base_url="https://icp.example.com/",
    )
    reminder = review.reminders.get(offset_days=14)
    due = timezone.now() - dt.timedelta(minutes=1)
    type(reminder).objects.filter(pk=reminder.pk).update(send_at=due)
    DBTaskResult.objects.filter(args_kwargs__args__0=reminder.pk).update(run_after=due)

    with MailServer(refuse=[rep.email], hang_after_data_for=leader.email) as server:
        first = start_worker(server.port)
        try:
            assert server.hanging.wait(60), "the worker never reached the leader's QUIT"
            first.send_signal(signal.SIGKILL)  # the server has the mail; the worker never hears
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        state = deliveries(reminder)
        assert state[admin.email].status == DeliveryStatus.SENT
        assert state[leader.email].status == DeliveryStatus.SENDING  # the attempt was recorded
        assert state[rep.email].status == DeliveryStatus.PENDING

        restarted = [start_worker(server.port), start_worker(server.port)]
        try:

            def recovered():
                now = deliveries(reminder)
                return (
                    now[leader.email].status == DeliveryStatus.UNCERTAIN
                    and now[rep.email].attempts >= 1
                    and not DBTaskResult.objects.filter(status="RUNNING").exists()
                )

            wait_for(recovered, 60, "the restarted workers to recover the reminder")
            time.sleep(1.5)  # room for a wrong second send to show up
        finally:
            for worker in restarted:
                worker.send_signal(signal.SIGTERM)
            for worker in restarted:
                try:
                    worker.wait(15)
                except subprocess.TimeoutExpired:
                    worker.kill()

    assert server.received == {admin.email: 1, leader.email: 1}  # nobody twice, nobody lost
    state = deliveries(reminder)
    assert state[leader.email].status == DeliveryStatus.UNCERTAIN  # not sent blindly again
    assert state[rep.email].status == DeliveryStatus.PENDING  # retried alone, later
    assert "550" in state[rep.email].last_error
    assert state[rep.email].next_try_at is not None
    lost = DBTaskResult.objects.filter(exception_class_path="icp_site.background.WorkerLost")
    assert lost.count() == 1
    page = team.client("admin").get(reverse("review_detail", args=[review.pk]))
    assert "May not have been sent" in page.text
