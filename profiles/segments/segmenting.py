"""The one function that gives customers their segment: a profile's criteria applied by
profiles.versions.evaluation to the one frame (profiles.segments.frames).

The step-6 preview, the stored segments of a published version (the reps' lists, the
one-pager's counts, the exports and the API read those), and the fit check of an existing
customer all come from here, so a leader, a rep, a CRM and a spreadsheet get the same answer
for the same customer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from portfolio.models import Dataset
from profiles.segments.frames import customer_frame
from profiles.versions.criteria import Criterion, criteria_from_dicts
from profiles.versions.evaluation import FitResult, evaluate, evaluate_frame


def profile_criteria(content: Mapping[str, Any]) -> tuple[Criterion, ...]:
    """The criteria of a profile's content (CriterionError when they are not valid)."""
    return criteria_from_dicts(content.get("criteria", []))


def attributes_read(content: Mapping[str, Any]) -> list[str]:
    """The attributes the profile's criteria read, in their order."""
    return list(dict.fromkeys(c.attribute for c in profile_criteria(content)))


def segment_customers(content: Mapping[str, Any], frame: pd.DataFrame) -> pd.DataFrame:
    """Every row's segment: ``id``, ``segment`` (categorical of FIT_SEGMENTS), ``reason``
    (categorical of evaluation.REASONS) and ``known`` (criteria met or missed), in one
    vectorised pass of evaluation.evaluate_frame."""
    result = evaluate_frame(profile_criteria(content), frame)
    return pd.DataFrame(
        {
            "id": frame["id"].to_numpy(),
            "segment": result["segment"].to_numpy(),
            "reason": result["reason"].to_numpy(),
            "known": result["known"].to_numpy(dtype=np.int16),
        }
    )


def segments_of(
    dataset: Dataset,
    content: Mapping[str, Any],
    corrections: Mapping[str, Mapping[str, Any]],
    *,
    active_on: dt.date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The one frame for the profile and every customer's segment in it: (frame, segments)."""
    frame = customer_frame(
        dataset,
        attributes=attributes_read(content),
        corrections=corrections,
        active_on=active_on,
    )
    return frame, segment_customers(content, frame)


def customer_attributes(frame: pd.DataFrame, customer_id: int, attributes) -> dict[str, Any]:
    """One customer's attributes in the frame, as a fit check is given them (missing left out)."""
    rows = np.flatnonzero(frame["id"].to_numpy() == int(customer_id))
    if not len(rows):
        raise KeyError(customer_id)
    found: dict[str, Any] = {}
    for attribute in attributes:
        value = frame[attribute].iloc[rows[0]]
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, np.generic):
            value = value.item()
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            continue
        found[attribute] = value
    return found


def customer_fit(
    dataset: Dataset,
    content: Mapping[str, Any],
    corrections: Mapping[str, Mapping[str, Any]],
    customer_id: int,
) -> tuple[dict[str, Any], FitResult]:
    """The fit check of an existing customer: its attributes in the one frame and the answer."""
    attributes = attributes_read(content)
    frame = customer_frame(dataset, attributes=attributes, corrections=corrections)
    known = customer_attributes(frame, customer_id, attributes)
    return known, evaluate(profile_criteria(content), known)
