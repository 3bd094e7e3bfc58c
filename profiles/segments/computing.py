"""Computing a SegmentSet: what its segments depend on (`Inputs`, with their fingerprint) and
the one pass that segments every customer and stores the rows and figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from portfolio.frames.customers import customer_names, former_customers
from portfolio.models import Dataset
from profiles.models import SegmentSet, WorkshopStep
from profiles.segments import preview, store
from profiles.segments.frames import table_corrections
from profiles.segments.segmenting import attributes_read, profile_criteria, segments_of
from profiles.versions.criteria import CriterionError
from profiles.versions.diff import empty_content


@dataclass(frozen=True)
class Inputs:
    """Everything a set's segments depend on."""

    dataset: Dataset
    content: dict
    corrections: dict
    best_ids: tuple[int, ...] = ()
    today: dt.date | None = None  # a draft's "won in the last 12 months"
    # Only the customers active on this date get a segment (the method's customers).
    active_on: dt.date | None = None

    @property
    def former(self) -> int:
        """The customers left out because they had left before `active_on`."""
        return former_customers(self.dataset, self.active_on) if self.active_on else 0

    def fingerprint(self) -> str:
        try:
            read = set(attributes_read(self.content))
        except CriterionError:
            read = set()
        relevant = {
            customer: {k: v for k, v in values.items() if k in read}
            for customer, values in self.corrections.items()
        }
        payload = {
            "criteria": self.content.get("criteria", []),
            "corrections": {c: v for c, v in relevant.items() if v},
            "dataset": [self.dataset.pk, self.dataset.revision],
            "best": sorted(self.best_ids),
            "today": self.today.isoformat() if self.today else None,
            # Who counts changes only when an end date passes: the count of those who left
            # says it without recomputing every day.
            "former": self.former,
        }
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def inputs_of(segment_set: SegmentSet) -> Inputs:
    """What the set's segments depend on now."""
    if segment_set.version_id is not None:
        return Inputs(
            segment_set.dataset,
            segment_set.version.content,
            segment_set.corrections,
            active_on=timezone.localdate(),
        )
    workshop = segment_set.workshop
    steps = dict(
        WorkshopStep.objects.filter(workshop=workshop, number__in=(3, 6)).values_list(
            "number", "inputs"
        )
    )
    content = {**empty_content(), **(steps.get(6) or {})}
    best = tuple(int(pk) for pk in (steps.get(3) or {}).get("selection", []))
    return Inputs(
        segment_set.dataset,
        content,
        table_corrections(workshop),
        best_ids=best,
        today=timezone.localdate(),
        active_on=timezone.localdate(),
    )


def compute(segment_set: SegmentSet, inputs: Inputs | None = None) -> SegmentSet:
    """Compute every customer's segment in one pass and store them with their figures."""
    inputs = inputs or inputs_of(segment_set)
    fingerprint = inputs.fingerprint()
    if segment_set.stored == fingerprint:
        return segment_set
    try:
        criteria = profile_criteria(inputs.content)
        frame, segments = segments_of(
            inputs.dataset, inputs.content, inputs.corrections, active_on=inputs.active_on
        )
    except CriterionError as error:
        # A draft that cannot be read (the page says so); the rows stay as they were.
        SegmentSet.objects.filter(pk=segment_set.pk).update(failed=str(error), stored="")
        segment_set.failed, segment_set.stored = str(error), ""
        return segment_set
    figures: dict[str, Any] | None = None
    if segment_set.workshop_id is not None:
        dataset = inputs.dataset
        figures = preview.figures(
            frame,
            segments,
            best_ids=inputs.best_ids,
            today=inputs.today or timezone.localdate(),
            names_of=lambda ids: customer_names(dataset, ids),
            former=inputs.former,
        ).to_json()
    return store.store(
        segment_set,
        segments,
        fingerprint=fingerprint,
        criteria_total=len(criteria),
        preview=figures,
        former=inputs.former,
    )
