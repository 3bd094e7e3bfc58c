"""Conditions on one attribute, for the subgroup search (portfolio.analysis.subgroups).

A text attribute's values and a number's bins become small integer codes (-1: unknown); the
search counts rows per code and asks `choices` which value sets or ranges of adjacent bins are
worth trying; `condition` writes one as a profile criterion would (``in``, ``gte``, ``lt``,
``between``) and `met` says which rows meet it exactly as written. Numbers are cut into BINS
quantile bins whose bounds are rounded to the roundest number close by (500, not 512.4); text is
compared as criteria compare it (no case, trimmed). Pure numpy and pandas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_VALUES = 4  # values in one "in" condition: more stops being readable
MAX_CATEGORIES = 30  # the most common values of a text attribute that may be chosen
BINS = 10
QUANTILE_SAMPLE = 200_000  # values the bin bounds are estimated from (they are rounded anyway)


@dataclass(frozen=True)
class Condition:
    """``attribute operator value``: in (a tuple of texts), gte / lt (a number), between
    ((low, high), both included), as a profile's criteria write them."""

    attribute: str
    operator: str
    value: tuple | int | float


@dataclass(frozen=True, eq=False)
class Attribute:
    """One attribute as codes: a text's values (rare ones share the code len(labels), never
    chosen) or a number's bins; -1 where the value is unknown."""

    name: str
    codes: np.ndarray  # int16 per row
    labels: tuple  # texts: the value of each code; numbers: the bounds between the bins
    numbers: np.ndarray | None  # numbers: the values themselves, for exact figures
    family: int  # how many conditions on this attribute a search chooses from

    @property
    def width(self) -> int:
        """Codes 0 .. width - 1."""
        return len(self.labels) + 1

    def take(self, rows: np.ndarray) -> Attribute:
        """The attribute for some of its rows (a boolean mask), with the same codes and bins."""
        numbers = None if self.numbers is None else self.numbers[rows]
        return Attribute(self.name, self.codes[rows], self.labels, numbers, self.family)


def normalise(text: str) -> str:
    """Text as profile criteria compare it: no case, trimmed, a run of spaces as one."""
    return " ".join(text.split()).casefold()


# --------------------------------------------------------------------------- readable bins


def _round_near(value: float, tolerance: float, integers: bool) -> float:
    """The roundest number within `tolerance` of `value` (1000, 500, 250, 200, 100, 50, ...)."""
    if value == 0 or tolerance <= 0:
        return float(value)
    top = math.floor(math.log10(abs(value))) + 1
    for exponent in range(top, top - 6, -1):
        for mantissa in (1, 0.5, 0.25, 0.2):
            step = mantissa * 10.0**exponent
            if integers and step < 1:
                return float(round(value))
            rounded = round(round(value / step) * step, 10)
            if integers and not rounded.is_integer():
                continue  # 87.5 employees is no bound
            if abs(rounded - value) <= tolerance:
                return rounded
    return float(f"{value:.3g}")


