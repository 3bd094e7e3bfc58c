"""The four languages in Chromium: a workshop step and the current profile switch language
with the header's select, with translated headings and numbers and dates in local format."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from playwright.sync_api import expect

from portfolio.analysis.common import percent_shares
from portfolio.models import Customer
from profiles.demo import TITLE
from profiles.models import Workshop
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-results"


def large_group_figures(workshop, language: str) -> tuple[str, str]:
    """Step 1 of the demo workshop in `language`: the large group's revenue, shown whole (the
    cents rounded, never truncated), and its share of the revenue, of the active customers
    (the demo has customers who left, more of them as time passes)."""
    active = Customer.objects.in_dataset(workshop.dataset).active_on(timezone.localdate())
    groups = [active.filter(seats__lte=5), active.filter(seats__gt=5, seats__lte=20)]
    large = active.filter(seats__gt=20).aggregate(total=Sum("revenue"))["total"]
    others = [float(q.aggregate(total=Sum("revenue"))["total"]) for q in groups]
    # Shares rounded as every page rounds them: the largest remainder, adding up to 100.0.
    share = Decimal(f"{percent_shares([*others, float(large)])[-1]:.1f}")
    with translation.override(language):
        revenue = number_format(large.quantize(Decimal(1), ROUND_HALF_UP), 0, force_grouping=True)
        shown = number_format(share, 1)
    return plain(revenue), plain(shown)


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def translated(language: str, english: str, **values) -> str:
    """The catalogue's translation as it is now: the translators are still at work."""
    with translation.override(language):
        return gettext(english) % values if values else gettext(english)


def step_heading(language: str) -> str:
    title = translated(language, "Group your revenue")
    return translated(language, "Step %(number)s: %(title)s", number=1, title=title)


def switch_language(page, language: str) -> None:
    page.select_option("#language-switch", language)
    page.click("#language-switch ~ button")
    expect(page.locator("html")).to_have_attribute("lang", language)


def text(locator) -> str:
    return locator.inner_text().replace("\u00a0", " ").replace("\u202f", " ")


def fits_the_window(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_leader_reads_a_step_and_the_profile_in_all_four_languages(demo, new_page):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "leader@demo.example", "demo")
    # The leader lands in the organisation with the workshop, not the alphabetically first.
    expect(page.locator("h1")).to_have_text("Demo SaaS AB")
    workshop = Workshop.objects.get(title=TITLE, organization__slug="demo")
    step1 = reverse("workshop_step", args=[workshop.pk, 1])
    published = timezone.localdate()

    page.goto(step1)
    for language in ("de", "sv", "zh-hans", "en"):
        switch_language(page, language)
        heading = step_heading(language)
        if language != "en":
            assert heading != step_heading("en")
        expect(page.locator("h1")).to_have_text(heading)
        large = page.locator("#results tr:has(td[data-share=large]) td.num")
        revenue, share = large_group_figures(workshop, language)
        assert revenue in text(large.nth(3))
        assert text(large.nth(4)).startswith(share)
        assert fits_the_window(page)
        page.screenshot(path=SCREENSHOTS / f"languages-step1-{language}.png", full_page=True)

        page.goto(reverse("current_profile"))
        heading = translated(language, "Our target customer profile")
        if language != "en":
            assert heading != "Our target customer profile"
        expect(page.locator("h1")).to_have_text(heading)
        with translation.override(language):
            expect(page.locator("main")).to_contain_text(date_format(published, "DATE_FORMAT"))
        assert fits_the_window(page)
        page.screenshot(path=SCREENSHOTS / f"languages-profile-{language}.png", full_page=True)
        page.goto(step1)


@pytest.mark.parametrize("language", ["de", "zh-hans"])
def test_long_german_words_and_chinese_text_keep_the_pages_in_the_window(demo, new_page, language):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "leader@demo.example", "demo")
    expect(page.locator("h1")).to_have_text("Demo SaaS AB")
    switch_language(page, language)
    workshop = Workshop.objects.get(title=TITLE, organization__slug="demo")
    for name, url in (
        ("step4", reverse("workshop_step", args=[workshop.pk, 4])),
        ("customers", reverse("customers")),
    ):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert fits_the_window(page), name
        page.screenshot(path=SCREENSHOTS / f"languages-{name}-{language}.png", full_page=True)
