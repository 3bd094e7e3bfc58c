"""The reps' pages: the one-pager, the segment lists; reps reach none of the editing views."""

import pytest
from django.urls import reverse

from profiles.models import Publication
from profiles.segments import lists as segment_lists
from tests.factories import CustomerFactory, DatasetFactory
from tests.profiles.rep_helpers import CUSTOMERS, published_profile

pytestmark = pytest.mark.django_db


def test_the_one_pager_shows_traits_criteria_notes_and_publication(team):
    version = published_profile(team)
    response = team.client("rep").get(reverse("current_profile"))
    assert response.status_code == 200
    html = response.content.decode()
    publication = Publication.objects.get(version=version)
    for text in (
        "v1",
        "First profile",
        "Leo Leader",
        "Industry is one of IT, Telco",
        "Our home turf",
        "Employees is between 20–50",
        "Customer type is B2C",
        "We cannot serve consumers",
        "All energy here.",
        "Say no politely.",
        "CTO",
        f'href="{reverse("profile_versions")}"',
        'href="/static/css/print.css" media="print"',
    ):
        assert text in html, text
    assert publication.next_review_date.strftime("%Y") in html
    assert "female" not in html  # a trait marked not relevant is left out


def test_without_a_published_profile_the_page_says_so_and_leaders_get_the_workshops(team):
    rep = team.client("rep").get(reverse("current_profile")).content.decode()
    leader = team.client("leader").get(reverse("current_profile")).content.decode()
    assert "There is no published profile yet" in rep
    assert reverse("workshops") not in rep.split('id="main"')[1]
    assert f'href="{reverse("workshops")}">Go to the workshops' in leader


def test_the_nav_links_to_the_current_profile(team):
    html = team.client("rep").get(reverse("home")).content.decode()
    assert f'href="{reverse("current_profile")}"' in html


def test_a_rep_sees_their_own_portfolio_first(team):
    published_profile(team)
    response = team.client("rep").get(reverse("segment_list"))
    names = [row["name"] for row in response.context["rows"]]
    assert sorted(names) == ["Alpha AB", "Gamma Ltd"]  # owner "Rita Rep" and "rita rep"
    assert response.context["own_owner"] in ("Rita Rep", "rita rep")


def test_all_owners_and_one_segment(team):
    published_profile(team)
    client = team.client("rep")
    everyone = client.get(reverse("segment_list"), {"owner": ""})
    assert len(everyone.context["rows"]) == len(CUSTOMERS)
    do_not = client.get(reverse("segment_list"), {"owner": "", "segment": "do-not"})
    assert [row["name"] for row in do_not.context["rows"]] == ["Delta Shop"]
    assert do_not.context["all_counts"].counts == {
        "do-or-die": 2,
        "neutral": 1,
        "do-not": 1,
        "unknown": 1,
    }


def test_the_list_answers_htmx_with_the_partial(team):
    published_profile(team)
    response = team.client("rep").get(
        reverse("segment_list"), {"owner": ""}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="segment-list"')
    assert "HX-Request" in response["Vary"]


def test_the_list_is_paginated(team):
    version = published_profile(team)
    for number in range(60):
        CustomerFactory(dataset=version.dataset, name=f"Extra {number:02}", owner="Nobody")
    client = team.client("rep")
    first = client.get(reverse("segment_list"), {"owner": ""})
    assert len(first.context["rows"]) == 50
    second = client.get(reverse("segment_list"), {"owner": "", "page": 2})
    assert len(second.context["rows"]) == len(CUSTOMERS) + 60 - 50


def test_segments_come_from_the_profiles_own_dataset_not_a_newer_import(team):
    version = published_profile(team)
    newer = DatasetFactory(organization=team.organization)
    CustomerFactory(dataset=newer, name="Newer customer")
    assert segment_lists.segment_dataset(team.organization, version) == version.dataset


def test_another_organisations_members_see_their_own_nothing(team):
    published_profile(team)
    response = team.client("outsider").get(reverse("segment_list"))
    assert "There is no published profile yet" in response.content.decode()
