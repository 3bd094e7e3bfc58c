"""A leader walks steps 1-6 of the demo workshop in German: step 3 picks from the main stream
chosen in step 2, and no code key reaches any page of the walk."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from playwright.sync_api import expect

from portfolio.models import Customer
from profiles.demo import TITLE
from profiles.models import Workshop
from profiles.workshop.picking import CRITERION_LABELS
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"

# A code key is written in snake case (market_position, sales_cycle_days, decided_signed …)
# or is one of the choice keys people would otherwise read in English.
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
CHOICE_KEYS = ("hyper-growth", "challenger", "newcomer", "question_mark", "free_rider")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Workshop.objects.get(title=TITLE, organization__slug="demo")


def no_code_keys(page, where: str) -> None:
    text = page.locator("main").inner_text()
    assert not SNAKE.findall(text), f"{where}: {SNAKE.findall(text)[:5]}"
    found = [key for key in CHOICE_KEYS if re.search(rf"(?<![\w-]){key}(?![\w-])", text)]
    assert not found, f"{where}: {found}"
    # The live bar and the log quote values: „grown“ would be a key, „Gewachsen …“ is not.
    quoted = re.findall(r"„([a-z][a-z_-]*)“", text)
    assert not quoted, f"{where}: {quoted}"


def test_a_german_leader_walks_the_six_steps_and_step3_follows_step2(demo, new_page):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, "leader@demo.example", "demo")
    page.select_option("#language-switch", "de")
    page.click("#language-switch ~ button")
    expect(page.locator("html")).to_have_attribute("lang", "de")

    page.goto(f"/workshops/{demo.pk}/step/1/")
    expect(page.locator("h1")).to_contain_text("Schritt 1")
    expect(page.locator(".former-note")).to_contain_text("ehemalige Kunden")
    no_code_keys(page, "step 1")

    # Step 2: the team takes the medium customers as its main stream, with a reason.
    page.goto(f"/workshops/{demo.pk}/step/2/")
    expect(page.locator("h1")).to_contain_text("Schritt 2")
    page.fill("#id_reason", "Schnellere Abschlüsse")
    page.press("#id_reason", "Tab")
    page.select_option("#id_main_group", "medium")
    expect(page.locator("[data-warning=pool-change]")).to_be_visible()
    no_code_keys(page, "step 2")

    # Step 3 starts from that stream: every pick is an active medium customer.
    page.click("[data-warning=pool-change] a")
    expect(page.locator("h1")).to_contain_text("Schritt 3")
    expect(page.locator("[data-warning=pick-change]")).to_be_visible()
    page.select_option("#id_stage", "grown")
    expect(page.locator("#id_goal")).to_have_value("profitability")
    expect(page.locator("#results .lead")).to_contain_text("Mittel")
    with translation.override("de"):
        margin = str(CRITERION_LABELS["margin"])
    # The pick by margin has arrived (the revenue pick has 20 rows too).
    expect(page.locator("#results .lead")).to_contain_text(margin)
    rows = page.locator("#selection tbody tr")
    expect(rows).to_have_count(20)
    picked = {row.split("\t")[1].rsplit(" ", 1)[0] for row in rows.all_inner_texts()}
    medium = set(
        Customer.objects.in_dataset(demo.dataset)
        .active_on(timezone.localdate())
        .filter(seats__gt=5, seats__lte=20)
        .values_list("name", flat=True)
    )
    assert picked <= medium
    no_code_keys(page, "step 3")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "german-walk-step3.png", full_page=True)
    page.click("button:has-text('Speichern und weiter')")

    for number in (4, 5, 6):
        if number > 4:
            page.goto(f"/workshops/{demo.pk}/step/{number}/")
        expect(page.locator("h1")).to_contain_text(f"Schritt {number}")
        no_code_keys(page, f"step {number}")
        page.screenshot(path=SCREENSHOTS / f"german-walk-step{number}.png", full_page=True)
