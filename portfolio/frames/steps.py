"""A workshop's customers as pandas DataFrames, loaded with one query each.

Numbers travel from PostgreSQL as one bytea of big-endian float8s (row after row) and become
numpy arrays without a Python object per value: for a million customers that is several times
faster than fetching tuples. Money becomes float here and only here.

The frames are cached per dataset revision (portfolio.frames.cache): a team changes thresholds,
not customers, so only a worker's first page of a dataset waits for the database.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.db.models import (
    Aggregate,
    BinaryField,
    Case,
    Expression,
    F,
    FloatField,
    Func,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import Regex
from django.utils.translation import gettext_lazy as _

from portfolio.analysis import GROUPS
from portfolio.frames import cache as frame_cache
from portfolio.frames.customers import EXTRA_PREFIX, NUMBER_PATTERN, numeric_extra_columns
from portfolio.models import Customer, Dataset, DatasetKind

# Numeric customer columns a team may group by, in the order the form offers them.
NUMERIC_COLUMNS = {
    "seats": _("Seats / licences"),
    "revenue": _("Revenue with us"),
    "margin": _("Margin %"),
    "sales_cycle_days": _("Sales cycle (days)"),
    "employees": _("Employees"),
    "company_revenue": _("Company revenue"),
}


class _Float8Rows(Aggregate):
    """string_agg of bytea: every row's float8 values, concatenated."""

    function = "string_agg"
    template = "%(function)s(%(expressions)s, ''::bytea)"
    output_field = BinaryField()


def metric_expression(metric: str) -> Expression:
    """The SQL value of a metric: a typed column, or a numeric extra attribute (else NULL)."""
    if metric.startswith(EXTRA_PREFIX):
        text = KeyTextTransform(metric.removeprefix(EXTRA_PREFIX), "extra")
        return Case(
            When(Regex(text, NUMBER_PATTERN), then=Cast(text, FloatField())),
            default=None,
            output_field=FloatField(),
        )
    if metric not in NUMERIC_COLUMNS and metric != "id":
        raise ValueError(f"Unknown metric {metric!r}.")
    return Cast(F(metric), FloatField())


def metric_label(metric: str) -> str:
    """How a metric is called on the page."""
    if metric.startswith(EXTRA_PREFIX):
        return metric.removeprefix(EXTRA_PREFIX)
    return str(NUMERIC_COLUMNS.get(metric, metric))


def metric_choices(dataset: Dataset | None) -> list[tuple[str, str]]:
    """Numeric columns of the dataset: mapped typed columns, then extra columns holding numbers."""
    if dataset is None:
        return []
    mapped = set(dataset.mapping or NUMERIC_COLUMNS)
    if dataset.kind == DatasetKind.ORDERS:  # the import adds up revenue (and profit) per customer
        mapped |= {"revenue", "margin"} if "profit" in mapped else {"revenue"}
    choices = [(key, str(label)) for key, label in NUMERIC_COLUMNS.items() if key in mapped]
    choices += [(EXTRA_PREFIX + column, column) for column in numeric_extra_columns(dataset)]
    return choices


def number_frame(customers, columns: dict[str, Expression]) -> pd.DataFrame:
    """One float column per expression for the customers of the queryset (NaN for NULL)."""
    names = list(columns)
    if not names:
        return pd.DataFrame()
    nan = Value(float("nan"), output_field=FloatField())
    parts = [
        Func(Coalesce(expression, nan), function="float8send", output_field=BinaryField())
        for expression in columns.values()
    ]
    row = Func(*parts, arg_joiner=" || ", template="(%(expressions)s)", output_field=BinaryField())
    blob = customers.order_by().aggregate(rows=_Float8Rows(row))["rows"]
    values = np.frombuffer(bytes(blob or b""), dtype=">f8").astype(np.float64)
    return pd.DataFrame(values.reshape(-1, len(names)), columns=names)


def size_frame(dataset: Dataset, metric: str) -> pd.DataFrame:
    """The metric and the revenue of every customer of the dataset (steps 1 and 2; cached)."""
    return frame_cache.get(dataset, ("size", metric), lambda: _size_frame(dataset, metric))


