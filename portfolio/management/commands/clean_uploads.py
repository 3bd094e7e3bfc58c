"""python manage.py clean_uploads: fail stopped imports, delete the uploads nobody imported in
time (with their files), and the temporary copies a killed process left behind."""

from django.conf import settings
from django.core.management.base import BaseCommand

from portfolio.uploads.services import import_uploads_clean, import_uploads_sweep


class Command(BaseCommand):
    help = (
        "Mark imports whose process stopped (no heartbeat for IMPORT_STALE_SECONDS) as failed, "
        "and delete uploaded customer files never imported (waiting for their mapping, with "
        "problems, or failed) that are older than IMPORT_UPLOAD_MAX_AGE_DAYS, with their "
        "files. A new upload does this too; run it daily from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        stopped = import_uploads_sweep()
        deleted = import_uploads_clean()
        days = settings.IMPORT_UPLOAD_MAX_AGE_DAYS
        self.stdout.write(f"{stopped} stopped import(s) marked as failed.")
        self.stdout.write(f"{deleted} upload(s) older than {days} days deleted.")
