"""By keyboard in Chromium: the company table as a grid (one Tab stop, arrow keys, typing,
Enter, F2, Escape, Tab, a block pasted from a spreadsheet, focus and announcements), and step 6
without accidental overwrites."""

import pytest
from playwright.sync_api import expect

from profiles.models import ProfileRow, WorkshopStep
from profiles.workshop.draft import fields
from profiles.workshop.draft import services as draft_services
from profiles.workshop.draft.evidence import Evidence
from profiles.workshop.tables import services as table_services
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workshop(team):
    return workshop_with_best_customers(team.organization)


@pytest.fixture
def page(team, new_page):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, team.leader.user.email, PASSWORD)
    expect(page.locator(".user-name")).to_contain_text("Leo Leader")
    return page


def focused(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement; const td = el.closest('td');
        return {tag: el.tagName, key: td ? td.dataset.key : null, value: el.value ?? null,
                text: el.textContent.trim()}; }"""
    )


def values(row) -> dict:
    return ProfileRow.objects.get(pk=row.pk).values


def test_the_company_table_is_driven_by_keyboard(team, workshop, page):
    rows = table_services.profile_rows_sync(workshop=workshop, table="company")
    first, second = rows[0], rows[1]
    page.goto(f"/workshops/{workshop.pk}/step/4/")
    expect(page.locator("#profile-table [tabindex='0']")).to_have_count(1)  # one Tab stop

    # Tab reaches the grid once; the arrow keys move inside it.
    page.focus("a.skip-table")
    page.keyboard.press("Tab")
    assert focused(page)["key"] == f"{first.pk}:industry"
    page.keyboard.press("ArrowRight")
    assert focused(page)["key"] == f"{first.pk}:customer_type"
    page.keyboard.press("ArrowDown")
    assert focused(page)["key"] == f"{second.pk}:customer_type"
    page.keyboard.press("ArrowLeft")
    assert focused(page)["key"] == f"{second.pk}:industry"
    page.keyboard.press("Tab")  # leaves the table: the next control after it
    assert focused(page)["key"] is None
    page.keyboard.press("Shift+Tab")
    assert focused(page)["key"] == f"{second.pk}:industry"  # back where it was

    # Typing starts editing; Enter saves; focus comes back to the cell and "Saved" is said.
    page.keyboard.type("Media")
    page.keyboard.press("Enter")
    expect(page.locator(f"#c-{second.pk}-industry")).to_have_text("Media")
    assert focused(page)["key"] == f"{second.pk}:industry"
    expect(page.locator("#announcer")).to_have_text("Saved")
    assert values(second)["industry"] == "Media"

    # F2 edits with the caret at the end; Escape cancels and focus comes back.
    page.keyboard.press("F2")
    expect(page.locator(f"#c-{second.pk}-industry input[name=value]")).to_be_focused()
    assert focused(page) | {"text": ""} == {
        "tag": "INPUT",
        "key": f"{second.pk}:industry",
        "value": "Media",
        "text": "",
    }
    page.keyboard.type(" group")
    page.keyboard.press("Escape")
    expect(page.locator(f"#c-{second.pk}-industry")).to_have_text("Media")
    assert focused(page)["key"] == f"{second.pk}:industry"
    expect(page.locator("#announcer")).to_have_text("Not changed")
    assert values(second)["industry"] == "Media"

    # A drop-down: the arrow keys change the choice but save nothing; Enter saves.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    select = page.locator(f"#c-{second.pk}-customer_type select")
    expect(select).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)
    expect(select).to_have_value("B2C")
    assert values(second)["customer_type"] == "B2B"  # nothing saved by an arrow key
    page.keyboard.press("Enter")
    expect(page.locator(f"#c-{second.pk}-customer_type")).to_have_text("B2C")
    assert values(second)["customer_type"] == "B2C"
    assert focused(page)["key"] == f"{second.pk}:customer_type"

    # Tab in an editor saves and goes on to the next cell.
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    expect(page.locator(f"#c-{second.pk}-industry input[name=value]")).to_be_focused()
    page.keyboard.type(" AB")
    page.keyboard.press("Tab")
    expect(page.locator(f"#c-{second.pk}-industry")).to_have_text("Media AB")
    assert focused(page)["key"] == f"{second.pk}:customer_type"

    # A block copied from a spreadsheet fills the cells it covers, from the focused cell on.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    assert focused(page)["key"] == f"{first.pk}:industry"
    page.evaluate(
        """() => { const data = new DataTransfer();
        data.setData('text/plain', 'Retail\\tB2C\\n"Health, care"\\tB2B\\n');
        document.activeElement.dispatchEvent(new ClipboardEvent('paste',
            {clipboardData: data, bubbles: true, cancelable: true})); }"""
    )
    expect(page.locator("#grid-status")).to_have_text("4 cells pasted.")
    expect(page.locator(f"#c-{second.pk}-industry")).to_have_text("Health, care")
    assert values(first)["industry"] == "Retail" and values(first)["customer_type"] == "B2C"
    assert values(second)["industry"] == "Health, care"
    assert focused(page)["key"] == f"{first.pk}:industry"


def test_step_six_never_overwrites_by_accident(team, workshop, page):
    six = WorkshopStep.objects.get(workshop=workshop, number=6)
    draft_services.workshop_draft_rebuild(
        step=six, user=team.leader.user, evidence=Evidence(workshop), version=six.version
    )
    before = WorkshopStep.objects.get(pk=six.pk).inputs
    page.goto(f"/workshops/{workshop.pk}/step/6/")
    industry = f"#{fields.slug('trait:industry:value')}-input"
    country = f"#{fields.slug('trait:country:value')}-input"

    # Tabbing into a field does not select its text: a key typed adds to it.
    page.evaluate("window.notReloaded = true")
    page.focus(industry)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(page.locator(industry)).to_be_focused()
    page.keyboard.type(", Telco")
    expect(page.locator(industry)).to_have_value("IT, Telco")

    # Leaving a field saves it; Enter in a single-line field saves that field, and only it
    # (the form is not sent: the page stays, nothing else is written).
    page.focus(country)
    expect(page.locator("#announcer")).to_have_text("Saved")
    page.keyboard.press("End")
    page.keyboard.type(", DK")
    page.keyboard.press("Enter")
    expect(page.locator(country)).to_be_focused()
    page.wait_for_timeout(1_000)
    assert page.evaluate("window.notReloaded") is True
    after = WorkshopStep.objects.get(pk=six.pk).inputs
    traits = {t["key"]: t for t in after["traits"]}
    assert traits["industry"]["value"] == ["IT", "Telco"]
    assert traits["country"]["value"] == ["SE", "DK"]
    # Nothing else was rewritten: the other traits, the criteria and their order.
    changed = ("industry", "country")
    untouched = [t for t in after["traits"] if t["key"] not in changed]
    assert untouched == [t for t in before["traits"] if t["key"] not in changed]
    assert after["criteria"] == before["criteria"]
    new = after["decisions"][len(before["decisions"]) :]
    assert [(d["key"], d["action"]) for d in new] == [
        ("industry", "changed"),
        ("country", "changed"),
    ]
