"""Uploaded files on their way to a dataset: keep, sample, start (once), discard, sweep, clean.

Reading a workbook and running an import are in `running`; the import itself (validation,
COPY) is portfolio.imports.pipeline.dataset_import.

The states (ImportState): a text file is sampled on arrival and waits for its mapping
(UPLOADED); a workbook waits for the worker to read it (READING).  Starting the import moves
UPLOADED, INVALID or FAILED to QUEUED in one statement, so a second submit starts nothing;
the process that runs it moves QUEUED to RUNNING, again in one statement, and ends in DONE,
INVALID or FAILED.  A READING or RUNNING upload whose heartbeat stopped is FAILED by the sweep.
"""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portfolio.imports.reading import ImportFileError, file_kind
from portfolio.imports.sheets import unpacked_size
from portfolio.models import ImportPhase, ImportState, ImportUpload
from portfolio.uploads.samples import SAMPLE_BYTES, text_sample
from portfolio.uploads.storage import (
    PART_BYTES,
    chunks_of,
    clean_temporary_files,
    parts_delete,
    parts_store,
)

# Uploads in these states are not being worked on: they may be discarded.  A queued one
# has not been claimed by a worker yet (claiming it and discarding it are single statements,
# so exactly one of them wins); a reading one may be, and its result is then dropped.
DISCARDABLE_STATES = (
    ImportState.UPLOADED,
    ImportState.READING,
    ImportState.QUEUED,
    ImportState.INVALID,
    ImportState.FAILED,
)
# Uploads whose import may be started (again): waiting, with problems, or failed.
STARTABLE_STATES = (ImportState.UPLOADED, ImportState.INVALID, ImportState.FAILED)


def import_upload_create(*, organization, user, file) -> ImportUpload:
    """Keep an uploaded file (the form checked its size); a text file is sampled at once.

    Raises ImportFileError, storing nothing, when the file cannot be read at all.  A workbook
    is left for the worker to read (`running.import_upload_read`); the caller queues that.
    """
    import_uploads_clean()
    path = _local_path(file)
    # A file Django kept in memory is small (FILE_UPLOAD_MAX_MEMORY_SIZE): read it whole, as
    # a zip's directory is at its end.
    kind = file_kind(path if path else file.read())
    if kind == "zip":
        raise ImportFileError("not_a_spreadsheet")
    sample, state = {}, ImportState.READING
    if kind == "text":
        file.seek(0)
        head = file.read(SAMPLE_BYTES + 1)
        complete = len(head) <= SAMPLE_BYTES
        sample = text_sample(head, file.name, complete=complete, max_rows=settings.IMPORT_MAX_ROWS)
        state = ImportState.UPLOADED
    elif kind != "xls":
        file.seek(0)
        # Refused at once: a workbook that unpacks to gigabytes never reaches the worker.
        limit = settings.IMPORT_WORKBOOK_MAX_UNPACKED_BYTES
        if unpacked_size(path or file) > limit:
            raise ImportFileError("too_big", max_bytes=limit)
    file.seek(0)
    with transaction.atomic():
        upload = ImportUpload.objects.create(
            organization=organization,
            uploaded_by=user,
            file_name=file.name[:255],
            size=file.size,
            file_kind=kind,
            state=state,
            sample=sample,
            # A workbook's first read is of the first sheet with content ("").
            options={} if kind == "text" else {"sheet": ""},
        )
        upload.size = parts_store(upload=upload, chunks=file.chunks(PART_BYTES))
        upload.save(update_fields=["size"])
    return upload


def _local_path(file) -> Path | None:
    """The path of an upload Django streamed to a temporary file (None if it is in memory)."""
    try:
        return Path(file.temporary_file_path())
    except AttributeError:
        return None


def sample_text_upload(upload: ImportUpload) -> dict:
    """Sample a kept text file from its first megabyte and keep the sample on the upload."""
    head = bytearray()
    for chunk in chunks_of(upload):
        head += chunk
        if len(head) > SAMPLE_BYTES:
            break
    complete = len(head) <= SAMPLE_BYTES
    sample = text_sample(
        bytes(head[: SAMPLE_BYTES + 1]),
        upload.file_name,
        complete=complete,
        max_rows=settings.IMPORT_MAX_ROWS,
    )
    ImportUpload.objects.filter(pk=upload.pk).update(sample=sample)
    return sample


def import_upload_read_queue(*, upload: ImportUpload, sheet: str) -> ImportUpload:
    """Ask for a workbook's `sheet` ("" for the first with content) to be read by the worker."""
    upload.options = {**upload.options, "sheet": sheet}
    upload.state = ImportState.READING
    upload.heartbeat_at = None
    upload.message = ""
    upload.save(update_fields=["options", "state", "heartbeat_at", "message"])
    return upload


def import_upload_start(*, upload: ImportUpload, options: dict) -> bool:
    """Save the chosen options and queue the import, unless it was started already.

    One UPDATE does both, so of two submits (a double click, two tabs) exactly one starts
    the import and the other learns that it is running.  Returns whether this call started it.
    """
    started = ImportUpload.objects.filter(pk=upload.pk, state__in=STARTABLE_STATES).update(
        options=options,
        state=ImportState.QUEUED,
        phase=ImportPhase.WAITING,
        rows_done=0,
        rows_total=0,
        report={},
        message="",
        heartbeat_at=None,
    )
    if started:
        upload.options, upload.state = options, ImportState.QUEUED
    return bool(started)


def import_upload_discard(*, upload: ImportUpload) -> bool:
    """Delete an upload nobody is importing, with its file; False when it is busy or done."""
    import_uploads_sweep()
    _, deleted = ImportUpload.objects.filter(pk=upload.pk, state__in=DISCARDABLE_STATES).delete()
    return bool(deleted.get(ImportUpload._meta.label))


def import_uploads_sweep() -> int:
    """Fail the reads and imports whose process stopped (no heartbeat for a while); how many.

    Safe to call often and from several processes at once: two UPDATEs, nothing else.
    """
    cutoff = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    running = ImportUpload.objects.filter(silent, state=ImportState.RUNNING)
    failed = running.update(state=ImportState.FAILED, phase=ImportPhase.FINISHED, message="stopped")
    reading = ImportUpload.objects.filter(state=ImportState.READING, heartbeat_at__lt=cutoff)
    failed += reading.update(state=ImportState.FAILED, message="read_stopped")
    return failed


def import_uploads_clean(*, now: dt.datetime | None = None) -> int:
    """Delete the uploads older than IMPORT_UPLOAD_MAX_AGE_DAYS never imported; how many.

    Their files go with them; so do temporary copies that a killed process left behind.
    """
    import_uploads_sweep()
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.IMPORT_UPLOAD_MAX_AGE_DAYS)
    # Done uploads have no file left and are the history of the datasets: they stay.
    old = Q(created_at__lt=cutoff, state__in=DISCARDABLE_STATES)
    _, deleted = ImportUpload.objects.filter(old).delete()
    clean_temporary_files()
    return deleted.get(ImportUpload._meta.label, 0)


def import_upload_content_forget(*, upload: ImportUpload) -> None:
    """Drop an imported upload's file and sample; its record stays as the dataset's history."""
    parts_delete(upload=upload)
    ImportUpload.objects.filter(pk=upload.pk).update(sample={})
