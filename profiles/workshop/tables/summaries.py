"""Column summaries of steps 4 and 5: what the best customers have in common.

For each column of the company or buyer table: the most common value with its count and share;
for numbers a suggested range (the middle half); for multi-valued columns (drivers) a count per
value; and where the whole portfolio has the column, the lift: how many times more common a value
is among the best customers than in the whole portfolio ("IT: 60 % of best customers, 22 % of
all: 2.7×"), so the team sees data, not only opinion.

- Missing values (None, NaN, empty text; for numbers also text that is not a plain number) are
  counted in `missing` and left out of every share: a blank is never a value.
- Shares are percentages of the rows with a value. In a multi-valued column (and for a list in
  any column) a row counts once for each of its values, so shares can add up to more than 100.
- Text is grouped as criteria compare it (case and spaces ignored, `criteria.normalise_text`);
  a group shows its most common spelling. A multi-valued text is split at commas and semicolons.
- A tie for the most common value goes to the alphabetically first text (the smallest number);
  the other values of the tie are listed in `tied`.
- The suggested range is the 25th to the 75th percentile (linear interpolation) widened outwards
  to a round step of 1 or 5 × 10^k near a fifth of its width: 21.25 to 48.5 becomes 20 to 50.
  Whole numbers get whole bounds. The bounds are computed in exact decimals (the percentiles as
  they print), so 0.3 to 0.5 stays 0.3 to 0.5 and no 0.30000000000000004 appears; equal
  percentiles give a range of one value, and a spread of any size, however tiny, a valid range.
- Lift = share among the best ÷ share in the population; None where the population has no known
  value, or none of this value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal, localcontext
from typing import Any, Literal

import numpy as np
import pandas as pd

from profiles.versions.criteria import normalise_text, number_text, read
from profiles.versions.traits import DISC_COLOURS, Column, display
from profiles.workshop.tables import summaries

Kind = Literal["text", "number", "multi"]
COUNT_COLUMNS = ["value", "count", "share", "population_count", "population_share", "lift"]


@dataclass(frozen=True)
class ValueShare:
    """How common one value (or range) is among the best customers and in the whole portfolio."""

    value: str | int | float | tuple[int | float, int | float]
    count: int
    share: float  # percent of the best customers with a value
    population_share: float | None  # percent of the portfolio with a value; None without one
    lift: float | None  # share / population_share; None when undefined

    def evidence(self) -> dict[str, Any]:
        """The JSON-safe evidence a decision log keeps: value, count, shares and lift."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {
            "value": value,
            "count": self.count,
            "share": round(self.share, 1),
            "population_share": _rounded(self.population_share, 1),
            "lift": _rounded(self.lift, 2),
        }


@dataclass(frozen=True, eq=False)
class ColumnSummary:
    """The summary under one column of the company or buyer table."""

    kind: str  # "text" | "number" | "multi"
    known: int  # rows with a value
    missing: int  # rows without one, left out of every share
    mode: ValueShare | None  # the most common value; None when nothing is known
    tied: tuple[ValueShare, ...]  # the other values as common as the mode
    suggested_range: ValueShare | None  # numbers: the middle half, rounded
    counts: pd.DataFrame  # COUNT_COLUMNS, one row per value, most common first
    population_known: int | None  # portfolio rows with a value; None without a population

    @property
    def suggestion(self) -> ValueShare | None:
        """What the profile should take: the range for numbers, else the most common value."""
        return self.suggested_range if self.kind == "number" else self.mode


def _rounded(number: float | None, digits: int) -> float | None:
    return None if number is None else round(number, digits)


def _percent(count: float, total: int) -> float | None:
    return count / total * 100 if total else None


def _lift(share: float | None, population_share: float | None) -> float | None:
    if share is None or not population_share:
        return None
    return share / population_share


def _plain(number: float) -> int | float:
    return int(number) if float(number).is_integer() and abs(number) < 2**53 else float(number)


# --------------------------------------------------------------------------- text and multi


def _labels(value: Any, multi: bool) -> dict[str, str]:
    """The values one cell holds, by comparison key, in the spelling of the cell."""
    reading = read(value, multi=multi)
    if reading is None:
        return {}
    if isinstance(value, str) and not multi:
        items = [value]
    elif isinstance(value, str):
        items = value.replace(";", ",").split(",")
    elif reading[0]:
        items = list(value.ravel() if isinstance(value, np.ndarray) else value)
    else:
        items = [value]
    labels: dict[str, str] = {}
    for item in items:
        reading = read(item)
        if reading is None or reading[0]:
            continue  # a blank, or a list inside a list
        number = reading[1][0][1]
        label = " ".join(item.split()) if isinstance(item, str) else number_text(number)
        labels.setdefault(normalise_text(label), label)
    return labels


def _frozen(value: Any) -> Any:
    """A hashable stand-in holding the same values: tuples for lists, None for mappings."""
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return tuple(_frozen(item) for item in value)
    return None if isinstance(value, dict) else value


