"""The demo workshop on a laptop (1366×768) and a projector (1920×1080): each step's main
result in view without scrolling, step 6 no taller than three screens, wide tables scrolling
inside their box with the customer name in view, and the "large text" toggle."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from profiles.models import Workshop
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"
# The main result of each step: it must be in the first screen.
MAIN_RESULT = {
    1: "#results table.figures",
    2: "#results .proposal",
    3: "#selection tbody tr:first-child",
    4: "#profile-table tbody tr:nth-child(3)",
    5: "#profile-table tbody tr:nth-child(3)",
    6: "#application table",
}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Workshop.objects.get(organization__slug="demo", title="Kick-off workshop")


def bottom(page, selector) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"]


def page_size(page) -> tuple[int, int]:
    script = "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    return tuple(page.evaluate(script))


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_each_step_shows_its_result_in_the_first_screen(demo, new_page, width, height):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = new_page()
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "leader@demo.example", "demo")
    expect(page.locator("h1")).to_have_text("Demo SaaS AB")
    for number, selector in MAIN_RESULT.items():
        page.goto(f"/workshops/{demo.pk}/step/{number}/")
        expect(page.locator(selector).first).to_be_visible()
        assert bottom(page, selector) <= height, f"step {number}: result below the fold"
        scroll_width, scroll_height = page_size(page)
        assert scroll_width <= width, f"step {number}: the page scrolls sideways"
        if number == 6:
            assert scroll_height <= 3 * height, f"step 6 is {scroll_height} px tall"
        page.screenshot(path=SCREENSHOTS / f"meeting-step{number}-{width}.png", full_page=True)


def test_a_wide_table_scrolls_inside_its_box_with_the_customer_in_view(demo, new_page):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, "leader@demo.example", "demo")
    page.goto(f"/workshops/{demo.pk}/step/5/")
    wrap = page.locator("#table-wrap")
    overflow = wrap.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow > 0  # the buyer table is wider than a laptop screen
    name = page.locator("#profile-table tbody th").first
    left = name.bounding_box()["x"]
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_timeout(200)
    assert abs(name.bounding_box()["x"] - left) < 1  # the name column stays
    assert page_size(page)[0] <= 1366


def test_large_text_for_the_projector_is_remembered(demo, new_page):
    page = new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    sign_in(page, "leader@demo.example", "demo")
    page.goto(f"/workshops/{demo.pk}/step/1/")
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    toggle = page.locator("#text-size")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    larger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert larger >= size * 1.2
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    assert page_size(page)[0] <= 1920
    page.screenshot(path=SCREENSHOTS / "meeting-step1-large-text.png", full_page=True)
    page.locator("#text-size").click()
    expect(page.locator("#text-size")).to_have_attribute("aria-pressed", "false")
