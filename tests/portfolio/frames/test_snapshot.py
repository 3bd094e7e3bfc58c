"""A dataset revision's snapshot: written at import, the same numbers as PostgreSQL's, rebuilt
when the revision changes, removed with the dataset, and read without a query."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection

from portfolio.customers.services import dataset_delete, dataset_reaggregate
from portfolio.frames import customers as frames
from portfolio.frames import snapshot
from portfolio.imports.mapping import suggest_mapping
from portfolio.imports.pipeline import dataset_import
from portfolio.imports.reading import read_table
from portfolio.models import Dataset
from tests.factories import CustomerFactory, DatasetFactory

pytestmark = pytest.mark.django_db

ORDERS = (
    "Customer ID,Company name,Order date,Amount,Industry\n"
    "C-1,Alpha Ltd,2023-05-01,1000,IT\n"
    "C-1,Alpha Ltd,2024-02-01,3000,IT\n"
    "C-2,Beta Ltd,2024-06-30,500,Retail\n"
)


def imported(team, django_capture_on_commit_callbacks) -> Dataset:
    raw = read_table(ORDERS.encode(), "orders.csv")
    with django_capture_on_commit_callbacks(execute=True):
        return dataset_import(
            organization=team.organization,
            user=team.leader.user,
            raw=raw,
            file_name="orders.csv",
            mapping=suggest_mapping(list(raw.columns)),
            order_level=True,
        ).dataset


def test_the_import_writes_the_snapshot(team, django_capture_on_commit_callbacks):
    dataset = imported(team, django_capture_on_commit_callbacks)
    assert (snapshot.folder(dataset) / "texts.json").exists()


def test_a_new_revision_is_written_and_the_old_one_removed(
    team, django_capture_on_commit_callbacks
):
    dataset = imported(team, django_capture_on_commit_callbacks)
    old = snapshot.folder(dataset)
    with django_capture_on_commit_callbacks(execute=True):
        dataset_reaggregate(dataset=dataset, period="2023")
    dataset.refresh_from_db()
    assert snapshot.folder(dataset) != old
    assert (snapshot.folder(dataset) / "texts.json").exists() and not old.exists()
    loaded = frames.load_customers(dataset, numbers=["revenue"])
    assert sorted(loaded["revenue"]) == [0.0, 1000.0]


def test_the_snapshot_goes_with_its_dataset(team, django_capture_on_commit_callbacks):
    dataset = imported(team, django_capture_on_commit_callbacks)
    folder = snapshot.dataset_folder(dataset.pk)
    assert folder.exists()
    with django_capture_on_commit_callbacks(execute=True):
        dataset_delete(dataset=dataset)
    assert not folder.exists()


def test_a_missing_snapshot_is_written_by_the_first_reader(team):
    dataset = DatasetFactory(organization=team.organization)
    CustomerFactory(dataset=dataset, revenue=Decimal("12.50"), industry="IT")
    assert not snapshot.folder(dataset).exists()
    frame = frames.load_customers(dataset, numbers=["revenue"], texts=["industry"])
    assert frame["revenue"].tolist() == [12.5] and frame["industry"].tolist() == ["IT"]
    assert snapshot.folder(dataset).exists()


def test_the_snapshot_has_the_numbers_postgresql_has(team):
    dataset = DatasetFactory(organization=team.organization)
    rows = [
        (Decimal("1234.57"), Decimal("33.30"), 7, dt.date(2020, 2, 29), None, "IT", ""),
        (None, Decimal("0.10"), None, None, dt.date(2024, 1, 1), "", "Rita"),
        (Decimal("-5.00"), None, 3, dt.date(2019, 1, 1), dt.date(2023, 6, 30), " it ", "x"),
    ]
    for revenue, margin, seats, since, until, industry, owner in rows:
        CustomerFactory(
            dataset=dataset,
            revenue=revenue,
            margin=margin,
            seats=seats,
            customer_since=since,
            customer_until=until,
            industry=industry,
            owner=owner,
        )
    on = dt.date(2025, 3, 1)
    numbers = ["revenue", "margin", "seats", "contribution", "lifetime_days"]
    frame = frames.load_customers(dataset, numbers=numbers, texts=["industry", "owner"], on=on)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, revenue::float8, margin::float8, seats::float8, "
            "(revenue * margin / 100)::float8, "
            "(COALESCE(customer_until, %s::date) - customer_since)::float8, "
            "NULLIF(industry, ''), NULLIF(owner, '') "
            "FROM portfolio_customer WHERE dataset_id = %s ORDER BY id",
            [on, dataset.pk],
        )
        expected = cursor.fetchall()
    got = frame[["id", *numbers, "industry", "owner"]].astype(object).to_numpy().tolist()
    for mine, theirs in zip(got, expected, strict=True):
        assert [None if isinstance(v, float) and np.isnan(v) else v for v in mine] == [
            None if v is None else v for v in theirs
        ]
    assert str(frame["industry"].dtype) == "category"