def _distinct(values: pd.Series) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """Each row's index into the distinct cells (-1 when missing), those cells, rows per cell."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # lists in cells are unhashable
        codes, uniques = pd.factorize(values.map(_frozen), use_na_sentinel=True)
    weights = np.bincount(codes[codes >= 0], minlength=len(uniques))
    return codes, list(uniques), weights


def _tally(values: pd.Series, multi: bool) -> tuple[pd.DataFrame, int]:
    """Rows per value (key, label, count) and the number of rows with any value."""
    _codes, uniques, weights = _distinct(values)
    items: list[tuple[str, str, int]] = []
    known = 0
    for value, weight in zip(uniques, weights.tolist(), strict=True):
        labels = _labels(value, multi)
        known += weight if labels else 0
        items.extend((key, label, weight) for key, label in labels.items())
    items_frame = pd.DataFrame(items, columns=["key", "label", "count"])
    # A key's label is its most common spelling; equal counts go to the alphabetically first.
    spellings = (
        items_frame.groupby(["key", "label"], as_index=False)["count"]
        .sum()
        .sort_values(["key", "count", "label"], ascending=[True, False, True])
        .drop_duplicates("key")
        .set_index("key")["label"]
    )
    counts = items_frame.groupby("key")["count"].sum()
    table = pd.DataFrame({"label": spellings, "count": counts}).rename_axis("key").reset_index()
    return table.astype({"key": object, "label": object, "count": int}), known


# --------------------------------------------------------------------------- numbers


def _numbers(values: pd.Series) -> np.ndarray:
    """The column as floats, NaN where a value is missing or not a plain number."""
    if values.dtype.kind in "iuf":
        x = values.to_numpy(dtype=float, na_value=np.nan)
        return np.where(np.isfinite(x), x, np.nan)
    codes, uniques, _weights = _distinct(values)
    parsed = []
    for value in uniques:
        reading = read(value)
        single = reading is not None and not reading[0] and reading[1][0][1] is not None
        parsed.append(reading[1][0][1] if single else np.nan)
    return np.array([*parsed, np.nan], dtype=float)[codes]  # code -1 picks the trailing NaN


# Exact for any two floats: 17 significant digits at exponents from -324 to 308.
_EXACT = Context(prec=700)


def _nice_step(raw: Decimal) -> Decimal:
    exponent = raw.adjusted()  # raw = fraction × 10^exponent, 1 <= fraction < 10
    fraction = raw.scaleb(-exponent)
    nice = 1 if fraction < Decimal("2.5") else 5 if fraction < Decimal("7.5") else 10
    return Decimal(nice).scaleb(exponent)  # people count in fives and tens


def suggested_range(x: np.ndarray) -> tuple[int | float, int | float]:
    """The middle half of known numbers (25th to 75th percentile), widened to a round step."""
    q25, q75 = np.percentile(x, [25, 75])
    if q75 == q25:
        return _plain(q25), _plain(q75)
    with localcontext(_EXACT):
        low, high = Decimal(repr(float(q25))), Decimal(repr(float(q75)))
        step = _nice_step((high - low) / 5)
        if np.all(x == np.round(x)):
            step = max(step, Decimal(1))  # whole numbers (employees, seats) get whole bounds
        low = (low / step).to_integral_value(ROUND_FLOOR) * step
        high = (high / step).to_integral_value(ROUND_CEILING) * step
    # Rounding outwards past the largest float would give inf: keep the percentile there.
    low, high = float(low), float(high)
    return _plain(low if low > -math.inf else q25), _plain(high if high < math.inf else q75)


def _number_table(x: np.ndarray) -> pd.DataFrame:
    known = x[~np.isnan(x)]
    values, counts = np.unique(known, return_counts=True)
    # An object array from the start: a list of 35 and 2.5 would be read as 35.0 and 2.5.
    labels = np.array([_plain(v) for v in values], dtype=object)
    table = pd.DataFrame({"key": values, "label": labels, "count": counts})
    return table.astype({"label": object, "count": int})


# --------------------------------------------------------------------------- summaries


def _with_population(
    table: pd.DataFrame, known: int, population: pd.DataFrame | None, population_known: int | None
) -> pd.DataFrame:
    table = table.copy()
    table["share"] = table["count"] / known * 100 if known else np.nan
    if population is None:
        table["population_count"] = pd.array([pd.NA] * len(table), dtype="Int64")
        table["population_share"] = np.nan
    else:
        population_counts = population.set_index("key")["count"]
        matched = table["key"].map(population_counts).fillna(0).astype(int)
        table["population_count"] = matched.astype("Int64")
        table["population_share"] = matched / population_known * 100 if population_known else np.nan
    ratio = table["share"] / table["population_share"]
    table["lift"] = ratio.where(table["population_share"] > 0)
    # Most common first; a tie goes to the first text (the smallest number).
    table = table.sort_values(["count", "key"], ascending=[False, True], kind="stable")
    table = table.reset_index(drop=True)
    return table


def _share_of(row: pd.Series) -> ValueShare:
    population_share = None if pd.isna(row["population_share"]) else float(row["population_share"])
    lift = None if pd.isna(row["lift"]) else float(row["lift"])
    return ValueShare(row["label"], int(row["count"]), float(row["share"]), population_share, lift)


@dataclass(frozen=True)
class PopulationTally:
    """A column of the whole portfolio counted once (it changes only with the customer list)."""

    table: pd.DataFrame
    known: int
    numbers: np.ndarray | None  # the values as numbers, for a number column


def tally_population(population: pd.Series, kind: Kind) -> PopulationTally:
    """Count a column of the whole portfolio as summarise_column compares with it."""
    if kind == "number":
        px = _numbers(population)
        return PopulationTally(_number_table(px), int((~np.isnan(px)).sum()), px)
    table, known = _tally(population, kind == "multi")
    return PopulationTally(table, known, None)


def summarise_column(
    values: pd.Series,
    *,
    population: pd.Series | None = None,
    kind: Kind = "text",
    tally: PopulationTally | None = None,
) -> ColumnSummary:
    """Most common value, suggested range (numbers), counts and lift of one column; `tally`:
    the population already counted (else `population` is)."""
    if kind not in ("text", "number", "multi"):
        raise ValueError(f"kind must be text, number or multi, not {kind!r}")
    if tally is None and population is not None:
        tally = tally_population(population, kind)
    population_table = population_known = range_share = None
    if tally is not None:
        population_table, population_known, px = tally.table, tally.known, tally.numbers
    if kind == "number":
        x = _numbers(values)
        table, known = _number_table(x), int((~np.isnan(x)).sum())
    else:
        table, known = _tally(values, kind == "multi")
    table = _with_population(table, known, population_table, population_known)
    mode = _share_of(table.iloc[0]) if len(table) else None
    tied = tuple(
        _share_of(row)
        for _, row in table.iloc[1:].iterrows()
        if mode and row["count"] == mode.count
    )
    if kind == "number" and known:
        low, high = suggested_range(x[~np.isnan(x)])
        count = int(((x >= low) & (x <= high)).sum())
        share = _percent(count, known)
        population_share = None
        if tally is not None:
            population_share = _percent(int(((px >= low) & (px <= high)).sum()), population_known)
        range_share = ValueShare(
            (low, high), count, share, population_share, _lift(share, population_share)
        )
    return ColumnSummary(
        kind=kind,
        known=known,
        missing=len(values) - known,
        mode=mode,
        tied=tied,
        suggested_range=range_share,
        counts=table.rename(columns={"label": "value"})[COUNT_COLUMNS],
        population_known=population_known,
    )


def suggest_profile(
    rows: pd.DataFrame, population: pd.DataFrame | None, columns: dict[str, Kind]
) -> dict[str, ColumnSummary]:
    """The summary of every named column of the best customers' table (steps 4 and 5)."""
    empty = pd.Series([], dtype=object)
    summaries = {}
    for name, kind in columns.items():
        values = rows[name] if name in rows.columns else empty
        whole = population[name] if population is not None and name in population.columns else None
        summaries[name] = summarise_column(values, population=whole, kind=kind)
    return summaries


