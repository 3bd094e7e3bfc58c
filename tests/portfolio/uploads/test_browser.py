"""What only a browser shows: upload, a mapping select re-rendering the preview, confirm."""

import pytest
from playwright.sync_api import expect

from portfolio.models import Customer
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE = (
    "Company name;Umsatz;Lizenzen;Sector notes\n"
    "Alpha GmbH;1.234,50;3;Maschinenbau\n"
    "Beta AB;2.000,00;12;Handel\n"
)


def test_a_leader_uploads_adjusts_the_mapping_sees_the_preview_and_confirms(
    team, password, new_page
):
    page = new_page()
    sign_in(page, team.leader.user.email, password)
    page.goto("/customers/")
    page.click("text=Import a customer list")
    # upload.js marks the drop zone once its listeners are attached (it loads deferred).
    expect(page.locator(".drop-zone.is-droppable")).to_be_visible()
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "kunden.csv", "mimeType": "text/csv", "buffer": FILE.encode()}],
    )
    expect(page.locator(".drop-file-name")).to_have_text("kunden.csv")
    page.click("button:has-text('Upload and map the columns')")

    preview = page.locator("#preview")
    expect(preview).to_contain_text("1,234.50")
    expect(preview.locator(".badge", has_text="Sector notes")).to_be_visible()

    page.select_option("#id_map_industry", "Sector notes")
    expect(preview.locator("th", has_text="Industry")).to_be_visible()
    expect(preview).to_contain_text("Maschinenbau")
    expect(preview.locator(".badge", has_text="Sector notes")).to_have_count(0)

    page.click("button:has-text('Check and import')")
    expect(page.locator(".message-success")).to_contain_text("2 customers imported")
    table = page.locator("#customer-table")
    expect(table).to_contain_text("Alpha GmbH")
    expect(table).to_contain_text("Maschinenbau")
    assert Customer.objects.get(name="Beta AB").industry == "Handel"


def _workbook() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Kunden"
    sheet.append(["Firma", "Umsatz (Mio. €)", "Mitarbeiter", "Region"])
    sheet.append(["Alpha GmbH", 1.5, 120, "Nord"])
    sheet.append(["Beta AG", 2.25, 40, "Süd"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_goes_from_upload_through_the_worker_and_the_mapping_to_its_result(
    team, password, new_page, settings
):
    from portfolio.models import Dataset, ImportUpload
    from portfolio.uploads.tasks import read_upload_sample

    # The worker is this test: the upload waits until the test runs the task.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    page = new_page()
    sign_in(page, team.leader.user.email, password)
    page.goto("/customers/import/")
    expect(page.locator(".drop-zone.is-droppable")).to_be_visible()
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "kunden.xlsx", "mimeType": "application/octet-stream",
                "buffer": _workbook()}],
    )  # fmt: skip
    page.click("button:has-text('Upload and map the columns')")
    expect(page.locator("#sample-status")).to_contain_text("Reading the workbook")

    upload = ImportUpload.objects.get()
    assert read_upload_sample.call(upload.pk, "") is True  # the worker reads it, once
    # The waiting page polls and turns into the mapping form with the units it found.
    expect(page.locator("#id_map_name")).to_have_value("Firma")
    expect(page.locator("#id_scale_revenue")).to_have_value("6")
    expect(page.locator("#id_currency_revenue")).to_have_value("EUR")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("€1,500,000.00")

    page.select_option("#id_scale_revenue", "3")  # the user knows better: thousands
    expect(preview).to_contain_text("€1,500.00")
    expect(page.locator("#id_scale_revenue")).to_have_value("3")
    page.click("button:has-text('Check and import')")

    expect(page.locator(".message-success")).to_contain_text("2 customers imported")
    result = page.locator(".import-result")
    expect(result).to_contain_text("Rows read")
    expect(result).to_contain_text("€3,750.00")  # the total, rounded once
    expect(result).to_contain_text("thousands (× 1,000)")
    expect(result).to_contain_text("Region")
    expect(page.locator("#customer-table")).to_contain_text("Alpha GmbH")
    dataset = Dataset.objects.get()
    assert (dataset.currency, dataset.summary["units"]["columns"]["revenue"]["scale"]) == (
        "EUR",
        3,
    )
