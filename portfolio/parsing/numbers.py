"""Vectorised parsers for locale-formatted numbers, percentages and dates.

Every parser takes a pandas Series of strings (NaN for empty cells) and returns
`(values, bad)`: the typed values, and a boolean Series marking cells that were non-empty
but could not be parsed.  A cell is never silently turned into NaN.

Each column is factorised first and only its distinct values are parsed, so a date column
with a million rows but a few thousand different dates costs a few thousand parses.  A caller
that needs a column twice (detect its format, then parse it) can `factorize` it once and pass
the result as `factorized`.
"""

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from portfolio.parsing.values import Factorized, expand, factorize

SPACES = " \u00a0\u202f\u2009"  # space, no-break, narrow no-break, thin space
APOSTROPHES = "'\u2019"  # Swiss 1'234 and its typographic twin
MINUS = "-\u2212"  # ASCII hyphen-minus and the Unicode minus sign

_CURRENCY = (
    # The lookahead lets the regex skip digits cheaply: twice as fast on a million cells.
    r"(?=[a-zA-Z€$£¥￥元₹%])(?:"
    r"(?i:(?<![a-z])(?:kr|sek|eur|usd|gbp|chf|nok|dkk|jpy|cny|rmb)(?![a-z])\.?)"
    r"|US\$|[€$£¥￥元₹%])"
)
_CURRENCY_RX = re.compile(_CURRENCY)
SAMPLE_VALUES = 20_000


@dataclass(frozen=True)
class NumberFormat:
    """How a column writes numbers: decimal separator and thousands separator."""

    decimal: str = "."
    thousands: str | None = None
    # False when no value proved the format and it was taken from the hint or a default.
    certain: bool = field(default=True, compare=False)


POINT = NumberFormat(".", ",")  # 1,234.56 (English, Chinese; also what workbook cells give)
COMMA = NumberFormat(",", ".")  # 1.234,56 (German); Swedish 1 234,56 parses with it too

# Evidence that a column uses a decimal comma / a decimal point.  "Strong" values can only be
# read one way; "weak" ones like 1,234 or 1.234 are only suggestive.
_STRONG = {
    ",": re.compile(
        r"\.\d{3},\d"  # 1.234,5
        r"|\d,(?:\d{1,2}|\d{4,})(?![\d.,])"  # 1,5  12,25  0,3500
        r"|(?<![\d.,])(?:0?,\d)"  # ,5  0,123
        r"|\d\.\d{3}\.\d{3}(?!\d)"  # 1.234.567
    ),
    ".": re.compile(
        r",\d{3}\.\d"
        r"|\d\.(?:\d{1,2}|\d{4,})(?![\d.,])"
        r"|(?<![\d.,])(?:0?\.\d)"
        r"|\d,\d{3},\d{3}(?!\d)"
    ),
}
_WEAK = {",": re.compile(r"\d\.\d{3}(?![\d.,])"), ".": re.compile(r"\d,\d{3}(?![\d.,])")}
_GROUPED_BY = {
    sep: re.compile(rf"\d{re.escape(sep)}\d{{3}}(?!\d)") for sep in ".," + SPACES + APOSTROPHES
}


def detect_number_format(
    series: pd.Series, hint: NumberFormat | None = None, *, factorized: Factorized | None = None
) -> NumberFormat:
    """Decide the column's decimal and thousands separators from all of its values.

    Values that can only be read one way (1.234,56 / 1,5 / 1.234.567) decide by majority.
    Without such evidence the `hint` wins (pass the user's locale, or POINT for workbook
    cells); failing that a lone 1,234 or 1.234 is read as a thousands separator.
    """
    return _detect((factorized or factorize(series))[1], hint)


def _detect(values: pd.Series, hint: NumberFormat | None) -> NumberFormat:
    """`detect_number_format` on the column's distinct values."""
    sample = values.iloc[:SAMPLE_VALUES]
    counts = {sep: int(sample.str.contains(rx).sum()) for sep, rx in _STRONG.items()}
    if not any(counts.values()) and len(values) > len(sample):
        # Nothing decisive at the top: look at every value that has a separator at all.
        rest = values.iloc[SAMPLE_VALUES:]
        rest = rest[rest.str.contains(".", regex=False) | rest.str.contains(",", regex=False)]
        counts = {sep: int(rest.str.contains(rx).sum()) for sep, rx in _STRONG.items()}
    if counts[","] != counts["."]:
        decimal, certain = ("," if counts[","] > counts["."] else "."), True
    elif any(counts.values()) and hint is not None:
        decimal, certain = hint.decimal, True
    elif hint is not None:
        return NumberFormat(hint.decimal, hint.thousands, certain=False)
    else:
        weak = {sep: bool(sample.str.contains(rx).any()) for sep, rx in _WEAK.items()}
        decimal, certain = ("," if weak[","] and not weak["."] else "."), False
    other = "." if decimal == "," else ","
    thousands = next(
        (
            sep
            for sep in other + SPACES + APOSTROPHES
            if sample.str.contains(_GROUPED_BY[sep]).any()
        ),
        other,
    )
    return NumberFormat(decimal, thousands, certain=certain)