@dataclass(frozen=True)
class Summary:
    """What the table shows under one column."""

    column: Column
    summary: summaries.ColumnSummary
    suggestion: summaries.ValueShare | None

    @property
    def value_text(self) -> str:
        if self.suggestion is None:
            return ""
        value = self.suggestion.value
        if isinstance(value, tuple):
            low, high = value
            return f"{display(self.column, low)}–{display(self.column, high)}"
        return display(self.column, value)

    @property
    def tied_text(self) -> str:
        """The other values as common as the most common one, as the cells show them."""
        return ", ".join(display(self.column, tie.value) for tie in self.summary.tied)

    @property
    def colour(self) -> str | None:
        if self.column.key == "disc" and self.suggestion is not None:
            return DISC_COLOURS.get(str(self.suggestion.value))
        return None


def rows_frame(rows, cols: tuple[Column, ...]) -> pd.DataFrame:
    """The cells of the rows as a DataFrame, one column per table column."""
    records = [{c.key: row.values.get(c.key) for c in cols} for row in rows]
    return pd.DataFrame(records, columns=[c.key for c in cols], dtype=object)


def summarise_one(rows, col: Column, tally: summaries.PopulationTally | None) -> Summary:
    """The summary under one column, against a population counted beforehand (or none)."""
    values = rows_frame(rows, (col,))[col.key]
    found = summaries.summarise_column(values, kind=col.summary_kind, tally=tally)
    return Summary(col, found, found.suggestion)


def summarise(rows, cols: tuple[Column, ...], population: pd.DataFrame | None) -> list[Summary]:
    """The summary under every column (mode, middle half, lift against the whole portfolio)."""
    frame = rows_frame(rows, cols)
    found = summaries.suggest_profile(frame, population, {c.key: c.summary_kind for c in cols})
    return [Summary(c, found[c.key], found[c.key].suggestion) for c in cols]
