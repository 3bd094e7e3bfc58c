"""Reading the stored segments: the reps' segment list (filters, search, pages), the counts
per segment and owner.

Everything reads the rows of a version's SegmentSet with SQL: a page is one indexed query
(LIMIT/OFFSET in name order), the counts without a search come from the figures stored with
the set, so no request recomputes or loads the whole customer list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Lower, Trim
from django.utils.functional import cached_property

from portfolio.models import Dataset, DatasetStatus
from profiles.models import CustomerSegment, ProfileVersion, SegmentSet
from profiles.versions.criteria import FIT_SEGMENTS
from profiles.versions.evaluation import REASONS

REASON_CODES = tuple(REASONS)


def segment_dataset(organization, version: ProfileVersion | None) -> Dataset | None:
    """The customer list the segment lists show: the version's own (the one its workshop worked
    on), else the organisation's newest ready import."""
    if version is not None and version.dataset_id is not None:
        return version.dataset
    return (
        Dataset.objects.for_organization(organization)
        .filter(status=DatasetStatus.READY)
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class SegmentCounts:
    counts: dict[str, int]  # customers per FIT_SEGMENTS
    total: int


def _counts(counts: dict) -> SegmentCounts:
    found = {s: int(counts.get(s, 0)) for s in FIT_SEGMENTS}
    return SegmentCounts(found, sum(found.values()))


def all_counts(segment_set: SegmentSet) -> SegmentCounts:
    """Customers per segment of the whole list."""
    return _counts(segment_set.counts)


def owner_names(segment_set: SegmentSet) -> list[str]:
    """The owners in the list, in alphabetical order."""
    return [entry["owner"] for entry in segment_set.owners]


def own_owner(segment_set: SegmentSet, member_name: str) -> str:
    """The owner value that is the member (by name, case-insensitive), or ""."""
    wanted = " ".join(member_name.split()).casefold()
    if not wanted:
        return ""
    return next((o for o in owner_names(segment_set) if o.casefold() == wanted), "")


def rows(segment_set: SegmentSet, *, segment: str = "", owner: str = "", q: str = "") -> QuerySet:
    """The listed customers of one segment and owner whose name contains `q` (all three
    case-insensitive; empty means all), in name order."""
    found = CustomerSegment.objects.filter(segment_set=segment_set, listed=True)
    if segment:
        found = found.filter(segment=FIT_SEGMENTS.index(segment))
    if owner.strip():
        found = found.filter(owner_key=Lower(Trim(Value(owner))))
    if q:
        found = found.filter(name__icontains=q)
    return found.order_by("name", "customer_id")


def counts(segment_set: SegmentSet, *, segment: str = "", owner: str = "", q: str = ""):
    """Customers per segment among those the filters keep."""
    if q:
        found = rows(segment_set, segment=segment, owner=owner, q=q).order_by()
        by_code = dict(found.values_list("segment").annotate(n=Count("*")))
        result = {s: int(by_code.get(i, 0)) for i, s in enumerate(FIT_SEGMENTS)}
    elif owner.strip():
        wanted = " ".join(owner.split()).casefold()
        entry = next(
            (e for e in segment_set.owners if " ".join(e["owner"].split()).casefold() == wanted),
            None,
        )
        result = dict(entry["counts"]) if entry else {}
    else:
        result = dict(segment_set.counts)
    if segment:
        result = {s: (n if s == segment else 0) for s, n in result.items()}
    return _counts(result)


class CountedPaginator(Paginator):
    """A paginator told the number of rows, so it does not count them again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


def page(segment_set: SegmentSet, number, *, size: int, **filters):
    """One page of the filtered list, and the counts of the filtered customers."""
    found = counts(segment_set, **filters)
    paginator = CountedPaginator(rows(segment_set, **filters), size, count=found.total)
    return paginator.get_page(number), found


def records(page_rows, criteria_total: int) -> list[dict]:
    """A page's rows as the template reads them."""
    return [
        {
            "id": row.customer_id,
            "name": row.name,
            "external_id": row.external_id,
            "owner": row.owner,
            "revenue": row.revenue,
            "segment": FIT_SEGMENTS[row.segment],
            "reason": REASON_CODES[row.reason],
            "known": row.known,
            "total": criteria_total,
        }
        for row in page_rows
    ]
