"""What the reps read per segment and about the buyer, in the method's words."""

import pytest
from django.urls import reverse

from profiles.versions.guidance import buyer_guidance
from tests.profiles.rep_helpers import TRAITS, published_profile

pytestmark = pytest.mark.django_db

BUYER = [
    {"key": "disc", "label": "DISC", "value": ["D", "C"], "relevant": True, "source": "buyer"},
    {"key": "drivers", "label": "Drivers", "value": ["money"], "relevant": True, "source": "buyer"},
]


def test_guidance_covers_each_disc_type_and_driver_of_the_profile_with_the_models_colours():
    lines = buyer_guidance([*BUYER, {"key": "disc", "value": "S", "relevant": False}])
    assert [(line["key"], line["colour"]) for line in lines] == [
        ("D", "red"),
        ("C", "blue"),
        ("money", ""),
    ]
    assert lines[0]["text"].startswith("Be brief and direct")
    assert lines[1]["text"].startswith("Bring data and detail")


def test_the_one_pager_says_what_to_do_per_segment_and_how_to_talk_to_the_buyer(team):
    published_profile(team, content_overrides={"traits": [*TRAITS, *BUYER]})
    text = team.client("rep").get(reverse("current_profile")).text
    assert "The target customer profile: put all your energy here." in text
    assert "The grey zone: give them some time, not too much." in text
    assert (
        "Don&#x27;t spend time on them: take them only if they come on their own and lose you "
        "nothing." in text
    )
    assert 'data-guidance="disc-D"' in text and "disc-badge-red" in text
    assert 'data-guidance="disc-C"' in text and "disc-badge-blue" in text
    assert "Show the money: savings, extra revenue, payback time." in text
    segments = team.client("rep").get(reverse("segment_list")).text
    assert 'id="segment-actions"' in segments and "lose you nothing" in segments
