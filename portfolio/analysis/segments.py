"""Grouping customers by a text column: portfolios per sales rep, segments (industry, size ...).

Plain functions over pandas DataFrames that return small frozen dataclasses or DataFrames; no
ORM, request or template code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.analysis import AbcResult, percent_shares
from portfolio.analysis.scoring import (
    ScoringError,
    ValueScore,
    ids,
    names,
    row_order,
)
from portfolio.analysis.types import TYPES, CustomerTypes

NO_OWNER = "(no owner)"


@dataclass(frozen=True, eq=False)
class RepPortfolios:
    """Customers per owner with class, score and type, and totals per owner."""

    # id, name, owner, revenue, abc_class, score, band, customer_type (the latter when given);
    # owners as in `totals`, then revenue descending, then id
    customers: pd.DataFrame
    # index owner: customers, revenue, revenue_share, scored, mean_score, abc_A/B/C,
    # abc_none, type_<type> ..., type_none. Owners by revenue descending; NO_OWNER last.
    totals: pd.DataFrame


# --------------------------------------------------------------------------- four types


# --------------------------------------------------------------------------- reps


def rep_portfolios(
    customers: pd.DataFrame,
    *,
    classes: AbcResult | pd.Series | None = None,
    scores: ValueScore | pd.Series | None = None,
    types: CustomerTypes | pd.Series | None = None,
) -> RepPortfolios:
    """Each owner's customers with ABC class, score and type, plus totals per owner.

    ``classes``, ``scores`` and ``types`` are analysis results or Series indexed by customer id;
    customers they do not cover get no class / score / type. Owners missing or blank are grouped
    under NO_OWNER.
    """
    customer_ids = ids(customers)
    if "owner" in customers.columns:
        codes, labels = _clean_text(customers["owner"])
    else:
        codes, labels = np.full(len(customers), -1), np.array([], dtype=object)
    k = labels.size
    slot = np.where(codes < 0, k, codes)  # customers without owner share the last slot
    owners = np.append(labels, NO_OWNER).astype(object)
    revenue = (
        pd.to_numeric(customers["revenue"], errors="coerce").to_numpy(dtype=float)
        if "revenue" in customers.columns
        else np.full(len(customers), np.nan)
    )
    frame = pd.DataFrame(
        {
            "id": customer_ids.to_numpy(),
            "name": names(customers),
            "owner": owners[slot],
            "revenue": revenue,
        }
    )
    columns = {
        "customers": np.bincount(slot, minlength=k + 1),
        "revenue": np.bincount(slot, weights=np.nan_to_num(revenue), minlength=k + 1),
    }
    if scores is not None:
        score = pd.to_numeric(pd.Series(_lookup(scores, customer_ids, "score")), errors="coerce")
        frame["score"] = score.to_numpy(dtype=float)
        if isinstance(scores, ValueScore):
            frame["band"] = _lookup(scores, customer_ids, "band")
        has = score.notna().to_numpy()
        scored = np.bincount(slot, weights=has, minlength=k + 1)
        total = np.bincount(slot[has], weights=frame["score"].to_numpy()[has], minlength=k + 1)
        columns["scored"] = scored.astype(int)
        with np.errstate(invalid="ignore", divide="ignore"):
            columns["mean_score"] = np.where(scored > 0, total / scored, np.nan)
    if classes is not None:
        frame["abc_class"] = _lookup(classes, customer_ids, "abc_class")
        columns |= _counts(slot, k + 1, frame["abc_class"], "abc_", ("A", "B", "C"))
    if types is not None:
        frame["customer_type"] = _lookup(types, customer_ids, "type")
        columns |= _counts(slot, k + 1, frame["customer_type"], "type_", TYPES)
    totals = pd.DataFrame(columns, index=pd.Index(owners, name="owner"))
    totals = totals[totals["customers"] > 0]
    # Owners by revenue (largest first), then name; customers without owner last.
    ordered = row_order(
        totals.index == NO_OWNER, -totals["revenue"].to_numpy(), np.arange(len(totals))
    )
    totals = totals.iloc[ordered]
    totals.insert(2, "revenue_share", percent_shares(totals["revenue"].to_numpy()))

    position = pd.Series(np.arange(len(totals)), index=totals.index).reindex(owners).to_numpy()
    order = row_order(position[slot], -revenue, customer_ids.to_numpy())
    return RepPortfolios(customers=frame.iloc[order].reset_index(drop=True), totals=totals)


def _clean_text(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and sorted labels of a column; blank text is missing (-1), spaces are trimmed.

    Cleans the distinct values only, so a column of 100,000 cells costs one factorize.
    """
    codes, uniques = pd.factorize(raw)
    labels = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    is_text = labels.map(type).eq(str).to_numpy()  # per distinct value, not per customer
    if is_text.any():
        stripped = labels[is_text].str.strip()
        labels[is_text] = stripped.where(stripped != "", None)
    relabel, clean = pd.factorize(labels, sort=True)
    return np.append(relabel, -1)[codes], np.asarray(clean, dtype=object)


