"""The fit check: what a rep, a CRM or a spreadsheet knows of a prospect, judged by the profile.

Everything here turns input into attributes and calls `evaluation.evaluate` (one prospect) or
`evaluation.evaluate_frame` (a prospect list): the same rule everywhere. No ORM, no request.

- `attributes_for(content)`: the attributes a fit check can be given: the company table's
  columns, the other customer fields a criterion may use (seats, revenue, ...), the buyer table's
  columns, and any other attribute the profile's criteria use (a team's own column).
- `check(content, attributes)`: one prospect -> FitResult.
- `bulk_check(raw, mapping, content)`: an uploaded prospect list, read as the customer import
  reads a file -> a table with the segment, known/total, the reason and met/missed/unknown per
  criterion for every row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portfolio.imports.mapping import FIELDS_BY_NAME, normalize_header, suggest_mapping
from portfolio.imports.pipeline import import_check
from portfolio.imports.reading import RawTable
from profiles.reps import prospect_scores
from profiles.segments.exports import REASON_LABELS
from profiles.versions import traits, wording
from profiles.versions.criteria import (
    MULTI_VALUED_ATTRIBUTES,
    NUMERIC_ATTRIBUTES,
    Criterion,
    criteria_from_dicts,
)
from profiles.versions.evaluation import FitResult, evaluate, evaluate_frame, result_columns
from profiles.versions.guidance import segment_actions

SEGMENT_LABELS = wording.FIT_LABELS
RESULT_LABELS = {
    "met": pgettext_lazy("criterion", "met"),
    "missed": pgettext_lazy("criterion", "not met"),
    "unknown": pgettext_lazy("criterion", "unknown"),
}
OPERATOR_LABELS = wording.OPERATOR_WORDS
# The customer fields (besides the company table's) a criterion may read, for our own deal.
DEAL_FIELDS = {
    "seats": (_("Seats / licences"), "number"),
    "revenue": (_("Revenue with us (per year)"), "number"),
    "margin": (_("Margin %"), "number"),
    "sales_cycle_days": (_("Sales cycle (days)"), "number"),
    "contract_type": (_("Contract type"), "text"),
}
GROUPS = {"company": _("Company"), "deal": _("Deal"), "buyer": _("Buyer"), "other": _("Other")}
EXTRA_PREFIX = "extra:"  # a bulk mapping key for an attribute that is no customer field


@dataclass(frozen=True)
class Attribute:
    """One thing a fit check may be told about a prospect."""

    key: str
    label: str
    kind: str  # "text" | "number" | "choice" | "multi"
    group: str  # a key of GROUPS
    choices: tuple[tuple[str, Any], ...] = ()
    in_profile: bool = False  # a criterion of the profile reads it

    @property
    def canonical(self) -> bool:
        """Whether the attribute is a customer field the importer maps."""
        return self.key in FIELDS_BY_NAME


def profile_criteria(content: Mapping[str, Any]) -> tuple[Criterion, ...]:
    """The criteria of a stored profile content."""
    return criteria_from_dicts(content.get("criteria", []))


def attributes_for(content: Mapping[str, Any]) -> list[Attribute]:
    """Every attribute a fit check may be given for this profile (see the module docstring)."""
    found = profile_criteria(content)
    used = {c.attribute for c in found}
    found_attributes: dict[str, Attribute] = {}

    def add(key, label, kind, group, choices=()):
        if key not in found_attributes:
            found_attributes[key] = Attribute(key, str(label), kind, group, choices, key in used)

    for column in traits.COMPANY_COLUMNS:
        add(column.key, column.label, column.kind, "company", column.choices)
    for key, (label, kind) in DEAL_FIELDS.items():
        add(key, label, kind, "deal")
    for column in traits.BUYER_COLUMNS:
        if column.in_profile:
            add(column.key, column.label, column.kind, "buyer", column.choices)
    trait_labels = {t["key"]: t.get("label") or t["key"] for t in content.get("traits", [])}
    for c in found:
        numeric = c.numeric or c.attribute in NUMERIC_ATTRIBUTES
        kind = "number" if numeric else "text"
        add(c.attribute, trait_labels.get(c.attribute, c.attribute), kind, "other")
    return list(found_attributes.values())


def labels_for(content: Mapping[str, Any]) -> dict[str, str]:
    """Attribute names for people, for the reason sentence."""
    return {a.key: a.label for a in attributes_for(content)}


class UnknownAttributes(ValueError):
    """Attributes the profile and the customer fields do not know."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names


def check(content: Mapping[str, Any], attributes: Mapping[str, Any]) -> FitResult:
    """Judge one prospect's attributes by the profile; UnknownAttributes for names it lacks."""
    known = {a.key for a in attributes_for(content)}
    if unknown := sorted(set(attributes) - known):
        raise UnknownAttributes(unknown)
    return evaluate(profile_criteria(content), attributes)


def criterion_text(c, labels: Mapping[str, str], *, currency: str | None = None) -> str:
    """A criterion (a Criterion, a CriterionResult or a stored dict) for people:
    "Employees is between 20–50", choices by their labels ("Growth is moderate"). With
    `currency`, numbers in the member's language format and money attributes as money (for
    pages; exports keep plain digits)."""
    get = c.get if isinstance(c, Mapping) else lambda name, default=None: getattr(c, name)
    value, operator, attribute = get("value"), get("operator"), get("attribute")
    item = {"attribute": attribute, "operator": operator, "value": value}
    name = wording.criterion_name(item, labels)
    if currency is not None:
        text = wording.value_words(
            attribute, value, currency=currency, between=operator == "between"
        )
    else:
        words = wording.choice_words(attribute, value)
        joiner = "–" if operator == "between" else ", "
        text = joiner.join(str(v) for v in words) if isinstance(words, list | tuple) else words
    return f"{name} {text}"


