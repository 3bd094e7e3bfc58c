"""What every parser shares: a column's distinct values parsed once, and cleaned text."""

import operator

import numpy as np
import pandas as pd

# Per row the code of its value (-1 when empty), and the distinct values as a str Series.
Factorized = tuple[np.ndarray, pd.Series]


def clean_text(series: pd.Series) -> pd.Series:
    """Strip surrounding whitespace and turn blank cells into NaN (str dtype)."""
    series = series.astype("str")
    present = series.notna().to_numpy()
    cells = series.to_numpy(dtype=object)[present]
    # A plain loop of str.strip beats pandas' .str.strip fourfold, and strip hands back the
    # very same object when there is nothing to strip: the common case is found without
    # comparing any text.
    stripped = [cell.strip() for cell in cells]
    if all(map(operator.is_, stripped, cells)) and "" not in stripped:
        return series  # nothing to copy
    values = np.array(stripped, dtype=object)
    values[values == ""] = np.nan
    out = np.full(len(series), np.nan, dtype=object)
    out[present] = values
    return pd.Series(out, index=series.index, dtype="str", name=series.name)


def distinct_values(series: pd.Series) -> pd.Series:
    """The column's non-empty values, deduplicated unless nearly all are distinct anyway."""
    return factorize(series)[1]


def factorize(series: pd.Series) -> Factorized:
    """Codes per row (-1 for empty) and the values to parse once each, as a str Series.

    Columns that are mostly distinct (amounts, names) skip the hashing: every non-empty
    cell is its own entry, which costs less than finding the few repeats.
    """
    head = series.iloc[:50_000].dropna()
    if len(head) >= 1_000 and head.nunique() > 0.9 * len(head):
        present = series.notna().to_numpy()
        codes = np.where(present, np.cumsum(present) - 1, -1)
        return codes, pd.Series(series.to_numpy()[present], dtype="str")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype="str")


def expand(
    series: pd.Series, codes: np.ndarray, values: np.ndarray, blank: np.ndarray | None = None
) -> tuple[pd.Series, pd.Series]:
    """Map per-distinct results back to rows: (values, bad) aligned with `series`."""
    missing = np.isnat(values) if values.dtype.kind == "M" else np.isnan(values)
    if blank is None:
        blank = np.zeros(len(values), dtype=bool)
    present = codes >= 0
    empty = np.datetime64("NaT", "s") if values.dtype.kind == "M" else np.nan
    if len(values):
        out = np.where(present, values[codes], empty).astype(values.dtype)
        bad = present & (missing & ~blank)[codes]
    else:
        out = np.full(len(codes), empty, dtype=values.dtype)
        bad = np.zeros(len(codes), dtype=bool)
    return (
        pd.Series(out, index=series.index, name=series.name),
        pd.Series(bad, index=series.index, name=series.name),
    )
