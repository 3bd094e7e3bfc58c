"""Progress of a running import is visible to other connections while its transaction runs."""

import pytest

from portfolio.models import ImportUpload
from portfolio.services import ProgressReporter
from tests.factories import ImportUploadFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_progress_is_written_on_its_own_connection_and_throttled(team):
    upload = ImportUploadFactory(organization=team.organization, state="running")
    reporter = ProgressReporter(upload.pk)
    try:
        reporter("storing", 0, 1000)
        reporter("storing", 10, 1000)  # within the interval: skipped
        upload.refresh_from_db()
        assert (upload.phase, upload.rows_done, upload.rows_total) == ("storing", 0, 1000)
        reporter("storing", 1000, 1000)  # the end of a phase is always written
        upload.refresh_from_db()
        assert upload.rows_done == 1000
    finally:
        reporter.close()
    assert ImportUpload.objects.get(pk=upload.pk).rows_done == 1000
