"""The four languages in Chromium: a workshop step and the current profile switch language
with the header's select, with translated headings and numbers and dates in local format."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from playwright.sync_api import expect

from profiles.demo import TITLE
from profiles.models import Workshop
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-results"
# Step 1 of the demo workshop: the large customers bring 1,439,999 (60.0 % of the revenue).
# The large group's revenue is 1,439,999.60: shown whole it rounds to 1,440,000 (it used to
# be truncated to 1,439,999).
NUMBERS = {
    "de": ("1.440.000", "60,0"),
    "sv": ("1 440 000", "60,0"),
    "zh-hans": ("1,440,000", "60.0"),
    "en": ("1,440,000", "60.0"),
}


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
    expect(page.locator("html")).to_have_attribute("lang", language)


def text(locator) -> str:
    return locator.inner_text().replace("\u00a0", " ").replace("\u202f", " ")


def fits_the_window(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_leader_reads_a_step_and_the_profile_in_all_four_languages(demo, new_page):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "leader@demo.example", "demo")
    page.select_option("#org-switch", label="Demo SaaS AB")
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
        revenue, share = NUMBERS[language]
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
    page.select_option("#org-switch", label="Demo SaaS AB")
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
