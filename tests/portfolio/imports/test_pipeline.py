"""dataset_import: checked, stored with COPY, atomic; order files aggregated and re-aggregated."""

import datetime as dt
from decimal import Decimal

import pytest

from portfolio.customers import services as customer_services
from portfolio.customers.services import dataset_delete, dataset_is_deletable, dataset_reaggregate
from portfolio.imports import copying, writing
from portfolio.imports.mapping import suggest_mapping
from portfolio.imports.pipeline import ImportRejected, dataset_import
from portfolio.imports.reading import read_table
from portfolio.models import Customer, Dataset, DatasetKind, OrderRow

pytestmark = pytest.mark.django_db

CUSTOMERS = (
    "Kundennummer;Firmenname;Umsatz;Lizenzen;Kunde seit;Branche;Region;Notiz\n"
    "K-1;Alpha GmbH;1.234,50;3;01.03.2021;IT;Nord;<b>wichtig</b>\n"
    "K-2;Beta AG;2.000,00;12;15.06.2020;Handel;Süd;\n"
    'K-3;Gamma KG;500,00;25;02.01.2019;IT;;"Zeile 1\nZeile 2, mit Komma"\n'
)
WITH_PROBLEMS = (
    "Customer ID,Company name,Revenue,Seats\n"
    "C-1,Alpha Ltd,1000,3\n"
    "C-2,,2000,4\n"
    "C-3,Gamma Ltd,lots,5\n"
    "C-1,Delta Ltd,4000,6\n"
    "C-5,Epsilon Ltd,5000,7\n"
)
ORDERS = (
    "Customer ID,Company name,Order date,Amount,Profit,Industry,Channel\n"
    "C-1,Alpha Ltd,2023-05-01,1000,200,IT,web\n"
    "C-1,Alpha Ltd,2024-02-01,3000,600,IT,partner\n"
    "C-2,Beta Ltd,2024-06-30,500,50,Retail,web\n"
    "C-1,Alpha Ltd,2024-11-15,2000,400,Software,web\n"
    "C-2,Beta Ltd,2022-01-10,700,,Retail,\n"
)


def _raw(text: str, name: str = "customers.csv"):
    return read_table(text.encode("utf-8"), name)


def _import(team, text, **options):
    raw = _raw(text)
    mapping = options.pop("mapping", None) or suggest_mapping(list(raw.columns))
    return dataset_import(
        organization=team.organization,
        user=team.leader.user,
        raw=raw,
        file_name="customers.csv",
        mapping=mapping,
        **options,
    )


def test_a_clean_file_becomes_a_dataset_with_typed_customers(team):
    result = _import(team, CUSTOMERS)
    dataset = result.dataset
    assert (dataset.rows_imported, dataset.rows_skipped) == (3, 0)
    assert dataset.uploaded_by == team.leader.user
    assert dataset.mapping["name"] == "Firmenname"
    alpha = Customer.objects.get(dataset=dataset, external_id="K-1")
    assert alpha.name == "Alpha GmbH"
    assert alpha.revenue == Decimal("1234.50")
    assert alpha.seats == 3
    assert alpha.customer_since == dt.date(2021, 3, 1)
    assert alpha.organization == team.organization
    assert alpha.row_number == 2
    assert result.totals == {"revenue": Decimal("3734.50"), "seats": 40}
    assert dataset.facets == {"industry": ["Handel", "IT"], "country": [], "owner": []}


def test_unmapped_columns_are_stored_as_extra_attributes_exactly_as_uploaded(team):
    dataset = _import(team, CUSTOMERS).dataset
    assert dataset.extra_columns == ["Region", "Notiz"]
    by_id = {c.external_id: c.extra for c in Customer.objects.filter(dataset=dataset)}
    assert by_id["K-1"] == {"Region": "Nord", "Notiz": "<b>wichtig</b>"}
    assert by_id["K-2"] == {"Region": "Süd"}
    assert by_id["K-3"] == {"Notiz": "Zeile 1\nZeile 2, mit Komma"}


def test_blank_text_fields_are_stored_as_empty_text_not_null(team):
    dataset = _import(team, CUSTOMERS).dataset
    customer = Customer.objects.get(dataset=dataset, external_id="K-2")
    assert customer.country == ""
    assert customer.owner == ""


def test_growth_words_are_kept_as_text(team):
    text = "Name,Revenue,Growth\nAlpha,100,hyper-growth\nBeta,200,20 %\n"
    dataset = _import(team, text).dataset
    assert sorted(Customer.objects.filter(dataset=dataset).values_list("growth", flat=True)) == [
        "20 %",
        "hyper-growth",
    ]


def test_invalid_rows_stop_the_import_and_store_nothing(team):
    with pytest.raises(ImportRejected) as caught:
        _import(team, WITH_PROBLEMS)
    checked = caught.value.checked
    assert (checked.row_count, checked.valid_count, checked.invalid_count) == (5, 2, 3)
    assert {(e.row, e.reason_code) for e in checked.errors} == {
        (3, "missing_name"),
        (4, "not_a_number"),
        (5, "duplicate_id"),
    }
    assert not Dataset.objects.exists()
    assert not Customer.objects.exists()


def test_skip_invalid_imports_the_valid_rows_and_counts_the_skipped_ones(team):
    result = _import(team, WITH_PROBLEMS, skip_invalid=True)
    assert (result.imported, result.skipped) == (2, 3)
    names = set(Customer.objects.filter(dataset=result.dataset).values_list("name", flat=True))
    assert names == {"Alpha Ltd", "Epsilon Ltd"}
    assert result.dataset.rows_skipped == 3


