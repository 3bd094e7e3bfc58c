"""What axe does not check: the focus ring on the blue header and on every kind of field, the
"not relevant" traits at full contrast, and a chart's data table one link away."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from icp_site.models import User
from profiles.demo import TITLE
from profiles.models import Workshop
from tests.accessibility.test_browser_axe import _new_context, _session_cookie
from tests.portfolio.charts.test_palette import contrast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RING = """
(el) => {
  const style = getComputedStyle(el);
  return {visible: el.matches(":focus-visible"), colour: style.outlineColor,
          width: style.outlineWidth, style: style.outlineStyle};
}
"""


def hex_colour(css: str) -> str:
    red, green, blue = (int(part) for part in css[css.index("(") + 1 : -1].split(",")[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


@pytest.fixture
def leader_page(settings, chromium, live_server):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    workshop = Workshop.objects.get(title=TITLE)
    context = _new_context(chromium, live_server.url)
    user = User.objects.get(email="leader@demo.example")
    context.add_cookies([_session_cookie(user, workshop.organization, live_server.url)])
    yield context.new_page(), workshop
    context.close()


def test_the_focus_ring_stands_out_on_the_header_and_on_every_field(leader_page):
    page, workshop = leader_page
    page.goto(reverse("workshop_step", args=[workshop.pk, 2]))
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand, on the blue header
    brand = page.locator(".site-header .brand")
    ring = brand.evaluate(RING)
    header = page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert ring["visible"] and ring["style"] == "solid" and ring["width"] == "3px"
    assert contrast(hex_colour(ring["colour"]), hex_colour(header)) >= 3

    page.locator("#id_reason").focus()  # a text area
    ring = page.locator("#id_reason").evaluate(RING)
    assert ring["visible"] and ring["width"] == "3px"
    assert contrast(hex_colour(ring["colour"]), "#ffffff") >= 3

    page.goto(reverse("workshop_step", args=[workshop.pk, 1]))
    page.locator("#chart-histogram-summary").wait_for()
    summary = page.locator("details.chart-data > summary")
    summary.focus()
    ring = summary.evaluate(RING)
    assert ring["width"] == "3px" and contrast(hex_colour(ring["colour"]), "#ffffff") >= 3


def test_a_charts_data_table_opens_from_its_link(leader_page):
    page, workshop = leader_page
    page.goto(reverse("workshop_step", args=[workshop.pk, 1]))
    expect(page.locator("#chart-histogram-summary")).to_contain_text("customers are small")
    expect(page.locator("#histogram-table")).to_be_hidden()
    page.locator("#chart-histogram-summary a").click()
    expect(page.locator("#histogram-table")).to_be_visible()
    assert page.locator("[data-chart] .modebar").count() == 0


def test_a_trait_switched_off_is_struck_through_and_labelled_at_full_contrast(leader_page):
    page, workshop = leader_page
    page.goto(reverse("workshop_step", args=[workshop.pk, 6]))
    row = page.locator(".traits-table tbody tr:visible").first
    label = row.locator(".dropped-label")
    checkbox = row.locator(".relevant-cell input[type=checkbox]")
    checkbox.check()
    expect(label).to_be_hidden()
    checkbox.uncheck()
    expect(label).to_be_visible()
    # Both saves answered before the test ends: a save still running while the database is
    # flushed deadlocked the flush once on a loaded machine.
    page.wait_for_load_state("networkidle")
    styles = row.evaluate(
        """(tr) => Array.from(tr.querySelectorAll("th, td")).map((cell) => ({
             opacity: getComputedStyle(cell).opacity,
             colour: getComputedStyle(cell).color,
             line: getComputedStyle(cell).textDecorationLine}))"""
    )
    assert all(s["opacity"] == "1" for s in styles)
    assert styles[0]["line"] == "line-through"
    assert contrast(hex_colour(styles[0]["colour"]), "#ffffff") >= 4.5
