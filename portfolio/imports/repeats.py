"""Repeated customers in a customer file: which rows are the same customer, which are problems,
and how the rows of one customer become one (registers list a company once per year).

The rule (`Repeats.policy`):
* "latest": with a period column, the row of the latest period; without one, a repeated ID
  is a problem (the import cannot tell which row is right);
* "sum": the money columns added up over the customer's rows, everything else from its
  latest row;
* "last": the last row in the file;
* any other text: only the rows of that period (the others are left out, and an ID repeated
  within it is a problem).
Rows are the same customer when their customer ID is the same, or, without an ID column and
only when the user asks (`merge_names`), their name (ignoring case and spaces).  In the same
period an ID may appear only once: a second row there is a problem, whatever the rule.
"""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

POLICIES = ("latest", "sum", "last")


@dataclass(frozen=True)
class Repeats:
    """How a customer file's repeated customers are treated (see the module docstring)."""

    policy: str = "latest"
    merge_names: bool = False

    @property
    def period(self) -> str | None:
        """The one period to keep, or None."""
        return None if self.policy in POLICIES else self.policy


def customer_keys(columns: dict[str, pd.Series], repeats: Repeats) -> tuple[pd.Series, str] | None:
    """The text that says two rows are the same customer, and the field it comes from."""
    if "external_id" in columns:
        return columns["external_id"], "external_id"
    if repeats.merge_names and "name" in columns:
        names = columns["name"].str.casefold().str.split().str.join(" ")
        return names, "name"
    return None


@dataclass(frozen=True)
class RepeatCheck:
    """Rows that are problems because they repeat a key, and rows of other periods."""

    repeated: np.ndarray  # bool: a key seen before (in the same period, where that matters)
    first: np.ndarray  # position of the row the key was first seen in
    left_out: np.ndarray  # bool: a row of another period than the one chosen
    codes: np.ndarray | None = None  # per row its key's number (-1 without a key)
    unique: bool = True  # no key appears twice (then every row is a customer of its own)


def check_repeats(
    keys: pd.Series | None, periods: pd.Series | None, labels: pd.Series | None, repeats: Repeats
) -> RepeatCheck:
    """Which rows repeat a key where they may not (see the module docstring)."""
    size = 0 if keys is None else len(keys)
    nothing = np.zeros(size, dtype=bool)
    if keys is None:
        return RepeatCheck(nothing, np.zeros(size, dtype=np.int64), nothing)
    left_out = nothing
    if repeats.period is not None and labels is not None:
        left_out = (labels != repeats.period).fillna(True).to_numpy(dtype=bool)
    key_codes, distinct = pd.factorize(keys)
    key_codes[left_out] = -1
    unique = len(distinct) == int((key_codes >= 0).sum())
    codes = key_codes
    if repeats.period is None and periods is not None:
        # One row per customer and period: a second one in the same period is a problem.
        period_codes = pd.factorize(periods.astype("float64"), use_na_sentinel=False)[0]
        paired = codes * (int(period_codes.max(initial=0)) + 1) + period_codes
        codes = np.where(codes >= 0, paired, -1)
    elif repeats.policy in ("sum", "last") or unique:
        return RepeatCheck(nothing, np.zeros(size, dtype=np.int64), left_out, key_codes, unique)
    repeated, first = first_occurrences(codes)
    return RepeatCheck(repeated, first, left_out, key_codes, unique)


def first_occurrences(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose code (>= 0) appeared in an earlier row, and where each code first appeared."""
    codes = np.asarray(codes, dtype=np.int64)
    present = codes >= 0
    dense = np.full(len(codes), -1, dtype=np.int64)
    # factorize numbers the codes in the order they first appear, so a row holds a code's
    # first occurrence exactly when its number is higher than every number before it.
    dense[present] = pd.factorize(codes[present])[0]
    earlier = np.maximum.accumulate(np.concatenate([[-1], dense]))[:-1]
    new = dense > earlier
    repeated = present & ~new
    first_at = np.flatnonzero(new)
    first = np.where(present, first_at[np.maximum(dense, 0)] if len(first_at) else 0, 0)
    return repeated, first


@dataclass(frozen=True)
class Collapsed:
    """The rows to store, one per customer, and how many rows were folded into them."""

    positions: np.ndarray  # positions (in the checked frame) of the row describing each customer
    sums: dict[str, tuple[np.ndarray, np.ndarray]]  # money field -> (floats, exact texts) summed
    merged: int  # rows folded into another row of the same customer


def collapse(
    key_codes: np.ndarray | None,
    periods: pd.Series | None,
    rows: np.ndarray,
    repeats: Repeats,
    money: dict[str, tuple[pd.Series, pd.Series]],
) -> Collapsed:
    """One row per customer among `rows` (positions of the rows to store), by the rule.

    `key_codes` numbers each row's key (`RepeatCheck.codes`; None: every row is its own).
    """
    if key_codes is None or not len(rows):
        return Collapsed(rows, {}, 0)
    codes = key_codes[rows].copy()
    # Rows without a key are customers of their own.
    alone = codes < 0
    codes[alone] = codes.max(initial=-1) + 1 + np.arange(int(alone.sum()))
    if periods is None or repeats.policy == "last":
        when = np.zeros(len(rows))
    else:
        when = periods.to_numpy(dtype="float64", na_value=-np.inf)[rows]
    order = np.lexsort((np.arange(len(rows)), when, codes))
    last_of_group = np.ones(len(rows), dtype=bool)
    last_of_group[:-1] = codes[order][1:] != codes[order][:-1]
    chosen = np.sort(order[last_of_group])
    sums: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if repeats.policy == "sum":
        for name, (values, exact) in money.items():
            floats = (
                pd.Series(values.to_numpy(dtype="float64")[rows]).groupby(codes).sum(min_count=1)
            )
            totals: dict[int, Decimal] = {}
            for code, text in zip(codes, exact.to_numpy(dtype=object)[rows], strict=True):
                if isinstance(text, str):
                    totals[code] = totals.get(code, Decimal(0)) + Decimal(text)
            picked = codes[chosen]
            texts = [str(totals[code]) if code in totals else None for code in picked]
            sums[name] = (
                floats.reindex(picked).to_numpy(dtype="float64"),
                np.array(texts, dtype=object),
            )
    return Collapsed(rows[chosen], sums, len(rows) - len(chosen))
