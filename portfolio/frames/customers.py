"""A dataset's customers as pandas DataFrames, for the analyses (the one loader).

A frame carries only the columns its caller asks for, typed for analysis: numbers as float64
(NaN when missing), the company texts (industry, country, owner ...) as categoricals. They come
from the dataset's snapshot (portfolio.frames.snapshot): columns on disk that every process
maps without reading the customers from PostgreSQL. Names, customer ids and numeric columns of
the file that were not mapped to a field come from PostgreSQL, in one query: numbers as one
bytea of big-endian float8s, texts as one string joined by a separator, so 100,000 customers
become numpy arrays without a Python object per value. Money becomes float here and only here.
The frames are cached per dataset revision (portfolio.frames.cache): a page's later options and
visits reuse them.

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

from portfolio.analysis.common import is_active
from portfolio.frames import cache as frame_cache
from portfolio.frames import snapshot as snapshots
from portfolio.frames import value_columns
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
    "market_position": _("Market position"),
    "growth": _("Growth"),
}
EPOCH = dt.date(1970, 1, 1)
_FORMER = frame_cache.Memo(64)  # former customers per dataset revision and date


class ColumnError(ValueError):
    """An unknown column was asked for."""


def today() -> dt.date:
    """The date lifetimes are measured to (a function so tests can pin it)."""
    return dt.date.today()


def active_date(include_former: bool = False, *, on: dt.date | None = None) -> dt.date | None:
    """The date every analysis counts its customers on: today (or `on`), so only the active
    customers count (the method's default); None when the team includes the former customers
    on purpose. Pass it as ``load_customers(..., active_on=...)``."""
    return None if include_former else (on or today())


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
    for key in value_sources(dataset):
        columns[key] = str(value_columns.LABELS[key])
    for column in numeric_extra_columns(dataset):
        columns[EXTRA_PREFIX + column] = column
    return columns


def value_sources(dataset: Dataset) -> dict[str, tuple[str, ...]]:
    """The value score's columns beyond revenue this list can give (potential, churn risk,
    strategic value: portfolio.frames.value_columns) and what each is made of."""
    found = value_columns.sources(dataset.extra_columns or (), numeric_extra_columns(dataset))
    if "churn_risk" not in found and dataset.kind == DatasetKind.ORDERS:
        found["churn_risk"] = ("orders",)
    if "benefit" not in found and _filled(dataset).get("margin"):
        found["benefit"] = ("margin",)
    return found


def column_label(key: str) -> str:
    """How a column is called on a page."""
    if key.startswith(EXTRA_PREFIX):
        return key.removeprefix(EXTRA_PREFIX)
    if key in TYPED:
        return str(TYPED[key][1])
    if key in COMPUTED:
        return str(COMPUTED[key][1])
    if key in value_columns.LABELS:
        return str(value_columns.LABELS[key])
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
    if key.startswith(EXTRA_PREFIX):
        name = f"extra_{len(params)}"
        params[name] = key.removeprefix(EXTRA_PREFIX)
        return f"(extra ->> %({name})s)"
    return key


def load_customers(
    dataset: Dataset,
    *,
    numbers: Iterable[str] = (),
    texts: Iterable[str] = (),
    dates: Iterable[str] = (),
    on: dt.date | None = None,
    active_on: dt.date | None = None,
) -> pd.DataFrame:
    """The dataset's customers in id order: ``id`` (int), the numeric columns (float, NaN when
    missing), the text columns (missing when blank: categoricals for the company texts, object
    for ``name``, ``external_id`` and ``extra:<column>``) and the date columns (datetime64,
    NaT when missing).

    ``on`` is the date lifetimes and order recency are measured to (default: today).
    ``active_on``: only the customers on that date (``portfolio.analysis.common.is_active``);
    None keeps the former customers too. Cached per dataset revision; the frame is a shallow
    copy, change it freely.
    """
    numbers = tuple(dict.fromkeys(numbers))
    texts = tuple(dict.fromkeys(texts))
    dates = tuple(dict.fromkeys(dates))
    if unknown := [t for t in texts if t not in TEXT_COLUMNS and not t.startswith(EXTRA_PREFIX)] + [
        d for d in dates if d not in snapshots.DATES
    ]:
        raise ColumnError(f"Unknown text or date columns {unknown!r}.")
    for key in numbers:
        known = key in TYPED or key in COMPUTED or key in value_columns.KEYS
        if not (known or key.startswith(EXTRA_PREFIX)):
            raise ColumnError(f"Unknown numeric column {key!r}.")
    on = on or today()
    return frame_cache.get(
        dataset,
        ("customers", numbers, texts, dates, on, active_on),
        lambda: _load_customers(dataset, numbers, texts, dates, on, active_on),
    )


def former_customers(dataset: Dataset | None, on: dt.date | None = None) -> int:
    """How many customers of the dataset had left before ``on`` (default: today): the count
    the pages show beside an analysis of the active customers."""
    if dataset is None:
        return 0
    on = on or today()

    def count() -> int:
        snap = snapshots.snapshot_of(dataset)
        return int(len(snap) - is_active(_until(snap), on).sum())

    return _FORMER.get_or_set((dataset.pk, dataset.revision, dataset.created_at, on), count)


def _until(snap: snapshots.Snapshot) -> pd.Series:
    return pd.Series(pd.to_datetime(snap.number("customer_until"), unit="D"))


def _load_customers(
    dataset: Dataset, numbers, texts, dates, on: dt.date, active_on: dt.date | None
) -> pd.DataFrame:
    snap = snapshots.snapshot_of(dataset)
    extras = [key for key in numbers if key.startswith(EXTRA_PREFIX)]
    stored = [text for text in texts if text not in snapshots.TEXTS]
    fetched = _from_database(dataset, snap, extras, stored, on) if extras or stored else {}
    data: dict[str, object] = {"id": snap.ids}
    for key in numbers:
        if key in value_columns.KEYS:
            data[key] = _value_column(dataset, snap, key, on)
        else:
            data[key] = fetched[key] if key in fetched else _number(snap, key, on)
    for key in texts:
        data[key] = fetched[key] if key in fetched else snap.category(key)
    for key in dates:
        data[key] = pd.to_datetime(snap.number(key), unit="D")
    frame = pd.DataFrame(data, copy=False)
    if active_on is not None:
        frame = frame[is_active(_until(snap), active_on)].reset_index(drop=True)
    return frame


def _number(snap: snapshots.Snapshot, key: str, on: dt.date) -> np.ndarray:
    """A typed or computed number column, as the SQL of TYPED and COMPUTED defines it."""
    if key in snap.columns:
        return snap.number(key)
    day = float((on - EPOCH).days)
    if key == "lifetime_days":
        until = snap.number("customer_until")
        return np.where(np.isnan(until), day, until) - snap.number("customer_since")
    if key == "orders_per_year":
        # GREATEST skips a missing date: without both dates the span counts as one year.
        span = np.fmax(snap.number("last_order") - snap.number("first_order"), 365.0)
        return snap.number("order_count") * 365.25 / span
    if key == "days_since_last_order":
        return day - snap.number("last_order")
    raise ColumnError(f"Unknown numeric column {key!r}.")


def _value_column(dataset: Dataset, snap: snapshots.Snapshot, key: str, on: dt.date) -> np.ndarray:
    """Potential, churn risk or strategic value (value_columns), aligned to the snapshot's rows;
    all missing where the list cannot give it."""
    source = value_sources(dataset).get(key)
    if source is None:
        return np.full(len(snap), np.nan)
    if source == ("orders",):
        since = _number(snap, "days_since_last_order", on)
        return value_columns.churn_from_orders(since, _number(snap, "orders_per_year", on))
    if source == ("margin",):
        return 100.0 - snap.number("margin")
    numbers, texts = value_columns.needs(source)
    frame = load_customers(dataset, numbers=numbers, texts=texts, on=on)
    return value_columns.compute(source, frame)


def _from_database(dataset, snap, numbers: list[str], texts: list[str], on) -> dict:
    """Columns the snapshot does not hold, aligned to its rows: one query."""
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
    if not len(values):
        values = np.full((1, len(parts)), np.nan)  # nothing found: every row reads missing
    rows = np.full(len(snap), -1, dtype=np.int64)
    ids = values[:, 0]
    found = snap.positions(np.where(np.isnan(ids), -1, ids).astype(np.int64))  # -1: no row
    rows[found[found >= 0]] = np.flatnonzero(found >= 0)
    columns: dict[str, np.ndarray] = {}
    for i, key in enumerate(numbers, start=1):
        columns[key] = np.where(rows >= 0, values[rows, i], np.nan)
    for column, text in zip(texts, joined, strict=True):
        cells = np.array(text.split(SEPARATOR) if count else [], dtype=object)
        cells[cells == ""] = None
        aligned = np.full(len(snap), None, dtype=object)
        aligned[rows >= 0] = cells[rows[rows >= 0]]
        columns[column] = aligned
    return columns


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
