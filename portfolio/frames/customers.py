"""A dataset's customers as pandas DataFrames, for the analyses (queryset -> DataFrame).

One query per frame. Numbers travel from PostgreSQL as one bytea of big-endian float8s (row after
row) and texts as one string joined by a separator, so 100,000 customers become numpy arrays
without a Python object per value. Money becomes float here and only here. The frames are cached
per dataset revision (portfolio.frames.cache): a page's later options and visits reuse them.

Columns the analyses may use, besides the typed customer columns:
- ``lifetime_days``: days from ``customer_since`` to ``customer_until`` or to ``today``.
- ``contribution``: the contribution margin in money, revenue x margin % / 100 (the ABC analysis
  "by margin" ranks by this: a customer's share of the margin the company earns).
- order aggregates of order-level imports: ``order_count``, ``orders_per_year`` (orders over the
  years from the first to the last order, at least one year) and ``days_since_last_order``.
- ``extra:<column>``: a numeric column of the file that was not mapped to a customer field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from django.db import connection
from django.utils.translation import gettext_lazy as _

from portfolio.frames import cache as frame_cache
from portfolio.models import Customer, Dataset, DatasetKind

EXTRA_PREFIX = "extra:"
EXTRA_SAMPLE = 200  # customers looked at to decide whether an extra column holds numbers
NUMBER_PATTERN = r"^\s*[-+]?[0-9]+(\.[0-9]+)?\s*$"
SEPARATOR = "\x1f"  # ASCII unit separator: joins the texts of all customers into one string

# Typed numeric columns: key -> (SQL, label).
TYPED = {
    "revenue": ("revenue::float8", _("Revenue with us")),
    "margin": ("margin::float8", _("Margin %")),
    "seats": ("seats::float8", _("Seats / licences")),
    "sales_cycle_days": ("sales_cycle_days::float8", _("Sales cycle (days)")),
    "employees": ("employees::float8", _("Employees")),
    "company_revenue": ("company_revenue::float8", _("Company revenue")),
}
# Computed numeric columns: key -> (SQL, label, columns that must hold data).
COMPUTED = {
    "lifetime_days": (
        "(COALESCE(customer_until, %(today)s::date) - customer_since)::float8",
        _("Lifetime (days)"),
        ("customer_since",),
    ),
    "contribution": (
        "(revenue * margin / 100)::float8",
        _("Contribution margin (revenue × margin %)"),
        ("revenue", "margin"),
    ),
    "order_count": ("order_count::float8", _("Orders"), ("order_count",)),
    "orders_per_year": (
        "order_count * 365.25 / GREATEST(last_order - first_order, 365)::float8",
        _("Orders per year"),
        ("order_count", "first_order", "last_order"),
    ),
    "days_since_last_order": (
        "(%(today)s::date - last_order)::float8",
        _("Days since the last order"),
        ("last_order",),
    ),
}
TEXT_COLUMNS = {
    "name": _("Name"),
    "external_id": _("Customer id"),
    "owner": _("Owner"),
    "industry": _("Industry"),
    "contract_type": _("Contract type"),
    "country": _("Country"),
    "customer_type": _("B2B / B2C"),
}


class ColumnError(ValueError):
    """An unknown column was asked for."""


def today() -> dt.date:
    """The date lifetimes are measured to (a function so tests can pin it)."""
    return dt.date.today()


def numeric_columns(dataset: Dataset | None) -> dict[str, str]:
    """The numeric columns of the dataset that hold data, key -> label, in the forms' order."""
    if dataset is None:
        return {}
    filled = _filled(dataset)
    columns = {key: str(label) for key, (_sql, label) in TYPED.items() if filled.get(key)}
    for key, (_sql, label, needs) in COMPUTED.items():
        if key.startswith(("order", "days_since")) and dataset.kind != DatasetKind.ORDERS:
            continue
        if all(filled.get(n) for n in needs):
            columns[key] = str(label)
    for column in numeric_extra_columns(dataset):
        columns[EXTRA_PREFIX + column] = column
    return columns


def column_label(key: str) -> str:
    """How a column is called on a page."""
    if key.startswith(EXTRA_PREFIX):
        return key.removeprefix(EXTRA_PREFIX)
    if key in TYPED:
        return str(TYPED[key][1])
    if key in COMPUTED:
        return str(COMPUTED[key][1])
    return str(TEXT_COLUMNS.get(key, key))


FILLED_COLUMNS = (
    *TYPED,
    "customer_since",
    "customer_until",
    "order_count",
    "first_order",
    "last_order",
)


def _filled(dataset: Dataset) -> dict[str, bool]:
    """Which columns hold values: the mapped ones (and what an order import aggregates), or,
    for a dataset without a recorded mapping, those with at least one value (one scan)."""
    mapped = set(dataset.mapping or ())
    if mapped:
        if dataset.kind == DatasetKind.ORDERS:
            mapped |= {"revenue", "order_count", "first_order", "last_order", "customer_since"}
            if "profit" in mapped:
                mapped.add("margin")
        return {c: c in mapped for c in FILLED_COLUMNS}
    sql = ", ".join(f"bool_or({c} IS NOT NULL)" for c in FILLED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql} FROM portfolio_customer WHERE dataset_id = %s", [dataset.pk])
        row = cursor.fetchone()
    return {c: bool(v) for c, v in zip(FILLED_COLUMNS, row, strict=True)}


