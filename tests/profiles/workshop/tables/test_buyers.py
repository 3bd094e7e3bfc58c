"""Step 5 with more than one buyer per customer (the decider and the signer can differ), and
step 4 prefilled from a customer list's own columns (growth % a year, market position)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portfolio.models import Customer
from profiles.models import ProfileRow
from profiles.versions import traits
from profiles.workshop import history, undo
from profiles.workshop.tables import buyers
from profiles.workshop.tables import services as table_services
from profiles.workshop.tables.page import column_summaries
from tests.factories import CustomerFactory
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(team):
    return workshop_with_best_customers(team.organization)


def buyer_rows(workshop):
    return table_services.profile_rows_sync(workshop=workshop, table="buyer")


def save(row, column, value, user):
    return table_services.profile_cell_save(
        row=row, column=column, value=value, version=row.cell_version(column), user=user
    )


def test_deciders_count_each_customer_once_and_leave_out_who_only_signed():
    rows = [
        (1, {"part": "signed", "disc": "C", "role": "CFO"}),
        (1, {"part": "decided", "disc": "D", "role": "Head of sales", "drivers": ["power"]}),
        (2, {"disc": "I"}),  # no part given: the one row decided
        (3, {"part": "decided", "disc": "S", "drivers": ["money"], "employees_led": 5}),
        (3, {"part": "decided_signed", "disc": "S", "drivers": ["power"], "employees_led": 9}),
    ]
    found = dict(traits.deciders(rows))
    assert found[1] == {
        "part": "decided",
        "disc": "D",
        "role": "Head of sales",
        "drivers": ["power"],
    }
    assert found[2] == {"disc": "I"}
    # Two deciders: a shared value is kept, different drivers become both, a number the first's.
    assert found[3]["disc"] == "S"
    assert found[3]["drivers"] == ["money", "power"]
    assert found[3]["employees_led"] == 5
    assert list(found) == [1, 2, 3]


def test_a_further_buyer_row_sits_under_its_customer_and_the_summary_counts_deciders(
    team, workshop
):
    first = buyer_rows(workshop)[0]
    user = team.leader.user
    save(first, "part", "signed", user)
    save(first, "disc", "C", user)
    extra = buyers.profile_buyer_add(workshop=workshop, customer_id=first.customer_id, user=user)
    save(extra, "part", "decided", user)
    save(extra, "disc", "D", user)
    rows = buyer_rows(workshop)
    assert [(r.customer_name, r.buyer) for r in rows[:3]] == [
        ("Alpha AB", 0),
        ("Alpha AB", 1),
        ("Beta AB", 0),
    ]
    disc = next(
        s
        for s in column_summaries(workshop, "buyer", rows, traits.BUYER_COLUMNS)
        if s.column.key == "disc"
    )
    # One best customer with a known DISC type: the decider's D, not the signer's C.
    assert disc.summary.known == 1
    assert disc.suggestion.value == "D"
    # The part says who counts; it is no trait of the target buyer.
    assert not traits.BUYER_COLUMNS[1].in_profile


def test_the_step5_page_adds_and_removes_a_further_buyer(team, workshop):
    client = team.client("leader")
    page = client.get(reverse("workshop_step", args=[workshop.pk, 5])).content.decode()
    assert 'id="more-buyers"' in page and "Part in the purchase" in page
    first = buyer_rows(workshop)[0]
    response = client.post(
        reverse("profile_buyer_add", args=[workshop.pk]), {"customer": first.customer_id}
    )
    assert response.status_code == 302
    extra = ProfileRow.objects.get(workshop=workshop, table="buyer", buyer=1)
    page = client.get(reverse("workshop_step", args=[workshop.pk, 5])).content.decode()
    assert "Alpha AB: buyer 2" in page
    client.post(reverse("profile_buyer_remove", args=[workshop.pk, extra.pk]))
    assert not ProfileRow.objects.filter(pk=extra.pk).exists()
    # A customer not picked in step 3 gets no buyer; the first row cannot be removed.
    other = CustomerFactory(dataset=workshop.dataset, name="Stranger")
    with pytest.raises(ValidationError):
        buyers.profile_buyer_add(workshop=workshop, customer_id=other.pk, user=team.leader.user)
    with pytest.raises(ValidationError):
        buyers.profile_buyer_remove(row=first, user=team.leader.user)


def test_a_rep_cannot_add_a_buyer(team, workshop):
    first = buyer_rows(workshop)[0]
    response = team.client("rep").post(
        reverse("profile_buyer_add", args=[workshop.pk]), {"customer": first.customer_id}
    )
    assert response.status_code == 403
    assert not ProfileRow.objects.filter(workshop=workshop, buyer__gt=0).exists()


def test_at_most_five_buyers_per_customer(team, workshop):
    first = buyer_rows(workshop)[0]
    for _ in range(buyers.MAX_BUYERS - 1):
        buyers.profile_buyer_add(
            workshop=workshop, customer_id=first.customer_id, user=team.leader.user
        )
    with pytest.raises(ValidationError):
        buyers.profile_buyer_add(
            workshop=workshop, customer_id=first.customer_id, user=team.leader.user
        )


def test_undo_takes_back_an_added_and_a_removed_buyer(team, workshop):
    user = team.leader.user
    first = buyer_rows(workshop)[0]
    extra = buyers.profile_buyer_add(workshop=workshop, customer_id=first.customer_id, user=user)
    change = history.last_change(workshop.pk)
    assert history.describe(change) == "Step 5 · another buyer of Alpha AB"
    undo.workshop_change_undo(workshop=workshop, change_id=change.pk, user=user)
    assert not ProfileRow.objects.filter(pk=extra.pk).exists()

    extra = buyers.profile_buyer_add(workshop=workshop, customer_id=first.customer_id, user=user)
    save(extra, "disc", "I", user)
    buyers.profile_buyer_remove(row=ProfileRow.objects.get(pk=extra.pk), user=user)
    change = history.last_change(workshop.pk)
    undo.workshop_change_undo(workshop=workshop, change_id=change.pk, user=user)
    back = ProfileRow.objects.get(pk=extra.pk)
    assert (back.buyer, back.values["disc"]) == (1, "I")


def test_the_company_table_has_one_row_per_customer(workshop):
    first = table_services.profile_rows_sync(workshop=workshop, table="company")[0]
    with pytest.raises(Exception):  # noqa: B017, PT011 - the database's check constraint
        ProfileRow.objects.create(
            workshop=workshop,
            table="company",
            customer_id=first.customer_id,
            customer_name="Alpha AB",
            buyer=1,
        )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            {"Wachstum": "12 %", "Marktposition": "Marktführer"},
            {"growth_percent": 12, "market_position": "leader"},
        ),
        (
            {"Growth rate": "3.5", "Market position": "Challenger"},
            {"growth_percent": 3.5, "market_position": "challenger"},
        ),
        (
            {"Tillväxt": "8", "Marknadsposition": "Utmanare"},
            {"growth_percent": 8, "market_position": "challenger"},
        ),
        ({"Notes": "growing"}, {}),
    ],
)
def test_step4_prefills_growth_and_market_position_from_the_lists_own_columns(
    team, extra, expected
):
    workshop = workshop_with_best_customers(team.organization)
    first_id = table_services.selection(workshop)[0]
    Customer.objects.filter(pk=first_id).update(extra=extra)
    row = table_services.profile_rows_sync(workshop=workshop, table="company")[0]
    found = {
        key: row.values.get(key)
        for key in ("growth_percent", "market_position")
        if key in row.values
    }
    assert found == expected
