"""Exports: segment lists and the CRM file are formula-safe and keep Unicode names."""

import io

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from tests.profiles.rep_helpers import CUSTOMERS, published_profile

pytestmark = pytest.mark.django_db

UNICODE = [
    ("Müller & Söhne Straßenbau GmbH", "DE-1", "IT", 30, "DE", "B2B", "Rita Rep"),
    ("Åsa Öberg Ärende AB", "SE-2", "Telco", 25, "SE", "B2B", "Rita Rep"),
    ("深圳市腾飞科技有限公司", "CN-3", "IT", 40, "CN", "B2C", "李明"),
    ("@SUM(A1)", "+46", "IT", 30, "SE", "B2B", "-Mallory"),
]


def _csv(response) -> pd.DataFrame:
    assert response.streaming  # read from the database as it is sent
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel
    assert b"\r\n" in content and b"\n" not in content.replace(b"\r\n", b"")
    return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.mark.parametrize(
    ("layout", "headers"),
    [
        ("hubspot", ["Record ID", "Company name", "ICP segment", "ICP tier"]),
        ("salesforce", ["Account ID", "Account Name", "ICP_Segment__c", "ICP_Tier__c"]),
        ("plain", ["external_id", "name", "segment", "tier"]),
    ],
)
def test_the_crm_export_has_the_layouts_headers_and_tiers(team, layout, headers):
    published_profile(team)
    response = team.client("rep").get(reverse("crm_export"), {"layout": layout})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    table = _csv(response)
    assert list(table.columns) == headers
    by_id = dict(
        zip(table[headers[0]], zip(table[headers[2]], table[headers[3]], strict=True), strict=True)
    )
    assert by_id == {
        "A-1": ("do-or-die", "1"),
        "B-2": ("do-or-die", "1"),
        "G-3": ("neutral", "2"),
        "D-4": ("do-not", "3"),
        "E-5": ("unknown", ""),
    }


def test_crm_and_segment_exports_neutralise_formulas(team):
    published_profile(team, customers=UNICODE)
    client = team.client("rep")
    crm = _csv(client.get(reverse("crm_export"), {"layout": "hubspot"}))
    assert "'@SUM(A1)" in crm["Company name"].tolist()
    assert "'+46" in crm["Record ID"].tolist()
    listed = _csv(client.get(reverse("segment_list_export"), {"owner": "", "format": "csv"}))
    assert "'-Mallory" in listed["Owner"].tolist()
    assert "'@SUM(A1)" in listed["Name"].tolist()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_unicode_names_round_trip(team, file_format):
    published_profile(team, customers=UNICODE)
    response = team.client("rep").get(
        reverse("segment_list_export"), {"owner": "", "format": file_format}
    )
    assert response.status_code == 200
    if file_format == "csv":
        names = _csv(response)["Name"].tolist()
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        index = rows[0].index("Name")
        names = [row[index] for row in rows[1:]]
        assert all(sheet.cell(row=r, column=index + 1).data_type == "s" for r in range(2, 6))
    assert sorted(names) == sorted(
        [
            "Müller & Söhne Straßenbau GmbH",
            "Åsa Öberg Ärende AB",
            "深圳市腾飞科技有限公司",
            "'@SUM(A1)",
        ]
    )


def test_the_crm_export_round_trips_chinese_names(team):
    published_profile(team, customers=UNICODE)
    crm = _csv(team.client("rep").get(reverse("crm_export"), {"layout": "salesforce"}))
    assert "深圳市腾飞科技有限公司" in crm["Account Name"].tolist()


def test_the_segment_export_follows_the_filters(team):
    published_profile(team, customers=CUSTOMERS)
    response = team.client("rep").get(
        reverse("segment_list_export"), {"segment": "do-or-die", "owner": "", "format": "csv"}
    )
    assert sorted(_csv(response)["Name"]) == ["Alpha AB", "Beta GmbH"]


def test_no_published_profile_no_export(team):
    assert team.client("rep").get(reverse("crm_export")).status_code == 404


def test_the_reps_export_names_the_segments_in_the_members_language(team):
    published_profile(team, customers=CUSTOMERS)
    team.rep.user.language = "de"
    team.rep.user.save()
    response = team.client("rep").get(reverse("segment_list_export"), {"format": "csv"})
    segments = set(_csv(response).iloc[:, 4])
    words = {"Do-or-die", "Neutral", "Do-not", "Unbekannt: zu wenig bekannt"}
    assert segments and segments <= words
