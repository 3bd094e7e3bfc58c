"""No code key on any page of the six steps (and their presenting views) in German, Swedish
and Chinese: no field name such as customer_type, no stored criterion key such as
do-not:customer_type:eq, no choice value such as "challenger" where the language has a word."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from profiles.models import Workshop
from profiles.versions import traits

pytestmark = pytest.mark.django_db

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # customer_type, market_position
CRITERION_KEY = re.compile(r"\b[a-z-]+:[a-z_]+:[a-z_]+\b")  # do-not:customer_type:eq
EMAIL = re.compile(r"\S+@\S+")  # leader@demo.example is a name, not a key
HIDDEN = {"script", "style", "template", "title"}
SHOWN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "value"}


class _Text(HTMLParser):
    """The text a person reads (or hears) on a page: the content, labels, button values."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        kind = dict(attrs).get("type", "text")
        # A value is read on a text field or an input button; a <button>'s or an <option>'s
        # value is what the form sends (a key), its text is read below.
        value_shown = tag == "input" and kind not in ("hidden", "checkbox", "radio")
        self.parts += [
            v for k, v in attrs if v and k in SHOWN_ATTRIBUTES and (k != "value" or value_shown)
        ]

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def choice_keys(language: str) -> set[str]:
    """The built-in choice values whose word differs from the key in `language`."""
    keys = set()
    with translation.override(language):
        for column in (*traits.COMPANY_COLUMNS, *traits.BUYER_COLUMNS):
            # DISC's letters D, I, S, C are the same in every language.
            # A key its own word contains ("N-4 oder tiefer") says nothing either way.
            keys |= {k for k, label in column.choices if k not in str(label) and len(k) > 1}
    return keys


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Workshop.objects.get(organization__slug="demo", title="Kick-off workshop")


def sign_in_reading(client, language):
    """The demo leader signed in with `language`; the pattern of that language's choice keys."""
    leader = get_user_model().objects.get(email="leader@demo.example")
    leader.language = language
    leader.save()
    client.force_login(leader)
    words = choice_keys(language)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(words))) + r")(?![\w-])")


@pytest.mark.parametrize("language", ["de", "sv", "zh-hans"])
def test_no_page_of_the_six_steps_shows_a_code_key(demo, client, language):
    choice = sign_in_reading(client, language)
    for number in range(1, 7):
        for name in ("workshop_step", "meeting_present"):
            response = client.get(reverse(name, args=[demo.pk, number]))
            assert response.status_code == 200
            assert response.text.count(f'lang="{language}"'), "not in the member's language"
            text = EMAIL.sub(" ", visible_text(response.text))
            found = SNAKE.findall(text) + CRITERION_KEY.findall(text) + choice.findall(text)
            assert found == [], f"{name} {number} in {language}: {sorted(set(found))}"


@pytest.mark.parametrize("language", ["de", "zh-hans"])
def test_no_page_a_rep_or_leader_reads_shows_a_choice_key(demo, client, language):
    """The customers, the analyses, the current profile, the fit check and the segment list."""
    choice = sign_in_reading(client, language)
    # (The list's own page is left out: it shows the file's headers, which in the demo's file
    # are customer_type and the like.)
    pages = [
        reverse("customers"),
        reverse("analysis"),
        reverse("current_profile"),
        reverse("fit_check"),
        reverse("segment_list"),
        reverse("meeting_agenda", args=[demo.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = EMAIL.sub(" ", visible_text(response.text))
        found = SNAKE.findall(text) + CRITERION_KEY.findall(text) + choice.findall(text)
        assert found == [], f"{url} in {language}: {sorted(set(found))}"
