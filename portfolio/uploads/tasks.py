"""Background work of the portfolio app, run by `manage.py db_worker`."""

import logging

from django.db import DatabaseError, transaction
from django.tasks import task

from portfolio.models import ImportState, ImportUpload
from portfolio.uploads import previews
from portfolio.uploads.services import import_upload_run, import_upload_sample_save

log = logging.getLogger(__name__)


@task
def import_upload(upload_id: int) -> str:
    """Read, check and store an uploaded file with its saved options; returns the end state."""
    upload = (
        ImportUpload.objects.without_content()
        .select_related("organization", "uploaded_by")
        .get(pk=upload_id)
    )
    if upload.state != ImportState.QUEUED:
        return upload.state  # already run (a second worker, or a retried task)
    return import_upload_run(upload=upload).state


@task
def read_upload_sample(upload_id: int, sheet: str) -> bool:
    """Read a big workbook's sheet ("" for the first) once for the mapping page; kept?"""
    upload = ImportUpload.objects.without_content().filter(pk=upload_id).first()
    if upload is None or not previews.sample_pending(upload.sample, sheet):
        return False  # discarded, or another sheet was asked for meanwhile
    sample = previews.workbook_sample(upload, sheet=sheet)
    try:
        with transaction.atomic():
            return import_upload_sample_save(upload=upload, sheet=sheet, sample=sample)
    except DatabaseError:  # e.g. a cell PostgreSQL's jsonb cannot hold; the page must not wait
        log.exception("keeping the sample of upload %s failed", upload_id)
        failed = {"error": "read_failed"}
        return import_upload_sample_save(upload=upload, sheet=sheet, sample=failed)
