"""Keeping the stored segments current: a version's once it is published, a draft's whenever
its criteria, the tables' corrections, the best customers or the customer list change.

What a set should reflect is a fingerprint of everything its segments depend on (`wanted`);
what it holds is the fingerprint it was computed from (`stored`). Reading a set through
`version_segments` or `draft_segments` compares the two: a small list (up to
SEGMENTS_INLINE_CUSTOMERS customers) is recomputed there and then, a large one in the worker
(profiles.segments.tasks) while the pages show the stored figures and say they are updating.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portfolio.models import Dataset
from profiles.models import ProfileVersion, SegmentExport, SegmentSet, Workshop
from profiles.segments import tasks
from profiles.segments.computing import compute, inputs_of
from profiles.segments.frames import table_corrections


def version_segments(version: ProfileVersion, dataset: Dataset) -> SegmentSet:
    """The version's segments of the customer list (made current, see the module docstring)."""
    segment_set = SegmentSet.objects.filter(version=version, dataset=dataset).first()
    if segment_set is None:
        captured = SegmentSet.objects.filter(version=version).order_by("pk").first()
        segment_set, _created = SegmentSet.objects.get_or_create(
            version=version,
            dataset=dataset,
            defaults={
                "organization_id": version.organization_id,
                "corrections": captured.corrections if captured else {},
            },
        )
    segment_set.version = version
    return refresh(segment_set)


def draft_segments(workshop: Workshop) -> SegmentSet | None:
    """The workshop draft's segments (made current), or None without a customer list."""
    if workshop.dataset is None:
        return None
    segment_set, _created = SegmentSet.objects.get_or_create(
        workshop=workshop,
        defaults={"organization_id": workshop.organization_id, "dataset": workshop.dataset},
    )
    if segment_set.dataset_id != workshop.dataset_id:
        segment_set.dataset = workshop.dataset
        segment_set.save(update_fields=["dataset"])
    segment_set.workshop = workshop
    return refresh(segment_set)


def refresh(segment_set: SegmentSet, *, inline: bool | None = None) -> SegmentSet:
    """Compare what the set holds with what it should; recompute now or queue it."""
    inputs = inputs_of(segment_set)
    wanted = inputs.fingerprint()
    if segment_set.stored == wanted:
        return segment_set
    queue = segment_set.wanted != wanted
    if queue:
        SegmentSet.objects.filter(pk=segment_set.pk).update(wanted=wanted)
        segment_set.wanted = wanted
    if inline is None:
        inline = (inputs.dataset.rows_imported or 0) <= settings.SEGMENTS_INLINE_CUSTOMERS
    if inline:
        return compute(segment_set, inputs)
    if queue:
        pk = segment_set.pk
        transaction.on_commit(lambda: tasks.compute_segments.enqueue(pk))
    return segment_set


def version_corrections_capture(version: ProfileVersion) -> SegmentSet:
    """Keep the corrections a new version is saved with (a restored one: its original's)."""
    corrections: dict = {}
    if version.restored_from_id is not None:
        original = SegmentSet.objects.filter(version_id=version.restored_from_id).first()
        corrections = original.corrections if original else {}
    elif version.workshop_id is not None:
        corrections = table_corrections(version.workshop)
    segment_set, _created = SegmentSet.objects.get_or_create(
        version=version,
        dataset=version.dataset,
        defaults={"organization_id": version.organization_id, "corrections": corrections},
    )
    return segment_set


KEPT_DAYS = 2


def segment_export_request(
    *, segment_set: SegmentSet, user, filters: dict, rows: int, file_name: str, language: str
) -> SegmentExport:
    """Queue an Excel export for the worker (the member's older exports are cleaned up)."""
    old = SegmentExport.objects.filter(
        requested_by=user, created_at__lt=timezone.now() - dt.timedelta(days=KEPT_DAYS)
    )
    for path in old.exclude(path="").values_list("path", flat=True):
        Path(path).unlink(missing_ok=True)
    old.delete()
    with transaction.atomic():
        job = SegmentExport.objects.create(
            organization=segment_set.organization,
            requested_by=user,
            segment_set=segment_set,
            filters=filters,
            file_name=file_name,
            language=language,
            rows_total=rows,
        )
        transaction.on_commit(lambda: tasks.write_segment_export.enqueue(job.pk))
    return job
