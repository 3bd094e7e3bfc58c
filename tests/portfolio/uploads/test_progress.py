"""Progress of a running import is visible to other connections while its transaction runs."""

import pytest

from portfolio.models import ImportUpload
from portfolio.uploads.services import ProgressReporter
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


@pytest.mark.browser
def test_the_mapping_page_of_a_big_workbook_waits_for_the_worker_then_shows_the_form(
    team, password, new_page, settings
):
    from django.urls import reverse
    from playwright.sync_api import expect

    from tests.conftest import sign_in
    from tests.portfolio.uploads.test_pages import _workbook

    settings.IMPORT_INLINE_BYTES = 100  # this small workbook counts as big
    upload = ImportUploadFactory(
        organization=team.organization,
        uploaded_by=team.leader.user,
        state="uploaded",
        file_name="crm.xlsx",
        content=_workbook(),
        size=len(_workbook()),
    )
    page = new_page()
    sign_in(page, team.leader.user.email, password)
    # The tests' task backend reads the workbook during this request; the page still shows
    # the wait first and reloads itself when its poll finds the sample.
    page.goto(reverse("import_mapping", args=[upload.pk]))
    expect(page.locator("#sample-status")).to_contain_text("Reading the workbook")
    expect(page.locator("#preview")).to_contain_text("Alpha")
    expect(page.locator("#id_map_name")).to_have_value("Name")
    page.select_option("#id_sheet", "Accounts")
    page.click("button:has-text('Show')")
    expect(page.locator("#id_map_name")).to_have_value("Account name")
    expect(page.locator("#preview")).to_contain_text("Beta")
