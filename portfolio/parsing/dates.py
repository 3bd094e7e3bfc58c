"""Vectorised date parsing: ISO, local day/month orders, Chinese dates and Excel serials."""

import numpy as np
import pandas as pd

from portfolio.parsing.values import expand, factorize

EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial 1 is 1900-01-01 given Excel's leap-year bug
SERIAL_RANGE = (20_000, 80_000)  # 1954-10-03 .. 2119-01-11: anything else is not a date
YEAR_RANGE = (1900, 2100)


def parse_dates(series: pd.Series, *, dayfirst: bool | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse dates to datetime64[s] at midnight; any time of day is dropped.

    Recognised: 2025-03-01 (also with a time, or / or . between), 2025年3月1日, 20250301,
    01.03.2025 (always day first), 01/03/2025 and 01-03-2025, 01.03.25, and Excel serial
    numbers 20000-80000 (45717 is 2025-03-01).  For / and - the whole column decides the
    order unless `dayfirst` is given: first parts over 12 mean day first, second parts over
    12 mean month first (the larger count wins), and without evidence day first is assumed.
    Two-digit years: 00-68 are 20xx, 69-99 are 19xx.  Years outside 1900-2100 are bad.
    """
    codes, distinct = factorize(series)
    text = distinct.str.strip()
    year = np.full(len(text), np.nan)
    month, day = year.copy(), year.copy()
    serial = year.copy()
    todo = np.ones(len(text), dtype=bool)

    def take(rx: str) -> pd.DataFrame:
        found = text[todo].str.extract(rx)
        found = found[found.iloc[:, 0].notna()]
        todo[found.index] = False
        return found

    time = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
    for rx in (
        rf"^(?P<y>\d{{4}})(?P<s>[-/.])(?P<m>\d{{1,2}})(?P=s)(?P<d>\d{{1,2}}){time}$",
        r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?$",
        r"^(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})$",
    ):
        found = take(rx)
        year[found.index], month[found.index], day[found.index] = _ints(found, "y", "m", "d")
    found = take(
        rf"^(?P<a>\d{{1,2}})(?P<s>[-/.])\s*(?P<b>\d{{1,2}})(?P=s)\s*(?P<y>\d{{4}}|\d{{2}}){time}$"
    )
    first, second, years = _ints(found, "a", "b", "y")
    dotted = (found["s"] == ".").to_numpy()
    if dayfirst is None:
        dayfirst = _day_first(first[~dotted], second[~dotted])
    day_first = dotted | dayfirst
    years = np.where(years < 100, np.where(years <= 68, 2000 + years, 1900 + years), years)
    year[found.index] = years
    day[found.index] = np.where(day_first, first, second)
    month[found.index] = np.where(day_first, second, first)
    found = take(r"^(?P<n>\d{5})(?:\.\d+)?$")
    serial[found.index] = _ints(found, "n")[0]

    dates = _from_parts(year, month, day)
    in_range = (serial >= SERIAL_RANGE[0]) & (serial <= SERIAL_RANGE[1])
    serial_dates = EXCEL_EPOCH + pd.to_timedelta(np.where(in_range, serial, 0), unit="D")
    dates = np.where(in_range, serial_dates.to_numpy("datetime64[s]"), dates)
    return expand(series, codes, dates, (text == "").to_numpy())


def _ints(found: pd.DataFrame, *names: str) -> list[np.ndarray]:
    return [pd.to_numeric(found[name]).to_numpy(dtype="float64") for name in names]


def _day_first(first: np.ndarray, second: np.ndarray) -> bool:
    """Day first unless the column shows a month-first date (second part over 12)."""
    day_evidence, month_evidence = int((first > 12).sum()), int((second > 12).sum())
    return not month_evidence > day_evidence


def _from_parts(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Build datetime64[s] from parts; impossible dates and odd years become NaT."""
    ok = ~np.isnan(year) & (year >= YEAR_RANGE[0]) & (year <= YEAR_RANGE[1])
    out = np.full(len(year), np.datetime64("NaT", "s"))
    if ok.any():
        parts = pd.DataFrame({"year": year[ok], "month": month[ok], "day": day[ok]})
        out[ok] = pd.to_datetime(parts, errors="coerce").to_numpy("datetime64[s]")
    return out
