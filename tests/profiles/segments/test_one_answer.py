"""One answer everywhere: on the demo, after the team corrected its tables and published the
profile, every place that shows a customer's segment gives every customer the same one.

The places: the stored segments of the published version, the one function run live, the
step-6 preview of the same draft, the rep's segment list (every page), the one-pager's counts,
the fit check of an existing customer (page), the single fit check (function and API) and the
bulk fit check of the customers as a prospect file, the CRM export and the API's list.
"""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from icp_site.models import Organization, User
from portfolio.imports.reading import read_table
from profiles.models import CustomerSegment, ProfileRow, ProfileVersion
from profiles.reps import fitcheck
from profiles.segments import segmenting, services
from profiles.versions import services as version_services
from profiles.versions.criteria import FIT_SEGMENTS
from profiles.workshop.tables import services as table_services

pytestmark = pytest.mark.django_db

HEADERS = {  # a CRM's column names, as a rep's prospect file has them
    "industry": "Industry",
    "employees": "Employees",
    "country": "Country",
    "customer_type": "Customer type",
    "growth": "Growth",
    "market_position": "Market position",
    "company_revenue": "Company revenue",
}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    org = Organization.objects.get(slug="demo")
    leader = User.objects.get(email="leader@demo.example")
    version = ProfileVersion.objects.current(org)
    workshop = version.workshop
    # The team corrects its company table: the list must follow (it did not before).
    rows = table_services.profile_rows_sync(workshop=workshop, table="company")
    changes = [("customer_type", "B2C"), ("industry", "Retail"), ("country", None)]
    for row, (column, value) in zip(rows, changes, strict=False):
        table_services.profile_cell_save(
            row=row, column=column, value=value, version=row.cell_version(column), user=leader
        )
    v2 = version_services.profile_version_save(workshop=workshop, user=leader, note="corrected")
    version_services.profile_version_publish(version=v2, user=leader)
    rep = User.objects.get(email="rep@demo.example")
    client = Client()
    client.force_login(rep)
    return ProfileVersion.objects.get(pk=v2.pk), client


def _segment_set(version):
    return services.version_segments(version, version.dataset)


