"""Background work of the portfolio app, run by `manage.py db_worker`."""

from django.tasks import task

from portfolio.models import ImportState, ImportUpload
from portfolio.uploads.running import import_upload_read, import_upload_run


@task
def import_upload(upload_id: int) -> str:
    """Read, check and store an uploaded file with its saved options; returns the end state."""
    upload = (
        ImportUpload.objects.without_sample()
        .select_related("organization", "uploaded_by")
        .filter(pk=upload_id)
        .first()
    )
    if upload is None:
        return "discarded"
    if upload.state != ImportState.QUEUED:
        return upload.state  # already run (a second worker, or a retried task)
    return import_upload_run(upload=upload).state


@task
def read_upload_sample(upload_id: int, sheet: str) -> bool:
    """Read a workbook's sheet ("" for the first) once for the mapping page and the import."""
    return import_upload_read(upload_id=upload_id, sheet=sheet)
