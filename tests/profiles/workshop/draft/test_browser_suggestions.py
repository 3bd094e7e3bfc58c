"""In Chromium: step 6 loads the suggestions and the self-check after the page; a leader adopts
the top suggestion and sees the self-check's figures change."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from profiles.demo import TITLE
from profiles.models import Workshop
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[4] / "test-results"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_leader_adopts_a_suggestion_and_the_self_check_follows(demo, new_page):
    workshop = Workshop.objects.get(title=TITLE, organization__slug="demo")
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, "leader@demo.example", "demo")
    page.select_option("#org-switch", label="Demo SaaS AB")
    expect(page.locator("h1")).to_have_text("Demo SaaS AB")
    page.goto(f"/workshops/{workshop.pk}/step/6/")

    # The demo's published draft catches 9 of its 20 best customers: the check says so.
    best = page.locator("#check-best-do-or-die td.num")
    expect(best).to_have_text("9 of 20 (45%)")
    expect(page.locator("#selfcheck [data-check=best_missed]")).to_contain_text("Loosen")
    page.click("#tab-suggested")  # step 6's tab of the suggestions
    adopt = page.locator("#suggestions-do-or-die button:has-text('Adopt')").first
    expect(adopt).to_be_visible()
    page.locator("#suggestions").screenshot(path=str(SCREENSHOTS / "step6-suggestions.png"))

    page.once("dialog", lambda dialog: dialog.accept())  # it replaces four criteria
    adopt.click()
    expect(page.locator(".message-success")).to_contain_text("part of the draft")
    # The new set holds all 20; one is do-not still, through the draft's "B2C" criterion.
    expect(best).to_have_text("19 of 20 (95%)")
    expect(page.locator("#selfcheck [data-check=best_missed]")).to_have_count(0)
    expect(page.locator("#selfcheck [data-check=best_excluded]")).to_contain_text("B2C")
    expect(page.locator("table.decisions")).to_contain_text("Suggested from data")
    page.locator("#selfcheck").screenshot(path=str(SCREENSHOTS / "step6-selfcheck.png"))
