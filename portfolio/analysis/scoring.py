"""The weighted customer-value score: parameters, normalisation, bands (issue 9).

Plain functions over pandas DataFrames that return small frozen dataclasses; no ORM, request or
template code. "Revenue alone misleads": the team picks numeric columns (revenue, margin,
potential, share of wallet, lifetime, ...) and a weight for each; the score ranks customers and
its band gives the consequence per customer.

Conventions:
- Each parameter is normalised by percentile rank among the scored customers:
  ``(average rank - 1) / (n - 1)``, so the lowest value is 0, the highest 1, ties share the
  average and outliers only count as "the highest". A single customer or an all-tied column gives
  0.5. "Lower is better" flips the value (``1 - p``).
- The score is the weighted mean of the normalised values times 100, reported rounded to two
  decimals; the band is read from that reported score so what a user sees matches the band.
- Rank 1 is the best; ties are broken by revenue (higher first, missing last), then by id, so
  the result never depends on the order of the rows.
- Customers lacking any chosen parameter are not scored (never as zero): they are listed in
  ``ValueScore.missing`` with the parameters they lack, and the others are ranked among
  themselves.
- Dataclasses use ``eq=False`` because comparing DataFrame fields with ``==`` is ambiguous.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.analysis import lifetime_days as _lifetime_days

BANDS: tuple[str, ...] = ("intensify", "maintain", "minimal_care", "consider_separating")
LIFETIME = "lifetime_days"


class ScoringError(ValueError):
    """A scoring model or an analysis axis is unusable; the message is a sentence for the user."""


@dataclass(frozen=True)
class ScoreParameter:
    """One scoring parameter: a numeric column, its weight and its direction."""

    column: str
    weight: float
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.column, str) or not self.column.strip():
            raise ScoringError("Every parameter needs a column name.")
        weight = self.weight
        if isinstance(weight, bool) or not isinstance(weight, int | float | np.number):
            raise ScoringError(f"The weight of '{self.column}' must be a number.")
        if not math.isfinite(weight):
            raise ScoringError(f"The weight of '{self.column}' must be a finite number.")
        if weight < 0:
            raise ScoringError(
                f"The weight of '{self.column}' is negative ({weight:g}); weights must be zero "
                "or more. Use 'lower is better' to reverse a parameter."
            )


@dataclass(frozen=True)
class ScoreBands:
    """Lower score limits of the bands; below ``minimal_care`` means "consider separating"."""

    intensify: float = 75.0
    maintain: float = 50.0
    minimal_care: float = 25.0

    def __post_init__(self) -> None:
        limits = self.limits
        for band, limit in zip(BANDS, limits, strict=False):
            if isinstance(limit, bool) or not isinstance(limit, int | float | np.number):
                raise ScoringError(f"The lower limit of '{band}' must be a number.")
            if not (0 <= limit <= 100):
                raise ScoringError(
                    f"The lower limit of '{band}' ({limit:g}) must be between 0 and 100."
                )
        if not (limits[0] > limits[1] > limits[2]):
            raise ScoringError(
                "Band limits must decrease: intensify above maintain above minimal care "
                f"(got {limits[0]:g}, {limits[1]:g}, {limits[2]:g})."
            )

    @property
    def limits(self) -> tuple[float, float, float]:
        """The three lower limits, highest band first."""
        return (self.intensify, self.maintain, self.minimal_care)


DEFAULT_BANDS = ScoreBands()


@dataclass(frozen=True, eq=False)
class ValueScore:
    """Value-score result: scored customers ranked, customers left out, and customers per band."""

    parameters: tuple[ScoreParameter, ...]
    bands: ScoreBands
    # id, name, score (0..100, 2 decimals), rank (1 = best), band, norm_<column> (0..1, 1 = best)
    scores: pd.DataFrame
    # id, name, missing ("margin, potential": the chosen parameters this customer lacks)
    missing: pd.DataFrame
    missing_counts: pd.Series  # parameter column -> customers lacking it
    band_counts: pd.Series  # band (all of BANDS, in order) -> customers

    @property
    def assignment(self) -> pd.Series:
        """Customer id -> score, for joining onto other tables."""
        return pd.Series(self.scores["score"].to_numpy(), index=pd.Index(self.scores["id"]))


# --------------------------------------------------------------------------- helpers


def lifetime_days(customers: pd.DataFrame, *, today: dt.date) -> pd.Series:
    """Days from customer_since to customer_until, or to ``today`` while still a customer."""
    return _lifetime_days(customers, today)


def ids(customers: pd.DataFrame) -> pd.Index:
    """The customers' ids: the ``id`` column, or the index when there is none."""
    if "id" in customers.columns:
        return pd.Index(customers["id"], name="id")
    return pd.Index(customers.index, name="id")


