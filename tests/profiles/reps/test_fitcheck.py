"""The fit check: one prospect by form, the bulk check of a prospect list."""

import io
import re

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portfolio.imports.reading import read_table
from portfolio.parsing.typed import parse_local_number
from profiles.models import SavedFitCheck
from profiles.reps import fitcheck
from tests.profiles.rep_helpers import content, published_profile

# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("attributes", "segment", "known"),
    [
        ({"industry": "it", "employees": 35}, "do-or-die", 2),
        (
            {"industry": "Retail", "employees": 35, "country": "SE", "customer_type": "B2B"},
            "neutral",
            4,
        ),
        ({"industry": "Retail", "customer_type": "B2C"}, "do-not", 2),
        ({"industry": "IT"}, "unknown", 1),
    ],
    ids=["do-or-die", "neutral", "do-not", "unknown"],
)
def test_each_segment_is_reached(attributes, segment, known):
    result = fitcheck.check(content(), attributes)
    assert (result.segment, result.known, result.total) == (segment, known, 4)


def test_unknown_attributes_are_counted_as_unknown_not_missed():
    result = fitcheck.check(content(), {"industry": "IT", "employees": 35})
    outcome = {r.attribute: r.result for r in result.results}
    assert outcome == {
        "industry": "met",
        "employees": "met",
        "country": "unknown",
        "customer_type": "unknown",
    }


def test_do_not_wins_over_do_or_die_and_says_why():
    result = fitcheck.check(content(), {"industry": "IT", "employees": 35, "customer_type": "B2C"})
    assert result.segment == "do-not"
    assert result.reason.code == "conflict_do_not_wins"
    with translation.override("en"):
        text = result.reason_text(fitcheck.labels_for(content()))
    assert "Do-not wins" in text
    assert "Customer type" in text


def test_too_little_known_says_so_instead_of_guessing():
    result = fitcheck.check(content(), {"industry": "IT"})
    assert result.segment == "unknown"
    with translation.override("en"):
        text = result.reason_text(fitcheck.labels_for(content()))
    assert text.startswith("Too little is known to decide: 1 of 4 criteria.")


def test_empty_input_is_unknown_with_nothing_known():
    result = fitcheck.check(content(), {})
    assert (result.segment, result.known, result.total) == ("unknown", 0, 4)
    assert {r.result for r in result.results} == {"unknown"}


def test_attributes_the_profile_does_not_know_are_refused():
    with pytest.raises(fitcheck.UnknownAttributes) as raised:
        fitcheck.check(content(), {"industry": "IT", "shoe_size": 44})
    assert raised.value.names == ["shoe_size"]


def test_attributes_include_the_canonical_fields_the_buyer_columns_and_own_criteria():
    own = {"segment": "neutral", "attribute": "custom_1", "operator": "eq", "value": "yes"}
    traits = [
        {
            "key": "custom_1",
            "label": "Uses SAP",
            "value": "yes",
            "relevant": True,
            "source": "custom",
        }
    ]
    found = {a.key: a for a in fitcheck.attributes_for(content(criteria=[own], traits=traits))}
    assert {"industry", "employees", "seats", "role", "drivers", "custom_1"} <= set(found)
    assert found["custom_1"].label == "Uses SAP"
    assert found["custom_1"].in_profile
    assert not found["industry"].in_profile


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("1.234,5", "de", 1234.5),
        ("1 234,5", "sv", 1234.5),
        ("1,234.5", "en", 1234.5),
        ("35", "zh-hans", 35),
        ("2.5", "en", 2.5),
        ("35", "de", 35),
    ],
)
def test_numbers_are_read_in_the_members_language(text, language, number):
    assert parse_local_number(text, language) == number


def test_text_is_not_a_number():
    with pytest.raises(ValueError):
        parse_local_number("many", "en")


# --------------------------------------------------------------------------- the page


