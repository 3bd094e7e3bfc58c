"""Structured criteria of a profile: what they say, how they are checked, how values read.

A criterion says what one segment expects of one attribute: ``industry in [IT, Telco]``,
``employees between [20, 50]``, ``customer_type eq B2C``. `evaluate` judges every criterion
against what is known of one customer or prospect (met / missed / unknown) and decides the
segment; `evaluate_frame` does the same for every row of a DataFrame with the same answers (both
in profiles.versions.evaluation). The fit check, bulk check, segment lists, exports and API all
call these two, so a rep, a CRM and a spreadsheet get the same answer.

Operators (the criterion's value in brackets):

- ``eq`` / ``ne`` (one text or number): equal / not equal.
- ``in`` / ``not_in`` (a non-empty list of texts, or of numbers): one of them / none of them.
- ``gt`` / ``gte`` / ``lt`` / ``lte`` (a number): greater, at least, less, at most.
- ``between`` (``[low, high]``, two numbers, low <= high): from low to high, both included.
- ``contains`` (a text): the attribute's text contains it ("top 10" in "Top 10-20 of its
  market"); for a multi-valued attribute (drivers), one of its values is it.

Comparing:

- The criterion's value decides: numbers compare as numbers, text as text. Text ignores case and
  surrounding spaces, and a run of spaces counts as one. For the numeric customer fields
  (`NUMERIC_ATTRIBUTES`) and the number-only operators a numeric string ("35") becomes a number.
- An attribute reads as a number when it is one (int, float, Decimal; booleans count as 1 and 0)
  or a plain numeric string ("35", "-1.5", "2e6"). Grouped or local formats ("1,234",
  "1.234,5") are not numbers here: the importer parses those before.
- A multi-valued attribute is a list, or for `MULTI_VALUED_ATTRIBUTES` a text split at commas
  and semicolons. ``eq``, ``in``, ``gt``... are met when any of its values matches; ``ne`` and
  ``not_in`` when none does.
- An attribute that is absent, None, NaN, empty, infinite or of another type (a date, a dict)
  makes the criterion unknown, and so does a text where a number is needed: never an error.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

SEGMENTS = ("do-or-die", "neutral", "do-not")
FIT_SEGMENTS = (*SEGMENTS, "unknown")  # what a fit check can answer
OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "contains")
RESULTS = ("unknown", "met", "missed")  # a result's index is its code in arrays
UNKNOWN, MET, MISSED = 0, 1, 2
NUMERIC_ATTRIBUTES = frozenset(
    {"employees", "company_revenue", "revenue", "seats", "margin", "sales_cycle_days"}
)
MULTI_VALUED_ATTRIBUTES = frozenset({"drivers"})
MIN_KNOWN_SHARE = 0.5

_NUMBER_ONLY = {"gt", "gte", "lt", "lte", "between"}
NEGATED_OPERATORS = {"ne", "not_in"}
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)
_SPLIT = re.compile(r"[,;]")
_FIELDS = ("segment", "attribute", "operator", "value", "note")

_ERRORS = {
    "segment": gettext_noop("The segment must be do-or-die, neutral or do-not, not “%(got)s”."),
    "attribute": gettext_noop("A criterion needs an attribute."),
    "operator": gettext_noop("Unknown operator “%(got)s”; use one of %(operators)s."),
    "note": gettext_noop("The note of a criterion must be text."),
    "object": gettext_noop("A criterion must be an object with named fields."),
    "fields": gettext_noop("Unknown field in a criterion: %(got)s."),
    "missing": gettext_noop("A criterion needs %(got)s."),
    "duplicate": gettext_noop("%(got)s has two criteria “%(name)s”; merge them into one."),
    "contains": gettext_noop("“contains” needs a text to look for."),
    "number": gettext_noop("“%(name)s” needs a number."),
    "value": gettext_noop("“%(name)s” needs a text or a number."),
    "list": gettext_noop("“%(name)s” needs a list with at least one value."),
    "one": gettext_noop("“%(name)s” needs one value, not a list."),
    "mixed": gettext_noop("A list in a criterion holds either texts or numbers, not both."),
    "between": gettext_noop("“between” needs two numbers, the first not larger than the second."),
}


class CriterionError(ValueError):
    """A criterion that cannot be applied; the message is a sentence for the user."""

    def __init__(self, kind: str, **params: Any):
        super().__init__(gettext(_ERRORS[kind]) % params)
        self.kind = kind


@dataclass(frozen=True)
class Criterion:
    """What one segment expects of one attribute."""

    segment: str
    attribute: str
    operator: str
    value: str | int | float | tuple[str, ...] | tuple[int | float, ...]
    note: str = ""

    def __post_init__(self):
        if self.segment not in SEGMENTS:
            raise CriterionError("segment", got=self.segment)
        if not isinstance(self.attribute, str) or not self.attribute.strip():
            raise CriterionError("attribute")
        if self.operator not in OPERATORS:
            raise CriterionError("operator", got=self.operator, operators=", ".join(OPERATORS))
        if not isinstance(self.note, str):
            raise CriterionError("note")
        # Normalised once here, so equal criteria compare equal and evaluation trusts its input.
        object.__setattr__(self, "attribute", self.attribute.strip())
        object.__setattr__(self, "value", _check_value(self.attribute, self.operator, self.value))

    @property
    def key(self) -> tuple[str, str, str]:
        """Segment, attribute and operator: what identifies a criterion within a profile."""
        return (self.segment, self.attribute, self.operator)

    @property
    def numeric(self) -> bool:
        """Whether the criterion compares numbers (else text)."""
        first = self.value[0] if isinstance(self.value, tuple) else self.value
        return not isinstance(first, str)

    def json_value(self) -> str | int | float | list:
        """The value as JSON holds it: a list for a list."""
        return list(self.value) if isinstance(self.value, tuple) else self.value

    def to_dict(self) -> dict[str, Any]:
        """The criterion as a profile version stores it."""
        return {
            "segment": self.segment,
            "attribute": self.attribute,
            "operator": self.operator,
            "value": self.json_value(),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criterion:
        """A criterion from its stored or posted form; CriterionError says what is wrong."""
        if not isinstance(data, Mapping):
            raise CriterionError("object")
        if unknown := sorted(map(str, set(data) - set(_FIELDS))):
            raise CriterionError("fields", got=", ".join(unknown))
        if missing := [name for name in _FIELDS[:4] if name not in data]:
            raise CriterionError("missing", got=", ".join(missing))
        return cls(**{name: data[name] for name in _FIELDS[:4]}, note=data.get("note") or "")


def criteria_from_dicts(items: Iterable[Mapping[str, Any]]) -> tuple[Criterion, ...]:
    """Criteria from their stored form, refusing two with the same segment, attribute, operator."""
    criteria = tuple(Criterion.from_dict(item) for item in items)
    seen: set[tuple[str, str, str]] = set()
    for c in criteria:
        if c.key in seen:
            raise CriterionError("duplicate", got=c.segment, name=f"{c.attribute} {c.operator}")
        seen.add(c.key)
    return criteria


def criterion_for_trait(trait: Mapping[str, Any], *, multi: bool = False) -> dict | None:
    """The do-or-die criterion a trait's value suggests: between for a range of two numbers,
    eq for a number, contains for a multi-valued trait, else in (None when it suggests none)."""
    value = trait.get("value")
    if value in (None, "", []):
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) for v in value)
    ):
        operator = "between"
    elif isinstance(value, int | float):
        operator = "eq"
    elif multi:
        operator, value = "contains", value[0] if isinstance(value, list) else value
    else:
        operator = "in"
        value = value if isinstance(value, list) else [value]
    item = {"segment": "do-or-die", "attribute": trait["key"], "operator": operator}
    try:
        return Criterion.from_dict({**item, "value": value}).to_dict()
    except CriterionError:
        return None


def _plain_number(value: Any, *, strings: bool) -> int | float | None:
    """A finite number, int when whole (JSON-friendly); None when `value` is not one."""
    if isinstance(value, str) and strings and _PLAIN_NUMBER.fullmatch(value.strip()):
        value = value.strip()
    elif isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        return None  # a yes/no in a criterion is a mistake rather than 1 or 0
    number = _finite(value)
    if number is None or not (number.is_integer() and abs(number) < 2**53):
        return number
    return int(number)


def _one_value(attribute: str, operator: str, value: Any) -> str | int | float:
    name = f"{attribute} {operator}"
    if operator == "contains":
        if not isinstance(value, str) or not value.strip():
            raise CriterionError("contains")
        return value.strip()
    numeric = attribute in NUMERIC_ATTRIBUTES or operator in _NUMBER_ONLY
    number = _plain_number(value, strings=numeric)
    if number is not None:
        return number
    if numeric:
        raise CriterionError("number", name=name)
    if not isinstance(value, str) or not value.strip():
        raise CriterionError("value", name=name)
    return value.strip()


def _check_value(attribute: str, operator: str, value: Any):
    if operator not in ("in", "not_in", "between"):
        if isinstance(value, list | tuple):
            raise CriterionError("one", name=operator)
        return _one_value(attribute, operator, value)
    if not isinstance(value, list | tuple) or not value:
        raise CriterionError("between" if operator == "between" else "list", name=operator)
    items = tuple(_one_value(attribute, operator, item) for item in value)
    if len({isinstance(item, str) for item in items}) > 1:
        raise CriterionError("mixed")
    if operator == "between" and (len(items) != 2 or items[0] > items[1]):
        raise CriterionError("between")
    return items


# --------------------------------------------------------------------------- reading attributes

# What criteria see of one attribute: (multi-valued?, ((text, number or None), ...)), or None when
# nothing readable is there. Hashable, so a column's distinct values are read once each.
Element = tuple[str, float | None]
Reading = tuple[bool, tuple[Element, ...]] | None


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        return None
    return number if math.isfinite(number) else None


def normalise_text(text: str) -> str:
    """Text as criteria compare it: no case, trimmed, a run of spaces as one."""
    return " ".join(text.split()).casefold()


def number_text(number: float) -> str:
    """A number as text criteria see it: 35.0 and Decimal("35.00") read "35"."""
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def read_element(value: Any) -> Element | None:
    if isinstance(value, str):
        text, stripped = normalise_text(value), value.strip()
        number = _finite(stripped) if _PLAIN_NUMBER.fullmatch(stripped) else None
        return (text, number) if text else None
    if isinstance(value, bool | np.bool_):
        value = int(value)  # as in Python, True == 1: a column mixing both must read the same
    if isinstance(value, numbers.Real | Decimal):
        number = _finite(value)
        return None if number is None else (number_text(number), number)
    return None


def read(value: Any, *, multi: bool = False) -> Reading:
    """What criteria see of one attribute value; None when it is missing or unreadable."""
    if isinstance(value, str) and multi:
        value = _SPLIT.split(value)
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = value.ravel() if isinstance(value, np.ndarray) else value
        elements = tuple(e for item in items if (e := read_element(item)) is not None)
        return (True, elements) if elements else None
    element = read_element(value)
    return None if element is None else (False, (element,))


# --------------------------------------------------------------------------- results


OPERATOR_LABELS = {
    "eq": "=",
    "ne": "≠",
    "in": _("in"),
    "not_in": _("not in"),
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "between": _("between"),
    "contains": _("contains"),
}


def _number_text(number: int | float) -> str:
    # Plain digits (no 6e+07, no separators), so the form reads back what it shows.
    if float(number).is_integer():
        return str(int(number))
    return f"{number:.6f}".rstrip("0").rstrip(".")


def value_text(value: Any) -> str:
    """A trait or criterion value as the form shows it (and parse_*_value reads back)."""
    if value is None:
        return ""
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, int | float) for v in value):
            return f"{_number_text(value[0])}–{_number_text(value[1])}"
        return ", ".join(_number_text(v) if isinstance(v, int | float) else str(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_text(value)
    return str(value)
