"""The groups the criteria suggestions contrast (portfolio.analysis.subgroups): the active
portfolio, the best customers by a goal when no workshop chose them, and the customers the
company should not chase. Pure pandas and numpy; imports nothing of the project.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.analysis.common import is_active

BOTTOM_SHARE = 0.2  # the bottom fifth by the goal: the mirror of the method's Pareto top
EARLY_DAYS = 365  # customers who left within 12 months of joining
LONG_CYCLE_SHARE = 0.2  # the longest fifth of the sales cycles


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.to_datetime(frame[column], errors="coerce")


def active(frame: pd.DataFrame, today: dt.date) -> np.ndarray:
    """Customers whose relationship has not ended (the one rule, `common.is_active`)."""
    return is_active(_dates(frame, "customer_until"), today)


def left_early(frame: pd.DataFrame, today: dt.date, days: int = EARLY_DAYS) -> np.ndarray:
    """Former customers who left within `days` of joining."""
    until = _dates(frame, "customer_until")
    gone = (until < pd.Timestamp(today)).to_numpy()
    early = np.zeros(len(frame), dtype=bool)
    if gone.any():  # few have left: read their start dates only
        since = _dates(frame[gone], "customer_since")
        early[gone] = ((until[gone] - since).dt.days <= days).to_numpy()
    return early


def first_share(values, share: float, *, ascending: bool, among=None) -> np.ndarray:
    """The `share` of the rows with a value (of those in `among`) that rank first: the highest,
    or the lowest when `ascending`; at least one row when any has a value."""
    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(x) if among is None else np.isfinite(x) & np.asarray(among, dtype=bool)
    rows = np.flatnonzero(ok)
    chosen = np.zeros(x.size, dtype=bool)
    if rows.size == 0:
        return chosen
    count = min(rows.size, max(1, math.ceil(rows.size * share)))
    values = x[rows] if ascending else -x[rows]
    last = np.partition(values, count - 1)[count - 1]  # the count-th, without a full sort
    inside = values < last
    ties = np.flatnonzero(values == last)[: count - int(np.count_nonzero(inside))]
    chosen[rows[inside]] = True
    chosen[rows[ties]] = True  # ties at the edge: the first rows in the frame's order
    return chosen


@dataclass(frozen=True, eq=False)
class NotToChase:
    """The customers not to chase, and why: a row may be there for several reasons."""

    mask: np.ndarray
    bottom: int  # the bottom share of the active customers by the goal
    left_early: int  # former customers who left within a year of joining
    long_cycle: int  # the longest sales cycles of the active customers


def not_to_chase(
    frame: pd.DataFrame,
    *,
    goal: str | None,
    ascending: bool,
    today: dt.date,
    share: float = BOTTOM_SHARE,
) -> NotToChase:
    """The bottom `share` of active customers by the `goal` column (its worst end), the
    customers who left within a year, and the longest sales cycles where the frame has them.

    A goal of lifetime is left out of the bottom: a short lifetime of an active customer means
    a new one, not a bad one (those who left soon count already).
    """
    current = active(frame, today)
    bottom = np.zeros(len(frame), dtype=bool)
    if goal and goal in frame.columns and goal != "lifetime_days":
        bottom = first_share(frame[goal], share, ascending=not ascending, among=current)
    early = left_early(frame, today)
    cycles = np.zeros(len(frame), dtype=bool)
    if "sales_cycle_days" in frame.columns:
        cycles = first_share(
            frame["sales_cycle_days"], LONG_CYCLE_SHARE, ascending=False, among=current
        )
    return NotToChase(
        mask=bottom | early | cycles,
        bottom=int(np.count_nonzero(bottom)),
        left_early=int(np.count_nonzero(early)),
        long_cycle=int(np.count_nonzero(cycles)),
    )
