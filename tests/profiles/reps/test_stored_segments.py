"""The reps' pages on the stored segments: the list's SQL filters and pages, the Excel export
of a long list in the worker, the API's lists of a segment, the fit check of an existing
customer, and an honest one-pager."""

import io
import re

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse

from portfolio.imports.reading import read_table
from profiles.models import SegmentExport
from profiles.reps import fitcheck
from profiles.workshop.tables import services as table_services
from tests.factories import ApiTokenFactory, ProfileVersionFactory, profile_content, publish
from tests.profiles.rep_helpers import content, published_profile
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = pytest.mark.django_db

LIST = "/profile/segments/"
CUSTOMERS_API = "/api/profile/current/customers"


def names(html: str) -> list[str]:
    return re.findall(r'fit-check/\?customer=\d+">([^<]+)</a>', html)


# --------------------------------------------------------------------------- the list


def test_the_list_filters_searches_and_counts_in_the_database(team):
    published_profile(team)
    client = team.client("rep")
    html = client.get(LIST, {"owner": "RITA REP "}, HTTP_HX_REQUEST="true").text
    assert names(html) == ["Alpha AB", "Gamma Ltd"]  # "Rita Rep" and "rita rep"
    html = client.get(LIST, {"owner": "", "q": "ta"}, HTTP_HX_REQUEST="true").text
    assert names(html) == ["Beta GmbH", "Delta Shop"]
    assert "Do-or-die: 1" in html and "Do-not: 1" in html and "Neutral: 0" in html
    html = client.get(LIST, {"owner": "", "segment": "do-not"}, HTTP_HX_REQUEST="true").text
    assert names(html) == ["Delta Shop"]


