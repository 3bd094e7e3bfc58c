"""Writes of customer data: imports (stored with PostgreSQL COPY), re-aggregation, deletion.

The checks live in portfolio.checks, the COPY encoding in portfolio.copying and the uploaded
files on their way to an import in portfolio.uploads.
"""

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import connection, models, transaction
from django.db.models import Sum

from portfolio.checks import CheckedImport, ImportRejected, import_check
from portfolio.copying import (
    allocate_ids,
    copy_dates,
    copy_numbers,
    copy_rows,
    copy_text,
    json_objects,
)
from portfolio.importers import RawTable
from portfolio.mapping import FIELDS, FIELDS_BY_NAME
from portfolio.models import (
    Customer,
    Dataset,
    DatasetKind,
    ImportPhase,
    OrderRow,
)

log = logging.getLogger(__name__)

PERIOD_RX = re.compile(r"^(all|last-12-months|(19|20)\d{2})$")
# The canonical columns of portfolio_customer in the order COPY writes them.
CUSTOMER_COLUMNS = tuple(field.name for field in FIELDS if not field.order_level)
TEXT_COLUMNS = tuple(
    name for name in CUSTOMER_COLUMNS if FIELDS_BY_NAME[name].kind == "text" or name == "growth"
)
Progress = Callable[[str, int, int], None]


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class ImportResult:
    dataset: Dataset
    checked: CheckedImport
    imported: int
    skipped: int
    totals: dict = field(default_factory=dict)  # revenue (Decimal), seats (int)


