"""The workshop's customer frame for the suggestions and the self-check: the dataset's customers
with the fields criteria read, their end dates and imported columns, plus the corrections the
team made to its best customers' rows in steps 4-5.

`workshop_frame` is the one entry point. The customers come through the one loader
(`portfolio.frames.customers.load_customers`, the same columns `profiles.segments.frames`
reads); the corrections are the current best customers' table rows, also where the team
added a buyer trait or a column of its own (known for the best customers only).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

import pandas as pd

from portfolio.frames import cache as frame_cache
from portfolio.frames.customers import EXTRA_PREFIX, load_customers, numeric_extra_columns
from portfolio.models import Dataset
from profiles.models import ProfileRow, Workshop, WorkshopStep
from profiles.segments.frames import NUMBER_FIELDS, TEXT_FIELDS
from profiles.versions import traits
from profiles.workshop.tables import services as table_services

_EXTRAS = frame_cache.Memo(64)  # which imported columns hold numbers, per dataset revision
# The company columns every customer has (prefilled from the list): what suggestions may use.
COMPANY_ATTRIBUTES = tuple(c.key for c in traits.COMPANY_COLUMNS if c.customer_field)


def extra_columns(dataset: Dataset) -> tuple[list[str], list[str]]:
    """The dataset's imported columns that are no customer field: (numeric, text)."""

    def find():
        numeric = numeric_extra_columns(dataset)
        taken = {"id", "name", *NUMBER_FIELDS, *TEXT_FIELDS, "customer_since", "customer_until"}
        text = [c for c in dataset.extra_columns or () if c not in numeric and c not in taken]
        return [c for c in numeric if c not in taken], text

    return _EXTRAS.get_or_set((dataset.pk, dataset.revision), find)


def dataset_frame(dataset: Dataset | None) -> pd.DataFrame:
    """Every customer of the dataset: the fields criteria read, customer_since and
    customer_until, imported columns (numbers as floats, texts as categories); read through the
    one loader (portfolio.frames.customers.load_customers), cached per dataset revision."""
    if dataset is None:
        columns = ["id", *NUMBER_FIELDS, *TEXT_FIELDS, "customer_since", "customer_until"]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    numeric, text = extra_columns(dataset)
    frame = load_customers(
        dataset,
        numbers=[*NUMBER_FIELDS, *(EXTRA_PREFIX + c for c in numeric)],
        texts=["name", *TEXT_FIELDS, *(EXTRA_PREFIX + c for c in text)],
        dates=["customer_since", "customer_until"],
    )
    frame = frame.rename(columns={EXTRA_PREFIX + c: c for c in (*numeric, *text)})
    for name in text:  # few distinct values: categories keep a million rows small
        frame[name] = frame[name].astype("category")
    return frame


def table_rows(workshop: Workshop) -> list[tuple[int, dict]]:
    """(customer id, values) of the rows of the current best customers in steps 4-5."""
    chosen = table_services.selection(workshop)
    skipped = (
        WorkshopStep.objects.filter(workshop=workshop, number=4)
        .values_list("inputs", flat=True)
        .first()
        or {}
    ).get("skipped")
    rows = ProfileRow.objects.filter(workshop=workshop)
    if skipped:
        rows = rows.exclude(table="company")
    # Rows of customers no longer selected are kept for going back: filtered here, not with
    # an IN list as long as the selection.
    chosen = set(chosen)
    found = rows.order_by("table", "customer_id", "buyer").values_list(
        "table", "customer_id", "values"
    )
    company = [(c, values) for table, c, values in found if table == "company" and c in chosen]
    buyers = [(c, values) for table, c, values in found if table == "buyer" and c in chosen]
    # A customer's buyer is who decided (traits.deciders: more rows, one answer).
    return company + traits.deciders(buyers)


def corrected(frame: pd.DataFrame, rows: Iterable[tuple[int, dict]]) -> pd.DataFrame:
    """The frame with the values of the best customers' table rows written in (a new column
    for a buyer trait or an own column; known for the best customers only)."""
    frame = frame.copy(deep=False)
    updates: dict[str, tuple[list[int], list]] = {}
    position = pd.Index(frame["id"])
    for customer, values in rows:
        index = position.get_indexer([customer])[0]
        if index < 0:
            continue
        for key, value in values.items():
            positions, found = updates.setdefault(key, ([], []))
            positions.append(index)
            found.append(value)
    for key, (positions, values) in updates.items():
        column = frame[key] if key in frame.columns else pd.Series(None, index=frame.index)
        if isinstance(column.dtype, pd.CategoricalDtype) and all(
            isinstance(v, str) for v in values
        ):
            missing = sorted(set(values) - set(column.cat.categories))
            column = column.cat.add_categories(missing) if missing else column.copy()
        elif column.dtype.kind not in "iuf" or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            column = column.astype(object)  # text, lists (drivers), or a number among texts
        else:
            column = column.astype(float)
        for index, value in zip(positions, values, strict=True):
            column.iat[index] = value
        frame[key] = column
    return frame


def workshop_frame(workshop: Workshop, rows=None) -> pd.DataFrame:
    """The workshop's frame: its dataset with the best customers' rows of steps 4-5 applied."""
    rows = table_rows(workshop) if rows is None else rows
    return corrected(dataset_frame(workshop.dataset), rows)


def state(workshop: Workshop, rows) -> str:
    """What the workshop's frame and best customers depend on besides the dataset's revision:
    step 3 (goal and selection) and the table rows, as a short hash."""
    step3 = (
        WorkshopStep.objects.filter(workshop=workshop, number=3)
        .values_list("inputs", flat=True)
        .first()
    )
    text = json.dumps([step3, rows], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def clear() -> None:
    """Forget which imported columns hold numbers (tests, the benchmark)."""
    _EXTRAS.clear()
