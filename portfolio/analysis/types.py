"""The four customer types (issue 9).

The four customer types sit on the method's 2x2 of "our value from / influence on the customer"
(``value_column``, x axis: the value score, which counts margin and loyalty) and "the
customer's benefit from us" (``bond_column``, y axis: the discount they get, or 100 − margin %
without a column of discounts)::

                        low value for us     high value for us
    high benefit        free_rider           star
    low benefit         poor_dog             question_mark

- Stars: loyal, mutual value -> keep and develop.
- Question marks: valuable to us but getting little from us, on the edge -> win them over
  (turning them into stars is the art).
- Free riders: take the discounts and stay briefly, little lasting value for us -> stop the
  discounts, reduce the cost to serve.
- Poor dogs: little value either way, they cannot afford us -> minimal care or separation.

"High" means at or above the split (``value >= split``), so with median splits at least half of
the customers are high on each axis. Percent shares are rounded to one decimal with the
largest-remainder method (``analysis.percent_shares``): they add up to exactly 100.0 in tenths
whenever the total is positive.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from portfolio.analysis.scoring import (
    ScoringError,
    ids,
    names,
    numeric_column,
    row_order,
)

TYPES: tuple[str, ...] = ("star", "question_mark", "free_rider", "poor_dog")

ACTIONS: dict[str, str] = {
    "star": "keep_and_develop",
    "question_mark": "decide_and_invest",
    "free_rider": "stop_discounting",
    "poor_dog": "minimal_care_or_separation",
}

Split = Literal["median"] | tuple[float, float]


@dataclass(frozen=True, eq=False)
class CustomerTypes:
    """The four customer types: who is where, the splits used and who could not be placed."""

    value_column: str
    bond_column: str
    split: tuple[float, float]  # (value split, bond split) actually used; NaN when nobody placed
    split_rule: str  # "median" or "values"
    frame: pd.DataFrame  # id, name, value, bond, type (categorical of TYPES): the scatter points
    members: dict[str, pd.DataFrame]  # type -> its rows of `frame`, value then bond descending
    counts: pd.Series  # type (all of TYPES, in order) -> customers
    missing: pd.DataFrame  # id, name, missing ("margin" / "lifetime_days" / both, ", "-joined)
    actions: dict[str, str]  # type -> suggested action key (ACTIONS)

    @property
    def assignment(self) -> pd.Series:
        """Customer id -> type, for joining onto other tables."""
        return pd.Series(self.frame["type"].to_numpy(), index=pd.Index(self.frame["id"]))


def customer_types(
    customers: pd.DataFrame,
    *,
    value_column: str,
    bond_column: str,
    split: Split = "median",
    today: dt.date | None = None,
) -> CustomerTypes:
    """Place customers on the value-for-us x bond 2x2: star, question mark, free rider, poor dog.

    ``split`` is "median" (medians over the customers with both values) or a (value, bond) pair.
    ``today`` is only needed when an axis is ``lifetime_days`` and the frame does not carry it.
    For the value score as an axis, add it first:
    ``customers.assign(score=customers["id"].map(result.assignment))``.
    """
    if value_column == bond_column:
        raise ScoringError("Choose two different columns for value and bond.")
    value = numeric_column(customers, value_column, today=today).to_numpy()
    bond = numeric_column(customers, bond_column, today=today).to_numpy()
    has_value, has_bond = ~np.isnan(value), ~np.isnan(bond)
    placed = has_value & has_bond
    if isinstance(split, str) and split == "median":
        rule = "median"
        cut = (
            (float(np.median(value[placed])), float(np.median(bond[placed])))
            if placed.any()
            else (math.nan, math.nan)
        )
    else:
        rule = "values"
        cut = _check_split(split)

    all_ids, all_names = ids(customers).to_numpy(), names(customers)
    v, b = value[placed], bond[placed]
    high_value, high_bond = v >= cut[0], b >= cut[1]
    codes = np.select(
        [high_value & high_bond, high_value, high_bond], [0, 1, 2], 3
    )  # order of TYPES
    frame = pd.DataFrame(
        {
            "id": all_ids[placed],
            "name": all_names[placed],
            "value": v,
            "bond": b,
            "type": pd.Categorical.from_codes(codes, categories=list(TYPES)),
        }
    )
    frame = frame.iloc[row_order(-v, -b, frame["id"].to_numpy())].reset_index(drop=True)
    codes_sorted = frame["type"].cat.codes.to_numpy()
    members = {t: frame[codes_sorted == i].reset_index(drop=True) for i, t in enumerate(TYPES)}
    counts = pd.Series(
        np.bincount(codes_sorted, minlength=len(TYPES)).astype(int),
        index=pd.Index(TYPES, name="type"),
        name="customers",
    )
    lacking = ~placed
    why = np.select(
        [~has_value & ~has_bond, ~has_value],
        [f"{value_column}, {bond_column}", value_column],
        bond_column,
    )
    missing = pd.DataFrame(
        {"id": all_ids[lacking], "name": all_names[lacking], "missing": why[lacking]}
    ).sort_values(["name", "id"], kind="stable", na_position="last")
    return CustomerTypes(
        value_column=value_column,
        bond_column=bond_column,
        split=cut,
        split_rule=rule,
        frame=frame,
        members=members,
        counts=counts,
        missing=missing.reset_index(drop=True),
        actions=dict(ACTIONS),
    )


def _check_split(split: object) -> tuple[float, float]:
    try:
        a, b = split  # type: ignore[misc]
        cut = (float(a), float(b))
    except (TypeError, ValueError) as exc:
        raise ScoringError(
            "The split must be 'median' or two numbers: the value split and the bond split."
        ) from exc
    if not all(math.isfinite(c) for c in cut):
        raise ScoringError("The value split and the bond split must be finite numbers.")
    return cut
