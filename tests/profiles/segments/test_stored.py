"""Stored segments: computed once in one vectorised pass, they agree with the one-customer
evaluation customer by customer; publishing, a table correction and a new dataset revision
update them; a large list is computed in the background while the pages show the last ones."""

import random
from decimal import Decimal

import pytest
from django.test import override_settings

from portfolio.models import Customer
from profiles.models import CustomerSegment, SegmentSet, WorkshopStep
from profiles.segments import computing, segmenting, services
from profiles.versions import services as version_services
from profiles.versions.criteria import FIT_SEGMENTS
from profiles.versions.evaluation import REASONS, evaluate
from profiles.workshop.tables import services as table_services
from tests.factories import DatasetFactory, WorkshopFactory, profile_content

pytestmark = pytest.mark.django_db

CRITERIA = [
    {"segment": "do-or-die", "attribute": "industry", "operator": "in", "value": ["IT", "Telco"]},
    {"segment": "do-or-die", "attribute": "employees", "operator": "between", "value": [50, 900]},
    {"segment": "do-or-die", "attribute": "drivers", "operator": "contains", "value": "money"},
    {"segment": "do-not", "attribute": "customer_type", "operator": "eq", "value": "B2C"},
    {"segment": "do-not", "attribute": "country", "operator": "not_in", "value": ["SE", "NO"]},
    {"segment": "neutral", "attribute": "growth", "operator": "in", "value": ["moderate"]},
    {"segment": "neutral", "attribute": "role", "operator": "eq", "value": "Head of Sales"},
    {"segment": "neutral", "attribute": "company_revenue", "operator": "gte", "value": 1e6},
]


def generated(team, count=1500, best=40):
    """A random list and a workshop whose tables corrected some of its best customers."""
    rng = random.Random(5)
    dataset = DatasetFactory(organization=team.organization, rows_imported=count)
    customers = Customer.objects.bulk_create(
        Customer(
            organization=team.organization,
            dataset=dataset,
            name=f"Customer {n:05d}",
            external_id=f"X-{n}",
            industry=rng.choice(["IT", "Telco", "Retail", "", " it "]),
            employees=rng.choice([None, rng.randint(1, 2000)]),
            country=rng.choice(["SE", "NO", "DE", ""]),
            customer_type=rng.choice(["B2B", "B2B", "B2C", ""]),
            growth=rng.choice(["moderate", "Moderate", "stagnation", ""]),
            company_revenue=rng.choice([None, Decimal(rng.randint(1, 5_000_000))]),
            owner=rng.choice(["Rita Rep", "Sam Seller", " rita rep ", ""]),
            revenue=Decimal(rng.randint(100, 90_000)),
        )
        for n in range(count)
    )
    workshop = WorkshopFactory(organization=team.organization, dataset=dataset)
    chosen = [c.pk for c in customers[:best]]
    WorkshopStep.objects.filter(workshop=workshop, number=3).update(
        inputs={"selection": chosen}, done=True, version=1
    )
    user = team.leader.user
    company = table_services.profile_rows_sync(workshop=workshop, table="company")
    buyer = table_services.profile_rows_sync(workshop=workshop, table="buyer")
    for i, row in enumerate(company):
        change = [("industry", "IT"), ("employees", "300"), ("country", ""), ("growth", None)][
            i % 4
        ]
        if change[1] is not None:
            _cell(row, change[0], change[1], user)
    for i, row in enumerate(buyer):
        _cell(row, "drivers", [["money"], ["power"], ["money", "fear"]][i % 3], user)
        if i % 2:
            _cell(row, "role", "Head of Sales", user)
    step6 = WorkshopStep.objects.get(workshop=workshop, number=6)
    step6.inputs = profile_content(criteria=[dict(c, note="") for c in CRITERIA])
    step6.save()
    return workshop


def _cell(row, column, value, user):
    return table_services.profile_cell_save(
        row=row, column=column, value=value, version=row.cell_version(column), user=user
    )


def _stored(segment_set):
    return {
        row.customer_id: (FIT_SEGMENTS[row.segment], tuple(REASONS)[row.reason], row.known)
        for row in CustomerSegment.objects.filter(segment_set=segment_set)
    }


