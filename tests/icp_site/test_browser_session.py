"""What only a browser shows: the whole sign-in, language, members, sign-out round."""

import re

import pytest
from playwright.sync_api import expect

from icp_site.models import Membership, Role
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_signs_in_switches_language_adds_a_member_and_signs_out(team, password, new_page):
    page = new_page()
    sign_in(page, team.admin.user.email, password)
    expect(page.locator("h1")).to_have_text("Acme AB")
    nav = page.locator("nav.main-nav")
    for label in ("Workshops", "Current profile", "Customers", "Reviews", "Members"):
        expect(nav).to_contain_text(label)

    # Choosing in the drop-down changes nothing yet (WCAG 3.2.2); the button does.
    page.select_option("#language-switch", "de")
    page.wait_for_timeout(300)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("button:has-text('Change language')")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.select_option("#language-switch", "en")
    page.click("#language-switch ~ button")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.click("nav.main-nav >> text=Members")
    page.fill("#id_name", "Nina New")
    page.fill("#id_email", "nina@example.com")
    page.select_option("#id_role", Role.LEADER)
    page.click("button:has-text('Add member')")
    expect(page.locator(".message-success")).to_contain_text("Nina New was added")
    assert Membership.objects.get(user__email="nina@example.com").role == Role.LEADER

    # The role select submits itself on change (static/js/app.js).
    row = page.locator("tr", has_text="nina@example.com")
    row.locator("select").select_option(Role.REP)
    expect(page.locator(".message-success")).to_contain_text("role of Nina New was changed")
    assert Membership.objects.get(user__email="nina@example.com").role == Role.REP

    page.click("button:has-text('Sign out')")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
