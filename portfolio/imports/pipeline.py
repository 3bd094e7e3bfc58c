"""Writes of customer data: imports (stored with PostgreSQL COPY), re-aggregation, deletion.

The checks live in portfolio.imports.checks, the COPY encoding in portfolio.imports.copying and the uploaded
files on their way to an import in portfolio.uploads.services.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Sum

from portfolio.imports.checks import CheckedImport, ImportRejected, import_check
from portfolio.imports.copying import (
    allocate_ids,
    copy_dates,
    copy_numbers,
    copy_rows,
    copy_text,
    json_objects,
)
from portfolio.imports.mapping import FIELDS, FIELDS_BY_NAME
from portfolio.imports.orders import PERIOD_RX, aggregate_orders
from portfolio.imports.reading import RawTable
from portfolio.models import (
    Customer,
    Dataset,
    DatasetKind,
    ImportPhase,
    OrderRow,
)

log = logging.getLogger(__name__)

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
    aggregate_orders(dataset, dataset.period, has_profit="profit" in rows)
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


# --- deletion ------------------------------------------------------------------------------
