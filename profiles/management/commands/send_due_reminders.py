from django.core.management.base import BaseCommand

from icp_site import background
from profiles.reviews import reminders, tasks


class Command(BaseCommand):
    help = (
        "Send every review reminder that is due but unsent (the worker does this on its own; "
        "run this after restoring a backup or from cron as a safety net)."
    )

    def handle(self, *args, **options):
        # A lease while sending: if this command is killed mid-send, the sweep finds the
        # deliveries it left and marks them "may not have been sent".
        with background.lease():
            reminders.reminders_recover()
            outcomes = reminders.reminders_catch_up()
        for outcome in outcomes:
            if outcome.retry_at is not None:
                tasks.enqueue_reminder(outcome.reminder_id, at=outcome.retry_at)
        sent = sum(outcome.status in ("sent", "late") for outcome in outcomes)
        self.stdout.write(f"{sent} reminder(s) sent, {len(outcomes) - sent} not sent.")
