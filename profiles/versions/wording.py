"""How a profile reads in the reader's language: trait and criterion names, operators in words
and the values of the built-in choices (market position, growth, DISC, drivers, ...) by their
labels, never by their keys. Used by step 6, the decision log, the version diff, the one-pager,
the fit check, the exports and the meeting pack. Pure: no ORM."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from icp_site import l10n
from portfolio.frames.customers import column_label
from profiles.versions import traits

# The segments by name, wherever they are shown or written (pages, files, the decision log).
SEGMENT_LABELS = {
    "do-or-die": pgettext_lazy("segment", "Do-or-die"),
    "neutral": pgettext_lazy("segment", "Neutral"),
    "do-not": pgettext_lazy("segment", "Do-not"),
}
# What a fit check can answer: a segment, or that too little is known.
FIT_LABELS = {**SEGMENT_LABELS, "unknown": pgettext_lazy("segment", "Unknown: too little known")}
OPERATOR_WORDS = {
    "eq": _("is"),
    "ne": _("is not"),
    "in": _("is one of"),
    "not_in": _("is none of"),
    "gt": _("is more than"),
    "gte": _("is at least"),
    "lt": _("is less than"),
    "lte": _("is at most"),
    "between": _("is between"),
    "contains": _("contains"),
}
_CHOICES = {
    column.key: column
    for column in (*traits.COMPANY_COLUMNS, *traits.BUYER_COLUMNS)
    if column.choices
}


def choice_words(key: str, value: Any) -> Any:
    """`value` with the keys of a built-in choice replaced by their labels (lists too)."""
    column = _CHOICES.get(key)
    if column is None:
        return value
    if isinstance(value, list | tuple):
        return [column.choice_label(v) if isinstance(v, str) else v for v in value]
    return column.choice_label(value) if isinstance(value, str) else value


def choice_key(key: str, text: str) -> str:
    """A choice typed as its key or its label (any case) -> its key; other text unchanged."""
    column = _CHOICES.get(key)
    if column is None or not isinstance(text, str):
        return text
    wanted = text.strip().casefold()
    for choice, label in column.choices:
        if wanted in (choice.casefold(), str(label).casefold()):
            return choice
    return text


def value_words(key: str, value: Any, *, currency: str | None = None, between=False) -> str:
    """A trait or criterion value for reading: choices by label, numbers in the language's
    format, money attributes as money when `currency` is given."""
    money = currency if key in l10n.MONEY_ATTRIBUTES else None
    return l10n.format_value(choice_words(key, value), currency=money, between=between)


def trait_name(key: str, names: Mapping[str, str]) -> str:
    """A trait's (or a criterion attribute's) name in the reader's language: the built-in
    columns by their translated label, the customer list's fields by theirs (revenue, seats),
    the team's own columns by the name they gave."""
    if key in names or key in traits.BUILT_IN_KEYS:
        return traits.trait_label(key, names.get(key, key))
    return column_label(key)


def criterion_name(item: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """A criterion without its value: "Customer type is"; a list of one value reads as that
    value ("is", not "is one of")."""
    operator = item["operator"]
    value = item.get("value")
    if operator in ("in", "not_in") and isinstance(value, list | tuple) and len(value) == 1:
        operator = "eq" if operator == "in" else "ne"
    operator = OPERATOR_WORDS.get(operator, operator)
    return f"{trait_name(item['attribute'], names)} {operator}"


def criterion_words(
    item: Mapping[str, Any], names: Mapping[str, str], *, currency: str | None = None
) -> str:
    """A criterion in words: "Employees is between 20–50", "Customer type is B2C"."""
    between = item["operator"] == "between"
    value = value_words(item["attribute"], item["value"], currency=currency, between=between)
    return f"{criterion_name(item, names)} {value}"