def test_every_place_gives_every_demo_customer_the_same_segment(demo):
    version, client = demo
    dataset, content = version.dataset, version.content
    segment_set = _segment_set(version)
    assert segment_set.corrections  # kept with the version, as saved
    stored = {
        row.customer_id: FIT_SEGMENTS[row.segment]
        for row in CustomerSegment.objects.filter(segment_set=segment_set)
    }
    # Only the active customers are customers: the former ones get no segment anywhere.
    today = dt.date.today()
    active = set(dataset.customers.active_on(today).values_list("id", flat=True))
    assert 300 < len(active) < 400  # the demo has customers who left
    assert set(stored) == active
    assert segment_set.former == 400 - len(active)

    # The one function, live, on the frame as published.
    frame, segments = segmenting.segments_of(
        dataset, content, segment_set.corrections, active_on=today
    )
    assert dict(zip(segments["id"], segments["segment"].astype(str), strict=True)) == stored
    counts = {s: list(stored.values()).count(s) for s in FIT_SEGMENTS}
    # The corrections count: without them, a best customer would be judged otherwise.
    _plain, uncorrected = segmenting.segments_of(dataset, content, {}, active_on=today)
    plain = dict(zip(uncorrected["id"], uncorrected["segment"].astype(str), strict=True))
    assert sum(plain[c] != stored[c] for c in stored) >= 1

    # Step 6's preview of the same draft: its stored rows and its figures.
    draft_set = services.draft_segments(version.workshop)
    draft = {
        row.customer_id: FIT_SEGMENTS[row.segment]
        for row in CustomerSegment.objects.filter(segment_set=draft_set)
    }
    assert draft == stored
    preview = {s["segment"]: s["customers"] for s in draft_set.preview["segments"]}
    assert preview == counts

    # The rep's segment list, every page, all owners.
    listed = {}
    page = 1
    while True:
        html = client.get("/profile/segments/", {"owner": "", "page": page}).text
        for customer, segment in re.findall(
            r'fit-check/\?customer=(\d+)">.*?segment-badge-([a-z-]+)', html
        ):
            listed[int(customer)] = segment
        if f"page={page + 1}" not in html:
            break
        page += 1
    assert listed == stored

    # The one-pager's counts.
    html = client.get("/profile/").text
    shown = dict(re.findall(r'data-segment-count="([a-z-]+)">(\d+) customers? in our list', html))
    assert {s: int(n) for s, n in shown.items()} == {
        s: counts[s] for s in ("do-or-die", "neutral", "do-not")
    }

    # The single fit check with what the list knows of each customer, and the bulk check of
    # the same customers as a prospect file (read as the customer import reads it).
    attributes = segmenting.attributes_read(content)
    names = dict(dataset.customers.values_list("id", "external_id"))
    file = io.StringIO()
    writer = csv.writer(file)
    writer.writerow(["Company name", "Customer ID", *(HEADERS[a] for a in attributes)])
    for customer in stored:
        known = segmenting.customer_attributes(frame, customer, attributes)
        assert fitcheck.check(content, known).segment == stored[customer], customer
        writer.writerow(["Prospect", names[customer], *(known.get(a, "") for a in attributes)])
    raw = read_table(file.getvalue().encode(), "prospects.csv")
    result = fitcheck.bulk_check(raw, fitcheck.bulk_mapping(raw.columns, content), content)
    assert result.problem_rows == 0  # growth words are words, not broken percentages
    by_id = {v: k for k, v in names.items()}
    bulk = dict(zip(result.table["Customer ID"], result.segments, strict=True))
    assert {by_id[k]: v for k, v in bulk.items()} == stored

    # The fit check page of an existing customer and the API, for the corrected best customers
    # and a sample of the others.
    corrected = [int(c) for c in segment_set.corrections][:5]
    for customer in [*corrected, *list(stored)[::40]]:
        html = client.get("/profile/fit-check/", {"customer": customer}).text
        assert f'data-segment="{stored[customer]}"' in html, customer
        known = segmenting.customer_attributes(frame, customer, attributes)
        answer = client.post(
            "/api/fit-check", json.dumps({"attributes": known}), content_type="application/json"
        ).json()
        assert answer["segment"] == stored[customer], customer

    # The CRM export and the API's lists of each segment.
    body = b"".join(client.get("/profile/segments/crm/", {"layout": "plain"}).streaming_content)
    crm = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {by_id[row["external_id"]]: row["segment"] for row in crm} == stored
    from_api = {}
    for segment in FIT_SEGMENTS:
        data = client.get(
            "/api/profile/current/customers", {"segment": segment, "page_size": 1000}
        ).json()
        assert data["count"] == counts[segment]
        from_api |= {by_id[c["external_id"]]: c["segment"] for c in data["customers"]}
    assert from_api == stored


def test_editing_a_table_correction_updates_the_drafts_segments(demo):
    version, _client = demo
    workshop = version.workshop
    before = services.draft_segments(workshop)
    rows = ProfileRow.objects.filter(workshop=workshop, table="company").order_by("position")
    row = next(r for r in rows[3:] if r.values.get("customer_type") == "B2B")
    leader = User.objects.get(email="leader@demo.example")
    table_services.profile_cell_save(
        row=row,
        column="customer_type",
        value="B2C",
        version=row.cell_version("customer_type"),
        user=leader,
    )
    after = services.draft_segments(workshop)
    assert after.stored != before.stored

    def segment(segment_set):
        found = CustomerSegment.objects.get(segment_set=segment_set, customer_id=row.customer_id)
        return FIT_SEGMENTS[found.segment]

    assert segment(after) == "do-not"
    # The published version keeps the tables as they were when it was saved.
    assert segment(_segment_set(version)) != "do-not"