# --------------------------------------------------------------------------- bulk


def bulk_mapping(
    columns: tuple[str, ...], content: Mapping[str, Any], score_fields: tuple[str, ...] = ()
) -> dict[str, str | None]:
    """The suggested mapping of a prospect list: name, id, every attribute the profile reads
    and the customer fields the scoring model needs (`score_fields`); customer fields as the
    importer guesses them, other attributes (buyer traits, the team's own columns) by header =
    key or label, under "extra:<key>"."""
    suggested = suggest_mapping(list(columns))
    mapping = {"name": suggested["name"], "external_id": suggested["external_id"]}
    for field in score_fields:
        mapping[field] = suggested.get(field)
    profile = [a for a in attributes_for(content) if a.in_profile]
    for attribute in profile:
        if attribute.canonical:
            mapping[attribute.key] = suggested[attribute.key]
    used = {header for header in mapping.values() if header}
    by_header = {normalize_header(c): c for c in columns if c not in used}
    for attribute in profile:
        if attribute.canonical:
            continue
        header = by_header.pop(normalize_header(attribute.key), None) or by_header.pop(
            normalize_header(attribute.label), None
        )
        mapping[EXTRA_PREFIX + attribute.key] = header
    return mapping


@dataclass(frozen=True)
class BulkResult:
    table: pd.DataFrame  # the uploaded columns, then the results in words; one row a prospect
    segments: list[str]  # each row's segment key (FIT_SEGMENTS)
    counts: dict[str, int]  # prospects per segment (FIT_SEGMENTS)
    rows: int
    problem_rows: int  # rows with a value that could not be read (judged without it)


def bulk_check(
    raw: RawTable,
    mapping: Mapping[str, str | None],
    content: Mapping[str, Any],
    *,
    number_format: str | None = None,
    scoring_model=None,
    today: dt.date | None = None,
) -> BulkResult:
    """Judge every row of an uploaded prospect list (see the module docstring), and with
    `scoring_model` score it in the same pass (prospect_scores).

    The customer fields are read exactly as the customer import reads them
    (portfolio.imports.pipeline.import_check: growth stays a word, numbers in the file's
    format, ``number_format`` one of its NUMBER_FORMATS keys or None to detect it)."""
    found = profile_criteria(content)
    labels = labels_for(content)
    fields = {k: v for k, v in mapping.items() if not k.startswith(EXTRA_PREFIX) and v}
    checked = import_check(raw=raw, mapping=fields, number_format=number_format)
    prospects = checked.customers.copy()
    for key, header in mapping.items():
        if key.startswith(EXTRA_PREFIX) and header:
            name = key.removeprefix(EXTRA_PREFIX)
            prospects[name] = raw.frame[header].astype(object)
    for name in prospects.columns:
        if name in MULTI_VALUED_ATTRIBUTES:
            prospects[name] = prospects[name].astype(object)
    result = evaluate_frame(found, prospects)
    table = raw.frame.reset_index(drop=True).copy()
    segment = result["segment"].astype(str).reset_index(drop=True)
    words = {key: str(label) for key, label in SEGMENT_LABELS.items()}
    table[str(_("ICP segment"))] = segment.map(words).fillna(segment).to_numpy()
    table[str(_("What to do"))] = segment.map(segment_actions()).to_numpy()
    table[str(_("Criteria known"))] = result["known"].to_numpy()
    table[str(_("Criteria total"))] = result["total"].to_numpy()
    table[str(_("Reason"))] = (
        result["reason"].astype(str).map({k: str(v) for k, v in REASON_LABELS.items()}).to_numpy()
    )
    columns = result_columns(found)
    table[str(_("Met"))] = _attribute_lists(result, columns, found, "met", labels)
    table[str(_("Not met"))] = _attribute_lists(result, columns, found, "missed", labels)
    outcomes = {key: str(label) for key, label in RESULT_LABELS.items()}
    for name, header in zip(columns, _criterion_headers(found, labels, table), strict=True):
        table[header] = result[name].astype(str).map(outcomes).fillna("").to_numpy()
    scored = prospect_scores.score_columns(
        prospects, scoring_model, today=today or timezone.localdate()
    )
    for name, values in scored.items():
        table[name] = values
    counts = segment.value_counts().to_dict()
    return BulkResult(
        table=table,
        segments=segment.tolist(),
        counts={s: int(counts.get(s, 0)) for s in SEGMENT_LABELS},
        rows=len(table),
        problem_rows=checked.invalid_count,
    )


def _criterion_headers(found, labels, table) -> list[str]:
    """A column header per criterion in the reader's words ("Do-or-die: Employees is between"),
    never one the file already has."""
    headers: list[str] = []
    for c in found:
        item = {"attribute": c.attribute, "operator": c.operator, "value": c.value}
        base = header = f"{SEGMENT_LABELS[c.segment]}: {wording.criterion_name(item, labels)}"
        count = 1
        while header in headers or header in table.columns:
            count += 1
            header = f"{base} ({count})"
        headers.append(header)
    return headers


def _attribute_lists(result, columns, found, outcome: str, labels) -> np.ndarray:
    """Per row, the criteria with `outcome` as "Industry; Employees" (column by column)."""
    text = pd.Series("", index=result.index, dtype=object)
    for name, c in zip(columns, found, strict=True):
        hit = (result[name] == outcome).to_numpy()
        label = labels.get(c.attribute, c.attribute)
        separator = np.where(text.to_numpy() == "", "", "; ")
        text = pd.Series(
            np.where(hit, text.to_numpy() + separator + label, text.to_numpy()),
            index=result.index,
            dtype=object,
        )
    return text.to_numpy()
