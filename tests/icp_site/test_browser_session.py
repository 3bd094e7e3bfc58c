"""What only a browser shows: the whole sign-in, language, members, sign-out round."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from icp_site.models import Membership, Role
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_signs_in_switches_language_invites_a_member_and_signs_out(
    team, password, new_page
):
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
    page.fill("#id_email", "nina@example.com")
    page.select_option("#id_role", Role.LEADER)
    page.click("button:has-text('Send invitation')")
    expect(page.locator(".message-success")).to_contain_text("invitation was sent")
    expect(page.locator("tr", has_text="nina@example.com")).to_contain_text("Re-send")
    assert not Membership.objects.filter(user__email="nina@example.com").exists()

    # Nina opens the link from her e-mail, creates her account and joins.
    [invitation] = mail.outbox
    link = re.search(r"https?://\S+/invitations/\S+/", invitation.body).group(0)
    nina = new_page()
    nina.goto(link)
    expect(nina.locator("main")).to_contain_text("You are invited to join Acme AB")
    nina.fill("#id_name", "Nina New")
    nina.fill("#id_password1", "a long passphrase 42")
    nina.fill("#id_password2", "a long passphrase 42")
    nina.click("button:has-text('Create account and join')")
    expect(nina.locator(".message-success")).to_contain_text("You joined Acme AB")
    assert Membership.objects.get(user__email="nina@example.com").role == Role.LEADER

    page.reload()
    # The role select submits itself on change (static/js/app.js).
    row = page.locator("tr", has_text="nina@example.com")
    row.locator("select").select_option(Role.REP)
    expect(page.locator(".message-success")).to_contain_text("role of Nina New was changed")
    assert Membership.objects.get(user__email="nina@example.com").role == Role.REP

    page.click("button:has-text('Sign out')")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
