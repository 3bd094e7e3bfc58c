"""The current profile applied to the customer list: every customer with its segment.

Which list: the current profile's own dataset (the one its workshop worked on), else the
organisation's newest ready import. `segment_frame` loads the fields the criteria read with
one query and calls `evaluation.evaluate_frame`; a saved version never changes and a dataset's
customers change only with its revision (re-aggregating an order list), so the result is
cached per (dataset, revision, version) in the process (portfolio.frames.cache).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import FloatField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from portfolio.frames import cache as frame_cache
from portfolio.models import Customer, Dataset, DatasetStatus
from profiles.models import ProfileVersion
from profiles.reps import fitcheck
from profiles.versions.criteria import FIT_SEGMENTS
from profiles.versions.evaluation import evaluate_frame

# Customer fields every list shows; criteria add the fields they read.
BASE_FIELDS = ("id", "name", "external_id", "owner", "revenue")
NUMBER_FIELDS = {"revenue", "company_revenue", "margin"}  # Decimal in the database
CUSTOMER_FIELD_NAMES = {
    f.name for f in Customer._meta.get_fields() if getattr(f, "concrete", False)
} - {"organization", "dataset", "extra"}


def segment_dataset(organization, version: ProfileVersion | None) -> Dataset | None:
    """The customer list the segment lists show (see the module docstring)."""
    if version is not None and version.dataset_id is not None:
        return version.dataset
    return (
        Dataset.objects.for_organization(organization)
        .filter(status=DatasetStatus.READY)
        .order_by("-created_at", "-pk")
        .first()
    )


def customer_frame(dataset: Dataset, attributes: set[str]) -> pd.DataFrame:
    """The dataset's customers: BASE_FIELDS plus the attributes (fields, else `extra` keys)."""
    fields = list(dict.fromkeys([*BASE_FIELDS, *sorted(attributes & CUSTOMER_FIELD_NAMES)]))
    extras = {
        name: KeyTextTransform(name, "extra") for name in sorted(attributes - CUSTOMER_FIELD_NAMES)
    }
    floats = {name: Cast(name, FloatField()) for name in fields if name in NUMBER_FIELDS}
    plain = [name for name in fields if name not in floats]
    rows = (
        Customer.objects.in_dataset(dataset)
        .order_by("name", "pk")
        .values_list(*plain, *floats.values(), *extras.values())
    )
    frame = pd.DataFrame(list(rows), columns=[*plain, *floats, *extras], dtype=object)
    for name in floats:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    for name in ("employees", "seats", "sales_cycle_days"):
        if name in frame:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    return frame


def _segments(version: ProfileVersion, dataset: Dataset) -> pd.DataFrame:
    found = fitcheck.profile_criteria(version.content)
    frame = customer_frame(dataset, {c.attribute for c in found})
    result = evaluate_frame(found, frame)
    out = frame[list(BASE_FIELDS)].copy()
    out["segment"] = result["segment"].astype(str)
    out["known"] = result["known"]
    out["total"] = result["total"]
    out["reason"] = result["reason"].astype(str)
    return out


def segment_frame(version: ProfileVersion, dataset: Dataset) -> pd.DataFrame:
    """Every customer of the dataset with segment, known, total and reason code (a copy)."""
    return frame_cache.get(dataset, ("segments", version.pk), lambda: _segments(version, dataset))


@dataclass(frozen=True)
class SegmentCounts:
    counts: dict[str, int]  # customers per FIT_SEGMENTS
    total: int


def counts(frame: pd.DataFrame) -> SegmentCounts:
    """Customers per segment."""
    found = frame["segment"].value_counts().to_dict()
    return SegmentCounts({s: int(found.get(s, 0)) for s in FIT_SEGMENTS}, len(frame))


def owner_names(frame: pd.DataFrame) -> list[str]:
    """The owners in the list, in alphabetical order."""
    owners = frame["owner"].dropna().astype(str).str.strip()
    return sorted(set(owners[owners != ""]), key=str.casefold)


def filtered(
    frame: pd.DataFrame, *, segment: str = "", owner: str = "", q: str = ""
) -> pd.DataFrame:
    """The customers of one segment and owner (both case-insensitive; empty means all)."""
    mask = pd.Series(True, index=frame.index)
    if segment:
        mask &= frame["segment"] == segment
    if owner:
        mask &= frame["owner"].fillna("").astype(str).str.strip().str.casefold() == owner.casefold()
    if q:
        mask &= frame["name"].astype(str).str.contains(q, case=False, regex=False)
    return frame[mask]


def own_owner(frame: pd.DataFrame, member_name: str) -> str:
    """The owner value that is the member (by name, case-insensitive), or ""."""
    wanted = " ".join(member_name.split()).casefold()
    if not wanted:
        return ""
    return next((o for o in owner_names(frame) if o.casefold() == wanted), "")


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A segment list as the export file has it."""
    return pd.DataFrame(
        {
            _("Customer ID"): frame["external_id"].fillna("").astype(str),
            _("Name"): frame["name"].astype(str),
            _("Owner"): frame["owner"].fillna("").astype(str),
            _("Revenue with us"): frame["revenue"],
            _("ICP segment"): frame["segment"],
            _("Criteria known"): frame["known"],
            _("Criteria total"): frame["total"],
            _("Reason"): frame["reason"].map(
                {k: str(v) for k, v in fitcheck.REASON_LABELS.items()}
            ),
        }
    )
