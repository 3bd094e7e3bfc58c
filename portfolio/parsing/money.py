"""Money as people write it, exactly: currency signs and codes, scale words (k, Mio., Mrd.,
万, 亿 ...) in a cell or a column's header, and exact decimal text beside the floats.

A money column is parsed to floats (for checks and analyses) and to the exact decimal text of
each value after its scale is applied ("1,5 Mrd." is "1500000000"), which is what is stored and
added up: no value passes through binary floating point on its way to the database.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pandas as pd

from portfolio.parsing.numbers import SPACES, NumberFormat, _parse_distinct_numbers, plain_values
from portfolio.parsing.values import Factorized, factorize

# Currency symbols and codes: what they mean. "kr" is the Swedish, Norwegian or Danish krona;
# `KRONA` marks it until the organisation's currency settles which.
KRONA = "kr"
SYMBOLS = {
    "€": "EUR", "$": "USD", "us$": "USD", "£": "GBP", "¥": "CNY", "￥": "CNY", "元": "CNY",
    "人民币": "CNY", "₹": "INR", "kr": KRONA, "euro": "EUR", "euros": "EUR", "rmb": "CNY",
}  # fmt: skip
CODES = ("eur", "usd", "gbp", "sek", "nok", "dkk", "chf", "cny", "jpy", "inr")

# Scale words and letters, as powers of ten.  Single letters count only next to a currency
# (k€, TEUR, $M, MSEK, tkr) or alone in brackets in a header: "T" alone means thousand to a
# German and trillion to an American.
SCALE_WORDS = {
    **dict.fromkeys(
        ("tsd", "tausend", "thousand", "thousands", "milliers", "miles", "migliaia", "duizend",
         "tusen", "tus"), 3),
    **dict.fromkeys(
        ("mio", "mn", "mln", "mm", "million", "millions", "millionen", "miljoner", "miljon",
         "millones", "millon", "milioni", "milione", "miljoen", "mill"), 6),
    **dict.fromkeys(
        ("mrd", "mrds", "md", "mds", "bn", "billion", "billions", "milliarde", "milliarden",
         "milliard", "milliards", "miljard", "miljarder", "miliardi", "miliardo", "mld"), 9),
}  # fmt: skip
SCALE_LETTERS = {"k": 3, "t": 3, "m": 6, "b": 9}
CJK_SCALES = {"十亿": 9, "千万": 7, "百万": 6, "千": 3, "万": 4, "亿": 8}
SCALE_EXPONENTS = (0, 3, 4, 6, 7, 8, 9)

_PREFIX = "k|t|m|mn|md|mrd|bn|b"
_CODE = "|".join(CODES)
_WORD = "|".join(sorted(SCALE_WORDS, key=len, reverse=True))
# One unit written in a cell or header: a code with an optional scale letter glued to it
# (TEUR, kSEK, tkr, MSEK), a symbol with an optional scale on either side (k€, €m, $bn, M €),
# a scale word (Mio., Mrd, bn), or a Chinese scale (万, 亿, with or without 元).
_UNIT = re.compile(
    rf"(?<![a-z])(?P<cprefix>{_PREFIX})?(?P<code>{_CODE}|kr|rmb|euros?)\.?(?![a-z])"
    rf"|(?:(?<![a-z])(?P<sprefix>{_PREFIX})\.?\s?)?(?P<symbol>us\$|[€$£¥￥₹]|人民币)"
    rf"(?:\s?(?P<ssuffix>{_PREFIX}|mm)(?![a-z]))?"
    rf"|(?<![a-z])(?P<word>{_WORD})(?![a-z])\.?"
    r"|(?P<cjk>十亿|千万|百万|千|万|亿)(?P<yuan>元)?|(?P<yuan2>元)"
)
# A lone scale letter in a header: "(k)", "[M]", "(in T)".
_BRACKETED_LETTER = re.compile(r"[(\[]\s*(?:in\s+)?(?P<letter>[ktmb])\s*[)\]]")
# Thousands written as zeros in a header: "(x 1.000 EUR)", "£'000", "(000s)", "x 1 000 000".
_ZEROS = re.compile(r"(?:[x×]\s*1[.,'\s]?|(?<=[(£$€'\s]))'?(?P<zeros>000(?:[.,'\s]?000)*)s?(?!\d)")
# A scale letter right after a number in a cell: 5k, 1.5M, 2,3 Mio is a word above.
_CELL_LETTER = re.compile(r"(?<=[\d\s])(?P<letter>[kmb])\.?$")


@dataclass(frozen=True)
class Unit:
    """The scale (a power of ten) and currency (an ISO code, or "" when none) of a text."""

    scale: int = 0
    currency: str = ""
    scale_found: bool = False


def _fold(text: str) -> str:
    """Casefold and unify full-width forms (（万元）), keeping currency symbols."""
    text = unicodedata.normalize("NFKC", text).replace("¥", "￥").casefold()
    return text.replace("￥", "¥")


def header_unit(header: str) -> Unit:
    """The scale and currency a header declares: "Umsatz (Mrd. USD)" is 10^9 and USD."""
    text = _fold(header)
    scales: list[int] = []
    currencies: list[str] = []
    for match in _UNIT.finditer(text):
        scale, currency = _unit_of(match)
        if scale is not None:
            scales.append(scale)
        if currency:
            currencies.append(currency)
    if not scales and (bracketed := _BRACKETED_LETTER.search(text)):
        scales.append(SCALE_LETTERS[bracketed["letter"]])
    if not scales and (zeros := _ZEROS.search(text)):
        scales.append(zeros["zeros"].count("0"))
    scale = scales[0] if len(set(scales)) == 1 else 0
    currency = currencies[0] if len(set(currencies)) == 1 else ""
    return Unit(scale, currency, bool(scales) and len(set(scales)) == 1)


def strip_units(header: str) -> str:
    """The header without its units, for matching it to a field ("Umsatz TEUR" is "Umsatz")."""
    text = _fold(header)
    text = _ZEROS.sub(" ", _BRACKETED_LETTER.sub(" ", _UNIT.sub(" ", text)))
    return " ".join(text.split())


def _unit_of(match: re.Match) -> tuple[int | None, str]:
    """(scale exponent or None, currency code or "") of one `_UNIT` match."""
    groups = match.groupdict()
    if groups["code"]:
        code = groups["code"]
        currency = SYMBOLS.get(code) or code.upper()
        prefix = groups["cprefix"]
        return (_prefix_scale(prefix) if prefix else None), currency
    if groups["symbol"]:
        prefix = groups["sprefix"] or groups["ssuffix"]
        return (_prefix_scale(prefix) if prefix else None), SYMBOLS[groups["symbol"]]
    if groups["word"]:
        return SCALE_WORDS[groups["word"]], ""
    if groups["cjk"]:
        return CJK_SCALES[groups["cjk"]], "CNY" if groups["yuan"] else ""
    return None, "CNY"


def _prefix_scale(prefix: str) -> int:
    return SCALE_LETTERS.get(prefix) or SCALE_WORDS[prefix]


@dataclass(frozen=True)
class MoneyColumn:
    """A money column parsed: floats and exact text (scaled), problems, units seen in cells."""

    values: pd.Series  # float64, NaN when empty or unreadable
    exact: pd.Series  # object: exact decimal text per row, None when empty or unreadable
    bad: pd.Series  # bool: a value that is not money
    currency: pd.Series | None  # object: the currency each cell wrote ("" none); None: no cell
    cell_scales: dict[int, int]  # scale exponent -> cells that wrote it themselves


def parse_money(
    series: pd.Series,
    fmt: NumberFormat,
    *,
    scale: int = 0,
    factorized: Factorized | None = None,
) -> MoneyColumn:
    """Parse money cells: "€ 1.234,56", "1,5 Mio. €", "$3bn", "5万元", "(120)" ...

    `scale` is the column's power of ten (from its header or the user); a cell that writes its
    own scale ("1,5 Mio.") keeps that one.  A cell with two different currencies or scales is
    not money.
    """
    codes, distinct = factorized or factorize(series)
    plain = plain_values(distinct, fmt)
    currency = np.full(len(distinct), "", dtype=object)
    cell_scale = np.full(len(distinct), -1, dtype=np.int8)
    conflict = np.zeros(len(distinct), dtype=bool)
    text = distinct
    if plain is not None and not plain.all():
        rest, units = _cell_units(distinct[~plain])
        currency[~plain], cell_scale[~plain], conflict[~plain] = units
        cells = distinct.to_numpy(dtype=object).copy()
        cells[~plain] = rest.to_numpy(dtype=object)
        text = pd.Series(cells, dtype="str")
    numbers, blank, exact = _parse_distinct_numbers(text, fmt, exact=True)
    numbers[conflict] = np.nan
    exact[conflict] = None
    blank &= ~conflict
    exponents = np.where(cell_scale >= 0, cell_scale, scale)
    if exponents.any():
        numbers = numbers * np.power(10.0, exponents)
        exact = scale_exact(exact, exponents)
    present = codes >= 0
    rows = np.where(present, codes, 0)
    index = series.index
    if not len(numbers):  # nothing but empty cells: one stand-in value the codes never pick
        numbers, exact, blank = np.full(1, np.nan), np.full(1, None), np.ones(1, dtype=bool)
        currency, cell_scale = np.full(1, "", dtype=object), np.full(1, -1, dtype=np.int8)
    missing = np.isnan(numbers)
    values = np.where(present, numbers[rows], np.nan)
    exact_rows = np.where(present, exact[rows], None)
    bad = present & (missing & ~blank)[rows]
    cells = None
    if (currency != "").any():
        cells = pd.Series(np.where(present, currency[rows], ""), index=index, dtype=object)
    counts = pd.Series(np.where(present, cell_scale[rows], -1)).value_counts()
    return MoneyColumn(
        values=pd.Series(values, index=index, name=series.name, dtype="float64"),
        exact=pd.Series(exact_rows, index=index, name=series.name, dtype=object),
        bad=pd.Series(bad, index=index, name=series.name),
        currency=cells,
        cell_scales={int(k): int(v) for k, v in counts.items() if k >= 0},
    )


def _cell_units(values: pd.Series) -> tuple[pd.Series, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Take the units out of decorated cells: the rest, and per cell currency, scale, conflict."""
    folded = pd.Series([_fold(value) for value in values], index=values.index, dtype=object)
    found = folded.str.findall(_UNIT)
    rest = folded.str.replace(_UNIT, " ", regex=True).str.strip(SPACES + "\t")
    currency = np.full(len(values), "", dtype=object)
    scale = np.full(len(values), -1, dtype=np.int8)
    conflict = np.zeros(len(values), dtype=bool)
    names = list(_UNIT.groupindex)
    for i, matches in enumerate(found.to_numpy(dtype=object)):
        if not matches:
            continue
        scales, currencies = set(), set()
        for groups in matches:
            match_scale, match_currency = _unit_of(_Groups(dict(zip(names, groups, strict=True))))
            if match_scale is not None:
                scales.add(match_scale)
            if match_currency:
                currencies.add(match_currency)
        conflict[i] = len(scales) > 1 or len(currencies) > 1
        currency[i] = next(iter(currencies)) if len(currencies) == 1 else ""
        scale[i] = next(iter(scales)) if len(scales) == 1 else -1
    letter = rest.str.extract(_CELL_LETTER)["letter"]
    has_letter = letter.notna().to_numpy()
    if has_letter.any():
        twice = has_letter & (scale >= 0)
        conflict |= twice
        scale = np.where(has_letter & ~twice, letter.map(SCALE_LETTERS).fillna(-1), scale)
        rest = rest.where(~has_letter, rest.str.replace(_CELL_LETTER, "", regex=True))
        rest = rest.str.strip(SPACES + "\t")
    return rest.astype("str"), (currency, scale.astype(np.int8), conflict)


