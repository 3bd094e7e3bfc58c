"""The meeting in Chromium with two participants: every step live, step 6 field by field with
"keep mine / take theirs", "Save as version" with an edit not saved yet, Undo."""

import time

import pytest
from playwright.sync_api import expect

from profiles.models import ProfileRow, ProfileVersion, WorkshopStep
from profiles.workshop.draft import fields
from profiles.workshop.draft import services as draft_services
from profiles.workshop.draft.evidence import Evidence
from profiles.workshop.tables import services as table_services
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.profiles.helpers import workshop_with_customers
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEN_WITHIN_MS = 3_000


def two_participants(team, new_page):
    leo, ada = new_page(), new_page()
    for page, member in ((leo, team.leader), (ada, team.admin)):
        page.set_viewport_size({"width": 1366, "height": 768})
        sign_in(page, member.user.email, PASSWORD)
        expect(page.locator(".user-name")).to_contain_text(member.user.name)
    return leo, ada


def test_a_limit_changed_in_step_one_reaches_a_teammate_on_step_two_within_seconds(team, new_page):
    workshop = workshop_with_customers(team.organization)
    leo, ada = two_participants(team, new_page)
    leo.goto(f"/workshops/{workshop.pk}/step/1/")
    ada.goto(f"/workshops/{workshop.pk}/step/2/")
    large = ada.locator("#results td[data-share=large]")
    expect(large).to_have_text("79.5%")
    ada.evaluate("window.notReloaded = true")
    expect(leo.locator("#presence")).to_contain_text("Ada Admin", timeout=SEEN_WITHIN_MS * 2)

    leo.fill("#id_medium_max", "40")
    leo.press("#id_medium_max", "Enter")
    expect(leo.locator("#announcer")).to_have_text("Saved")
    expect(leo.locator("#id_preset")).to_have_value("custom")
    saved = time.monotonic()
    expect(large).not_to_have_text("79.5%", timeout=SEEN_WITHIN_MS)
    assert time.monotonic() - saved < SEEN_WITHIN_MS / 1000
    assert ada.evaluate("window.notReloaded") is True

    # A teammate on the same step sees the new limit in the field itself.
    ada.goto(f"/workshops/{workshop.pk}/step/1/")
    ada.evaluate("window.notReloaded = true")
    leo.fill("#id_small_max", "3")
    leo.press("#id_small_max", "Enter")
    expect(ada.locator("#id_small_max")).to_have_value("3", timeout=SEEN_WITHIN_MS)
    assert ada.evaluate("window.notReloaded") is True


def test_two_people_in_step_six_keep_both_edits_and_decide_on_the_same_field(team, new_page):
    workshop = workshop_with_best_customers(team.organization)
    six = WorkshopStep.objects.get(workshop=workshop, number=6)
    draft_services.workshop_draft_rebuild(
        step=six, user=team.leader.user, evidence=Evidence(workshop), version=six.version
    )
    leo, ada = two_participants(team, new_page)
    for page in (leo, ada):
        page.goto(f"/workshops/{workshop.pk}/step/6/")
    industry = f"#{fields.slug('trait:industry:value')}-input"
    notes = f"#{fields.slug('notes:do-not')}-input"

    # Different fields: both kept, each sees the other's.
    leo.fill(industry, "IT, Telco")
    leo.press(industry, "Enter")
    ada.click("#tab-do-not")
    ada.fill(notes, "Consumers and sole traders")
    ada.press(notes, "Tab")
    expect(ada.locator(industry)).to_have_value("IT, Telco", timeout=SEEN_WITHIN_MS)
    leo.click("#tab-do-not")
    expect(leo.locator(notes)).to_have_value("Consumers and sole traders", timeout=SEEN_WITHIN_MS)
    content = WorkshopStep.objects.get(pk=six.pk).inputs
    assert content["notes"]["do-not"] == "Consumers and sole traders"
    assert next(t for t in content["traits"] if t["key"] == "industry")["value"] == [
        "IT",
        "Telco",
    ]

    # The same field: the second is asked, and what she typed stays until she decides.
    leo.click("#tab-company")
    ada.click("#tab-company")
    leo.fill(industry, "Software")
    ada.fill(industry, "Media")
    leo.press(industry, "Enter")
    expect(leo.locator("#announcer")).to_have_text("Saved")
    ada.press(industry, "Enter")
    conflict = ada.locator(".is-conflict .field-conflict")
    expect(conflict).to_contain_text("Leo Leader changed this to “Software”")
    expect(ada.locator(industry)).to_have_value("Media")
    ada.wait_for_timeout(2_500)  # a poll comes meanwhile: her text is not replaced
    expect(ada.locator(industry)).to_have_value("Media")
    ada.click(".is-conflict button[name=keep]")
    expect(ada.locator(".is-conflict")).to_have_count(0)
    expect(leo.locator(industry)).to_have_value("Media", timeout=SEEN_WITHIN_MS)


def test_save_as_version_saves_an_edit_not_saved_yet(team, new_page):
    workshop = workshop_with_best_customers(team.organization)
    six = WorkshopStep.objects.get(workshop=workshop, number=6)
    draft_services.workshop_draft_rebuild(
        step=six, user=team.leader.user, evidence=Evidence(workshop), version=six.version
    )
    leo, _ada = two_participants(team, new_page)
    leo.goto(f"/workshops/{workshop.pk}/step/6/")
    leo.click("#tab-neutral")
    notes = f"#{fields.slug('notes:neutral')}-input"
    leo.fill(notes, "Telco when they call us")  # typed, not left: not saved yet
    leo.fill("#id_note", "First")
    leo.check("input[name=checklist_ack]")  # the check-list is not complete: save anyway
    leo.click("#save-version")
    expect(leo.locator("h1")).to_contain_text("Profile v1")
    version = ProfileVersion.objects.get(organization=team.organization)
    assert version.content["notes"]["neutral"] == "Telco when they call us"


def test_undo_takes_back_a_teammates_last_change_for_everybody(team, new_page):
    workshop = workshop_with_best_customers(team.organization)
    row = table_services.profile_rows_sync(workshop=workshop, table="company")[0]
    leo, ada = two_participants(team, new_page)
    cell = f"#c-{row.pk}-industry"
    for page in (leo, ada):
        page.goto(f"/workshops/{workshop.pk}/step/4/")
    ada.click(f"{cell} a")
    ada.fill(f"{cell} input[name=value]", "Software")
    ada.press(f"{cell} input[name=value]", "Enter")
    expect(leo.locator(cell)).to_have_text("Software", timeout=SEEN_WITHIN_MS)
    expect(leo.locator("#undo")).to_contain_text(
        "Last change by Ada Admin: Step 4 · Industry of Alpha AB: “IT” → “Software”",
        timeout=SEEN_WITHIN_MS,
    )
    leo.click("#undo-button")
    expect(leo.locator("#undo-status")).to_contain_text("Undone: Step 4 · Industry of Alpha AB")
    expect(leo.locator(cell)).to_have_text("IT", timeout=SEEN_WITHIN_MS)
    expect(ada.locator(cell)).to_have_text("IT", timeout=SEEN_WITHIN_MS)
    assert ProfileRow.objects.get(pk=row.pk).values["industry"] == "IT"
    leo.goto(f"/workshops/{workshop.pk}/step/6/")
    leo.click("#tab-decisions")
    expect(leo.locator("#decision-log")).to_contain_text("undid")
    expect(leo.locator("#decision-log")).to_contain_text("Industry of Alpha AB")
