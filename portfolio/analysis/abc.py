"""Portfolio (ABC) analysis: Pareto frame, cumulative shares and A/B/C classes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.analysis.common import (
    ThresholdError,
    check_thresholds,
    customer_ids,
    numeric_column,
    percent_shares,
)

ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")


@dataclass(frozen=True, eq=False)
class AbcResult:
    """ABC (portfolio) analysis: Pareto frame with a class per customer and a summary."""

    value: str
    thresholds: tuple[float, float]
    frame: pd.DataFrame  # pareto() columns plus "abc_class"
    table: pd.DataFrame  # index "abc_class" = A/B/C: customers, customer_share, value, value_share
    missing: int  # customers without a value (in no class)
    total: float  # sum of the value over classified customers


def pareto(customers: pd.DataFrame, *, value: str = "revenue") -> pd.DataFrame:
    """Customers with a value, sorted descending, with share and cumulative share in percent.

    Columns: id, name (if present), value, rank, share, cumulative_share, customer_share (percent
    of customers up to this rank). Values are rounded to hundredths (cents) so the cumulative
    sums are exact and cumulative_share ends at exactly 100 when the total is positive.
    """
    v = numeric_column(customers, value)
    has = v.notna().to_numpy()
    cols = {"id": customer_ids(customers).to_numpy()[has]}
    if "name" in customers.columns:
        cols["name"] = customers["name"].to_numpy()[has]
    cents = np.round(v.to_numpy()[has] * 100)
    cols["value"] = cents / 100
    frame = pd.DataFrame(cols)
    order = np.lexsort((frame["id"].to_numpy(), -cents))  # value desc, then id: deterministic
    frame = frame.iloc[order].reset_index(drop=True)
    cents = cents[order]
    cum = np.cumsum(cents)
    total = cum[-1] if cum.size else 0.0
    n = len(frame)
    frame["rank"] = np.arange(1, n + 1)
    if total > 0:
        # Multiply before dividing: whole cents stay exact, so the last share is exactly 100.
        frame["share"] = cents * 100 / total
        frame["cumulative_share"] = cum * 100 / total
    else:
        frame["share"] = 0.0
        frame["cumulative_share"] = 0.0
    frame["customer_share"] = frame["rank"] / max(n, 1) * 100
    return frame


def abc_classes(
    customers: pd.DataFrame, *, value: str = "revenue", thresholds: tuple[float, float] = (80, 90)
) -> AbcResult:
    """ABC analysis: A up to ``thresholds[0]`` % cumulative value (the crossing customer is A);
    the method's limits by default: A the first 80 %, C the last 10 %."""
    t1, t2 = check_thresholds(thresholds)
    if not (0 < t1 < t2 <= 100):
        raise ThresholdError("ABC thresholds must satisfy 0 < A limit < B limit <= 100 percent.")
    frame = pareto(customers, value=value)
    cents = np.round(frame["value"].to_numpy() * 100)  # exact integers, see pareto()
    cum = np.cumsum(cents)
    total_cents = cum[-1] if cum.size else 0.0
    # A customer belongs to A while the value *before* it is below t1 %, so the crosser is A;
    # compared on integer cents to avoid float noise exactly at the limit.
    before = (cum - cents) * 100
    if total_cents > 0:
        cls = np.where(
            before < t1 * total_cents, "A", np.where(before < t2 * total_cents, "B", "C")
        )
    else:
        cls = np.full(len(frame), "C")  # nothing to share: no customer is an A or B customer
    frame["abc_class"] = pd.Categorical(cls, categories=list(ABC_CLASSES))
    codes = frame["abc_class"].cat.codes.to_numpy()
    counts = np.bincount(codes, minlength=3)
    sums = np.bincount(codes, weights=frame["value"].to_numpy(), minlength=3)
    table = pd.DataFrame(
        {
            "customers": counts.astype(int),
            "customer_share": percent_shares(counts),
            "value": sums,
            "value_share": percent_shares(sums),
        },
        index=pd.Index(ABC_CLASSES, name="abc_class"),
    )
    return AbcResult(
        value=value,
        thresholds=(t1, t2),
        frame=frame,
        table=table,
        missing=int(numeric_column(customers, value).isna().sum()),
        total=float(total_cents / 100),
    )
