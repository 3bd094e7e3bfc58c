"""The one frame every segment is computed from: the dataset's customers plus the workshop's
table corrections (steps 4-5).

`customer_frame` is the frame for a dataset and a set of corrections (a published version keeps
its corrections as they were when it was saved); `workshop_frame` is the same for a workshop
with its tables as they are now (step 6 and issue-19's suggested criteria read it).

Corrections are what the company and buyer tables say about the best customers: every value
of the rows of the current selection, and None (unknown) for a cell the team emptied. A value
in the table wins over the customer list, because the team corrected it or knows it (a buyer's
role is in no customer list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from portfolio.frames import customers as loader
from portfolio.models import Dataset
from profiles.models import ProfileRow, Workshop, WorkshopStep
from profiles.versions import traits
from profiles.versions.criteria import MULTI_VALUED_ATTRIBUTES

# Customer fields the loader gives, by the name criteria use for them.
NUMBER_FIELDS = ("revenue", "seats", "margin", "sales_cycle_days", "employees", "company_revenue")
TEXT_FIELDS = ("industry", "customer_type", "country", "market_position", "growth", "owner")
TEXT_FIELDS += ("contract_type",)
# What every frame carries besides the attributes: the step-6 figures and the reps' lists.
BASE_NUMBERS = ("revenue",)


def table_corrections(workshop: Workshop | None) -> dict[str, dict[str, Any]]:
    """The workshop's table values by customer id (a string, as JSON keeps it)."""
    if workshop is None:
        return {}
    inputs = dict(
        WorkshopStep.objects.filter(workshop=workshop, number__in=(3, 4, 5)).values_list(
            "number", "inputs"
        )
    )
    chosen = set((inputs.get(3) or {}).get("selection", []))
    tables = ["buyer"] if (inputs.get(4) or {}).get("skipped") else ["company", "buyer"]
    # Only the tables' current columns: a removed column's cells stay stored, out of the profile.
    current = {
        table: {c.key for c in traits.columns(table, inputs.get(traits.STEP_OF_TABLE[table]))}
        for table in tables
    }
    rows = ProfileRow.objects.filter(workshop=workshop, table__in=tables, customer__isnull=False)
    fields = ("table", "customer_id", "buyer", "values", "cell_versions")
    found: dict[str, dict[str, Any]] = {}
    buyers: list[tuple[int, dict]] = []
    for row in rows.order_by("table", "buyer", "pk").only(*fields):
        if row.customer_id not in chosen:
            continue
        keys = current[row.table]
        kept = {key: value for key, value in row.values.items() if key in keys}
        for key, version in (row.cell_versions or {}).items():
            if version and key in keys and key not in row.values:
                kept[key] = None  # emptied by the team: unknown, whatever the list says
        if row.table == "buyer":
            buyers.append((row.customer_id, kept))
        else:
            found.setdefault(str(row.customer_id), {}).update(kept)
    # A customer's buyer is who decided (traits.deciders: more rows, one answer).
    for customer, values in traits.deciders(buyers):
        found.setdefault(str(customer), {}).update(values)
    return found


def workshop_frame(
    workshop: Workshop,
    *,
    attributes: Iterable[str] = (),
    active_on: dt.date | None = None,
) -> pd.DataFrame:
    """The workshop's frame: its dataset's customers with the tables' corrections applied."""
    if workshop.dataset is None:
        return empty_frame(attributes)
    return customer_frame(
        workshop.dataset,
        attributes=attributes,
        corrections=table_corrections(workshop),
        active_on=active_on,
    )


def empty_frame(attributes: Iterable[str] = ()) -> pd.DataFrame:
    """A frame without customers, with the columns customer_frame has."""
    columns = ["id", *BASE_NUMBERS, "customer_since", *attributes]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in dict.fromkeys(columns)})