def test_values_too_long_for_the_database_are_problems_not_crashes(team):
    text = f"Name,Revenue\n{'x' * 301},100\nShort,99999999999999999\n"
    with pytest.raises(ImportRejected) as caught:
        _import(team, text)
    reasons = {error.reason_code for error in caught.value.checked.errors}
    assert reasons == {"too_long", "too_large"}


def test_a_failure_midway_through_copy_leaves_no_rows_and_no_dataset(team, monkeypatch):
    monkeypatch.setattr(copying, "CHUNK_ROWS", 2)
    real_copy = copying.copy_rows
    blocks = []

    def failing_progress(phase, done, total):
        if phase == "storing" and done:
            blocks.append(done)
            if len(blocks) == 2:
                raise RuntimeError("disk full")

    def copy(model, block, total, progress):
        real_copy(model, block, total, failing_progress)

    monkeypatch.setattr(writing, "copy_rows", copy)
    with pytest.raises(RuntimeError):
        _import(team, CUSTOMERS)
    assert blocks == [2, 3]  # the first block was written before the failure
    assert not Customer.objects.exists()
    assert not Dataset.objects.exists()


def test_order_rows_are_kept_and_added_up_per_customer(team):
    result = _import(team, ORDERS, order_level=True)
    dataset = result.dataset
    assert dataset.kind == DatasetKind.ORDERS
    assert dataset.period == "all"
    assert OrderRow.objects.filter(dataset=dataset).count() == 5
    alpha = Customer.objects.get(dataset=dataset, external_id="C-1")
    assert alpha.revenue == Decimal("6000.00")
    assert alpha.order_count == 3
    assert (alpha.first_order, alpha.last_order) == (dt.date(2023, 5, 1), dt.date(2024, 11, 15))
    assert alpha.customer_since == dt.date(2023, 5, 1)
    assert alpha.margin == Decimal("20.00")
    # The customer's attributes come from its newest order row.
    assert alpha.industry == "Software"
    assert alpha.extra == {"Channel": "web"}
    assert Customer.objects.filter(dataset=dataset).count() == 2
    assert result.totals["revenue"] == Decimal("7200.00")


def test_order_files_can_be_added_up_over_the_last_12_months(team):
    dataset = _import(team, ORDERS, order_level=True, period="last-12-months").dataset
    # The newest order is 2024-11-15: the period is 2023-11-16 .. 2024-11-15.
    alpha = Customer.objects.get(dataset=dataset, external_id="C-1")
    beta = Customer.objects.get(dataset=dataset, external_id="C-2")
    assert (alpha.revenue, alpha.order_count) == (Decimal("5000.00"), 2)
    assert (beta.revenue, beta.order_count) == (Decimal("500.00"), 1)


def test_an_order_dataset_is_re_aggregated_for_a_calendar_year_without_a_new_upload(team):
    dataset = _import(team, ORDERS, order_level=True).dataset
    dataset_reaggregate(dataset=dataset, period="2023")
    dataset.refresh_from_db()
    assert dataset.period == "2023"
    alpha = Customer.objects.get(dataset=dataset, external_id="C-1")
    beta = Customer.objects.get(dataset=dataset, external_id="C-2")
    assert (alpha.revenue, alpha.order_count, alpha.margin) == (Decimal("1000.00"), 1, 20)
    assert (beta.revenue, beta.order_count) == (Decimal("0.00"), 0)
    # Lifetime does not depend on the period.
    assert alpha.last_order == dt.date(2024, 11, 15)


def test_a_customer_file_cannot_be_re_aggregated(team):
    dataset = _import(team, CUSTOMERS).dataset
    with pytest.raises(ValueError):
        dataset_reaggregate(dataset=dataset, period="2024")


def test_deleting_a_dataset_removes_its_customers_and_orders(team):
    dataset = _import(team, ORDERS, order_level=True).dataset
    other = _import(team, CUSTOMERS).dataset
    assert dataset_is_deletable(dataset)
    dataset_delete(dataset=dataset)
    assert not Dataset.objects.filter(pk=dataset.pk).exists()
    assert not OrderRow.objects.exists()
    assert set(Customer.objects.values_list("dataset", flat=True)) == {other.pk}


def test_a_dataset_referred_to_by_a_protecting_relation_is_not_deletable(team, monkeypatch):
    from profiles.models import Workshop

    dataset = _import(team, CUSTOMERS).dataset
    Workshop.objects.create(
        organization=team.organization, title="W", date=dt.date(2026, 1, 1), dataset=dataset
    )
    # Workshops let go of a deleted dataset; a saved profile version will protect it.
    assert dataset_is_deletable(dataset)
    monkeypatch.setattr(customer_services, "PROTECTING_RELATIONS", ("workshops",))
    assert not dataset_is_deletable(dataset)
    with pytest.raises(customer_services.DatasetInUse):
        dataset_delete(dataset=dataset)
    assert Dataset.objects.filter(pk=dataset.pk).exists()


def test_deleting_a_dataset_lets_go_of_workshop_rows_that_pointed_at_its_customers(team):
    from profiles.models import ProfileRow
    from tests.factories import WorkshopFactory

    dataset = _import(team, CUSTOMERS).dataset
    workshop = WorkshopFactory(organization=team.organization, dataset=dataset)
    customer = Customer.objects.get(dataset=dataset, external_id="K-1")
    row = ProfileRow.objects.create(
        workshop=workshop, table="company", customer=customer, customer_name=customer.name
    )
    dataset_delete(dataset=dataset)
    row.refresh_from_db()
    assert row.customer is None
    assert row.customer_name == "Alpha GmbH"
    assert not Customer.objects.exists()
