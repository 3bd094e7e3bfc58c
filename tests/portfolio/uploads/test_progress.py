"""Progress and heartbeat of a running import are visible to other connections while its
transaction runs."""

import time

import pytest

from portfolio.models import ImportUpload
from portfolio.uploads.running import Heartbeat
from tests.factories import ImportUploadFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_progress_is_written_on_its_own_connection_and_throttled(team):
    upload = ImportUploadFactory(organization=team.organization, state="running")
    with Heartbeat(upload.pk) as reporter:
        reporter("storing", 0, 1000)
        reporter("storing", 10, 1000)  # within the interval: skipped
        upload.refresh_from_db()
        assert (upload.phase, upload.rows_done, upload.rows_total) == ("storing", 0, 1000)
        assert upload.heartbeat_at is not None
        reporter("storing", 1000, 1000)  # the end of a phase is always written
        upload.refresh_from_db()
        assert upload.rows_done == 1000
    assert ImportUpload.objects.get(pk=upload.pk).rows_done == 1000


def test_the_heartbeat_beats_while_nothing_reports_progress(team, settings):
    settings.IMPORT_HEARTBEAT_SECONDS = 0.05
    upload = ImportUploadFactory(organization=team.organization, state="running")
    with Heartbeat(upload.pk):
        time.sleep(0.3)
        first = ImportUpload.objects.get(pk=upload.pk).heartbeat_at
        time.sleep(0.3)
        second = ImportUpload.objects.get(pk=upload.pk).heartbeat_at
    assert first is not None and second > first
    time.sleep(0.2)  # and stops with the import
    assert (
        ImportUpload.objects.get(pk=upload.pk).heartbeat_at
        == ImportUpload.objects.get(pk=upload.pk).heartbeat_at
    )
