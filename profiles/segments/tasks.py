"""Background work of the stored segments, run by `manage.py db_worker`."""

from django.tasks import task
from django.utils import translation

from profiles.models import SegmentExport, SegmentSet
from profiles.segments import exports
from profiles.segments.computing import compute


@task
def compute_segments(segment_set_id: int) -> bool:
    """Compute a large list's segments for what its set should reflect now; False if gone."""
    segment_set = (
        SegmentSet.objects.select_related("dataset", "version", "workshop")
        .filter(pk=segment_set_id)
        .first()
    )
    if segment_set is None or segment_set.dataset is None:
        return False
    compute(segment_set)
    return True


@task
def write_segment_export(export_id: int) -> str:
    """Write a queued Excel export in the language of the member who asked; its end state."""
    job = SegmentExport.objects.select_related("segment_set").filter(pk=export_id).first()
    if job is None or job.state != "queued":
        return job.state if job else "gone"
    with translation.override(job.language or None):
        return exports.export_write(job, exports.reason_labels()).state
