"""The bare work behind the reps' pages and exports, and the background export jobs.

What bench/reps.py compares a page with: the segments of every customer and the list's
filter, without rendering. It calls the project's own functions, so it follows them when
they change.
"""

import time

import common  # noqa: F401  (sets Django up first)

from profiles.reps import segments


def prepare(version) -> None:
    """Whatever publishing leaves to do before the reps' first visit (nothing here)."""


def bare(version, name: str, kind: str, data) -> float | None:
    """Milliseconds of the data work behind one case (None where there is none to compare)."""
    if not name.startswith(("segment", "CRM")):
        return None
    started = time.perf_counter()
    frame = segments.segment_frame(version, version.dataset)
    filters = {k: v for k, v in (data or {}).items() if k in ("segment", "owner", "q")}
    segments.filtered(frame, **filters)
    return (time.perf_counter() - started) * 1000


def export_job(response):
    """The background job an export request started, or None when it answered the file."""
    return None


def run_export_job(job) -> tuple[float, int]:
    """Run a background export job as the worker would: (ms, bytes of the file)."""
    raise NotImplementedError
