"""Two participants in Chromium: one edits the company table, the other sees it without
reloading while editing a cell of their own; then step 6 is saved and published."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from profiles.workshop.draft import fields
from profiles.workshop.tables import services as table_services
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEN_WITHIN_MS = 3_000
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"


def test_two_participants_edit_the_company_table_together_then_publish(team, new_page):
    workshop = workshop_with_best_customers(team.organization)
    row = table_services.profile_rows_sync(workshop=workshop, table="company")[0]
    step4 = f"/workshops/{workshop.pk}/step/4/"
    industry, country = f"#c-{row.pk}-industry", f"#c-{row.pk}-country"

    leo, ada = new_page(), new_page()
    for page, member in ((leo, team.leader), (ada, team.admin)):
        sign_in(page, member.user.email, PASSWORD)
        expect(page.locator(".user-name")).to_contain_text(member.user.name)
    leo.goto(step4)
    ada.goto(step4)
    expect(leo.locator(industry)).to_have_text("IT")
    ada.evaluate("window.notReloaded = true")

    # Ada starts typing in another cell of the same row and has not saved yet.
    ada.click(f"{country} a")
    ada.fill(f"{country} input[name=value]", "DK")

    # Leo changes the industry; Ada sees it without reloading, her open cell untouched.
    leo.click(f"{industry} a")
    leo.fill(f"{industry} input[name=value]", "Software")
    leo.press(f"{industry} input[name=value]", "Enter")
    expect(leo.locator(industry)).to_have_text("Software")
    expect(ada.locator(industry)).to_have_text("Software", timeout=SEEN_WITHIN_MS)
    expect(ada.locator(f"{country} input[name=value]")).to_have_value("DK")
    assert ada.evaluate("window.notReloaded") is True

    # Ada saves hers; Leo sees it, and the summary under the column follows.
    ada.press(f"{country} input[name=value]", "Enter")
    expect(ada.locator(country)).to_have_text("DK")
    expect(leo.locator(country)).to_have_text("DK", timeout=SEEN_WITHIN_MS)
    expect(leo.locator("#presence")).to_contain_text("Ada Admin")
    leo.screenshot(path=SCREENSHOTS / "collaboration-step4.png", full_page=True)

    # Both edit the same cell from the same version: the second is told, and decides.
    leo.click(f"{industry} a")
    ada.click(f"{industry} a")
    leo.fill(f"{industry} input[name=value]", "Telco")
    leo.press(f"{industry} input[name=value]", "Enter")
    expect(leo.locator(industry)).to_have_text("Telco")
    ada.fill(f"{industry} input[name=value]", "Media")
    ada.press(f"{industry} input[name=value]", "Enter")
    expect(ada.locator(f"{industry} .cell-conflict")).to_contain_text("Leo Leader changed this")
    ada.click(f"{industry} >> text=Take theirs")
    expect(ada.locator(industry)).to_have_text("Telco")

    # Escape closes a cell without saving.
    ada.click(f"{country} a")
    ada.fill(f"{country} input[name=value]", "XX")
    ada.press(f"{country} input[name=value]", "Escape")
    expect(ada.locator(country)).to_have_text("DK")

    # Step 6: fill in the draft from the tables, save it as a version and publish it.
    leo.on("dialog", lambda dialog: dialog.accept())
    leo.goto(f"/workshops/{workshop.pk}/step/6/")
    leo.click("text=Fill in from steps 4 and 5")
    expect(leo.locator("#panel-company")).to_contain_text("Industry")
    leo.click("#tab-do-not")
    notes = f"#{fields.slug('notes:do-not')}-input"
    leo.fill(notes, "Consumers and sole traders")
    leo.press(notes, "Tab")  # leaving the field saves it
    expect(leo.locator("#announcer")).to_have_text("Saved")
    expect(leo.locator("#application")).to_contain_text("Do-or-die")
    leo.screenshot(path=SCREENSHOTS / "collaboration-step6.png", full_page=True)
    leo.fill("#id_note", "Our first profile")
    leo.check("input[name=checklist_ack]")  # the check-list is not complete: save anyway
    leo.click("#save-version")
    expect(leo.locator("h1")).to_contain_text("Profile v1")
    leo.click("#publish")
    expect(leo.locator(".messages")).to_contain_text("Version 1 is now the current profile.")
    expect(leo.locator("h1")).to_contain_text("current")
    expect(leo.locator("main")).to_contain_text("Consumers and sole traders")
