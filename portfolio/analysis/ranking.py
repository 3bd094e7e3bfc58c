"""Step 3: rank a group's customers by a goal, choose N, apply manual corrections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from portfolio.analysis.common import SelectionError, customer_ids, numeric_column

Goal = Literal["growth", "profitability", "loyalty", "revenue", "value_score"]
# goal -> (column ranked on, ascending?). "value_score": the caller adds the column (a saved
# scoring model's score, portfolio.reports.scoring_models).
GOALS: dict[str, tuple[str, bool]] = {
    "growth": ("sales_cycle_days", True),
    "profitability": ("margin", False),
    "loyalty": ("lifetime_days", False),
    "revenue": ("revenue", False),
    "value_score": ("value_score", False),
}


@dataclass(frozen=True, eq=False)
class BestCustomers:
    """Step 3 result: a group ranked by a goal, the top N and manual corrections."""

    goal: str
    criterion: str  # column ranked on ("lifetime_days" is computed for loyalty)
    ascending: bool
    n: int  # resolved N before exclusions/inclusions (never more than the ranked customers)
    ranked: pd.DataFrame  # all customers with a value: rank, tie_break, decided_by added
    selection: pd.DataFrame  # top N minus exclusions plus inclusions: rank, source, reason
    without_value: pd.DataFrame  # customers lacking the criterion value (not ranked)
    excluded: pd.DataFrame  # excluded customers found in the group: reason, in_top_n
    unknown_ids: tuple[int, ...]  # excluded/included ids that are not in the group
    cutoff_tie: bool  # customer N and N+1 share the criterion value: the tie-break decided


def default_n(portfolio_size: int) -> int:
    """The method's N for a portfolio: enough customers to see patterns, not so many that the
    profile blurs: 10 for fewer than 100 customers, 20 for fewer than 1,000, else 50."""
    if portfolio_size < 100:
        return 10
    return 20 if portfolio_size < 1000 else 50


def pareto_n(group_size: int) -> int:
    """The method's Pareto rule: the top 20 % of the group, rounded up, at least 1 (0 if empty)."""
    return (max(group_size, 0) + 4) // 5  # integer ceil(size / 5) avoids float rounding


def lifetime_days(customers: pd.DataFrame, today: dt.date) -> pd.Series:
    """Days from customer_since to customer_until (or ``today`` while still a customer)."""
    if "customer_since" not in customers.columns:
        return pd.Series(np.nan, index=customers.index, dtype=float)
    since = pd.to_datetime(customers["customer_since"], errors="coerce")
    until = (
        pd.to_datetime(customers["customer_until"], errors="coerce")
        if "customer_until" in customers.columns
        else pd.Series(pd.NaT, index=customers.index, dtype=since.dtype)
    )
    end = until.fillna(pd.Timestamp(today)).astype(since.dtype)
    return (end - since).dt.days.astype(float)


def _rank_order(key: np.ndarray, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Ranked row positions and the decisive keys (criterion, revenue, name) in that order.

    Order: ``key`` ascending, then revenue descending, then name (casefolded), then id; missing
    revenue and names come last.
    """
    rev = numeric_column(frame, "revenue").to_numpy()
    rev_key = np.where(np.isnan(rev), np.inf, -rev)
    ids = customer_ids(frame).to_numpy()
    order = np.lexsort((ids, rev_key, key))
    names = np.zeros(order.size, dtype=np.int64)
    # Names only decide between rows with equal criterion and revenue. Those sit side by side
    # after the numeric sort, and only they are casefolded and re-sorted (strings are slow).
    same = (key[order][1:] == key[order][:-1]) & (rev_key[order][1:] == rev_key[order][:-1])
    if same.any() and "name" in frame.columns:
        pos = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
        sub = order[pos]
        codes = _name_codes(frame["name"].iloc[sub])
        # Runs of equal (criterion, revenue) keep their places; only rows inside a run move.
        # Within a run the rows are already in id order, so a stable sort keeps id last.
        run = np.cumsum(np.r_[True, ~same])[pos]
        resort = np.argsort(run * (codes.max() + 1) + codes, kind="stable")
        order[pos] = sub[resort]
        names[pos] = codes[resort]
    return order, np.column_stack([key[order], rev_key[order], names])


def _name_codes(names: pd.Series) -> np.ndarray:
    """Integer codes ordered like the casefolded names; missing names get the highest code."""
    folded = names.where(names.isna(), names.astype(str).str.casefold())
    codes, uniques = pd.factorize(folded)
    # Sorting the distinct names as a fixed-width unicode array is faster than object sorting.
    rank = np.empty(len(uniques) + 1, dtype=np.int64)
    rank[np.argsort(np.asarray(uniques, dtype=str), kind="stable")] = np.arange(len(uniques))
    rank[-1] = len(uniques)  # code -1 (missing) -> last
    return rank[codes]


def _tie_columns(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per ranked row: shares its criterion value with a neighbour? and the key that placed it."""
    if not len(keys):
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=object)
    equal = keys[1:] == keys[:-1]  # per adjacent pair and key: criterion, revenue, name
    same_prev = np.r_[False, equal[:, 0]]
    tie_break = same_prev | np.r_[equal[:, 0], False]
    differs = np.vstack([np.ones((1, 3), dtype=bool), ~equal])  # first place: the criterion
    decided_by = np.select(
        [differs[:, 0], differs[:, 1], differs[:, 2]], ["criterion", "revenue", "name"], "id"
    )
    return tie_break, decided_by


