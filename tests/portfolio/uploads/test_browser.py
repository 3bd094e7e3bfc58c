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
