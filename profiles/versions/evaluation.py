"""The one function that applies a profile's criteria: `evaluate` for one customer or
prospect, `evaluate_frame` for every row of a DataFrame, with the same answers.

Deciding the segment (the rule a rep reads in the README):

1. A profile without criteria decides nothing: unknown.
2. Any do-not criterion met makes the prospect do-not: each do-not criterion excludes on its own.
   If the do-or-die criteria match as well, do-not still wins and the reason says so.
3. Otherwise, with fewer than half of all criteria known: unknown, naming what to find out.
4. Do-or-die when its criteria match: none missed and at least half of them known.
5. Unknown when no do-or-die criterion is missed but fewer than half of them are known.
6. Otherwise neutral, the grey zone: the reason says whether the neutral criteria match (none
   missed, at least half known) or the prospect simply falls between.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from django.utils.translation import gettext, gettext_noop

from profiles.versions.criteria import (
    FIT_SEGMENTS,
    MET,
    MIN_KNOWN_SHARE,
    MISSED,
    MULTI_VALUED_ATTRIBUTES,
    NEGATED_OPERATORS,
    RESULTS,
    UNKNOWN,
    Criterion,
    Reading,
    normalise_text,
    read,
    read_element,
)


class _Test(NamedTuple):
    operator: str
    numeric: bool
    targets: frozenset  # eq, ne, in, not_in: normalised texts or floats
    low: float  # gt, gte, between (and -inf for lt, lte)
    high: float  # lt, lte, between (and inf for gt, gte)


def _compile(c: Criterion) -> _Test:
    values = c.value if isinstance(c.value, tuple) else (c.value,)
    if not c.numeric:
        return _Test(c.operator, False, frozenset(map(normalise_text, values)), 0.0, 0.0)
    floats = [float(v) for v in values]
    low = floats[0] if c.operator in ("gt", "gte", "between") else -math.inf
    high = floats[-1] if c.operator in ("lt", "lte", "between") else math.inf
    return _Test(c.operator, True, frozenset(floats), low, high)


def _judge(test: _Test, reading: Reading) -> int:
    if reading is None:
        return UNKNOWN
    multi, elements = reading
    if test.numeric:
        values = [number for _, number in elements if number is not None]
        if not values:
            return UNKNOWN
        if test.operator == "gt":
            hit = any(v > test.low for v in values)
        elif test.operator == "lt":
            hit = any(v < test.high for v in values)
        elif test.operator in ("gte", "lte", "between"):
            hit = any(test.low <= v <= test.high for v in values)
        else:
            hit = any(v in test.targets for v in values)
    elif test.operator == "contains" and not multi:
        hit = next(iter(test.targets)) in elements[0][0]
    else:
        hit = any(text in test.targets for text, _ in elements)
    return MET if hit != (test.operator in NEGATED_OPERATORS) else MISSED


def _judge_numbers(test: _Test, x: np.ndarray) -> np.ndarray:
    """`_judge` for a column of floats, without a Python call per row."""
    if test.operator == "gt":
        hit = x > test.low
    elif test.operator == "lt":
        hit = x < test.high
    elif test.operator in ("gte", "lte", "between"):
        hit = (x >= test.low) & (x <= test.high)
    else:
        hit = np.isin(x, np.fromiter(test.targets, dtype=float))
    if test.operator in NEGATED_OPERATORS:
        hit = ~hit
    return np.where(np.isfinite(x), np.where(hit, MET, MISSED), UNKNOWN).astype(np.int8)


# Reason codes, in the order the rule tries them, with the segment each one gives.
REASONS = {
    "no_criteria": "unknown",
    "conflict_do_not_wins": "do-not",
    "do_not": "do-not",
    "too_little_known": "unknown",
    "do_or_die": "do-or-die",
    "do_or_die_unclear": "unknown",
    "neutral_match": "neutral",
    "between": "neutral",
}

_CODES = tuple(REASONS)


def _needed(count: int) -> int:
    return max(1, math.ceil(count * MIN_KNOWN_SHARE))


def _matches(part: np.ndarray) -> np.ndarray:
    """Rows where a segment's criteria match: none missed, at least half known."""
    if part.shape[1] == 0:
        return np.zeros(part.shape[0], dtype=bool)
    known = (part != UNKNOWN).sum(axis=1)
    return ~(part == MISSED).any(axis=1) & (known >= _needed(part.shape[1]))


