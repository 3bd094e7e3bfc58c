"""The bare work behind the reps' pages and exports, and the worker's jobs.

What bench/reps.py compares a page with: the page's queries of the stored segments (or the
export's COPY) without Django's rendering. It calls the project's own functions, so it follows
them when they change.
"""

import re
import time
from pathlib import Path

import common  # noqa: F401  (sets Django up first)

from profiles.models import SegmentExport, SegmentSet
from profiles.segments import computing, exports, lists, tasks

PAGE_SIZE = 50


def prepare(version) -> float:
    """The worker's job after publishing: every customer's segment stored (ms)."""
    segment_set = SegmentSet.objects.get(version=version, dataset=version.dataset)
    started = time.perf_counter()
    computing.compute(segment_set)
    return (time.perf_counter() - started) * 1000


def bare(version, name: str, kind: str, data) -> float | None:
    """Milliseconds of the data work behind one case (None where there is none to compare)."""
    if not name.startswith(("segment", "CRM")):
        return None
    segment_set = SegmentSet.objects.get(version=version, dataset=version.dataset)
    filters = {k: v for k, v in (data or {}).items() if k in ("segment", "owner", "q")}
    started = time.perf_counter()
    if kind == "csv" and name.startswith("CRM"):
        for _chunk in exports.crm_csv(segment_set, "hubspot"):
            pass
    elif kind in ("csv", "xlsx"):
        for _chunk in exports.segment_csv(segment_set, exports.reason_labels(), **filters):
            pass
    else:
        page, _counts = lists.page(segment_set, (data or {}).get("page"), size=PAGE_SIZE, **filters)
        list(page.object_list)
    return (time.perf_counter() - started) * 1000


def export_job(response):
    """The background job an export request started, or None when it answered the file."""
    if response.status_code != 302:
        return None
    found = re.search(r"/segments/exports/(\d+)/", response["Location"])
    return int(found[1]) if found else None


def run_export_job(job: int) -> tuple[float, int]:
    """Run a background export job as the worker would: (ms, bytes of the file)."""
    started = time.perf_counter()
    tasks.write_segment_export.call(job)
    ms = (time.perf_counter() - started) * 1000
    return round(ms, 1), Path(SegmentExport.objects.get(pk=job).path).stat().st_size
