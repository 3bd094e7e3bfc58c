"""The one-pager of a profile version: what the reps read first.

Honest by construction:
- A trait that a do-or-die criterion tests shows the criterion's value, so the company box and
  the criteria never give two ranges for one attribute ("200–1,000 employees" in both).
- Each trait shows its evidence: how many of the best customers (steps 3-5) have that value,
  of those whose value the tables know ("8 of 20 best customers"), judged by the same rule the
  segments use (versions.evaluation) on the tables as they were when the version was saved.
- A trait backed by fewer than WEAK_BELOW customers is marked weak: one table cell is not
  "100 %".
- Each segment shows how many customers of the list fall in it: the stored segments the
  segment lists, the exports and the API read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.urls import reverse

from profiles.models import ProfileVersion, Publication
from profiles.reps import fitcheck
from profiles.segments import lists, services
from profiles.versions import wording
from profiles.versions.criteria import (
    MULTI_VALUED_ATTRIBUTES,
    SEGMENTS,
    Criterion,
    CriterionError,
    criterion_for_trait,
)
from profiles.versions.evaluation import evaluate_frame
from profiles.versions.guidance import buyer_guidance, segment_action
from profiles.versions.traits import trait_label

WEAK_BELOW = 3


@dataclass(frozen=True)
class Evidence:
    """How many best customers have a trait's value, of those whose value is known."""

    count: int
    known: int

    @property
    def weak(self) -> bool:
        return self.count < WEAK_BELOW


def trait_evidence(item: dict | None, corrections: dict) -> Evidence | None:
    """How many best customers meet a trait's test (a criterion's dict) in their table values,
    of those whose value is known; None without any."""
    if item is None or not corrections:
        return None
    try:
        criterion = (Criterion.from_dict(item),)
    except CriterionError:
        return None
    key = item["attribute"]
    values = [v[key] for v in corrections.values() if v.get(key) not in (None, "", [])]
    if not values:
        return None
    frame = pd.DataFrame({key: pd.Series([_cell(v) for v in values], dtype=object)})
    results = evaluate_frame(criterion, frame).iloc[:, -1].astype(str)
    met, missed = int((results == "met").sum()), int((results == "missed").sum())
    return Evidence(met, met + missed) if met + missed else None


def _cell(value):
    return tuple(value) if isinstance(value, list) else value  # lists: hashable, read as one


def _display(key: str, value: Any, operator: str, currency: str) -> str:
    text = wording.value_words(key, value, currency=currency, between=operator == "between")
    if operator in ("between", "in", "eq", ""):
        return text
    return f"{wording.OPERATOR_WORDS.get(operator, operator)} {text}"


def one_pager(version: ProfileVersion, dataset=None) -> dict:
    """Everything the one-pager shows of a version (the segment counts on `dataset`)."""
    content = version.content
    labels = fitcheck.labels_for(content)
    currency = version.currency  # the profile's money is in its customer list's currency
    criteria = content.get("criteria", [])
    segment_set = services.version_segments(version, dataset) if dataset is not None else None
    corrections = segment_set.corrections if segment_set is not None else {}
    tested = {c["attribute"]: c for c in criteria if c["segment"] == "do-or-die"}
    traits = []
    for t in content.get("traits", []):
        if not t.get("relevant", True):
            continue
        key = t.get("key", "")
        # The criterion the segments apply, else the test the trait's value suggests.
        test = tested.get(key) or criterion_for_trait(t, multi=key in MULTI_VALUED_ATTRIBUTES)
        if key in tested:
            display = _display(key, test["value"], test["operator"], currency)
        else:
            value = t.get("value")
            numbers = isinstance(value, list) and all(isinstance(v, int | float) for v in value)
            display = _display(key, value, "between" if numbers else "", currency)
        traits.append(
            {
                **t,
                "label": trait_label(key, t.get("label", "")),
                "display": display,
                "evidence": trait_evidence(test, corrections),
                "from_criterion": key in tested,
            }
        )
    counts = lists.all_counts(segment_set) if segment_set and segment_set.ready else None
    segments = [
        {
            "key": segment,
            "label": fitcheck.SEGMENT_LABELS[segment],
            "action": segment_action(segment),
            "note": content.get("notes", {}).get(segment, ""),
            "customers": counts.counts[segment] if counts else None,
            "criteria": [
                {
                    "text": fitcheck.criterion_text(c, labels, currency=currency),
                    "note": c.get("note", ""),
                }
                for c in criteria
                if c["segment"] == segment
            ],
        }
        for segment in SEGMENTS
    ]
    return {
        "version": version,
        "company_traits": [t for t in traits if t.get("source") == "company"],
        "buyer_traits": [t for t in traits if t.get("source") == "buyer"],
        "other_traits": [t for t in traits if t.get("source") not in ("company", "buyer")],
        "buyer_guidance": buyer_guidance(t for t in traits if t.get("source") == "buyer"),
        "former": segment_set.former if segment_set and segment_set.ready else 0,
        "segments": segments,
        "counts": counts,
        "segment_set": segment_set,
        "publication": Publication.objects.filter(version=version)
        .select_related("published_by")
        .order_by("-published_at", "-pk")
        .first(),
        "history_url": reverse("profile_versions"),
        "weak_below": WEAK_BELOW,
    }