def parse_numbers(
    series: pd.Series,
    fmt: NumberFormat | None = None,
    *,
    hint: NumberFormat | None = None,
    factorized: Factorized | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Parse money-like text to float64: currency signs/codes, %, spaces, (5) and 5- allowed."""
    codes, distinct = factorized or factorize(series)
    fmt = fmt or _detect(distinct, hint)
    numbers, blank, _ = _parse_distinct_numbers(distinct, fmt)
    return expand(series, codes, numbers, blank)


def parse_integers(
    series: pd.Series,
    fmt: NumberFormat | None = None,
    *,
    hint: NumberFormat | None = None,
    factorized: Factorized | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Parse counts (seats, employees) to nullable Int64; fractions such as 2,5 are bad."""
    values, bad = parse_numbers(series, fmt, hint=hint, factorized=factorized)
    fractional = values.notna() & (values % 1 != 0)
    values = values.mask(fractional)
    return values.astype("Int64"), bad | fractional


def parse_percent(
    series: pd.Series,
    fmt: NumberFormat | None = None,
    *,
    hint: NumberFormat | None = None,
    factorized: Factorized | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Parse percentages to float64 percent points (35 means 35 %).

    Values written with a % sign are percent.  Plain numbers are percent too if any plain
    value in the column exceeds 1 in size; otherwise they are fractions (0.35, as workbook
    percent cells store them) and are multiplied by 100.
    """
    codes, distinct = factorized or factorize(series)
    fmt = fmt or _detect(distinct, hint)
    numbers, blank, _ = _parse_distinct_numbers(distinct, fmt)
    plain = ~distinct.str.contains("%", regex=False).to_numpy() & ~np.isnan(numbers)
    if plain.any() and not (np.abs(numbers[plain]) > 1).any():
        numbers = np.where(plain, numbers * 100, numbers)
    return expand(series, codes, numbers, blank)


# --- numbers -------------------------------------------------------------------------------


def _parse_distinct_numbers(
    values: pd.Series, fmt: NumberFormat, *, exact: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Parse distinct strings: (floats, NaN where unreadable; mask of blank-in-effect cells;
    with `exact`, the exact decimal text of each readable value: 1.234,56 gives "1234.56")."""
    sep = fmt.thousands if fmt.thousands and fmt.thousands != fmt.decimal else ""
    plain_rx = _plain_rx(fmt.decimal, sep)
    result = np.full(len(values), np.nan)
    blank = np.zeros(len(values), dtype=bool)
    texts = np.full(len(values), None, dtype=object) if exact else None
    # Fastest path: a column of nothing but plain values, checked in one regex match over
    # all of them (a tenth of the time of matching each value).
    text = "\n".join(values.to_numpy(dtype=object))
    if text.count("\n") == len(values) - 1 and _all_plain_rx(fmt.decimal, sep).fullmatch(text):
        result = _to_float(values, sep, fmt.decimal, text=text)
        finite = np.isfinite(result)
        if exact:
            texts = _plain_exact(values, sep, fmt.decimal, text=text)
            texts[~finite] = None
        return np.where(finite, result, np.nan), blank, texts
    # Fast path: the plain, well-formed values most columns consist of.
    plain = values.str.fullmatch(plain_rx).to_numpy(dtype=bool)
    if plain.any():
        result[plain] = _to_float(values[plain], sep, fmt.decimal)
        if exact:
            texts[plain] = _plain_exact(values[plain], sep, fmt.decimal)
    if not plain.all():
        rest = values[~plain].str.replace(_CURRENCY_RX, "", regex=True).str.strip(SPACES + "\t")
        blank[~plain] = (rest == "").to_numpy()  # only a currency sign: an empty cell
        # Once the currency is gone most values are plain ("€ 1.234,56"); only the rest
        # (spaces in the number, signs in parentheses or at the end) needs the slow path.
        plain_now = rest.str.fullmatch(plain_rx).to_numpy(dtype=bool)
        parsed = np.full(len(rest), np.nan)
        parsed_texts = np.full(len(rest), None, dtype=object)
        if plain_now.any():
            parsed[plain_now] = _to_float(rest[plain_now], sep, fmt.decimal)
            if exact:
                parsed_texts[plain_now] = _plain_exact(rest[plain_now], sep, fmt.decimal)
        if not plain_now.all():
            numbers, decorated = _parse_decorated(rest[~plain_now], sep, fmt.decimal)
            parsed[~plain_now] = numbers
            parsed_texts[~plain_now] = decorated
        result[~plain] = parsed
        if exact:
            texts[~plain] = parsed_texts
    unreadable = ~np.isfinite(result)  # 1e999 and the like
    result[unreadable] = np.nan
    if exact:
        texts[unreadable] = None
    return result, blank, texts


@functools.cache
def _plain_rx(decimal: str, sep: str) -> re.Pattern:
    """One plain number: digits, optionally grouped by `sep`, and a decimal part."""
    grouped = rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+|" if sep else ""
    return re.compile(rf"-?(?:{grouped}\d+)(?:{re.escape(decimal)}\d+)?")


def plain_values(values: pd.Series, fmt: NumberFormat) -> np.ndarray | None:
    """Which values are plain numbers in `fmt`; None when all of them are (checked at once)."""
    sep = fmt.thousands if fmt.thousands and fmt.thousands != fmt.decimal else ""
    text = "\n".join(values.to_numpy(dtype=object))
    if text.count("\n") == len(values) - 1 and _all_plain_rx(fmt.decimal, sep).fullmatch(text):
        return None
    return values.str.fullmatch(_plain_rx(fmt.decimal, sep)).to_numpy(dtype=bool)


def _plain_exact(values: pd.Series, sep: str, decimal: str, *, text: str | None = None):
    """Plain numbers as exact decimal text: grouping gone, a decimal point."""
    array = values.to_numpy(dtype=object).copy()
    if text is None:
        text = "\n".join(array)
    if (not sep or sep not in text) and decimal == ".":
        return array  # already what PostgreSQL and Decimal read
    table = str.maketrans({**({sep: None} if sep else {}), decimal: "."})
    return np.array([value.translate(table) for value in array], dtype=object)


@functools.cache
def _all_plain_rx(decimal: str, sep: str) -> re.Pattern:
    """Lines of plain numbers, as `plain_rx` in `_parse_distinct_numbers` matches one.

    Atomic and possessive groups: once a number is read there is nothing to try again, and
    without them the match backtracks at every line and takes three times as long.
    """
    grouped = rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})++(?!\d)|" if sep else ""
    number = rf"-?(?>{grouped}\d++)(?:{re.escape(decimal)}\d++)?+"
    return re.compile(rf"(?:{number}\n)*+{number}")


