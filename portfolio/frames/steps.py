"""The frames the method's steps read: a size metric (steps 1-2), one size group (step 3), the
whole portfolio's company columns (steps 4-5).

Numbers come through the one loader, `portfolio.frames.customers.load_customers`; the size
group's filter is SQL so that step 3 fetches names of one group only. The frames are cached per
dataset revision (portfolio.frames.cache): a team changes thresholds, not customers, so only a
worker's first page of a dataset waits for the database.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import (
    Case,
    Expression,
    F,
    FloatField,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.db.models.lookups import Regex

from portfolio.analysis import GROUPS
from portfolio.frames import cache as frame_cache
from portfolio.frames import customers
from portfolio.frames.customers import (
    EXTRA_PREFIX,
    NUMBER_PATTERN,
    TEXT_COLUMNS,
    column_label,
    load_customers,
    numeric_extra_columns,
)
from portfolio.models import Customer, Dataset, DatasetKind

# Numeric customer columns a team may group by, in the order the form offers them.
METRICS = ("seats", "revenue", "margin", "sales_cycle_days", "employees", "company_revenue")


def metric_expression(metric: str) -> Expression:
    """The SQL value of a metric: a typed column, or a numeric extra attribute (else NULL)."""
    if metric.startswith(EXTRA_PREFIX):
        text = KeyTextTransform(metric.removeprefix(EXTRA_PREFIX), "extra")
        return Case(
            When(Regex(text, NUMBER_PATTERN), then=Cast(text, FloatField())),
            default=None,
            output_field=FloatField(),
        )
    if metric not in METRICS and metric != "id":
        raise ValueError(f"Unknown metric {metric!r}.")
    return Cast(F(metric), FloatField())


def metric_choices(dataset: Dataset | None) -> list[tuple[str, str]]:
    """Numeric columns of the dataset: mapped typed columns, then extra columns holding numbers."""
    if dataset is None:
        return []
    mapped = set(dataset.mapping or METRICS)
    if dataset.kind == DatasetKind.ORDERS:  # the import adds up revenue (and profit) per customer
        mapped |= {"revenue", "margin"} if "profit" in mapped else {"revenue"}
    choices = [(key, column_label(key)) for key in METRICS if key in mapped]
    choices += [(EXTRA_PREFIX + column, column) for column in numeric_extra_columns(dataset)]
    return choices


def size_frame(dataset: Dataset, metric: str, *, active_on: dt.date | None = None) -> pd.DataFrame:
    """The metric and the revenue of the dataset's customers (steps 1 and 2; cached): those
    active on `active_on` (the method's customers), every one when None."""
    numbers = (metric,) if metric == "revenue" else (metric, "revenue")
    return load_customers(dataset, numbers=numbers, active_on=active_on).drop(columns="id")


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
    "value_score": (),  # the score is joined on by id (profiles.workshop.results)
}


def group_frame(
    dataset: Dataset,
    *,
    metric: str,
    thresholds,
    group: str,
    criterion: str,
    active_on: dt.date | None = None,
) -> pd.DataFrame:
    """Id, name, customer id, revenue and the criterion's columns of one size group (step 3;
    cached): its customers active on `active_on`, every one when None."""
    limits = tuple(float(t) for t in thresholds)
    return frame_cache.get(
        dataset,
        ("group", metric, limits, group, criterion, active_on),
        lambda: _group_frame(dataset, metric, limits, group, criterion, active_on),
    )


def _group_frame(dataset, metric, thresholds, group, criterion, active_on) -> pd.DataFrame:
    customers = Customer.objects.in_dataset(dataset)
    if active_on is not None:
        customers = customers.active_on(active_on)
    rows = (
        customers.alias(_metric=metric_expression(metric))
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
    """The date the steps count active customers on and measure lifetimes to (the loader's
    today; a function so tests can pin it)."""
    return customers.today()


def population_frame(
    dataset: Dataset | None, columns: dict[str, str], *, active_on: dt.date | None = None
) -> pd.DataFrame | None:
    """The customers' values of the given fields, named by table column ({column: field}):
    the lift under the tables of steps 4-5 (cached per revision by the loader); the customers
    active on `active_on`, every one when None."""
    if dataset is None or not columns:
        return None
    fields = list(dict.fromkeys(columns.values()))
    frame = load_customers(
        dataset,
        numbers=[f for f in fields if f not in TEXT_COLUMNS],
        texts=[f for f in fields if f in TEXT_COLUMNS],
        active_on=active_on,
    )
    return pd.DataFrame({column: frame[field] for column, field in columns.items()}, copy=False)