def numeric_extra_columns(dataset: Dataset) -> list[str]:
    """Extra columns where at least 80 % of a sample of filled cells are numbers."""
    if not dataset.extra_columns:
        return []
    sample = list(
        Customer.objects.in_dataset(dataset).values_list("extra", flat=True)[:EXTRA_SAMPLE]
    )
    found = []
    for column in dataset.extra_columns:
        values = [row.get(column) for row in sample if row.get(column) not in (None, "")]
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
        if values and numbers.notna().mean() >= 0.8:
            found.append(column)
    return found


def _number_sql(key: str, params: dict) -> str:
    if key in TYPED:
        return TYPED[key][0]
    if key in COMPUTED:
        return COMPUTED[key][0]
    if key.startswith(EXTRA_PREFIX):
        name = f"extra_{len(params)}"
        params[name] = key.removeprefix(EXTRA_PREFIX)
        return (
            f"CASE WHEN (extra ->> %({name})s) ~ %(number_pattern)s "
            f"THEN (extra ->> %({name})s)::float8 END"
        )
    raise ColumnError(f"Unknown numeric column {key!r}.")


def _text_sql(key: str, params: dict) -> str:
    if not key.startswith(EXTRA_PREFIX):
        return key  # one of TEXT_COLUMNS, checked by load_customers
    name = f"extra_{len(params)}"
    params[name] = key.removeprefix(EXTRA_PREFIX)
    return f"(extra ->> %({name})s)"


def load_customers(
    dataset: Dataset,
    *,
    numbers: Iterable[str] = (),
    texts: Iterable[str] = (),
    on: dt.date | None = None,
) -> pd.DataFrame:
    """The dataset's customers: ``id`` (int), the numeric columns (float, NaN when missing) and
    the text columns (text, missing when blank; ``extra:<column>`` for a column of the file
    that was not mapped), in no particular row order.

    ``on`` is the date lifetimes and order recency are measured to (default: today). Cached
    per dataset revision; the frame is a shallow copy, change it freely.
    """
    numbers = tuple(dict.fromkeys(numbers))
    texts = tuple(dict.fromkeys(texts))
    if unknown := [t for t in texts if t not in TEXT_COLUMNS and not t.startswith(EXTRA_PREFIX)]:
        raise ColumnError(f"Unknown text columns {unknown!r}.")
    on = on or today()
    return frame_cache.get(
        dataset,
        ("customers", numbers, texts, on),
        lambda: _load_customers(dataset, list(numbers), list(texts), on),
    )


def _load_customers(dataset: Dataset, numbers: list[str], texts: list[str], on: dt.date):
    params: dict = {
        "dataset": dataset.pk,
        "today": on,
        "number_pattern": NUMBER_PATTERN,
        "separator": SEPARATOR,
    }
    parts = ["float8send(id::float8)"]
    parts += [f"float8send(COALESCE({_number_sql(k, params)}, 'NaN'::float8))" for k in numbers]
    selects = [f"string_agg({' || '.join(parts)}, ''::bytea)", "count(*)"]
    # Both aggregates of one query read the rows in the same order, so the texts line up
    # with the numbers.
    selects += [
        f"string_agg(replace(COALESCE({_text_sql(t, params)}, ''), %(separator)s, ' '), "
        "%(separator)s)"
        for t in texts
    ]
    sql = f"SELECT {', '.join(selects)} FROM portfolio_customer WHERE dataset_id = %(dataset)s"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        blob, count, *joined = cursor.fetchone()
    values = np.frombuffer(bytes(blob or b""), dtype=">f8").astype(np.float64)
    values = values.reshape(-1, len(parts))
    frame = pd.DataFrame(values[:, 1:], columns=numbers)
    frame.insert(0, "id", values[:, 0].astype(np.int64))
    for column, text in zip(texts, joined, strict=True):
        cells = np.array(text.split(SEPARATOR) if count else [], dtype=object)
        cells[cells == ""] = None
        frame[column] = cells
    return frame


def customer_names(dataset: Dataset, ids: Sequence[int] | np.ndarray) -> pd.Series:
    """Names of some customers of the dataset (the rows a page shows), id -> name."""
    ids = [int(i) for i in ids]
    if not ids:
        return pd.Series(dtype=object)
    # One array parameter instead of a thousand: the chart's points can be that many.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, name FROM portfolio_customer WHERE dataset_id = %s AND id = ANY(%s)",
            [dataset.pk, ids],
        )
        rows = cursor.fetchall()
    return pd.Series(dict(rows), dtype=object)


def with_names(dataset: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a few rows of an analysis frame with their customers' names filled in."""
    frame = frame.copy()
    frame["name"] = frame["id"].map(customer_names(dataset, frame["id"].to_numpy())).to_numpy()
    return frame