@override_settings(SEGMENTS_INLINE_CUSTOMERS=-1)  # every list is a large one
def test_while_a_large_list_is_computed_the_page_says_so(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        published_profile(team)
        html = team.client("rep").get(LIST).text
    assert "The list appears here in a moment." in html
    assert 'hx-trigger="every 3s"' in html


# --------------------------------------------------------------------------- exports


@override_settings(XLSX_INLINE_ROWS=3)
def test_a_long_excel_export_is_written_by_the_worker(team, django_capture_on_commit_callbacks):
    published_profile(team)
    client = team.client("rep")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("segment_list_export"), {"owner": "", "format": "xlsx"})
    job = SegmentExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("segment_export_status", args=[job.pk])
    assert (job.state, job.rows_done, job.rows_total) == ("ready", 5, 5)
    page = client.get(response["Location"]).text
    assert "The file with 5 customers is ready." in page
    download = client.get(reverse("segment_export_download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Customer ID", "Name") and len(rows) == 6
    assert "'=HYPERLINK(1)" in [row[1] for row in rows]  # formula-safe
    # Only the member who asked may fetch it; a short list is answered at once.
    assert team.client("leader").get(response["Location"]).status_code == 404
    short = client.get(
        reverse("segment_list_export"), {"segment": "do-or-die", "owner": "", "format": "xlsx"}
    )
    assert short.status_code == 200 and SegmentExport.objects.count() == 1


@override_settings(XLSX_INLINE_ROWS=3)
def test_the_export_page_shows_progress_while_the_worker_writes(team):
    published_profile(team)
    client = team.client("rep")
    response = client.get(reverse("segment_list_export"), {"owner": "", "format": "xlsx"})
    job = SegmentExport.objects.get()  # queued: the task runs on commit
    assert job.state == "queued"
    html = client.get(response["Location"], HTTP_HX_REQUEST="true").text
    assert "0 of 5 customers written." in html and 'hx-trigger="every 2s"' in html
    assert client.get(reverse("segment_export_download", args=[job.pk])).status_code == 404


# --------------------------------------------------------------------------- the API


def test_the_api_lists_the_customers_of_a_segment_page_by_page(team):
    published_profile(team)
    token = ApiTokenFactory(membership=team.rep)
    client = team.client("rep")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"}
    first = client.get(CUSTOMERS_API, {"page_size": 3}, **auth).json()
    assert (first["count"], first["pages"], first["page"], first["segment"]) == (5, 2, 1, None)
    assert [c["external_id"] for c in first["customers"]] == ["E-5", "A-1", "B-2"]
    assert set(first["customers"][0]) == {"external_id", "name", "segment"}
    second = client.get(first["next"], **auth).json()
    assert [c["name"] for c in second["customers"]] == ["Delta Shop", "Gamma Ltd"]
    assert second["next"] is None and second["previous"].endswith("page=1&page_size=3")
    dod = client.get(CUSTOMERS_API, {"segment": "do-or-die"}, **auth).json()
    assert [(c["external_id"], c["segment"]) for c in dod["customers"]] == [
        ("A-1", "do-or-die"),
        ("B-2", "do-or-die"),
    ]


@pytest.mark.parametrize(
    "query",
    [{"segment": "gold"}, {"page": "0"}, {"page_size": "5000"}, {"page": "x"}],
)
def test_the_api_refuses_a_bad_question_with_json(team, query):
    published_profile(team)
    response = team.client("rep").get(CUSTOMERS_API, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json" and response.json()["error"]


def test_the_api_list_is_the_members_organisations(team):
    published_profile(team)
    response = team.client("outsider").get(CUSTOMERS_API)
    assert response.status_code == 404 and "error" in response.json()
    assert team.client("rep").get(CUSTOMERS_API, {"page": 9}).status_code == 404


# --------------------------------------------------------------------------- fit check


def test_the_fit_check_of_an_existing_customer_answers_as_the_list(team):
    version = published_profile(team)
    customer = version.dataset.customers.get(external_id="A-1")
    html = team.client("rep").get(reverse("fit_check"), {"customer": customer.pk}).text
    assert 'data-segment="do-or-die"' in html
    assert 'value="Alpha AB"' in html and 'value="30"' in html  # the form holds its values
    other = team.client("outsider").get(reverse("fit_check"), {"customer": customer.pk})
    assert other.status_code == 200 and "Alpha AB" not in other.text  # no profile there


def test_the_bulk_check_reads_growth_as_the_import_does():
    profile = content(
        criteria=[
            {"segment": "neutral", "attribute": "growth", "operator": "in", "value": ["moderate"]},
            {"segment": "do-not", "attribute": "employees", "operator": "lt", "value": 10},
        ]
    )
    raw = read_table(
        b"Company,Growth,Employees\nA,moderate,50\nB,Hyper-growth,5\nC,12 %,\n", "p.csv"
    )
    result = fitcheck.bulk_check(raw, fitcheck.bulk_mapping(raw.columns, profile), profile)
    assert result.problem_rows == 0
    assert result.table["Neutral: Growth is"].tolist() == ["met", "not met", "not met"]
    assert result.segments == ["neutral", "do-not", "neutral"]


# --------------------------------------------------------------------------- the one-pager


def test_the_one_pager_is_honest(team):
    overrides = {
        "traits": [
            {
                "key": "employees",
                "label": "Employees",
                "value": [35, 65],
                "relevant": True,
                "source": "company",
            },
            {
                "key": "industry",
                "label": "Industry",
                "value": "IT",
                "relevant": True,
                "source": "company",
            },
        ]
    }
    version = published_profile(team, content_overrides=overrides)
    html = team.client("rep").get(reverse("current_profile")).text
    # The company box shows the range the criteria apply (20–50), not the trait's 35–65.
    assert "35" not in re.sub(r"<[^>]+>", " ", html.split("traits-grid")[1]).split("Buyer")[0]
    assert html.count("20–50") >= 2
    # The segment counts are the stored segments'.
    assert 'data-segment-count="do-or-die">2 customers in our list' in html
    assert 'data-segment-count="do-not">1 customer in our list' in html
    assert version.dataset is not None


def test_each_trait_shows_its_evidence_and_a_thin_one_is_weak(team):
    workshop = workshop_with_best_customers(team.organization)
    table_services.profile_rows_sync(workshop=workshop, table="company")
    traits = [
        {
            "key": "industry",
            "label": "Industry",
            "value": "IT",
            "relevant": True,
            "source": "company",
        },
        {
            "key": "country",
            "label": "Country",
            "value": "FI",
            "relevant": True,
            "source": "company",
        },
    ]
    version = ProfileVersionFactory(
        workshop=workshop,
        author=team.leader.user,
        content=profile_content(traits=traits, criteria=[]),
    )
    publish(version, team.leader.user)
    html = team.client("rep").get(reverse("current_profile")).text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "IT · 3 of 4 best customers" in text
    assert "FI · 1 of 4 best customers weak evidence" in text
    assert "100 %" not in text