def names(customers: pd.DataFrame) -> np.ndarray:
    """The customers' names as an object array (None where there is no name column)."""
    if "name" in customers.columns:
        return customers["name"].to_numpy(dtype=object)
    return np.full(len(customers), None, dtype=object)


def numeric_column(
    customers: pd.DataFrame, column: str, *, today: dt.date | None = None
) -> pd.Series:
    """A column as floats, NaN where a value is missing, not a number or infinite.

    ``lifetime_days`` is computed from the customer dates when the frame lacks it and ``today``
    is given. Raises ScoringError for an unknown column, a date or text column, or a column
    without a single number.
    """
    if column not in customers.columns:
        if column == LIFETIME and today is not None:
            return lifetime_days(customers, today=today)
        raise ScoringError(f"There is no column '{column}' in this dataset.")
    raw = customers[column]
    if isinstance(raw, pd.DataFrame):
        raise ScoringError(f"The column name '{column}' is used twice in this dataset.")
    if pd.api.types.is_numeric_dtype(raw.dtype):
        values = raw.astype(float)
    elif pd.api.types.is_datetime64_any_dtype(raw.dtype) or pd.api.types.is_timedelta64_dtype(
        raw.dtype
    ):
        raise ScoringError(f"The column '{column}' holds dates, not numbers.")
    else:
        # Text columns from a file or Decimal values from the database.
        values = pd.to_numeric(raw, errors="coerce").astype(float)
        if raw.notna().any() and values.isna().all():
            raise ScoringError(f"The column '{column}' holds text, not numbers.")
    return values.where(np.isfinite(values))


def percentile_rank(values: pd.Series) -> pd.Series:
    """Rank-based 0..1: lowest 0, highest 1, ties averaged; 0.5 for one value or all tied."""
    a = values.to_numpy(dtype=float)
    has = ~np.isnan(a)
    x = a[has]
    n = x.size
    result = np.full(a.size, np.nan)
    if n <= 1:
        result[has] = 0.5
        return pd.Series(result, index=values.index)
    # Tied values get the mean of their positions, so the (unstable, fast) sort order among
    # equal values does not matter.
    order = np.argsort(x)
    ordered = x[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]]
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], n] - 1
    pct = np.empty(n)
    pct[order] = ((starts + ends) / 2 / (n - 1))[np.cumsum(new) - 1]
    result[has] = pct
    return pd.Series(result, index=values.index)


def row_order(*keys: np.ndarray) -> np.ndarray:
    """Positions sorting rows by ``keys`` (first key first, each ascending, NaN last).

    Same order as ``np.lexsort(keys[::-1])``, but each float key becomes a dense integer rank
    with a fast unstable sort and the ranks are combined into one integer key: several times
    faster than lexsort's stable float sorts. The last key should be unique (the id).
    """
    n = len(keys[0]) if keys else 0
    if n == 0 or (n + 1) ** len(keys) >= 2**62:
        return np.lexsort(keys[::-1])
    combined = np.zeros(n, dtype=np.int64)
    for key in keys:
        combined = combined * (n + 1) + _dense_rank(np.asarray(key))
    return np.argsort(combined)


def _dense_rank(key: np.ndarray) -> np.ndarray:
    order = np.argsort(key)
    ordered = key[order]
    changed = ordered[1:] != ordered[:-1]
    if ordered.dtype.kind == "f":
        changed &= ~(np.isnan(ordered[1:]) & np.isnan(ordered[:-1]))  # NaNs are one value
    rank = np.empty(key.size, dtype=np.int64)
    rank[order] = np.r_[0, np.cumsum(changed)]
    return rank