class _Groups:
    """What `_unit_of` reads from a match, rebuilt from `findall`'s tuples."""

    def __init__(self, groups: dict[str, str]) -> None:
        self.groups = {name: value or None for name, value in groups.items()}

    def groupdict(self) -> dict[str, str | None]:
        return self.groups


def scale_exact(exact: np.ndarray, exponents: np.ndarray) -> np.ndarray:
    """Exact decimal texts times 10**exponent, still exact ("1.5" and 9 give "1500000000")."""
    out = exact.copy()
    for i in np.flatnonzero((exponents > 0) & (exact != None)):  # noqa: E711
        out[i] = format(Decimal(exact[i]).scaleb(int(exponents[i])).normalize(), "f")
    return out


def round_exact(exact: np.ndarray, places: int) -> np.ndarray:
    """Exact decimal texts rounded half to even to `places` decimals (a value with fewer
    decimals is left as it is, so a column of plain cents costs one scan)."""
    present = exact != None  # noqa: E711
    texts = exact[present]
    if not len(texts):
        return exact
    longer = re.compile(rf"\.\d{{{places + 1}}}")
    if not longer.search("\n".join(texts)):
        return exact
    quantum = Decimal(1).scaleb(-places)
    out = exact.copy()
    for i in np.flatnonzero(present):
        if longer.search(exact[i]):
            out[i] = str(Decimal(exact[i]).quantize(quantum, rounding=ROUND_HALF_EVEN))
    return out


def exact_sum(exact: pd.Series | np.ndarray) -> Decimal:
    """The exact sum of decimal texts (None for empty)."""
    values = exact.to_numpy(dtype=object) if isinstance(exact, pd.Series) else exact
    total = Decimal(0)
    for value in values:
        if value is not None and value == value:
            total += Decimal(value)
    return total