def test_stored_segments_agree_with_the_evaluation_of_each_customer(team):
    workshop = generated(team)
    version = version_services.profile_version_save(
        workshop=workshop, user=team.leader.user, note=""
    )
    version_services.profile_version_publish(version=version, user=team.leader.user)
    segment_set = services.version_segments(version, workshop.dataset)
    stored = _stored(segment_set)
    assert len(stored) == 1500
    content = version.content
    criteria = segmenting.profile_criteria(content)
    attributes = segmenting.attributes_read(content)
    frame, _segments = segmenting.segments_of(workshop.dataset, content, segment_set.corrections)
    for customer, (segment, reason, known) in stored.items():
        one = evaluate(criteria, segmenting.customer_attributes(frame, customer, attributes))
        assert (one.segment, one.reason.code, one.known) == (segment, reason, known), customer
    # The corrections decided some: the buyer traits are in no customer list.
    by_id = {c: s for c, (s, _r, _k) in stored.items()}
    assert any(s == "do-or-die" for s in by_id.values())
    assert segment_set.counts == {s: list(by_id.values()).count(s) for s in FIT_SEGMENTS}
    owners = {entry["owner"]: sum(entry["counts"].values()) for entry in segment_set.owners}
    assert set(owners) == {"Rita Rep", "Sam Seller"}  # " rita rep " is Rita Rep
    listed = CustomerSegment.objects.filter(segment_set=segment_set, listed=True)
    assert owners["Rita Rep"] == listed.filter(owner_key="rita rep").count()


def test_the_draft_is_recomputed_only_when_what_it_depends_on_changed(team):
    workshop = generated(team, count=300, best=12)
    first = services.draft_segments(workshop)
    computed_at = first.computed_at
    again = services.draft_segments(workshop)
    assert again.computed_at == computed_at  # nothing changed: nothing computed
    row = table_services.profile_rows_sync(workshop=workshop, table="buyer")[0]
    _cell(row, "facts", "Knows us from a fair", team.leader.user)
    assert services.draft_segments(workshop).computed_at == computed_at  # not a criterion's
    _cell(row, "role", "CFO", team.leader.user)
    assert services.draft_segments(workshop).computed_at > computed_at


def test_a_new_dataset_revision_recomputes_the_published_segments(team):
    workshop = generated(team, count=200, best=10)
    version = version_services.profile_version_save(
        workshop=workshop, user=team.leader.user, note=""
    )
    segment_set = services.version_segments(version, workshop.dataset)
    before = segment_set.stored
    dataset = workshop.dataset
    Customer.objects.filter(dataset=dataset).update(industry="Retail")
    dataset.revision += 1
    dataset.save()
    after = services.version_segments(version, dataset)
    assert after.stored != before
    # Only a customer the team's table says is in IT can still be do-or-die.
    said_it = {int(c) for c, v in after.corrections.items() if v.get("industry") == "IT"}
    do_or_die = {c for c, (s, _r, _k) in _stored(after).items() if s == "do-or-die"}
    assert do_or_die <= said_it


@override_settings(SEGMENTS_INLINE_CUSTOMERS=100)
def test_a_large_list_is_computed_by_the_worker_meanwhile_the_last_figures_show(
    team, django_capture_on_commit_callbacks
):
    workshop = generated(team, count=300, best=12)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        segment_set = services.draft_segments(workshop)
    assert len(queued) == 1  # the task was queued (and run: tests run tasks inline)
    segment_set.refresh_from_db()
    assert segment_set.current and segment_set.preview["total"] == 300
    old = segment_set.stored
    step6 = WorkshopStep.objects.get(workshop=workshop, number=6)
    step6.inputs = {**step6.inputs, "criteria": step6.inputs["criteria"][:2]}
    step6.save()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        waiting = services.draft_segments(workshop)
    assert len(queued) == 1 and not waiting.current and waiting.stored == old
    with django_capture_on_commit_callbacks(execute=False) as again:
        services.draft_segments(workshop)  # a second visitor queues nothing more
    assert again == []
    computing.compute(SegmentSet.objects.get(pk=waiting.pk))
    assert services.draft_segments(workshop).current


def test_a_version_keeps_the_corrections_it_was_saved_with(team):
    workshop = generated(team, count=100, best=8)
    version = version_services.profile_version_save(
        workshop=workshop, user=team.leader.user, note=""
    )
    kept = SegmentSet.objects.get(version=version).corrections
    row = table_services.profile_rows_sync(workshop=workshop, table="buyer")[0]
    _cell(row, "role", "Chief Robot", team.leader.user)
    assert SegmentSet.objects.get(version=version).corrections == kept
    restored = version_services.profile_version_restore(
        version=version, user=team.leader.user, note=""
    )
    assert SegmentSet.objects.get(version=restored).corrections == kept