def customer_frame(
    dataset: Dataset,
    *,
    attributes: Iterable[str] = (),
    corrections: Mapping[str, Mapping[str, Any]] | None = None,
    active_on: dt.date | None = None,
) -> pd.DataFrame:
    """Every customer of the dataset in id order: ``id``, ``revenue``, ``customer_since`` and
    the attributes (customer fields typed by the loader, the file's other columns as text,
    anything else only where a correction gives it), with the corrections applied.

    ``active_on``: only the customers whose relationship had not ended before that date
    (``customer_until`` empty or on/after it); None keeps everybody.
    """
    attributes = [a for a in dict.fromkeys(attributes) if a not in ("id", "customer_since")]
    numbers = [*BASE_NUMBERS, *(a for a in attributes if a in NUMBER_FIELDS)]
    extras = set(dataset.extra_columns or ())
    texts = [a for a in attributes if a in TEXT_FIELDS]
    texts += [
        loader.EXTRA_PREFIX + a for a in attributes if a not in numbers + texts and a in extras
    ]
    dates = ["customer_since", *(["customer_until"] if active_on else [])]
    frame = loader.load_customers(dataset, numbers=numbers, texts=texts, dates=dates)
    frame = frame.rename(columns={t: t.removeprefix(loader.EXTRA_PREFIX) for t in texts})
    for attribute in attributes:
        if attribute not in frame.columns:
            frame[attribute] = pd.Series(None, index=frame.index, dtype=object)
    frame = apply_corrections(frame, corrections or {}, attributes)
    if active_on is not None:
        until = frame.pop("customer_until")
        frame = frame[(until.isna() | (until >= pd.Timestamp(active_on))).to_numpy()]
    return frame.reset_index(drop=True)


def apply_corrections(
    frame: pd.DataFrame, corrections: Mapping[str, Mapping[str, Any]], attributes: Iterable[str]
) -> pd.DataFrame:
    """The frame with the tables' values written over the customers' (attributes only)."""
    wanted = set(attributes)
    by_attribute: dict[str, dict[int, Any]] = {}
    for customer, values in corrections.items():
        for key, value in values.items():
            if key in wanted:
                by_attribute.setdefault(key, {})[int(customer)] = value
    if not by_attribute:
        return frame
    ids = frame["id"].to_numpy()
    for attribute, values in by_attribute.items():
        found = np.searchsorted(ids, np.fromiter(values, dtype=np.int64, count=len(values)))
        found = np.minimum(found, max(len(ids) - 1, 0))
        rows = [
            (i, v)
            for i, (c, v) in zip(found, values.items(), strict=True)
            if len(ids) and ids[i] == c
        ]
        if rows:
            frame[attribute] = _written(frame[attribute], rows, attribute)
    return frame


def _written(column: pd.Series, rows: list[tuple[int, Any]], attribute: str) -> pd.Series:
    """A copy of the column with the values written at the rows, in a dtype that holds them."""
    values = [_cell(value, attribute) for _, value in rows]
    positions = [i for i, _ in rows]
    numeric = column.dtype.kind == "f"
    if numeric and all(v is None or isinstance(v, int | float) for v in values):
        data = column.to_numpy(dtype=float, copy=True)
        data[positions] = [np.nan if v is None else float(v) for v in values]
        return pd.Series(data, index=column.index)
    if isinstance(column.dtype, pd.CategoricalDtype) and all(
        v is None or isinstance(v, str) for v in values
    ):
        new = [v for v in dict.fromkeys(values) if v is not None and v not in column.cat.categories]
        column = column.cat.add_categories(new) if new else column.copy()
        column.iloc[positions] = values
        return column
    data = column.astype(object).to_numpy(copy=True)
    for position, value in zip(positions, values, strict=True):
        data[position] = value
    return pd.Series(data, index=column.index, dtype=object)


def _cell(value: Any, attribute: str) -> Any:
    # Lists become tuples: hashable, so a column is read once per distinct value.
    if isinstance(value, list):
        return tuple(value)
    if attribute in MULTI_VALUED_ATTRIBUTES and isinstance(value, str):
        return (value,)
    return value
