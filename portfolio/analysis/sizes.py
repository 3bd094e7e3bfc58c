"""Steps 1 and 2: split customers into small/medium/large and propose the main stream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from portfolio.analysis.common import (
    ThresholdError,
    check_thresholds,
    customer_ids,
    numeric_column,
    percent_shares,
)

GROUPS: tuple[str, ...] = ("small", "medium", "large")
GROUP_LETTERS: dict[str, str] = {"small": "C", "medium": "B", "large": "A"}
Preset = Literal["method", "thirds", "cumulative"]
METHOD_THRESHOLDS: tuple[float, float] = (5.0, 20.0)


@dataclass(frozen=True, eq=False)
class SizeGroups:
    """Step 1 result: customers split into small/medium/large by one metric."""

    metric: str
    thresholds: tuple[float, float]
    table: pd.DataFrame  # index "group" = GROUPS; see group_by_size for the columns
    empty_groups: tuple[str, ...]
    missing: int  # customers without a metric value (in no group)
    missing_revenue: float  # their revenue, left out of the revenue shares
    assignment: pd.Series  # customer id -> group (categorical; NaN = no metric value)


@dataclass(frozen=True, eq=False)
class MainStream:
    """Step 2 result: the proposed main stream and whether the choice is too close to call."""

    group: str | None  # None when no group has positive revenue
    share: float  # its revenue share in percent (as in SizeGroups.table)
    runner_up: str | None
    runner_up_share: float
    gap_pp: float  # share - runner_up_share, in percentage points
    too_close: bool  # gap_pp <= margin_pp: offer "future focus" or redefining thresholds
    margin_pp: float


def group_by_size(
    customers: pd.DataFrame, *, metric: str, thresholds: tuple[float, float]
) -> SizeGroups:
    """Split customers into small/medium/large by ``metric`` (small <= t1 < medium <= t2 < large).

    Table columns: customers, customer_share, revenue, revenue_share, metric_min, metric_max,
    letter. Shares are percent of the customers that have a metric value.
    """
    t1, t2 = check_thresholds(thresholds)
    values = numeric_column(customers, metric).to_numpy()
    revenue = numeric_column(customers, "revenue").fillna(0.0).to_numpy()
    has = ~np.isnan(values)
    codes = np.where(values <= t1, 0, np.where(values <= t2, 1, 2))
    codes = np.where(has, codes, -1)
    assignment = pd.Series(
        pd.Categorical.from_codes(codes, categories=list(GROUPS)), index=customer_ids(customers)
    )
    grouped = codes[has]
    counts = np.bincount(grouped, minlength=3)
    sums = np.bincount(grouped, weights=revenue[has], minlength=3)
    frame = pd.DataFrame({"g": grouped, "v": values[has]})
    bounds = frame.groupby("g")["v"].agg(["min", "max"]).reindex(range(3))
    table = pd.DataFrame(
        {
            "customers": counts.astype(int),
            "customer_share": percent_shares(counts),
            "revenue": sums,
            "revenue_share": percent_shares(sums),
            "metric_min": bounds["min"].to_numpy(),
            "metric_max": bounds["max"].to_numpy(),
            "letter": [GROUP_LETTERS[g] for g in GROUPS],
        },
        index=pd.Index(GROUPS, name="group"),
    )
    return SizeGroups(
        metric=metric,
        thresholds=(t1, t2),
        table=table,
        empty_groups=tuple(g for g, c in zip(GROUPS, counts, strict=True) if c == 0),
        missing=int((~has).sum()),
        missing_revenue=float(revenue[~has].sum()),
        assignment=assignment,
    )


def members(customers: pd.DataFrame, groups: SizeGroups, group: str) -> pd.DataFrame:
    """The customers (rows of ``customers``) that ``groups`` put into ``group``."""
    if group not in GROUPS:
        raise ValueError(f"Unknown group {group!r}; expected one of {', '.join(GROUPS)}.")
    return customers[(groups.assignment == group).to_numpy()]


def preset_thresholds(
    customers: pd.DataFrame,
    *,
    metric: str,
    preset: Preset,
    revenue_split: tuple[float, float] = (50.0, 80.0),
) -> tuple[float, float]:
    """Thresholds for a preset: the method's 5/20, equal-count thirds, or cumulative revenue.

    "cumulative": customers sorted by metric descending; large = the biggest customers that
    together make the first ``revenue_split[0]`` % of revenue (the one crossing it included),
    medium = the next ones up to ``revenue_split[1]`` %, small = the long tail. Data-driven
    presets return data values as thresholds, keep tied metric values in one group and make every
    group non-empty; they need at least three distinct metric values.
    """
    if preset == "method":
        return METHOD_THRESHOLDS
    values = numeric_column(customers, metric)
    has = values.notna()
    if preset == "thirds":
        distinct = np.unique(values[has].to_numpy())
        _need_three(distinct, metric)
        ordered = np.sort(values[has].to_numpy())
        n = ordered.size
        # Value of the last customer in the lower and the middle third (ceil keeps thirds even).
        i1 = np.searchsorted(distinct, ordered[-(-n // 3) - 1])
        i2 = np.searchsorted(distinct, ordered[-(-2 * n // 3) - 1])
    elif preset == "cumulative":
        a, b = check_thresholds(revenue_split)
        if not (0 < a < b < 100):
            raise ThresholdError("Revenue split must satisfy 0 < first < second < 100 percent.")
        revenue = numeric_column(customers, "revenue")[has].fillna(0.0).clip(lower=0)
        per_value = revenue.groupby(values[has].to_numpy()).sum()  # ascending distinct values
        distinct = per_value.index.to_numpy(dtype=float)
        _need_three(distinct, metric)
        total = per_value.sum()
        if not total > 0:
            raise ThresholdError("No positive revenue to split by cumulative share.")
        # Cumulative revenue from the biggest metric value down; k = index crossing the share.
        cum = per_value.to_numpy()[::-1].cumsum()
        k_large, k_medium = np.searchsorted(cum, [total * a / 100, total * b / 100])
        # Threshold = next smaller distinct value, converted to an ascending index.
        i2 = distinct.size - 2 - k_large
        i1 = distinct.size - 2 - k_medium
    else:
        raise ValueError(f"Unknown preset {preset!r}; expected method, thirds or cumulative.")
    d = distinct.size
    i2 = int(np.clip(i2, 1, d - 2))
    i1 = int(np.clip(i1, 0, i2 - 1))
    return float(distinct[i1]), float(distinct[i2])


def _need_three(distinct: np.ndarray, metric: str) -> None:
    if distinct.size < 3:
        raise ThresholdError(
            f"'{metric}' has {distinct.size} distinct value(s); three groups need at least 3."
        )


def main_stream(groups: SizeGroups, *, margin_pp: float = 10) -> MainStream:
    """Propose the group with the biggest revenue share; flag it when the runner-up is close."""
    shares = groups.table["revenue_share"]
    # Stable sort: on an exact tie the larger size group (A before B before C) is listed first.
    ordered = shares.iloc[::-1].sort_values(ascending=False, kind="stable")
    if not ordered.iloc[0] > 0:
        return MainStream(None, 0.0, None, 0.0, 0.0, False, margin_pp)
    share, second = float(ordered.iloc[0]), float(ordered.iloc[1])
    gap = round(share - second, 6)  # shares have one decimal; drop float noise
    return MainStream(
        group=str(ordered.index[0]),
        share=share,
        runner_up=str(ordered.index[1]),
        runner_up_share=second,
        gap_pp=gap,
        too_close=gap <= margin_pp,
        margin_pp=margin_pp,
    )