@pytest.mark.django_db
def test_the_form_answers_in_place_with_segment_criteria_and_reason(team):
    published_profile(team)
    client = team.client("rep", enforce_csrf_checks=True)
    page = client.get(reverse("fit_check"))
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("fit_check"),
        {"fit-industry": "IT", "fit-employees": "35", "check": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="fit-result"' in html
    assert "<html" not in html
    assert 'data-segment="do-or-die"' in html
    assert "2 of 4 criteria known" in html
    assert "Vary" in response and "HX-Request" in response["Vary"]
    assert SavedFitCheck.objects.count() == 0  # nothing remembered without saving


@pytest.mark.django_db
def test_german_members_type_german_numbers(team):
    published_profile(team)
    team.rep.user.language = "de"
    team.rep.user.save()
    response = team.client("rep").post(
        reverse("fit_check"), {"fit-industry": "IT", "fit-employees": "1.234,0"}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert {r.attribute: r.result for r in result.results}["employees"] == "missed"


@pytest.mark.django_db
def test_a_wrong_number_is_shown_next_to_its_field(team):
    published_profile(team)
    response = team.client("rep").post(reverse("fit_check"), {"fit-employees": "lots"})
    assert response.status_code == 200
    assert "result" not in response.context
    assert response.context["form"].errors["employees"]


@pytest.mark.django_db
def test_saving_a_check_keeps_the_attributes_and_the_answer(team):
    version = published_profile(team)
    response = team.client("rep").post(
        reverse("fit_check"),
        {"fit-industry": "IT", "fit-customer_type": "B2C", "fit-prospect": "Zeta AB", "save": "1"},
    )
    assert response.status_code == 200
    saved = SavedFitCheck.objects.get()
    assert saved.organization == team.organization
    assert saved.version == version
    assert saved.created_by == team.rep.user
    assert saved.attributes == {"industry": "IT", "customer_type": "B2C"}
    assert (saved.segment, saved.known, saved.total) == ("do-not", 2, 4)
    assert saved.result["version"] == 1
    assert "Zeta AB" in team.client("rep").get(reverse("fit_check")).content.decode()
    assert "Zeta AB" not in team.client("leader").get(reverse("fit_check")).content.decode()


@pytest.mark.django_db
def test_saving_needs_a_prospect_name(team):
    published_profile(team)
    response = team.client("rep").post(reverse("fit_check"), {"fit-industry": "IT", "save": "1"})
    assert response.context["save_error"]
    assert not SavedFitCheck.objects.exists()


@pytest.mark.django_db
def test_without_a_published_profile_the_fit_check_says_so(team):
    response = team.client("rep").get(reverse("fit_check"))
    assert response.status_code == 200
    assert "no published profile" in response.content.decode()


# --------------------------------------------------------------------------- bulk

PROSPECTS = (
    "Company,Industry,Employees,B2B/B2C,Country\n"
    '=HYPERLINK("x"),IT,35,B2B,SE\n'
    "Müller Bäckerei GmbH,Retail,12,B2C,DE\n"
    "Åkerlund & Söner AB,Telco,,B2B,SE\n"
    "北京科技有限公司,IT,40,B2B,CN\n"
)


def _raw():
    return read_table(PROSPECTS.encode(), "prospects.csv")


def test_the_bulk_check_gives_each_row_its_segment_and_criteria():
    raw = _raw()
    mapping = fitcheck.bulk_mapping(raw.columns, content())
    assert mapping["name"] == "Company"
    assert mapping["employees"] == "Employees"
    assert mapping["customer_type"] == "B2B/B2C"
    result = fitcheck.bulk_check(raw, mapping, content())
    table = result.table
    assert result.segments == ["do-or-die", "do-not", "do-or-die", "do-or-die"]
    assert table["ICP segment"].tolist() == ["Do-or-die", "Do-not", "Do-or-die", "Do-or-die"]
    assert table["Criteria known"].tolist() == [4, 4, 3, 4]
    # Headers and answers in words, no code keys ("do-or-die: employees between", "missed").
    header = "Do-or-die: Employees is between"
    assert table[header].tolist() == ["met", "not met", "unknown", "met"]
    assert table["Met"].iloc[0] == "Industry; Employees; Country"
    assert result.counts == {"do-or-die": 3, "neutral": 0, "do-not": 1, "unknown": 0}
    # Employees unknown, but one of two do-or-die criteria known and met is enough.
    assert table["Reason"].iloc[2] == "Meets the do-or-die criteria"


def test_the_same_prospect_gets_the_same_answer_alone_and_in_a_list():
    raw = _raw()
    result = fitcheck.bulk_check(raw, fitcheck.bulk_mapping(raw.columns, content()), content())
    alone = fitcheck.check(
        content(), {"industry": "Telco", "customer_type": "B2B", "country": "SE"}
    )
    assert result.segments[2] == alone.segment


@pytest.mark.django_db
def test_a_rep_uploads_maps_and_downloads_a_prospect_list(team):
    published_profile(team)
    client = team.client("rep")
    upload = io.BytesIO(PROSPECTS.encode())
    upload.name = "prospects.csv"
    response = client.post(reverse("fit_check_bulk"), {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["form"].initial["map_employees"] == "Employees"
    data = {
        f"map_{k}": v or "" for k, v in fitcheck.bulk_mapping(_raw().columns, content()).items()
    }
    data["file_format"] = "xlsx"
    download = client.post(reverse("fit_check_bulk_mapping"), data)
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('.xlsx"')
    table = pd.read_excel(io.BytesIO(download.content), dtype=str, engine="openpyxl")
    assert table["Company"].tolist() == [
        '\'=HYPERLINK("x")',
        "Müller Bäckerei GmbH",
        "Åkerlund & Söner AB",
        "北京科技有限公司",
    ]
    assert table["ICP segment"].tolist() == ["Do-or-die", "Do-not", "Do-or-die", "Do-or-die"]
    assert not [h for h in table.columns if re.search(r"(do-or-die|do-not|neutral):|_", h)]


@pytest.mark.django_db
def test_a_file_that_is_no_table_is_refused(team):
    published_profile(team)
    upload = io.BytesIO(b"%PDF-1.4 not a table")
    upload.name = "prospects.csv"
    response = team.client("rep").post(reverse("fit_check_bulk"), {"file": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


@pytest.mark.django_db
def test_the_mapping_page_without_an_upload_goes_back_to_the_upload(team):
    published_profile(team)
    response = team.client("rep").get(reverse("fit_check_bulk_mapping"))
    assert response.status_code == 302
    assert response["Location"] == reverse("fit_check_bulk")


@pytest.mark.django_db
def test_another_members_upload_is_not_reachable(team):
    published_profile(team)
    upload = io.BytesIO(PROSPECTS.encode())
    upload.name = "prospects.csv"
    team.client("rep").post(reverse("fit_check_bulk"), {"file": upload})
    other = Client()
    other.force_login(team.leader.user)
    assert other.get(reverse("fit_check_bulk_mapping")).status_code == 302


@pytest.mark.django_db
def test_the_fit_check_refuses_a_negative_number_of_employees(team):
    published_profile(team)
    response = team.client("rep").post(reverse("fit_check"), {"fit-employees": "-5"})
    assert response.status_code == 200
    assert "Enter 0 or more." in response.text
    assert 'data-segment="' not in response.text  # no answer from a value that cannot be
