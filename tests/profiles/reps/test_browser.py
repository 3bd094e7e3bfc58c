"""A rep opens the current profile and checks a prospect in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.conftest import sign_in
from tests.profiles.rep_helpers import published_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rep_opens_the_current_profile_and_runs_a_fit_check(team, password, new_page):
    published_profile(team)
    page = new_page()
    sign_in(page, team.rep.user.email, password)
    page.click("nav.main-nav >> text=Current profile")
    expect(page.locator("h1")).to_have_text("Our target customer profile")
    expect(page.locator(".segment-do-or-die")).to_contain_text("Industry is one of IT, Telco")

    page.click(".rep-tabs >> text=Fit check")
    page.evaluate("window.notReloaded = true")
    page.fill("#id_fit-industry", "IT")
    page.fill("#id_fit-employees", "35")
    page.click("button:has-text('Check')")
    expect(page.locator(".fit-segment")).to_have_attribute("data-segment", "do-or-die")
    expect(page.locator(".fit-known")).to_have_text("2 of 4 criteria known")

    page.select_option("#id_fit-customer_type", "B2C")
    page.click("button:has-text('Check')")
    expect(page.locator(".fit-segment")).to_have_attribute("data-segment", "do-not")
    expect(page.locator(".fit-reason")).to_contain_text("Do-not wins")
    assert page.evaluate("window.notReloaded") is True  # answered in place by htmx