def validate_parameters(parameters: Sequence[ScoreParameter]) -> tuple[ScoreParameter, ...]:
    """Check a parameter list without data: at least one, no column twice, weights above zero."""
    params = tuple(parameters)
    if not params:
        raise ScoringError("Choose at least one parameter to score customers by.")
    for p in params:
        if not isinstance(p, ScoreParameter):
            raise ScoringError(f"Parameters must be ScoreParameter values, got {p!r}.")
    columns = [p.column for p in params]
    if twice := sorted({c for c in columns if columns.count(c) > 1}):
        raise ScoringError(f"Each column can be chosen once; chosen twice: {', '.join(twice)}.")
    if not math.fsum(p.weight for p in params) > 0:
        raise ScoringError("The weights add up to zero; give at least one parameter a weight.")
    return params


# --------------------------------------------------------------------------- value score


def value_score(
    customers: pd.DataFrame,
    parameters: Sequence[ScoreParameter],
    *,
    bands: ScoreBands = DEFAULT_BANDS,
    today: dt.date | None = None,
) -> ValueScore:
    """Weighted, rank-normalised customer-value score (0..100) with rank and band per customer.

    ``today`` is only needed when ``lifetime_days`` is a parameter the frame does not carry.
    """
    params = validate_parameters(parameters)
    if not isinstance(bands, ScoreBands):
        raise ScoringError("Bands must be given as ScoreBands.")
    values = pd.DataFrame(
        {p.column: numeric_column(customers, p.column, today=today).to_numpy() for p in params}
    )
    lacking = values.isna().to_numpy()
    complete = ~lacking.any(axis=1)
    all_ids, all_names = ids(customers).to_numpy(), names(customers)

    weights = np.array([p.weight for p in params], dtype=float)
    weights = weights / weights.sum()
    scored = values[complete].reset_index(drop=True)
    norm = {}
    for p in params:  # a handful of parameters; each one is vectorised over all customers
        pct = percentile_rank(scored[p.column]).to_numpy()
        norm[f"norm_{p.column}"] = pct if p.higher_is_better else 1.0 - pct
    raw = (np.column_stack(list(norm.values())) @ weights) * 100 if len(scored) else np.array([])
    score = np.round(raw, 2)
    # Round away float noise from summing in different orders before ranking on the score.
    key = np.round(raw, 9)
    revenue = _revenue(customers)[complete]
    scored_ids = all_ids[complete]
    order = row_order(-key, -revenue, scored_ids)
    frame = pd.DataFrame(
        {
            "id": scored_ids,
            "name": all_names[complete],
            "score": score,
            "band": _bands(score, bands),
            **norm,
        }
    )
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(3, "rank", np.arange(1, len(frame) + 1))

    band_counts = (
        frame["band"].value_counts().reindex(list(BANDS), fill_value=0).astype(int)
    ).rename("customers")
    band_counts.index.name = "band"
    return ValueScore(
        parameters=params,
        bands=bands,
        scores=frame,
        missing=_missing_frame(all_ids, all_names, lacking, [p.column for p in params]),
        missing_counts=pd.Series(
            lacking.sum(axis=0).astype(int), index=[p.column for p in params], name="customers"
        ),
        band_counts=band_counts,
    )


def _revenue(customers: pd.DataFrame) -> np.ndarray:
    if "revenue" not in customers.columns:
        return np.full(len(customers), np.nan)
    return pd.to_numeric(customers["revenue"], errors="coerce").to_numpy(dtype=float)


def _bands(score: np.ndarray, bands: ScoreBands) -> pd.Categorical:
    hi, mid, lo = bands.limits
    codes = np.select([score >= hi, score >= mid, score >= lo], [0, 1, 2], 3)
    return pd.Categorical.from_codes(codes, categories=list(BANDS))


def _missing_frame(
    all_ids: np.ndarray, all_names: np.ndarray, lacking: np.ndarray, columns: list[str]
) -> pd.DataFrame:
    """Customers lacking a parameter, named "a, b" in parameter order, sorted by name then id."""
    rows = lacking.any(axis=1)
    # One text per pattern of missing parameters (a few), not per customer.
    pattern = lacking[rows] @ (1 << np.arange(len(columns)))
    patterns, inverse = np.unique(pattern, return_inverse=True)
    texts = [", ".join(c for i, c in enumerate(columns) if p >> i & 1) for p in patterns]
    text = np.asarray(texts, dtype=object)[inverse] if texts else np.array([], dtype=object)
    frame = pd.DataFrame({"id": all_ids[rows], "name": all_names[rows], "missing": text})
    return frame.sort_values(["name", "id"], kind="stable", na_position="last").reset_index(
        drop=True
    )
