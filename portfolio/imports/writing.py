"""Write stage of the import: typed rows into portfolio_customer (and portfolio_orderrow).

Money goes in as the exact decimal text the file wrote (scaled), rounded half to even to the
column's decimals: cents for a customer's figures, six decimals for order lines (whose exact
sum per customer is rounded once, in `orders`).
"""

import numpy as np
import pandas as pd

from portfolio.imports.copying import (
    Progress,
    allocate_ids,
    copy_dates,
    copy_exact,
    copy_numbers,
    copy_rows,
    copy_text,
    json_objects,
)
from portfolio.imports.mapping import FIELDS, FIELDS_BY_NAME
from portfolio.imports.orders import aggregate_orders
from portfolio.models import Customer, OrderRow
from portfolio.parsing.money import round_exact

# The canonical columns of portfolio_customer in the order COPY writes them.
CUSTOMER_COLUMNS = tuple(field.name for field in FIELDS if not field.order_level and field.stored)
CUSTOMER_PLACES = 2  # decimals of a customer's money columns
ORDER_PLACES = 6  # decimals of an order line's amount and profit
TEXT_COLUMNS = tuple(
    name for name in CUSTOMER_COLUMNS if FIELDS_BY_NAME[name].kind == "text" or name == "growth"
)


def store_customers(
    dataset, customers: pd.DataFrame, extra: pd.DataFrame, exact: dict, progress: Progress
):
    """COPY the rows as customers (money from `exact`); returns them (typed)."""
    table = _customer_table(dataset, customers, extra, exact)
    copy_rows(Customer, table, len(customers), progress)
    return customers


def store_orders(dataset, rows: pd.DataFrame, extra: pd.DataFrame, exact: dict, progress: Progress):
    """Keep every valid order row; one customer per key, described by its latest row."""
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
    chosen_exact = {name: texts[chosen] for name, texts in exact.items()}
    table = _customer_table(dataset, customers, extra.iloc[chosen], chosen_exact, ids=ids)
    copy_rows(Customer, table, len(customers), progress)

    amount = round_exact(exact["amount" if "amount" in exact else "revenue"], ORDER_PLACES)
    profit = round_exact(exact["profit"], ORDER_PLACES) if "profit" in exact else None
    customer_ids = pd.Series(ids[codes], index=rows.index)

    def orders(start: int, end: int) -> dict[str, np.ndarray | str]:
        part = slice(start, end)
        return {
            "organization_id": str(dataset.organization_id),
            "dataset_id": str(dataset.pk),
            "customer_id": copy_numbers(customer_ids.iloc[part]),
            "row_number": copy_numbers(pd.Series(rows.index[part])),
            "order_date": copy_dates(dates.iloc[part]),
            "amount": copy_exact(amount[part]),
            "profit": "\\N" if profit is None else copy_exact(profit[part]),
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


def _customer_table(dataset, customers: pd.DataFrame, extra: pd.DataFrame, exact: dict, ids=None):
    """A function giving rows start..end of portfolio_customer as COPY text columns.

    Columns the file does not have are left out: the database fills them ('' for text, by
    its default, NULL for the rest), which saves formatting and sending a million blanks.
    """
    present = [name for name in CUSTOMER_COLUMNS if name in customers]
    money = {
        name: round_exact(texts, CUSTOMER_PLACES)
        for name, texts in exact.items()
        if name in present
    }

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
            elif name in money:
                data[name] = copy_exact(money[name][start:end])
            elif FIELDS_BY_NAME[name].kind == "date":
                data[name] = copy_dates(part[name])
            else:
                data[name] = copy_numbers(part[name])
        data["extra"] = json_objects(extra.iloc[start:end])
        return data

    return block
