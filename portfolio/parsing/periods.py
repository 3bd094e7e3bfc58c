"""Periods as registers and reports write them: years, fiscal years, quarters, months, dates.

A period cell becomes a label (the text, trimmed, so the user can pick "2022") and a sortable
key, the period's last day as yyyymmdd: 2022 is 20221231, "2022/23" (a fiscal year) 20231231,
"Q1 2023" 20230331, "2023-03" 20230331, 2023-03-15 20230315.
"""

import numpy as np
import pandas as pd

from portfolio.parsing.dates import YEAR_RANGE, parse_dates
from portfolio.parsing.values import clean_text, expand, factorize

# Words some registers put before a year: FY 2023, GJ 2023, Exercice 2023, Año 2023 ...
_YEAR_WORDS = (
    r"fy|gj|fj|ay|ex|year|jahr|geschaftsjahr|ar|rakenskapsar|exercice|annee|ano|ejercicio|"
    r"anno|esercizio|jaar|boekjaar|财年|年度"
)
_YEAR = (
    rf"^(?:(?:{_YEAR_WORDS})\s*)?'?(?P<y>\d{{4}}|\d{{2}})"
    r"(?:\s*[/\-–]\s*'?(?P<y2>\d{4}|\d{2}))?\s*(?:年|年度)?$"
)
_QUARTER = (
    r"^(?:(?P<y>\d{4})\s*[-/ ]?\s*[qk](?P<q>[1-4])|[qk](?P<q2>[1-4])\s*[-/ ]?\s*(?P<y2>\d{4}))$"
)
_HALF = r"^(?:(?P<y>\d{4})\s*[-/ ]?\s*h(?P<h>[12])|h(?P<h2>[12])\s*[-/ ]?\s*(?P<y2>\d{4}))$"
_MONTH = r"^(?:(?P<y>\d{4})[-/.](?P<m>\d{1,2})|(?P<m2>\d{1,2})[-/.](?P<y2>\d{4}))$"
_MONTH_END = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def parse_periods(series: pd.Series, *, dayfirst: bool | None = None):
    """(labels, keys, bad): the trimmed text, the sortable key (Int64), unreadable cells."""
    labels = clean_text(series)
    codes, distinct = factorize(labels)
    text = (
        distinct.str.casefold()
        .str.normalize("NFKD")
        .str.replace(r"[\u0300-\u036f]", "", regex=True)
        .str.replace(r"\.", "", regex=True)
        .str.strip()
    )
    keys = np.full(len(text), np.nan)
    todo = np.ones(len(text), dtype=bool)

    def take(rx: str) -> pd.DataFrame:
        found = text[todo].str.extract(rx)
        found = found[found.notna().any(axis=1)]
        todo[found.index] = False
        return found

    found = text[todo].str.extract(_YEAR)
    found = found[found["y"].notna()]
    if len(found):
        years = _year(found["y2"].fillna(found["y"]), found["y"])
        start = _year(found["y"])
        # "2022/23" is a fiscal year only when the second year follows the first.
        fiscal = found["y2"].isna().to_numpy() | (years == start + 1)
        found = found[fiscal]
        keys[found.index] = years[fiscal] * 10000 + 1231
        todo[found.index] = False
    found = take(_QUARTER)
    if len(found):
        years = _year(found["y"].fillna(found["y2"]))
        quarter = pd.to_numeric(found["q"].fillna(found["q2"])).to_numpy()
        month = quarter * 3
        keys[found.index] = years * 10000 + month * 100 + _MONTH_END[month.astype(int)]
    found = take(_HALF)
    if len(found):
        years = _year(found["y"].fillna(found["y2"]))
        half = pd.to_numeric(found["h"].fillna(found["h2"])).to_numpy()
        keys[found.index] = years * 10000 + np.where(half == 1, 630, 1231)
    found = take(_MONTH)
    if len(found):
        years = _year(found["y"].fillna(found["y2"]))
        month = pd.to_numeric(found["m"].fillna(found["m2"])).to_numpy()
        ok = (month >= 1) & (month <= 12)
        month = np.where(ok, month, 1).astype(int)
        keys[found.index] = np.where(ok, years * 10000 + month * 100 + _MONTH_END[month], np.nan)
    if todo.any():
        dates, _ = parse_dates(distinct[todo], dayfirst=dayfirst)
        stamps = pd.DatetimeIndex(dates)
        keys[np.flatnonzero(todo)] = np.where(
            stamps.isna(), np.nan, stamps.year * 10000 + stamps.month * 100 + stamps.day
        )
    out_of_range = (keys // 10000 < YEAR_RANGE[0]) | (keys // 10000 > YEAR_RANGE[1])
    keys[out_of_range] = np.nan
    values, bad = expand(labels, codes, keys)
    return labels, values.astype("Int64"), bad


def _year(text: pd.Series, first: pd.Series | None = None) -> np.ndarray:
    """Four-digit years; two digits are 20xx (00-68) or 19xx, and "2022/23" ends in 2023."""
    years = pd.to_numeric(text).to_numpy(dtype="float64")
    short = years < 100
    if first is not None:
        start = pd.to_numeric(first).to_numpy(dtype="float64")
        start = np.where(start < 100, np.where(start <= 68, 2000, 1900) + start, start)
        # The second year of "2022/23" belongs to the first one's century.
        years = np.where(short, start - start % 100 + years, years)
        years = np.where(short & (years < start), years + 100, years)
        short = np.zeros(len(years), dtype=bool)
    return np.where(short, np.where(years <= 68, 2000, 1900) + years, years)
