"""The meeting room in Chromium: the facilitator moves the room and a participant who follows
is taken along; the presenting view of every step fits a laptop and a projector screen."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from profiles.models import Workshop
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.profiles.helpers import workshop_with_customers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"
FOLLOWED_WITHIN_MS = 6_000


def test_the_facilitator_moves_the_room_and_a_participant_follows(team, new_page):
    workshop = workshop_with_customers(team.organization)
    leo, ada = new_page(), new_page()
    for page, member in ((leo, team.leader), (ada, team.admin)):
        page.set_viewport_size({"width": 1366, "height": 768})
        sign_in(page, member.user.email, PASSWORD)
        expect(page.locator(".user-name")).to_contain_text(member.user.name)
    leo.goto(f"/workshops/{workshop.pk}/step/1/")
    leo.click("#room-bar button[value=take]")
    expect(leo.locator("#room-bar")).to_contain_text("You facilitate.")
    expect(leo.locator("#room-bar")).to_contain_text("The room is at step 1.")

    ada.goto(f"/workshops/{workshop.pk}/step/1/")
    expect(ada.locator("#room-bar")).to_contain_text("Leo Leader facilitates.")
    expect(ada.locator("[data-room-follow]")).to_be_checked()
    leo.click("#room-bar button[value=next]")
    expect(leo).to_have_url(re.compile(rf"/workshops/{workshop.pk}/step/2/$"))
    # The participant's page follows by itself, through the live poll.
    expect(ada).to_have_url(
        re.compile(rf"/workshops/{workshop.pk}/step/2/$"), timeout=FOLLOWED_WITHIN_MS
    )
    expect(ada.locator("#room-bar [role=timer]")).to_be_visible()

    # One who stops following stays where they are; the bar offers the way back.
    ada.uncheck("[data-room-follow]")
    leo.click("#room-bar button[value=next]")
    expect(ada.locator("#room-bar")).to_contain_text(
        "The room is at step 3.", timeout=FOLLOWED_WITHIN_MS
    )
    assert ada.url.endswith(f"/workshops/{workshop.pk}/step/2/")
    ada.click("#room-bar .room-back")
    expect(ada).to_have_url(re.compile(rf"/workshops/{workshop.pk}/step/3/$"))


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Workshop.objects.get(organization__slug="demo", title="Kick-off workshop")


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_the_presenting_view_of_every_step_fits_the_screen(demo, new_page, width, height):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = new_page()
    errors = []  # a script error on any page of the walk (the "Share chart" kind) fails it
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "leader@demo.example", "demo")
    expect(page.locator("h1")).to_have_text("Demo SaaS AB")
    page.goto(f"/workshops/{demo.pk}/step/1/")
    page.keyboard.press("p")  # one key turns the step into the projector view
    expect(page).to_have_url(re.compile(rf"/workshops/{demo.pk}/step/1/present/$"))
    for number in range(1, 7):
        page.goto(f"/workshops/{demo.pk}/step/{number}/present/")
        expect(page.locator(".present-question")).to_be_visible()
        expect(page.locator(".site-header")).to_have_count(0)  # no navigation chrome
        size = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        assert size[0] <= width and size[1] <= height, f"step {number} scrolls: {size}"
        # Nothing cut off either: the chart's summary (or the table) and the decision in view.
        for selector in (".present-main > :last-child", ".present-decision li"):
            box = page.locator(selector).last.bounding_box()
            assert box and box["y"] + box["height"] <= height, f"step {number}: {selector} cut"
        question = page.locator(".present-question").evaluate(
            "el => parseFloat(getComputedStyle(el).fontSize)"
        )
        assert question >= 28, f"step {number}: the question is {question}px"
        page.screenshot(path=SCREENSHOTS / f"present-step{number}-{width}.png")
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"/workshops/{demo.pk}/step/6/$"))
    assert errors == []


def test_the_one_pager_prints_on_one_a4_page_from_the_browser(demo, new_page):
    page = new_page()
    sign_in(page, "rep@demo.example", "demo")
    page.goto("/profile/")
    expect(page.locator("[data-print]")).to_be_visible()  # its own Print button
    pdf = page.pdf(format="A4", print_background=True)  # what the browser prints
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