def _lookup(
    source: AbcResult | ValueScore | CustomerTypes | pd.Series | None,
    customer_ids: pd.Index,
    column: str,
) -> np.ndarray | None:
    """Values of an analysis result (or an id-indexed Series) aligned to the customers."""
    if source is None:
        return None
    if isinstance(source, pd.Series):
        series = source
    elif isinstance(source, AbcResult):
        series = pd.Series(source.frame["abc_class"].to_numpy(), index=source.frame["id"])
    elif isinstance(source, ValueScore):
        series = pd.Series(source.scores[column].to_numpy(), index=source.scores["id"])
    elif isinstance(source, CustomerTypes):
        series = source.assignment
    else:
        raise TypeError(f"Cannot read '{column}' from {type(source).__name__}.")
    return series.reindex(customer_ids).to_numpy()


def _counts(
    slot: np.ndarray, slots: int, values: pd.Series, prefix: str, labels: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """Per owner slot: customers per label, plus ``<prefix>none`` for those without one."""
    position = pd.Index(labels).get_indexer(pd.Series(values).astype(object))
    position = np.where(position < 0, len(labels), position)
    table = np.bincount(slot * (len(labels) + 1) + position, minlength=slots * (len(labels) + 1))
    table = table.reshape(slots, len(labels) + 1)
    return {f"{prefix}{label}": table[:, i] for i, label in enumerate((*labels, "none"))}


# --------------------------------------------------------------------------- segments


def segment_summary(customers: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Customers and revenue per value of ``by`` (industry, size group, contract type ...).

    Columns: segment, missing (True for the row of customers without a value, segment None),
    customers, customer_share, revenue, revenue_share. Shares are percent of all customers and
    of all revenue (missing revenue counts as 0), one decimal, adding up to exactly 100. Rows:
    in category order for a categorical column (empty categories included), otherwise revenue
    descending, then customers descending, then segment; the missing row comes last. For size
    groups, add the column first: ``customers.assign(size_group=groups.assignment.to_numpy())``.
    """
    if by not in customers.columns:
        raise ScoringError(f"There is no column '{by}' in this dataset.")
    raw = customers[by]
    categorical = isinstance(raw.dtype, pd.CategoricalDtype)
    if categorical:
        codes = raw.cat.codes.to_numpy()
        labels = np.asarray(raw.cat.categories, dtype=object)
    else:
        codes, labels = _clean_text(raw)
    revenue = (
        pd.to_numeric(customers["revenue"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
        if "revenue" in customers.columns
        else np.zeros(len(customers))
    )
    k = len(labels)
    slot = np.where(codes < 0, k, codes)  # the missing row gets the last slot
    counts = np.bincount(slot, minlength=k + 1).astype(int)
    sums = np.bincount(slot, weights=revenue, minlength=k + 1)
    table = pd.DataFrame(
        {
            "segment": pd.Series([*labels, None], dtype=object),
            "missing": [False] * k + [True],
            "customers": counts,
            "customer_share": percent_shares(counts),
            "revenue": sums,
            "revenue_share": percent_shares(sums),
        }
    )
    if counts[k] == 0:
        table = table.iloc[:k]
    if not categorical:
        body = table.iloc[:k].copy()
        body["_label"] = body["segment"].astype(str)
        body = body.sort_values(
            ["revenue", "customers", "_label"], ascending=[False, False, True], kind="stable"
        ).drop(columns="_label")
        table = pd.concat([body, table.iloc[k:]])
    return table.reset_index(drop=True)
