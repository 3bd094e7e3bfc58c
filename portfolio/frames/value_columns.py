"""The value score's columns beyond past revenue, as the method lists them: potential (the
unused share of wallet), churn risk, and strategic value (a reference customer, a partner);
and the customer's benefit from us, the four types' other axis (the discount they get).

No customer field holds them; a list carries them in columns of its own, under any name in
any of our languages ("Share of wallet", "Lieferanteil", "Referenzkunde", "Partner" ...). They
are found by their header here and computed from the one loader's columns, so the value score,
step 3's value-score goal and scored prospect lists read them like any other column:

- ``potential``: 100 − the share of wallet in percent (a share given as 0..1 is read as a
  fraction); where the list has no share of wallet but a column of potential, that column.
- ``churn_risk``: a column of churn risk where the list has one; for an order file, how many of
  the customer's usual intervals between orders have passed since the last one (days since the
  last order × orders per year ÷ 365.25: 1 is on time, 3 is three orders missed). Lower is
  better.
- ``strategic``: how many of the columns that mark a reference customer or a partner say yes
  (a blank cell says no).
- ``benefit``: the discount the customer gets, from a column of discounts; without one, the
  price advantage 100 − margin % (a customer who buys at a discount leaves a lower margin).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

EXTRA_PREFIX = "extra:"

# Header words (normalised: casefolded, accents stripped, punctuation as spaces).
SHARE_OF_WALLET = (
    "share of wallet",
    "wallet share",
    "sow",
    "lieferanteil",
    "anteil am budget",
    "share of spend",
    "planboksandel",
    "andel av planboken",
    "钱包份额",
    "份额",
)
POTENTIAL = ("potential", "potenzial", "potential revenue", "potentiell", "潜力")
CHURN_RISK = ("churn risk", "churn", "abwanderungsrisiko", "kundigungsrisiko", "risk", "流失风险")
REFERENCE = (
    "reference",
    "reference customer",
    "referenz",
    "referenzkunde",
    "referenskund",
    "参考客户",
)
PARTNER = ("partner", "partnerschaft", "strategic partner", "partner kund", "合作伙伴")
DISCOUNT = ("discount", "rabatt", "nachlass", "discount %", "avdrag", "折扣")
YES = {"yes", "y", "ja", "j", "true", "1", "x", "是", "oui", "si", "sí"}

LABELS = {
    "potential": _("Potential (unused share of wallet)"),
    "churn_risk": _("Churn risk (lower is better)"),
    "strategic": _("Strategic value (reference, partner)"),
    "benefit": _("The customer's benefit: discount (or 100 − margin %)"),
}
KEYS = tuple(LABELS)


def normalise(header: str) -> str:
    """A header as compared here: casefolded, accents stripped, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", str(header)).casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[^\w]+|_", " ", text.replace("ß", "ss"))
    return " ".join(text.split())


def _find(columns, words) -> str | None:
    """The first column whose header is one of the words, or starts with one as a word."""
    found = {normalise(c): c for c in columns}
    for word in words:
        if word in found:
            return found[word]
    for normal, column in found.items():
        if any(normal.startswith(f"{word} ") for word in words if len(word) > 3):
            return column
    return None


def sources(extra_columns, numeric_extras) -> dict[str, tuple[str, ...]]:
    """Which of the list's own columns each value column is made of (key -> extra columns);
    a key the list cannot give is left out (order files add churn risk from their orders)."""
    numeric = list(numeric_extras)
    found: dict[str, tuple[str, ...]] = {}
    if column := _find(numeric, SHARE_OF_WALLET):
        found["potential"] = ("share", column)
    elif column := _find(numeric, POTENTIAL):
        found["potential"] = ("value", column)
    if column := _find(numeric, CHURN_RISK):
        found["churn_risk"] = ("value", column)
    flags = [c for c in (_find(extra_columns, REFERENCE), _find(extra_columns, PARTNER)) if c]
    if flags:
        found["strategic"] = ("flags", *dict.fromkeys(flags))
    if column := _find(numeric, DISCOUNT):
        found["benefit"] = ("value", column)
    return found


def needs(source: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The loader's numbers and texts a value column is computed from."""
    kind, *columns = source
    if kind == "flags":
        return [], [EXTRA_PREFIX + c for c in columns]
    return [EXTRA_PREFIX + c for c in columns], []


def compute(source: tuple[str, ...], frame: pd.DataFrame) -> np.ndarray:
    """The value column from the loaded columns (NaN where a customer lacks them)."""
    kind, *columns = source
    if kind == "flags":
        yes = np.zeros(len(frame))
        for column in columns:
            text = frame[EXTRA_PREFIX + column]
            codes, uniques = pd.factorize(text)  # few distinct words: normalised once each
            said = np.array([normalise(v) in YES for v in uniques] + [False], dtype=bool)
            yes += said[codes].astype(float)  # code -1 (blank) picks the trailing False
        return yes
    values = frame[EXTRA_PREFIX + columns[0]].to_numpy(dtype=float)
    if kind == "share":
        known = values[~np.isnan(values)]
        fraction = known.size and np.nanmax(known) <= 1.0
        return 100.0 - (values * 100.0 if fraction else values)
    return values


def churn_from_orders(days_since_last: np.ndarray, orders_per_year: np.ndarray) -> np.ndarray:
    """How many usual intervals between orders have passed since the last order."""
    return days_since_last * orders_per_year / 365.25


Loader = Callable[..., pd.DataFrame]
