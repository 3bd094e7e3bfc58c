"""Background work of the portfolio app, run by `manage.py db_worker`."""

from django.tasks import task

from portfolio.models import ImportState, ImportUpload
from portfolio.services import import_upload_run


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
