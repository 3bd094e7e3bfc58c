"""Walk steps 1-3 of a workshop on the demo data in Chromium."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from playwright.sync_api import expect

from portfolio.analysis.common import percent_shares
from portfolio.models import Customer
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def share(page, group):
    return page.locator(f"#results td[data-share={group}]")


def shares(thresholds=(5, 20)) -> dict[str, str]:
    """Each size group's share of the active customers' revenue, as step 1 shows it (the demo
    has customers who left, more of them as time passes)."""
    active = Customer.objects.filter(dataset__organization__slug="demo").active_on(
        timezone.localdate()
    )
    small, medium = thresholds
    totals = {
        "small": active.filter(seats__lte=small),
        "medium": active.filter(seats__gt=small, seats__lte=medium),
        "large": active.filter(seats__gt=medium),
    }
    revenue = [q.aggregate(t=Sum("revenue"))["t"] or Decimal(0) for q in totals.values()]
    # Rounded as every page rounds shares: the largest remainder, adding up to 100.0.
    rounded = percent_shares([float(r) for r in revenue])
    return {group: f"{value:.1f}%" for group, value in zip(totals, rounded, strict=True)}


def test_a_leader_walks_steps_one_to_three_on_the_demo_data(demo, new_page):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "leader@demo.example", "demo")
    expect(page.locator("h1")).to_have_text("Demo SaaS AB")  # where the work is

    page.click("nav.main-nav >> text=Workshops")
    page.click("text=New workshop")
    page.fill("#id_title", "Autumn workshop")
    page.fill("#id_date", "2026-11-23")
    page.check("label:has-text('Leo Leader') >> input")
    page.click("button:has-text('Create workshop')")

    expect(page.locator("h1")).to_have_text("Step 1: Group your revenue")
    method = shares()
    expect(share(page, "large")).to_have_text(method["large"])
    expect(page.locator("[data-chart=chart-histogram] .main-svg").first).to_be_visible()
    # A marker on the window survives htmx swaps but not a reload.
    page.evaluate("window.notReloaded = true")
    page.fill("#id_medium_max", "40")
    page.press("#id_medium_max", "Tab")
    expect(share(page, "large")).not_to_have_text(method["large"])
    expect(page.locator("#id_preset")).to_have_value("custom")
    page.select_option("#id_preset", "method")
    expect(share(page, "large")).to_have_text(method["large"])
    expect(page.locator("#id_medium_max")).to_have_value("20")
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, 1)

    page.click("button:has-text('Save and next')")
    expect(page.locator("h1")).to_have_text("Step 2: Find the main revenue stream")
    expect(page.locator(".proposal")).to_contain_text("Proposed main stream: Large (A)")
    for group, expected in method.items():
        expect(share(page, group)).to_have_text(expected)
    expect(page.locator("[data-chart=chart-pie] .main-svg").first).to_be_visible()
    expect(page.locator(".progress-step.is-done")).to_have_count(1)
    screenshot(page, 2)

    page.click("button:has-text('Save and next')")
    expect(page.locator("h1")).to_have_text("Step 3: Pick the best customers")
    # Where the company is comes first: nothing is ranked yet.
    expect(page.locator("[data-warning=stage-first]")).to_contain_text("main stream of step 2")
    page.evaluate("window.notReloaded = true")
    page.select_option("#id_stage", "early")
    expect(page.locator("#id_goal")).to_have_value("growth")
    expect(page.locator("#results .lead")).to_contain_text("ranked by sales cycle")
    # The method's N for a portfolio of a few hundred active customers: 20.
    expect(page.locator("#selection tbody tr")).to_have_count(20)
    page.select_option("#id_n_mode", "10")
    expect(page.locator("#selection tbody tr")).to_have_count(10)
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator(".progress-step.is-done")).to_have_count(3)
    screenshot(page, 3)

    # Moving a limit in step 1 asks steps 2 and 3 for a review.
    page.goto(page.url.replace("/step/3/", "/step/1/"))
    page.select_option("#id_preset", "thirds")
    expect(page.locator(".progress-step.is-review")).to_have_count(2)


def screenshot(page, number):
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 1080})
        page.wait_for_timeout(300)  # plotly redraws responsive charts on resize
        page.screenshot(path=SCREENSHOTS / f"workshop-step{number}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
