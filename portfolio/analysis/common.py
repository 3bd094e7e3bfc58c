"""Shared pieces of the portfolio analysis: errors, percent rounding, column access, and the
rule of who is a customer on a date (`is_active`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


class ThresholdError(ValueError):
    """Thresholds are not two finite, strictly increasing numbers, or cannot be derived."""


class SelectionError(ValueError):
    """A best-customer selection request is inconsistent (bad N, id both included and excluded)."""


def percent_shares(values: np.ndarray | pd.Series, decimals: int = 1) -> np.ndarray:
    """Percent shares rounded with the largest-remainder method so they add up to exactly 100."""
    v = np.asarray(values, dtype=float)
    v = np.where(np.isnan(v), 0.0, v)
    total = v.sum()
    if v.size == 0 or not total > 0:
        return np.zeros(v.size)
    scale = 10**decimals
    raw = v / total * 100 * scale
    units = np.floor(raw)
    left = int(round(100 * scale - units.sum()))
    # Hand the leftover units to the largest remainders; stable sort keeps ties in input order.
    order = np.argsort(-(raw - units), kind="stable")
    units[order[:left]] += 1
    return np.round(units / scale, decimals)


def customer_ids(customers: pd.DataFrame) -> pd.Index:
    """The customers' ids: the ``id`` column, or the frame's index when there is none."""
    if "id" in customers.columns:
        return pd.Index(customers["id"], name="id")
    return pd.Index(customers.index, name="id")


def numeric_column(customers: pd.DataFrame, column: str) -> pd.Series:
    """The column as floats (NaN where missing or not a number); all-NaN if the column is absent."""
    if column not in customers.columns:
        return pd.Series(np.nan, index=customers.index, dtype=float)
    return pd.to_numeric(customers[column], errors="coerce").astype(float)


def check_thresholds(thresholds: tuple[float, float]) -> tuple[float, float]:
    """Two finite, strictly increasing numbers as floats, or a ThresholdError."""
    try:
        t1, t2 = (float(t) for t in thresholds)
    except (TypeError, ValueError) as exc:
        raise ThresholdError(f"Thresholds must be two numbers, got {thresholds!r}.") from exc
    if not (np.isfinite(t1) and np.isfinite(t2)):
        raise ThresholdError(f"Thresholds must be finite numbers, got {thresholds!r}.")
    if not t1 < t2:
        raise ThresholdError(
            f"Thresholds must increase: the small/medium limit ({t1:g}) must be below "
            f"the medium/large limit ({t2:g})."
        )
    return t1, t2


def is_active(customer_until, on: dt.date) -> np.ndarray:
    """The method's rule for who counts as a customer on a date: one whose relationship had not
    ended before it (``customer_until`` empty, or on or after ``on``). Former customers are
    evidence (who left, how soon), not customers: every analysis asks this rule by default.

    ``customer_until``: dates (datetime64, or anything ``pd.to_datetime`` reads; missing =
    still a customer). The SQL form of the same rule is
    ``portfolio.models.Customer.objects.active_on(on)``; a test keeps the two equal.
    """
    until = pd.to_datetime(pd.Series(customer_until), errors="coerce")
    return (until.isna() | (until >= pd.Timestamp(on))).to_numpy(dtype=bool)