def _parse_decorated(text: pd.Series, sep: str, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """Slow path for text without currency: spaces, signs in parentheses or at the end.

    Returns the floats and the exact decimal text of each readable value (None if not).
    """
    dec = re.escape(decimal)
    group = re.escape(SPACES + APOSTROPHES + sep)
    number = rf"(?:\d{{1,3}}(?:[{group}]\d{{3}})+|\d+)?(?:{dec}\d+)?(?:[eE][-+]?\d+)?"
    parts = text.str.extract(
        rf"^(?P<open>[{MINUS}+(]?)[{SPACES}]*(?P<num>{number})[{SPACES}]*(?P<close>[-)]?)$"
    )
    has_digit = parts["num"].str.contains(r"\d", regex=True).fillna(False).to_numpy(dtype=bool)
    opened, closed = parts["open"].fillna(""), parts["close"].fillna("")
    balanced = ((opened == "(") == (closed == ")")) & ~(opened.isin(list(MINUS)) & (closed == "-"))
    negative = (opened.isin([*MINUS, "("]) | (closed == "-")).to_numpy()
    ok = has_digit & balanced.to_numpy()
    result = np.full(len(text), np.nan)
    exact = np.full(len(text), None, dtype=object)
    if ok.any():
        digits = parts["num"][ok].str.replace(f"[{group}]", "", regex=True)
        result[ok] = _to_float(digits, "", decimal)
        signs = np.where(negative[ok], "-", "")
        exact[ok] = [
            _exact_text(sign + value.replace(decimal, "."))
            for sign, value in zip(signs, digits.to_numpy(dtype=object), strict=True)
        ]
    result[negative] *= -1
    return result, exact


def _exact_text(text: str) -> str:
    """A decimal without exponent or a bare leading point (1.5e3 is 1500, .5 is 0.5)."""
    if "e" in text or "E" in text:
        try:
            return format(Decimal(text), "f")
        except InvalidOperation:
            return text
    if text.startswith("."):
        return "0" + text
    if text.startswith("-."):
        return "-0" + text[1:]
    return text


def _to_float(values: pd.Series, sep: str, decimal: str, *, text: str | None = None) -> np.ndarray:
    """Turn validated digit strings (digits, `sep`, `decimal`, sign, exponent) into floats.

    pandas' C tokenizer understands decimal and thousands separators, so one pass over the
    joined text replaces two rounds of Python-level string replacement (4x faster).  `text`
    is the values joined by line breaks when the caller has it already.
    """
    if text is None:
        text = "\n".join(values.to_numpy(dtype=object))
    try:
        parsed = pd.read_csv(
            io.StringIO(text),
            sep="\x1f",
            header=None,
            names=["value"],
            dtype="float64",
            decimal=decimal,
            thousands=sep or None,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=False,
            engine="c",
        )["value"].to_numpy()
    except (ValueError, pd.errors.ParserError):
        parsed = np.array([])
    if len(parsed) == len(values):
        return parsed
    cleaned = values.str.replace(sep, "", regex=False) if sep else values
    cleaned = cleaned.str.replace(decimal, ".", regex=False)
    return pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype="float64")


# --- dates ---------------------------------------------------------------------------------


# --- shared --------------------------------------------------------------------------------
