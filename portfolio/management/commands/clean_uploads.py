"""python manage.py clean_uploads: delete the uploaded files nobody imported in time."""

from django.conf import settings
from django.core.management.base import BaseCommand

from portfolio.uploads.services import import_uploads_clean


class Command(BaseCommand):
    help = (
        "Delete uploaded customer files never imported (waiting for their mapping, with "
        "problems, or failed) that are older than IMPORT_UPLOAD_MAX_AGE_DAYS. A new upload "
        "does this too; run it daily from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        deleted = import_uploads_clean()
        days = settings.IMPORT_UPLOAD_MAX_AGE_DAYS
        self.stdout.write(f"{deleted} upload(s) older than {days} days deleted.")