def _size_frame(dataset: Dataset, metric: str) -> pd.DataFrame:
    columns = {metric: metric_expression(metric)}
    if metric != "revenue":
        columns["revenue"] = metric_expression("revenue")
    return number_frame(Customer.objects.in_dataset(dataset), columns)


def group_filter(metric: str, thresholds, group: str) -> dict:
    """Queryset filter for one size group, matching portfolio.analysis.group_by_size exactly."""
    t1, t2 = (float(t) for t in thresholds)
    if group not in GROUPS:
        raise ValueError(f"Unknown group {group!r}.")
    return {
        "small": {"_metric__lte": t1},
        "medium": {"_metric__gt": t1, "_metric__lte": t2},
        "large": {"_metric__gt": t2},
    }[group]


# Columns step 3 needs for each ranking criterion (revenue is always loaded).
CRITERION_COLUMNS = {
    "sales_cycle_days": ("sales_cycle_days",),
    "margin": ("margin",),
    "lifetime_days": ("customer_since", "customer_until"),
    "revenue": (),
}


def group_frame(
    dataset: Dataset, *, metric: str, thresholds, group: str, criterion: str
) -> pd.DataFrame:
    """Id, name, customer id, revenue and the criterion's columns of one size group (step 3;
    cached)."""
    limits = tuple(float(t) for t in thresholds)
    return frame_cache.get(
        dataset,
        ("group", metric, limits, group, criterion),
        lambda: _group_frame(dataset, metric, limits, group, criterion),
    )


def _group_frame(dataset, metric, thresholds, group, criterion) -> pd.DataFrame:
    rows = (
        Customer.objects.in_dataset(dataset)
        .alias(_metric=metric_expression(metric))
        .filter(**group_filter(metric, thresholds, group))
        .order_by()
    )
    fields = ["id", "name", "external_id", *CRITERION_COLUMNS[criterion]]
    floats = {"revenue": Cast("revenue", FloatField())}
    if "margin" in fields:
        fields.remove("margin")
        floats["margin"] = Cast("margin", FloatField())
    names = [*fields, *floats]
    frame = pd.DataFrame(list(rows.values_list(*fields, *floats.values())), columns=names)
    for column in floats:
        frame[column] = frame[column].astype(float)
    return frame


def today() -> dt.date:
    """The date lifetimes are measured to (a function so tests can pin it)."""
    return dt.date.today()


# The whole portfolio's company columns, for the lift under the tables of steps 4-5 and the
# draft of step 6: every participant's page asks for the same frame (cached per revision).
def _population(dataset: Dataset) -> pd.DataFrame:
    return frame_cache.get(dataset, ("population",), lambda: _load_population(dataset))


def _load_population(dataset: Dataset) -> pd.DataFrame:
    fields = CUSTOMER_FIELDS
    rows = Customer.objects.in_dataset(dataset).order_by().values_list(*fields)
    frame = pd.DataFrame(list(rows), columns=list(fields), dtype=object)
    for name in fields:
        kind = Customer._meta.get_field(name).get_internal_type()
        if name == "id":
            frame[name] = frame[name].astype("int64")
        elif kind in ("DecimalField", "IntegerField"):
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
        elif kind == "CharField" and name not in ("name", "external_id"):
            # Few distinct values (industry, country...): categories keep a million rows small.
            frame[name] = frame[name].replace("", None).astype("category")
    return frame


def population_frame(dataset: Dataset | None, columns: dict[str, str]) -> pd.DataFrame | None:
    """Every customer's values of the given fields, named by table column ({column: field})."""
    if dataset is None or not columns:
        return None
    frame = _population(dataset)
    return pd.DataFrame({column: frame[field] for column, field in columns.items()})


CUSTOMER_FIELDS = (
    "id",
    "name",
    "revenue",
    "seats",
    "margin",
    "sales_cycle_days",
    "customer_since",
    "industry",
    "customer_type",
    "employees",
    "country",
    "company_revenue",
    "market_position",
    "growth",
    "owner",
    "contract_type",
)


def customers_frame(dataset: Dataset | None) -> pd.DataFrame:
    """Every customer of the dataset with the fields criteria read (a copy: callers add columns)."""
    if dataset is None:
        return pd.DataFrame(columns=list(CUSTOMER_FIELDS))
    return _population(dataset)