def readable_cuts(values: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Bounds between `bins` quantile bins of the finite values, each rounded to the roundest
    number within a quarter of the distance to its neighbouring quantiles."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return np.array([])
    low, high = x.min(), x.max()
    if x.size > QUANTILE_SAMPLE:  # a fixed sample: the same bins on every run
        x = x[np.random.default_rng(0).integers(0, x.size, QUANTILE_SAMPLE)]
    integers = bool(np.all(x == np.round(x)))  # whole numbers (in the sample) get whole bounds
    edges = np.unique(np.concatenate([[low], np.quantile(x, np.linspace(0, 1, bins + 1)), [high]]))
    cuts = np.unique(
        [
            _round_near(
                edges[i], 0.25 * min(edges[i] - edges[i - 1], edges[i + 1] - edges[i]), integers
            )
            for i in range(1, len(edges) - 1)
        ]
    )
    return cuts[(cuts > low) & (cuts <= high)]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


# --------------------------------------------------------------------------- codes


def _family(values: int) -> int:
    return sum(math.comb(values, j) for j in range(1, min(MAX_VALUES, values) + 1))


def _texts(name: str, column: pd.Series) -> Attribute | None:
    if isinstance(column.dtype, pd.CategoricalDtype):
        raw, uniques = column.cat.codes.to_numpy(), column.cat.categories
    else:
        raw, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = [str(v) for v in uniques]
    counts = np.bincount(raw[raw >= 0], minlength=len(texts))
    keys: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if counts[i] and (key := normalise(text)):
            keys.setdefault(key, []).append(i)
    totals = {key: int(counts[items].sum()) for key, items in keys.items()}
    order = sorted(keys, key=lambda k: -totals[k])
    chosen = order[:MAX_CATEGORIES]
    if len(chosen) < 2 or sum(totals[k] for k in chosen) < 0.5 * sum(totals.values()):
        return None  # one value, or an identifier-like column: nothing to group
    lookup = np.full(len(texts) + 1, -1, dtype=np.int16)  # the last slot: a missing value
    for key in order[MAX_CATEGORIES:]:
        lookup[keys[key]] = len(chosen)
    for code, key in enumerate(chosen):
        lookup[keys[key]] = code
    # Each value is shown as most of its rows spell it.
    labels = tuple(texts[max(keys[k], key=lambda i: counts[i])] for k in chosen)
    return Attribute(name, lookup[raw], labels, None, _family(len(chosen)))


def _numbers(name: str, column: pd.Series) -> Attribute | None:
    x = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    cuts = readable_cuts(x)
    if cuts.size == 0:
        return None
    codes = np.zeros(x.size, dtype=np.int16)
    for cut in cuts:  # bin i holds cuts[i - 1] <= x < cuts[i]
        codes += x >= cut
    codes[~np.isfinite(x)] = -1
    bins = cuts.size + 1
    return Attribute(name, codes, tuple(float(c) for c in cuts), x, bins * (bins + 1) // 2)


def encode(frame: pd.DataFrame, names) -> list[Attribute]:
    """The attributes of `frame` named in `names` that can be grouped (numbers and texts;
    yes/no columns and identifier-like texts are left out)."""
    found = []
    for name in names:
        if name not in frame.columns or frame[name].dtype.kind == "b":
            continue
        column = frame[name]
        numeric = column.dtype.kind in "iuf"
        attribute = _numbers(name, column) if numeric else _texts(name, column)
        if attribute is not None:
            found.append(attribute)
    return found


# --------------------------------------------------------------------------- choosing


def choices(
    attribute: Attribute, n: np.ndarray, b: np.ndarray, p0: float, min_lift: float, *, significant
):
    """The selections worth trying given rows `n` and targets `b` per code: value sets (a
    frozenset of codes: the values with most targets beyond their share, 1 to MAX_VALUES of
    them, each `significant(rows, targets)`) or ranges of adjacent bins ((first, last): the
    best, the best open at the bottom, the best open at the top). None selects every value
    present: that would change nothing."""
    gain = b - p0 * n
    present = np.flatnonzero(n > 0)
    if present.size == 0:
        return []
    if attribute.numbers is None:
        worth = (gain > 0) & (b >= 2) & (b >= min_lift * p0 * n)
        worth[len(attribute.labels) :] = False  # the rare values together are no value
        ranked = [v for v in np.flatnonzero(worth) if significant(int(n[v]), int(b[v]))]
        ranked = np.array(ranked, dtype=int)
        ranked = ranked[np.argsort(-gain[ranked], kind="stable")][:MAX_VALUES]
        return [
            frozenset(ranked[: j + 1].tolist()) for j in range(min(len(ranked), present.size - 1))
        ]
    sums = np.concatenate([[0.0], np.cumsum(gain)])
    best, best_range, start, run = 0.0, None, 0, 0.0
    for i, g in enumerate(gain):  # Kadane: the best sum of adjacent bins, the shortest on a tie
        start, run = (i, g) if run <= 0 else (start, run + g)
        if run > best + 1e-12:
            best, best_range = run, (start, i)
    if best_range is not None:  # open a range where its end bins change almost nothing
        low, high = best_range
        if sums[low] - sums[0] >= -0.01 * best:
            low = 0
        if sums[-1] - sums[high + 1] >= -0.01 * best:
            high = gain.size - 1
        best_range = (low, high)
    tails = sums[-1] - sums[:-1]
    ranges = [
        best_range,
        (0, int(np.argmax(sums[1:]))),
        (int(tails.size - 1 - np.argmax(tails[::-1])), gain.size - 1),
    ]
    return [
        r
        for r in dict.fromkeys(ranges)
        if r is not None
        and sums[r[1] + 1] - sums[r[0]] > 1e-12
        and not (r[0] <= present[0] and r[1] >= present[-1])
    ]


def condition(attribute: Attribute, selection) -> Condition:
    """A selection of codes as a criterion writes it."""
    if attribute.numbers is None:
        return Condition(
            attribute.name, "in", tuple(attribute.labels[c] for c in sorted(selection))
        )
    low, high = selection
    cuts = attribute.labels
    if low == 0:
        return Condition(attribute.name, "lt", _number(cuts[high]))
    if high == len(cuts):
        return Condition(attribute.name, "gte", _number(cuts[low - 1]))
    return Condition(attribute.name, "between", (_number(cuts[low - 1]), _number(cuts[high])))


def met(attribute: Attribute, condition: Condition) -> tuple[np.ndarray, np.ndarray]:
    """Rows that meet the condition exactly as written, and rows where it is known."""
    if attribute.numbers is None:
        chosen = {normalise(v) for v in condition.value}
        # Codes: the labels, then the rare values (never chosen), then -1 (unknown) last.
        table = np.array([normalise(label) in chosen for label in attribute.labels] + [False] * 2)
        return table[attribute.codes], attribute.codes >= 0
    x = attribute.numbers
    if condition.operator == "lt":
        hit = x < condition.value
    elif condition.operator == "gte":
        hit = x >= condition.value
    else:
        hit = (x >= condition.value[0]) & (x <= condition.value[1])
    return hit, np.isfinite(x)