def _resolve_n(n: object, portfolio_size: int, ranked: int) -> int:
    if n == "pareto":
        size = pareto_n(ranked)
    elif n == "default":
        size = default_n(portfolio_size)
    elif isinstance(n, int | np.integer) and not isinstance(n, bool) and n >= 1:
        size = int(n)
    else:
        raise SelectionError(
            f"N must be a positive whole number, 'pareto' or 'default'; got {n!r}."
        )
    return min(size, ranked)


def rank_best(
    customers: pd.DataFrame,
    *,
    goal: Goal,
    n: int | Literal["pareto", "default"] = "default",
    today: dt.date,
    exclude: Mapping[int, str] | None = None,
    include: Mapping[int, str] | None = None,
    portfolio_size: int | None = None,
) -> BestCustomers:
    """Rank a group's customers by a goal and select the top N, then apply manual corrections.

    ``portfolio_size``: the customers of the whole portfolio, which the default N follows
    (``default_n``); None takes the group's size."""
    if goal not in GOALS:
        raise ValueError(f"Unknown goal {goal!r}; expected one of {', '.join(GOALS)}.")
    exclude, include = dict(exclude or {}), dict(include or {})
    if both := sorted(set(exclude) & set(include)):
        raise SelectionError(f"Customers both excluded and included: {both}.")
    column, ascending = GOALS[goal]
    frame = customers
    if goal == "loyalty":
        frame = customers.assign(**{column: lifetime_days(customers, today)})
    crit = numeric_column(frame, column).to_numpy()
    has = ~np.isnan(crit)
    without_value = _sort_plain(frame[~has]).reset_index(drop=True)
    rows = np.flatnonzero(has)
    order, keys = _rank_order(crit[rows] if ascending else -crit[rows], frame.iloc[rows])
    ranked = frame.take(rows[order]).reset_index(drop=True)
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    ranked["tie_break"], ranked["decided_by"] = _tie_columns(keys)
    portfolio = len(frame) if portfolio_size is None else portfolio_size
    size = _resolve_n(n, portfolio, len(ranked))
    cutoff_tie = bool(0 < size < len(ranked) and keys[size - 1, 0] == keys[size, 0])

    ids = customer_ids(frame).to_numpy()
    asked = np.array([*exclude, *include])
    unknown = tuple(sorted(asked[~np.isin(asked, ids)].tolist())) if asked.size else ()
    ranked_ids = customer_ids(ranked).to_numpy()
    in_top = np.arange(len(ranked)) < size
    excluded = frame[np.isin(ids, list(exclude))].reset_index(drop=True)
    excluded["reason"] = customer_ids(excluded).map(exclude).to_numpy()
    excluded["in_top_n"] = np.isin(customer_ids(excluded).to_numpy(), ranked_ids[in_top])

    top = ranked[in_top & ~np.isin(ranked_ids, list(exclude))].assign(source="ranked")
    extra_ids = np.setdiff1d(list(include), customer_ids(top).to_numpy())
    extra = pd.concat(
        [
            ranked[np.isin(ranked_ids, extra_ids)],
            without_value[np.isin(customer_ids(without_value).to_numpy(), extra_ids)],
        ],
        ignore_index=True,
    ).assign(source="included")
    selection = pd.concat([top, extra], ignore_index=True) if len(extra) else top
    selection = selection.reset_index(drop=True)
    # An inclusion of a customer already in the top N just keeps its note.
    selection["reason"] = customer_ids(selection).map(include).to_numpy()
    selection["rank"] = selection["rank"].astype("Int64")
    return BestCustomers(
        goal=goal,
        criterion=column,
        ascending=ascending,
        n=size,
        ranked=ranked,
        selection=selection,
        without_value=without_value,
        excluded=excluded,
        unknown_ids=unknown,
        cutoff_tie=cutoff_tie,
    )


def _sort_plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Unranked customers in a stable, readable order: name, then id."""
    keys = [k for k in ("name", "id") if k in frame.columns]
    return frame.sort_values(keys, kind="stable", na_position="last") if keys else frame