def _decide(codes: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """Every row's reason (an index into REASONS): the rule of the module docstring."""
    rows, total = codes.shape
    do_or_die = codes[:, segments == "do-or-die"]
    do_not = (codes[:, segments == "do-not"] == MET).any(axis=1)
    dod_match = _matches(do_or_die)
    conditions = [
        np.full(rows, total == 0),
        do_not & dod_match,
        do_not,
        (codes != UNKNOWN).sum(axis=1) < _needed(total),
        dod_match,
        (do_or_die.shape[1] > 0) & ~(do_or_die == MISSED).any(axis=1),
        _matches(codes[:, segments == "neutral"]),
    ]
    return np.select(conditions, list(range(len(conditions))), default=_CODES.index("between"))


_SENTENCES = {
    "no_criteria": gettext_noop("The profile has no criteria yet, so there is nothing to check."),
    "conflict_do_not_wins": gettext_noop(
        "Do-not wins: the do-or-die criteria match (%(do_or_die)s), but so does do-not on "
        "%(do_not)s."
    ),
    "do_not": gettext_noop("Do-not because of %(met)s: each do-not criterion excludes alone."),
    "too_little_known": gettext_noop(
        "Too little is known to decide: %(known)s of %(total)s criteria. Find out: %(find_out)s."
    ),
    "do_or_die": gettext_noop("Do-or-die: meets every known do-or-die criterion (%(met)s)."),
    "do_or_die+unknown": gettext_noop(
        "Do-or-die: meets every known do-or-die criterion (%(met)s). Still to confirm: %(unknown)s."
    ),
    "do_or_die_unclear": gettext_noop(
        "Could be do-or-die, but too few of its criteria are known. Find out: %(find_out)s."
    ),
    "neutral_match": gettext_noop("Neutral: meets the neutral criteria (%(met)s)."),
    "neutral_match+missed": gettext_noop(
        "Neutral: not do-or-die because of %(missed)s; meets the neutral criteria (%(met)s)."
    ),
    "between": gettext_noop(
        "Neutral, the grey zone: the profile has no do-or-die criteria and no do-not criterion "
        "is met."
    ),
    "between+missed": gettext_noop(
        "Neutral, the grey zone: not do-or-die because of %(missed)s, and no do-not criterion "
        "is met."
    ),
}


@dataclass(frozen=True)
class Reason:
    """Why a prospect got its segment: a code of REASONS and its parameters (attributes, counts)."""

    code: str
    params: Mapping[str, Any] = field(hash=False)

    def text(self, labels: Mapping[str, str] | None = None) -> str:
        """The reason as a translated sentence; `labels` names attributes for people."""
        labels = labels or {}
        values = {
            key: ", ".join(str(labels.get(a, a)) for a in value)
            if isinstance(value, list)
            else value
            for key, value in self.params.items()
        }
        # A variant names what is still unknown or missed only when there is something to name.
        extra = next((f"+{key}" for key in ("unknown", "missed") if values.get(key)), "")
        return gettext(_SENTENCES.get(self.code + extra, _SENTENCES[self.code])) % values


def _reason(code: str, results: tuple[CriterionResult, ...], known: int) -> Reason:
    def names(segments: tuple[str, ...], result: str) -> list[str]:
        found = [
            r.attribute for s in segments for r in results if (r.segment, r.result) == (s, result)
        ]
        return list(dict.fromkeys(found))  # each attribute once, in the profile's order

    dod, dn = ("do-or-die",), ("do-not",)
    match code:
        case "conflict_do_not_wins":
            params = {"do_not": names(dn, "met"), "do_or_die": names(dod, "met")}
        case "do_not":
            params = {"met": names(dn, "met")}
        case "too_little_known":
            find_out = names((*dod, *dn, "neutral"), "unknown")
            params = {"known": known, "total": len(results), "find_out": find_out}
        case "do_or_die":
            params = {"met": names(dod, "met"), "unknown": names((*dod, *dn), "unknown")}
        case "do_or_die_unclear":
            params = {"find_out": names(dod, "unknown")}
        case "neutral_match":
            params = {"met": names(("neutral",), "met"), "missed": names(dod, "missed")}
        case "between":
            params = {"missed": names(dod, "missed")}
        case _:
            params = {}
    return Reason(code, params)


@dataclass(frozen=True)
class CriterionResult:
    """One criterion judged against one prospect."""

    segment: str
    attribute: str
    operator: str
    value: str | int | float | list
    result: str  # "met" | "missed" | "unknown"

    def to_dict(self) -> dict[str, Any]:
        """The API's form of the result."""
        return {name: getattr(self, name) for name in _RESULT_FIELDS}


_RESULT_FIELDS = ("segment", "attribute", "operator", "value", "result")


@dataclass(frozen=True)
class FitResult:
    """The segment of one prospect, how much of the profile was known and why."""

    segment: str  # one of FIT_SEGMENTS
    known: int  # criteria met or missed
    total: int
    results: tuple[CriterionResult, ...]
    reason: Reason

    def reason_text(self, labels: Mapping[str, str] | None = None) -> str:
        """The reason as a translated sentence; `labels` names attributes for people."""
        return self.reason.text(labels)

    def to_dict(self, labels: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The API's answer (without the version number, which the caller adds)."""
        return {
            "segment": self.segment,
            "known": self.known,
            "total": self.total,
            "criteria": [result.to_dict() for result in self.results],
            "reason": self.reason_text(labels),
            "reason_code": self.reason.code,
        }


def _multi(attribute: str) -> bool:
    return attribute in MULTI_VALUED_ATTRIBUTES


def evaluate(criteria: Iterable[Criterion], attributes: Mapping[str, Any]) -> FitResult:
    """Judge each criterion against what is known and decide the segment (see the module doc)."""
    criteria = tuple(criteria)
    judged = [
        _judge(_compile(c), read(attributes.get(c.attribute), multi=_multi(c.attribute)))
        for c in criteria
    ]
    codes = np.array(judged, dtype=np.int8).reshape(1, len(criteria))
    code = _CODES[int(_decide(codes, np.array([c.segment for c in criteria], dtype=object))[0])]
    results = tuple(
        CriterionResult(c.segment, c.attribute, c.operator, c.json_value(), RESULTS[r])
        for c, r in zip(criteria, judged, strict=True)
    )
    known = sum(r != UNKNOWN for r in judged)
    return FitResult(REASONS[code], known, len(criteria), results, _reason(code, results, known))


def result_columns(criteria: Iterable[Criterion]) -> list[str]:
    """evaluate_frame's per-criterion column names, such as "do-or-die: employees between"."""
    names: list[str] = []
    for c in criteria:
        base = name = f"{c.segment}: {c.attribute} {c.operator}"
        count = 1
        while (
            name in names
        ):  # the same test twice (not from criteria_from_dicts) still gets a column
            count += 1
            name = f"{base} ({count})"
        names.append(name)
    return names


class _Distinct(NamedTuple):
    """A column read once per distinct value: single values as arrays, several values kept."""

    positions: np.ndarray  # each row's index into the distinct values, -1 when missing
    texts: list[str | None]  # the text of a single value, else None
    numbers: np.ndarray  # the number of a single value, else NaN
    several: dict[int, Reading]  # readings of the distinct values with several values


def _distinct(column: pd.Series, multi: bool) -> _Distinct:
    try:
        positions, uniques = pd.factorize(column, use_na_sentinel=True)
        readings = (read(v, multi=multi) if multi or not isinstance(v, str) else v for v in uniques)
    except TypeError:  # lists in the cells are unhashable: read every cell, then factorize
        keys = np.fromiter((read(v, multi=multi) for v in column), dtype=object, count=len(column))
        positions, uniques = pd.factorize(keys, use_na_sentinel=True)
        readings = iter(uniques)
    texts: list[str | None] = []
    numbers: list[float] = []
    several: dict[int, Reading] = {}
    for i, reading in enumerate(readings):
        # A plain string skips `read` (and its tuples): millions of distinct names stay fast.
        element = read_element(reading) if isinstance(reading, str) else None
        if reading is not None and not isinstance(reading, str):
            if reading[0]:
                several[i] = reading
            else:
                element = reading[1][0]
        texts.append(None if element is None else element[0])
        numbers.append(np.nan if element is None or element[1] is None else element[1])
    return _Distinct(positions, texts, np.array(numbers, dtype=float), several)


def _judge_distinct(test: _Test, distinct: _Distinct) -> np.ndarray:
    """`_judge` for every distinct value of a column, plus UNKNOWN last for missing rows."""
    if test.numeric:
        table = _judge_numbers(test, distinct.numbers)
    else:
        if test.operator == "contains":
            needle = next(iter(test.targets))
            hits = (text is not None and needle in text for text in distinct.texts)
        else:
            hits = (text in test.targets for text in distinct.texts)
        hit = np.fromiter(hits, dtype=bool, count=len(distinct.texts))
        if test.operator in NEGATED_OPERATORS:
            hit = ~hit
        known = np.fromiter((t is not None for t in distinct.texts), bool, len(distinct.texts))
        table = np.where(known, np.where(hit, MET, MISSED), UNKNOWN).astype(np.int8)
    for i, reading in distinct.several.items():
        table[i] = _judge(test, reading)
    return np.append(table, np.int8(UNKNOWN))


def evaluate_frame(criteria: Iterable[Criterion], frame: pd.DataFrame) -> pd.DataFrame:
    """`evaluate` for every row: segment, known, total, reason and a result per criterion."""
    criteria = tuple(criteria)
    codes = np.zeros((len(frame), len(criteria)), dtype=np.int8)
    cache: dict[str, _Distinct] = {}
    for j, criterion in enumerate(criteria):
        name, test = criterion.attribute, _compile(criterion)
        if name not in frame.columns:
            continue
        column = frame[name]
        if test.numeric and column.dtype.kind in "iuf":
            codes[:, j] = _judge_numbers(test, column.to_numpy(dtype=float, na_value=np.nan))
            continue
        if name not in cache:
            cache[name] = _distinct(column, _multi(name))
        # Position -1 (a missing cell) picks the trailing UNKNOWN.
        codes[:, j] = _judge_distinct(test, cache[name])[cache[name].positions]
    reasons = _decide(codes, np.array([c.segment for c in criteria], dtype=object))
    segment_of = np.array([FIT_SEGMENTS.index(segment) for segment in REASONS.values()])
    result = {
        "segment": pd.Categorical.from_codes(segment_of[reasons], categories=FIT_SEGMENTS),
        "known": (codes != UNKNOWN).sum(axis=1),
        "total": np.full(len(frame), len(criteria)),
        "reason": pd.Categorical.from_codes(reasons, categories=_CODES),
    }
    for name, column in zip(result_columns(criteria), codes.T, strict=True):
        result[name] = pd.Categorical.from_codes(column, categories=RESULTS)
    return pd.DataFrame(result, index=frame.index)