def dataset_import(
    *,
    organization,
    user,
    raw: RawTable,
    file_name: str,
    mapping: dict[str, str | None],
    skip_invalid: bool = False,
    order_level: bool = False,
    period: str = "all",
    number_format: str | None = None,
    dayfirst: bool | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check and store an uploaded table as a new Dataset: all chosen rows, or nothing.

    Raises ImportRejected (nothing stored) when rows have problems and `skip_invalid` is
    false, or when no row is valid at all.
    """
    progress = progress or _no_progress
    if not PERIOD_RX.match(period):
        raise ValueError(f"unknown period {period!r}")
    total = len(raw.frame)
    progress(ImportPhase.CHECKING, 0, total)
    checked = import_check(
        raw=raw,
        mapping=mapping,
        order_level=order_level,
        number_format=number_format,
        dayfirst=dayfirst,
    )
    progress(ImportPhase.CHECKING, total, total)
    if (checked.error_count and not skip_invalid) or not checked.valid_count:
        raise ImportRejected(checked)
    extra_columns = [str(column) for column in checked.report.extra_frame.columns]
    extra_columns = [c for c in extra_columns if c not in checked.mapping.values()]
    with transaction.atomic():
        dataset = Dataset.objects.create(
            organization=organization,
            name=file_name[:255],
            kind=DatasetKind.ORDERS if order_level else DatasetKind.CUSTOMERS,
            uploaded_by=user,
            mapping=checked.mapping,
            extra_columns=extra_columns,
            rows_imported=checked.valid_count,
            rows_skipped=checked.invalid_count,
            period=period if order_level else "",
        )
        store = _store_orders if order_level else _store_customers
        stored = store(dataset, checked, extra_columns, progress)
        dataset.facets = facets_of(stored)
        dataset.save(update_fields=["facets"])
        totals = Customer.objects.in_dataset(dataset).aggregate(
            revenue=Sum("revenue"), seats=Sum("seats")
        )
    return ImportResult(
        dataset=dataset,
        checked=checked,
        imported=checked.valid_count,
        skipped=checked.invalid_count,
        totals={"revenue": totals["revenue"] or Decimal("0"), "seats": totals["seats"] or 0},
    )


# --- COPY ----------------------------------------------------------------------------------


def _store_customers(dataset, checked: CheckedImport, extra_columns, progress: Progress):
    """COPY the valid rows as customers; returns them (typed)."""
    valid = checked.valid
    customers = checked.customers[valid]
    extra = checked.report.extra_frame[extra_columns][valid]
    copy_rows(Customer, _customer_table(dataset, customers, extra), len(customers), progress)
    return customers


def _store_orders(dataset, checked: CheckedImport, extra_columns, progress: Progress):
    """Keep every valid order row; one customer per key, described by its latest row."""
    valid = checked.valid
    rows = checked.customers[valid]
    extra = checked.report.extra_frame[extra_columns][valid]
    if "external_id" in rows:
        keys = rows["external_id"].str.strip()
        if "name" in rows:
            keys = keys.fillna("\x00" + rows["name"].str.strip().str.casefold())
    else:
        keys = rows["name"].str.strip().str.casefold()
    codes, uniques = pd.factorize(keys.to_numpy(dtype=object))
    ids = allocate_ids(Customer, len(uniques))
    dates = rows["order_date"] if "order_date" in rows else pd.Series(pd.NaT, index=rows.index)
    order = np.lexsort((dates.to_numpy(), dates.notna().to_numpy()))  # undated first, by date
    latest = pd.Series(np.arange(len(rows)))[order].groupby(codes[order]).last()
    chosen = latest.sort_index().to_numpy()
    customers = rows.iloc[chosen].copy()
    if "name" not in customers:
        customers["name"] = customers["external_id"]
    elif "external_id" in customers:
        customers["name"] = customers["name"].fillna(customers["external_id"])
    table = _customer_table(dataset, customers, extra.iloc[chosen], ids=ids)
    copy_rows(Customer, table, len(customers), progress)

    amount = rows["amount"] if "amount" in rows else rows["revenue"]
    customer_ids = pd.Series(ids[codes], index=rows.index)

    def orders(start: int, end: int) -> dict[str, np.ndarray | str]:
        part = slice(start, end)
        return {
            "organization_id": str(dataset.organization_id),
            "dataset_id": str(dataset.pk),
            "customer_id": copy_numbers(customer_ids.iloc[part]),
            "row_number": copy_numbers(pd.Series(rows.index[part])),
            "order_date": copy_dates(dates.iloc[part]),
            "amount": copy_numbers(amount.iloc[part]),
            "profit": copy_numbers(rows["profit"].iloc[part]) if "profit" in rows else "\\N",
            "extra": json_objects(extra.iloc[part]),
        }

    copy_rows(OrderRow, orders, len(rows), progress)
    _aggregate(dataset, dataset.period, has_profit="profit" in rows)
    return customers


FACET_FIELDS = ("industry", "country", "owner")
FACET_LIMIT = 300


def facets_of(customers: pd.DataFrame) -> dict[str, list[str]]:
    """The distinct values of the list's filter columns (at most FACET_LIMIT each)."""
    facets = {}
    for name in FACET_FIELDS:
        if name in customers:
            values = customers[name].dropna().unique()
            facets[name] = sorted(str(value) for value in values)[:FACET_LIMIT]
        else:
            facets[name] = []
    return facets


def _customer_table(dataset, customers: pd.DataFrame, extra: pd.DataFrame, ids=None):
    """A function giving rows start..end of portfolio_customer as COPY text columns.

    Columns the file does not have are left out: the database fills them ('' for text, by
    its default, NULL for the rest), which saves formatting and sending a million blanks.
    """
    present = [name for name in CUSTOMER_COLUMNS if name in customers]

    def block(start: int, end: int) -> dict[str, np.ndarray | str]:
        part = customers.iloc[start:end]
        data: dict[str, np.ndarray | str] = {}
        if ids is not None:
            data["id"] = copy_numbers(pd.Series(ids[start:end]))
        data["organization_id"] = str(dataset.organization_id)
        data["dataset_id"] = str(dataset.pk)
        data["row_number"] = copy_numbers(pd.Series(part.index.to_numpy()))
        for name in present:
            if name in TEXT_COLUMNS:
                data[name] = copy_text(part[name])
            elif FIELDS_BY_NAME[name].kind == "date":
                data[name] = copy_dates(part[name])
            else:
                data[name] = copy_numbers(part[name])
        data["extra"] = json_objects(extra.iloc[start:end])
        return data

    return block


# --- order aggregation ---------------------------------------------------------------------


def period_range(dataset: Dataset, period: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a period covers, or None for all orders."""
    if period == "all":
        return None
    if period == "last-12-months":
        # Twelve months up to the newest order in the file, so an older export still works.
        newest = OrderRow.objects.filter(dataset=dataset).order_by("-order_date")
        newest = newest.exclude(order_date=None).values_list("order_date", flat=True).first()
        if newest is None:
            return None
        start = newest.replace(year=newest.year - 1) + dt.timedelta(days=1)
        if newest.month == 2 and newest.day == 29:
            start = dt.date(newest.year - 1, 3, 1)
        return start, newest
    year = int(period)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _aggregate(dataset: Dataset, period: str, *, has_profit: bool) -> None:
    """Set each customer's revenue, orders, first/last order and margin from its orders."""
    bounds = period_range(dataset, period)
    in_period = "TRUE" if bounds is None else "order_date BETWEEN %(start)s AND %(end)s"
    start, end = bounds or (None, None)
    sql = f"""
        UPDATE portfolio_customer AS c SET
            revenue = a.revenue,
            order_count = a.orders,
            first_order = a.first_order,
            last_order = a.last_order,
            customer_since = COALESCE(c.customer_since, a.first_order),
            margin = CASE
                WHEN NOT %(has_profit)s THEN c.margin
                WHEN a.revenue > 0 AND abs(100 * a.profit / a.revenue) < 100000
                    THEN round(100 * a.profit / a.revenue, 2)
                ELSE NULL END
        FROM (
            SELECT customer_id,
                COALESCE(SUM(amount) FILTER (WHERE {in_period}), 0) AS revenue,
                COUNT(*) FILTER (WHERE {in_period}) AS orders,
                SUM(profit) FILTER (WHERE {in_period}) AS profit,
                MIN(order_date) AS first_order,
                MAX(order_date) AS last_order
            FROM portfolio_orderrow WHERE dataset_id = %(dataset)s GROUP BY customer_id
        ) AS a
        WHERE c.id = a.customer_id AND c.dataset_id = %(dataset)s
    """
    params = {"has_profit": has_profit, "dataset": dataset.pk, "start": start, "end": end}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def dataset_reaggregate(*, dataset: Dataset, period: str) -> Dataset:
    """Recompute an order-level dataset's customer figures over another period."""
    if dataset.kind != DatasetKind.ORDERS:
        raise ValueError("only order-level datasets can be re-aggregated")
    if not PERIOD_RX.match(period):
        raise ValueError(f"unknown period {period!r}")
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        _aggregate(dataset, period, has_profit=bool(dataset.mapping.get("profit")))
        dataset.period = period
        dataset.revision += 1
        dataset.save(update_fields=["period", "revision"])
    return dataset


# --- deletion ------------------------------------------------------------------------------

# Reverse relations whose rows keep a dataset alive: saved profile versions. The profiles
# app adds its model with one of these related names; nothing else protects a dataset
# (workshops let go of it: their foreign key is SET_NULL).
PROTECTING_RELATIONS = ("profile_versions", "profileversion", "profileversion_set")


def dataset_is_deletable(dataset: Dataset) -> bool:
    """Whether no saved profile version refers to the dataset."""
    for relation in dataset._meta.related_objects:
        names = {relation.name, relation.get_accessor_name()}
        if names & set(PROTECTING_RELATIONS):
            related = relation.related_model._default_manager
            if related.filter(**{relation.field.name: dataset}).exists():
                return False
    return True


class DatasetInUse(Exception):
    """A saved profile refers to the dataset."""


def dataset_delete(*, dataset: Dataset) -> None:
    """Delete a dataset with its customers and order rows, unless a profile refers to it."""
    with transaction.atomic():
        if not dataset_is_deletable(dataset):
            raise DatasetInUse(dataset.pk)
        customers = Customer.objects.filter(dataset=dataset)
        _release_customers(customers)
        # Plain DELETEs: Django's cascade would load every customer (a million) into memory
        # because other apps' rows point at customers with SET_NULL.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portfolio_orderrow WHERE dataset_id = %s", [dataset.pk])
            cursor.execute("DELETE FROM portfolio_customer WHERE dataset_id = %s", [dataset.pk])
        dataset.delete()


def _release_customers(customers) -> None:
    """Apply the on_delete rule of every other model's foreign key to these customers."""
    relations = [
        field
        for field in Customer._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and field.one_to_many
    ]
    for relation in relations:  # hidden ones too (related_name="+")
        if relation.related_model is OrderRow:
            continue
        field = relation.field.name
        related = relation.related_model._base_manager.filter(**{f"{field}__in": customers})
        if relation.on_delete is models.SET_NULL:
            related.update(**{field: None})
        elif relation.on_delete is models.CASCADE:
            related.delete()
        elif relation.on_delete is not models.DO_NOTHING and related.exists():
            raise DatasetInUse(customers.first().dataset_id)
